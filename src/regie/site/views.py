"""Pages of the shell: login, home."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from regie.catalog import models as cat
from regie.monitor.figures import forecast_total, total_of
from regie.monitor.models import Snapshot
from regie.relations import services as relations
from regie.site.pages.common import label_rows, names, only, period_for
from regie.site.pages.signals import open_card
from regie.site.roles import EVERY_ROLE, require_role


@require_role(*EVERY_ROLE)
def home(request: HttpRequest) -> HttpResponse:
    """The region at a glance: what needs attention, segments, contracts and budgets, as far as
    the role may see; contracts and budgets of the year the figures are for (all years before
    any figures are computed)."""
    scope = request.scope  # type: ignore[attr-defined]
    today = _today(request, scope)
    year = today["period"].year
    contracts = scope.providers(
        cat.Contract.objects.select_related("provider", "segment").prefetch_related("municipalities")
    )
    if year is not None:
        contracts = contracts.filter(start__lte=dt.date(year, 12, 31), end__gte=dt.date(year, 1, 1))
    # Counted from the contracts listed below (the year's, the provider's own), one per contract.
    counts = Counter(contracts.values_list("segment_id", flat=True))
    segments = [s for s in cat.Segment.objects.all() if counts[s.pk] or not scope.is_provider]
    for s in segments:
        s.n_contracts = counts[s.pk]  # type: ignore[attr-defined]
    today["headline"] = _headline(today["period"], scope, sum(counts.values()))
    context: dict[str, Any] = {
        "region": cat.Region.objects.order_by("pk").first(),
        "municipalities": cat.Municipality.objects.prefetch_related("areas"),
        "segments": segments,
        "contracts": [] if scope.is_council else contracts,
        "budgets": [],
        "budget_years": [],
    }
    if not scope.is_provider:
        budgets = cat.Budget.objects.select_related("municipality", "segment").order_by(
            "-year", "municipality__code", "segment__code"
        )
        context["budgets"] = budgets if year is None else budgets.filter(year=year)
        if year is not None:
            context["budget_total"] = total_of(context["budgets"].values("amount", "reserve"), ["amount", "reserve"])
        context["budget_years"] = list(
            cat.Budget.objects.values("year").annotate(total=Sum("amount")).order_by("-year")
        )
    context.update(today)
    context["year"] = year
    return render(request, "regie/home.html", context)


def _headline(period: Any, scope: Any, contracts: int) -> dict[str, Any]:
    """The year's totals as of the period's date, as far as the role may see them: budget,
    realised, forecast and the difference for the municipality and the council (the
    forecast snapshot's rows added up); for a provider its contracts, what its ledger holds
    and its own forecast."""
    if not period.ready:
        return {}
    if scope.is_provider:
        own = {"provider": scope.provider_agb}
        paid = total_of(only(period.rows(Snapshot.Kind.LEDGER), **own), ["paid_cents"])
        forecast = total_of(only(period.rows(Snapshot.Kind.FORECAST_PROVIDERS), **own), ["realised", "forecast"])
        return {"contracts": contracts, "paid": paid["paid_cents"], **forecast}
    return forecast_total(period.rows(Snapshot.Kind.FORECAST))


def _today(request: HttpRequest, scope: Any) -> dict[str, Any]:
    """What needs attention, from the latest snapshots: the early warnings (municipality and
    council) and the open data-quality signals (municipality, or the provider's own) raised in
    the overview's year (this year before there are figures) and before it."""
    period = period_for(request)
    out: dict[str, Any] = {"period": period, "warnings": [], "open_signals": None}
    if period.ready and not scope.is_provider:
        rows = [r for r in period.rows(Snapshot.Kind.FORECAST) if r.get("warning")]
        out["warnings"] = sorted(label_rows(rows, names()), key=lambda r: (r["municipality"], r["segment"]))
    if not scope.is_council:
        out["open_signals"] = open_card(scope, period.year or timezone.localdate().year)
    if scope.is_staff:
        out["dialogues_due"] = relations.due_list(scope)
    return out
