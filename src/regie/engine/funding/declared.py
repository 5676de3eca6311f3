"""The models paid line by line on declarations: price x volume (1) and outcome (2).

Both walk the contract's declared positions (:mod:`regie.engine.funding.positions`) in care
month order (then line id), never in arrival order, so which lines a cap cuts does not
depend on when they arrived. Positions of earlier years for the same allocation are walked
first, without lines, so a cap that spans years (an allocation's total volume, an
arrangement's tariff) counts what was declared before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import polars as pl

from regie.engine.calendar import month_end, month_start, next_month
from regie.engine.catalog import Contract
from regie.engine.funding.base import PaymentLine, spread
from regie.engine.funding.positions import Declared, Position

#: Unit code 83 (euro's): the declared volume is itself the amount in cents (iJw/iWmo IV042).
EUROS = "83"


def tariff_for(contract: Contract, position: Position) -> int | None:
    """The contract's tariff for a declared product: by product code, else by category."""
    if position.product_code is not None and position.product_code in contract.tariffs:
        return contract.tariffs[position.product_code]
    return contract.tariffs.get(position.product_category)


def _line(contract: Contract, p: Position, kind: str, rule: str, amount: int, detail: dict[str, Any]) -> PaymentLine:
    return PaymentLine.of(contract, p.municipality, p.care_month, kind, rule, amount, p.line_id, detail)


def late_line(contract: Contract, p: Position, model: str) -> PaymentLine:
    """A declaration that arrived after the deadline: stored and shown, amount 0, never paid.

    "Niet tijdig declareren betekent: geen geld" (domain.md section 4). The detail keeps the
    declared amount, the arrival and the deadline.
    """
    deadline = contract.deadline_for(p.care_month)
    return _line(
        contract,
        p,
        "late_unpaid",
        f"{model}.late",
        0,
        {
            "declared_cents": p.amount_cents,
            "volume": p.volume,
            "arrival": p.arrival.isoformat(),
            "deadline": deadline.isoformat() if deadline else None,
        },
    )


def unpriced_line(contract: Contract, p: Position, model: str) -> PaymentLine:
    """A declaration of a product the contract has no tariff for: shown, amount 0."""
    return _line(
        contract,
        p,
        "unpriced",
        f"{model}.unpriced",
        0,
        {"declared_cents": p.amount_cents, "product_code": p.product_code, "product_category": p.product_category},
    )


# --------------------------------------------------------------------------- allocated volume


def iso_weeks(first: dt.date, last: dt.date) -> int:
    """The number of calendar weeks (ISO weeks) that days first..last touch (0 when empty).

    >>> iso_weeks(dt.date(2025, 10, 7), dt.date(2025, 12, 30))  # IV077: week 41 .. week 1
    13
    """
    if last < first:
        return 0
    monday_first = first - dt.timedelta(days=first.weekday())
    monday_last = last - dt.timedelta(days=last.weekday())
    return (monday_last - monday_first).days // 7 + 1


def volume_limits(allocation: Mapping[str, Any], care_month: dt.date) -> tuple[int | None, int | None]:
    """The most volume an allocation allows in ``care_month`` and in its whole validity.

    After the iJw/iWmo rules (IV077 for a week): frequency 1 (per day) allows volume x the
    allocation's days in the month; 2 (per week) volume x the calendar weeks the month's
    allocated days touch (Wmo category 01: 6 x volume), and in total volume x the calendar
    weeks of the whole validity; 4 (per month) volume in each month; 6 (in total) volume
    over the whole validity. ``None`` means no limit of that kind. A month outside the
    allocation's validity allows nothing.

    >>> a = {"volume": 3, "frequency": "2", "begin": dt.date(2025, 10, 7), "end": dt.date(2025, 12, 30),
    ...      "product_category": "45"}
    >>> [volume_limits(a, dt.date(2025, m, 1)) for m in (10, 11, 12)]
    [(12, 39), (15, 39), (15, 39)]
    """
    volume = int(allocation["volume"])
    begin: dt.date = allocation["begin"]
    end: dt.date | None = allocation["end"]
    first = max(month_start(care_month), begin)
    last = month_end(care_month) if end is None else min(month_end(care_month), end)
    frequency = str(allocation["frequency"])
    if last < first:
        return 0, None
    if frequency == "1":
        return volume * ((last - first).days + 1), None
    if frequency == "2":
        per_month = 6 * volume if allocation.get("product_category") == "01" else volume * iso_weeks(first, last)
        return per_month, None if end is None else volume * iso_weeks(begin, end)
    if frequency == "4":
        return volume, None
    if frequency == "6":
        return None, volume
    return None, None


class _VolumeBook:
    """What has been paid of each allocation's volume, per month and in total."""

    def __init__(self, allocations: Mapping[str, Mapping[str, Any]]) -> None:
        self.allocations = allocations
        self.month: dict[tuple[str, dt.date], int] = {}
        self.total: dict[str, int] = {}

    def take(self, p: Position, wanted: int) -> tuple[int, dict[str, Any]]:
        """How much of ``wanted`` units may be paid for ``p``; book it."""
        allocation = self.allocations.get(p.allocation_number or "")
        if allocation is None or wanted <= 0 or (allocation["unit"] not in (None, p.unit)):
            return wanted, {}
        month_limit, total_limit = volume_limits(allocation, p.care_month)
        key = (str(p.allocation_number), p.care_month)
        allowed = wanted
        if month_limit is not None:
            allowed = min(allowed, max(month_limit - self.month.get(key, 0), 0))
        if total_limit is not None:
            allowed = min(allowed, max(total_limit - self.total.get(key[0], 0), 0))
        self.month[key] = self.month.get(key, 0) + allowed
        self.total[key[0]] = self.total.get(key[0], 0) + allowed
        info: dict[str, Any] = {"allocated_volume": int(allocation["volume"]), "frequency": allocation["frequency"]}
        if month_limit is not None:
            info["month_limit"] = month_limit
        if total_limit is not None:
            info["total_limit"] = total_limit
        return allowed, info


# --------------------------------------------------------------------------- model 1: price x volume


def pxq_lines(
    contract: Contract,
    declarations: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date,
    allocations: pl.DataFrame | None = None,
) -> list[PaymentLine]:
    """Price x volume (inspanningsgericht, PxQ): payment = delivered units x tariff per unit.

    Each accepted declared position of the contract for a care month of ``year`` that had
    arrived by ``as_of`` pays its net delivered volume x the contract's tariff for the
    product (by product code, else category; unit 83 = euros: the volume is the amount).

    - never more than the allocated volume: with an ``allocations`` frame
      (:data:`~regie.engine.funding.base.ALLOCATIONS`), the paid volume is cut to what the
      allocation still allows in the care month and in total (:func:`volume_limits`), in
      care-month order; without it, ingest's rejection of lines above the allocated volume
      (retour codes 9321/9322) does the job;
    - a claim that arrived after the contract's deadline is a ``late_unpaid`` line of 0;
    - a product without a tariff is an ``unpriced`` line of 0;
    - a credited position nets to what remains (a fully credited line pays nothing);
    - the contract ceiling is applied by :func:`regie.engine.funding.ledger`.

    Lines: kind ``declaration``, rule ``pxq.declaration``, one per position, month = care
    month, ref = line id.
    """
    return _pxq(contract, Declared.of(declarations, year=year, as_of=as_of, allocations=allocations))


def _pxq(contract: Contract, declared: Declared, months: Sequence[dt.date] | None = None) -> list[PaymentLine]:
    book = _VolumeBook(declared.allocations)
    if declared.allocations:
        for p in declared.history(contract):
            if p.stands and not p.late(contract) and p.volume > 0:
                book.take(p, p.volume)
    out: list[PaymentLine] = []
    for p in declared.select(contract, months):
        if not p.stands and p.volume == 0 and p.amount_cents == 0:
            continue
        if p.late(contract):
            out.append(late_line(contract, p, "pxq"))
            continue
        tariff = 1 if p.unit == EUROS else tariff_for(contract, p)
        if tariff is None:
            out.append(unpriced_line(contract, p, "pxq"))
            continue
        paid_volume, info = book.take(p, p.volume)
        detail: dict[str, Any] = {
            "volume": p.volume,
            "paid_volume": paid_volume,
            "unit": p.unit,
            "tariff_cents": tariff,
            "declared_cents": p.amount_cents,
            "allocation_number": p.allocation_number,
            **info,
        }
        out.append(_line(contract, p, "declaration", "pxq.declaration", paid_volume * tariff, detail))
    return out


# --------------------------------------------------------------------------- model 2: outcome


def arrangement_months(begin: dt.date, end: dt.date) -> list[dt.date]:
    """The calendar months an allocation's validity begin..end touches."""
    out, month = [], month_start(begin)
    while month <= end:
        out.append(month)
        month = next_month(month)
    return out


def outcome_lines(
    contract: Contract,
    declarations: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date,
    allocations: pl.DataFrame | None = None,
) -> list[PaymentLine]:
    """Outcome / arrangement (outputgericht, resultaatgericht; Amsterdam's SPIC).

    A fixed tariff per arrangement (the contract's tariff for the allocated product) for the
    whole trajectory, whatever the hours. An arrangement is an allocation number (a
    position without one is its own arrangement, keyed by client and product).

    - ``instalments = "monthly"`` (default): declared in monthly instalments over the
      allocation's validity. With the allocation's begin and end known (``allocations``
      frame), instalment k is the tariff spread over the validity's calendar months in whole
      cents (:func:`~regie.engine.funding.base.spread`), paid once per care month, nothing for
      a month outside the validity. Without them, the declared amount is paid. Either way
      the arrangement never pays more than its tariff in total, over all years.
    - ``instalments = "at_once"``: the whole tariff is paid on the arrangement's first
      declared position; later positions pay 0.
    - late claims are ``late_unpaid`` lines of 0; products without a tariff ``unpriced``.

    Lines: kind ``declaration``, rule ``outcome.instalment`` or ``outcome.at_once``.
    """
    return _outcome(contract, Declared.of(declarations, year=year, as_of=as_of, allocations=allocations))


def _outcome(contract: Contract, declared: Declared, months: Sequence[dt.date] | None = None) -> list[PaymentLine]:
    at_once = contract.instalments == "at_once"
    rule = "outcome.at_once" if at_once else "outcome.instalment"
    paid_total: dict[str, int] = {}
    paid_month: dict[tuple[str, dt.date], int] = {}

    def due(p: Position, tariff: int) -> tuple[int, dict[str, Any]]:
        key = p.allocation_number or f"{p.client}|{p.product_code or p.product_category}"
        remaining = tariff - paid_total.get(key, 0)
        detail: dict[str, Any] = {
            "tariff_cents": tariff,
            "declared_cents": p.amount_cents,
            "allocation_number": p.allocation_number,
        }
        if p.amount_cents < 0:  # a credit without its debit: recover it, never below nothing paid
            amount = max(p.amount_cents, -paid_total.get(key, 0))
        elif at_once:
            amount = max(remaining, 0)
        else:
            allocation = declared.allocations.get(p.allocation_number or "")
            if allocation is not None and allocation["end"] is not None:
                schedule = arrangement_months(allocation["begin"], allocation["end"])
                parts = spread([Fraction(tariff, len(schedule))] * len(schedule))
                index = schedule.index(p.care_month) if p.care_month in schedule else None
                instalment = parts[index] if index is not None else 0
                detail.update({"instalments": len(schedule), "instalment": None if index is None else index + 1})
                amount = instalment - paid_month.get((key, p.care_month), 0)
            else:
                amount = p.amount_cents
            amount = max(min(amount, remaining), 0)
        paid_total[key] = paid_total.get(key, 0) + amount
        paid_month[(key, p.care_month)] = paid_month.get((key, p.care_month), 0) + amount
        detail["paid_before_cents"] = paid_total[key] - amount
        return amount, detail

    def walk(items: Iterable[Position], emit: bool) -> list[PaymentLine]:
        out: list[PaymentLine] = []
        for p in items:
            if not p.stands and p.amount_cents == 0:
                continue
            if p.late(contract):
                if emit:
                    out.append(late_line(contract, p, "outcome"))
                continue
            tariff = tariff_for(contract, p)
            if tariff is None:
                if emit:
                    out.append(unpriced_line(contract, p, "outcome"))
                continue
            amount, detail = due(p, tariff)
            if emit:
                out.append(_line(contract, p, "declaration", rule, amount, detail))
        return out

    walk(declared.history(contract), emit=False)
    return walk(declared.select(contract, months), emit=True)
