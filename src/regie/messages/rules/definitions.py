"""The standard's definitions the rules are stated in: a calendar month, a consistent birth
date, the tolerance of an amount, a declaration's total; and the constants they use."""

from __future__ import annotations

import calendar
import datetime as dt

from regie.messages.codes import UNIT_EURO
from regie.messages.model import BirthDate, Declaration, Performance, Period

END_OF_2020 = dt.date(2020, 12, 31)
START_OF_2021 = dt.date(2021, 1, 1)
#: CS339/CD087 units: euro; CS338 units that need a period frequency.
UNITS_NEEDING_PERIOD_FREQUENCY = frozenset({"14", "16", "83", "84"})
PERIOD_FREQUENCIES = frozenset({"2", "4", "6"})
MINUTE = "01"


def is_calendar_month(period: Period) -> bool:
    """CS340: the period is exactly one whole calendar month.

    >>> is_calendar_month(Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
    True
    >>> is_calendar_month(Period(dt.date(2025, 2, 1), dt.date(2025, 3, 1)))
    False
    """
    last = calendar.monthrange(period.begin.year, period.begin.month)[1]
    return period.begin.day == 1 and period.end == period.begin.replace(day=last)


def in_one_month(period: Period) -> bool:
    """CS337: the end lies in the same calendar month and year as the begin."""
    return (period.begin.year, period.begin.month) == (period.end.year, period.end.month)


def birth_date_consistent(birth: BirthDate) -> bool:
    """CS139: Datum agrees with DatumGebruik.

    DatumGebruik 1 (day unknown) -> the day is the 1st; 2 (day and month unknown) -> 1 January;
    3 (date unknown) -> 1900-01-01.

    >>> birth_date_consistent(BirthDate(dt.date(2010, 5, 1), "1"))
    True
    >>> birth_date_consistent(BirthDate(dt.date(2010, 5, 7), "2"))
    False
    """
    date = birth.date
    if birth.date_use == "1":
        return date.day == 1
    if birth.date_use == "2":
        return (date.month, date.day) == (1, 1)
    if birth.date_use == "3":
        return date == dt.date(1900, 1, 1)
    return True


def amount_tolerance(volume: int, unit: str) -> int:
    """TR346 tolerance in cents between IngediendBedrag and GeleverdVolume x ProductTarief.

    Exact (0) for every unit but minutes. Declared in minutes under an hourly contract, the
    tariff per minute is the hourly tariff / 60 rounded to a cent, while the amount is
    hourly tariff x minutes / 60 rounded once (IV081): they differ by at most half a cent per
    minute plus the final rounding, (volume + 1) // 2 cents.

    >>> amount_tolerance(300, "01"), amount_tolerance(300, "04")
    (150, 0)
    """
    return (volume + 1) // 2 if unit == MINUTE else 0


def amount_matches(p: Performance) -> bool:
    """TR346 (9346): when Eenheid is not 83 (euro), IngediendBedrag = GeleverdVolume x ProductTarief.

    >>> from regie.messages.model import Amount
    >>> p = Performance("R", "1", "45", "45A03", Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    ...                 16, "04", Amount(104800), tariff=6550)
    >>> amount_matches(p)
    True
    """
    if p.unit == UNIT_EURO or p.tariff is None:
        return True
    return abs(p.amount.cents - p.volume * p.tariff) <= amount_tolerance(p.volume, p.unit)


def declared_total(message: Declaration) -> int:
    """TR358: the signed sum of the prestaties (debit added, credit subtracted), in cents."""
    return sum(p.amount.signed for _, p in message.performances())
