"""The subcontracting signal in the shell: per segment and quarter, from the stored episodes
and catalog (the rule is :mod:`regie.engine.subcontracting`; domain.md section 10a)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Max

from regie.catalog.loader import stored_catalog
from regie.engine import subcontracting as rules
from regie.engine.access import core_partners
from regie.engine.pgb import add_quarters, quarter_start
from regie.traffic import frames
from regie.traffic.models import Message, Signal


@transaction.atomic
def raise_subcontracting_signals(day: dt.date | None = None) -> int:
    """Store the ``subcontracting`` signals of the quarters up to ``day`` (default: the last
    stored message's dagtekening) not stored yet; the number stored."""
    catalog = stored_catalog()
    maxima = {s.code: s.max_subcontracted_share for s in catalog.segments}
    day = day or Message.objects.aggregate(d=Max("dagtekening"))["d"]
    if day is None or all(v is None for v in maxima.values()):
        return 0
    contracted: dict[str, set[str]] = defaultdict(set)
    for c in catalog.contracts:
        contracted[c.segment].add(c.provider)
    flagged = [p.agb for p in catalog.providers if p.core_partner]
    partners = {s.code: core_partners(s.code, s.core_partners, flagged, contracted) for s in catalog.segments}
    episodes = frames.episodes()
    if episodes.is_empty():
        return 0
    made = 0
    quarter = quarter_start(episodes["start"].min())  # type: ignore[arg-type]
    while quarter <= day:
        last = add_quarters(quarter, 1) - dt.timedelta(days=1)
        shares = rules.subcontracted_share(episodes, partners, quarter, last)
        for excess in rules.over_maximum(shares, maxima, quarter):
            _signal, created = Signal.objects.get_or_create(
                key=excess.key,
                defaults={
                    "kind": Signal.Kind.SUBCONTRACTING,
                    "segment": excess.segment,
                    "care_month": quarter,
                    "raised_on": min(last, day),
                    "detail": {"share": round(excess.share, 4), "maximum": excess.maximum},
                },
            )
            made += created
        quarter = add_quarters(quarter, 1)
    return made
