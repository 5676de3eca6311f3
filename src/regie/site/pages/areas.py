"""The areas of a municipality side by side, and each against a year earlier (the comparison a
Regiemonitor makes): ``/gebieden/``.

Per area (wijk, gebied) the indicators of :mod:`regie.engine.indicators` grouped by
municipality and area (and segment, when one is chosen), as of the chosen date, beside the
same indicators for the year before as of the same day a year earlier: stored snapshots both
(:data:`regie.monitor.services.PREVIOUS_YEAR_GROUPINGS`), compared by
:func:`regie.monitor.figures.year_over_year`.

Municipality staff and the council see it (totals per area, no providers, no clients); a
provider does not (403).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from regie.accounts.models import Role
from regie.engine.registry import INDICATOR
from regie.monitor import services
from regie.monitor.figures import year_over_year
from regie.monitor.models import Snapshot
from regie.reports import charts
from regie.site.pages.common import charts as chart_context
from regie.site.pages.common import choice, indicator_label, names, only, period_for
from regie.site.roles import require_role

#: The indicators compared per area (their headings: :data:`regie.engine.registry.INDICATORS`).
FIELDS = (
    "clients",
    "inflow",
    "outflow",
    "median_duration_days",
    "waiting_median_days",
    "waiting_within_norm_share",
    "sustainable_outflow_rate",
)


def _columns() -> list[dict[str, str]]:
    return [
        {
            "field": f,
            "label": indicator_label(f),
            "kind": "share" if INDICATOR[f].unit == "share" else "number",
            "prev": f"{f}_previous",
            "change": f"{f}_change",
        }
        for f in FIELDS
    ]


@require_role(Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
def areas(request: HttpRequest) -> HttpResponse:
    period = period_for(request)
    nm = names()
    segment = choice(request, "segment", nm.segments)
    by = ("municipality", "segment", "area") if segment else ("municipality", "area")
    total_by = ("municipality", "segment") if segment else ("municipality",)
    current = only(period.indicators(by), segment=segment)
    previous = only(period.rows(Snapshot.Kind.INDICATORS, services.previous_year_key(by)), segment=segment)
    with_areas = sorted({r["municipality"] for r in current}, key=nm.municipality)
    municipality = choice(request, "gemeente", with_areas) or (with_areas[0] if with_areas else None)
    fields = list(FIELDS)
    rows = year_over_year(
        only(current, municipality=municipality), only(previous, municipality=municipality), ["area"], fields
    )
    rows.sort(key=lambda r: (r["area"] is None, str(r["area"] or "").lower()))
    totals = year_over_year(
        only(period.indicators(total_by), municipality=municipality, segment=segment),
        only(
            period.rows(Snapshot.Kind.INDICATORS, services.previous_year_key(total_by)),
            municipality=municipality,
            segment=segment,
        ),
        [],
        fields,
    )
    previous_snapshot = period.snapshot(Snapshot.Kind.INDICATORS, services.previous_year_key(by))
    area_name = _("zonder gebied")
    spec = charts.year_compare_bars(
        [{**r, "label": r["area"] or area_name} for r in rows],
        "clients",
        _("Cliënten per gebied"),
        period.year,
    )
    keep = [(k, v) for k, v in (("gemeente", municipality), ("segment", segment)) if v]
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.INDICATORS, services.grouping_key(by)),
        "previous": previous_snapshot.meta if previous_snapshot else None,
        "keep": keep,
        "rows": rows,
        "total": totals[0] if totals else None,
        "columns": _columns(),
        "municipality": municipality,
        "municipality_name": nm.municipality(municipality) if municipality else "",
        "municipalities": [(code, nm.municipality(code)) for code in with_areas],
        "segments": sorted(nm.segments.items()),
        "chosen": {"gemeente": municipality, "segment": segment},
        "segment_name": nm.segment(segment) if segment else "",
        "chart_specs": chart_context(areas=spec),
        "has_charts": spec is not None,
    }
    return render(request, "regie/areas.html", context)
