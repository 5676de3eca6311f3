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


@pytest.fixture(autouse=True)
def _pseudonym_key(settings: pytest.FixtureRequest) -> None:
    """A fixed pseudonym key, so expected pseudonyms in tests are stable."""
    settings.PSEUDONYM_KEY = "test-pseudonym-key"  # type: ignore[attr-defined]


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regie.site.settings")
