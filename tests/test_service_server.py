"""The real server: `assess serve` set up and started as the README says, in a subprocess
on a free port, and spoken to over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .servicekit import PASSWORD, RECORDS, assess, running, sample

pytest.importorskip("uvicorn")


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
    with running(folder) as base:
        yield base


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
