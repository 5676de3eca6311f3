"""The Gemeentelijke Monitor Sociaal Domein export: the engine's rows in CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from regie.engine.gmsd import FIELDS
from regie.reports.documents import gmsd_csv, gmsd_xlsx
from regie.reports.gmsd import COLUMNS

#: Two rows as :func:`regie.engine.gmsd.gmsd_rows` gives them (see tests/engine/test_gmsd.py).
ROWS = [
    {k: None for k in FIELDS}
    | {"municipality": "0363", "municipality_name": "Amsterdam", "period": "2025", "law": "Jeugdwet"}
    | row
    for row in (
        {"type": "Jeugdhulp zonder verblijf", "funding": "taakgericht", "clients": 3, "inflow": 3, "outflow": 1},
        {"type": "Jeugdhulp met verblijf", "funding": "", "clients": 1},
    )
]


def test_the_export_has_a_heading_for_each_field() -> None:
    assert list(COLUMNS) == list(FIELDS)


def test_csv_and_excel_hold_the_rows() -> None:
    rows = ROWS
    text = gmsd_csv(rows).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert table[0] == list(COLUMNS.values())
    assert len(table) == len(rows) + 1
    assert table[1][COLUMNS_INDEX["clients"]] == str(rows[0]["clients"])

    ws = load_workbook(io.BytesIO(gmsd_xlsx(rows, 2025, dt.date(2025, 12, 31), "Taakland"))).active
    assert ws is not None and "GMSD" in ws.tables
    cells = list(ws[ws.tables["GMSD"].ref])
    assert len(cells) == len(rows) + 1
    assert [c.value for c in cells[1]][COLUMNS_INDEX["clients"]] == rows[0]["clients"]


COLUMNS_INDEX = {k: i for i, k in enumerate(COLUMNS)}


def test_csv_holds_euros_and_whole_days() -> None:
    """Cost per client in whole euros (not cents), durations in whole days (issue 11)."""
    row = {k: None for k in COLUMNS} | {
        "municipality": "0363",
        "cost_per_client_cents": 1_234_550,
        "median_duration_days": 117.5,
        "waiting_median_days": 41.4,
        "clients": 3,
    }
    table = list(csv.reader(io.StringIO(gmsd_csv([row]).decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    assert "kosten per cliënt (euro)" in table[0]
    got = dict(zip(COLUMNS, table[1], strict=True))
    assert got["cost_per_client_cents"] == "12346"
    assert (got["median_duration_days"], got["waiting_median_days"]) == ("118", "41")
