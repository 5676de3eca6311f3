"""The committed OpenAPI document (docs/openapi.yaml) is the contract the API keeps, for every
endpoint as every role (issue 18): schemathesis generates requests from the document, sends
them through Django's WSGI application with each role's API token, and checks that no answer
is a server error and that every answer conforms to the document (its status code is
documented, its content type and body are the documented ones).

Path parameters are those of a real object half the time (tests/web/api_objects.py: the own
provider's), generated the other half. Each request runs in a transaction that is rolled
back, so write operations are exercised without changing what the next request sees. The
examples are few and derandomized (the same requests on every run): this is a contract check
in every CI run, not a fuzzing campaign.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from regie.accounts.tokens import issue_token
from tests.conftest import ROOT
from tests.web.api_objects import build_objects, path_values

SCHEMA = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.yaml")
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
ROLES = ("gemeente", "aanbieder", "raad", "relatiebeheer")
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance]
CHECKS.append(response_schema_conformance)
#: Examples per endpoint and role; with the real object's path this is enough to reach the
#: documented answers (200/201, 400, 403, 404) of every endpoint.
EXAMPLES = 4


@pytest.fixture
def app() -> Iterator[WSGIHandler]:
    """Django's WSGI application, without closing the database connection after a request
    (as Django's test client does: on PostgreSQL that would end the test's transaction)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def objects(region: None, django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    """The API's objects in the module's region (flushed with it)."""
    with django_db_blocker.unblock():
        return build_objects()


def _label(op: Any) -> str:
    return f"{op.method.upper()} {op.path}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=_label)
def test_every_endpoint_keeps_the_contract(
    objects: dict[str, Any], db: None, app: WSGIHandler, operation: Any, role: str
) -> None:
    token, _expires = issue_token(get_user_model().objects.get(username=role))
    headers = {"Authorization": f"Token {token}"}
    known = path_values(operation.path, objects)
    strategies = [operation.as_strategy()]
    if known:  # the real object first (its 200 and its body), then generated paths (404)
        strategies.insert(0, operation.as_strategy(path_parameters=known))
    for strategy in strategies:
        _run(strategy, app, headers)


def _run(strategy: Any, app: WSGIHandler, headers: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        with transaction.atomic():
            response = case.call(app=app, headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()
