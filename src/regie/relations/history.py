"""The demo's history of dialogues and agreements (:func:`regie.synth.dialogues.history`),
stored once when the demo's database is built (``regie demo``, fresh).

The past dialogues' agendas are built as any other (:func:`regie.relations.agenda.build`),
the agreements of earlier dialogues carried as the rules say. Marked done by the provider's
demo user where it has one, confirmed by ``gemeente``. The history is stored before there are
figures; the demo then computes the figures as of the quarter ends the dialogues fall after
(:func:`quarter_ends`, in the background) and :func:`fill_agendas` builds again the agendas
that had none, so a dialogue of 8 June discusses the figures as of 31 March: a dialogue
never shows figures of a later day.
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
from regie.engine import calendar
from regie.relations import agenda
from regie.relations.models import Agreement, Dialogue, Note
from regie.relations.services import contracted
from regie.synth.dialogues import PlannedDialogue, history


def _plan(today: dt.date) -> list[PlannedDialogue]:
    """The history of the providers with a contract running ``today`` (not of former ones)."""
    return history([(p.agb, p.dialogue_every_weeks) for p in contracted(today)], today)


def quarter_ends(today: dt.date) -> list[dt.date]:
    """The quarter ends whose figures the history's dialogues discuss: from the last one before
    the first dialogue up to the last one before ``today``, oldest first."""
    plan = _plan(today)
    if not plan:
        return []
    first = min(d.date for d in plan)
    day = first if calendar.quarter_end(first) == first else calendar.quarter_start(first) - dt.timedelta(days=1)
    out = []
    while day < today:
        out.append(day)
        day = calendar.quarter_end(day + dt.timedelta(days=1))
    return out


@transaction.atomic
def fill_agendas(today: dt.date) -> int:
    """Build again the agenda of every dialogue before ``today`` that has no figures, now that
    there may be some of its day (:func:`regie.relations.agenda.build`); the number that got them."""
    filled = 0
    for d in Dialogue.objects.filter(snapshot__isnull=True, date__lt=today).select_related("provider"):
        snapshot, items = agenda.build(d.provider, d.date)
        if snapshot is not None:
            d.snapshot, d.agenda = snapshot, items
            d.save(update_fields=["snapshot", "agenda"])
            filled += 1
    return filled


@transaction.atomic
def seed_history(today: dt.date) -> int:
    """Store the history up to ``today`` unless there are dialogues already; the number stored."""
    if Dialogue.objects.exists():
        return 0
    plan = _plan(today)
    providers = {p.agb: p for p in cat.Provider.objects.filter(agb__in={d.provider for d in plan})}
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
    moment = timezone.make_aware(dt.datetime.combine(planned.date, dt.time(12)))
    note = Note.objects.create(dialogue=d, text=planned.note, author=staff)
    Note.objects.filter(pk=note.pk).update(written_at=moment)  # written on the dialogue's day, not today
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
