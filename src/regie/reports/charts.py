"""Vega-Lite charts with Dutch labels, for the pages (rendered in the browser by the vendored
vega-embed) and the PDF reports (rendered to SVG here with ``vl-convert-python``).

Each function takes rows as a snapshot holds them and returns a Vega-Lite specification; the
figures in it are the snapshot's, only scaled to the axis unit (thousands or millions of
euros). Tooltips carry the exact amounts formatted the Dutch way (``€ 1.234.567``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import vl_convert
from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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
    "dateTime": "%a %e %B %Y %X",
    "date": "%d-%m-%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
    "months": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}

CONFIG: dict[str, Any] = {
    "font": "DejaVu Sans",
    "axis": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e3e8ee"},
    "legend": {
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "orient": "bottom",
        "layout": {"bottom": {"anchor": "start", "direction": "vertical", "margin": 8}},
    },
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


def negative_name(dutch: str) -> str:
    """The legend entry of a part of the forecast bar that is negative (it lowers the forecast)."""
    return _("%(part)s (negatief)") % {"part": part_name(dutch)}


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


def _marks_legend(entries: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """The colour scale and legend of the marks over the bars: ``entries`` are (name, colour,
    legend symbol); one legend, each entry with its own symbol."""
    shapes = " : ".join(f"datum.value === {json.dumps(n)} ? {json.dumps(sym)}" for n, _c, sym in entries)
    return {
        "domain": [n for n, _c, _s in entries],
        "range": [c for _n, c, _s in entries],
        "legend": {
            "orient": "bottom",
            "labelLimit": 400,
            "title": None,
            "symbolStrokeWidth": 2,
            "columns": COLUMNS,
            "encode": {"symbols": {"update": {"shape": {"signal": f"{shapes} : 'circle'"}}}},
        },
    }


def _mark(name: str, marks: Mapping[str, Any]) -> dict[str, Any]:
    """The colour encoding of one mark over the bars (its entry in :func:`_marks_legend`)."""
    return {
        "datum": name,
        "type": "nominal",
        "title": None,
        "scale": {"domain": marks["domain"], "range": marks["range"]},
        "legend": marks["legend"],
    }


#: Legend entries in a row: all of them on a wide chart, two on a phone.
COLUMNS = {"expr": "width < 360 ? 1 : width < 640 ? 2 : 6"}
#: A vertical stroke as a legend symbol (for the budget tick).
TICK_SYMBOL = "M-0.2,-1L0.2,-1L0.2,1L-0.2,1Z"
NEGATIVE = "#f2b8b5"
ADVANCES = "#8a5300"


@dataclass(frozen=True)
class _GripEncodings:
    """The encodings the layers of :func:`grip_chart` share: the row axis, the amount axis (per
    field), the fill of the bar parts and the tooltip of a row."""

    y: dict[str, Any]
    x: Callable[[str], dict[str, Any]]
    fill: dict[str, Any]
    tooltip: list[dict[str, Any]]


def grip_chart(
    rows: Sequence[Mapping[str, Any]],
    label: Mapping[int, str],
    title: str | None = None,
    *,
    budget_name: str | None = None,
) -> dict[str, Any] | None:
    """Budget vs realised vs forecast with its 80 % range, one bar per row (municipality x
    segment, or provider): the bar is the forecast split into realised, IBNR and the rest of the
    year; the black line is the range (low-high) and the open diamond the forecast; the red
    tick is the budget (``budget_name`` says which: a provider's is its agreed amount or its
    share of the budget); a triangle marks the advances paid (per-client price, ``advances``).

    A negative part (a settlement that takes advances back, a rest of the year below zero) is
    never drawn as if it added to the bar: it runs leftwards from where the bar stood, as a
    light red box with a dashed edge under its own legend entry, and the bar's forecast is
    where it ends (the diamond). Every mark has its entry in the legend.

    ``label`` names row ``i``. Rows need ``realised``, ``ibnr``, ``remaining``, ``forecast``,
    ``low``, ``high`` and ``budget`` (cents; the budget may be null).
    """
    if not rows:
        return None
    scale, unit = unit_for([r.get(k) for r in rows for k in ("high", "budget", "forecast", "realised", "advances")])
    parts, negatives, ranges = _grip_rows(rows, label, scale)
    order = [label[i] for i in range(len(rows))]
    y = {"field": "rij", "type": "nominal", "title": None, "sort": order, "axis": {"labelLimit": 320}}

    def x(field: str) -> dict[str, Any]:
        return {
            "field": field,
            "type": "quantitative",
            "title": unit,
            "axis": {"format": ",.1~f", "tickCount": {"expr": "ceil(width / 90)"}},
        }

    tooltip = [
        {"field": "rij", "title": _("Regel")},
        {"field": "prognose_tekst", "title": _("Prognose")},
        {"field": "bandbreedte_tekst", "title": _("Bandbreedte (80 %)")},
        {"field": "budget_tekst", "title": _("Budget")},
    ]
    domain = [part_name(p[1]) for p in PARTS] + sorted({n["deel"] for n in negatives})
    fill = {
        "field": "deel",
        "type": "nominal",
        "title": None,
        "scale": {"domain": domain, "range": [p[2] for p in PARTS] + [NEGATIVE] * (len(domain) - len(PARTS))},
        "legend": {"orient": "bottom", "labelLimit": 400, "symbolStrokeWidth": 0, "columns": COLUMNS},
    }
    budget = budget_name or _("Budget")
    spec = _base(
        _("Budget, realisatie en prognose met bandbreedte per regel; de rode streep is: %(budget)s.")
        % {"budget": budget.lower()},
        title,
    )
    spec["height"] = {"step": 34}
    # resize: lay out again once fit-x has narrowed the plot, so the legends' columns (which
    # follow the plot's width) and the height they need agree; without it a PDF cut them off.
    spec["autosize"] = {"type": "fit-x", "contains": "padding", "resize": True}
    entries = [(_("Bandbreedte (80 %)"), INK, "stroke"), (_("Prognose"), INK, "diamond")]
    budgets = [r for r in ranges if r["budget"] is not None]
    if budgets:
        entries.append((budget, WARN, TICK_SYMBOL))
    paid = [r for r in ranges if r["voorschotten"] is not None]
    if paid:
        entries.append((_("Voorschotten betaald"), ADVANCES, "triangle-down"))
    marks = _marks_legend(entries)
    encodings = _GripEncodings(y, x, fill, tooltip)
    spec["layer"] = _grip_layers(parts, negatives, budgets, paid, ranges, encodings, marks, budget)
    return spec


def _grip_rows(
    rows: Sequence[Mapping[str, Any]], label: Mapping[int, str], scale: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The data of :func:`grip_chart`: the positive parts of each bar, its negative parts, and
    per row its range, forecast, budget and advances (in ``scale`` units)."""
    parts: list[dict[str, Any]] = []
    negatives: list[dict[str, Any]] = []
    ranges: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        name = label[i]
        tip = {
            "prognose_tekst": euro(row.get("forecast")),
            "bandbreedte_tekst": f"{euro(row.get('low'))} – {euro(row.get('high'))}",
            "budget_tekst": euro(row.get("budget")),
        }
        start = 0
        for order, (field, part, _colour) in enumerate(PARTS):
            amount = row.get(field) or 0
            if amount == 0:
                continue
            item = {"rij": name, "volgorde": order, "bedrag": euro(amount), **tip}
            if amount > 0:
                parts.append({**item, "deel": part_name(part), "van": start / scale, "tot": (start + amount) / scale})
            else:
                negatives.append(
                    {**item, "deel": negative_name(part), "van": (start + amount) / scale, "tot": start / scale}
                )
            start += amount
        advances = row.get("advances")
        ranges.append(
            {
                "rij": name,
                "laag": (row.get("low") or 0) / scale,
                "hoog": (row.get("high") or 0) / scale,
                "prognose": (row.get("forecast") or 0) / scale,
                "budget": None if row.get("budget") is None else row["budget"] / scale,
                "voorschotten": advances / scale if advances else None,
                "voorschotten_tekst": euro(advances),
                "waarschuwing": "ja" if row.get("warning") else "nee",
                **tip,
            }
        )
    return parts, negatives, ranges


def _grip_layers(
    parts: list[dict[str, Any]],
    negatives: list[dict[str, Any]],
    budgets: list[dict[str, Any]],
    paid: list[dict[str, Any]],
    ranges: list[dict[str, Any]],
    encodings: _GripEncodings,
    marks: dict[str, Any],
    budget: str,
) -> list[dict[str, Any]]:
    """The layers of :func:`grip_chart`: the bars (and their negative parts), the range, the
    forecast, the budget and the advances."""
    y, x, tooltip = encodings.y, encodings.x, encodings.tooltip
    layers = _grip_bars(parts, negatives, encodings)
    layers += [
        {
            "data": {"values": ranges},
            "mark": {"type": "rule", "strokeWidth": 2},
            "encoding": {
                "y": y,
                "x": x("laag"),
                "x2": {"field": "hoog"},
                "color": _mark(_("Bandbreedte (80 %)"), marks),
                "tooltip": tooltip,
            },
        },
        {
            "data": {"values": ranges},
            "mark": {
                "type": "point",
                "shape": "diamond",
                "filled": False,
                "fill": "#ffffff",
                "fillOpacity": 1,
                "size": 80,
                "strokeWidth": 2,
            },
            "encoding": {"y": y, "x": x("prognose"), "color": _mark(_("Prognose"), marks), "tooltip": tooltip},
        },
    ]
    if budgets:
        layers.append(
            {
                "data": {"values": budgets},
                "mark": {"type": "tick", "thickness": 4, "size": 30},
                "encoding": {"y": y, "x": x("budget"), "color": _mark(budget, marks), "tooltip": tooltip},
            }
        )
    if paid:
        layers.append(
            {
                "data": {"values": paid},
                "mark": {"type": "point", "shape": "triangle-down", "filled": True, "size": 70, "yOffset": -13},
                "encoding": {
                    "y": y,
                    "x": x("voorschotten"),
                    "color": _mark(_("Voorschotten betaald"), marks),
                    "tooltip": [tooltip[0], {"field": "voorschotten_tekst", "title": _("Voorschotten betaald")}],
                },
            }
        )
    return layers


def _grip_bars(
    parts: list[dict[str, Any]], negatives: list[dict[str, Any]], encodings: _GripEncodings
) -> list[dict[str, Any]]:
    """The bar of each row of :func:`grip_chart`, and its negative parts drawn leftwards."""
    y, x, fill, tooltip = encodings.y, encodings.x, encodings.fill, encodings.tooltip
    part_tooltip = [
        tooltip[0],
        {"field": "deel", "title": _("Deel")},
        {"field": "bedrag", "title": _("Bedrag")},
        *tooltip[1:],
    ]
    band = {"band": 0.62}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": parts},
            "mark": {"type": "bar", "height": band},
            "encoding": {
                "y": y,
                "x": x("van"),
                "x2": {"field": "tot"},
                "fill": fill,
                "order": {"field": "volgorde"},
                "tooltip": part_tooltip,
            },
        },
    ]
    if negatives:
        layers.append(
            {
                "data": {"values": negatives},
                "mark": {"type": "bar", "height": band, "fillOpacity": 0.8, "stroke": WARN, "strokeDash": [3, 2]},
                "encoding": {"y": y, "x": x("van"), "x2": {"field": "tot"}, "fill": fill, "tooltip": part_tooltip},
            }
        )
    return layers


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
        values.append(
            {
                "peildatum": day.isoformat(),
                "label": f"{day.day} {month_label(day)}",
                "prognose": (row.get("forecast") or 0) / scale,
                "laag": (row.get("low") or 0) / scale,
                "hoog": (row.get("high") or 0) / scale,
                "gerealiseerd": (row.get("realised") or 0) / scale,
                "budget": None if row.get("budget") is None else row["budget"] / scale,
                "prognose_tekst": euro(row.get("forecast")),
                "bandbreedte_tekst": f"{euro(row.get('low'))} – {euro(row.get('high'))}",
                "gerealiseerd_tekst": euro(row.get("realised")),
                "budget_tekst": euro(row.get("budget")),
            }
        )
    x = {
        "field": "peildatum",
        "type": "temporal",
        "title": _("peildatum"),
        "axis": {"format": "%b", "tickCount": "month"},
    }
    tooltip = [
        {"field": "label", "title": _("Peildatum")},
        {"field": "prognose_tekst", "title": _("Prognose")},
        {"field": "bandbreedte_tekst", "title": _("Bandbreedte")},
        {"field": "gerealiseerd_tekst", "title": _("Gerealiseerd")},
        {"field": "budget_tekst", "title": _("Budget")},
    ]
    spec = _base(
        _("Verloop van de prognose per peildatum met de bandbreedte van 80 %, de realisatie en het budget."), title
    )
    spec["height"] = 260
    spec["data"] = {"values": values}
    spec["layer"] = [
        {
            "mark": {"type": "area", "opacity": 0.25, "color": BRAND},
            "encoding": {
                "x": x,
                "y": {"field": "laag", "type": "quantitative", "title": unit, "axis": {"format": ",.1~f"}},
                "y2": {"field": "hoog"},
                "tooltip": tooltip,
            },
        },
        {
            "mark": {"type": "line", "color": BRAND, "point": True, "strokeWidth": 2.5},
            "encoding": {"x": x, "y": {"field": "prognose", "type": "quantitative"}, "tooltip": tooltip},
        },
        {
            "mark": {"type": "line", "color": MUTED, "strokeDash": [4, 3]},
            "encoding": {"x": x, "y": {"field": "gerealiseerd", "type": "quantitative"}, "tooltip": tooltip},
        },
    ]
    if any(v["budget"] is not None for v in values):
        spec["layer"].append(
            {
                "mark": {"type": "rule", "color": WARN, "strokeWidth": 2},
                "encoding": {"y": {"aggregate": "max", "field": "budget", "type": "quantitative"}},
            }
        )
    return spec


def short_month(month: str | dt.date) -> str:
    """A month as ``mrt`` in the user's language (``mar`` in English): a chart's axis label,
    the year going into the axis title (:func:`month_axis`)."""
    day = month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month)[:10])
    return dateformat.format(day, "b") if translation.get_language() else dutch_month(day).split()[0]


def month_axis(months: Iterable[str | dt.date]) -> tuple[Any, str]:
    """How a chart labels its months so that labels never overlap: the month alone (``jan``)
    when they are all in one year, that year as the axis title; else ``jan 2025``, angled.
    Returns (label function, axis title)."""
    years = sorted({str(m)[:4] for m in months})
    if len(years) <= 1:
        return short_month, (years[0] if years else "")
    return month_label, f"{years[0]}–{years[-1]}"


def _month_x(title: str, labels: Sequence[str]) -> dict[str, Any]:
    long = any(len(label) > 4 for label in labels)
    return {
        "field": "maand",
        "type": "ordinal",
        "sort": {"field": "volgorde"},
        "title": title or None,
        "axis": {"labelAngle": -40 if long else 0, "labelOverlap": "greedy", "labelPadding": 4},
    }


def monthly_chart(
    rows: Sequence[Mapping[str, Any]], field: str, title: str, *, money: bool = False, colour: str = BRAND
) -> dict[str, Any] | None:
    """One bar per month of ``field`` (``month`` as ISO date in each row); a negative month is
    drawn below zero."""
    if not rows:
        return None
    scale, unit = unit_for([r.get(field) for r in rows]) if money else (1.0, _("aantal"))
    label, year = month_axis(r["month"] for r in rows)
    values = [
        {
            "maand": label(r["month"]),
            "volgorde": str(r["month"]),
            "maand_lang": month_label(r["month"]),
            "waarde": (r.get(field) or 0) / scale,
            "tekst": euro(r.get(field)) if money else number(r.get(field)),
        }
        for r in sorted(rows, key=lambda r: str(r["month"]))
    ]
    spec = _base(_("%(what)s per maand.") % {"what": title}, title)
    spec["height"] = 200
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "bar", "color": colour}
    spec["encoding"] = {
        "x": _month_x(year, [v["maand"] for v in values]),
        "y": {
            "field": "waarde",
            "type": "quantitative",
            "title": unit,
            "axis": {"format": ",.1~f"} if money else {"format": ",d", "tickMinStep": 1},
        },
        "tooltip": [{"field": "maand_lang", "title": _("Maand")}, {"field": "tekst", "title": title}],
    }
    return spec


#: The kinds of payment line as a chart shows them: kind -> (name, colour).
PAYMENT_KINDS: dict[str, tuple[str, str]] = {
    "advance": (gettext_noop("Voorschotten"), "#8a5300"),
    "instalment": (gettext_noop("Termijnen"), "#5f8fc0"),
    "declaration": (gettext_noop("Declaraties"), BRAND),
    "settlement": (gettext_noop("Afrekening"), WARN),
    "ceiling_cut": (gettext_noop("Boven plafond ingehouden"), "#c8743a"),
    "correction": (gettext_noop("Correcties"), MUTED),
}


def payments_chart(rows: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any] | None:
    """What is due per month, stacked by kind of line (rows of
    :func:`regie.engine.funding.payments_by_kind`: ``month``, ``kind``, ``amount_cents``):
    advances as advances, a settlement or a ceiling cut that takes money back below zero,
    with a legend of the kinds and a line at zero."""
    sums: dict[tuple[str, str], int] = {}
    for r in rows:
        kind = str(r.get("kind") or "declaration")
        key = (str(r["month"])[:10], kind if kind in PAYMENT_KINDS else "correction")
        sums[key] = sums.get(key, 0) + int(r.get("amount_cents") or 0)
    sums = {k: v for k, v in sums.items() if v}
    if not sums:
        return None
    totals: dict[str, int] = {}
    for (month, _kind), amount in sums.items():
        totals[month] = totals.get(month, 0) + amount
    scale, unit = unit_for(list(sums.values()) + list(totals.values()))
    label, year = month_axis(m for m, _k in sums)
    order = list(PAYMENT_KINDS)
    values = [
        {
            "maand": label(month),
            "volgorde": month,
            "maand_lang": month_label(month),
            "soort": _(PAYMENT_KINDS[kind][0]),
            "soort_volgorde": order.index(kind),
            "waarde": amount / scale,
            "tekst": euro(amount),
            "totaal_tekst": euro(totals[month]),
        }
        for (month, kind), amount in sorted(sums.items())
    ]
    present = [k for k in order if any(k == kind for _m, kind in sums)]
    spec = _base(_("%(what)s per maand, per soort betaling.") % {"what": title}, title)
    spec["height"] = 220
    spec["layer"] = [
        {
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": _month_x(year, [v["maand"] for v in values]),
                "y": {
                    "field": "waarde",
                    "type": "quantitative",
                    "title": unit,
                    "stack": "zero",
                    "axis": {"format": ",.1~f"},
                },
                "color": {
                    "field": "soort",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": [_(PAYMENT_KINDS[k][0]) for k in present],
                        "range": [PAYMENT_KINDS[k][1] for k in present],
                    },
                    "legend": {"orient": "bottom", "columns": COLUMNS},
                },
                "order": {"field": "soort_volgorde"},
                "tooltip": [
                    {"field": "maand_lang", "title": _("Maand")},
                    {"field": "soort", "title": _("Soort")},
                    {"field": "tekst", "title": _("Bedrag")},
                    {"field": "totaal_tekst", "title": _("Maand totaal")},
                ],
            },
        },
        {
            "data": {"values": [{}]},
            "mark": {"type": "rule", "color": INK, "strokeWidth": 1},
            "encoding": {"y": {"datum": 0}},
        },
    ]
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
            values.append(
                {
                    "periode": str(r["period"]),
                    "label": r.get("label", str(r["period"])),
                    "reeks": name,
                    "waarde": value,
                    "tekst": percent(value) if share else number(value),
                }
            )
    if not values:
        return None
    return _line_chart(
        _("%(what)s: verloop per periode.") % {"what": title},
        title,
        180,
        values,
        x=_ordinal_x("label", "periode"),
        y={
            "field": "waarde",
            "type": "quantitative",
            "title": None,
            "axis": {"format": ".0%"} if share else {"format": ",.1~f", "tickMinStep": 1},
        },
        color={
            "field": "reeks",
            "type": "nominal",
            "title": None,
            "scale": {"range": [BRAND, "#8a5300", MUTED, "#17663a"]},
        },
        tooltip=[
            {"field": "label", "title": _("Periode")},
            {"field": "reeks", "title": _("Reeks")},
            {"field": "tekst", "title": _("Waarde")},
        ],
    )


def _line_chart(
    description: str, title: str, height: int, values: list[dict[str, Any]], **encoding: Any
) -> dict[str, Any]:
    """A line chart with a point on each of ``values``, encoded by ``encoding`` (x, y, color, ...)."""
    spec = _base(description, title)
    spec["height"] = height
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "line", "point": True}
    spec["encoding"] = encoding
    return spec


def _ordinal_x(field: str, order: str, **axis: Any) -> dict[str, Any]:
    """An x axis of the categories ``field`` in the order of ``order``, labels upright."""
    return {
        "field": field,
        "type": "ordinal",
        "sort": {"field": order},
        "title": None,
        "axis": {"labelAngle": 0, **axis},
    }


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


def year_compare_bars(
    rows: Sequence[Mapping[str, Any]], field: str, title: str, year: int | None
) -> dict[str, Any] | None:
    """Horizontal bars per row (``label``): ``field`` this year and ``<field>_previous`` the
    year before, side by side (the areas page)."""
    values = []
    for r in rows:
        for name, key in ((str(year), field), (str((year or 0) - 1), f"{field}_previous")):
            if r.get(key) is not None:
                values.append({"label": r["label"], "jaar": name, "waarde": r[key], "tekst": number(r[key])})
    if not values or year is None:
        return None
    spec = _base(_("%(what)s: dit jaar en het jaar ervoor.") % {"what": title}, title)
    spec["height"] = {"step": 12}
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "bar"}
    years = [str(year), str(year - 1)]
    spec["encoding"] = {
        "y": {"field": "label", "type": "nominal", "title": None, "sort": None},
        "yOffset": {"field": "jaar", "type": "nominal", "sort": years},
        "x": {
            "field": "waarde",
            "type": "quantitative",
            "title": _("aantal"),
            "axis": {"format": ",d", "tickMinStep": 1},
        },
        "color": {
            "field": "jaar",
            "type": "nominal",
            "title": None,
            "sort": years,
            "scale": {"domain": years, "range": [BRAND, "#9aa8b8"]},
        },
        "tooltip": [
            {"field": "label", "title": _("Gebied")},
            {"field": "jaar", "title": _("Jaar")},
            {"field": "tekst", "title": title},
        ],
    }
    return spec


def year_compare_lines(
    rows: Sequence[Mapping[str, Any]],
    previous: Sequence[Mapping[str, Any]],
    field: str,
    title: str,
    year: int | None,
    *,
    unit: str | None = None,
) -> dict[str, Any] | None:
    """``field`` per month of this year beside the same months of the year before (the segment
    page): a line per year over January .. December (``month`` as ISO date in each row)."""
    if year is None:
        return None
    values = []
    for name, source in ((str(year), rows), (str(year - 1), previous)):
        for r in source:
            value = r.get(field)
            if value is None:
                continue
            month = dt.date.fromisoformat(str(r["month"])[:10])
            values.append(
                {
                    "maand": month_label(month).split()[0],
                    "volgorde": month.month,
                    "jaar": name,
                    "waarde": value,
                    "tekst": number(value),
                }
            )
    if not any(v["jaar"] == str(year) for v in values):
        return None
    years = [str(year), str(year - 1)]
    return _line_chart(
        _("%(what)s per maand, dit jaar en het jaar ervoor.") % {"what": title},
        title,
        200,
        values,
        x=_ordinal_x("maand", "volgorde", labelOverlap=True),
        y={
            "field": "waarde",
            "type": "quantitative",
            "title": unit or _("aantal"),
            "axis": {"format": ",d", "tickMinStep": 1},
        },
        color={
            "field": "jaar",
            "type": "nominal",
            "title": None,
            "sort": years,
            "scale": {"domain": years, "range": [BRAND, "#9aa8b8"]},
        },
        strokeDash={
            "field": "jaar",
            "type": "nominal",
            "sort": years,
            "title": None,
            "scale": {"domain": years, "range": [[1, 0], [4, 3]]},
        },
        tooltip=[
            {"field": "maand", "title": _("Maand")},
            {"field": "jaar", "title": _("Jaar")},
            {"field": "tekst", "title": title},
        ],
    )


#: Colours of up to three scenarios beside the forecast without them (grey).
SCENARIO_COLOURS = ["#9aa8b8", BRAND, "#c05800", "#2e7d32"]


def scenario_chart(scenarios: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Scenarios side by side: per year (the forecast's year and the outlook's) the total
    without any scenario and with each scenario, as grouped bars. ``scenarios`` are saved
    scenarios' ``{"name", "result"}`` (the documents of ``regie forecast --scenario``)."""
    if not scenarios:
        return None
    baseline_name = _("Zonder scenario")
    names = [baseline_name]
    totals: dict[tuple[str, int], int] = {}
    for i, scenario in enumerate(scenarios):
        name = str(scenario["name"])
        names.append(name)
        result = scenario["result"]
        # the baseline is the first scenario's: each scenario carries the same one
        for key, field in ((baseline_name, "baseline"), (name, "forecast"))[0 if i == 0 else 1 :]:
            totals[(key, int(result["year"]))] = sum(r[field] for r in result["rows"])
            for row in result["rows"]:
                for o in row.get("outlook", []):
                    totals[(key, int(o["year"]))] = totals.get((key, int(o["year"])), 0) + o[field]
    scale, unit = unit_for(totals.values())
    values = [
        {"jaar": str(y), "scenario": n, "waarde": c / scale, "tekst": euro(c)} for (n, y), c in sorted(totals.items())
    ]
    spec = _base(_("Uitgaven per jaar zonder scenario en met elk scenario."), None)
    spec["height"] = 240
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "bar"}
    spec["encoding"] = {
        "x": {"field": "jaar", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
        "xOffset": {"field": "scenario", "type": "nominal", "sort": names},
        "y": {"field": "waarde", "type": "quantitative", "title": unit},
        "color": {
            "field": "scenario",
            "type": "nominal",
            "title": None,
            "sort": names,
            "scale": {"domain": names, "range": SCENARIO_COLOURS[: len(names)]},
            "legend": {"orient": "bottom", "labelLimit": 400, "columns": COLUMNS},
        },
        "tooltip": [
            {"field": "scenario", "title": _("Scenario")},
            {"field": "jaar", "title": _("Jaar")},
            {"field": "tekst", "title": _("Uitgaven")},
        ],
    }
    return spec


def combinations_chart(rows: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any] | None:
    """Horizontal bars: the clients per combination of domains (rows with ``label`` and
    ``clients``, in the order given; the client across domains). None without clients."""
    values = [
        {"label": r["label"], "waarde": r["clients"], "tekst": number(r["clients"])} for r in rows if r["clients"]
    ]
    if not values:
        return None
    spec = _base(_("%(what)s: het aantal cliënten per combinatie van domeinen.") % {"what": title}, title)
    spec["height"] = {"step": 26}
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "bar", "color": BRAND}
    spec["encoding"] = {
        "y": {"field": "label", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 260}},
        "x": {
            "field": "waarde",
            "type": "quantitative",
            "title": _("cliënten"),
            "axis": {"format": ",d", "tickMinStep": 1},
        },
        "tooltip": [{"field": "label", "title": _("Domeinen")}, {"field": "tekst", "title": _("Cliënten")}],
    }
    return spec


#: The colours of a risk's level in the risk matrix.
RISK_COLOURS = {"high": WARN, "medium": "#e0a526", "low": "#7fae8c"}


def risk_matrix_chart(cells: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any]:
    """The risk matrix: likelihood (x) by impact (y), each cell coloured by its level (high,
    medium, low) with the number of open risks in it (``regie.engine.dossiers.matrix``)."""
    names = {"high": _("hoog"), "medium": _("middel"), "low": _("laag")}
    values = [
        {
            "kans": c["likelihood"],
            "impact": c["impact"],
            "aantal": c["count"],
            "tekst": number(c["count"]) if c["count"] else "",
            "niveau": names[c["level"]],
        }
        for c in cells
    ]
    spec = _base(_("%(what)s: het aantal open risico's per kans en impact.") % {"what": title}, title, 320)
    spec["height"] = 320
    spec["data"] = {"values": values}
    axis = {"type": "ordinal", "sort": "ascending"}
    spec["encoding"] = {
        "x": {"field": "kans", **axis, "title": _("kans (1-5)"), "axis": {"labelAngle": 0}},
        "y": {"field": "impact", "type": "ordinal", "sort": "descending", "title": _("impact (1-5)")},
    }
    spec["layer"] = [
        {
            "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
            "encoding": {
                "color": {
                    "field": "niveau",
                    "type": "nominal",
                    "title": _("niveau"),
                    "scale": {"domain": list(names.values()), "range": list(RISK_COLOURS.values())},
                },
                "opacity": {"condition": {"test": "datum.aantal > 0", "value": 1}, "value": 0.35},
                "tooltip": [
                    {"field": "kans", "title": _("Kans")},
                    {"field": "impact", "title": _("Impact")},
                    {"field": "aantal", "title": _("Open risico's")},
                ],
            },
        },
        {
            "mark": {"type": "text", "fontSize": 16, "fontWeight": "bold", "color": INK},
            "encoding": {"text": {"field": "tekst"}},
        },
    ]
    return spec
