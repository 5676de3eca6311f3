"""Provider scorecards and the provider page.

- ``/aanbieders/``: every provider x segment with its indicators against the segment's peers
  (median and spread) and agreed vs realised (municipality staff; a provider user is sent to
  its own page);
- ``/aanbieders/<agb>/``: one provider: scorecard per segment with peers and trend, forecast,
  contracts, ledger, declarations (in time / late / rejected), inflow requests and signals.
  A provider user sees only its own page (404 for another's); the council sees none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regie.accounts.models import Role
from regie.catalog import models as cat
from regie.engine import frames
from regie.engine.consortia import per_member
from regie.funding import models as fm
from regie.intake.answers import refusal_label
from regie.monitor.figures import totals_by
from regie.monitor.models import Snapshot
from regie.relations import agenda
from regie.reports import cards as cardlib
from regie.reports import charts
from regie.reports.documents import TREND_SERIES
from regie.site.pages.common import (
    Column,
    headers,
    indicator_label,
    label_rows,
    names,
    only,
    period_for,
    require,
    sort_rows,
)
from regie.site.pages.common import (
    charts as chart_context,
)
from regie.site.pages.grip import contract_ceilings, decorate
from regie.site.roles import require_role
from regie.traffic import frames as traffic_frames
from regie.traffic import models as tm

#: The indicators in the list of providers, in order.
LIST_INDICATORS = (
    "clients",
    "agreed_clients",
    "inflow",
    "outflow",
    "median_duration_days",
    "sustainable_outflow_rate",
    "waiting_median_days",
    "cost_per_client_cents",
)


def list_columns() -> list[Column]:
    return [
        Column("provider_name", _("Aanbieder")),
        Column("segment", _("Segment")),
        *(Column(key, indicator_label(key), True) for key in LIST_INDICATORS),
        Column("signals_open", _("Open signalen"), True),
    ]


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def provider_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    if scope.is_provider:
        return HttpResponseRedirect(reverse("provider", args=[scope.provider_agb]))
    period = period_for(request)
    nm = names()
    cards = [cardlib.flat(c) for c in period.rows(Snapshot.Kind.SCORECARDS) if scope.sees_provider(c["provider"])]
    segment = request.GET.get("segment") or None
    if segment not in nm.segments:
        segment = None
    open_signals = {  # a row is a provider in a segment: the open signals of that segment
        (provider, seg): n
        for provider, seg, n in tm.Signal.objects.filter(status=tm.Signal.Status.OPEN)
        .values_list("provider", "segment")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = label_rows(only(cards, segment=segment), nm)
    for row in rows:
        row["signals_open"] = open_signals.get((row["provider"], row["segment"]), 0)
    columns = list_columns()
    rows, sort = sort_rows(request, rows, columns, default="provider_name")
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.SCORECARDS),
        "keep": [("segment", segment)] if segment else [],
        "rows": rows,
        "headers": headers(request, columns, sort),
        "segments": sorted(nm.segments.items()),
        "segment": segment,
        "names": nm,
    }
    return render(request, "regie/providers/list.html", context)


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def provider_detail(request: HttpRequest, agb: str) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    require(scope.sees_provider(agb))
    provider = get_object_or_404(cat.Provider, agb=agb)
    period = period_for(request)
    nm = names()
    raw_cards = only(period.rows(Snapshot.Kind.SCORECARDS), provider=agb)
    lines = cardlib.lines(raw_cards, get_language())
    cards = label_rows(
        [{**cardlib.flat(c), "lines": [x for x in lines if x["segment"] == c["segment"]]} for c in raw_cards], nm
    )
    monthly = label_rows(only(period.indicators(("provider", "segment", "month")), provider=agb), nm)
    ledger = label_rows(only(period.rows(Snapshot.Kind.LEDGER), provider=agb), nm)
    payments = only(period.rows(Snapshot.Kind.PAYMENTS), provider=agb)
    declarations = only(period.rows(Snapshot.Kind.DECLARATIONS), provider=agb)
    forecast = decorate(
        only(period.rows(Snapshot.Kind.FORECAST_PROVIDERS), provider=agb), nm, contract_ceilings(period.year)
    )
    contracts = (
        cat.Contract.objects.filter(provider=provider)
        .select_related("segment")
        .prefetch_related("municipalities")
        .order_by("-start", "segment__code")
    )
    requests_ = fm.InflowRequest.objects.filter(contract__provider=provider).select_related("contract")
    care_requests, care_counts = _care_requests(agb)
    signals = tm.Signal.objects.filter(provider=agb).select_related("message")
    signal_counts = list(signals.values("kind", "status").annotate(n=Count("pk")).order_by("kind", "status"))
    kinds = dict(tm.Signal.Kind.choices)
    statuses = dict(tm.Signal.Status.choices)
    decl_month = totals_by(
        [{**r, "month": r["care_month"]} for r in declarations],
        ["month"],
        ["in_time", "late", "rejected", "in_time_cents", "late_cents", "rejected_cents"],
    )
    context: dict[str, Any] = {
        "provider": provider,
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.INDICATORS, "by=provider,segment,month"),
        "cards": cards,
        "monthly": monthly,
        "ledger": ledger,
        "declarations": decl_month,
        "forecast": forecast,
        "contracts": contracts,
        "requests": requests_,
        "care_requests": care_requests,
        "care_request_counts": care_counts,
        "care_requests_latest": CARE_REQUESTS_SHOWN,
        "care_requests_total": sum(n for _label, n in care_counts),
        "signal_counts": [
            {"kind": kinds.get(r["kind"], r["kind"]), "status": statuses.get(r["status"], r["status"]), "n": r["n"]}
            for r in signal_counts
        ],
        "signals": signals.order_by("-raised_on", "-pk")[:10],
        "names": nm,
        "member_figures": _member_figures(provider, period),
        "can_file": scope.is_provider,
        "targets": [
            cardlib.target_line(t, get_language())
            for t in agenda.target_results(provider, period.snapshot(Snapshot.Kind.SCORECARDS))
        ],
    }
    specs = {
        "chart_paid": charts.payments_chart(payments, _("Verschuldigd")),
        "chart_declared": charts.monthly_chart(decl_month, "late", _("Te laat gedeclareerde regels"), colour="#a4262c")
        if any(r["late"] for r in decl_month)
        else None,
    }
    for card in cards:
        series = {field: indicator_label(field) for field in TREND_SERIES}
        spec = charts.trend_chart(card.get("trend", []), series, _("Cliënten, instroom en uitstroom"))
        if spec:
            specs[f"chart_trend_{card['segment']}"] = spec
    context["chart_specs"] = chart_context(**specs)
    context["has_charts"] = bool(context["chart_specs"])
    return render(request, "regie/providers/detail.html", context)


def _member_figures(provider: cat.Provider, period: Any) -> list[dict[str, Any]]:
    """A consortium's figures per member AGB code in the period's year as of its date
    (:func:`regie.engine.consortia.per_member`, over the traffic as it was sent); none for
    a provider without members or a period without figures."""
    if not provider.members or not period.ready:
        return []
    first, last = dt.date(period.year, 1, 1), min(dt.date(period.year, 12, 31), period.as_of)
    episodes = frames.as_of(traffic_frames.episodes(provider.agb, as_sent=True), "episodes", period.as_of)
    lines = frames.as_of(traffic_frames.declarations(provider.agb, as_sent=True), "declarations", period.as_of)
    lump = sum(c.lump_sum for c in provider.contracts.filter(start__lte=last, end__gte=first))
    members = {m: provider.agb for m in provider.members}
    return per_member(episodes, lines, provider.agb, members, first, last, lump)


#: The provider's requests for allocation or change shown on its page (the latest first).
CARE_REQUESTS_SHOWN = 50


def _care_requests(agb: str) -> tuple[list[dict[str, Any]], list[tuple[str, int]]]:
    """The provider's requests (315/317), one per ReferentieAanbieder, latest first, with their
    answer: granted (a 301), refused with the reason of the 319 (code and label), in
    investigation or unanswered; and the number per answer."""
    mine = tm.Request.objects.filter(provider=agb, kind__in=("315", "317"))
    rows = (
        mine.values("request_id", "kind", "segment", "registered", "outcome", "refusal_reason", "answered")
        .distinct()
        .order_by("-registered", "request_id")
    )
    labels = dict(tm.Request.Outcome.choices)
    counts = mine.values("outcome").annotate(n=Count("request_id", distinct=True)).order_by("outcome")
    latest = list(rows[:CARE_REQUESTS_SHOWN])
    # a request not granted stays in sight however old: the counts above the table name it
    waiting = [r for r in rows.exclude(outcome=tm.Request.Outcome.GRANTED) if r not in latest]
    chosen = sorted(
        sorted(latest + waiting, key=lambda r: r["request_id"]), key=lambda r: r["registered"], reverse=True
    )
    shown = [
        {
            **r,
            "reference": r["request_id"].partition("|")[2],
            "outcome_label": labels.get(r["outcome"], r["outcome"]),
            "reason_label": refusal_label(r["refusal_reason"]) if r["refusal_reason"] else "",
        }
        for r in chosen
    ]
    return shown, [(str(labels.get(c["outcome"], c["outcome"])), c["n"]) for c in counts]
