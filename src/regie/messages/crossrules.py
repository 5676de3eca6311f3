"""Rules that need more than one message, as pure functions over the model.

:func:`regie.messages.read` checks one message on its own. Whether a declaration line fits
its allocation, whether a start refers to a known allocation, or whether a reference number
was used before, needs the allocations and earlier messages, which the ingest pipeline (with
its database) has. It calls these functions; each returns faults with the standard's retour
code, the record named as :func:`read` names it. A path, when given, is copied into the
faults (use the path of the record in its message).

>>> import datetime as dt
>>> from regie.messages.model import Amount, Extent, Performance, Period, Product, AllocatedProduct
>>> allocation = AllocatedProduct("100001", dt.date(2025, 1, 2), dt.time(9), dt.date(2025, 3, 1),
...     Product("45", "45A03"), dt.date(2025, 12, 31), extent=Extent(4, "04", "2"))
>>> line = Performance("R1", "100001", "45", "45A03", Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
...     16, "04", Amount(104800), tariff=6550)
>>> check_against_allocation(line, allocation)
[]
>>> [f.code for f in check_against_allocation(line, None)]
['9338']
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Container, Iterable
from fractions import Fraction

from regie.messages.codes import CHANGE_REASON_DELETED, describe
from regie.messages.faults import Fault
from regie.messages.model import AllocatedProduct, Extent, Performance, Period, StartProduct, StopProduct

HOUR, MINUTE = "04", "01"


def _fault(code: str, path: str, record: str | None, detail: str = "") -> Fault:
    reason = describe(code) + (f" {detail}" if detail else "")
    return Fault(path, code, reason, record)


def units_fit(declared: str, allocated: str) -> bool:
    """TR341: the declared unit fits the allocated unit: equal, or minutes under an hourly allocation.

    >>> units_fit("01", "04"), units_fit("04", "01"), units_fit("14", "14")
    (True, False, True)
    """
    return declared == allocated or (declared == MINUTE and allocated == HOUR)


def _weeks_touched(begin: dt.date, end: dt.date) -> int:
    first = begin - dt.timedelta(days=begin.weekday())
    last = end - dt.timedelta(days=end.weekday())
    return (last - first).days // 7 + 1


def _months_touched(begin: dt.date, end: dt.date) -> int:
    return (end.year - begin.year) * 12 + end.month - begin.month + 1


def allocated_volume(extent: Extent, begin: dt.date, end: dt.date) -> int:
    """TR321: the most an allocation's Omvang allows within ``[begin, end]`` (inclusive), in its unit.

    Frequentie 1 (per dag): volume x days; 2 (per week): volume x the calendar weeks (Monday to
    Sunday) the period touches; 4 (per maand): volume x the calendar months it touches;
    6 (totaal binnen geldigheidsduur): the volume itself, whatever the period.

    >>> allocated_volume(Extent(4, "04", "2"), dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    24
    >>> allocated_volume(Extent(2, "14", "1"), dt.date(2025, 3, 10), dt.date(2025, 3, 20))
    22
    """
    if end < begin:
        return 0
    if extent.frequency == "1":
        return extent.volume * ((end - begin).days + 1)
    if extent.frequency == "2":
        return extent.volume * _weeks_touched(begin, end)
    if extent.frequency == "4":
        return extent.volume * _months_touched(begin, end)
    return extent.volume


def _in_allocated_unit(volume: int, declared_unit: str, allocated_unit: str) -> Fraction:
    """A declared volume expressed in the allocation's unit (minutes become hours)."""
    if declared_unit == MINUTE and allocated_unit == HOUR:
        return Fraction(volume, 60)
    return Fraction(volume)


def check_against_allocation(
    performance: Performance, allocation: AllocatedProduct | None, *, path: str = ""
) -> list[Fault]:
    """A declared prestatie against the allocated product its ToewijzingNummer names.

    - 9338: there is no such allocated product;
    - 9384: the allocation was deleted (RedenWijziging 13);
    - 9339 / 9340: ProductCategorie / ProductCode differs from the allocation's (when set there);
    - 9341: the unit does not fit the allocation's unit (:func:`units_fit`);
    - 9307 / 9308: the ProductPeriode begins before the Ingangsdatum / ends after the Einddatum;
    - 9387 / 9388: the ProductPeriode does not start on the 1st / end on the last day of its
      month, unless it starts / ends on the allocation's Ingangsdatum / Einddatum in that month;
    - 9321: GeleverdVolume is more than the Omvang allows within the part of the ProductPeriode
      that lies inside the allocation (:func:`allocated_volume`; for a debit with fitting units
      and a period that overlaps the allocation at all).
    """
    record = performance.reference
    if allocation is None:
        return [_fault("9338", path, record)]
    faults: list[Fault] = []
    if allocation.change_reason == CHANGE_REASON_DELETED:
        faults.append(_fault("9384", path, record))
    product = allocation.product
    if product is not None and product.category != performance.category:
        faults.append(_fault("9339", path, record))
    if product is not None and product.code is not None and product.code != performance.code:
        faults.append(_fault("9340", path, record))
    extent = allocation.extent
    unit_ok = extent is None or units_fit(performance.unit, extent.unit)
    if not unit_ok:
        faults.append(_fault("9341", path, record))
    period = performance.period
    if period.begin < allocation.start:
        faults.append(_fault("9307", path, record))
    if allocation.end is not None and period.end > allocation.end:
        faults.append(_fault("9308", path, record))
    month_first = period.begin.replace(day=1)
    month_last = period.begin.replace(day=calendar.monthrange(period.begin.year, period.begin.month)[1])
    starts_later = month_first < allocation.start <= month_last and period.begin == allocation.start
    if period.begin != month_first and not starts_later:
        faults.append(_fault("9387", path, record))
    alloc_end = allocation.end
    ends_earlier = alloc_end is not None and month_first <= alloc_end < month_last and period.end == alloc_end
    if period.end != month_last and not ends_earlier:
        faults.append(_fault("9388", path, record))
    if extent is not None and unit_ok and performance.amount.debit_credit == "D":
        begin = max(period.begin, allocation.start)
        end = min(period.end, allocation.end) if allocation.end is not None else period.end
        allowed = allocated_volume(extent, begin, end)
        declared = _in_allocated_unit(performance.volume, performance.unit, extent.unit)
        if begin <= end and declared > allowed:
            faults.append(
                _fault("9321", path, record, f"(toegewezen binnen de periode: {allowed}, gedeclareerd: {declared})")
            )
    return faults


def check_cumulative_volume(
    performances: Iterable[Performance], allocation: AllocatedProduct, *, path: str = ""
) -> list[Fault]:
    """TR322 / TR369: all prestaties on one allocation together stay within it.

    ``performances`` are every accepted prestatie on the allocation so far followed by the new
    ones, in arrival order; credits subtract. A prestatie at which the running total first
    passes the limit, and every debit after it while it stays above, gets 9322 (Omvang over the
    allocation's whole validity; an open end counts up to the last declared day) or 9369
    (Budget: the sum of GeleverdVolume in euro).
    """
    lines = list(performances)
    if not lines:
        return []
    faults: list[Fault] = []
    extent = allocation.extent
    if extent is not None:
        last = max(p.period.end for p in lines)
        end = allocation.end if allocation.end is not None else last
        whole = all(p.unit == extent.unit for p in lines)  # no minutes under hours: integers suffice
        limit: int | Fraction = allocated_volume(extent, allocation.start, end)
        running: int | Fraction = 0
        if not whole:
            limit, running = Fraction(limit), Fraction(0)
        for p in lines:
            if not units_fit(p.unit, extent.unit):
                continue
            volume = p.volume if whole else _in_allocated_unit(p.volume, p.unit, extent.unit)
            running += -volume if p.amount.debit_credit == "C" else volume
            if p.amount.debit_credit == "D" and running > limit:
                faults.append(
                    _fault("9322", path, p.reference, f"(toegewezen: {limit}, totaal gedeclareerd: {running})")
                )
    if allocation.budget is not None:
        spent = 0
        for p in lines:
            spent += -p.volume if p.amount.debit_credit == "C" else p.volume
            if p.amount.debit_credit == "D" and spent > allocation.budget:
                faults.append(_fault("9369", path, p.reference))
    return faults


def check_start_against_allocation(
    product: StartProduct | StopProduct, allocation: AllocatedProduct | None, *, record: str, path: str = ""
) -> list[Fault]:
    """TR019 (9019): under effort- or output-based working a start or stop names a known allocation.

    ``allocation`` is the allocated product named by the ToewijzingNummer (None when unknown);
    task-based starts without a ToewijzingNummer are not checked (the caller skips them).
    """
    if allocation is None or (
        product.product is not None
        and allocation.product is not None
        and product.product.category != allocation.product.category
    ):
        return [_fault("9019", path, record)]
    return []


def check_reference_unique(reference: str, earlier: Container[str], *, path: str = "") -> list[Fault]:
    """TR314 (8021): a prestatie's ReferentieNummer is unique for the provider within the law."""
    return [_fault("8021", path, reference)] if reference in earlier else []


def check_declaration_number_unique(number: str, earlier: Container[str], *, path: str = "") -> list[Fault]:
    """TR333 (9333): a DeclaratieNummer is unique for the provider within the law."""
    return [_fault("9333", path, None)] if number in earlier else []


def check_credit_has_debit(performance: Performance, earlier_debits: Container[str], *, path: str = "") -> list[Fault]:
    """TR323 (8017): a credit prestatie refers to an earlier debit by its VorigReferentieNummer."""
    if performance.amount.debit_credit != "C":
        return []
    if performance.previous_reference is None or performance.previous_reference not in earlier_debits:
        return [_fault("8017", path, performance.reference)]
    return []


def overlaps(a: Period, b: Period) -> bool:
    """True when two inclusive periods share at least one day."""
    return a.begin <= b.end and b.begin <= a.end
