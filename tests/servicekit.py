"""What the tests of `assess serve` share: a database with accounts and a round of samples."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
