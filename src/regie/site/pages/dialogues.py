"""Dialogues with providers and their agreements (domain.md section 10; issue 14).

- ``/gesprekken/``: the providers whose dialogue is due or overdue (staff), the dialogues
  planned and held, and the form to plan one (staff); a provider sees its own dialogues;
- ``/gesprekken/<id>/``: one dialogue: its agenda with the figures of its day, the items
  people added, notes, the agreements made there and those carried over, with what the
  caller may do to each;
- ``/gesprekken/<id>.pdf``: the dialogue on one page, to send to the provider afterwards;
- ``/afspraken/``: the agreements (filter by provider and state), ``/afspraken.xlsx`` as Excel.

Who may do what is decided in :mod:`regie.relations.services`: municipality staff, and a
relationship manager for its providers, plan and write; the provider adds agenda items before
the date, comments and marks its own agreements done; the council sees none of it (403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages as flash
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regie.accounts.audit import audit
from regie.accounts.models import Role
from regie.catalog import models as cat
from regie.relations import agenda as agendalib
from regie.relations import services as rel
from regie.relations.models import Agreement, Dialogue
from regie.reports import cards as cardlib
from regie.reports import dialogues as documents
from regie.site.errors import forbidden
from regie.site.pages.common import names
from regie.site.roles import require_role

STAFF = (Role.MUNICIPALITY, Role.RELATIONSHIP_MANAGER)
SIDES = (*STAFF, Role.PROVIDER)
T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The states of an agreement as people read them.
STATES = {
    "open": gettext_lazy("open"),
    "overdue": gettext_lazy("te laat"),
    "done": gettext_lazy("gereed gemeld, te bevestigen"),
    "confirmed": gettext_lazy("gereed (bevestigd)"),
}


def _today() -> dt.date:
    return timezone.localdate()


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def acting(request: HttpRequest, action: Callable[[], Any], back: str, done: str) -> HttpResponse:
    """Run one write of the services and answer as a page does: 404 for what the caller does
    not see, 403 for what its role may not do, the reason for a refused request."""
    try:
        action()
    except rel.NotFound:
        raise Http404 from None
    except rel.NotAllowed:
        return forbidden(request)
    except rel.Refused as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, done)
    return HttpResponseRedirect(back)


def seen(find: Callable[[], T]) -> T:
    """What a service finds for the caller (``find()``): 404 for what the caller does not see."""
    try:
        return find()
    except rel.NotFound:
        raise Http404 from None


def _dialogue(request: HttpRequest, pk: int) -> Dialogue:
    return seen(lambda: rel.dialogue(request.scope, pk))  # type: ignore[attr-defined]


def _agreement_row(a: Agreement, today: dt.date) -> dict[str, Any]:
    state = a.state(today)
    return {"a": a, "state": state, "state_label": STATES[state]}


@require_role(*SIDES)
def dialogue_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    today = _today()
    visible = rel.dialogues(scope).annotate(n_agreements=Count("agreements"))
    provider = request.GET.get("aanbieder") or None
    if provider:
        visible = visible.filter(provider__agb=provider)
    providers = scope.providers(cat.Provider.objects.all(), field="pk").order_by("name")
    context = {
        "today": today,
        "due": rel.due_list(scope, today),
        "upcoming": visible.filter(date__gte=today).order_by("date", "pk"),
        "held": visible.filter(date__lt=today).order_by("-date", "-pk")[:50],
        "providers": providers,
        "provider": provider,
        "can_plan": rel.is_staff(scope),
        "open_agreements": [
            _agreement_row(a, today) for a in rel.agreements(scope).filter(confirmed_at__isnull=True)[:200]
        ],
    }
    return render(request, "regie/dialogues/list.html", context)


@require_role(*STAFF)
@require_POST
def dialogue_plan(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    day = _date(request.POST.get("date"))
    agb = request.POST.get("provider", "")
    if day is None:
        flash.error(request, _("Kies een datum voor het gesprek."))
        return HttpResponseRedirect(reverse("dialogues"))
    d = seen(lambda: rel.plan(scope, request.user, agb, day))
    flash.success(request, _("Gesprek gepland; de agenda is gevuld met de cijfers van vandaag."))
    return HttpResponseRedirect(reverse("dialogue", args=[d.pk]))


def agenda_context(d: Dialogue, today: dt.date) -> dict[str, Any]:
    """The dialogue's agenda as the page and the PDF show it: the stored items with their
    titles, the scorecard's lines per segment, the carried agreements with their state now."""
    nm = names()
    items = agendalib.titled(d.agenda)
    by_kind = {i["kind"]: i for i in items}
    scorecard = by_kind.get("scorecard", {})
    cards = [
        {"segment": c["segment"], "segment_name": nm.segment(c["segment"]), "lines": cardlib.lines([c], get_language())}
        for c in scorecard.get("cards", [])
    ]
    for row in by_kind.get("forecast", {}).get("rows", []):
        row["municipality_name"] = nm.municipality(row.get("municipality"))
    carried_ids = [x["id"] for x in by_kind.get("agreements", {}).get("items", [])]
    live = {a.pk: a for a in Agreement.objects.filter(pk__in=carried_ids)}
    carried = [
        {**x, "state_label": STATES.get(x["state"], x["state"]), "now": _agreement_row(live[x["id"]], today)}
        for x in by_kind.get("agreements", {}).get("items", [])
        if x["id"] in live
    ]
    targets = [cardlib.target_line(t, get_language()) for t in by_kind.get("targets", {}).get("items", [])]
    return {"items": items, "by_kind": by_kind, "cards": cards, "carried": carried, "targets": targets}


@require_role(*SIDES)
def dialogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    d = _dialogue(request, pk)
    today = _today()
    context = {
        "d": d,
        "today": today,
        **agenda_context(d, today),
        "added": d.items.select_related("added_by"),
        "notes": d.notes.select_related("author"),
        "agreements": [_agreement_row(a, today) for a in d.agreements.prefetch_related("comments")],
        "is_staff": rel.is_staff(scope),
        "can_add_item": rel.is_staff(scope) or today < d.date,
        "owners": Agreement.Owner.choices,
        "default_due": d.date + dt.timedelta(weeks=d.provider.dialogue_every_weeks),
    }
    return render(request, "regie/dialogues/detail.html", context)


@require_role(*SIDES)
@require_POST
def dialogue_write(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Add an agenda item (``punt``), a note (``notitie``) or an agreement (``afspraak``)."""
    scope = request.scope  # type: ignore[attr-defined]
    d = _dialogue(request, pk)
    back = reverse("dialogue", args=[d.pk])
    text = request.POST.get("text", "")
    if what == "punt":
        return acting(request, lambda: rel.add_item(scope, request.user, d, text), back, _("Agendapunt toegevoegd."))
    if what == "notitie":
        return acting(request, lambda: rel.add_note(scope, request.user, d, text), back, _("Notitie opgeslagen."))
    if what != "afspraak":
        raise Http404
    due = _date(request.POST.get("due"))
    if due is None:
        flash.error(request, _("Kies de datum waarop de afspraak gereed moet zijn."))
        return HttpResponseRedirect(back)
    owner = request.POST.get("owner", "")
    return acting(
        request,
        lambda: rel.make_agreement(scope, request.user, d, text, owner, due),
        back,
        _("Afspraak vastgelegd."),
    )


@require_role(*SIDES)
@require_POST
def agreement_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an agreement done, confirm, reopen or comment on it (``action``)."""
    scope = request.scope  # type: ignore[attr-defined]
    a = seen(lambda: rel.agreement(scope, pk))
    back = request.POST.get("next") or reverse("dialogue", args=[a.dialogue_id])
    if not back.startswith("/"):
        back = reverse("dialogue", args=[a.dialogue_id])
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "done": (lambda: rel.mark_done(scope, request.user, a), _("Afspraak gereed gemeld.")),
        "confirm": (lambda: rel.confirm(scope, request.user, a), _("Afspraak bevestigd.")),
        "reopen": (lambda: rel.reopen(scope, request.user, a), _("Afspraak weer open gezet.")),
        "comment": (
            lambda: rel.comment(scope, request.user, a, request.POST.get("text", "")),
            _("Opmerking geplaatst."),
        ),
    }
    chosen = actions.get(request.POST.get("action", ""))
    if chosen is None:
        raise Http404
    return acting(request, chosen[0], back, chosen[1])


@require_role(*SIDES)
def agreement_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    today = _today()
    rows = _agreements(request, today)
    context = {
        "rows": rows,
        "today": today,
        "states": STATES,
        "state": request.GET.get("status") or "",
        "provider": request.GET.get("aanbieder") or "",
        "providers": scope.providers(cat.Provider.objects.all(), field="pk").order_by("name"),
        "query": request.GET.urlencode(),
    }
    return render(request, "regie/dialogues/agreements.html", context)


def _agreements(request: HttpRequest, today: dt.date) -> list[dict[str, Any]]:
    """The caller's agreements, filtered by ``?aanbieder=`` and ``?status=`` (a state)."""
    qs = rel.agreements(request.scope).prefetch_related("comments")  # type: ignore[attr-defined]
    provider = request.GET.get("aanbieder")
    if provider:
        qs = qs.filter(provider__agb=provider)
    rows = [_agreement_row(a, today) for a in qs.order_by("provider__name", "due", "pk")]
    state = request.GET.get("status")
    return [r for r in rows if r["state"] == state] if state in STATES else rows


@require_role(*SIDES)
def agreements_xlsx(request: HttpRequest) -> HttpResponse:
    today = _today()
    rows = _agreements(request, today)
    body = documents.agreements_xlsx(
        [{**documents.agreement_row(r["a"]), "state": str(r["state_label"])} for r in rows], today
    )
    audit(request.user, "report.agreements.xlsx", _("Afspraken"), provider=request.GET.get("aanbieder", ""))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="afspraken-{today:%Y%m%d}.xlsx"'
    return response


@require_role(*SIDES)
def dialogue_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    d = _dialogue(request, pk)
    today = _today()
    context = agenda_context(d, today)
    body = documents.dialogue_pdf(d, context, [_agreement_row(a, today) for a in d.agreements.all()])
    audit(request.user, "report.dialogue.pdf", f"{d.provider.agb} {d.date:%Y-%m-%d}", dialogue=d.pk)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gesprek-{d.provider.agb}-{d.date:%Y%m%d}.pdf"'
    return response
