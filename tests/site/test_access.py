"""Who sees what: per page and per API endpoint, a provider sees only its own data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from regie.site.demo import create_demo_users
from tests.accounts.factories import client_for
from tests.catalog.factories import load_file

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
