"""Each funding model of domain.md section 4 on a hand-computed case with three providers.

Every expected amount below is worked out by hand in the comments (cents).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from tests.engine.factories import catalog

from regie.engine import frames
from regie.engine.catalog import Budget, Catalog, Contract, Municipality, Segment
from regie.engine.funding import (
    AgreedChange,
    PaymentLine,
    Reallocation,
    check_reallocation,
    ledger,
    ledger_document,
    lump_sum_lines,
    outcome_lines,
    payments_by_kind,
    payments_frame,
    per_client_lines,
    population_lines,
    pxq_lines,
    reconcile,
    totals,
)

D = dt.date
FAR = D(2030, 1, 1)


def decl(
    line: str,
    provider: str,
    client: str,
    month: dt.date,
    arrival: dt.date,
    volume: int,
    amount: int,
    *,
    segment: str,
    product: str,
    allocation: str | None = None,
    municipality: str = "0983",
    unit: str = "04",
) -> dict[str, Any]:
    return {
        "line_id": f"{provider}-{line}",
        "provider": provider,
        "segment": segment,
        "municipality": municipality,
        "client": client,
        "allocation_number": allocation,
        "product_category": product[:2],
        "product_code": product,
        "care_month": month,
        "arrival": arrival,
        "volume": volume,
        "unit": unit,
        "amount_cents": amount,
        "accepted": True,
        "retour_code": "0200",
    }


def amounts(lines: list[PaymentLine], **match: Any) -> int:
    return sum(line.amount_cents for line in lines if all(getattr(line, k) == v for k, v in match.items()))


# --------------------------------------------------------------------------- 1. price x volume

A, B, C = "11111111", "22222222", "33333333"
JGD = Segment("JGD-AMB", "Jeugd ambulant", "jeugd", "pxq", 2, 20, ("45",))
Y25 = (D(2025, 1, 1), D(2025, 12, 31))


def pxq_case() -> tuple[Catalog, pl.DataFrame, pl.DataFrame]:
    tariffs = {"45A01": 7000}
    contracts = [
        Contract("cA", A, "JGD-AMB", ("0983",), *Y25, tariffs=tariffs),
        Contract("cB", B, "JGD-AMB", ("0983",), *Y25, tariffs=tariffs),
        Contract("cC", C, "JGD-AMB", ("0983",), *Y25, tariffs=tariffs, ceiling=200_000),
    ]
    s = {"segment": "JGD-AMB", "product": "45A01"}
    rows = [
        # A: allocation AL1 = 10 hours per month. Jan 8 h; Feb 12 h (capped to 10 h);
        # March line 3 declared (6 h) and credited, re-declared as line 4 (5 h).
        decl("1", A, "a1", D(2025, 1, 1), D(2025, 2, 10), 8, 56_000, allocation="AL1", **s),
        decl("2", A, "a1", D(2025, 2, 1), D(2025, 3, 10), 12, 84_000, allocation="AL1", **s),
        decl("3", A, "a1", D(2025, 3, 1), D(2025, 4, 10), 6, 42_000, allocation="AL1", **s),
        decl("3", A, "a1", D(2025, 3, 1), D(2025, 4, 20), 6, -42_000, allocation="AL1", **s),
        decl("4", A, "a1", D(2025, 3, 1), D(2025, 4, 20), 5, 35_000, allocation="AL1", **s),
        # B: Jan in time; Feb arrives 20 April, after the deadline of 15 April: not paid.
        decl("1", B, "b1", D(2025, 1, 1), D(2025, 2, 1), 10, 70_000, allocation="BL1", **s),
        decl("2", B, "b1", D(2025, 2, 1), D(2025, 4, 20), 10, 70_000, allocation="BL1", **s),
        # C: ceiling 2,000 euro. Jan 15 h (1,050), Feb 15 h (1,050: 100 euro over), Mar 5 h (all over);
        # and a product the contract has no tariff for.
        decl("1", C, "c1", D(2025, 1, 1), D(2025, 2, 1), 15, 105_000, allocation="CL1", **s),
        decl("2", C, "c2", D(2025, 2, 1), D(2025, 3, 1), 15, 105_000, allocation="CL2", **s),
        decl("3", C, "c1", D(2025, 3, 1), D(2025, 4, 1), 5, 35_000, allocation="CL1", **s),
        decl(
            "4", C, "c2", D(2025, 3, 1), D(2025, 4, 1), 1, 9_900, allocation="CL2", segment="JGD-AMB", product="45B99"
        ),
    ]
    allocations = pl.DataFrame(
        [
            {
                "allocation_number": "AL1",
                "product_category": "45",
                "product_code": "45A01",
                "volume": 10,
                "unit": "04",
                "frequency": "4",
                "begin": D(2025, 1, 1),
                "end": D(2025, 12, 31),
            }
        ]
    )
    return catalog([JGD], contracts), frames.frame("declarations", rows), allocations


def test_pxq_units_times_tariff_with_allocation_cap_credit_deadline_and_ceiling() -> None:
    cat, declarations, allocations = pxq_case()
    lines = ledger(cat, declarations, year=2025, as_of=FAR, allocations=allocations)
    # A: 8 x 70 + 10 x 70 (12 declared, 10 allocated) + 5 x 70 (line 3 credited away) = 1,610 euro
    assert [(line.ref, line.amount_cents) for line in lines if line.contract == "cA"] == [
        ("11111111-1", 56_000),
        ("11111111-2", 70_000),
        ("11111111-4", 35_000),
    ]
    capped = next(line for line in lines if line.ref == "11111111-2")
    assert capped.detail["volume"] == 12 and capped.detail["paid_volume"] == 10 and capped.detail["month_limit"] == 10
    # B: January paid, February late: a line of 0 that keeps the declared 700 euro.
    late = next(line for line in lines if line.ref == "22222222-2")
    assert (late.kind, late.rule, late.amount_cents) == ("late_unpaid", "pxq.late", 0)
    assert late.detail == {"declared_cents": 70_000, "volume": 10, "arrival": "2025-04-20", "deadline": "2025-04-15"}
    assert amounts(lines, contract="cB") == 70_000
    # C: 1,050 + 1,050 + 350 = 2,450 declared at tariff; ceiling 2,000: Feb cut 100, Mar cut 350.
    cuts = [(line.month, line.amount_cents) for line in lines if line.kind == "ceiling_cut"]
    assert cuts == [(D(2025, 2, 1), -10_000), (D(2025, 3, 1), -35_000)]
    unpriced = next(line for line in lines if line.ref == "33333333-4")
    assert (unpriced.kind, unpriced.amount_cents, unpriced.detail["declared_cents"]) == ("unpriced", 0, 9_900)
    assert amounts(lines, contract="cC") == 200_000
    # the per-model function gives the same lines before ceilings
    assert [line for line in lines if line.contract == "cA"] == pxq_lines(
        cat.contracts[0], declarations, year=2025, as_of=FAR, allocations=allocations
    )


def test_pxq_without_allocations_relies_on_ingest_for_the_volume() -> None:
    cat, declarations, _ = pxq_case()
    lines = pxq_lines(cat.contracts[0], declarations, year=2025, as_of=FAR)
    assert amounts(lines) == 56_000 + 84_000 + 35_000


def test_segment_ceiling_cuts_pro_rata_in_the_month_it_is_reached() -> None:
    cat, declarations, allocations = pxq_case()
    budget = Budget("0983", "JGD-AMB", 2025, 350_000, reserve=20_000)  # ceiling 3,300 euro
    cat = catalog([JGD], list(cat.contracts), [budget])
    lines = ledger(cat, declarations, year=2025, as_of=FAR, allocations=allocations)
    # Jan: A 560 + B 700 + C 1,050 = 2,310. Feb: A 700 + C (1,050 - 100) = 1,650 -> 3,960 > 3,300:
    # cut 660 pro rata: A 660 x 700/1,650 = 280, C 660 x 950/1,650 = 380. Mar: A 350 (C's 0 after
    # its own ceiling) -> all cut.
    segment_cuts = sorted(
        (line.contract, line.month, line.amount_cents) for line in lines if line.rule == "ceiling.segment"
    )
    assert segment_cuts == [
        ("cA", D(2025, 2, 1), -28_000),
        ("cA", D(2025, 3, 1), -35_000),
        ("cC", D(2025, 2, 1), -38_000),
    ]
    assert {row["provider"]: row["paid_cents"] for row in totals(lines)} == {A: 98_000, B: 70_000, C: 162_000}
    assert amounts(lines) == 330_000


def test_as_of_sees_only_what_had_arrived() -> None:
    cat, declarations, allocations = pxq_case()
    lines = ledger(cat, declarations, year=2025, as_of=D(2025, 3, 31), allocations=allocations)
    # By 31 March: A lines 1 and 2, B line 1, C lines 1 and 2 (with C's ceiling cut).
    assert sorted(line.ref for line in lines if line.kind == "declaration") == [
        "11111111-1",
        "11111111-2",
        "22222222-1",
        "33333333-1",
        "33333333-2",
    ]
    assert amounts(lines) == 56_000 + 70_000 + 70_000 + 200_000


# --------------------------------------------------------------------------- 2. outcome

P, Q, R = "44444444", "55555555", "66666666"
SPIC = Segment("JGD-SPIC", "Jeugd specialistisch", "jeugd", "outcome", 3, 20, ("45",))


def test_outcome_instalments_over_validity_at_once_and_declared_amounts() -> None:
    t = {"45C11": 1_000_000}
    contracts = [
        Contract("cP", P, "JGD-SPIC", ("0983",), D(2024, 1, 1), D(2025, 12, 31), tariffs=t),
        Contract("cQ", Q, "JGD-SPIC", ("0983",), *Y25, tariffs=t, instalments="at_once"),
        Contract("cR", R, "JGD-SPIC", ("0983",), *Y25, tariffs=t),
    ]
    s = {"segment": "JGD-SPIC", "product": "45C11", "unit": "82"}
    rows = [
        # P: arrangement AO1 valid Oct 2024 .. Mar 2025 (6 months): 10,000 euro in instalments of
        # 1,666.67 / 1,666.66 / 1,666.67 / 1,666.67 / 1,666.66 / 1,666.67 (running total rounded).
        # 2024's three are history; 2025 pays Jan-Mar = 1,666.67 + 1,666.66 + 1,666.67 = 5,000.
        *[
            decl(f"{m}", P, "p1", D(2024, m, 1), D(2024, m, 20), 1, 166_667, allocation="AO1", **s)
            for m in (10, 11, 12)
        ],
        *[decl(f"{m}", P, "p1", D(2025, m, 1), D(2025, m, 20), 1, 166_667, allocation="AO1", **s) for m in (1, 2, 3)],
        decl("4", P, "p1", D(2025, 4, 1), D(2025, 4, 20), 1, 166_667, allocation="AO1", **s),  # outside: 0
        # Q: at once: the whole 10,000 euro on the first line, nothing on the second.
        decl("1", Q, "q1", D(2025, 2, 1), D(2025, 3, 1), 1, 1_000_000, allocation="AO2", **s),
        decl("2", Q, "q1", D(2025, 3, 1), D(2025, 4, 1), 1, 1_000_000, allocation="AO2", **s),
        # R: validity unknown: declared amounts, but never more than the tariff in total;
        # September is late (deadline 15 November) and does not count.
        decl("9", R, "r1", D(2025, 9, 1), D(2025, 12, 1), 1, 500_000, allocation="AO3", **s),
        decl("10", R, "r1", D(2025, 10, 1), D(2025, 11, 1), 1, 500_000, allocation="AO3", **s),
        decl("11", R, "r1", D(2025, 11, 1), D(2025, 12, 1), 1, 500_000, allocation="AO3", **s),
        decl("12", R, "r1", D(2025, 12, 1), D(2026, 1, 5), 1, 500_000, allocation="AO3", **s),
    ]
    allocations = pl.DataFrame(
        [
            {
                "allocation_number": "AO1",
                "product_category": "45",
                "product_code": "45C11",
                "volume": 1,
                "unit": "82",
                "frequency": "6",
                "begin": D(2024, 10, 1),
                "end": D(2025, 3, 31),
            }
        ]
    )
    declarations = frames.frame("declarations", rows)
    lines = ledger(catalog([SPIC], contracts), declarations, year=2025, as_of=FAR, allocations=allocations)
    assert [(line.month.month, line.amount_cents) for line in lines if line.contract == "cP"] == [
        (1, 166_667),
        (2, 166_666),
        (3, 166_667),
        (4, 0),
    ]
    assert [line.detail.get("instalment") for line in lines if line.contract == "cP"] == [4, 5, 6, None]
    assert [(line.rule, line.amount_cents) for line in lines if line.contract == "cQ"] == [
        ("outcome.at_once", 1_000_000),
        ("outcome.at_once", 0),
    ]
    assert [(line.kind, line.amount_cents) for line in lines if line.contract == "cR"] == [
        ("late_unpaid", 0),
        ("declaration", 500_000),
        ("declaration", 500_000),
        ("declaration", 0),
    ]
    # As of 31 December R's December line (arriving 5 January) is not there yet.
    early = outcome_lines(contracts[2], declarations, year=2025, as_of=D(2025, 12, 31))
    assert amounts(early) == 1_000_000
    assert {row["provider"]: row["paid_cents"] for row in totals(lines)} == {P: 500_000, Q: 1_000_000, R: 1_000_000}


# --------------------------------------------------------------------------- 3. per-client price

X, Yp, Z = "77777777", "88888888", "99999999"
IB = Segment("WMO-IB", "Wmo individuele begeleiding", "wmo", "per_client", 2, 20, ("02",))


def per_client_case() -> tuple[Catalog, pl.DataFrame, list[AgreedChange]]:
    contracts = [
        Contract("cX", X, "WMO-IB", ("0983",), *Y25, agreed_clients=10, price_per_client=850_000),
        Contract("cY", Yp, "WMO-IB", ("0983",), *Y25, agreed_clients=10, price_per_client=850_000, band=0.1),
        Contract("cZ", Z, "WMO-IB", ("0983",), *Y25, agreed_clients=10, price_per_client=850_000),
    ]
    s = {"segment": "WMO-IB", "product": "02A01"}
    rows = []
    # X: 8 clients in time, one more whose only line arrives late (does not count), one whose
    # line was credited (does not count).
    rows += [decl(f"{i}", X, f"x{i}", D(2025, 1 + i, 1), D(2025, 2 + i, 10), 4, 26_200, **s) for i in range(8)]
    rows += [decl("late", X, "x-late", D(2025, 11, 1), D(2026, 1, 16), 4, 26_200, **s)]
    rows += [decl("cr", X, "x-cr", D(2025, 5, 1), D(2025, 6, 1), 4, 26_200, **s)]
    rows += [decl("cr", X, "x-cr", D(2025, 5, 1), D(2025, 7, 1), 4, -26_200, **s)]
    # Y: 12 clients, two lines each; band 10 %: cap 11 clients.
    rows += [
        decl(f"{i}{k}", Yp, f"y{i}", D(2025, 3 + k, 1), D(2025, 4 + k, 1), 4, 26_200, **s)
        for i in range(12)
        for k in (0, 1)
    ]
    # Z: 15 clients, the last in December arriving on the deadline day 15 Feb 2026.
    rows += [
        decl(f"{i}", Z, f"z{i}", D(2025, 1 + i % 11, 1), D(2025, 2 + i % 11, 1), 4, 26_200, **s) for i in range(14)
    ]
    rows += [decl("dec", Z, "z-dec", D(2025, 12, 1), D(2026, 2, 15), 4, 26_200, **s)]
    changes = [AgreedChange("cZ", D(2025, 7, 1), 16, decided=D(2025, 6, 20), reason="instroom boven afspraak")]
    return catalog([IB], contracts), frames.frame("declarations", rows), changes


def test_per_client_advances_settlement_band_late_line_and_mid_year_raise() -> None:
    cat, declarations, changes = per_client_case()
    lines = ledger(cat, declarations, year=2025, as_of=FAR, agreed_changes=changes)
    # X: budget 10 x 8,500 = 85,000 euro in advances of 7,083.33/.34; 8 realised -> 68,000 paid,
    # settlement -17,000.
    x_adv = [line.amount_cents for line in lines if line.contract == "cX" and line.kind == "advance"]
    assert x_adv == [708_333, 708_334, 708_333] * 4 and sum(x_adv) == 8_500_000
    x_set = next(line for line in lines if line.contract == "cX" and line.kind == "settlement")
    assert (x_set.month, x_set.amount_cents) == (D(2025, 12, 1), -1_700_000)
    assert x_set.detail["realised_clients"] == 8 and x_set.detail["settled_cents"] == 6_800_000
    assert [line.kind for line in lines if line.contract == "cX" and line.kind == "late_unpaid"] == ["late_unpaid"]
    # Y: 12 realised, cap 10 x 1.1 = 11 clients -> 93,500 paid, settlement +8,500.
    y_set = next(line for line in lines if line.contract == "cY" and line.kind == "settlement")
    assert (y_set.amount_cents, y_set.detail["cap_clients"]) == (850_000, 11)
    # Z: N = 10 Jan-Jun, 16 from July: advances 7,083.33 then 11,333.33 a month; the cap uses the
    # time-weighted N = (6 x 10 + 6 x 16) / 12 = 13 -> 110,500 euro; 15 realised -> settlement 0.
    z_adv = [line.amount_cents for line in lines if line.contract == "cZ" and line.kind == "advance"]
    assert z_adv[:6] == [708_333, 708_334, 708_333, 708_333, 708_334, 708_333]
    assert z_adv[6:] == [1_133_333, 1_133_334, 1_133_333, 1_133_333, 1_133_334, 1_133_333]
    assert sum(z_adv) == 13 * 850_000
    z_set = next(line for line in lines if line.contract == "cZ" and line.kind == "settlement")
    assert (z_set.amount_cents, z_set.detail["agreed_clients"], z_set.detail["realised_clients"]) == (0, 13, 15)
    rows = {row["provider"]: row for row in totals(lines)}
    assert rows[X]["advances_cents"] + rows[X]["settlement_cents"] == rows[X]["paid_cents"] == 6_800_000
    assert rows[Yp]["paid_cents"] == 9_350_000 and rows[Z]["paid_cents"] == 11_050_000


def test_per_client_before_the_decision_and_before_the_deadline() -> None:
    cat, declarations, changes = per_client_case()
    z = cat.contracts[2]
    # As of 15 June the raise is not decided yet: six advances at N = 10, no settlement.
    june = per_client_lines(z, declarations, year=2025, as_of=D(2025, 6, 15), agreed_changes=changes)
    assert [line.kind for line in june] == ["advance"] * 6 and amounts(june) == 4_250_000
    # Settlement waits for the deadline of the December care month (15 Feb 2026), on which
    # Z's December line arrives: with it, 15 clients; the day before, no settlement yet.
    before = per_client_lines(z, declarations, year=2025, as_of=D(2026, 2, 14), agreed_changes=changes)
    on = per_client_lines(z, declarations, year=2025, as_of=D(2026, 2, 15), agreed_changes=changes)
    assert "settlement" not in {line.kind for line in before}
    assert next(line for line in on if line.kind == "settlement").detail["realised_clients"] == 15


def test_per_client_contract_over_two_municipalities_conserves_cents() -> None:
    contract = Contract("cM", X, "WMO-IB", ("0983", "0984"), *Y25, agreed_clients=3, price_per_client=100_001)
    s = {"segment": "WMO-IB", "product": "02A01"}
    rows = [
        decl("1", X, "m1", D(2025, 1, 1), D(2025, 2, 1), 1, 1, **s),
        decl("2", X, "m2", D(2025, 1, 1), D(2025, 2, 1), 1, 1, **s),
        decl("3", X, "m3", D(2025, 1, 1), D(2025, 2, 1), 1, 1, municipality="0984", **s),
    ]
    lines = per_client_lines(
        contract, frames.frame("declarations", rows), year=2025, as_of=FAR, municipality_weights={"0983": 2, "0984": 1}
    )
    # budget 3 x 1,000.01 = 300,003 cents; advances split 2:1 each month; settled 300,003 split
    # by realised clients 2:1 = 200,002 / 100,001.
    assert amounts(lines, kind="advance") == 300_003
    assert amounts(lines, municipality="0983") == 200_002 and amounts(lines, municipality="0984") == 100_001


# --------------------------------------------------------------------------- 4. lump sum

K1, K2, K3 = "10101010", "20202020", "30303030"
SEG_A = Segment("JGD-A", "Jeugd segment A", "jeugd", "lump_sum", 1, 10, ("45",))
AMS = [Municipality("0363", "Amsterdam"), Municipality("0384", "Diemen"), Municipality("0437", "Ouder-Amstel")]
Y22 = (D(2022, 1, 1), D(2022, 12, 31))


def lump_case() -> Catalog:
    contracts = [
        Contract("k1", K1, "JGD-A", ("0363",), *Y22, lump_sum=120_000_000),
        Contract(
            "k2",
            K2,
            "JGD-A",
            ("0363", "0384"),
            *Y22,
            expected_clients=100,
            tariffs={"45A01": 1_000_000},
            savings_target=0.1,
        ),
        Contract("k3", K3, "JGD-A", ("0437",), D(2022, 7, 1), D(2022, 12, 31), lump_sum=10_000_000),
    ]
    budgets = [
        Budget("0363", "JGD-A", 2022, 300_000_000),
        Budget("0384", "JGD-A", 2022, 100_000_000),
        Budget("0437", "JGD-A", 2022, 20_000_000),
    ]
    return catalog([SEG_A], contracts, budgets, municipalities=AMS)


def test_lump_sum_instalments_year_one_formula_mid_year_start_and_municipality_split() -> None:
    cat = lump_case()
    lines = ledger(cat, frames.frame("declarations"), year=2022, as_of=FAR)
    # k1: 1.2 M euro in 12 instalments of 100,000 euro.
    assert [line.amount_cents for line in lines if line.contract == "k1"] == [10_000_000] * 12
    # k2: year-1 amount = 100 clients x 10,000 x (1 - 0.1) = 900,000 euro; 75,000 a month split
    # over Amsterdam and Diemen by their budgets 3:1 = 56,250 / 18,750.
    assert amounts(lines, contract="k2") == 90_000_000
    assert {line.amount_cents for line in lines if line.contract == "k2" and line.municipality == "0363"} == {5_625_000}
    assert {line.amount_cents for line in lines if line.contract == "k2" and line.municipality == "0384"} == {1_875_000}
    # k3 (Ouder-Amstel) starts 1 July: instalments only for July-December, pro rata 6/12 of
    # 100,000 euro = 50,000 in parts of 8,333.33/.34.
    k3 = [(line.month.month, line.amount_cents) for line in lines if line.contract == "k3"]
    assert k3 == [(7, 833_333), (8, 833_334), (9, 833_333), (10, 833_333), (11, 833_334), (12, 833_333)]
    # never settled on volume: declarations change nothing
    s = {"segment": "JGD-A", "product": "45A01", "municipality": "0363"}
    busy = frames.frame(
        "declarations", [decl(str(i), K1, f"k{i}", D(2022, 3, 1), D(2022, 4, 1), 99, 99_999, **s) for i in range(50)]
    )
    assert ledger(cat, busy, year=2022, as_of=FAR) == lines
    # as of 15 March: three instalments each
    assert len(lump_sum_lines(cat.contracts[0], year=2022, as_of=D(2022, 3, 15))) == 3


def test_lump_sum_reallocation_moves_the_annual_amount_from_its_month() -> None:
    cat = lump_case()
    move = Reallocation("JGD-A", "k1", "k2", D(2022, 10, 1), amount_cents=12_000_000, decided=D(2022, 9, 15))
    assert check_reallocation(cat, move, year=2022) == []
    lines = ledger(cat, frames.frame("declarations"), year=2022, as_of=FAR, reallocations=[move])
    # k1: 9 x 100,000 + 3 x 90,000 = 1,170,000 euro; k2: 9 x 75,000 + 3 x 85,000 = 930,000.
    assert amounts(lines, contract="k1") == 117_000_000
    assert amounts(lines, contract="k2") == 93_000_000
    # not yet decided on 1 September: nothing moves
    early = ledger(cat, frames.frame("declarations"), year=2022, as_of=D(2022, 9, 1), reallocations=[move])
    assert amounts(early, contract="k1") == 9 * 10_000_000


def test_check_reallocation_refuses_what_is_not_there() -> None:
    cat = lump_case()
    too_much = Reallocation("JGD-A", "k3", "k1", D(2022, 8, 1), amount_cents=10_000_001)
    assert check_reallocation(cat, too_much, year=2022) == ["Contract k3 heeft maar € 100.000,00 om te verschuiven."]
    clients = Reallocation("JGD-A", "k1", "k2", D(2022, 8, 1), clients=3)
    assert "Bij dit bekostigingsmodel verschuift u een bedrag, geen aantal cliënten." in check_reallocation(
        cat, clients, year=2022
    )
    before_start = Reallocation("JGD-A", "k1", "k3", D(2022, 3, 1), amount_cents=1)
    assert check_reallocation(cat, before_start, year=2022) == ["Contract k3 loopt niet in 03-2022."]


def test_check_reallocation_per_client_within_the_segment_ceiling() -> None:
    cat, _, _ = per_client_case()
    budget = Budget("0983", "WMO-IB", 2025, 25_150_000)  # planned: 80,000 + 85,000 + 85,000 = 250,000 euro
    cheap = Contract("cX", X, "WMO-IB", ("0983",), *Y25, agreed_clients=10, price_per_client=800_000)
    cat = catalog([IB], [cheap, *cat.contracts[1:]], [budget])
    # Moving 4 clients from a price of 8,000 to 8,500 euro from July adds 4 x 500 x 6/12 = 1,000 euro:
    # 251,000 within the ceiling of 251,500. From January it adds 2,000: 252,000, over it.
    ok = Reallocation("WMO-IB", "cX", "cY", D(2025, 7, 1), clients=4)
    assert check_reallocation(cat, ok, year=2025) == []
    over = Reallocation("WMO-IB", "cX", "cY", D(2025, 1, 1), clients=4)
    assert check_reallocation(cat, over, year=2025) == [
        "Na de herverdeling komt het perceel op € 252.000,00, boven het plafond van € 251.500,00."
    ]
    too_many = Reallocation("WMO-IB", "cX", "cY", D(2025, 7, 1), clients=11)
    assert check_reallocation(cat, too_many, year=2025) == [
        "Contract cX heeft in 07-2025 maar 10 afgesproken cliënten."
    ]
    lines = ledger(cat, frames.frame("declarations"), year=2025, as_of=D(2025, 12, 31), reallocations=[ok])
    # cX: 10 x 8,000 / 12 for six months, then 6 x 8,000 / 12: 40,000 + 24,000 = 64,000 euro.
    assert amounts(lines, contract="cX", kind="advance") == 6_400_000
    assert amounts(lines, contract="cY", kind="advance") == 4_250_000 + 14 * 850_000 // 2


# --------------------------------------------------------------------------- 5. population

POP = Segment(
    "WMO-POP",
    "Wmo wijkgericht",
    "wmo",
    "population",
    1,
    5,
    ("07",),
    population_weights={"youth": 1.0, "low_income": 2.0},
)


def test_population_budget_split_by_weighted_area_characteristics() -> None:
    ams = Municipality(
        "0363",
        "Amsterdam",
        ("Noord", "Zuid", "West", "Oost"),
        {
            "Noord": {"youth": 100, "low_income": 50},  # 100 + 2 x 50 = 200
            "Zuid": {"youth": 200, "low_income": 25},  # 250
            "West": {"youth": 50, "low_income": 25},  # 100
            "Oost": {"youth": 150, "low_income": 50},  # 250  (total 800)
        },
    )
    contracts = [
        Contract("l1", K1, "WMO-POP", ("0363",), *Y25, areas=("Noord",)),
        Contract("l2", K2, "WMO-POP", ("0363",), *Y25, areas=("Zuid", "West")),
        Contract("l3", K3, "WMO-POP", ("0363",), D(2025, 4, 1), D(2025, 12, 31), areas=("Oost",)),
    ]
    budget = Budget("0363", "WMO-POP", 2025, 9_000_000, reserve=1_000_000)  # B = 80,000 euro
    lines = population_lines(POP, contracts, [ams], budget, year=2025, as_of=FAR)
    # shares 200/800, 350/800, 250/800 of 80,000 = 20,000 / 35,000 / 25,000 euro a year;
    # l3 runs April-December: 9/12 of 25,000 = 18,750 (the rest stays with the municipality).
    assert amounts(lines, contract="l1") == 2_000_000
    assert amounts(lines, contract="l2") == 3_500_000
    assert amounts(lines, contract="l3") == 1_875_000
    assert [line.amount_cents for line in lines if line.contract == "l1"][:3] == [166_667, 166_666, 166_667]
    assert {line.detail["share"] for line in lines if line.contract == "l2"} == {0.4375}
    cat = catalog([POP], contracts, [budget], municipalities=[ams])
    assert ledger(cat, frames.frame("declarations"), year=2025, as_of=FAR) == sorted(
        lines, key=lambda line: (line.contract, line.month)
    )


# --------------------------------------------------------------------------- presenting and storing


def test_ledger_document_totals_and_payments_frame() -> None:
    cat, declarations, changes = per_client_case()
    lines = ledger(cat, declarations, year=2025, as_of=FAR, agreed_changes=changes)
    doc = ledger_document(lines, provider=X)
    assert set(doc) == {"lines", "totals"}
    assert {line["provider"] for line in doc["lines"]} == {X}
    assert list(doc["totals"][0])[:6] == [
        "provider",
        "segment",
        "municipality",
        "advances_cents",
        "settlement_cents",
        "paid_cents",
    ]
    assert doc["totals"][0]["late_declared_cents"] == 26_200
    assert PaymentLine.from_dict(doc["lines"][0]) == next(line for line in lines if line.provider == X)
    payments = payments_frame(lines)
    assert payments.schema == pl.Schema(frames.PAYMENTS)
    assert payments["amount_cents"].sum() == amounts(lines)
    december = payments.filter((pl.col("contract") == "cX") & (pl.col("month") == D(2025, 12, 1)))[
        "amount_cents"
    ].item()
    assert december == 708_333 - 1_700_000


def test_reconcile_books_new_lines_and_corrections_never_changes() -> None:
    cat, declarations, changes = per_client_case()
    june = ledger(cat, declarations, year=2025, as_of=D(2025, 6, 30))
    # The raise for Z from July, decided 20 June, was not passed in June; now it is, and the
    # year is complete.
    full = ledger(cat, declarations, year=2025, as_of=FAR, agreed_changes=changes)
    booked = reconcile(june, full, on=D(2026, 3, 1))
    assert all(line.kind != "correction" for line in booked)  # advances Jan-Jun did not change
    late_decision = ledger(
        cat, declarations, year=2025, as_of=FAR, agreed_changes=[AgreedChange("cZ", D(2025, 1, 1), 16)]
    )
    corrections = [line for line in reconcile(full, late_decision, on=D(2026, 4, 1)) if line.kind == "correction"]
    # Z's January-June advances rise from N = 10 to N = 16 and the settlement changes: corrections.
    assert {(line.contract, line.detail["corrects"]) for line in corrections} == {
        ("cZ", "advance"),
        ("cZ", "settlement"),
    }
    stored = full + reconcile(full, late_decision, on=D(2026, 4, 1))
    assert amounts(stored) == amounts(late_decision)
    assert reconcile(stored, late_decision, on=D(2026, 5, 1)) == []


@pytest.mark.parametrize("bad", [AgreedChange("nope", D(2025, 1, 1), 3), AgreedChange("cA", D(2025, 1, 1), 3)])
def test_agreed_change_for_a_contract_not_per_client_is_an_error(bad: AgreedChange) -> None:
    cat, declarations, _ = pxq_case()
    with pytest.raises(ValueError):
        ledger(cat, declarations, year=2025, as_of=FAR, agreed_changes=[bad])


def test_payments_by_kind_split_the_payments_frame() -> None:
    """December of a per-client contract: the advance paid and the settlement that takes
    money back, apart (a chart shows the advance as an advance, the settlement below zero)."""
    cat, declarations, changes = per_client_case()
    lines = ledger(cat, declarations, year=2025, as_of=FAR, agreed_changes=changes)
    parts = payments_by_kind(lines)
    december = {r["kind"]: r["amount_cents"] for r in parts if r["contract"] == "cX" and r["month"] == D(2025, 12, 1)}
    assert december == {"advance": 708_333, "settlement": -1_700_000}
    whole = payments_frame(lines)
    for row in whole.iter_rows(named=True):
        key = (row["contract"], row["municipality"], row["month"])
        assert (
            sum(r["amount_cents"] for r in parts if (r["contract"], r["municipality"], r["month"]) == key)
            == row["amount_cents"]
        )
