"""What the tests of `assess serve` share: a database with accounts and a round of samples."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
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
"""A PostgreSQL server's URL (a database it may create databases in); without it the tests
start a throwaway cluster of Debian's PostgreSQL on a socket in a temporary folder."""
PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
POSTGRES_MISSING = POSTGRES_URL is None and not PG_BINS
if POSTGRES_MISSING and os.environ.get("CI"):
    pytest.fail("CI must run the service's tests on PostgreSQL; install Debian's postgresql", pytrace=False)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    POSTGRES_MISSING, reason="PostgreSQL is not installed (apt-get install postgresql)"))]
"""The databases every database test runs on."""


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
    # The server's output goes to a file, not a pipe: a pipe nobody reads fills up (64 KB of
    # warnings, say) and blocks the server mid-request.
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "assess", "serve", "--port", str(port)], cwd=folder,
                                   stdout=out, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the server did not start: {log.read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


_cluster: dict[str, str] = {}


def _postgres_server() -> str:
    """The URL of a PostgreSQL server: ASSESS_TEST_POSTGRES, or a cluster started once for
    the test run (initdb and pg_ctl as the postgres user when run as root, trust on a
    private socket, no TCP) and stopped when the run ends."""
    if POSTGRES_URL is not None:
        return POSTGRES_URL
    if "url" in _cluster:
        return _cluster["url"]
    bin_dir = PG_BINS[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="assess-pg-"))
    folder.chmod(0o755)
    data, socket_dir = folder / "data", folder / "socket"
    data.mkdir()
    socket_dir.mkdir()
    as_owner: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
        import pwd

        owner = pwd.getpwnam("postgres")
        for path in (data, socket_dir):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_owner, str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres",
                    "--encoding=UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
    subprocess.run([*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w",
                    "-o", f"-k {socket_dir} -c listen_addresses= -c fsync=off -c max_connections=200", "start"],
                   check=True, capture_output=True)

    def stop() -> None:
        subprocess.run([*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    _cluster["url"] = f"postgresql://postgres@/postgres?host={socket_dir}"
    return _cluster["url"]


def fresh_database() -> str:
    """A new, empty PostgreSQL database for one test; its URL."""
    from sqlalchemy import create_engine, text

    server = _postgres_server()
    base, _, query = server.partition("?")
    name = f"assess_{uuid.uuid4().hex[:12]}"
    engine = create_engine(db.connect(server).url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


def database_url(kind: str, folder: Path) -> str:
    """A fresh database of that kind (``sqlite``: a file in ``folder``; ``postgresql``)."""
    return sqlite_url(folder) if kind == "sqlite" else fresh_database()
