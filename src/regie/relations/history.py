"""The demo's history of dialogues and agreements (:func:`regie.synth.dialogues.history`),
stored once when the demo's database is built (``regie demo``, fresh).

The past dialogues' agendas are built as any other (:func:`regie.relations.agenda.build`):
a dialogue before the first computed figures has no scorecard (the demo computes the figures
of today, not of those days), the agreements of earlier dialogues are carried as the rules
say. Marked done by the provider's demo user where it has one, confirmed by ``gemeente``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from regie.accounts.audit import audit
from regie.accounts.models import Role, UserRole
from regie.catalog import models as cat
from regie.relations import agenda
from regie.relations.models import Agreement, Dialogue, Note
from regie.synth.dialogues import PlannedDialogue, history


@transaction.atomic
def seed_history(today: dt.date) -> int:
    """Store the history up to ``today`` unless there are dialogues already; the number stored."""
    if Dialogue.objects.exists():
        return 0
    providers = {p.agb: p for p in cat.Provider.objects.all()}
    plan = history([(p.agb, p.dialogue_every_weeks) for p in providers.values()], today)
    staff = get_user_model().objects.filter(username="gemeente").first()
    own_users = {
        r.provider.agb: r.user
        for r in UserRole.objects.filter(role=Role.PROVIDER).select_related("provider", "user")
        if r.provider
    }
    for planned in plan:  # oldest first per provider, so agendas carry what was open
        _store(planned, providers[planned.provider], staff, own_users.get(planned.provider))
    audit(None, "dialogue.history", "demo", dialogues=len(plan), today=today.isoformat())
    return len(plan)


def _store(planned: PlannedDialogue, provider: cat.Provider, staff: Any, own: Any) -> None:
    snapshot, items = agenda.build(provider, planned.date)
    d = Dialogue.objects.create(provider=provider, date=planned.date, snapshot=snapshot, agenda=items, created_by=staff)
    Note.objects.create(dialogue=d, text=planned.note, author=staff)
    moment = timezone.make_aware(dt.datetime.combine(planned.date, dt.time(12)))
    for a in planned.agreements:
        done = a.state in ("done", "confirmed")
        Agreement.objects.create(
            dialogue=d,
            provider=provider,
            text=a.text,
            owner=a.owner,
            due=a.due,
            done_at=moment + dt.timedelta(days=14) if done else None,
            done_by=(own if a.owner == "provider" else staff) if done else None,
            confirmed_at=moment + dt.timedelta(days=15) if a.state == "confirmed" else None,
            confirmed_by=staff if a.state == "confirmed" else None,
        )
