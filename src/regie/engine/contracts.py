"""A contract's life (domain.md section 10a): extension options, the ``contract_expiry``
signal, and what changed between two versions (standard library only).

- A contract's **options** are the catalog's ``extensions``: the end dates it may be extended
  to, in order (``extensions = ["2027-12-31", "2028-12-31"]``). The **next option** is the
  first one after the contract's current end; taking it makes that date the new end.
- **contract_expiry** is due from six months before a contract's end up to and including
  the end day (``add_months(end, -6) <= day <= end``), naming the next option (or none: the
  contract ends, a new tender is needed). It is due on the day six months before the end,
  so a check on any later day raises the same signal (one per contract and end).

>>> end = dt.date(2026, 12, 31)
>>> next_option(end, (dt.date(2027, 12, 31), dt.date(2028, 12, 31)))
datetime.date(2027, 12, 31)
>>> expiry_due_on(end), is_expiry_due(end, dt.date(2026, 6, 30)), is_expiry_due(end, dt.date(2026, 6, 29))
(datetime.date(2026, 6, 30), True, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from regie.engine.calendar import add_months

#: The signal kind, and how many months before the end it is raised.
SIGNAL = "contract_expiry"
NOTICE_MONTHS = 6


@dataclass(frozen=True)
class Expiry:
    """A ``contract_expiry`` signal: the contract, its end, the day it became due, the next option."""

    contract: str
    provider: str
    segment: str
    end: dt.date
    due_on: dt.date
    next_option: dt.date | None

    @property
    def key(self) -> str:
        """One signal per contract and end: taking an option gives a new end and a new key."""
        return f"{SIGNAL}:{self.contract}:{self.end.isoformat()}"


class NoOption(ValueError):
    """The contract has no extension option after its end."""


def next_option(end: dt.date, extensions: Sequence[dt.date]) -> dt.date | None:
    """The first extension date after ``end``, or None."""
    return min((d for d in extensions if d > end), default=None)


def take_option(end: dt.date, extensions: Sequence[dt.date]) -> dt.date:
    """The new end after taking the next option; :class:`NoOption` when there is none.

    >>> take_option(dt.date(2027, 12, 31), (dt.date(2027, 12, 31), dt.date(2028, 12, 31)))
    datetime.date(2028, 12, 31)
    """
    found = next_option(end, extensions)
    if found is None:
        raise NoOption("Dit contract heeft geen optie tot verlenging meer.")
    return found


def expiry_due_on(end: dt.date) -> dt.date:
    """The day the ``contract_expiry`` signal of a contract ending on ``end`` becomes due."""
    return add_months(end, -NOTICE_MONTHS)


def is_expiry_due(end: dt.date, day: dt.date) -> bool:
    """Whether on ``day`` a contract ending on ``end`` is within its notice period."""
    return expiry_due_on(end) <= day <= end


def expiring(contracts: Iterable[Any], day: dt.date) -> list[Expiry]:
    """The ``contract_expiry`` signals due on ``day`` for ``contracts`` (anything with ``id``,
    ``provider``, ``segment``, ``end`` and ``extensions``, e.g. the catalog's contracts),
    sorted by end and id."""
    out = [
        Expiry(c.id, c.provider, c.segment, c.end, expiry_due_on(c.end), next_option(c.end, tuple(c.extensions)))
        for c in contracts
        if is_expiry_due(c.end, day)
    ]
    return sorted(out, key=lambda e: (e.end, e.contract))


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs between two versions: field -> (old, new).

    >>> changes({"end": "2026-12-31", "band": 0.0}, {"end": "2027-12-31", "band": 0.0})
    {'end': ('2026-12-31', '2027-12-31')}
    """
    return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}
