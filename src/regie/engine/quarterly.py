"""Signals judged per segment and calendar quarter over all the traffic (domain.md section
10a: ``pgb_shift``, ``subcontracting``).

Such a signal is found in a quarter and raised once per segment and period (its
:attr:`QuarterlySignal.key`), on the last day of the quarter it was found in, or on the day
the traffic stands on while that quarter runs (:meth:`QuarterlySignal.raised_on`). The shell
stores them with ``Signal.raise_per_quarter``.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from regie.engine.calendar import quarter_end


class QuarterlySignal:
    """What a finding of a per-quarter signal shares (a mixin of its frozen dataclass).

    The finding supplies ``segment``, ``quarter`` (the first day of the quarter it was found
    in) and ``kind`` (the signal's name); ``once_per`` is the day that names the period it is
    raised once for (default: the quarter).

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Found(QuarterlySignal):
    ...     kind = "example"
    ...     segment: str
    ...     quarter: dt.date
    >>> f = Found("A", dt.date(2025, 4, 1))
    >>> f.key, f.raised_on(dt.date(2025, 5, 9)), f.raised_on(dt.date(2025, 8, 1))
    ('example|A|2025-04-01', datetime.date(2025, 5, 9), datetime.date(2025, 6, 30))
    """

    kind: ClassVar[str]
    segment: str
    quarter: dt.date

    @property
    def once_per(self) -> dt.date:
        """The day that names the period the signal is raised once for."""
        return self.quarter

    @property
    def key(self) -> str:
        return f"{self.kind}|{self.segment}|{self.once_per.isoformat()}"

    def raised_on(self, day: dt.date) -> dt.date:
        """The day the signal is raised when the traffic stands on ``day``: the end of the
        quarter it was found in, or ``day`` while that quarter runs."""
        return min(quarter_end(self.quarter), day)
