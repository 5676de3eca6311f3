"""What every page shares: the chosen year and as-of date, filters and sorting from the URL,
names for codes, and charts.

Filters and sorting live in the query string (``?jaar=2025&peildatum=2025-09-30&segment=A
&sort=-forecast``), so a page can be bookmarked and shared. Sorting is done server-side on
the rows a snapshot holds; the column headers are links (keyboard accessible) with
``aria-sort``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regie.catalog import models as cat
from regie.engine.registry import INDICATOR
from regie.site.pages.period import YearAsOf, parse_date, period_for

__all__ = ["YearAsOf", "parse_date", "period_for"]  # the period lives in regie.site.pages.period

Row = dict[str, Any]


def url_with(request: HttpRequest, **changes: Any) -> str:
    """The current URL's query string with ``changes`` applied (None removes a parameter)."""
    params = {k: v for k, v in request.GET.items()}
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


# --------------------------------------------------------------------------------------------
# Sorting


@dataclass(frozen=True)
class Column:
    """A sortable column: its field in the rows, its heading, and whether it is a number."""

    field: str
    label: str
    numeric: bool = False
    sortable: bool = True


def _sort_value(value: Any) -> tuple[int, Any]:
    if value is None or value == "":
        return (1, 0)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    return (0, str(value).lower())


def sort_rows(
    request: HttpRequest, rows: Iterable[Row], columns: Sequence[Column], default: str = ""
) -> tuple[list[Row], str]:
    """``rows`` sorted by ``?sort=field`` (``-field`` descending; empty values last either way)."""
    wanted = request.GET.get("sort", default) or default
    fields = {c.field for c in columns if c.sortable}
    name = wanted.lstrip("-")
    rows = list(rows)
    if name not in fields:
        return rows, ""
    descending = wanted.startswith("-")
    present = [r for r in rows if r.get(name) is not None and r.get(name) != ""]
    missing = [r for r in rows if r.get(name) is None or r.get(name) == ""]
    present.sort(key=lambda r: _sort_value(r.get(name)), reverse=descending)
    return present + missing, wanted


def headers(request: HttpRequest, columns: Sequence[Column], current: str) -> list[dict[str, Any]]:
    """The table headers: label, link that sorts by the column (toggling), aria-sort value."""
    out = []
    for col in columns:
        state = "none"
        if current.lstrip("-") == col.field:
            state = "descending" if current.startswith("-") else "ascending"
        target = f"-{col.field}" if state == "ascending" else col.field
        out.append(
            {
                "label": col.label,
                "numeric": col.numeric,
                "sortable": col.sortable,
                "url": url_with(request, sort=target),
                "aria_sort": state,
                "field": col.field,
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# Names


@dataclass(frozen=True)
class Names:
    """Display names of municipalities, segments and providers by their codes."""

    municipalities: Mapping[str, str]
    segments: Mapping[str, str]
    providers: Mapping[str, str]
    funding_models: Mapping[str, str]
    #: segment code -> domain (jeugd | wmo | participatie)
    domains: Mapping[str, str] = field(default_factory=dict)

    def participation(self, segment: str | None) -> bool:
        """Whether ``segment`` is a participation segment (Participatiewet: trajectories)."""
        return self.domains.get(segment or "") == "participatie"

    def municipality(self, code: str | None) -> str:
        return self.municipalities.get(code or "", code or _("onbekend"))

    def segment(self, code: str | None) -> str:
        return self.segments.get(code or "", code or _("onbekend"))

    def provider(self, agb: str | None) -> str:
        return self.providers.get(agb or "", agb or _("onbekend"))


def names() -> Names:
    segs = list(cat.Segment.objects.values_list("code", "name", "funding_model", "domain"))
    return Names(
        municipalities=dict(cat.Municipality.objects.values_list("code", "name")),
        segments={code: name for code, name, _m, _d in segs},
        providers=dict(cat.Provider.objects.values_list("agb", "name")),
        funding_models={code: model for code, _n, model, _d in segs},
        domains={code: domain for code, _n, _m, domain in segs},
    )


def label_rows(rows: Iterable[Row], nm: Names) -> list[Row]:
    """Rows with display names added beside their codes (``*_name``)."""
    out = []
    for row in rows:
        row = dict(row)
        if "municipality" in row:
            row["municipality_name"] = nm.municipality(row["municipality"])
        if "segment" in row:
            row["segment_name"] = nm.segment(row["segment"])
            row["participation"] = nm.participation(row["segment"])
        if "provider" in row:
            row["provider_name"] = nm.provider(row["provider"])
        out.append(row)
    return out


def only(rows: Iterable[Row], **where: Any) -> list[Row]:
    """Rows whose fields equal every given (non-None) value."""
    wanted = {k: v for k, v in where.items() if v is not None and v != ""}
    return [r for r in rows if all(r.get(k) == v for k, v in wanted.items())]


def choice(request: HttpRequest, name: str, allowed: Iterable[str]) -> str | None:
    """A filter value from the query string, or None when it is not one of ``allowed``."""
    value = request.GET.get(name) or None
    return value if value in set(allowed) else None


def require(condition: bool) -> None:
    """404 unless ``condition``: what a role may not see does not exist for it."""
    if not condition:
        raise Http404


# --------------------------------------------------------------------------------------------
# Charts


def chart_json(spec: Mapping[str, Any]) -> SafeString:
    """A Vega-Lite spec as JSON that is safe inside ``<script type="application/json">``."""
    text = json.dumps(spec, ensure_ascii=False, default=str)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def charts(**specs: Mapping[str, Any] | None) -> dict[str, SafeString]:
    """Template context entries of chart specs (leaving out charts without data)."""
    return {name: chart_json(spec) for name, spec in specs.items() if spec}


Formatter = Callable[[Any], str]


def indicator_label(key: str) -> str:
    """An indicator's heading (:data:`regie.engine.registry.INDICATORS`) in the user's language."""
    return INDICATOR[key].label.get(get_language())
