"""refresh() stores a snapshot per computation; the latest one is what pages read."""

from __future__ import annotations

import pytest

from regie.monitor import services
from tests.monitor.region import AS_OF, YEAR, build_region


@pytest.fixture
def region(db: None) -> None:
    build_region()


def test_refresh_stores_every_job(region: None) -> None:
    stored = services.refresh(YEAR, AS_OF)
    assert len(stored) == len(services.jobs())
    assert {s.kind for s in stored} >= {"indicators", "ledger", "payments", "declarations"}
    region_row = services.latest("indicators", YEAR, AS_OF, services.grouping_key(())).rows
    assert len(region_row) == 1 and region_row[0]["clients"] > 0
    assert services.available() == {YEAR: [AS_OF]}
