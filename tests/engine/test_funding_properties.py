"""Invariants of the funding engine, checked with hypothesis on random contracts and declarations.

- the ledger never pays beyond a ceiling (contract, and municipality x segment budget minus reserve);
- advances + settlement equal the settled amount to the cent;
- neither the row order nor the arrival order of in-time declarations changes the year-end ledger;
- cents are conserved wherever an amount is split (months, municipalities, contracts);
- booking a recomputed ledger as corrections makes the stored ledger add up to it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from fractions import Fraction
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from regie.engine import frames
from regie.engine.calendar import add_months
from regie.engine.catalog import Budget, Catalog, Contract, Municipality, Provider, Segment, declaration_deadline
from regie.engine.funding import (
    AgreedChange,
    PaymentLine,
    Reallocation,
    ledger,
    lump_sum_lines,
    reconcile,
    split,
    spread,
)

D = dt.date
YEAR = 2025
FAR = D(2030, 1, 1)
PROVIDERS = ("11111111", "22222222", "33333333")
MUNICIPALITIES = ("0983", "0984")
SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def declaration_rows(draw: st.DrawFn, segment: str, *, late: bool = True) -> list[dict[str, Any]]:
    """Random 323 lines of the three providers for ``segment``; some credited, some late."""
    rows: list[dict[str, Any]] = []
    n = draw(st.integers(0, 30))
    for i in range(n):
        provider = draw(st.sampled_from(PROVIDERS))
        month = D(YEAR, draw(st.integers(1, 12)), 1)
        delay = draw(st.integers(0, 120 if late else 40))
        volume = draw(st.integers(1, 20))
        row = {
            "line_id": f"{provider}-{i}",
            "provider": provider,
            "segment": segment,
            "municipality": draw(st.sampled_from(MUNICIPALITIES)),
            "client": f"client-{draw(st.integers(0, 12))}",
            "allocation_number": f"T{draw(st.integers(0, 6))}",
            "product_category": "45",
            "product_code": draw(st.sampled_from(["45A01", "45A02"])),
            "care_month": month,
            "arrival": add_months(month, 1) + dt.timedelta(days=delay),
            "volume": volume,
            "unit": "04",
            "amount_cents": volume * 6_500,
            "accepted": draw(st.booleans()) or draw(st.booleans()),
            "retour_code": "0200",
        }
        rows.append(row)
        if draw(st.integers(0, 5)) == 0:  # credited later: under its own reference (IV091) or the same one
            own = draw(st.booleans())
            rows.append(
                {
                    **row,
                    "line_id": f"{row['line_id']}-C" if own else row["line_id"],
                    "amount_cents": -row["amount_cents"],
                    "arrival": row["arrival"] + dt.timedelta(days=9),
                }
            )
    return rows


def region(model: str, contracts: list[Contract], budgets: list[Budget]) -> Catalog:
    segment = Segment("S", "Segment", "jeugd", model, 1, 20, ("45",))
    return Catalog(
        "Test",
        tuple(Municipality(m, m) for m in MUNICIPALITIES),
        (segment,),
        tuple(Provider(p, p) for p in PROVIDERS),
        tuple(contracts),
        tuple(budgets),
    )


@st.composite
def contracts_for(draw: st.DrawFn, model: str) -> list[Contract]:
    out = []
    for i, provider in enumerate(PROVIDERS):
        start = (
            D(YEAR, draw(st.integers(1, 12)), draw(st.sampled_from([1, 1, 10])))
            if draw(st.booleans())
            else D(YEAR, 1, 1)
        )
        municipalities = draw(st.sampled_from([("0983",), ("0984",), MUNICIPALITIES]))
        params: dict[str, Any] = {"ceiling": draw(st.sampled_from([0, 0, 1, 50_000, 400_000, 5_000_000]))}
        if model in ("pxq", "outcome"):
            params["tariffs"] = {"45A01": draw(st.integers(1, 200_000)), "45A02": 6_500}
            params["instalments"] = draw(st.sampled_from(["monthly", "at_once"]))
        if model == "per_client":
            params.update(
                agreed_clients=draw(st.integers(1, 8)),
                price_per_client=draw(st.integers(1, 2_000_000)),
                band=draw(st.sampled_from([0.0, 0.05, 0.1, 0.33])),
            )
        if model == "lump_sum":
            params["lump_sum"] = draw(st.integers(1, 50_000_000))
        out.append(Contract(f"c{i}", provider, "S", municipalities, start, D(YEAR, 12, 31), **params))
    return out


@st.composite
def budgets_for(draw: st.DrawFn) -> list[Budget]:
    out = []
    for m in MUNICIPALITIES:
        if draw(st.booleans()):
            amount = draw(st.integers(0, 20_000_000))
            out.append(Budget(m, "S", YEAR, amount, reserve=draw(st.integers(0, amount))))
    return out


MODELS = st.sampled_from(["pxq", "outcome", "per_client", "lump_sum"])


@st.composite
def cases(draw: st.DrawFn, *, late: bool = True) -> tuple[Catalog, pl.DataFrame, list[AgreedChange]]:
    model = draw(MODELS)
    contracts = draw(contracts_for(model))
    changes = []
    if model == "per_client":
        for _ in range(draw(st.integers(0, 3))):
            c = draw(st.sampled_from(contracts))
            changes.append(AgreedChange(c.id, D(YEAR, draw(st.integers(1, 12)), 1), draw(st.integers(0, 12))))
    rows = draw(declaration_rows("S", late=late))
    return region(model, contracts, draw(budgets_for())), frames.frame("declarations", rows), changes


def running_max(lines: list[PaymentLine]) -> int:
    """The highest running total over the months of ``lines``."""
    by_month: dict[dt.date, int] = {}
    for line in lines:
        by_month[line.month] = by_month.get(line.month, 0) + line.amount_cents
    running, top = 0, 0
    for month in sorted(by_month):
        running += by_month[month]
        top = max(top, running)
    return top


@SETTINGS
@given(cases())
def test_the_ledger_never_pays_beyond_a_ceiling(case: tuple[Catalog, pl.DataFrame, list[AgreedChange]]) -> None:
    cat, declarations, changes = case
    for as_of in (D(YEAR, 7, 1), FAR):
        lines = ledger(cat, declarations, year=YEAR, as_of=as_of, agreed_changes=changes)
        for contract in cat.contracts:
            if contract.ceiling:
                assert running_max([line for line in lines if line.contract == contract.id]) <= contract.ceiling
        for budget in cat.budgets:
            mine = [line for line in lines if line.municipality == budget.municipality]
            assert running_max(mine) <= budget.amount - budget.reserve


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_row_order_and_arrival_order_do_not_change_the_year_end_ledger(
    case: tuple[Catalog, pl.DataFrame, list[AgreedChange]], rnd: random.Random
) -> None:
    cat, declarations, changes = case
    expected = ledger(cat, declarations, year=YEAR, as_of=FAR, agreed_changes=changes)
    shuffled = declarations.sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 2**31))
    assert ledger(cat, shuffled, year=YEAR, as_of=FAR, agreed_changes=changes) == expected
    # Let every line that arrived in time arrive on another in-time day (credits after their
    # debit): the year-end ledger stays the same.

    def redraw(row: dict[str, Any]) -> dict[str, Any]:
        limit = declaration_deadline(row["care_month"])
        assert limit is not None
        if row["arrival"] > limit:
            return row
        first = add_months(row["care_month"], 1)
        return {**row, "arrival": first + dt.timedelta(days=rnd.randint(0, (limit - first).days))}

    rows = [redraw(row) for row in declarations.iter_rows(named=True)]
    debit_arrival = {r["line_id"]: r["arrival"] for r in rows if r["amount_cents"] >= 0}
    rows = [
        {**r, "arrival": max(r["arrival"], debit_arrival.get(r["line_id"].removesuffix("-C"), r["arrival"]))}
        if r["amount_cents"] < 0
        else r
        for r in rows
    ]
    moved = frames.frame("declarations", rows)
    assert ledger(cat, moved, year=YEAR, as_of=FAR, agreed_changes=changes) == expected


def time_weighted(contract: Contract, changes: list[AgreedChange]) -> Fraction:
    """N_p time-weighted over the year, computed independently: month by month."""
    total = Fraction(0)
    for m in range(1, 13):
        month = D(YEAR, m, 1)
        n = contract.agreed_clients
        for change in sorted(changes, key=lambda c: c.month):
            if change.contract == contract.id and change.month <= month:
                n = change.agreed_clients
        last = add_months(month, 1) - dt.timedelta(days=1)
        days = (min(last, contract.end) - max(month, contract.start)).days + 1
        total += Fraction(n * max(days, 0), (last - month).days + 1)
    return total / 12


@SETTINGS
@given(cases())
def test_advances_plus_settlement_equal_the_settled_amount(
    case: tuple[Catalog, pl.DataFrame, list[AgreedChange]],
) -> None:
    cat, declarations, changes = case
    if cat.segments[0].funding_model != "per_client":
        cat = region(
            "per_client",
            [
                Contract(
                    c.id,
                    c.provider,
                    "S",
                    c.municipalities,
                    c.start,
                    c.end,
                    agreed_clients=5,
                    price_per_client=123_457,
                    band=0.1,
                )
                for c in cat.contracts
            ],
            list(cat.budgets),
        )
        changes = []
    lines = ledger(cat, declarations, year=YEAR, as_of=FAR, agreed_changes=changes)
    for contract in cat.contracts:
        mine = [line for line in lines if line.contract == contract.id]
        settlements = [line for line in mine if line.kind == "settlement"]
        assert {line.municipality for line in settlements} == set(contract.municipalities)
        contract_settled = 0
        for s in settlements:
            advances = sum(
                line.amount_cents for line in mine if line.kind == "advance" and line.municipality == s.municipality
            )
            assert advances + s.amount_cents == s.detail["settled_cents"]
            assert advances == s.detail["advances_cents"]
            contract_settled += s.detail["settled_cents"]
        # the settled amount itself, computed independently
        realised = settlements[0].detail["realised_clients"]
        cap = time_weighted(contract, changes) * (1 + Fraction(repr(contract.band)))
        exact = min(Fraction(realised), cap) * contract.price_per_client
        assert contract_settled == math.floor(exact + Fraction(1, 2))
        # the advances sum to the year's budget
        budget = time_weighted(contract, changes) * contract.price_per_client
        assert sum(line.amount_cents for line in mine if line.kind == "advance") == math.floor(budget + Fraction(1, 2))


@SETTINGS
@given(
    st.integers(1, 10**10),
    st.lists(st.tuples(st.integers(1, 12), st.integers(-(10**8), 10**8)), max_size=3),
    st.lists(st.integers(0, 10**6), min_size=2, max_size=3),
    st.integers(1, 12),
)
def test_cents_are_conserved_across_months_and_municipalities(
    lump: int, moves: list[tuple[int, int]], weights: list[int], start_month: int
) -> None:
    municipalities = ("0363", "0384", "0437")[: len(weights)]
    contract = Contract("k", "10101010", "A", municipalities, D(YEAR, start_month, 1), D(YEAR, 12, 31), lump_sum=lump)
    reallocations = [Reallocation("A", "o", "k", D(YEAR, m, 1), amount_cents=max(a, -lump // 4)) for m, a in moves]
    lines = lump_sum_lines(
        contract,
        year=YEAR,
        as_of=FAR,
        reallocations=reallocations,
        municipality_weights=dict(zip(municipalities, weights, strict=True)),
    )
    by_month: dict[dt.date, int] = {}
    for line in lines:
        by_month[line.month] = by_month.get(line.month, 0) + line.amount_cents
        if len(municipalities) > 1:
            assert line.detail["contract_instalment_cents"] == sum(
                x.amount_cents for x in lines if x.month == line.month
            )
    # the year's total is the exact total rounded once: sum over months of A(m) x cover / 12
    annual = Fraction(lump)
    exact = Fraction(0)
    for m in range(1, 13):
        annual_m = annual + sum(
            (Fraction(a) for mm, a in ((mm, max(a, -lump // 4)) for mm, a in moves) if mm <= m), Fraction(0)
        )
        exact += annual_m / 12 if m >= start_month else 0
    assert sum(by_month.values()) == math.floor(exact + Fraction(1, 2))


@SETTINGS
@given(st.integers(-(10**9), 10**9), st.dictionaries(st.sampled_from("abcdef"), st.integers(-5, 10**6), min_size=1))
def test_split_conserves_cents_and_stays_within_a_cent(amount: int, weights: dict[str, int]) -> None:
    shares = split(amount, weights)
    assert sum(shares.values()) == amount
    total = sum(max(w, 0) for w in weights.values())
    for key, share in shares.items():
        exact = Fraction(amount * max(weights[key], 0), total) if total else Fraction(amount, len(weights))
        assert abs(share - exact) < 1


@SETTINGS
@given(st.lists(st.fractions(min_value=-(10**6), max_value=10**7, max_denominator=1000), max_size=24))
def test_spread_conserves_cents_and_stays_within_a_cent(parts: list[Fraction]) -> None:
    cents = spread(parts)
    assert sum(cents) == math.floor(sum(parts, Fraction(0)) + Fraction(1, 2))
    assert all(abs(c - p) <= 1 for c, p in zip(cents, parts, strict=True))


@SETTINGS
@given(cases(), st.dates(min_value=D(YEAR, 1, 1), max_value=D(YEAR + 1, 6, 30)))
def test_booking_corrections_makes_a_stored_ledger_add_up_to_the_recomputed_one(
    case: tuple[Catalog, pl.DataFrame, list[AgreedChange]], earlier: dt.date
) -> None:
    cat, declarations, changes = case
    stored = ledger(cat, declarations, year=YEAR, as_of=earlier)
    current = ledger(cat, declarations, year=YEAR, as_of=FAR, agreed_changes=changes)
    booked = reconcile(stored, current, on=D(YEAR + 2, 1, 1))
    assert all(line.kind != "correction" or line.amount_cents != 0 for line in booked)
    after = stored + booked

    def sums(lines: list[PaymentLine]) -> dict[tuple[Any, ...], int]:
        out: dict[tuple[Any, ...], int] = {}
        for line in lines:
            out[line.key] = out.get(line.key, 0) + line.amount_cents
        return out

    assert {k: v for k, v in sums(after).items() if v} == {k: v for k, v in sums(current).items() if v}
    assert set(sums(current)) <= set(sums(after))
    assert reconcile(after, current, on=D(YEAR + 2, 2, 1)) == []
