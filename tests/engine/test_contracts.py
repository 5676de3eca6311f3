"""A contract's life (regie.engine.contracts): options, the contract_expiry window, changes."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regie.engine.contracts import NoOption, changes, expiring, expiry_due_on, is_expiry_due, next_option, take_option

D = dt.date
OPTIONS = (D(2027, 12, 31), D(2028, 12, 31))


def test_options_by_hand() -> None:
    assert next_option(D(2026, 12, 31), OPTIONS) == D(2027, 12, 31)
    assert take_option(D(2026, 12, 31), OPTIONS) == D(2027, 12, 31)
    assert take_option(D(2027, 12, 31), OPTIONS) == D(2028, 12, 31)  # the first option is taken
    assert next_option(D(2028, 12, 31), OPTIONS) is None
    with pytest.raises(NoOption):
        take_option(D(2028, 12, 31), OPTIONS)


def test_the_notice_window_is_six_months_up_to_the_end() -> None:
    end = D(2026, 8, 31)
    assert expiry_due_on(end) == D(2026, 2, 28)  # 31 August - 6 months: the month's last day
    assert not is_expiry_due(end, D(2026, 2, 27))
    assert is_expiry_due(end, D(2026, 2, 28)) and is_expiry_due(end, end)
    assert not is_expiry_due(end, D(2026, 9, 1))


def contract(ident: str, end: dt.date, extensions: tuple[dt.date, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(id=ident, provider="12345678", segment="WMO-IB", end=end, extensions=extensions)


def test_expiring_names_the_next_option() -> None:
    found = expiring(
        [contract("b", D(2026, 12, 31), OPTIONS), contract("a", D(2026, 9, 30)), contract("c", D(2027, 12, 31))],
        D(2026, 7, 1),
    )
    assert [(e.contract, e.due_on, e.next_option) for e in found] == [
        ("a", D(2026, 3, 30), None),
        ("b", D(2026, 6, 30), D(2027, 12, 31)),
    ]
    assert found[1].key == "contract_expiry:b:2026-12-31"


@given(st.dates(D(2020, 1, 1), D(2030, 12, 31)), st.integers(0, 400))
def test_a_contract_is_in_its_window_exactly_from_six_months_before_its_end(end: dt.date, back: int) -> None:
    day = end - dt.timedelta(days=back)
    assert is_expiry_due(end, day) == (day >= expiry_due_on(end))
    assert 181 <= (end - expiry_due_on(end)).days <= 184


def test_changes() -> None:
    assert changes({"end": "2026-12-31", "band": 0.0}, {"end": "2027-12-31", "band": 0.0}) == {
        "end": ("2026-12-31", "2027-12-31")
    }
    assert changes({"a": 1}, {"a": 1}) == {}
