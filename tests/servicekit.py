"""What the tests of `assess serve` share: a database with accounts and a round of samples."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")

from fastapi.testclient import TestClient

from assess.service import create_app, db
from assess.service.auth import create_user
from assess.service.setup import load_round

from .conftest import SAMPLES

PASSWORD = "correct horse battery"
RECORDS = SAMPLES / "office-records-example.csv"
UNITS = ("seed-08-township", "seed-01-township", "seed-04-department")
POSTGRES_URL = os.environ.get("ASSESS_TEST_POSTGRES")
"""A PostgreSQL database to run the service's tests on as well (tests/test_service_postgres.py sets it)."""


def sample(name: str) -> Path:
    return SAMPLES / f"{name}.json"


def accounts(url: str) -> None:
    engine = db.connect(url)
    db.upgrade(engine)
    with db.sessions(engine)() as session:
        for name, role in (("admin", "admin"), ("王某", "member"), ("李某", "member"), ("viewer", "viewer")):
            create_user(session, name, PASSWORD, role)
    engine.dispose()


@dataclass
class Service:
    url: str
    client: TestClient
    round_id: int

    def token(self, name: str) -> dict[str, str]:
        response = self.client.post("/api/login", json={"name": name, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}


def service(url: str, records: bool = True, units: tuple[str, ...] = UNITS) -> Iterator[Service]:
    accounts(url)
    loaded = load_round(url, "2023年度考核（测试）", 2023, [str(sample(u)) for u in units],
                        [str(RECORDS)] if records else [])
    assert loaded.units == len(units), loaded.refused
    with TestClient(create_app(url)) as client:
        yield Service(url, client, loaded.round_id)


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'serve.db'}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def assess(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assess", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"}, check=False)


@contextlib.contextmanager
def running(folder: Path) -> Iterator[str]:
    """`assess serve` on a free port in ``folder`` (its default database there); the base URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "assess", "serve", "--port", str(port)], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the server did not start: {process.stdout.read() if process.stdout else ''}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
