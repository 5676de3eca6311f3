"""The shared waiting list's workflow, on top of :mod:`regie.engine.access`.

- :func:`register`: a request registered at the registration point (municipality staff, or a
  core partner of the segment); the BSN is pseudonymised before anything is stored;
- :func:`assign` / :func:`confirm`: the municipality assigns a registration to a provider; a
  core partner of the segment may claim it for itself (assigned, not yet confirmed) and the
  municipality confirms the claim;
- :func:`withdraw`: a registration leaves the list with a reason;
- :func:`refresh`: after each ingest, registrations are taken from the stored 315s and
  waiting-list CSV rows (:func:`sync_requests`), open registrations are linked to the 301 or
  305 that starts them (:func:`link_starts`), and ``waiting_norm`` is raised once for each
  registration past its norm (:func:`raise_norm_signals`); it stays open while the
  registration waits and is resolved when it leaves the list (:func:`end_norm_signals`).

Every write by a person is audited (:func:`regie.accounts.audit.audit`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from regie.access.models import Registration, Source, Status
from regie.accounts.audit import actor, audit
from regie.accounts.scope import Scope
from regie.catalog import models as cat
from regie.engine import access as rules
from regie.engine import frames
from regie.messages.bsn import is_valid_bsn, pseudonym
from regie.messages.codes import REFERRER_TYPES
from regie.traffic import frames as traffic_frames
from regie.traffic import models as tm


class AccessError(ValueError):
    """A registration or decision the rules do not allow; the message is Dutch, for the user.

    ``field`` names the input it is about (for problem+json's ``invalid_params``)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(AccessError):
    """The caller's role may not do this (403)."""


# --------------------------------------------------------------------------------------------
# Who sees what


def core_partner_map() -> dict[str, tuple[str, ...]]:
    """Segment code -> the AGB codes of its core partners (:func:`regie.engine.access.core_partners`)."""
    flagged = list(cat.Provider.objects.filter(core_partner=True).values_list("agb", flat=True))
    contracted: dict[str, set[str]] = defaultdict(set)
    for segment, agb in cat.Contract.objects.values_list("segment__code", "provider__agb"):
        contracted[segment].add(agb)
    return {
        code: rules.core_partners(code, listed or None, flagged, contracted)
        for code, listed in cat.Segment.objects.values_list("code", "core_partners")
    }


def core_segments(agb: str | None) -> list[str]:
    """The segments whose whole list the provider ``agb`` sees (it is a core partner of them)."""
    if not agb:
        return []
    return sorted(code for code, partners in core_partner_map().items() if agb in partners)


def visible(scope: Scope, qs: QuerySet[Registration] | None = None) -> QuerySet[Registration]:
    """The registrations a role sees one by one: the municipality all of its region, a provider
    the whole list of the segments it is a core partner of and elsewhere what is assigned to it;
    anyone else (the council) none (it sees counts and waiting times only)."""
    qs = Registration.objects.all() if qs is None else qs
    if scope.is_municipality:
        return qs
    if scope.is_provider:
        return qs.filter(Q(segment__code__in=core_segments(scope.provider_agb)) | Q(provider_id=scope.provider_id))
    return qs.none()


def entries(regs: Iterable[Registration]) -> list[rules.Entry]:
    return [r.entry(r.segment.waiting_norm_days) for r in regs]


def prioritised(regs: Iterable[Registration], today: dt.date) -> list[Registration]:
    """``regs`` in the list's priority order (:func:`regie.engine.access.prioritised`)."""
    by_id = {r.pk: r for r in regs}
    return [by_id[e.id] for e in rules.prioritised(entries(by_id.values()), today)]


@dataclass(frozen=True)
class Shown:
    """A registration with what the list shows beside it."""

    registration: Registration
    waiting_days: int
    norm_days: int
    past_norm: bool


def shown(regs: Iterable[Registration], today: dt.date) -> list[Shown]:
    """The registrations in priority order with their waiting days, norm and past-norm flag."""
    out = []
    for r in prioritised(regs, today):
        e = r.entry(r.segment.waiting_norm_days)
        out.append(Shown(r, rules.waiting_days(e, today), rules.entry_norm_days(e), rules.past_norm(e, today)))
    return out


# --------------------------------------------------------------------------------------------
# Registering, assigning, withdrawing


def pseudonymise(bsn: str) -> str:
    """The client's pseudonym; a BSN that fails the eleven-test is refused (never echoed)."""
    bsn = (bsn or "").strip()
    if not is_valid_bsn(bsn):
        raise AccessError("Het BSN voldoet niet aan de elfproef.", "bsn")
    return pseudonym(bsn, settings.PSEUDONYM_KEY)


def _may_register(scope: Scope, segment: cat.Segment) -> None:
    if scope.is_municipality:
        return
    if scope.is_provider and segment.code in core_segments(scope.provider_agb):
        return
    raise NotAllowed("Alleen de gemeente en de kernpartners van het segment melden aan.")


@transaction.atomic
def register(
    user: Any,
    scope: Scope,
    *,
    municipality: cat.Municipality,
    segment: cat.Segment,
    bsn: str,
    urgency: str,
    registered_on: dt.date,
    area: str = "",
    referrer: str = "",
    product_category: str = "",
) -> Registration:
    """Register a request at the registration point (audited); the BSN becomes a pseudonym."""
    _may_register(scope, segment)
    if urgency not in rules.URGENCIES:
        raise AccessError("Urgentie is crisis, urgent of normal.", "urgency")
    if referrer and referrer not in REFERRER_TYPES:
        raise AccessError("Onbekende verwijzer (COD327).", "referrer")
    if area and area not in set(municipality.areas.values_list("name", flat=True)):
        raise AccessError(f"Gemeente {municipality.code} kent het gebied '{area}' niet.", "area")
    if registered_on > timezone.localdate():
        raise AccessError("De aanmelddatum ligt in de toekomst.", "registered_on")
    reg = Registration.objects.create(
        municipality=municipality,
        segment=segment,
        client=pseudonymise(bsn),
        urgency=urgency,
        area=area,
        referrer=referrer,
        product_category=product_category,
        registered_on=registered_on,
        registered_by=actor(user),
    )
    audit(
        user,
        "waiting_list.register",
        f"aanmelding {reg.pk}",
        segment=segment.code,
        municipality=municipality.code,
        urgency=urgency,
        registered_on=registered_on.isoformat(),
    )
    link_starts(clients=[reg.client])
    reg.refresh_from_db()
    return reg


def _open(reg: Registration) -> None:
    if not reg.is_open:
        raise AccessError(f"Deze aanmelding staat niet meer op de lijst ({reg.get_status_display()}).", "status")


@transaction.atomic
def assign(user: Any, scope: Scope, reg: Registration, provider: cat.Provider, note: str = "") -> Registration:
    """Assign ``reg`` to ``provider`` (the municipality, confirmed at once), or claim it for
    itself (a core partner of the segment: assigned, to be confirmed by the municipality)."""
    _open(reg)
    if scope.is_municipality:
        confirmed = True
    elif scope.is_provider and provider.agb == scope.provider_agb and reg.segment.code in core_segments(provider.agb):
        confirmed = False
    else:
        raise NotAllowed("Alleen de gemeente wijst toe; een kernpartner van het segment kan een aanmelding claimen.")
    reg.status, reg.provider, reg.confirmed = Status.ASSIGNED, provider, confirmed
    reg.note, reg.assigned_on = note, timezone.localdate()
    reg.save(update_fields=["status", "provider", "confirmed", "note", "assigned_on"])
    action = "waiting_list.assign" if confirmed else "waiting_list.claim"
    audit(user, action, f"aanmelding {reg.pk}", note, provider=provider.agb, segment=reg.segment.code)
    return reg


@transaction.atomic
def confirm(user: Any, scope: Scope, reg: Registration, note: str = "") -> Registration:
    """The municipality confirms a core partner's claim."""
    if not scope.is_municipality:
        raise NotAllowed("Alleen de gemeente bevestigt een claim.")
    if reg.status != Status.ASSIGNED or reg.confirmed:
        raise AccessError("Er is geen claim om te bevestigen.", "status")
    reg.confirmed = True
    if note:
        reg.note = f"{reg.note}\n{note}".strip()
    reg.save(update_fields=["confirmed", "note"])
    audit(user, "waiting_list.confirm", f"aanmelding {reg.pk}", note, provider=reg.provider.agb if reg.provider else "")
    return reg


@transaction.atomic
def withdraw(user: Any, scope: Scope, reg: Registration, reason: str) -> Registration:
    """Take ``reg`` off the list with a reason (the municipality, or the core partner that
    registered or claimed it)."""
    _open(reg)
    if not reason.strip():
        raise AccessError("Geef een reden voor het intrekken.", "reason")
    own = scope.is_provider and (
        (reg.provider_id == scope.provider_id) or reg.segment.code in core_segments(scope.provider_agb)
    )
    if not (scope.is_municipality or own):
        raise NotAllowed("Alleen de gemeente of een kernpartner van het segment trekt een aanmelding in.")
    reg.status, reg.withdrawn_on, reg.withdrawal_reason = Status.WITHDRAWN, timezone.localdate(), reason.strip()
    reg.save(update_fields=["status", "withdrawn_on", "withdrawal_reason"])
    end_norm_signals([reg])
    audit(user, "waiting_list.withdraw", f"aanmelding {reg.pk}", reason, segment=reg.segment.code)
    return reg


# --------------------------------------------------------------------------------------------
# After each ingest: from the traffic, to the starts, and the norm signal


def sync_requests() -> int:
    """Registrations for the stored 315s and waiting-list CSV rows, once per request (kind,
    municipality, request id); a 315's registration is assigned (unconfirmed) to the provider
    that asked, a CSV row's to the provider it names. A later row of the same request updates
    an open registration: the provider chosen since (assigned), or closed without care (a CSV's
    ``closed_on``, a 319's refusal: withdrawn). Returns how many registrations were made."""
    catalog = _Catalog()
    known = {r.source_key: r for r in Registration.objects.exclude(source_key=None).select_related("provider")}
    made: dict[str, Registration] = {}
    changed: dict[int, Registration] = {}
    rows = tm.Request.objects.filter(kind__in=("315", "waiting_list")).exclude(segment="").order_by("arrival", "pk")
    for req in rows.iterator():
        key = f"{req.kind}|{req.municipality}|{req.request_id}"[:100]
        reg = known.get(key) or made.get(key)
        if reg is None:
            new = catalog.registration(req, key)
            if new is not None:
                made[key] = new
        elif _follow(reg, req, catalog) and reg.pk:
            changed[reg.pk] = reg
    Registration.objects.bulk_create(list(made.values()), batch_size=1000)
    fields = ["status", "provider", "confirmed", "assigned_on", "withdrawn_on", "withdrawal_reason"]
    Registration.objects.bulk_update(list(changed.values()), fields, batch_size=1000)
    return len(made)


class _Catalog:
    """The catalog's segments, municipalities and providers by their codes (read once)."""

    def __init__(self) -> None:
        self.segments = {s.code: s for s in cat.Segment.objects.all()}
        self.municipalities = {m.code: m for m in cat.Municipality.objects.all()}
        self.providers = {p.agb: p for p in cat.Provider.objects.all()}

    def registration(self, req: tm.Request, key: str) -> Registration | None:
        """A new registration for a stored request (None when the catalog cannot place it)."""
        segment, municipality = self.segments.get(req.segment), self.municipalities.get(req.municipality)
        if segment is None or municipality is None:
            return None
        reg = Registration(
            municipality=municipality,
            segment=segment,
            client=req.client,
            urgency=rules.urgency_of(req.urgency),
            area=req.area or "",
            referrer=req.referrer,
            registered_on=req.registered,
            confirmed=req.kind != "315",
            source=Source.REQUEST_315 if req.kind == "315" else Source.CSV,
            source_key=key,
        )
        _follow(reg, req, self)
        return reg


def _follow(reg: Registration, req: tm.Request, catalog: _Catalog) -> bool:
    """Apply what a (later) row of the request says to an open registration; True if it changed."""
    if not reg.is_open:
        return False
    if req.outcome == tm.Request.Outcome.REFUSED:
        reg.status, reg.withdrawn_on = Status.WITHDRAWN, req.answered or req.arrival
        reg.withdrawal_reason = (
            f"afgewezen met een 319 (reden {req.refusal_reason})"
            if req.kind == "315"
            else "afgesloten op de centrale wachtlijst"
        )
        return True
    provider = catalog.providers.get(req.provider or "")
    if provider is not None and reg.provider_id is None:
        reg.status, reg.provider, reg.assigned_on = Status.ASSIGNED, provider, req.arrival
        return True
    return False


def _starts(clients: Sequence[str]) -> list[rules.Start]:
    """The 305s (episodes) and 301s (allocated products) of ``clients``."""
    out = [
        rules.Start(client, segment, provider, start, "305")
        for client, segment, provider, start in tm.Episode.objects.filter(client__in=clients).values_list(
            "client", "segment", "provider", "start"
        )
    ]
    out += [
        rules.Start(client, segment, provider, begin, "301")
        for client, segment, provider, begin in tm.AllocationVersion.objects.filter(client__in=clients)
        .exclude(segment="")
        .values_list("client", "segment", "provider", "begin")
    ]
    return out


def link_starts(clients: Sequence[str] | None = None) -> int:
    """Take every open registration (of ``clients``, or all) off the list whose client started
    in its segment on or after the registration day (:func:`regie.engine.access.link_starts`):
    status started, with the start day and the provider. Returns how many."""
    open_regs = Registration.objects.filter(status__in=rules.OPEN_STATUSES).select_related("segment", "provider")
    if clients is not None:
        open_regs = open_regs.filter(client__in=clients)
    regs = {r.pk: r for r in open_regs}
    if not regs:
        return 0
    providers = {p.agb: p for p in cat.Provider.objects.all()}
    wanted = sorted({r.client for r in regs.values()})
    linked: dict[int, rules.Start] = {}
    for i in range(0, len(wanted), 500):  # SQLite's limit on query parameters
        chunk = wanted[i : i + 500]
        linked.update(rules.link_starts(entries(r for r in regs.values() if r.client in set(chunk)), _starts(chunk)))
    changed = []
    for pk, start in linked.items():
        reg = regs[pk]
        reg.status, reg.started_on, reg.start_message = Status.STARTED, start.start, start.source
        reg.provider = providers.get(start.provider, reg.provider)
        changed.append(reg)
    Registration.objects.bulk_update(changed, ["status", "started_on", "start_message", "provider"], batch_size=1000)
    return len(changed)


def _norm_key(registration: int) -> str:
    return f"{rules.SIGNAL}|{registration}"


def end_norm_signals(regs: Iterable[Registration]) -> int:
    """Resolve the open ``waiting_norm`` signals of those of ``regs`` that have left the list
    (care started, or withdrawn), with a note saying so (:func:`regie.engine.access.left_the_list`):
    the situation they asked action for is over. Returns how many."""
    notes = {_norm_key(e.id): note for e in entries(regs) if (note := rules.left_the_list(e))}
    if not notes:
        return 0
    over = list(tm.Signal.objects.filter(kind=rules.SIGNAL, status=tm.Signal.Status.OPEN, key__in=list(notes)))
    for signal in over:
        signal.status, signal.note = tm.Signal.Status.RESOLVED, notes[signal.key]
    tm.Signal.objects.bulk_update(over, ["status", "note"], batch_size=1000)
    return len(over)


def raise_norm_signals(today: dt.date | None = None) -> int:
    """``waiting_norm`` once for each registration past its norm by ``today`` (by its key, so a
    second run adds nothing); the signal of a registration that has left the list is resolved
    (:func:`end_norm_signals`; one raised after it left is stored resolved), so the signals
    are the same whether the traffic arrived at once or day by day, and only those still
    waiting are open. Returns how many were added."""
    today = today or timezone.localdate()
    regs = Registration.objects.select_related("segment", "municipality", "provider")
    by_id = {r.pk: r for r in regs}
    found = rules.norm_signals(entries(by_id.values()), today)
    keys = {_norm_key(s.entry.id): s for s in found}
    existing = set(tm.Signal.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    made = []
    for key, s in keys.items():
        if key in existing:
            continue
        reg = by_id[s.entry.id]
        made.append(
            tm.Signal(
                kind=rules.SIGNAL,
                key=key,
                provider=reg.provider.agb if reg.provider else "",
                municipality=reg.municipality.code,
                segment=reg.segment.code,
                client=reg.client,
                record=f"aanmelding {reg.pk}",
                care_month=reg.registered_on.replace(day=1),
                raised_on=s.raised_on,
                detail={
                    "registration": reg.pk,
                    "urgency": reg.urgency,
                    "registered_on": reg.registered_on.isoformat(),
                    "norm_days": s.norm_days,
                    "norm_due": s.due.isoformat(),
                },
            )
        )
    tm.Signal.objects.bulk_create(made, batch_size=1000)
    end_norm_signals(by_id.values())
    return len(made)


def last_arrival() -> dt.date | None:
    """The latest Dagtekening stored (the day the traffic is known up to)."""
    return tm.Message.objects.aggregate(last=Max("dagtekening"))["last"]


def refresh(today: dt.date | None = None, *, signals: Counter[str] | None = None) -> dict[str, int]:
    """After an ingest: new registrations from the traffic, starts linked, and ``waiting_norm``
    for the registrations past their norm by ``today`` (default: the last stored arrival, as
    ``request_unanswered`` is judged, so the signals follow from the files alone; today when
    nothing has arrived yet). The new signals are added to ``signals`` (an ingest's counts)."""
    with transaction.atomic():
        made = sync_requests()
        started = link_starts()
        raised = raise_norm_signals(today or last_arrival())
    if signals is not None and raised:
        signals[rules.SIGNAL] += raised
    return {"registered": made, "started": started, "waiting_norm": raised}


# --------------------------------------------------------------------------------------------
# Capacity beside the list


def capacity(segment: str, today: dt.date, providers: Sequence[str] | None = None) -> list[rules.Capacity]:
    """Per provider of ``segment``: clients in care on ``today`` (open episodes, distinct
    clients) against the agreed clients of its running contracts, and its assigned backlog."""
    in_care: dict[tuple[str, str], int] = {}
    episodes = tm.Episode.objects.filter(segment=segment, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )
    for agb in sorted(set(episodes.values_list("provider", flat=True))):
        in_care[(agb, segment)] = episodes.filter(provider=agb).values("client").distinct().count()
    agreed: dict[tuple[str, str], int] = defaultdict(int)
    for agb, n in cat.Contract.objects.filter(segment__code=segment, start__lte=today, end__gte=today).values_list(
        "provider__agb", "agreed_clients"
    ):
        agreed[(agb, segment)] += n
    regs = Registration.objects.filter(segment__code=segment, status=Status.ASSIGNED).select_related(
        "segment", "provider"
    )
    rows = rules.capacity(in_care, agreed, rules.backlog(entries(regs)))
    if providers is not None:
        rows = [c for c in rows if c.provider in set(providers)]
    return rows


# --------------------------------------------------------------------------------------------
# For the waiting-time indicators


def requests_frame() -> pl.DataFrame:
    """The registrations made at the registration point (page or API) as requests
    (:data:`regie.engine.frames.REQUESTS`), beside the stored 315s and CSV rows, so the waiting
    time of a started client counts from its registration. A withdrawn registration counts as
    refused from its withdrawal (it does not wait); it arrived the day it was stored."""
    rows = []
    for r in Registration.objects.filter(source=Source.REGISTRATION_POINT).select_related(
        "municipality", "segment", "provider"
    ):
        withdrawn = r.status == Status.WITHDRAWN
        rows.append(
            {
                "request_id": f"registration|{r.pk}",
                "client": r.client,
                "segment": r.segment.code,
                "municipality": r.municipality.code,
                "area": r.area or None,
                "provider": r.provider.agb if r.provider else None,
                "urgency": rules.URGENCIES.index(r.urgency) + 1,
                "registered": r.registered_on,
                "arrival": max(r.registered_on, timezone.localdate(r.created_at)),
                "outcome": "refused" if withdrawn else None,
                "answered": r.withdrawn_on if withdrawn else None,
                "referrer": r.referrer or None,
            }
        )
    return frames.frame("requests", rows)


def referrer_rows(year: int, as_of: dt.date) -> list[dict[str, Any]]:
    """The ``referrers`` indicator per segment for ``year`` as of ``as_of``
    (:func:`regie.engine.access.referrers`): the stored episodes, the requests with the
    registrations of the registration point, and the contracts running in the year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    contracted = [
        (agb, segment, year)
        for agb, segment in cat.Contract.objects.filter(start__lte=last, end__gte=first).values_list(
            "provider__agb", "segment__code"
        )
    ]
    requests = pl.concat([traffic_frames.requests(), requests_frame()])
    return rules.referrers(traffic_frames.episodes(), requests, contracted, year=year, as_of=as_of)
