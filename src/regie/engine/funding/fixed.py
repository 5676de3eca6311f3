"""The models paid in fixed monthly instalments: task-based lump sum (4) and population (5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from regie.engine.catalog import Budget, Contract, Municipality, Segment
from regie.engine.funding.base import (
    PaymentLine,
    Reallocation,
    as_fraction,
    coverage,
    monthly_values,
    moves,
    round_half_up,
    split,
    spread,
    year_months,
)


def annual_lump_sum(contract: Contract) -> int:
    """The contract's lump sum per year in cents.

    The contract's ``lump_sum`` when set; otherwise (year 1 of a task-based contract,
    domain.md section 4, model 4) expected clients x tariff x (1 - savings target), where the
    tariff is the contract's tariff per client (the mean of its tariffs if it has several).

    >>> c = Contract("c", "12345678", "A", ("0363",), dt.date(2021, 1, 1), dt.date(2021, 12, 31),
    ...              expected_clients=400, tariffs={"45A01": 1_250_000}, savings_target=0.1)
    >>> annual_lump_sum(c)
    450000000
    """
    if contract.lump_sum > 0:
        return contract.lump_sum
    if not contract.tariffs:
        return 0
    tariff = Fraction(sum(contract.tariffs.values()), len(contract.tariffs))
    return round_half_up(contract.expected_clients * tariff * (1 - as_fraction(contract.savings_target)))


def _instalment_lines(
    contract: Contract,
    annual: Sequence[Fraction],
    weights: Mapping[str, int | Fraction],
    *,
    year: int,
    as_of: dt.date,
    rule: str,
    detail: Mapping[str, Any],
) -> list[PaymentLine]:
    """Monthly instalments A(m) x cover(m) / 12 in whole cents (running total rounded), each
    split over the municipalities by ``weights`` (cents conserved)."""
    out: list[PaymentLine] = []
    months = year_months(year)
    cover = [coverage(contract, m) for m in months]
    parts = [a * c / 12 for a, c in zip(annual, cover, strict=True)]
    for month, cents, c, a in zip(months, spread(parts), cover, annual, strict=True):
        if c == 0 or month > as_of:
            continue
        for municipality, share in split(cents, weights).items():
            info = {**detail, "annual_cents": _num(a), "cover": _num(c)}
            if len(weights) > 1:
                info["contract_instalment_cents"] = cents
            out.append(PaymentLine.of(contract, municipality, month, "instalment", rule, share, "", info))
    return out


def lump_sum_lines(
    contract: Contract,
    *,
    year: int,
    as_of: dt.date,
    reallocations: Iterable[Reallocation] = (),
    municipality_weights: Mapping[str, int] | None = None,
) -> list[PaymentLine]:
    """Task-based lump sum (taakgericht): a fixed annual amount in 12 equal monthly instalments.

    The annual amount is :func:`annual_lump_sum`; each month is due on its first day and
    pays A / 12, the running total rounded so twelve instalments sum exactly to A. It is
    never settled on volume: declarations play no part ("de lumpsum is hard").

    - A contract running part of the year (the DUO municipalities, whose contracts start a
      year after Amsterdam's, or a contract starting on the 1st of July) gets instalments
      only for its months: **pro rata by days**, each month weighted by the share of its days
      the contract runs, so a contract from 1 July is paid 6/12 of A.
    - A reallocation moves ``amount_cents`` of the annual amount from one contract to another
      from its month on (the instalments from that month on follow).
    - Several municipalities: each instalment is split over them by ``municipality_weights``
      (the ledger passes their budgets for the segment; equal when absent), cents conserved.
    """
    base = annual_lump_sum(contract)
    adds = moves(reallocations, contract.id, as_of)
    months = year_months(year)
    annual = monthly_values(Fraction(base), months, adds=adds)
    weights = {m: (municipality_weights or {}).get(m, 0) for m in contract.municipalities}
    detail: dict[str, Any] = {"lump_sum_cents": base}
    if contract.lump_sum == 0:
        detail.update({"expected_clients": contract.expected_clients, "savings_target": contract.savings_target})
    return _instalment_lines(
        contract, annual, weights, year=year, as_of=as_of, rule="lump_sum.instalment", detail=detail
    )


def area_scores(segment: Segment, municipality: Municipality) -> dict[str, Fraction]:
    """sum_k w_k x_ak for each area a of the municipality with population figures."""
    weights = {k: as_fraction(w) for k, w in segment.population_weights.items()}
    return {
        area: sum((w * as_fraction(float(values.get(k, 0))) for k, w in weights.items()), Fraction(0))
        for area, values in sorted(municipality.population.items())
    }


def population_shares(
    segment: Segment, contracts: Sequence[Contract], municipality: Municipality, amount: int
) -> dict[str, int]:
    """A budget of ``amount`` cents split over the contracts by the population of their areas.

    share_a = sum_k w_k x_ak / sum_a sum_k w_k x_ak over all areas of the municipality with
    population figures; a contract gets the shares of its areas (an area two contracts name
    is shared equally between them). The share of an area no contract names is not paid: it
    stays with the municipality (key ``""`` of the result). Cents are conserved.
    """
    scores = area_scores(segment, municipality)
    weights: dict[str, Fraction] = {c.id: Fraction(0) for c in contracts}
    weights[""] = Fraction(0)
    for area, score in scores.items():
        holders = [c.id for c in contracts if area in c.areas]
        for holder in holders:
            weights[holder] += score / len(holders)
        if not holders:
            weights[""] += score
    if sum(weights.values()) == 0:
        return {**dict.fromkeys((c.id for c in contracts), 0), "": amount}
    return split(amount, weights)


def population_lines(
    segment: Segment,
    contracts: Sequence[Contract],
    municipalities: Sequence[Municipality],
    budget: Budget,
    *,
    year: int,
    as_of: dt.date,
) -> list[PaymentLine]:
    """Population-based funding (populatiebekostiging): a budget split by population weights.

    B = the municipality x segment budget of the year minus its reserve. Each contract of
    the segment for that municipality gets B x (sum of share_a over its areas), where
    share_a = sum_k w_k x_ak / sum_a sum_k w_k x_ak (weights w_k of the segment,
    characteristics x_ak of the municipality's areas; :func:`population_shares`). Its amount
    is paid in 12 monthly instalments like a lump sum (pro rata by days for a contract
    running part of the year); the consortium divides it itself.
    """
    municipality = next(m for m in municipalities if m.code == budget.municipality)
    mine = sorted(
        (
            c
            for c in contracts
            if c.segment == segment.code and budget.municipality in c.municipalities and c.active_in(year)
        ),
        key=lambda c: c.id,
    )
    amount = budget.amount - budget.reserve
    shares = population_shares(segment, mine, municipality, amount)
    out: list[PaymentLine] = []
    for contract in mine:
        annual = [Fraction(shares[contract.id])] * 12
        detail = {
            "budget_cents": budget.amount,
            "reserve_cents": budget.reserve,
            "share": _num(Fraction(shares[contract.id], amount or 1)),
        }
        out += _instalment_lines(
            contract,
            annual,
            {budget.municipality: 1},
            year=year,
            as_of=as_of,
            rule="population.instalment",
            detail=detail,
        )
    return out


def _num(x: Fraction) -> int | float:
    return int(x) if x.denominator == 1 else float(x)
