"""Schemathesis against the live OpenAPI schema of `assess serve`: whatever it generates
from the schema (valid and invalid), no answer is a 5xx and every answer matches the schema
(documented status codes, content types, headers and bodies), and invalid input is refused.
Kept to a few examples per operation so that the run stays well under a minute.

Not checked: that every request the schema allows is accepted (the facts body is described
as an object; the facts' own schema is served at /api/schema/facts, and most objects are
not valid facts), and the Allow header of Starlette's 405 answers."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

from .servicekit import PASSWORD, TestClient, accounts, sqlite_url

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from assess.service import create_app  # noqa: E402

# Schemathesis reads the schema when the module is collected, so the database is made then.
_folder = Path(tempfile.mkdtemp(prefix="assess-schema-"))
atexit.register(shutil.rmtree, _folder, True)
_url = sqlite_url(_folder)
accounts(_url)
app = create_app(_url)
with TestClient(app) as _client:
    _token = _client.post("/api/login", json={"name": "admin", "password": PASSWORD}).json()["token"]
    AUTH = {"Authorization": f"Bearer {_token}"}
    _client.post("/api/rounds", json={"year": 2023, "name": "示例"}, headers=AUTH)

schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_answer_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTH, checks=[
        checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
        checks.response_schema_conformance, checks.response_headers_conformance, checks.negative_data_rejection])
