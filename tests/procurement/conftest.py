"""A small region for the tender API and pages: two providers of WMO-IB (12345678 is the
``aanbieder`` user's), two municipality users (``gemeente``, ``gemeente2``), the council and a
relationship manager of 87654321."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from regie.accounts.users import add_user
from regie.catalog.loader import load_catalog
from regie.engine.catalog import parse_catalog
from regie.site.demo import create_demo_users
from tests.conftest import DATA

OWN, OTHER = "12345678", "87654321"

REQUIREMENTS = [
    {"code": "organisation", "text": "Organisatie op orde", "kind": "pass_fail"},
    {"code": "staff", "text": "Gekwalificeerd personeel", "kind": "score", "weight": 2, "minimum": 5},
    {"code": "care_share", "text": "Aandeel zorg in de omzet", "kind": "score", "weight": 1},
]


@pytest.fixture
def region(db: None) -> None:
    load_catalog(parse_catalog(DATA / "catalog" / "two_providers.toml"))
    create_demo_users(provider_agb=OWN)
    add_user("gemeente2", "gemeente", password="regie-demo")
    add_user("zuid", "aanbieder", provider=OTHER, password="regie-demo")
    add_user("beheer", "relatiebeheerder", providers=[OTHER], password="regie-demo")


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="regie-demo")
    return client


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, body, content_type="application/json")
