"""The subcontracting signal in the shell: per segment and quarter, from the stored episodes
and catalog (the rule is :mod:`regie.engine.subcontracting`; domain.md section 10a)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from regie.catalog.loader import stored_catalog
from regie.engine import subcontracting as rules
from regie.traffic import frames
from regie.traffic.models import Message, Signal


@transaction.atomic
def raise_subcontracting_signals(day: dt.date | None = None) -> int:
    """Store the ``subcontracting`` signals of the quarters up to ``day`` (default: the last
    stored message's dagtekening) not stored yet; the number stored."""
    catalog = stored_catalog()
    day = day or Message.objects.aggregate(d=Max("dagtekening"))["d"]
    if day is None or all(s.max_subcontracted_share is None for s in catalog.segments):
        return 0  # nothing to compare with: the episodes are not read
    found = rules.quarterly_excess(frames.episodes(), catalog, day)
    return Signal.raise_per_quarter(
        Signal.Kind.SUBCONTRACTING,
        (
            (x.key, x.segment, x.quarter, x.raised_on(day), {"share": round(x.share, 4), "maximum": x.maximum})
            for x in found
        ),
    )
