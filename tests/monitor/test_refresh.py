"""refresh() stores a snapshot per computation; the latest one is what pages read; the
forecast's history reuses month ends whose inputs did not change."""

from __future__ import annotations

import datetime as dt

import pytest

from regie.monitor import services
from regie.monitor.models import Snapshot
from tests.monitor.region import AS_OF, YEAR, build_region
from tests.traffic.factories import MessageFactory


@pytest.fixture
def region(db: None) -> None:
    build_region()


@pytest.mark.slow
def test_refresh_stores_every_job(region: None) -> None:
    as_of = dt.date(2025, 3, 31)  # three month ends of history keep it quick
    stored = services.refresh(YEAR, as_of)
    assert len(stored) == len(services.jobs())
    assert {s.kind for s in stored} == {k for k, _l in Snapshot.Kind.choices}
    region_row = services.latest("indicators", YEAR, as_of, services.grouping_key(())).rows
    assert len(region_row) == 1 and region_row[0]["clients"] > 0
    assert services.available() == {YEAR: [as_of]}
    history = services.latest("forecast_history", YEAR, as_of)
    assert history is not None
    assert sorted({r["as_of"] for r in history.rows})[-1] == as_of.isoformat()
    assert len(history.meta["fingerprints"]) == 3


def test_snapshots_equal_live_computations(region: None) -> None:
    inputs = services.load_inputs()
    services.refresh(YEAR, AS_OF, kinds=["indicators", "forecast", "ledger"], inputs=inputs)
    for by in services.GROUPINGS:
        snap = services.latest("indicators", YEAR, AS_OF, services.grouping_key(by))
        assert snap is not None and snap.rows == services.compute_indicators(YEAR, AS_OF, by)
    forecast = services.latest("forecast", YEAR, AS_OF)
    assert forecast is not None and forecast.rows == services.compute_forecast(YEAR, AS_OF)["rows"]
    ledger = services.latest("ledger", YEAR, AS_OF)
    assert ledger is not None and ledger.rows == services.compute_ledger_totals(YEAR, AS_OF)


def test_latest_is_the_last_computed(region: None) -> None:
    first = services.refresh(YEAR, AS_OF, kinds=["ledger"])[0]
    second = services.refresh(YEAR, AS_OF, kinds=["ledger"])[0]
    assert services.latest("ledger", YEAR, AS_OF) == second != first
    assert Snapshot.objects.filter(kind="ledger").count() == 2, "older snapshots stay for the dialogues"


def _history(as_of: dt.date) -> Snapshot:
    return next(s for s in services.refresh(YEAR, as_of, kinds=["forecast_history"]) if s.kind == "forecast_history")


@pytest.mark.slow
def test_history_reuses_unchanged_month_ends(region: None, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _history(dt.date(2025, 2, 28))
    computed: list[dt.date] = []
    real = services.Inputs.forecast

    def counting(self: services.Inputs, year: int, as_of: dt.date) -> dict:  # type: ignore[type-arg]
        computed.append(as_of)
        return real(self, year, as_of)

    monkeypatch.setattr(services.Inputs, "forecast", counting)
    second = _history(dt.date(2025, 3, 31))
    assert computed == [dt.date(2025, 3, 31)], "January and February are reused, March is new"
    old = {(r["as_of"], r["segment"], r["municipality"]): r["forecast"] for r in first.rows}
    assert all(
        old[k] == r["forecast"] for r in second.rows if (k := (r["as_of"], r["segment"], r["municipality"])) in old
    )

    # A message dated in February arrives late: February and March are computed again.
    MessageFactory(
        kind="JW323", sender="33333333", day=dt.date(2025, 2, 10), identification="LATE1", file_name="late.xml"
    )
    computed.clear()
    _history(dt.date(2025, 3, 31))
    assert computed == [dt.date(2025, 2, 28), dt.date(2025, 3, 31)]


def test_history_explains_each_move(region: None) -> None:
    history = _history(dt.date(2025, 3, 31))
    by_cell: dict[tuple[str, str], list[dict]] = {}  # type: ignore[type-arg]
    for row in history.rows:
        by_cell.setdefault((row["municipality"], row["segment"]), []).append(row)
    for rows in by_cell.values():
        assert rows[0]["change"] is None and rows[0]["change_drivers"] == []
        for before, after in zip(rows, rows[1:], strict=False):
            assert after["change"] == after["forecast"] - before["forecast"]
            if after["budget"] == before["budget"] and after["change_drivers"]:
                parts = sum(d["cents"] for d in after["change_drivers"])
                assert abs(parts - after["change"]) <= len(after["change_drivers"])


def test_refresh_current_only_touches_today_and_later(region: None) -> None:
    services.refresh(YEAR, AS_OF, kinds=["ledger"])
    assert services.refresh_current(YEAR) == [], "a decision today does not change figures as of 2025"
