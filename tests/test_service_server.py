"""The real server: `assess serve` set up and started as the README says, in a subprocess
on a free port, and spoken to over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import cli
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


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2023"], "--load-round"),
    (["--load-round", "2023年度"], "--load-round needs PATH... and --year"),
    (["--port", "0"], "0"),
])
def test_serve_refuses_options_that_do_not_go_together(args: list[str], message: str, tmp_path: Path) -> None:
    result = cli("serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", *args)
    assert result.code == 2 and message in result.err
    assert not (tmp_path / "x.db").exists()


def test_a_second_admin_of_the_same_name_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("serve", "--db", url, "--create-admin", "admin", stdin=PASSWORD.encode() + b"\n").code == 0
    again = cli("serve", "--db", url, "--create-admin", "admin", stdin=PASSWORD.encode() + b"\n")
    assert again.code == 2 and "已存在" in again.err
