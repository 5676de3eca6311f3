"""Shared fixtures. The database is whatever ``DATABASE_URL`` names (SQLite by default).

Objects for a test come from the factories of their app, with sensible defaults, so a test
names only what it is about: ``tests/catalog/factories.py`` (catalog entries, loading a
catalog), ``tests/accounts/factories.py`` (users with a role, logged-in clients),
``tests/traffic/factories.py`` (factory_boy factories of stored messages, declaration lines
and signals), ``tests/intake/factories.py`` (records at the door), ``tests/engine/factories.py``
(the engine's catalog and frame rows) and ``tests/access/factories.py`` (the waiting list);
docs/adr/0019 says why users and catalogs are made through the application's own functions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from regie.synth import generate

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
# Keys of the test suite, also for the processes it starts (regie serve in the browser tests):
# outside the demo and development a missing key is an error (regie.site.settings).
os.environ.setdefault("REGIE_PSEUDONYM_KEY", "test-pseudonym-key")
os.environ.setdefault("REGIE_SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture(autouse=True)
def _dutch_after_each_test() -> Iterator[None]:
    """Every test starts in the default language: a request in English (the language picker,
    ``Accept-Language``) leaves its language active in the thread, and a later test that
    translates outside a request would read English labels (an order-dependent failure that
    the random test order of CI turned up)."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def region_dir(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, int, int, float], Path]:
    """``region_dir(profile, year, seed, scale)``: the folder of a generated region (cached)."""
    made: dict[tuple[str, int, int, float], Path] = {}

    def build(profile: str, year: int, seed: int, scale: float) -> Path:
        key = (profile, year, seed, scale)
        if key not in made:
            out = tmp_path_factory.mktemp(f"{profile}-{seed}-{scale}") / "region"
            generate(profile, year, seed, out, scale=scale)
            made[key] = out
        return made[key]

    return build
