"""A small region for the tender API and pages: two providers of WMO-IB (12345678 is the
``aanbieder`` user's), two municipality users (``gemeente``, ``gemeente2``), the council and a
relationship manager of 87654321."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from regie.site.demo import create_demo_users
from tests.accounts.factories import Role, client_for, user
from tests.catalog.factories import load_file

__all__ = ["OTHER", "OWN", "REQUIREMENTS", "client_for", "post", "region"]

OWN, OTHER = "12345678", "87654321"

REQUIREMENTS = [
    {"code": "organisation", "text": "Organisatie op orde", "kind": "pass_fail"},
    {"code": "staff", "text": "Gekwalificeerd personeel", "kind": "score", "weight": 2, "minimum": 5},
    {"code": "care_share", "text": "Aandeel zorg in de omzet", "kind": "score", "weight": 1},
]


@pytest.fixture
def region(db: None) -> None:
    load_file("two_providers.toml")
    create_demo_users(provider_agb=OWN)
    user("gemeente2", Role.MUNICIPALITY)
    user("zuid", Role.PROVIDER, provider=OTHER)
    user("beheer", Role.RELATIONSHIP_MANAGER, providers=[OTHER])


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, body, content_type="application/json")
