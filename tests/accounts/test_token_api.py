"""The API with ``Authorization: Token <t>``: the same scope as the pages per role, a
provider's token sees only that provider's data, and a wrong, expired or replaced token
answers 401 with a problem+json body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from regie.accounts.models import ApiToken
from regie.accounts.scope import scope_for
from regie.accounts.tokens import issue_token
from tests.accounts.factories import Role, user
from tests.catalog.factories import load_file

OWN, OTHER = "12345678", "87654321"
OWN_CONTRACT, OTHER_CONTRACT = f"2025-WMO-IB-{OWN}", f"2025-WMO-IB-{OTHER}"


@pytest.fixture
def tokens(db: None) -> dict[str, str]:
    load_file("two_providers.toml")
    users = [
        user("gemeente", password=None),
        user("aanbieder", Role.PROVIDER, provider=OWN, password=None),
        user("raad", Role.COUNCIL, password=None),
        user("rb", Role.RELATIONSHIP_MANAGER, providers=[OTHER], password=None),
    ]
    return {u.username: issue_token(u)[0] for u in users}


def get(path: str, token: str | None = None, header: str | None = None) -> object:
    auth = header if header is not None else (f"Token {token}" if token else None)
    return Client().get(path, **({"HTTP_AUTHORIZATION": auth} if auth else {}))


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("gemeente", "/api/v1/budgets/", 200),
        ("gemeente", "/api/v1/contracts/", 200),
        ("aanbieder", "/api/v1/contracts/", 200),
        ("aanbieder", "/api/v1/budgets/", 403),
        ("raad", "/api/v1/budgets/", 200),
        ("raad", "/api/v1/contracts/", 403),
        ("rb", "/api/v1/contracts/", 200),
        ("rb", "/api/v1/budgets/", 403),
        ("aanbieder", "/api/v1/segments/", 200),
    ],
)
def test_each_role_gets_with_its_token_what_it_gets_with_a_login(
    tokens: dict[str, str], who: str, path: str, status: int
) -> None:
    response = get(path, tokens[who])
    assert response.status_code == status  # type: ignore[attr-defined]
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]


def test_a_providers_token_sees_only_its_own_contracts(tokens: dict[str, str]) -> None:
    rows = get("/api/v1/contracts/", tokens["aanbieder"]).json()  # type: ignore[attr-defined]
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert {r["provider"] for r in rows} == {OWN}
    assert get(f"/api/v1/contracts/{OWN_CONTRACT}/", tokens["aanbieder"]).status_code == 200  # type: ignore[attr-defined]
    assert get(f"/api/v1/contracts/{OTHER_CONTRACT}/", tokens["aanbieder"]).status_code == 404  # type: ignore[attr-defined]
    everything = get("/api/v1/contracts/", tokens["gemeente"]).json()  # type: ignore[attr-defined]
    everything = everything["results"] if isinstance(everything, dict) else everything
    assert {r["provider"] for r in everything} == {OWN, OTHER}


def test_a_relationship_managers_token_sees_the_providers_it_looks_after(tokens: dict[str, str]) -> None:
    rows = get("/api/v1/contracts/", tokens["rb"]).json()  # type: ignore[attr-defined]
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert {r["provider"] for r in rows} == {OTHER}
    assert get(f"/api/v1/contracts/{OWN_CONTRACT}/", tokens["rb"]).status_code == 404  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "header",
    [
        None,  # no credentials at all
        "Token niet-een-echt-token",
        "Token",
        "Token twee woorden",
    ],
)
def test_no_or_a_wrong_token_answers_401_problem_json(tokens: dict[str, str], header: str | None) -> None:
    response = get("/api/v1/segments/", header=header)
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert response["WWW-Authenticate"] == "Token"  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == 401 and body["title"] and body["detail"]


def test_an_expired_token_answers_401(tokens: dict[str, str]) -> None:
    ApiToken.objects.filter(user__username="gemeente").update(expires=timezone.now() - dt.timedelta(seconds=1))
    response = get("/api/v1/segments/", tokens["gemeente"])
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "verlopen" in response.json()["detail"]  # type: ignore[attr-defined]


def test_a_replaced_token_and_an_inactive_users_token_answer_401(tokens: dict[str, str]) -> None:
    user = get_user_model().objects.get(username="raad")
    new, _ = issue_token(user)
    assert get("/api/v1/budgets/", tokens["raad"]).status_code == 401  # type: ignore[attr-defined]
    assert get("/api/v1/budgets/", new).status_code == 200  # type: ignore[attr-defined]
    user.is_active = False
    user.save()
    assert get("/api/v1/budgets/", new).status_code == 401  # type: ignore[attr-defined]


def test_the_session_still_works_beside_tokens(tokens: dict[str, str]) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="gemeente"))
    assert client.get("/api/v1/budgets/").status_code == 200


def test_a_relationship_managers_scope_holds_only_its_providers(tokens: dict[str, str]) -> None:
    scope = scope_for(get_user_model().objects.get(username="rb"))
    assert scope.is_relationship_manager and scope.managed_agbs == (OTHER,)
    assert scope.provider_agbs([OWN, OTHER]) == [OTHER]


def test_a_locked_database_does_not_refuse_a_token(tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Polling an upload's job on SQLite while its ingest writes: noting when the token was used
    finds the database locked; the call is answered all the same (it was a 500)."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    def locked(self: object, **kwargs: object) -> int:
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "update", locked)
    assert get("/api/v1/segments/", tokens["aanbieder"]).status_code == 200  # type: ignore[attr-defined]
