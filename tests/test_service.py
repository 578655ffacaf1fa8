"""`assess serve`: the JSON API and the review workbench, through HTTP (FastAPI's TestClient).

Each test runs on a fresh database, SQLite and PostgreSQL (a throwaway cluster of Debian's
PostgreSQL, or the server ASSESS_TEST_POSTGRES names; see servicekit.py), with four
accounts and a round of three sample units and the example office records.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from openpyxl import load_workbook

from assess import load_records, score
from assess.cli import run
from assess.service import create_app
from assess.sources import parse_review

from .servicekit import BACKENDS, RECORDS, Service, TestClient, database_url, sample, service, sqlite_url


@pytest.fixture(params=BACKENDS)
def svc(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    yield from service(database_url(request.param, tmp_path))


@pytest.fixture(params=BACKENDS)
def bare(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """A round without the office's records."""
    yield from service(database_url(request.param, tmp_path), records=False)


def cli_json(*args: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    assert run(list(args), io.BytesIO(), out, err) == 0, err.getvalue()
    result: dict[str, object] = json.loads(out.getvalue())
    return result


# The public API ------------------------------------------------------------------------

def test_rulesets_lists_every_bundled_ruleset_with_its_title(svc: Service) -> None:
    listed = {r["name"]: r for r in svc.client.get("/api/rulesets").json()}
    assert {"township", "county", "department"} <= set(listed)
    assert listed["township"]["title"] == "乡镇（街道）应急管理工作年度考核细则"


def test_facts_schema_is_the_librarys(svc: Service) -> None:
    from assess import facts_json_schema

    assert svc.client.get("/api/schema/facts").json() == facts_json_schema()


@pytest.mark.parametrize(("query", "args"), [
    ("", []),
    ("?ruleset=township", ["--ruleset", "township"]),
    ("?phase=provisional", ["--phase", "provisional"]),
])
def test_score_answers_the_same_json_as_the_command_line(svc: Service, query: str, args: list[str]) -> None:
    path = sample("seed-08-township")
    response = svc.client.post(f"/api/score{query}", content=path.read_bytes())
    assert response.status_code == 200
    expected = cli_json("score", str(path), "--format", "json", "--engine", "native", *args)
    expected["source"] = "<request>"
    assert response.json() | {"source": "<request>"} == expected


def test_score_in_final_phase_without_office_data_is_refused_with_the_missing_paths(svc: Service) -> None:
    response = svc.client.post("/api/score?phase=final", content=sample("seed-08-township").read_bytes())
    assert response.status_code == 422
    assert any("tasks" in issue["path"] or "tasks" in issue["message"] for issue in response.json()["issues"])


@pytest.mark.parametrize(("body", "path"), [
    ({"unit": {"id": "x", "name": "某乡", "type": "township"}, "plans": {"overall": "很多"}}, "plans.overall"),
    ({"unit": {"id": 1, "name": "某乡", "type": "township"}}, "unit.id"),
    ({"unit": {"id": "x", "name": "某乡", "type": "township"}, "drils": []}, "drils"),
])
def test_bad_facts_are_422_naming_the_json_path(svc: Service, body: dict[str, object], path: str) -> None:
    response = svc.client.post("/api/score", json=body)
    assert response.status_code == 422
    assert path in [issue["path"] for issue in response.json()["issues"]]


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b"[1, 2]", b""])
def test_a_body_that_is_not_a_facts_object_is_422_not_500(svc: Service, body: bytes) -> None:
    response = svc.client.post("/api/score", content=body)
    assert response.status_code == 422
    assert "error" in response.json()


def test_a_body_over_the_limit_is_refused_with_413(tmp_path: Path) -> None:
    with TestClient(create_app(sqlite_url(tmp_path), max_body=1000)) as client:
        response = client.post("/api/score", content=b"{" + b" " * 2000 + b"}")
    assert response.status_code == 413


def test_rank_orders_units_as_the_command_line_does(svc: Service) -> None:
    units = [json.loads(sample(u).read_text(encoding="utf-8")) for u in ("seed-08-township", "seed-01-township")]
    response = svc.client.post("/api/rank", json={"units": units})
    assert response.status_code == 200
    expected = cli_json("rank", str(sample("seed-08-township")), str(sample("seed-01-township")),
                        "--format", "json", "--engine", "native")
    ranked = [[row["unit"]["id"] for row in table["rows"]] for table in response.json()["tables"]]
    assert ranked == [[row["unit"]["id"] for row in table["rows"]] for table in expected["tables"]]


# Accounts and roles --------------------------------------------------------------------

@pytest.mark.parametrize(("who", "method", "url", "body", "status"), [
    (None, "post", "/api/rounds", {"year": 2023, "name": "x"}, 401),
    ("viewer", "post", "/api/rounds", {"year": 2023, "name": "x"}, 403),
    ("王某", "post", "/api/rounds", {"year": 2023, "name": "x"}, 403),
    ("admin", "post", "/api/rounds", {"year": 2023, "name": "x"}, 201),
    (None, "post", "/api/rounds/{round}/decisions",
     {"unit": "seed-08", "kind": "accepted", "rule": "TS-RSP-03", "base": 0}, 401),
    ("viewer", "post", "/api/rounds/{round}/decisions",
     {"unit": "seed-08", "kind": "accepted", "rule": "TS-RSP-03", "base": 0}, 403),
    ("王某", "post", "/api/rounds/{round}/decisions",
     {"unit": "seed-08", "kind": "accepted", "rule": "TS-RSP-03", "base": 0}, 201),
    ("王某", "post", "/api/rounds/{round}/close", None, 403),
    ("王某", "post", "/api/users", {"name": "新人", "password": "long enough", "role": "admin"}, 403),
    ("admin", "post", "/api/users", {"name": "新人", "password": "long enough", "role": "member"}, 201),
    (None, "get", "/api/rounds", None, 401),
    ("viewer", "get", "/api/rounds/{round}", None, 200),
])
def test_every_write_checks_the_role(svc: Service, who: str | None, method: str, url: str,
                                     body: dict[str, object] | None, status: int) -> None:
    headers = svc.token(who) if who else {}
    response = svc.client.request(method.upper(), url.format(round=svc.round_id), json=body, headers=headers)
    assert response.status_code == status, response.text


def test_a_wrong_password_or_token_does_not_log_in(svc: Service) -> None:
    assert svc.client.post("/api/login", json={"name": "admin", "password": "wrong password"}).status_code == 401
    assert svc.client.post("/api/login", json={"name": "nobody", "password": "wrong password"}).status_code == 401
    assert svc.client.get("/api/rounds", headers={"Authorization": "Bearer forged"}).status_code == 401


# Rounds ----------------------------------------------------------------------------------

def test_a_round_is_created_listed_and_filled_through_the_api(svc: Service) -> None:
    admin, member = svc.token("admin"), svc.token("王某")
    made = svc.client.post("/api/rounds", json={"year": 2023, "name": "新批次", "rulesets": ["township"]},
                           headers=admin).json()
    assert [r["name"] for r in svc.client.get("/api/rounds", headers=member).json()][-1] == "新批次"
    added = svc.client.post(f"/api/rounds/{made['id']}/submissions", headers=member,
                            content=sample("seed-08-township").read_bytes())
    assert added.status_code == 201 and added.json()["unit"]["id"] == "seed-08"
    refused = svc.client.post(f"/api/rounds/{made['id']}/submissions", headers=member,
                              content=sample("seed-04-department").read_bytes())
    assert refused.status_code == 422 and "细则" in refused.json()["error"]
    uploaded = svc.client.post(f"/api/rounds/{made['id']}/records", headers=member,
                               files={"file": ("考核办记录.csv", RECORDS.read_bytes(), "text/csv")})
    assert uploaded.status_code == 201 and uploaded.json() == {"rows": 15}
    shown = svc.client.get(f"/api/rounds/{made['id']}", headers=member).json()
    assert [u["unit"] for u in shown["scored"]] == ["seed-08"] and shown["units"] == 1


def test_a_bad_records_file_is_422_naming_row_and_column(svc: Service) -> None:
    bad = "单位编码,交办任务\nseed-08,很多\n".encode()
    response = svc.client.post(f"/api/rounds/{svc.round_id}/records", headers=svc.token("王某"),
                               files={"file": ("记录.csv", bad, "text/csv")})
    assert response.status_code == 422
    assert any("row 2" in issue["path"] for issue in response.json()["issues"])


def decide(svc: Service, who: str, **body: object) -> httpx.Response:
    return svc.client.post(f"/api/rounds/{svc.round_id}/decisions", headers=svc.token(who), json=body)


def test_decisions_score_as_the_library_scores_the_same_review(svc: Service) -> None:
    made = [
        {"unit": "seed-08", "kind": "rejected", "rule": "TS-RSP-02", "note": "责任书无签字", "base": 0},
        {"unit": "seed-08", "kind": "accepted", "rule": "TS-RSP-03", "base": 0},
        {"unit": "seed-08", "kind": "points", "rule": "TS-RSK-05", "value": 2, "note": "处置偏晚", "base": 0},
        {"unit": "seed-08", "kind": "finding", "path": "supplies.custodian", "value": "否", "note": "无专人",
         "base": 0},
    ]
    for body in made:
        assert decide(svc, "王某", **body).status_code == 201
    served = svc.client.get(f"/api/rounds/{svc.round_id}/units/seed-08", headers=svc.token("viewer")).json()
    review = {"decisions": [{"unit": d["unit"], "reviewer": "王某", "time": f"2024-01-0{i + 1}T10:00:00+08:00",
                             "decision": d["kind"],
                             **{k: d[k] for k in ("rule", "path", "note") if k in d},
                             **({"value": d["value"]} if d["kind"] == "finding" else {}),
                             **({"points": d["value"]} if d["kind"] == "points" else {})}
                            for i, d in enumerate(made)]}
    expected = score(sample("seed-08-township").read_bytes(), engine="native", source="seed-08",
                     records=load_records([RECORDS]),
                     review=parse_review(yaml.safe_dump(review, allow_unicode=True).encode(), "review.yaml"))
    assert (served["total"], served["floor"], served["ceiling"]) == (expected.total, expected.floor, expected.ceiling)
    assert [d["rule"] for d in served["deductions"]] == [d.rule for d in expected.deductions]
    assert served["total"] < 58.0  # the picked 2 points and the rejection's deduction count


def test_a_rejection_without_a_note_is_422_naming_the_field(svc: Service) -> None:
    response = decide(svc, "王某", unit="seed-08", kind="rejected", rule="TS-RSP-02", base=0)
    assert response.status_code == 422
    assert [i["path"] for i in response.json()["issues"]] == ["note"]


def test_a_pick_outside_the_rules_range_is_422_naming_the_value(svc: Service) -> None:
    response = decide(svc, "王某", unit="seed-08", kind="points", rule="TS-RSK-05", value=20, note="x", base=0)
    assert response.status_code == 422
    assert [i["path"] for i in response.json()["issues"]] == ["value"]


def test_two_reviewers_deciding_from_the_same_version_the_second_gets_409(svc: Service) -> None:
    first = decide(svc, "王某", unit="seed-08", kind="accepted", rule="TS-RSP-03", base=0)
    second = decide(svc, "李某", unit="seed-08", kind="rejected", rule="TS-RSP-03", note="未见文件", base=0)
    assert first.status_code == 201 and second.status_code == 409
    history = svc.client.get(f"/api/rounds/{svc.round_id}/decisions?unit=seed-08", headers=svc.token("viewer")).json()
    assert [(d["reviewer"], d["kind"]) for d in history] == [("王某", "accepted")]


def test_a_correction_is_a_new_decision_and_the_history_keeps_both(svc: Service) -> None:
    decide(svc, "王某", unit="seed-08", kind="accepted", rule="TS-RSP-03", base=0)
    corrected = decide(svc, "李某", unit="seed-08", kind="rejected", rule="TS-RSP-03", note="复核未见文件", base=1)
    assert corrected.status_code == 201
    history = svc.client.get(f"/api/rounds/{svc.round_id}/decisions", headers=svc.token("viewer")).json()
    assert [(d["reviewer"], d["kind"], d["seq"], d["based_on"]) for d in history] == [
        ("王某", "accepted", 1, 0), ("李某", "rejected", 2, 1)]
    assert history[1]["before"]["ceiling"] - history[1]["after"]["ceiling"] == 2.0  # TS-RSP-03 is 2 points


def test_closing_is_refused_while_office_data_is_missing(bare: Service) -> None:
    admin = bare.token("admin")
    refused = bare.client.post(f"/api/rounds/{bare.round_id}/close", headers=admin)
    assert refused.status_code == 409
    assert "seed-08" in refused.json()["error"] and "tasks.assigned" in refused.json()["error"]
    bare.client.post(f"/api/rounds/{bare.round_id}/records", headers=admin,
                     files={"file": ("记录.csv", RECORDS.read_bytes(), "text/csv")})
    closed = bare.client.post(f"/api/rounds/{bare.round_id}/close", headers=admin)
    assert closed.status_code == 200 and closed.json()["phase"] == "closed"
    late = decide(bare, "王某", unit="seed-08", kind="accepted", rule="TS-RSP-03", base=0)
    assert late.status_code == 409
    final = bare.client.get(f"/api/rounds/{bare.round_id}/units/seed-08", headers=admin).json()
    assert final["phase"] == "final" and final["floor"] == final["ceiling"] == final["total"]


def test_exports_are_the_workbook_the_notice_and_the_letters(svc: Service) -> None:
    viewer = svc.token("viewer")
    workbook = svc.client.get(f"/api/rounds/{svc.round_id}/export/xlsx", headers=viewer)
    assert workbook.status_code == 200
    assert "扣分明细" in load_workbook(io.BytesIO(workbook.content)).sheetnames
    notice = svc.client.get(f"/api/rounds/{svc.round_id}/export/docx", headers=viewer)
    from docx import Document

    document = Document(io.BytesIO(notice.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "考核结果（初评）的通报" in text and "某乡（第8篇）" in cells
    letters = svc.client.get(f"/api/rounds/{svc.round_id}/export/letters", headers=viewer)
    names = zipfile.ZipFile(io.BytesIO(letters.content)).namelist()
    assert len(names) == 4 and all(n.endswith(".docx") for n in names)
    assert "filename*=UTF-8''" in notice.headers["content-disposition"]


# The workbench ------------------------------------------------------------------------------

def page_login(client: TestClient, name: str, password: str | None = None) -> str:
    from .servicekit import PASSWORD

    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    response = client.post("/login", data={"name": name, "password": password or PASSWORD, "csrf": csrf.group(1)},
                           follow_redirects=False)
    assert response.status_code == 303
    return response.headers.get("set-cookie", "")


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_pages_need_a_login(svc: Service) -> None:
    response = svc.client.get(f"/rounds/{svc.round_id}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_the_session_cookie_is_httponly_and_samesite(svc: Service) -> None:
    cookie = page_login(svc.client, "王某").lower()
    assert "assess_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie


def test_a_wrong_password_shows_the_login_page_again(svc: Service) -> None:
    page_login(svc.client, "王某", "wrong password")
    assert "用户名或密码错误" in svc.client.get("/login?failed=1").text


def test_a_form_without_its_csrf_token_is_refused(svc: Service) -> None:
    page_login(svc.client, "王某")
    response = svc.client.post(f"/rounds/{svc.round_id}/units/seed-08/decide",
                               data={"csrf": "forged", "kind": "accepted", "rule": "TS-RSP-03", "base": "0"})
    assert response.status_code == 403 and "CSRF" in response.text
    assert svc.client.get(f"/api/rounds/{svc.round_id}/decisions", headers=svc.token("admin")).json() == []


def test_the_ranking_page_shows_decided_pending_range_and_grade(svc: Service) -> None:
    page_login(svc.client, "viewer")
    page = svc.client.get(f"/rounds/{svc.round_id}").text
    served = svc.client.get(f"/api/rounds/{svc.round_id}", headers=svc.token("viewer")).json()
    first = next(u for u in served["scored"] if u["unit"] == "seed-08")
    row = re.search(rf'<tr data-unit="{first["unit"]}">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[2:] == [f"{first['total']:.2f}", f"{first['pending']:.2f}",
                         f"{first['floor']:.2f}–{first['ceiling']:.2f}", first["grade"]]
    assert "<h3>乡镇</h3>" in page and "未参加排名" in page and "半年报告" in page  # seed-01 is a half-year report


def unit_page_total(client: TestClient, round_id: int) -> str:
    found = re.search(r'<b id="total">([\d.]+)</b>', client.get(f"/rounds/{round_id}/units/seed-08").text)
    assert found is not None
    return found.group(1)


def test_deciding_on_the_unit_page_changes_the_score_at_once_and_lists_the_decision(svc: Service) -> None:
    page_login(svc.client, "王某")
    page = svc.client.get(f"/rounds/{svc.round_id}/units/seed-08").text
    assert "TS-RSK-05" in page and "酌情扣分" in page
    before = unit_page_total(svc.client, svc.round_id)
    response = svc.client.post(f"/rounds/{svc.round_id}/units/seed-08/decide", data={
        "csrf": csrf_of(page), "kind": "points", "rule": "TS-RSK-05", "value": "3", "note": "处置偏晚", "base": "0"})
    assert response.status_code == 200  # followed the redirect back to the unit page
    assert float(unit_page_total(svc.client, svc.round_id)) == float(before) - 3
    history = re.search(r'<table id="history">(.*?)</table>', response.text, re.S)
    assert history is not None and "王某" in history.group(1) and "处置偏晚" in history.group(1)
    assert f"{float(before):.2f}" in history.group(1)


def test_the_second_reviewer_from_the_same_page_gets_a_conflict_page(svc: Service, tmp_path: Path) -> None:
    other = TestClient(svc.client.app)
    page_login(svc.client, "王某")
    page_login(other, "李某")
    first_page = svc.client.get(f"/rounds/{svc.round_id}/units/seed-08").text
    second_page = other.get(f"/rounds/{svc.round_id}/units/seed-08").text
    svc.client.post(f"/rounds/{svc.round_id}/units/seed-08/decide", data={
        "csrf": csrf_of(first_page), "kind": "accepted", "rule": "TS-RSP-03", "base": "0"})
    conflict = other.post(f"/rounds/{svc.round_id}/units/seed-08/decide", data={
        "csrf": csrf_of(second_page), "kind": "rejected", "rule": "TS-RSP-03", "note": "未见", "base": "0"})
    assert conflict.status_code == 409
    assert "冲突" in conflict.text and "王某" in conflict.text and "认可" in conflict.text


def test_a_viewer_gets_no_decision_forms_and_cannot_post_one(svc: Service) -> None:
    page_login(svc.client, "viewer")
    page = svc.client.get(f"/rounds/{svc.round_id}/units/seed-08").text
    assert "/decide" not in page
    response = svc.client.post(f"/rounds/{svc.round_id}/units/seed-08/decide", data={
        "csrf": csrf_of(page), "kind": "accepted", "rule": "TS-RSP-03", "base": "0"})
    assert response.status_code == 403


def test_closing_on_the_round_page_is_refused_while_office_data_is_missing(bare: Service) -> None:
    page_login(bare.client, "admin")
    page = bare.client.get(f"/rounds/{bare.round_id}").text
    refused = bare.client.post(f"/rounds/{bare.round_id}/close", data={"csrf": csrf_of(page)})
    assert refused.status_code == 409 and "不能转入终评" in refused.text
