"""API tokens on the user's own page ("Mijn account", ``/mijn-account/``) and their rules:

- a token is stored as its SHA-256 hash and its first 8 characters only, and shown once;
- it works as ``Authorization: Token <t>`` and notes when it was last used;
- a revoked token answers 401 at once; a user revokes only its own tokens (another's: 404);
- names are unique per user; the command's token (``regie users token``) replaces only itself;
- every API endpoint answers a call without credentials 401 problem+json.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from regie.accounts.models import ApiToken, AuditEvent
from regie.accounts.tokens import COMMAND_TOKEN, issue_token
from tests.accounts.factories import Role, client_for, user
from tests.catalog.factories import load_file

OWN = "12345678"


@pytest.fixture
def aanbieder(db: None) -> Client:
    load_file("two_providers.toml")
    user("aanbieder", Role.PROVIDER, provider=OWN)
    user("gemeente")
    return client_for("aanbieder")


def make(client: Client, name: str) -> str:
    """Make a token on the page; the token as the page shows it."""
    page = client.post("/mijn-account/", {"naam": name})
    assert page.status_code == 200
    found = re.search(r'<code class="token">([^<]+)</code>', page.content.decode())
    assert found, "the new token is shown"
    return found.group(1)


def api(token: str, path: str = "/api/v1/contracts/") -> Any:
    return Client().get(path, HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_made_on_the_page_is_stored_as_its_hash_and_shown_once(aanbieder: Client) -> None:
    token = make(aanbieder, "Boekhouding")
    row = ApiToken.objects.get(name="Boekhouding")
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[:8] and len(token) >= 40
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert token not in stored
    again = aanbieder.get("/mijn-account/").content.decode()
    assert token not in again and "Boekhouding" in again and f"{token[:8]}…" in again and "nog nooit" in again
    assert AuditEvent.objects.filter(action="token aangemaakt", subject="Boekhouding").exists()


def test_the_token_works_on_the_api_and_notes_its_last_use(aanbieder: Client) -> None:
    token = make(aanbieder, "Boekhouding")
    assert ApiToken.objects.get().last_used is None
    assert api(token).status_code == 200
    first = ApiToken.objects.get().last_used
    assert first is not None
    assert api(token).status_code == 200
    assert ApiToken.objects.get().last_used == first  # within a minute: no write per call
    ApiToken.objects.update(last_used=timezone.now() - dt.timedelta(minutes=2))
    assert api(token).status_code == 200
    assert ApiToken.objects.get().last_used > first  # type: ignore[operator]
    assert "nog nooit" not in aanbieder.get("/mijn-account/").content.decode()


def test_a_revoked_token_answers_401_at_once(aanbieder: Client) -> None:
    keep, gone = make(aanbieder, "Blijft"), make(aanbieder, "Weg")
    pk = ApiToken.objects.get(name="Weg").pk
    response = aanbieder.post(f"/mijn-account/tokens/{pk}/intrekken/")
    assert response.status_code == 302
    assert api(gone).status_code == 401 and api(gone)["Content-Type"] == "application/problem+json"
    assert api(keep).status_code == 200
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Blijft"]
    assert AuditEvent.objects.filter(action="token ingetrokken", subject="Weg").exists()


def test_another_users_token_cannot_be_seen_or_revoked(aanbieder: Client) -> None:
    theirs, _ = issue_token(get_user_model().objects.get(username="gemeente"), "Datawarehouse")
    pk = ApiToken.objects.get(name="Datawarehouse").pk
    assert "Datawarehouse" not in aanbieder.get("/mijn-account/").content.decode()
    assert aanbieder.post(f"/mijn-account/tokens/{pk}/intrekken/").status_code == 404
    assert aanbieder.get(f"/mijn-account/tokens/{pk}/intrekken/").status_code == 405
    assert api(theirs, "/api/v1/budgets/").status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_name_of_1_to_100_characters(aanbieder: Client, name: str) -> None:
    page = aanbieder.post("/mijn-account/", {"naam": name})
    assert page.status_code == 400 and "van 1 tot 100 tekens" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_names_are_unique_per_user_and_the_commands_token_replaces_only_itself(aanbieder: Client) -> None:
    make(aanbieder, "Boekhouding")
    page = aanbieder.post("/mijn-account/", {"naam": "Boekhouding"})
    assert page.status_code == 400 and "al een token met deze naam" in page.content.decode()
    me = get_user_model().objects.get(username="aanbieder")
    first, _ = issue_token(me)
    second, _ = issue_token(me)
    assert api(first).status_code == 401 and api(second).status_code == 200
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["Boekhouding", COMMAND_TOKEN]


def test_the_account_page_is_for_logged_in_users_of_every_role(aanbieder: Client) -> None:
    assert Client().get("/mijn-account/").status_code == 302
    user("raad", Role.COUNCIL)
    assert client_for("raad").get("/mijn-account/").status_code == 200
    assert 'href="/mijn-account/"' in aanbieder.get("/").content.decode()


_GROUP = re.compile(r"<[^>]+>|\(\?P<\w+>(?:\[[^\]]*\]|[^)])+\)")


def _api_paths(patterns: list[Any], prefix: str = "") -> list[str]:
    """Every API path, with 1 for each path parameter (the format suffixes left out)."""
    paths: set[str] = set()
    for p in patterns:
        route = prefix + str(p.pattern).lstrip("^").rstrip("$")
        if isinstance(p, URLResolver):
            paths.update(_api_paths(p.url_patterns, route))
        elif isinstance(p, URLPattern) and "format" not in route:
            paths.add(_GROUP.sub("1", route))
    return sorted(paths)


def test_every_api_endpoint_answers_401_problem_json_without_credentials(db: None) -> None:
    api_urls = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/")
    paths = [p for p in _api_paths(api_urls.url_patterns) if not p.startswith(("schema", "docs"))]
    assert len(paths) > 15
    for path in paths:
        for method in ("get", "post"):
            response = getattr(Client(), method)(f"/api/v1/{path}")
            if response.status_code == 405:
                continue
            assert response.status_code == 401, (method, path, response.status_code)
            assert response["Content-Type"] == "application/problem+json", path
