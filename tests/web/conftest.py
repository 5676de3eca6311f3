"""The small stored region of ``tests/monitor/region.py``, built once per test module.

The region is written with the database blocker lifted (outside the per-test transactions),
refreshed for :data:`YEAR` as of :data:`AS_OF`, and flushed when the module is done, so
tests that change data (a status, a request) are rolled back and the next test sees the
region as built.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from regie.monitor.models import Snapshot
from regie.monitor.services import refresh
from tests.accounts.factories import client_for
from tests.monitor.region import AS_OF, YEAR, build_region

#: Everything but the forecast's monthly history (a forecast per month end: the slow part);
#: modules that test the history override ``region`` with all kinds.
FAST_KINDS = [k for k, _label in Snapshot.Kind.choices if k != Snapshot.Kind.FORECAST_HISTORY]


def build(kinds: list[str] | None) -> None:
    build_region()
    refresh(YEAR, AS_OF, kinds=kinds)


@pytest.fixture(scope="module")
def region(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        build(FAST_KINDS)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def gemeente(region: None, db: None) -> Client:
    return client_for("gemeente")


@pytest.fixture
def aanbieder(region: None, db: None) -> Client:
    return client_for("aanbieder")


@pytest.fixture
def raad(region: None, db: None) -> Client:
    return client_for("raad")
