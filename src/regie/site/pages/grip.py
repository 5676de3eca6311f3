"""Budget grip: budget vs realised vs forecast per municipality x segment, with the early
warnings and their drivers, drill-down to provider and month, and the forecast's history.

- ``/grip/``: every municipality x segment (municipality staff and the council);
- ``/grip/<gemeente>/<segment>/``: one row: its drivers, how its forecast moved, and (for
  municipality staff) the providers behind it;
- ``/grip/<gemeente>/<segment>/<agb>/``: one provider in it, month by month (municipality staff).

Every figure is a row of a snapshot (:mod:`regie.monitor.services`), the rows of ``regie
forecast``/``regie indicators`` for the same year and as-of date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from regie.monitor.figures import forecast_total, totals_by
from regie.monitor.models import Snapshot
from regie.reports import charts
from regie.reports.drivers import driver_lines
from regie.site.models import Role
from regie.site.pages.common import (
    Column,
    Period,
    choice,
    headers,
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
from regie.site.roles import require_role

MONEY = ("budget", "realised", "ibnr", "remaining", "forecast", "low", "high")


def grip_columns() -> list[Column]:
    return [
        Column("municipality_name", _("Gemeente")),
        Column("segment_name", _("Segment")),
        Column("budget", _("Budget"), True),
        Column("realised", _("Gerealiseerd"), True),
        Column("ibnr", _("Nog te declareren"), True),
        Column("remaining", _("Rest van het jaar"), True),
        Column("forecast", _("Prognose"), True),
        Column("low", _("Bandbreedte laag"), True),
        Column("high", _("Bandbreedte hoog"), True),
        Column("over_budget", _("Verschil met budget"), True),
        Column("warning", _("Signaal")),
    ]


def decorate(rows: list[dict[str, Any]], nm: Any) -> list[dict[str, Any]]:
    """Names, the difference forecast - budget as the engine reports it, and readable drivers."""
    out = []
    for row in label_rows(rows, nm):
        budget, forecast = row.get("budget"), row.get("forecast")
        row["over_budget"] = None if budget is None or forecast is None else forecast - budget
        row["driver_lines"] = driver_lines(row.get("drivers"))
        out.append(row)
    return out


def driving_order(row: Mapping[str, Any]) -> tuple[bool, float, int]:
    """Providers in the order a controller looks at them: warned first, then by how far the
    forecast passes the provider's budget share (the engine's figures), then by forecast."""
    over = row.get("over_budget")
    return (not row.get("warning"), -(over if over is not None else float("-inf")), -(row.get("forecast") or 0))


def _label(row: Mapping[str, Any], with_municipality: bool = True) -> str:
    name = f"{row['segment']} {row.get('segment_name', '')}".strip()
    return f"{row.get('municipality_name', row['municipality'])} · {name}" if with_municipality else name


@require_role(Role.MUNICIPALITY, Role.COUNCIL)
def overview(request: HttpRequest) -> HttpResponse:
    period = period_for(request)
    nm = names()
    municipality = choice(request, "gemeente", nm.municipalities)
    segment = choice(request, "segment", nm.segments)
    rows = decorate(only(period.rows(Snapshot.Kind.FORECAST), municipality=municipality, segment=segment), nm)
    columns = grip_columns()
    sorted_rows, sort = sort_rows(request, rows, columns)
    chart_rows = sorted(rows, key=lambda r: (r["municipality"], r["segment"]))
    spec = charts.grip_chart(chart_rows, {i: _label(r) for i, r in enumerate(chart_rows)})
    keep = [(k, v) for k, v in (("gemeente", municipality), ("segment", segment)) if v]
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.FORECAST),
        "keep": keep,
        "rows": sorted_rows,
        "total": forecast_total(rows) if rows else None,
        "warnings": [r for r in chart_rows if r.get("warning")],
        "headers": headers(request, columns, sort),
        "municipalities": sorted(nm.municipalities.items()),
        "segments": sorted(nm.segments.items()),
        "chosen": {"gemeente": municipality, "segment": segment},
        "chart_specs": chart_context(grip=spec),
        "has_charts": spec is not None,
    }
    return render(request, "regie/grip/overview.html", context)


def _history(period: Period, municipality: str, segment: str) -> list[dict[str, Any]]:
    """The forecast as of each month end, with why it moved (the service's change drivers)."""
    rows = only(period.rows(Snapshot.Kind.FORECAST_HISTORY), municipality=municipality, segment=segment)
    return [
        {**r, "driver_lines": driver_lines(r.get("change_drivers"))}
        for r in sorted(rows, key=lambda r: str(r["as_of"]))
    ]


@require_role(Role.MUNICIPALITY, Role.COUNCIL)
def segment_detail(request: HttpRequest, municipality: str, segment: str) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    period = period_for(request)
    nm = names()
    require(municipality in nm.municipalities and segment in nm.segments)
    row = next(
        iter(decorate(only(period.rows(Snapshot.Kind.FORECAST), municipality=municipality, segment=segment), nm)), None
    )
    history = _history(period, municipality, segment)
    providers: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    if scope.is_municipality:
        providers = decorate(
            only(period.rows(Snapshot.Kind.FORECAST_PROVIDERS), municipality=municipality, segment=segment), nm
        )
        providers.sort(key=driving_order)
        indicators = label_rows(
            only(
                period.indicators(("municipality", "segment", "provider")), municipality=municipality, segment=segment
            ),
            nm,
        )
    segment_indicators = only(
        period.indicators(("municipality", "segment")), municipality=municipality, segment=segment
    )
    monthly = only(period.indicators(("municipality", "segment", "month")), municipality=municipality, segment=segment)
    provider_spec = (
        charts.grip_chart(providers, {i: r["provider_name"] for i, r in enumerate(providers)}) if providers else None
    )
    specs = chart_context(
        history=charts.history_chart(history),
        providers=provider_spec,
        clients=charts.monthly_chart(monthly, "clients", _("Cliënten")),
        inflow=charts.monthly_chart(monthly, "inflow", _("Instroom"), colour="#8a5300"),
    )
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.FORECAST),
        "keep": [],
        "municipality": municipality,
        "municipality_name": nm.municipality(municipality),
        "segment": segment,
        "segment_name": nm.segment(segment),
        "funding_model": nm.funding_models.get(segment),
        "row": row,
        "history": history,
        "providers": providers,
        "indicators": indicators,
        "segment_indicators": segment_indicators[0] if segment_indicators else None,
        "monthly": monthly,
        "chart_specs": specs,
        "has_charts": bool(specs),
    }
    return render(request, "regie/grip/segment.html", context)


@require_role(Role.MUNICIPALITY)
def provider_months(request: HttpRequest, municipality: str, segment: str, agb: str) -> HttpResponse:
    period = period_for(request)
    nm = names()
    require(municipality in nm.municipalities and segment in nm.segments and agb in nm.providers)
    where = {"municipality": municipality, "segment": segment, "provider": agb}
    forecast = next(iter(decorate(only(period.rows(Snapshot.Kind.FORECAST_PROVIDERS), **where), nm)), None)
    months = only(period.indicators(("municipality", "segment", "provider", "month")), **where)
    paid = totals_by(only(period.rows(Snapshot.Kind.PAYMENTS), **where), ["month"], ["amount_cents"])
    declared = totals_by(
        [{**r, "month": r["care_month"]} for r in only(period.rows(Snapshot.Kind.DECLARATIONS), **where)],
        ["month"],
        ["in_time", "late", "rejected", "in_time_cents", "late_cents", "rejected_cents"],
    )
    by_month: dict[str, dict[str, Any]] = {}
    for r in months:
        by_month.setdefault(r["month"], {"month": r["month"]}).update(r)
    for r in paid:
        by_month.setdefault(r["month"], {"month": r["month"]})["paid_cents"] = r["amount_cents"]
    for r in declared:
        by_month.setdefault(r["month"], {"month": r["month"]}).update({k: v for k, v in r.items() if k != "month"})
    table = [by_month[m] for m in sorted(by_month)]
    specs = chart_context(
        paid=charts.monthly_chart(paid, "amount_cents", _("Verschuldigd"), money=True),
        clients=charts.monthly_chart(months, "clients", _("Cliënten")),
    )
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.INDICATORS, "by=municipality,segment,provider,month"),
        "keep": [],
        "municipality": municipality,
        "municipality_name": nm.municipality(municipality),
        "segment": segment,
        "segment_name": nm.segment(segment),
        "provider": agb,
        "provider_name": nm.provider(agb),
        "forecast": forecast,
        "table": table,
        "chart_specs": specs,
        "has_charts": bool(specs),
    }
    return render(request, "regie/grip/provider.html", context)
