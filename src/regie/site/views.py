"""Pages of the shell: login, home."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from regie.catalog import models as cat
from regie.site.roles import ALL_ROLES, require_role


@require_role(*ALL_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    """The region at a glance: segments, contracts and budgets, as far as the role may see."""
    scope = request.scope  # type: ignore[attr-defined]
    contracts = scope.providers(
        cat.Contract.objects.select_related("provider", "segment").prefetch_related("municipalities")
    )
    segments = cat.Segment.objects.annotate(n_contracts=Count("contracts"))
    if scope.is_provider:
        segments = segments.filter(contracts__provider=scope.provider_id).distinct()
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
        context["budgets"] = budgets
        context["budget_years"] = list(
            cat.Budget.objects.values("year").annotate(total=Sum("amount")).order_by("-year")
        )
    return render(request, "regie/home.html", context)
