"""The real server: `assess serve` set up and started as the README says, in a subprocess
on a free port, and spoken to over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .servicekit import PASSWORD, RECORDS, sample

pytest.importorskip("uvicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def assess(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assess", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"}, check=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("server")
    made = assess("serve", "--create-admin", "admin", cwd=folder, stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    loaded = assess("serve", "--load-round", "2023年度考核（示例）", "--year", "2023", str(sample("seed-08-township")),
                    str(sample("seed-04-department")), "--records", str(RECORDS), cwd=folder)
    assert loaded.returncode == 0, loaded.stderr
    assert "2 unit(s), 15 office record row(s)" in loaded.stderr
    assert (folder / "assess-serve.db").exists()  # the default database: a file in the working folder
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


def test_the_server_publishes_its_openapi_contract(server: str) -> None:
    schema = httpx.get(f"{server}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/score", "/api/rank", "/api/rulesets", "/api/schema/facts", "/api/rounds"} <= set(schema["paths"])


def test_the_server_scores_and_serves_the_loaded_round_over_http(server: str) -> None:
    scored = httpx.post(f"{server}/api/score", content=sample("seed-08-township").read_bytes(), timeout=30)
    assert scored.status_code == 200 and scored.json()["unit"]["id"] == "seed-08"
    token = httpx.post(f"{server}/api/login", json={"name": "admin", "password": PASSWORD}).json()["token"]
    rounds = httpx.get(f"{server}/api/rounds", headers={"Authorization": f"Bearer {token}"}).json()
    assert [(r["name"], r["units"], r["phase"]) for r in rounds] == [("2023年度考核（示例）", 2, "open")]


def test_the_workbench_login_page_is_served(server: str) -> None:
    page = httpx.get(f"{server}/rounds/1", follow_redirects=True)
    assert page.status_code == 200 and "登录" in page.text
