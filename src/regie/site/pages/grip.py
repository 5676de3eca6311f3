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

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from regie.accounts.models import Role
from regie.catalog import models as cat
from regie.engine import calendar
from regie.monitor.figures import forecast_total, total_of, totals_by
from regie.monitor.models import Snapshot
from regie.monitor.services import previous_year_key
from regie.reports import charts
from regie.reports.drivers import basis_name, budget_basis, compared_lines, driver_lines
from regie.site.pages import crossdomain as crossdomain_page
from regie.site.pages.common import (
    Column,
    YearAsOf,
    choice,
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
from regie.site.roles import require_role

MONEY = ("budget", "realised", "advances", "ibnr", "remaining", "forecast", "low", "high")


def grip_columns() -> list[Column]:
    return [
        Column("municipality_name", _("Gemeente")),
        Column("segment_name", _("Segment")),
        Column("budget", _("Budget"), True),
        Column("realised", _("Gerealiseerd"), True),
        Column("advances", _("Voorschotten"), True),
        Column("ibnr", _("Nog te declareren"), True),
        Column("remaining", _("Rest van het jaar"), True),
        Column("forecast", _("Prognose"), True),
        Column("low", _("Bandbreedte laag"), True),
        Column("high", _("Bandbreedte hoog"), True),
        Column("over_budget", _("Verschil met budget"), True),
        Column("warning", _("Signaal")),
    ]


def decorate(
    rows: list[dict[str, Any]], nm: Any, ceilings: set[tuple[str, str, str]] | None = None
) -> list[dict[str, Any]]:
    """Names, the difference forecast - budget as the engine reports it, and readable drivers.

    A provider row (``ceilings`` given: the (municipality, segment, provider) whose contract
    has a ceiling) also says what its budget is (``basis``, ``basis_name``: its agreement,
    contract ceiling, lump sum or share of the budget); every row's drivers leave out "budget
    versus last year" where it has no budget. Every row says whether it has advances
    (per-client price) and whether a part of it is negative (the page then says why)."""
    out = []
    for row in label_rows(rows, nm):
        budget, forecast = row.get("budget"), row.get("forecast")
        row["over_budget"] = None if budget is None or forecast is None else forecast - budget
        basis = None
        if ceilings is not None and row.get("provider"):
            has_ceiling = (row["municipality"], row["segment"], row["provider"]) in ceilings
            basis = budget_basis(row.get("funding_model") or nm.funding_models.get(row["segment"]), has_ceiling)
            row["basis"], row["basis_name"] = basis, basis_name(basis)
            row["basis_short"] = basis_name(basis, short=True)
        row["driver_lines"] = compared_lines(driver_lines(row.get("drivers")), budget, basis)
        # What the warning compares with (warning.py): the budget minus its reserve (a
        # provider's budget as it is), and for lump sum and population the clients too.
        limit = row.get("ceiling") if row.get("ceiling") is not None else budget
        row["limit"] = limit
        if basis is not None:
            row["limit_name"] = row["basis_name"]
        elif limit is not None and limit != budget:
            row["limit_name"] = _("het budget min de reserve")
        else:
            row["limit_name"] = _("het budget")
        high = row.get("high")
        row["over_limit"] = None if limit is None or forecast is None else forecast - limit
        row["high_over_limit"] = None if limit is None or high is None else high - limit
        clients = row.get("clients") or {}
        expected = clients.get("expected")
        row["clients_over"] = (
            row.get("funding_model") in ("lump_sum", "population")
            and expected is not None
            and clients.get("high") is not None
            and clients["high"] > expected
        )
        row["has_advances"] = row.get("funding_model") == "per_client"
        row["negative_part"] = any((row.get(k) or 0) < 0 for k in ("ibnr", "remaining"))
        out.append(row)
    return out


def contract_ceilings(year: int | None) -> set[tuple[str, str, str]]:
    """(municipality, segment, provider) of the year's contracts that have a ceiling."""
    if year is None:
        return set()
    qs = cat.Contract.objects.filter(ceiling__gt=0, start__lte=dt.date(year, 12, 31), end__gte=dt.date(year, 1, 1))
    return {(m, s, p) for m, s, p in qs.values_list("municipalities__code", "segment__code", "provider__agb")}


def _with_advances(total: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The totals row with the advances of the per-client rows added up (None without any)."""
    paid = [r.get("advances") or 0 for r in rows if r["has_advances"]]
    return {**total, "advances": sum(paid) if paid else None}


def driving_order(row: Mapping[str, Any]) -> tuple[bool, float, int]:
    """Providers in the order a controller looks at them: warned first, then by how far the
    forecast passes the provider's budget share (the engine's figures), then by forecast."""
    over = row.get("over_budget")
    return (not row.get("warning"), -(over if over is not None else float("-inf")), -(row.get("forecast") or 0))


def _label(row: Mapping[str, Any], with_municipality: bool = True) -> str:
    name = f"{row['segment']} {row.get('segment_name', '')}".strip()
    return f"{row.get('municipality_name', row['municipality'])} · {name}" if with_municipality else name


@require_role(Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
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
        "total": _with_advances(forecast_total(rows), rows) if rows else None,
        "warnings": [r for r in chart_rows if r.get("warning")],
        "has_advances": any(r["has_advances"] for r in rows),
        "negative_parts": any(r["negative_part"] for r in rows),
        "headers": headers(request, columns, sort),
        "municipalities": sorted(nm.municipalities.items()),
        "segments": sorted(nm.segments.items()),
        "chosen": {"gemeente": municipality, "segment": segment},
        "chart_specs": chart_context(grip=spec),
        "has_charts": spec is not None,
        "across_domains": _across_domains(request, period, municipality),
    }
    return render(request, "regie/grip/overview.html", context)


def _across_domains(request: HttpRequest, period: YearAsOf, municipality: str | None) -> dict[str, Any] | None:
    """The client across domains in short (municipality staff only; the page links to it)."""
    if not request.scope.is_municipality:  # type: ignore[attr-defined]
        return None
    rows = period.rows(Snapshot.Kind.CROSS_DOMAIN)
    return crossdomain_page.summary(next((r for r in rows if r["municipality"] == municipality), None))


def _history(period: YearAsOf, municipality: str, segment: str) -> list[dict[str, Any]]:
    """The forecast as of each month end, with why it moved (the service's change drivers)."""
    rows = only(period.rows(Snapshot.Kind.FORECAST_HISTORY), municipality=municipality, segment=segment)
    return [
        {**r, "driver_lines": compared_lines(driver_lines(r.get("change_drivers")), r.get("budget"))}
        for r in sorted(rows, key=lambda r: str(r["as_of"]))
    ]


def complete_months(rows: list[dict[str, Any]], as_of: dt.date) -> tuple[list[dict[str, Any]], dt.date | None]:
    """The per-month rows of the months that had ended by ``as_of``, and the month ``as_of``
    falls in when it had not (None on a month end): a chart per month leaves that month out, a
    few days beside whole months would read as a dip.

    >>> rows = [{"month": "2025-06-01"}, {"month": "2025-07-01"}]
    >>> complete_months(rows, dt.date(2025, 7, 3))
    ([{'month': '2025-06-01'}], datetime.date(2025, 7, 1))
    >>> len(complete_months(rows, dt.date(2025, 7, 31))[0]), complete_months(rows, dt.date(2025, 7, 31))[1]
    (2, None)
    """
    if calendar.month_end(as_of) == as_of:
        return rows, None
    current = calendar.month_start(as_of)
    return [r for r in rows if dt.date.fromisoformat(str(r["month"])[:10]) < current], current


@require_role(Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
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
            only(period.rows(Snapshot.Kind.FORECAST_PROVIDERS), municipality=municipality, segment=segment),
            nm,
            contract_ceilings(period.year),
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
    monthly_before = only(
        period.rows(Snapshot.Kind.INDICATORS, previous_year_key(("municipality", "segment", "month"))),
        municipality=municipality,
        segment=segment,
    )
    provider_spec = (
        charts.grip_chart(
            providers,
            {i: r["provider_name"] for i, r in enumerate(providers)},
            budget_name=_("Budget van de aanbieder"),
        )
        if providers
        else None
    )
    ended, open_month = complete_months(monthly, period.as_of)
    specs = chart_context(
        history=charts.history_chart(history),
        providers=provider_spec,
        clients=charts.monthly_chart(ended, "clients", indicator_label("clients")),
        inflow=charts.monthly_chart(ended, "inflow", indicator_label("inflow"), colour="#8a5300"),
        outflow=charts.year_compare_lines(ended, monthly_before, "outflow", indicator_label("outflow"), period.year),
        waiting=charts.year_compare_lines(
            ended, monthly_before, "waiting_median_days", _("Wachttijd (mediaan)"), period.year, unit=_("dagen")
        ),
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
        "participation": nm.participation(segment),
        "labels": {key: indicator_label(key) for key in ("work_or_education_share", "sustainable_outflow_rate")},
        "row": row,
        "history": history,
        "shows_history": True,  # the period's note says when the history is still computed
        "providers": providers,
        "has_advances": any(r["has_advances"] for r in [*providers, *([row] if row else [])]),
        "negative_parts": any(r["negative_part"] for r in [*providers, *([row] if row else [])]),
        "indicators": indicators,
        "segment_indicators": segment_indicators[0] if segment_indicators else None,
        "monthly": monthly,
        "open_month": open_month,
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
    forecast = next(
        iter(
            decorate(only(period.rows(Snapshot.Kind.FORECAST_PROVIDERS), **where), nm, contract_ceilings(period.year))
        ),
        None,
    )
    months = only(period.indicators(("municipality", "segment", "provider", "month")), **where)
    ended, open_month = complete_months(months, period.as_of)
    payments = only(period.rows(Snapshot.Kind.PAYMENTS), **where)
    paid = totals_by(payments, ["month"], ["amount_cents"])
    by_kind = totals_by(payments, ["month", "kind"], ["amount_cents"])
    kinds = [k for k in charts.PAYMENT_KINDS if any(r["kind"] == k for r in by_kind)]
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
    for r in by_kind:
        by_month.setdefault(r["month"], {"month": r["month"]}).setdefault("kinds", {})[r["kind"]] = r["amount_cents"]
    for r in declared:
        by_month.setdefault(r["month"], {"month": r["month"]}).update({k: v for k, v in r.items() if k != "month"})
    table = [by_month[m] for m in sorted(by_month)]
    specs = chart_context(
        paid=charts.payments_chart(payments, _("Verschuldigd")),
        clients=charts.monthly_chart(ended, "clients", indicator_label("clients")),
    )
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.INDICATORS, "by=municipality,segment,provider,month"),
        "open_month": open_month,
        "keep": [],
        "municipality": municipality,
        "municipality_name": nm.municipality(municipality),
        "segment": segment,
        "segment_name": nm.segment(segment),
        "provider": agb,
        "provider_name": nm.provider(agb),
        "forecast": forecast,
        "table": table,
        "kinds": [(k, _(charts.PAYMENT_KINDS[k][0])) for k in kinds] if len(kinds) > 1 else [],
        "total": total_of(table, ["inflow", "outflow", "paid_cents", "in_time", "late", "rejected"]),
        "kind_totals": {r["kind"]: r["amount_cents"] for r in totals_by(payments, ["kind"], ["amount_cents"])},
        "chart_specs": specs,
        "has_charts": bool(specs),
    }
    return render(request, "regie/grip/provider.html", context)
