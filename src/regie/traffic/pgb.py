"""The PGB signal in the shell: ``pgb_shift`` from the stored budgets, episodes and contracts
(the rule is :mod:`regie.engine.pgb`; domain.md section 10a)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from regie.catalog.loader import stored_catalog
from regie.engine import pgb as rules
from regie.traffic import frames
from regie.traffic.models import Message, Signal


@transaction.atomic
def raise_pgb_signals(day: dt.date | None = None) -> int:
    """Store the ``pgb_shift`` signals found in the quarters up to ``day`` (default: the last
    stored message's dagtekening) that are not stored yet; the number stored. Nothing to do
    without PGB budgets."""
    budgets = frames.pgb_budgets()
    day = day or Message.objects.aggregate(d=Max("dagtekening"))["d"]
    if budgets.is_empty() or day is None:
        return 0
    catalog = stored_catalog()
    found = rules.shifts(frames.episodes(), budgets, catalog.contracts, [s.code for s in catalog.segments], day)
    return Signal.raise_per_quarter(
        Signal.Kind.PGB_SHIFT,
        (
            (
                shift.key,
                shift.segment,
                shift.quarter,
                shift.raised_on(day),
                {
                    "period_start": shift.period_start.isoformat(),
                    "quarter": shift.quarter.isoformat(),
                    "share_before": round(shift.before, 4),
                    "share": round(shift.share, 4),
                    "points": shift.points,
                    "providers_before": shift.providers_before,
                    "providers": shift.providers,
                },
            )
            for shift in found
        ),
    )
