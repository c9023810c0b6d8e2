"""Property-based tests generated from the OpenAPI document: no input makes a server error.

Schemathesis draws requests for every operation of the document — valid ones and ones that
break the schema — and sends them to the application, as the secretariat (who may do most
acts) and anonymously. Whatever it sends, the answer is never a 5xx, and every JSON answer
that the document describes matches its schema.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tauride.config import Settings
from tauride.db.engine import build_engine, transaction
from tauride.services import accounts
from tauride.services.examples import example_path, load_folder
from tauride.web import create_app

PASSWORD = "correct horse battery"  # noqa: S105 — a test account's


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database per backend for the whole module, with the Petrograd example loaded."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("schemathesis") / "tauride.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("postgres")
        name = server.create(
            uuid.uuid4().hex[:8], template=request.getfixturevalue("postgres_template")
        )
        url = server.url_for(name)
    engine = build_engine(url)
    with transaction(engine) as session:
        org = load_folder(session, example_path("petrograd-1917"), actor="test")
        accounts.create_account(session, "secretary", "Secretary", password=PASSWORD)
        accounts.grant_role(session, org, "secretary", "secretariat", actor="test")
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def api_app(api_database: str) -> Any:
    return create_app(
        Settings(database_url=api_database, login_rate_per_minute=10**6, cast_rate_per_minute=10**6)
    )


@pytest.fixture(scope="module")
def secretary(api_app: Any) -> dict[str, str]:
    from fastapi.testclient import TestClient

    with TestClient(api_app) as client:
        token = client.post(
            "/api/v1/auth/tokens", json={"username": "secretary", "password": PASSWORD}
        ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


# The document needs no database: it is built from an application that never connects.
schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi())


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_makes_a_server_error(
    case: Any, api_app: Any, secretary: dict[str, str]
) -> None:
    for headers in (secretary, {}):
        case.call_and_validate(
            app=api_app, headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )


def test_linked_operations_in_sequence_make_no_server_error(
    api_app: Any, secretary: dict[str, str]
) -> None:
    """Stateful: schemathesis chains operations through the links it infers between them
    (an id a create returns feeds the reads and acts that take it), as the secretariat."""
    if not schema.operations_with_incoming_links():
        pytest.skip("no links between operations could be inferred from the document")
    machine = schema.as_state_machine()

    class Workflow(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"app": api_app, "headers": secretary}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

    Workflow.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
