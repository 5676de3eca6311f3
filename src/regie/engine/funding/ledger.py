"""The payment ledger of a year: every contract under its segment's funding model, ceilings applied.

:func:`ledger` is the one entry point the app, the CLI and the forecast use; :func:`totals`,
:func:`payments_frame` and :func:`ledger_document` present its lines; :func:`reconcile` turns
a recomputed ledger into what must be booked on top of a stored one (a correction is a new
line, never a silent change); :func:`check_reallocation` says whether a capacity
reallocation may be approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import polars as pl

from regie.engine import frames
from regie.engine.calendar import month_start
from regie.engine.catalog import Budget, Catalog, Contract
from regie.engine.funding.base import (
    KINDS,
    AgreedChange,
    PaymentLine,
    Reallocation,
    contract_months,
    coverage,
    monthly_values,
    moves,
    sort_key,
)
from regie.engine.funding.ceilings import contract_ceiling_cuts, segment_ceiling_cuts
from regie.engine.funding.declared import _outcome, _pxq
from regie.engine.funding.fixed import annual_lump_sum, lump_sum_lines, population_lines
from regie.engine.funding.per_client import _per_client, agreement
from regie.engine.funding.positions import Declared
from regie.formatting import euro


def declaration_months(contract: Contract, contracts: Iterable[Contract], year: int) -> list[dt.date]:
    """The care months of ``year`` whose declarations count under ``contract``.

    Every month the contract runs on at least one day, except a month in which it starts
    after the 1st while another contract of the same provider and segment for one of its
    municipalities runs on the 1st: that month's declarations belong to the other one.
    """
    others = [
        c
        for c in contracts
        if c.id != contract.id
        and c.provider == contract.provider
        and c.segment == contract.segment
        and set(c.municipalities) & set(contract.municipalities)
    ]
    return [
        m
        for m in contract_months(contract, year)
        if contract.start <= m or not any(o.start <= m <= o.end for o in others)
    ]


def _check_events(
    catalog: Catalog, agreed_changes: Sequence[AgreedChange], reallocations: Sequence[Reallocation]
) -> None:
    contracts = {c.id: c for c in catalog.contracts}
    for change in agreed_changes:
        contract = contracts.get(change.contract)
        if contract is None:
            raise ValueError(f"agreed change for unknown contract {change.contract!r}")
        if catalog.segment(contract.segment).funding_model != "per_client":
            raise ValueError(f"agreed change for contract {change.contract!r}, which is not funded per client")
        if change.agreed_clients < 0:
            raise ValueError(f"agreed change for contract {change.contract!r} sets a negative number of clients")
    for r in reallocations:
        pair = [contracts.get(r.from_contract), contracts.get(r.to_contract)]
        if None in pair:
            raise ValueError(f"reallocation between unknown contracts {r.from_contract!r} and {r.to_contract!r}")
        if any(c is not None and c.segment != r.segment for c in pair):
            raise ValueError(f"reallocation {r.from_contract!r} -> {r.to_contract!r} leaves segment {r.segment!r}")
        if catalog.segment(r.segment).funding_model == "population":
            raise ValueError("a population-based segment is divided by its weights, not by reallocation")
        if r.clients < 0 or r.amount_cents < 0:
            raise ValueError("a reallocation moves a positive number of clients or cents")


def effective_ceiling(contract: Contract, reallocations: Iterable[Reallocation], as_of: dt.date) -> int:
    """The contract's ceiling for the year after known reallocations (price x volume, outcome)."""
    return contract.ceiling + int(sum(q for _, q in moves(reallocations, contract.id, as_of)))


def municipality_weights(catalog: Catalog, contract: Contract, year: int) -> dict[str, int]:
    """How a contract's advances and instalments are split over its municipalities: by the
    municipalities' budgets for the contract's segment in ``year`` (equal when none has one)."""
    budgets = {(b.municipality, b.segment, b.year): b.amount for b in catalog.budgets}
    return {m: budgets.get((m, contract.segment, year), 0) for m in contract.municipalities}


def ledger(
    catalog: Catalog,
    declarations: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date,
    agreed_changes: Sequence[AgreedChange] = (),
    reallocations: Sequence[Reallocation] = (),
    allocations: pl.DataFrame | None = None,
    provisional: bool = False,
) -> list[PaymentLine]:
    """Every payment line for the care of ``year``, as known on ``as_of``.

    Each contract active in the year is computed under its segment's funding model
    (:func:`~regie.engine.funding.pxq_lines`, :func:`~regie.engine.funding.outcome_lines`,
    :func:`~regie.engine.funding.per_client_lines`, :func:`~regie.engine.funding.lump_sum_lines`,
    :func:`~regie.engine.funding.population_lines` per municipality budget), using only
    declarations that arrived by ``as_of`` and decisions (approved requests, reallocations)
    taken by then. Then contract ceilings, then segment ceilings (budget minus reserve per
    municipality x segment) cut what would pass them (:mod:`~regie.engine.funding.ceilings`).

    ``provisional=True`` settles every per-client contract already on the clients counted
    by ``as_of`` (a settlement line before the settlement date): the lines then add up to
    what the funding rules make due for the care reported so far, the advances beside it
    (the forecast's ``realised``; domain.md section 12). By default a per-client contract
    has only its advances until its settlement date.

    The result does not depend on the row order of ``declarations`` or on the order in which
    in-time messages arrived: everything is sorted by stable keys and caps are filled in
    care-month order. Lines come sorted by contract, municipality, month, kind.
    """
    _check_events(catalog, agreed_changes, reallocations)
    declared = Declared.of(declarations, year=year, as_of=as_of, allocations=allocations)
    active = sorted((c for c in catalog.contracts if c.active_in(year)), key=lambda c: c.id)
    lines: list[PaymentLine] = []
    for contract in active:
        model = catalog.segment(contract.segment).funding_model
        months = declaration_months(contract, active, year)
        if model == "pxq":
            lines += _pxq(contract, declared, months)
        elif model == "outcome":
            lines += _outcome(contract, declared, months)
        elif model == "per_client":
            lines += _per_client(
                contract,
                declared,
                agreed_changes=agreed_changes,
                reallocations=reallocations,
                municipality_weights=municipality_weights(catalog, contract, year),
                months=months,
                provisional=provisional,
            )
        elif model == "lump_sum":
            lines += lump_sum_lines(
                contract,
                year=year,
                as_of=as_of,
                reallocations=reallocations,
                municipality_weights=municipality_weights(catalog, contract, year),
            )
    budgets = sorted((b for b in catalog.budgets if b.year == year), key=lambda b: (b.segment, b.municipality))
    for budget in budgets:
        segment = catalog.segment(budget.segment)
        if segment.funding_model == "population":
            lines += population_lines(segment, active, catalog.municipalities, budget, year=year, as_of=as_of)

    cuts: list[PaymentLine] = []
    for contract in active:
        cuts += contract_ceiling_cuts(contract, lines, effective_ceiling(contract, reallocations, as_of))
    lines += cuts
    by_id = {c.id: c for c in active}
    cuts = []
    for budget in budgets:
        cuts += segment_ceiling_cuts(budget, by_id, lines)
    lines += cuts
    return sorted(lines, key=sort_key)


# --------------------------------------------------------------------------- presenting


_TOTAL_KINDS = {
    "advance": "advances_cents",
    "settlement": "settlement_cents",
    "instalment": "instalments_cents",
    "declaration": "declarations_cents",
    "ceiling_cut": "ceiling_cut_cents",
    "correction": "corrections_cents",
}


def totals(lines: Iterable[PaymentLine]) -> list[dict[str, Any]]:
    """Per provider, segment and municipality: what was advanced, settled and finally paid.

    ``paid_cents`` is the sum of all lines: what the provider is finally entitled to after
    settlement, ceilings and the deadline rule. The JSON contract's keys (provider, segment,
    municipality, advances_cents, settlement_cents, paid_cents) come first; the others break
    ``paid_cents`` down further: instalments, declarations, ceiling cuts, corrections, and
    what late declarations claimed (``late_declared_cents``, not paid).
    """
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for line in lines:
        key = (line.provider, line.segment, line.municipality)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {
                "provider": line.provider,
                "segment": line.segment,
                "municipality": line.municipality,
                "advances_cents": 0,
                "settlement_cents": 0,
                "paid_cents": 0,
                **{name: 0 for kind, name in _TOTAL_KINDS.items() if kind not in ("advance", "settlement")},
                "late_declared_cents": 0,
            }
        row["paid_cents"] += line.amount_cents
        if line.kind in _TOTAL_KINDS:
            row[_TOTAL_KINDS[line.kind]] += line.amount_cents
        if line.kind == "late_unpaid":
            row["late_declared_cents"] += int(line.detail.get("declared_cents", 0))
    return [rows[k] for k in sorted(rows)]


def ledger_document(lines: Sequence[PaymentLine], provider: str | None = None) -> dict[str, Any]:
    """The JSON document of ``regie funding ledger --json``: ``{"lines": [...], "totals": [...]}``,
    restricted to one provider (AGB code) when ``provider`` is given."""
    chosen = [line for line in lines if provider is None or line.provider == provider]
    return {"lines": [line.as_dict() for line in chosen], "totals": totals(chosen)}


def payments_frame(lines: Iterable[PaymentLine]) -> pl.DataFrame:
    """What is due per contract x municipality x month (frame ``payments`` of :mod:`regie.engine.frames`).

    The sum of all lines of a contract, municipality and month (advances and instalments in
    their month, declarations and cuts in their care month, a settlement in the contract's
    last month of the year). Indicators use it for cost per client, the forecast for what
    is realised.
    """
    sums: dict[tuple[str, str, str, str, dt.date], int] = {}
    for line in lines:
        key = (line.contract, line.provider, line.segment, line.municipality, line.month)
        sums[key] = sums.get(key, 0) + line.amount_cents
    rows = [
        {"contract": c, "provider": p, "segment": s, "municipality": m, "month": month, "amount_cents": amount}
        for (c, p, s, m, month), amount in sorted(sums.items())
    ]
    return frames.frame("payments", rows)


def payments_by_kind(lines: Iterable[PaymentLine]) -> list[dict[str, Any]]:
    """What is due per contract x municipality x month, split by the kind of line: the rows of
    :func:`payments_frame` with a ``kind`` (advance, instalment, declaration, settlement,
    ceiling_cut, correction; kinds that pay nothing and zero sums are left out). The amounts of
    one contract, municipality and month add up to its ``payments_frame`` amount, so a page can
    show advances as advances and a settlement that takes money back as negative.

    >>> d = dt.date(2025, 12, 1)
    >>> lines = [PaymentLine("c", "p", "s", "m", d, "advance", "per_client.advance", 500),
    ...          PaymentLine("c", "p", "s", "m", d, "settlement", "per_client.settlement", -200)]
    >>> [(r["kind"], r["amount_cents"]) for r in payments_by_kind(lines)]
    [('advance', 500), ('settlement', -200)]
    """
    sums: dict[tuple[str, str, str, str, dt.date, int], int] = {}
    order = {kind: i for i, kind in enumerate(KINDS)}
    for line in lines:
        key = (line.contract, line.provider, line.segment, line.municipality, line.month, order[line.kind])
        sums[key] = sums.get(key, 0) + line.amount_cents
    return [
        {"contract": c, "provider": p, "segment": s, "municipality": m, "month": month, "kind": KINDS[k],
         "amount_cents": amount}
        for (c, p, s, m, month, k), amount in sorted(sums.items())
        if amount != 0
    ]  # fmt: skip


def reconcile(stored: Iterable[PaymentLine], current: Iterable[PaymentLine], *, on: dt.date) -> list[PaymentLine]:
    """What to book on top of ``stored`` lines so they add up to the recomputed ``current`` ones.

    Lines are matched on :attr:`PaymentLine.key` (a stored correction counts for the line it
    corrects). A line of ``current`` whose key is not stored is booked as it is (new care,
    a new advance, a late line). A key whose stored amounts sum to another amount than now
    gets a ``correction`` line for the difference, booked ``on`` (in its detail), in the
    month of the line it corrects. Stored lines are never changed, so after booking, the
    stored ledger per key sums to the recomputed one.
    """
    before: dict[tuple[Any, ...], int] = {}
    for line in stored:
        before[line.key] = before.get(line.key, 0) + line.amount_cents
    now: dict[tuple[Any, ...], list[PaymentLine]] = {}
    for line in current:
        now.setdefault(line.key, []).append(line)
    out: list[PaymentLine] = []
    for key in sorted(set(before) | set(now)):
        if key not in before:
            out += now[key]
            continue
        amount = sum(line.amount_cents for line in now.get(key, []))
        if amount == before[key]:
            continue
        contract, provider, segment, municipality, month, kind, rule, ref = key
        detail = {"corrects": kind, "was_cents": before[key], "now_cents": amount, "booked_on": on.isoformat()}
        out.append(
            PaymentLine(
                contract, provider, segment, municipality, month, "correction", rule, amount - before[key], ref, detail
            )
        )
    return out


# --------------------------------------------------------------------------- reallocation


def _annual_at(contract: Contract, month: dt.date, reallocations: Sequence[Reallocation]) -> Fraction:
    """A lump-sum contract's annual amount in ``month`` after the given reallocations."""
    adds = moves(reallocations, contract.id, None)
    return monthly_values(Fraction(annual_lump_sum(contract)), [month], adds=adds)[0]


def _planned(
    catalog: Catalog,
    contract: Contract,
    year: int,
    as_of: dt.date,
    agreed_changes: Sequence[AgreedChange],
    reallocations: Sequence[Reallocation],
) -> int:
    """What a contract is planned to cost in the year: per-client budget, lump sum, or ceiling."""
    model = catalog.segment(contract.segment).funding_model
    if model == "per_client":
        return agreement(
            contract, year=year, as_of=as_of, agreed_changes=agreed_changes, reallocations=reallocations
        ).budget
    if model == "lump_sum":
        return sum(
            line.amount_cents
            for line in lump_sum_lines(contract, year=year, as_of=dt.date.max, reallocations=reallocations)
        )
    return effective_ceiling(contract, reallocations, as_of)


def check_reallocation(
    catalog: Catalog,
    reallocation: Reallocation,
    *,
    year: int,
    agreed_changes: Sequence[AgreedChange] = (),
    reallocations: Sequence[Reallocation] = (),
) -> list[str]:
    """Why a capacity reallocation may not be approved (empty: it may), in Dutch for the user.

    Rules: both contracts exist, differ, belong to the segment and run in the month; the
    segment is not population-based; per-client contracts move clients, the others cents;
    the giving contract has that much capacity left in the month (agreed clients, annual
    lump sum, or ceiling: a contract without a ceiling has no capacity to give); and the
    segment's planned total for the year stays within its ceiling (the budgets of the
    municipalities the segment's contracts serve, minus reserves). ``reallocations`` are the
    ones approved before; the check is "as of" the end of the year.
    """
    errors: list[str] = []
    contracts = {c.id: c for c in catalog.contracts}
    giver, taker = contracts.get(reallocation.from_contract), contracts.get(reallocation.to_contract)
    if giver is None or taker is None:
        return ["Onbekend contract."]
    if giver.id == taker.id:
        return ["Herverdelen kan alleen tussen twee verschillende contracten."]
    if giver.segment != reallocation.segment or taker.segment != reallocation.segment:
        return [f"Beide contracten moeten tot perceel {reallocation.segment} behoren."]
    model = catalog.segment(reallocation.segment).funding_model
    if model == "population":
        return ["Een populatiebudget wordt verdeeld naar populatiekenmerken, niet door herverdeling."]
    month = month_start(reallocation.month)
    if month.year != year:
        errors.append(f"De maand van de herverdeling ligt niet in {year}.")
    for c in (giver, taker):
        if coverage(c, month) == 0:
            errors.append(f"Contract {c.id} loopt niet in {month:%m-%Y}.")
    as_of = dt.date(year, 12, 31)
    before = [r for r in reallocations if r != reallocation]
    if model == "per_client":
        if reallocation.clients <= 0 or reallocation.amount_cents:
            errors.append("Bij prijs per cliënt verschuift u een aantal cliënten, geen bedrag.")
        deal = agreement(giver, year=year, as_of=as_of, agreed_changes=agreed_changes, reallocations=before)
        left = deal.clients[month.month - 1]
        if reallocation.clients > left:
            errors.append(f"Contract {giver.id} heeft in {month:%m-%Y} maar {int(left)} afgesproken cliënten.")
    else:
        if reallocation.amount_cents <= 0 or reallocation.clients:
            errors.append("Bij dit bekostigingsmodel verschuift u een bedrag, geen aantal cliënten.")
        if model == "lump_sum":
            left = _annual_at(giver, month, before)
        else:
            if giver.ceiling <= 0 or taker.ceiling <= 0:
                errors.append("Beide contracten moeten een plafond hebben om capaciteit te verschuiven.")
            left = Fraction(effective_ceiling(giver, before, as_of))
        if reallocation.amount_cents > left:
            errors.append(f"Contract {giver.id} heeft maar {euro(int(left), 'cents')} om te verschuiven.")
    if errors:
        return errors
    serving = sorted(
        {
            m
            for c in catalog.contracts
            if c.segment == reallocation.segment and c.active_in(year)
            for m in c.municipalities
        }
    )
    budgets: list[Budget] = [
        b for b in catalog.budgets if b.segment == reallocation.segment and b.year == year and b.municipality in serving
    ]
    if budgets:
        ceiling = sum(b.amount - b.reserve for b in budgets)
        segment_contracts = [c for c in catalog.contracts if c.segment == reallocation.segment and c.active_in(year)]
        planned_before = sum(_planned(catalog, c, year, as_of, agreed_changes, before) for c in segment_contracts)
        after = [*before, reallocation]
        planned_after = sum(_planned(catalog, c, year, as_of, agreed_changes, after) for c in segment_contracts)
        if planned_after > planned_before and planned_after > ceiling:
            errors.append(
                f"Na de herverdeling komt het perceel op {euro(planned_after, 'cents')}, boven het plafond van {euro(ceiling, 'cents')}."
            )
    return errors


__all__ = [
    "check_reallocation",
    "declaration_months",
    "effective_ceiling",
    "ledger",
    "ledger_document",
    "municipality_weights",
    "payments_frame",
    "reconcile",
    "totals",
]
