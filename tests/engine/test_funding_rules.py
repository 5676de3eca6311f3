"""The small rules under the funding models: positions, volume limits, contract months, cuts."""

from __future__ import annotations

import datetime as dt

import pytest

from regie.engine import frames
from regie.engine.catalog import Contract
from regie.engine.funding import cap_cuts, positions, settlement_date, volume_limits
from regie.engine.funding.base import contract_months
from regie.engine.funding.ledger import declaration_months

D = dt.date

#: The fields every declaration row of these cases shares.
LINE = {
    "provider": "11111111",
    "segment": "S",
    "municipality": "0983",
    "client": "c",
    "product_category": "45",
    "product_code": "45A01",
    "care_month": D(2025, 1, 1),
    "unit": "04",
    "accepted": True,
}


def test_positions_net_credits_ignore_rejected_rows_and_respect_as_of() -> None:
    base = LINE
    rows = [
        {**base, "line_id": "L1", "arrival": D(2025, 2, 1), "volume": 5, "amount_cents": 500},
        {**base, "line_id": "L1", "arrival": D(2025, 3, 1), "volume": 5, "amount_cents": -500},  # credit
        {**base, "line_id": "L2", "arrival": D(2025, 2, 1), "volume": 3, "amount_cents": 300, "accepted": False},
        {**base, "line_id": "L3", "arrival": D(2025, 4, 1), "volume": 2, "amount_cents": 200},
    ]
    table = positions(frames.frame("declarations", rows), as_of=D(2025, 3, 31))
    assert table.select("line_id", "volume", "amount_cents", "debits", "credits", "arrival").rows() == [
        ("L1", 0, 0, 1, 1, D(2025, 2, 1))
    ]
    before_credit = positions(frames.frame("declarations", rows), as_of=D(2025, 2, 15))
    assert before_credit.select("line_id", "volume", "amount_cents").rows() == [("L1", 5, 500)]


def test_a_credit_with_its_own_reference_cancels_the_identical_debit() -> None:
    """IV091: a credit is the debit with a new ReferentieNummer, VorigReferentieNummer and C."""
    base = {**LINE, "volume": 5}
    rows = [
        {**base, "line_id": "D1", "arrival": D(2025, 2, 1), "amount_cents": 500},
        {**base, "line_id": "D2", "arrival": D(2025, 2, 1), "amount_cents": 500},  # an identical second debit
        {**base, "line_id": "C1", "arrival": D(2025, 2, 20), "amount_cents": -500},  # credits D1
        {**base, "line_id": "D3", "arrival": D(2025, 2, 20), "volume": 4, "amount_cents": 400},  # the correction
        {**base, "line_id": "C9", "arrival": D(2025, 2, 20), "volume": 7, "amount_cents": -700},  # credits nothing
    ]
    table = positions(frames.frame("declarations", rows))
    assert table.select("line_id", "volume", "amount_cents", "debits", "credits").rows() == [
        ("C9", -7, -700, 0, 1),
        ("D1", 0, 0, 1, 1),
        ("D2", 5, 500, 1, 0),
        ("D3", 4, 400, 1, 0),
    ]
    # before the credit arrived, D1 stood
    early = positions(frames.frame("declarations", rows), as_of=D(2025, 2, 10))
    assert early.select("line_id", "amount_cents").rows() == [("D1", 500), ("D2", 500)]


def allocation(
    frequency: str, volume: int, begin: dt.date, end: dt.date | None, category: str = "45"
) -> dict[str, object]:
    return {
        "volume": volume,
        "frequency": frequency,
        "begin": begin,
        "end": end,
        "product_category": category,
        "unit": "04",
    }


@pytest.mark.parametrize(
    ("alloc", "month", "limits"),
    [
        (allocation("1", 2, D(2025, 3, 10), D(2025, 5, 5)), D(2025, 3, 1), (44, None)),  # 22 days x 2
        (allocation("1", 2, D(2025, 3, 10), D(2025, 5, 5)), D(2025, 5, 1), (10, None)),  # 5 days x 2
        (allocation("2", 3, D(2025, 7, 7), D(2025, 9, 7)), D(2025, 7, 1), (12, 27)),  # IV076: weeks 28-31; 9 weeks
        (allocation("2", 3, D(2025, 7, 7), None), D(2025, 8, 1), (15, None)),  # open-ended: no total
        (allocation("2", 3, D(2025, 7, 7), None, category="01"), D(2025, 8, 1), (18, None)),  # Wmo 01: 6 x week
        (allocation("4", 40, D(2025, 1, 15), D(2025, 6, 30)), D(2025, 1, 1), (40, None)),
        (allocation("6", 100, D(2025, 1, 1), D(2025, 12, 31)), D(2025, 6, 1), (None, 100)),
        (allocation("4", 40, D(2025, 1, 15), D(2025, 6, 30)), D(2025, 7, 1), (0, None)),  # outside validity
    ],
)
def test_volume_limits(alloc: dict[str, object], month: dt.date, limits: tuple[int | None, int | None]) -> None:
    assert volume_limits(alloc, month) == limits


def test_contract_months_and_the_month_of_a_mid_month_switch() -> None:
    old = Contract("old", "11111111", "S", ("0983",), D(2024, 1, 1), D(2025, 3, 14))
    new = Contract("new", "11111111", "S", ("0983",), D(2025, 3, 15), D(2025, 12, 31))
    other = Contract("other", "11111111", "S", ("0984",), D(2025, 3, 15), D(2025, 12, 31))
    assert contract_months(old, 2025) == [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)]
    # March runs under both; its declarations belong to the one running on 1 March.
    assert declaration_months(new, [old, new], 2025)[0] == D(2025, 4, 1)
    assert declaration_months(old, [old, new], 2025)[-1] == D(2025, 3, 1)
    # a contract for another municipality does not take the month away
    assert declaration_months(other, [old, other], 2025)[0] == D(2025, 3, 1)


def test_settlement_date_is_the_deadline_of_the_last_care_month() -> None:
    c = Contract("c", "11111111", "S", ("0983",), D(2025, 1, 1), D(2025, 9, 30))
    assert settlement_date(c, 2025) == D(2025, 11, 15)
    none = Contract("n", "11111111", "S", ("0983",), D(2025, 1, 1), D(2025, 12, 31), declaration_deadline="none")
    assert settlement_date(none, 2025) == D(2026, 1, 1)


def test_cap_cuts_leave_room_freed_by_a_recovery() -> None:
    m = [D(2025, i, 1) for i in (1, 2, 3)]
    # 100 reached in January (cut 20); February's recovery of -30 frees room for March's 25.
    assert cap_cuts({m[0]: {"a": 120}, m[1]: {"a": -30}, m[2]: {"a": 25}}, 100) == {m[0]: {"a": -20}}
    assert cap_cuts({m[0]: {"a": 10, "b": 10}}, 0) == {m[0]: {"a": -10, "b": -10}}
