"""Reports people can read: the council report and a provider's scorecard as PDF (WeasyPrint,
with the charts rendered to SVG) and Excel (openpyxl, real tables with number formats), and
the Gemeentelijke Monitor Sociaal Domein export as CSV and Excel.

Every figure comes from the snapshots the pages show (:mod:`regie.monitor.services`), so a
download holds the same figures as the page it was downloaded from.

The documents are Dutch (a council report is a Dutch document), also when the user reads the
web app in English.

What the council report holds (the council sees aggregated figures only): per municipality x
segment the budget, realised, forecast with its range and the early warnings with their
drivers, and the indicators per municipality x segment. No provider names, no client data.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from regie.catalog import models as cat
from regie.engine.indicators import COLUMNS
from regie.engine.registry import INDICATOR
from regie.engine.scenarios.changes import KIND_LABELS
from regie.formatting import DASH, signed_euro
from regie.monitor import services
from regie.monitor.figures import month_label
from regie.monitor.models import Snapshot
from regie.relations import agenda
from regie.reports import cards, charts, crossdomain, gmsd
from regie.reports.cards import target_line
from regie.reports.drivers import driver_lines, over_budget
from regie.scenarios.models import SavedScenario

if TYPE_CHECKING:
    from weasyprint import Document

EURO = '"€" #,##0;[Red]"€" -#,##0'
#: The series of a scorecard's trend chart: field -> legend.
TREND_SERIES = {k: INDICATOR[k].label.nl for k in ("clients", "inflow", "outflow")}
SHARE = "0.0%"
WHOLE = "#,##0"
ONE = "#,##0.0"

#: Indicator columns of the reports: field -> (heading, kind), the columns of ``regie indicators``.
INDICATORS: dict[str, tuple[str, str]] = {k: (INDICATOR[k].label.nl, INDICATOR[k].kind) for k in COLUMNS}
FORECAST: dict[str, tuple[str, str]] = {
    "budget": ("Budget", "money"),
    "realised": ("Gerealiseerd", "money"),
    "ibnr": ("Nog te declareren", "money"),
    "remaining": ("Rest van het jaar", "money"),
    "forecast": ("Prognose", "money"),
    "low": ("Bandbreedte laag (10%)", "money"),
    "high": ("Bandbreedte hoog (90%)", "money"),
}

Columns = list[tuple[str, str, str]]
#: The indicator table of the council report (PDF and Excel): per municipality x segment.
COUNCIL_INDICATORS: Columns = [("municipality_name", "Gemeente", "text"), ("segment", "Segment", "text")] + [
    (f, h, k) for f, (h, k) in INDICATORS.items() if f != "agreed_clients"
]
#: The forecast table of the council report's PDF: the forecast, its difference from budget
#: (:func:`regie.reports.drivers.over_budget`) and the early-warning signal.
COUNCIL_FORECAST: Columns = [
    ("municipality_name", "Gemeente", "text"),
    ("segment_label", "Segment", "text"),
    *((f, h, k) for f, (h, k) in FORECAST.items()),
    ("over_budget", "Verschil met budget", "signed"),
    ("warning", "Signaal", "signal"),
]
#: The forecast table of a provider's scorecard PDF (a provider has no budget of its own).
PROVIDER_FORECAST: Columns = [
    ("municipality_name", "Gemeente", "text"),
    ("segment", "Segment", "text"),
    *((f, h, k) for f, (h, k) in FORECAST.items() if f != "budget"),
    ("warning", "Signaal", "signal"),
]
#: A provider's payment ledger totals (PDF and Excel).
LEDGER: Columns = [
    ("segment", "Segment", "text"),
    ("municipality_name", "Gemeente", "text"),
    ("advances_cents", "Voorschotten", "money"),
    ("settlement_cents", "Afrekening", "money"),
    ("instalments_cents", "Termijnen", "money"),
    ("declarations_cents", "Declaraties", "money"),
    ("late_declared_cents", "Te laat (niet betaald)", "money"),
    ("paid_cents", "Betaald", "money"),
]
#: A provider's declaration lines per care month: in time, late, rejected (PDF and Excel).
DECLARATIONS: Columns = [
    ("segment", "Segment", "text"),
    ("municipality_name", "Gemeente", "text"),
    ("care_month", "Zorgmaand", "month"),
    ("in_time", "Tijdig", "int"),
    ("late", "Te laat", "int"),
    ("rejected", "Afgekeurd", "int"),
    ("in_time_cents", "Tijdig (bedrag)", "money"),
    ("late_cents", "Te laat (bedrag)", "money"),
    ("rejected_cents", "Afgekeurd (bedrag)", "money"),
]


#: A provider's contract targets (doelbereik), met or not.
TARGETS: Columns = [
    ("segment", "Segment", "text"),
    ("label", "Doel", "text"),
    ("norm_text", "Norm", "text"),
    ("value_text", "Gerealiseerd", "text"),
    ("met_text", "Gehaald", "text"),
]


@dataclass
class ReportData:
    """What one report shows: the year, as-of date, when computed, and its snapshot rows."""

    title: str
    region: str
    year: int
    as_of: dt.date
    computed_at: dt.datetime | None
    forecast: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    scorecards: list[dict[str, Any]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    declarations: list[dict[str, Any]] = field(default_factory=list)
    provider: dict[str, Any] | None = None
    #: saved scenarios of the year (council report): name, description, as-of date, totals
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    #: the provider's contract targets, met or not (:func:`regie.reports.cards.target_line`)
    targets: list[dict[str, Any]] = field(default_factory=list)
    #: the client across domains for the council (:func:`regie.reports.crossdomain.council_section`)
    cross_domain: dict[str, Any] | None = None


def _names() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    return (
        dict(cat.Municipality.objects.values_list("code", "name")),
        dict(cat.Segment.objects.values_list("code", "name")),
        dict(cat.Provider.objects.values_list("agb", "name")),
    )


def _named(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    municipalities, segments, providers = _names()
    out = []
    for r in rows:
        row = dict(r)
        if "municipality" in row:
            row["municipality_name"] = municipalities.get(row["municipality"] or "", row["municipality"] or "–")
        if "segment" in row:
            row["segment_name"] = segments.get(row["segment"] or "", row["segment"] or "–")
        if "provider" in row:
            row["provider_name"] = providers.get(row["provider"] or "", row["provider"] or "–")
        out.append(row)
    return out


def _snapshot_rows(
    kind: str, year: int, as_of: dt.date, key: str = ""
) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    snap = services.latest(kind, year, as_of, key)
    return (list(snap.rows), snap.computed_at) if snap else ([], None)


def council_data(year: int, as_of: dt.date) -> ReportData:
    region = cat.Region.objects.order_by("pk").first()
    forecast, computed = _snapshot_rows(Snapshot.Kind.FORECAST, year, as_of)
    indicators, _c = _snapshot_rows(
        Snapshot.Kind.INDICATORS, year, as_of, services.grouping_key(("municipality", "segment"))
    )
    forecast = sorted(_named(forecast), key=lambda r: (r["municipality"], r["segment"]))
    for row in forecast:
        row["driver_lines"] = driver_lines(row.get("drivers"))
        row["over_budget"] = over_budget(row)
        row["segment_label"] = f"{row['segment']} {row['segment_name']}"
    return ReportData(
        title=f"Raadsrapportage sociaal domein {year}",
        region=region.name if region else "",
        year=year,
        as_of=as_of,
        computed_at=computed,
        forecast=forecast,
        indicators=sorted(_named(indicators), key=lambda r: (str(r["municipality"]), str(r["segment"]))),
        scenarios=council_scenarios(year),
        cross_domain=crossdomain.council_section(
            next(
                (r for r in _snapshot_rows(Snapshot.Kind.CROSS_DOMAIN, year, as_of)[0] if r["municipality"] is None),
                None,
            )
        ),
    )


#: Saved scenarios the council report shows at most (the newest).
COUNCIL_SCENARIOS = 3


def council_scenarios(year: int) -> list[dict[str, Any]]:
    """The newest saved scenarios of ``year``: totals only (no provider rows), the
    difference per change and the outlook's totals per year."""
    out = []
    for saved in SavedScenario.objects.filter(year=year)[:COUNCIL_SCENARIOS]:
        result = saved.result
        rows = result.get("rows", [])
        years = [o["year"] for o in (rows[0].get("outlook") or [])] if rows else []
        outlook = [
            {
                "year": y,
                "baseline": sum(r["outlook"][i]["baseline"] for r in rows if len(r.get("outlook") or []) > i),
                "forecast": sum(r["outlook"][i]["forecast"] for r in rows if len(r.get("outlook") or []) > i),
            }
            for i, y in enumerate(years)
        ]
        totals = dict(result.get("totals", {}))
        # the council sees no provider: a change naming one is shown by its kind only
        totals["changes"] = [
            {**c, "title": KIND_LABELS[c["kind"]]} if c["kind"] in ("capacity", "provider_exit") else c
            for c in totals.get("changes", [])
        ]
        out.append(
            {
                "name": saved.name,
                "description": saved.description,
                "as_of": saved.as_of,
                "totals": totals,
                "outlook": outlook,
            }
        )
    return out


def provider_data(agb: str, year: int, as_of: dt.date) -> ReportData:
    provider = cat.Provider.objects.get(agb=agb)
    cards, computed = _snapshot_rows(Snapshot.Kind.SCORECARDS, year, as_of)
    forecast, _c1 = _snapshot_rows(Snapshot.Kind.FORECAST_PROVIDERS, year, as_of)
    ledger, _c2 = _snapshot_rows(Snapshot.Kind.LEDGER, year, as_of)
    declarations, _c3 = _snapshot_rows(Snapshot.Kind.DECLARATIONS, year, as_of)
    indicators, computed_ind = _snapshot_rows(
        Snapshot.Kind.INDICATORS, year, as_of, services.grouping_key(("provider", "segment"))
    )
    mine = {"provider": agb}
    return ReportData(
        title=f"Scorekaart {provider.name} {year}",
        region=(cat.Region.objects.order_by("pk").first() or cat.Region(name="")).name,
        year=year,
        as_of=as_of,
        computed_at=computed or computed_ind,
        scorecards=_named([r for r in cards if r.get("provider") == agb]),
        indicators=_named([r for r in indicators if r.get("provider") == agb]),
        forecast=_named([r for r in forecast if all(r.get(k) == v for k, v in mine.items())]),
        ledger=_named([r for r in ledger if r.get("provider") == agb]),
        declarations=_named([r for r in declarations if r.get("provider") == agb]),
        provider={"agb": provider.agb, "name": provider.name, "members": list(provider.members)},
        targets=[
            target_line(t, "nl")
            for t in agenda.target_results(provider, services.latest(Snapshot.Kind.SCORECARDS, year, as_of))
        ],
    )


# --------------------------------------------------------------------------------------------
# Excel


def write_table(
    ws: Worksheet,
    name: str,
    top: int,
    columns: Sequence[tuple[str, str, str]],
    rows: Sequence[Mapping[str, Any]],
) -> int:
    """Write ``rows`` as an Excel table at row ``top``: columns are (field, heading, kind) with
    kind text, bool, money (cents shown as euros), int, small (a count, one to four written as
    "minder dan 5"), one, share, or num (the row's own ``kind``; any other kind is written as
    it is); returns the next free row."""
    for j, (_f, heading, _k) in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=j, value=heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(rows, start=top + 1):
        for j, (f, _h, column_kind) in enumerate(columns, start=1):
            kind = str(row.get("kind", "")) if column_kind == "num" else column_kind
            value = row.get(f)
            if kind == "money" and value is not None:
                value = int(value) / 100
            elif kind == "bool":
                value = "ja" if value else "nee"
            elif kind == "small" and value is not None and 0 < value < crossdomain.SMALL:
                value = crossdomain.small_count(value)
            cell = ws.cell(row=i, column=j, value=value)
            formats = {"money": EURO, "int": WHOLE, "small": WHOLE, "one": ONE, "share": SHARE}
            cell.number_format = formats.get(kind, "General")
    last = top + max(len(rows), 1)
    if not rows:
        ws.cell(row=top + 1, column=1, value="(geen gegevens)")
    ref = f"A{top}:{get_column_letter(len(columns))}{last}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    for j, (_f, heading, _k) in enumerate(columns, start=1):
        width = max(len(heading), 12)
        ws.column_dimensions[get_column_letter(j)].width = min(width + 2, 40)
    return last + 3


def _heading(ws: Worksheet, data: ReportData, subtitle: str) -> int:
    ws["A1"] = data.title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"{data.region} · {subtitle} · peildatum {data.as_of:%d-%m-%Y}"
    if data.computed_at:
        ws["A3"] = f"Berekend op {timezone.localtime(data.computed_at):%d-%m-%Y %H:%M}"
    ws["A2"].font = Font(color="4D5A6A")
    return 5


#: A text starting with one of these is a formula (or a DDE call) to a spreadsheet that reads it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_only(wb: Workbook) -> Workbook:
    """Every text cell of ``wb`` written as text, never as a formula.

    Names and codes in the reports come from files the municipality received (a CSV row, a
    catalog); openpyxl stores a string that starts with ``=`` as a formula, which the reader's
    spreadsheet would run. Regie writes no formulas, so every string cell is set to the
    string type, and one that a spreadsheet could take for a formula also gets the quote
    prefix (shown as typed, also after editing the cell).
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    as_text_only(wb).save(out)
    return out.getvalue()


def csv_text(value: str) -> str:
    """A CSV field that a spreadsheet will not run: text starting like a formula gets a leading
    apostrophe (OWASP's advice for CSV injection); numbers are left alone.

    >>> csv_text("=1+1"), csv_text("-12,5"), csv_text("Venlo")
    ("'=1+1", '-12,5', 'Venlo')
    """
    if value.startswith(FORMULA_STARTS) and not re.fullmatch(r"-?\d+(,\d+)?", value):
        return "'" + value
    return value


def council_xlsx(data: ReportData) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Budget en prognose"
    top = _heading(ws, data, "budget, realisatie en prognose")
    cols = [
        ("municipality_name", "Gemeente", "text"),
        ("segment", "Segment", "text"),
        ("segment_name", "Naam segment", "text"),
    ]
    cols += [(f, h, k) for f, (h, k) in FORECAST.items()] + [("warning", "Waarschuwing", "bool")]
    top = write_table(ws, "Prognose", top, cols, data.forecast)
    drivers = [
        {
            "municipality_name": r["municipality_name"],
            "segment": r["segment"],
            "driver": d["label"],
            "amount": d["amount"],
        }
        for r in data.forecast
        if r.get("warning")
        for d in r["driver_lines"]
    ]
    ws.cell(row=top - 1, column=1, value="Oorzaken van de waarschuwingen (verschil met het budget)").font = Font(
        bold=True
    )
    write_table(
        ws,
        "Oorzaken",
        top,
        [
            ("municipality_name", "Gemeente", "text"),
            ("segment", "Segment", "text"),
            ("driver", "Oorzaak", "text"),
            ("amount", "Bedrag", "money"),
        ],
        drivers,
    )
    ws2 = wb.create_sheet("Indicatoren")
    top = _heading(ws2, data, "indicatoren per gemeente en segment")
    write_table(ws2, "Indicatoren", top, COUNCIL_INDICATORS, data.indicators)
    if data.cross_domain:
        _council_across_sheet(wb, data, data.cross_domain)
    if data.scenarios:
        ws3 = wb.create_sheet("Scenario's")
        top = _heading(ws3, data, "scenario's: wat als?")
        lines = [
            {"scenario": s["name"], "change": c["title"], "amount": c["cents"]}
            for s in data.scenarios
            for c in s["totals"].get("changes", [])
        ]
        write_table(
            ws3,
            "Scenarios",
            top,
            [("scenario", "Scenario", "text"), ("change", "Wijziging", "text"), ("amount", "Effect dit jaar", "money")],
            lines,
        )
    return workbook_bytes(wb)


def _council_across_sheet(wb: Workbook, data: ReportData, section: Mapping[str, Any]) -> None:
    """The council workbook's sheet of the client across domains: the same three tables as the PDF."""
    ws = wb.create_sheet("Over domeinen")
    top = _heading(ws, data, "cliënt over domeinen (aantallen van 1 tot 4: minder dan 5)")
    top = write_table(ws, "DomeinenAantal", top, crossdomain.BY_COUNT, section["by_count"])
    top = write_table(ws, "Combinaties", top, crossdomain.COMBINATIONS, section["combinations"])
    write_table(ws, "Tegelijk", top, crossdomain.OVERLAPS, section["overlaps"])


def provider_xlsx(data: ReportData) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Scorekaart"
    top = _heading(ws, data, f"AGB {data.provider['agb'] if data.provider else ''}")
    top = write_table(
        ws,
        "Scorekaart",
        top,
        [
            ("segment", "Segment", "text"),
            ("label", "Indicator", "text"),
            ("value", "Aanbieder", "num"),
            ("median", "Mediaan collega's", "num"),
            ("p25", "25e percentiel", "num"),
            ("p75", "75e percentiel", "num"),
            ("position", "Ten opzichte van collega's", "text"),
        ],
        cards.lines(data.scorecards),
    )
    if data.targets:
        top = write_table(ws, "Doelbereik", top, TARGETS, data.targets)
    ws2 = wb.create_sheet("Indicatoren")
    top = _heading(ws2, data, "indicatoren per segment")
    cols = [("segment", "Segment", "text")] + [(f, h, k) for f, (h, k) in INDICATORS.items()]
    write_table(ws2, "Indicatoren", top, cols, data.indicators)
    ws3 = wb.create_sheet("Prognose")
    top = _heading(ws3, data, "prognose per gemeente en segment")
    cols = [("municipality_name", "Gemeente", "text"), ("segment", "Segment", "text")]
    cols += [(f, h, k) for f, (h, k) in FORECAST.items() if f != "budget"] + [("warning", "Waarschuwing", "bool")]
    write_table(ws3, "Prognose", top, cols, data.forecast)
    ws4 = wb.create_sheet("Grootboek")
    top = _heading(ws4, data, "betaalgrootboek")
    write_table(ws4, "Grootboek", top, LEDGER, data.ledger)
    ws5 = wb.create_sheet("Declaraties")
    top = _heading(ws5, data, "declaratieregels per zorgmaand")
    write_table(ws5, "Declaraties", top, DECLARATIONS, data.declarations)
    return workbook_bytes(wb)


def gmsd_csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The GMSD export as CSV (UTF-8 with BOM for Excel, semicolon separated, decimal comma)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(gmsd.COLUMNS.values())
    for row in gmsd.export_rows(rows):
        cells = []
        for key in gmsd.COLUMNS:
            value = row.get(key)
            if value is None:
                cells.append("")
            elif isinstance(value, float):
                cells.append(f"{value:.4f}".replace(".", ","))
            else:
                cells.append(csv_text(str(value)))
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def gmsd_xlsx(rows: Sequence[Mapping[str, Any]], year: int, as_of: dt.date, region: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Monitor Sociaal Domein"
    ws["A1"] = f"Gemeentelijke Monitor Sociaal Domein {year}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"{region} · peildatum {as_of:%d-%m-%Y} · uit het berichtenverkeer (ook taakgericht: start/stop en CSV)"
    kinds = {i.key: i.kind for i in INDICATOR.values()}
    cols = [
        (k, h if k != "cost_per_client_cents" else "kosten per cliënt", kinds.get(k, "text"))
        for k, h in gmsd.COLUMNS.items()
    ]
    write_table(ws, "GMSD", 4, cols, rows)
    return workbook_bytes(wb)


# --------------------------------------------------------------------------------------------
# PDF


def _svg_uri(spec: Mapping[str, Any] | None) -> str | None:
    if not spec:
        return None
    svg = charts.render_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


#: Kinds of a PDF table's columns whose cells are figures (right-aligned, never broken).
FIGURES = {"money", "signed", "int", "one", "share", "small"}


def cell_text(value: Any, kind: str) -> str:
    """A cell of a PDF table as the reader sees it: a figure by its kind (:func:`cards.fmt`), a
    difference with its sign (``€ +1.234``), a month, the early-warning signal, or text.

    >>> cell_text(-123456, "signed"), cell_text(True, "signal"), cell_text("2026-03-01", "month")
    ('€ -1.235', 'waarschuwing', 'mrt 2026')
    """
    if kind == "signed":
        return signed_euro(value)
    if kind == "signal":
        return "waarschuwing" if value else "binnen budget"
    if kind == "month":
        return month_label(value) if value else DASH
    if kind == "small":
        return crossdomain.small_count(value)
    if kind in FIGURES:
        return cards.fmt(value, kind)
    return DASH if value is None or value == "" else str(value)


def pdf_table(ident: str, columns: Columns, rows: Sequence[Mapping[str, Any]], empty: str) -> dict[str, Any]:
    """What ``reports/table.html`` sets: headings and cells, each marked as a figure or not; a
    row with an early warning is marked too."""
    return {
        "id": ident,
        "headings": [{"text": heading, "figure": kind in FIGURES} for _f, heading, kind in columns],
        "rows": [
            {
                "warning": bool(row.get("warning")),
                "cells": [{"text": cell_text(row.get(f), kind), "figure": kind in FIGURES} for f, _h, kind in columns],
            }
            for row in rows
        ],
        "empty": empty,
    }


def render(html: str) -> Document:
    """Lay out a report's HTML with WeasyPrint (the pages, before they are written as PDF)."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only when a PDF is made

    return HTML(string=html).render()


@translation.override("nl")
def council_html(data: ReportData) -> str:
    """The council report: A4 landscape, so the forecast (with its range, difference from budget
    and signal) and the indicators fit the page as one table each."""
    label = {i: f"{r['municipality_name']} · {r['segment']} {r['segment_name']}" for i, r in enumerate(data.forecast)}
    return render_to_string(
        "reports/council.html",
        {
            "data": data,
            "grip_chart": _svg_uri(charts.grip_chart(data.forecast, label)),
            "forecast": pdf_table("prognose", COUNCIL_FORECAST, data.forecast, "Geen prognose voor deze peildatum."),
            "indicators": pdf_table("indicatoren", COUNCIL_INDICATORS, data.indicators, "Geen indicatoren."),
            "across": _council_across(data.cross_domain),
        },
    )


def _council_across(section: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The council report's tables of the client across domains, with its bar chart."""
    if not section:
        return None
    bars = [{**r, "clients": r["clients"] if r["clients"] >= crossdomain.SMALL else 0} for r in section["combinations"]]
    return {
        **section,
        "chart": _svg_uri(charts.combinations_chart(bars, "Cliënten per combinatie")),
        "by_count": pdf_table("domeinen-aantal", crossdomain.BY_COUNT, section["by_count"], "Geen cliënten."),
        "combinations": pdf_table("combinaties", crossdomain.COMBINATIONS, section["combinations"], "Geen cliënten."),
        "overlaps": pdf_table("overlap", crossdomain.OVERLAPS, section["overlaps"], "Geen overlap."),
    }


def council_pdf(data: ReportData) -> bytes:
    return bytes(render(council_html(data)).write_pdf())


@translation.override("nl")
def provider_html(data: ReportData) -> str:
    """A provider's scorecard: the scorecard and its trends on A4 portrait, the forecast, ledger
    and declarations on A4 landscape pages."""
    trends = []
    for card in data.scorecards:
        row = cards.flat(card)
        spec = charts.trend_chart(row["trend"], TREND_SERIES, f"{card['segment']}: cliënten, instroom en uitstroom")
        trends.append({"segment": card["segment"], "chart": _svg_uri(spec)})
    label = {i: f"{r['municipality_name']} · {r['segment']}" for i, r in enumerate(data.forecast)}
    return render_to_string(
        "reports/provider.html",
        {
            "data": data,
            "lines": cards.lines(data.scorecards),
            "trends": trends,
            "forecast_chart": _svg_uri(charts.grip_chart(data.forecast, label)) if data.forecast else None,
            "forecast": pdf_table("prognose", PROVIDER_FORECAST, data.forecast, "Geen prognose voor deze peildatum."),
            "ledger": pdf_table("grootboek", LEDGER, data.ledger, "Geen regels."),
            "declarations": pdf_table("declaraties", DECLARATIONS, data.declarations, "Geen declaraties."),
        },
    )


def provider_pdf(data: ReportData) -> bytes:
    return bytes(render(provider_html(data)).write_pdf())
