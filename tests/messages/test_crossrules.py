"""Rules over more than one message, on hand-computed cases."""

from __future__ import annotations

import dataclasses
import datetime as dt

from regie.messages import AllocatedProduct, Amount, Extent, Performance, Period, Product, StartProduct
from regie.messages.crossrules import (
    allocated_volume,
    check_against_allocation,
    check_credit_has_debit,
    check_cumulative_volume,
    check_declaration_number_unique,
    check_reference_unique,
    check_start_against_allocation,
)

D = dt.date
ALLOCATION = AllocatedProduct(
    "100001",
    D(2025, 2, 20),
    dt.time(9),
    D(2025, 3, 1),
    Product("45", "45A03"),
    D(2025, 5, 15),
    extent=Extent(4, "04", "2"),
)


def line(
    reference: str = "R1", begin: D = D(2025, 3, 1), end: D = D(2025, 3, 31), volume: int = 16, **kw: object
) -> Performance:
    base = Performance(
        reference, "100001", "45", "45A03", Period(begin, end), volume, "04", Amount(volume * 6550), tariff=6550
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def codes(faults: list) -> list[str]:  # type: ignore[type-arg]
    return [f.code for f in faults]


def test_allocated_volume_per_frequency() -> None:
    march = (D(2025, 3, 1), D(2025, 3, 31))  # Saturday 1 March .. Monday 31 March: 6 ISO weeks
    assert allocated_volume(Extent(4, "04", "2"), *march) == 24
    assert allocated_volume(Extent(3, "14", "1"), *march) == 93
    assert allocated_volume(Extent(10, "04", "4"), *march) == 10
    assert allocated_volume(Extent(50, "04", "6"), *march) == 50


def test_a_fitting_line_passes() -> None:
    assert check_against_allocation(line(), ALLOCATION) == []


def test_category_code_and_unit_must_match() -> None:
    wrong = line(category="43", code="43A01", unit="14")
    assert codes(check_against_allocation(wrong, ALLOCATION)) == ["9339", "9340", "9341"]


def test_minutes_under_an_hourly_allocation_fit() -> None:
    minutes = line(unit="01", volume=24 * 60, amount=Amount(24 * 60 * 109), tariff=109)
    assert check_against_allocation(minutes, ALLOCATION) == []
    assert codes(check_against_allocation(dataclasses.replace(minutes, volume=24 * 60 + 1), ALLOCATION)) == ["9321"]


def test_period_outside_the_allocation() -> None:
    before = line(begin=D(2025, 2, 1), end=D(2025, 2, 28))
    assert codes(check_against_allocation(before, ALLOCATION)) == ["9307"]
    after = line(begin=D(2025, 5, 1), end=D(2025, 5, 31), volume=12)
    assert codes(check_against_allocation(after, ALLOCATION)) == ["9308"]
    # the part inside the allocation (1-15 May, 3 weeks) allows 12 hours, not 16
    assert codes(check_against_allocation(line(begin=D(2025, 5, 1), end=D(2025, 5, 31)), ALLOCATION)) == [
        "9308",
        "9321",
    ]
    # ends on the allocation's end date in May: allowed, and 3 weeks (Thu 1 .. Thu 15 May) x 4 = 12 hours
    may = line(begin=D(2025, 5, 1), end=D(2025, 5, 15), volume=12)
    assert check_against_allocation(may, ALLOCATION) == []
    assert codes(check_against_allocation(dataclasses.replace(may, volume=13), ALLOCATION)) == ["9321"]


def test_product_period_starts_on_the_first_unless_the_allocation_starts_later() -> None:
    mid = line(begin=D(2025, 3, 5))
    assert codes(check_against_allocation(mid, ALLOCATION)) == ["9387"]
    later = dataclasses.replace(ALLOCATION, start=D(2025, 3, 5))
    assert check_against_allocation(mid, later) == []


def test_deleted_or_missing_allocation() -> None:
    assert codes(check_against_allocation(line(), None)) == ["9338"]
    deleted = dataclasses.replace(ALLOCATION, change_reason="13")
    assert "9384" in codes(check_against_allocation(line(), deleted))


def test_cumulative_volume_and_budget() -> None:
    total = dataclasses.replace(ALLOCATION, extent=Extent(30, "04", "6"))
    lines = [line("R1", volume=16), line("R2", D(2025, 4, 1), D(2025, 4, 30), volume=16)]
    assert codes(check_cumulative_volume(lines, total)) == ["9322"]
    credit = line("R3", volume=4, amount=Amount(4 * 6550, "C"), previous_reference="R1")
    assert check_cumulative_volume([lines[0], credit, lines[1]], total) == []
    budget = dataclasses.replace(ALLOCATION, extent=None, budget=100000)
    euros = [
        line("E1", unit="83", volume=60000, tariff=None, amount=Amount(60000)),
        line("E2", unit="83", volume=50000, tariff=None, amount=Amount(50000)),
    ]
    assert [(f.code, f.record) for f in check_cumulative_volume(euros, budget)] == [("9369", "E2")]


def test_start_must_name_a_known_allocation() -> None:
    start = StartProduct(D(2025, 3, 3), "1", "100001", Product("45", "45A03"))
    assert check_start_against_allocation(start, ALLOCATION, record="100001") == []
    assert codes(check_start_against_allocation(start, None, record="100001")) == ["9019"]


def test_uniqueness_and_credits() -> None:
    assert codes(check_reference_unique("R1", {"R1"})) == ["8021"]
    assert check_reference_unique("R9", {"R1"}) == []
    assert codes(check_declaration_number_unique("D1", {"D1"})) == ["9333"]
    credit = line("R5", amount=Amount(100, "C"), previous_reference="R4")
    assert codes(check_credit_has_debit(credit, {"R1"})) == ["8017"]
    assert check_credit_has_debit(credit, {"R4"}) == []
