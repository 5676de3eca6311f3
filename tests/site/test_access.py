"""Who sees what: per page and per API endpoint, a provider sees only its own data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from regie.site.api import PROBLEM_SCHEMA
from regie.site.demo import create_demo_users
from tests.accounts.factories import client_for
from tests.catalog.factories import load_file
from tests.conftest import ROOT

OWN, OTHER = "Zorggroep Noord", "Begeleiding Zuid"


@pytest.fixture
def region(db: None) -> None:
    load_file("two_providers.toml")
    create_demo_users(provider_agb="12345678")


def test_anonymous_users_go_to_the_login_page(region: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


def test_home_page_per_role(region: None) -> None:
    municipality = client_for("gemeente").get("/").content.decode()
    assert OWN in municipality and OTHER in municipality and "Budgetten" in municipality
    provider = client_for("aanbieder").get("/").content.decode()
    assert OWN in provider and OTHER not in provider and "Budgetten" not in provider
    council = client_for("raad").get("/").content.decode()
    assert OWN not in council and OTHER not in council and "Budgetten" in council


def agbs(payload: Any) -> set[str]:
    return {row["provider"] for row in payload["results"]}


def test_contracts_endpoint_is_scoped(region: None) -> None:
    assert agbs(client_for("gemeente").get("/api/v1/contracts/").json()) == {"12345678", "87654321"}
    assert agbs(client_for("aanbieder").get("/api/v1/contracts/").json()) == {"12345678"}
    other = client_for("aanbieder").get("/api/v1/contracts/2025-WMO-IB-87654321/")
    assert other.status_code == 404
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["status"] == 404


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("raad", "/api/v1/contracts/", 403),
        ("aanbieder", "/api/v1/budgets/", 403),
        ("raad", "/api/v1/budgets/", 200),
        ("aanbieder", "/api/v1/segments/", 200),
    ],
)
def test_endpoint_roles(region: None, username: str, path: str, status: int) -> None:
    response = client_for(username).get(path)
    assert response.status_code == status
    if status >= 400:
        body = response.json()
        assert response["Content-Type"] == "application/problem+json"
        assert body["status"] == status and body["title"] and body["detail"]


def test_api_needs_a_login(region: None) -> None:
    response = Client().get("/api/v1/segments/")
    assert response.status_code == 401  # domain.md section 12: unauthenticated calls answer 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/problem+json"


def test_council_cannot_use_the_admin(region: None) -> None:
    assert client_for("raad").get("/beheer/").status_code == 302


def test_problem_titles_are_dutch_and_the_schema_shows_the_one_sent(region: None) -> None:
    """The title of a problem names its kind in Dutch, the same at every occurrence (RFC 9457),
    also where DRF's Dutch catalogue has none ("Invalid input.") or a placeholder; the OpenAPI
    ``Problem`` example is the title a real 400 carries."""
    gemeente = client_for("gemeente")
    invalid = gemeente.post("/api/v1/tenders/", {"year": "x"}, content_type="application/json")
    assert invalid.status_code == 400 and invalid.json()["title"] == "Ongeldige invoer."
    assert PROBLEM_SCHEMA["properties"]["title"]["example"] == invalid.json()["title"]
    assert "Invalid input." not in (ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8")  # nor the examples
    titles = {
        400: invalid.json()["title"],
        401: Client().get("/api/v1/segments/").json()["title"],
        403: client_for("raad").get("/api/v1/contracts/").json()["title"],
        404: client_for("aanbieder").get("/api/v1/contracts/2025-WMO-IB-87654321/").json()["title"],
        405: gemeente.delete("/api/v1/segments/").json()["title"],
        415: gemeente.post("/api/v1/tenders/", "x", content_type="text/plain").json()["title"],
    }
    unknown = gemeente.get("/api/v1/tenders/-1/bids/")  # a path the API does not know (regie.site.errors)
    assert unknown.status_code == 404 and unknown.json()["title"] == "Niet gevonden."
    assert titles == {
        400: "Ongeldige invoer.",
        401: "Niet aangemeld.",
        403: "Geen toegang.",
        404: "Niet gevonden.",
        405: "Methode niet toegestaan.",
        415: "Mediatype niet ondersteund.",
    }
    # a malformed body is invalid input too, with the parser's reason in the detail
    broken = gemeente.post("/api/v1/tenders/", "{", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["title"] == "Ongeldige invoer."
    # in English for a client that asks for it, as the details are
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/segments/").json()
    assert english["title"] == "Not authenticated."
