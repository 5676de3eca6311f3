"""Shared fixtures. The database is whatever ``DATABASE_URL`` names (SQLite by default)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_configure(config: pytest.Config) -> None:
    """Fast password hashing, and a fixed pseudonym key so expected pseudonyms are stable."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PSEUDONYM_KEY = "test-pseudonym-key"


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regie.site.settings")
