"""Vega-Lite charts with Dutch labels, for the pages (rendered in the browser by the vendored
vega-embed) and the PDF reports (rendered to SVG here with ``vl-convert-python``).

Each function takes rows as a snapshot holds them and returns a Vega-Lite specification; the
figures in it are the snapshot's, only scaled to the axis unit (thousands or millions of
euros). Tooltips carry the exact amounts formatted the Dutch way (``€ 1.234.567``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import vl_convert
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from regie.formatting import euro, number, percent
from regie.monitor.figures import month_label as dutch_month

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
INK, MUTED, BRAND, WARN = "#1b2430", "#4d5a6a", "#0b4f8a", "#a4262c"
#: Realised, still to arrive for past months (IBNR), the rest of the year (Dutch names; shown
#: through :func:`part_name` in the user's language).
PARTS = (
    ("realised", "Gerealiseerd", "#0b4f8a"),
    ("ibnr", "Nog te declareren (IBNR)", "#5f8fc0"),
    ("remaining", "Rest van het jaar", "#b5cde6"),
)

FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""]}
TIME_FORMAT_LOCALE = {
    "dateTime": "%a %e %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
    "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
    "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december"],
    "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}  # fmt: skip

CONFIG: dict[str, Any] = {
    "font": "DejaVu Sans",
    "axis": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e3e8ee"},
    "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
    "title": {"color": INK, "fontSize": 15, "anchor": "start"},
    "view": {"stroke": None},
}


def month_label(month: str | dt.date) -> str:
    """A month as ``mrt 2025`` in the user's language (``mar 2025`` in English)."""
    day = month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month)[:10])
    return dateformat.format(day, "b Y") if translation.get_language() else dutch_month(day)


def part_name(dutch: str) -> str:
    """A part of the forecast bar in the user's language."""
    return {
        "Gerealiseerd": _("Gerealiseerd"),
        "Nog te declareren (IBNR)": _("Nog te declareren (IBNR)"),
        "Rest van het jaar": _("Rest van het jaar"),
    }[dutch]


def unit_for(cents: Iterable[int | None]) -> tuple[float, str]:
    """The axis unit for amounts up to the largest of ``cents``: thousands or millions of euros.

    >>> unit_for([250_000_000])
    (100000000.0, 'miljoen euro')
    >>> unit_for([25_000_000, None])
    (100000.0, 'duizend euro')
    """
    largest = max((abs(c) for c in cents if c is not None), default=0)
    return (1e8, _("miljoen euro")) if largest >= 200_000_000 else (1e5, _("duizend euro"))


def _base(description: str, title: str | None = None, width: int | str = "container") -> dict[str, Any]:
    spec: dict[str, Any] = {"$schema": SCHEMA, "description": description, "config": CONFIG, "width": width}
    if title:
        spec["title"] = title
    return spec


def grip_chart(
    rows: Sequence[Mapping[str, Any]], label: Mapping[int, str], title: str | None = None
) -> dict[str, Any] | None:
    """Budget vs realised vs forecast with its 80 % range, one bar per row (municipality x
    segment, or provider): the bar is the forecast split into realised, IBNR and the rest of the
    year; the black line is the range (low-high); the red tick is the budget.

    ``label`` names row ``i``. Rows need ``realised``, ``ibnr``, ``remaining``, ``forecast``,
    ``low``, ``high`` and ``budget`` (cents; the budget may be null).
    """
    if not rows:
        return None
    scale, unit = unit_for([r.get(k) for r in rows for k in ("high", "budget", "forecast")])
    parts, ranges = [], []
    for i, row in enumerate(rows):
        name = label[i]
        tip = {
            "prognose_tekst": euro(row.get("forecast")),
            "bandbreedte_tekst": f"{euro(row.get('low'))} – {euro(row.get('high'))}",
            "budget_tekst": euro(row.get("budget")),
        }
        # Each part runs from where the previous one ended (a negative part, e.g. a settlement
        # that takes advances back, runs leftwards over the bar before it).
        start = 0
        for order, (field, part, _colour) in enumerate(PARTS):
            amount = row.get(field) or 0
            parts.append({"rij": name, "deel": part_name(part), "volgorde": order, "van": start / scale,
                          "tot": (start + amount) / scale, "bedrag": euro(row.get(field)), **tip})  # fmt: skip
            start += amount
        ranges.append({
            "rij": name, "laag": (row.get("low") or 0) / scale, "hoog": (row.get("high") or 0) / scale,
            "budget": None if row.get("budget") is None else row["budget"] / scale,
            "waarschuwing": "ja" if row.get("warning") else "nee", **tip,
        })  # fmt: skip
    order = [label[i] for i in range(len(rows))]
    y = {"field": "rij", "type": "nominal", "title": None, "sort": order, "axis": {"labelLimit": 320}}
    tooltip = [
        {"field": "rij", "title": _("Regel")},
        {"field": "prognose_tekst", "title": _("Prognose")},
        {"field": "bandbreedte_tekst", "title": _("Bandbreedte (80 %)")},
        {"field": "budget_tekst", "title": _("Budget")},
    ]
    spec = _base(_("Budget, realisatie en prognose met bandbreedte per regel; de rode streep is het budget."), title)
    spec["height"] = {"step": 34}
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": parts},
            "mark": {"type": "bar", "height": {"band": 0.62}},
            "encoding": {
                "y": y,
                "x": {"field": "van", "type": "quantitative", "title": unit, "axis": {"format": ",.1~f"}},
                "x2": {"field": "tot"},
                "color": {"field": "deel", "type": "nominal", "title": None,
                          "scale": {"domain": [part_name(p[1]) for p in PARTS], "range": [p[2] for p in PARTS]}},
                "order": {"field": "volgorde"},
                "tooltip": [tooltip[0], {"field": "deel", "title": _("Deel")},
                            {"field": "bedrag", "title": _("Bedrag")}, *tooltip[1:]],
            },
        },
        {
            "data": {"values": ranges},
            "mark": {"type": "rule", "color": INK, "strokeWidth": 2},
            "encoding": {"y": y, "x": {"field": "laag", "type": "quantitative"}, "x2": {"field": "hoog"},
                         "tooltip": tooltip},
        },
    ]  # fmt: skip
    budgets = [r for r in ranges if r["budget"] is not None]
    if budgets:
        layers.append(
            {
                "data": {"values": budgets},
                "mark": {"type": "tick", "color": WARN, "thickness": 4, "size": 30},
                "encoding": {"y": y, "x": {"field": "budget", "type": "quantitative"}, "tooltip": tooltip},
            }
        )
    spec["layer"] = layers
    return spec


def history_chart(rows: Sequence[Mapping[str, Any]], title: str | None = None) -> dict[str, Any] | None:
    """How the forecast moved: per as-of date the forecast with its 80 % band, what was
    realised by then, and the budget (a red line). Rows need ``as_of``, ``forecast``, ``low``,
    ``high``, ``realised`` and ``budget``."""
    if not rows:
        return None
    scale, unit = unit_for([r.get(k) for r in rows for k in ("high", "budget")])
    values = []
    for row in rows:
        day = dt.date.fromisoformat(str(row["as_of"]))
        values.append({
            "peildatum": day.isoformat(), "label": f"{day.day} {month_label(day)}",
            "prognose": (row.get("forecast") or 0) / scale, "laag": (row.get("low") or 0) / scale,
            "hoog": (row.get("high") or 0) / scale, "gerealiseerd": (row.get("realised") or 0) / scale,
            "budget": None if row.get("budget") is None else row["budget"] / scale,
            "prognose_tekst": euro(row.get("forecast")),
            "bandbreedte_tekst": f"{euro(row.get('low'))} – {euro(row.get('high'))}",
            "gerealiseerd_tekst": euro(row.get("realised")), "budget_tekst": euro(row.get("budget")),
        })  # fmt: skip
    x = {"field": "peildatum", "type": "temporal", "title": _("peildatum"),
         "axis": {"format": "%b", "tickCount": "month"}}  # fmt: skip
    tooltip = [{"field": "label", "title": _("Peildatum")}, {"field": "prognose_tekst", "title": _("Prognose")},
               {"field": "bandbreedte_tekst", "title": _("Bandbreedte")},
               {"field": "gerealiseerd_tekst", "title": _("Gerealiseerd")},
               {"field": "budget_tekst", "title": _("Budget")}]  # fmt: skip
    spec = _base(
        _("Verloop van de prognose per peildatum met de bandbreedte van 80 %, de realisatie en het budget."), title
    )
    spec["height"] = 260
    spec["data"] = {"values": values}
    spec["layer"] = [
        {"mark": {"type": "area", "opacity": 0.25, "color": BRAND},
         "encoding": {"x": x, "y": {"field": "laag", "type": "quantitative", "title": unit, "axis": {"format": ",.1~f"}},
                      "y2": {"field": "hoog"}, "tooltip": tooltip}},
        {"mark": {"type": "line", "color": BRAND, "point": True, "strokeWidth": 2.5},
         "encoding": {"x": x, "y": {"field": "prognose", "type": "quantitative"}, "tooltip": tooltip}},
        {"mark": {"type": "line", "color": MUTED, "strokeDash": [4, 3]},
         "encoding": {"x": x, "y": {"field": "gerealiseerd", "type": "quantitative"}, "tooltip": tooltip}},
    ]  # fmt: skip
    if any(v["budget"] is not None for v in values):
        spec["layer"].append(
            {"mark": {"type": "rule", "color": WARN, "strokeWidth": 2},
             "encoding": {"y": {"aggregate": "max", "field": "budget", "type": "quantitative"}}}
        )  # fmt: skip
    return spec


def monthly_chart(
    rows: Sequence[Mapping[str, Any]], field: str, title: str, *, money: bool = False, colour: str = BRAND
) -> dict[str, Any] | None:
    """One bar per month of ``field`` (``month`` as ISO date in each row)."""
    if not rows:
        return None
    scale, unit = unit_for([r.get(field) for r in rows]) if money else (1.0, _("aantal"))
    values = [
        {"maand": month_label(r["month"]), "volgorde": str(r["month"]), "waarde": (r.get(field) or 0) / scale,
         "tekst": euro(r.get(field)) if money else number(r.get(field))}
        for r in sorted(rows, key=lambda r: str(r["month"]))
    ]  # fmt: skip
    spec = _base(_("%(what)s per maand.") % {"what": title}, title)
    spec["height"] = 200
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "bar", "color": colour}
    spec["encoding"] = {
        "x": {
            "field": "maand",
            "type": "ordinal",
            "sort": {"field": "volgorde"},
            "title": None,
            "axis": {"labelAngle": 0},
        },
        "y": {
            "field": "waarde",
            "type": "quantitative",
            "title": unit,
            "axis": {"format": ",.1~f"} if money else {"format": ",d", "tickMinStep": 1},
        },
        "tooltip": [{"field": "maand", "title": _("Maand")}, {"field": "tekst", "title": title}],
    }
    return spec


def trend_chart(
    rows: Sequence[Mapping[str, Any]], series: Mapping[str, str], title: str, *, share: bool = False
) -> dict[str, Any] | None:
    """Lines per series over periods: ``series`` maps a row field to its legend name; rows need
    ``period`` (ISO date) and ``label``."""
    values = []
    for r in rows:
        for field, name in series.items():
            value = r.get(field)
            if value is None:
                continue
            values.append({"periode": str(r["period"]), "label": r.get("label", str(r["period"])), "reeks": name,
                           "waarde": value, "tekst": percent(value) if share else number(value)})  # fmt: skip
    if not values:
        return None
    spec = _base(_("%(what)s: verloop per periode.") % {"what": title}, title)
    spec["height"] = 180
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "line", "point": True}
    spec["encoding"] = {
        "x": {"field": "label", "type": "ordinal", "sort": {"field": "periode"}, "title": None, "axis": {"labelAngle": 0}},
        "y": {"field": "waarde", "type": "quantitative", "title": None,
              "axis": {"format": ".0%"} if share else {"format": ",.1~f", "tickMinStep": 1}},
        "color": {"field": "reeks", "type": "nominal", "title": None,
                  "scale": {"range": [BRAND, "#8a5300", MUTED, "#17663a"]}},
        "tooltip": [{"field": "label", "title": _("Periode")}, {"field": "reeks", "title": _("Reeks")},
                    {"field": "tekst", "title": _("Waarde")}],
    }  # fmt: skip
    return spec


def render_svg(spec: Mapping[str, Any], width: int = 720) -> str:
    """The chart as SVG (for PDFs), with Dutch number and date formats."""
    fixed = dict(spec)
    if fixed.get("width") == "container":
        fixed["width"] = width
    return str(
        vl_convert.vegalite_to_svg(
            fixed, vl_version="6.4", format_locale=FORMAT_LOCALE, time_format_locale=TIME_FORMAT_LOCALE
        )
    )
