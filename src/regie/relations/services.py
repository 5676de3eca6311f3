"""What people do with dialogues and agreements, each write checked against the caller's
scope and audited (:func:`regie.accounts.audit.audit`).

Who may do what (domain.md section 10):

- municipality staff (``gemeente``) and a relationship manager for the providers it looks
  after (``relatiebeheerder``), together *staff*: plan dialogues, add agenda items and notes,
  make agreements, mark any agreement done (which confirms it at once), confirm or reopen an
  agreement the provider marked done, comment;
- the provider (``aanbieder``), on its own dialogues only: add agenda items before the
  dialogue's date, comment on agreements, mark its own agreements (owner ``provider``) done;
- the council: nothing (it sees aggregates only).

Another provider's (or an unmanaged provider's) dialogue is not found (:class:`NotFound`), as
for every object of the app; a role that may not do a thing gets :class:`NotAllowed`; a
request that breaks a rule (an item after the date, a confirmation of an open agreement)
gets :class:`Refused` with the reason in Dutch.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from regie.accounts.audit import audit
from regie.accounts.scope import Scope
from regie.catalog import models as cat
from regie.engine import relations as rules
from regie.relations import agenda
from regie.relations.models import AgendaItem, Agreement, Comment, Dialogue, Note

T = TypeVar("T", bound=Model)


class NotFound(Exception):
    """The object does not exist for this caller."""


class NotAllowed(Exception):
    """The caller's role may not do this."""


class Refused(ValueError):
    """The request breaks a rule; the message says which (Dutch)."""


def is_staff(scope: Scope) -> bool:
    """Municipality staff or a relationship manager (within its providers)."""
    return scope.is_staff


def one(visible: QuerySet[T], pk: int) -> T:
    """Object ``pk`` among those a caller sees (``visible``); :class:`NotFound` when it is not
    one of them."""
    found = visible.filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def dialogues(scope: Scope) -> QuerySet[Dialogue]:
    """The dialogues ``scope`` sees (none for the council)."""
    return scope.provider_level(Dialogue.objects.select_related("provider"))


def agreements(scope: Scope) -> QuerySet[Agreement]:
    """The agreements ``scope`` sees (none for the council)."""
    return scope.provider_level(Agreement.objects.select_related("provider", "dialogue"))


def dialogue(scope: Scope, pk: int) -> Dialogue:
    return one(dialogues(scope), pk)


def agreement(scope: Scope, pk: int) -> Agreement:
    return one(agreements(scope), pk)


def provider_for(scope: Scope, agb: str) -> cat.Provider:
    provider = cat.Provider.objects.filter(agb=agb).first()
    if provider is None or not scope.sees_provider(agb):
        raise NotFound
    return provider


def _staff(scope: Scope) -> None:
    if not is_staff(scope):
        raise NotAllowed


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(_("Vul een tekst in."))
    return text


def _subject(d: Dialogue) -> str:
    return f"{d.provider.agb} {d.provider.name} {d.date:%Y-%m-%d}"


@transaction.atomic
def plan(scope: Scope, user: Any, agb: str, date: dt.date) -> Dialogue:
    """Plan a dialogue with a provider on ``date``; its agenda is built from what is stored
    now (:func:`regie.relations.agenda.build`)."""
    _staff(scope)
    provider = provider_for(scope, agb)
    snapshot, items = agenda.build(provider, date)
    d = Dialogue.objects.create(provider=provider, date=date, snapshot=snapshot, agenda=items, created_by=user)
    audit(user, "dialogue.plan", _subject(d), dialogue=d.pk, snapshot=snapshot.pk if snapshot else None)
    return d


@transaction.atomic
def add_item(scope: Scope, user: Any, d: Dialogue, text: str, today: dt.date | None = None) -> AgendaItem:
    """An agenda item: the provider only before the dialogue's date, staff any time."""
    today = today or timezone.localdate()
    if scope.is_provider:
        if today >= d.date:
            raise Refused(_("Agendapunten kunnen tot de dag van het gesprek worden ingebracht."))
    else:
        _staff(scope)
    item = AgendaItem.objects.create(dialogue=d, text=_text(text), by_provider=scope.is_provider, added_by=user)
    audit(user, "dialogue.item", _subject(d), dialogue=d.pk, item=item.pk, text=item.text)
    return item


@transaction.atomic
def add_note(scope: Scope, user: Any, d: Dialogue, text: str) -> Note:
    _staff(scope)
    note = Note.objects.create(dialogue=d, text=_text(text), author=user)
    audit(user, "dialogue.note", _subject(d), dialogue=d.pk, note=note.pk, text=note.text)
    return note


@transaction.atomic
def make_agreement(scope: Scope, user: Any, d: Dialogue, text: str, owner: str, due: dt.date) -> Agreement:
    _staff(scope)
    if owner not in Agreement.Owner.values:
        raise Refused(_("De eigenaar is de aanbieder of de gemeente."))
    a = Agreement.objects.create(dialogue=d, provider=d.provider, text=_text(text), owner=owner, due=due)
    audit(user, "agreement.make", _subject(d), agreement=a.pk, text=a.text, owner=owner, due=due.isoformat())
    return a


@transaction.atomic
def mark_done(scope: Scope, user: Any, a: Agreement) -> Agreement:
    """Mark an agreement done: the provider its own (awaiting confirmation), staff any (which
    confirms it at once)."""
    if scope.is_provider:
        if a.owner != Agreement.Owner.PROVIDER:
            raise Refused(_("Een afspraak van de gemeente meldt de gemeente gereed."))
    else:
        _staff(scope)
    if a.done_at is not None and (scope.is_provider or a.confirmed_at is not None):
        return a
    now = timezone.now()
    if a.done_at is None:
        a.done_at, a.done_by = now, user
    if not scope.is_provider:
        a.confirmed_at, a.confirmed_by = now, user
    a.save()
    audit(user, "agreement.done", _subject(a.dialogue), agreement=a.pk, confirmed=a.confirmed_at is not None)
    return a


@transaction.atomic
def confirm(scope: Scope, user: Any, a: Agreement) -> Agreement:
    """The municipality confirms an agreement the provider marked done."""
    _staff(scope)
    if a.done_at is None:
        raise Refused(_("Alleen een gereed gemelde afspraak kan worden bevestigd."))
    if a.confirmed_at is None:
        a.confirmed_at, a.confirmed_by = timezone.now(), user
        a.save()
        audit(user, "agreement.confirm", _subject(a.dialogue), agreement=a.pk)
    return a


@transaction.atomic
def reopen(scope: Scope, user: Any, a: Agreement, reason: str = "") -> Agreement:
    """Staff set an agreement back to open (e.g. marked done too early)."""
    _staff(scope)
    if a.done_at is None:
        return a
    a.done_at = a.done_by = a.confirmed_at = a.confirmed_by = None
    a.save()
    audit(user, "agreement.reopen", _subject(a.dialogue), reason, agreement=a.pk)
    return a


@transaction.atomic
def comment(scope: Scope, user: Any, a: Agreement, text: str) -> Comment:
    if not (scope.is_provider or is_staff(scope)):
        raise NotAllowed
    c = Comment.objects.create(agreement=a, text=_text(text), by_provider=scope.is_provider, author=user)
    audit(user, "agreement.comment", _subject(a.dialogue), agreement=a.pk, comment=c.pk, text=c.text)
    return c


def contracted(today: dt.date) -> QuerySet[cat.Provider]:
    """The providers the municipality holds dialogues with: those with a contract running on
    ``today``, or, when the catalog's contracts all ended before it (a region of an earlier
    year), on their last day. A provider whose contracts ended is not among them."""
    last = cat.Contract.objects.aggregate(last=Max("end"))["last"]
    day = min(today, last) if last else today
    return cat.Provider.objects.filter(contracts__start__lte=day, contracts__end__gte=day).distinct()


def due_list(scope: Scope, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The providers ``scope`` sees whose next dialogue is due or overdue on ``today``
    (:func:`regie.engine.relations.cadence`), the most overdue first, of the providers under
    contract (:func:`contracted`: a provider whose contracts ended is no longer spoken to)."""
    today = today or timezone.localdate()
    if not is_staff(scope):
        return []
    providers = scope.providers(contracted(today), field="pk").order_by("agb")
    dates: dict[int, list[dt.date]] = {}
    for pid, day in Dialogue.objects.filter(provider__in=providers).values_list("provider_id", "date"):
        dates.setdefault(pid, []).append(day)
    out = []
    for p in providers:
        every = p.dialogue_every_weeks or rules.DEFAULT_EVERY_WEEKS
        c = rules.cadence(dates.get(p.pk, []), every, today)
        if c.state in rules.TO_PLAN:
            out.append(
                {
                    "provider": p.agb,
                    "name": p.name,
                    "every_weeks": c.every_weeks,
                    "last_dialogue": c.last_held,
                    "due_on": c.due_on,
                    "status": c.state,
                    "days_overdue": c.overdue_days(today),
                }
            )
    return sorted(out, key=lambda r: (-r["days_overdue"], r["status"] != "overdue", r["name"]))
