"""Declaration lines in time, late or rejected (:mod:`regie.engine.declarations`), from
hand-computed cases."""

from __future__ import annotations

import datetime as dt

from regie.engine import frames
from regie.engine.catalog import Catalog, Contract
from regie.engine.declarations import declaration_status


def test_declaration_status_uses_each_contracts_deadline() -> None:
    """January care: deadline 15 March; a contract without deadline is never late."""
    strict = Contract("c1", "11111111", "S", ("0983",), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    lax = Contract(
        "c2", "22222222", "S", ("0983",), dt.date(2025, 1, 1), dt.date(2025, 12, 31), declaration_deadline="none"
    )
    catalog = Catalog("R", (), (), (), (strict, lax), ())
    jan = dt.date(2025, 1, 1)
    rows = [
        {"provider": "11111111", "arrival": dt.date(2025, 3, 15), "amount_cents": 100, "accepted": True},  # on the day
        {"provider": "11111111", "arrival": dt.date(2025, 3, 16), "amount_cents": 200, "accepted": True},  # a day late
        {"provider": "11111111", "arrival": dt.date(2025, 2, 1), "amount_cents": 300, "accepted": False},  # rejected
        {"provider": "11111111", "arrival": dt.date(2025, 2, 1), "amount_cents": -50, "accepted": True},  # a credit
        {"provider": "22222222", "arrival": dt.date(2025, 12, 1), "amount_cents": 400, "accepted": True},  # no deadline
        {"provider": "22222222", "arrival": dt.date(2026, 2, 1), "amount_cents": 999, "accepted": True},  # after as_of
    ]
    decl = frames.frame(
        "declarations", [{"segment": "S", "municipality": "0983", "care_month": jan, **r} for r in rows]
    )
    out = declaration_status(decl, catalog, year=2025, as_of=dt.date(2025, 12, 31))
    by_provider = {r["provider"]: r for r in out}
    assert {k: by_provider["11111111"][k] for k in ("in_time", "late", "rejected")} == {
        "in_time": 2,
        "late": 1,
        "rejected": 1,
    }
    assert (by_provider["11111111"]["in_time_cents"], by_provider["11111111"]["late_cents"]) == (50, 200)
    assert (by_provider["22222222"]["in_time"], by_provider["22222222"]["late"]) == (1, 0)
    assert by_provider["22222222"]["in_time_cents"] == 400


def test_declaration_status_of_an_empty_year() -> None:
    assert (
        declaration_status(
            frames.frame("declarations"), Catalog("R", (), (), (), (), ()), year=2025, as_of=dt.date(2025, 6, 30)
        )
        == []
    )
