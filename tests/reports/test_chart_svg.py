"""What a reader of a PDF sees of a chart: the SVG that :func:`regie.reports.charts.render_svg`
makes holds every legend entry inside its own height (a PDF shows nothing past it)."""

from __future__ import annotations

import re

from django.utils import translation
from lxml import etree

from regie.reports import charts

SVG = "{http://www.w3.org/2000/svg}"

#: The council report's rows of the demo (7 December 2026): long labels, and advances paid,
#: so the legend has seven entries in two legends.
ROWS = [
    ("JGD-AMB", "Jeugdhulp ambulant", 628_396_000, 591_791_000, 120_669_400, None),
    ("PART", "Participatie re-integratie", 85_400_000, 73_776_700, 6_431_200, None),
    ("WMO-BW", "Wmo beschermd wonen", 1_954_200_000, 1_797_112_300, 80_231_600, 1_916_801_000),
    ("WMO-IB", "Wmo individuele begeleiding", 1_120_000_000, 1_000_030_000, 76_526_800, 1_080_324_300),
]


def grip_rows() -> list[dict[str, object]]:
    return [
        {
            "municipality": "0983",
            "segment": code,
            "budget": budget,
            "realised": realised,
            "ibnr": ibnr,
            "remaining": 0,
            "forecast": realised + ibnr,
            "low": round((realised + ibnr) * 0.98),
            "high": round((realised + ibnr) * 1.02),
            "advances": advances,
            "warning": realised + ibnr > budget,
            "label": f"Venlo · {code} {name}",
        }
        for code, name, budget, realised, ibnr, advances in ROWS
    ]


def _offset(element: etree._Element) -> float:
    """The element's vertical offset from the SVG's top: the translations of it and its groups."""
    y = 0.0
    node: etree._Element | None = element
    while node is not None:
        found = re.search(r"translate\(\s*[-\d.]+\s*,\s*([-\d.]+)\s*\)", node.get("transform") or "")
        y += float(found.group(1)) if found else 0.0
        node = node.getparent()
    return y


def test_every_legend_entry_of_the_grip_chart_is_inside_the_pdfs_picture() -> None:
    """The legend's columns follow the plot's width, which the fit-x layout narrows after the
    height was set: the council PDF lost the legend's last row (range, forecast, budget,
    advances) below the picture's edge."""
    rows = grip_rows()
    with translation.override("nl"):
        spec = charts.grip_chart(rows, {i: str(r["label"]) for i, r in enumerate(rows)})
        assert spec is not None
        svg = etree.fromstring(charts.render_svg(spec).encode("utf-8"))
    height = float(svg.get("height"))
    labels = {
        "Gerealiseerd",
        "Nog te declareren (IBNR)",
        "Rest van het jaar",
        "Bandbreedte (80 %)",
        "Prognose",
        "Budget",
        "Voorschotten betaald",
    }
    legend = [t for t in svg.iter(f"{SVG}text") if (t.text or "").strip() in labels]
    assert {t.text.strip() for t in legend} == labels
    below = {t.text: round(_offset(t)) for t in legend if _offset(t) > height}
    assert not below, f"legend entries below the picture's height {height}: {below}"
