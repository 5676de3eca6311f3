"""A dialogue on one page (PDF) and a list of agreements (Excel), with the machinery of
:mod:`regie.reports.documents`; Dutch, like the other reports.

The dialogue's PDF is what the municipality sends the provider afterwards: the agenda with the
figures of the dialogue's day (the stored agenda, not today's figures), the items added,
the notes and the agreements made, each with its owner, due day and state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook

from regie.relations.models import Agreement, Dialogue, Owner
from regie.reports.documents import Columns, render, workbook_bytes, write_table

#: Who acts on an agreement (value -> label; the reports show the Dutch one).
OWNERS = dict(Owner.choices)

#: The columns of the agreements workbook (field, heading, kind).
AGREEMENTS: Columns = [
    ("provider", "AGB", "text"),
    ("provider_name", "Aanbieder", "text"),
    ("dialogue", "Gesprek van", "text"),
    ("text", "Afspraak", "text"),
    ("owner", "Eigenaar", "text"),
    ("due", "Uiterlijk", "text"),
    ("state", "Stand", "text"),
    ("done", "Gereed gemeld", "text"),
    ("confirmed", "Bevestigd", "text"),
    ("comments", "Opmerkingen", "text"),
]


@translation.override("nl")
def agreement_row(a: Agreement) -> dict[str, Any]:
    """One agreement as a row of the workbook (without its state, which depends on the day)."""
    return {
        "provider": a.provider.agb,
        "provider_name": a.provider.name,
        "dialogue": f"{a.dialogue.date:%d-%m-%Y}",
        "text": a.text,
        "owner": str(OWNERS.get(a.owner, a.owner)),
        "due": f"{a.due:%d-%m-%Y}",
        "done": f"{a.done_at:%d-%m-%Y}" if a.done_at else "",
        "confirmed": f"{a.confirmed_at:%d-%m-%Y}" if a.confirmed_at else "",
        "comments": " | ".join(c.text for c in a.comments.all()),
    }


def agreements_xlsx(rows: Sequence[Mapping[str, Any]], today: dt.date) -> bytes:
    """The agreements (rows of :func:`agreement_row` with their ``state``) as one Excel table."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Afspraken"
    ws["A1"] = "Afspraken uit de gesprekken met aanbieders"
    ws["A2"] = f"Stand per {today:%d-%m-%Y}"
    write_table(ws, "afspraken", 4, AGREEMENTS, rows)
    ws.column_dimensions["D"].width = 60
    return workbook_bytes(wb)


@translation.override("nl")
def dialogue_html(d: Dialogue, agenda: Mapping[str, Any], agreements: Sequence[Mapping[str, Any]]) -> str:
    return render_to_string(
        "reports/dialogue.html",
        {
            "data": {"title": f"Gesprek met {d.provider.name}"},
            "d": d,
            "agenda": agenda,
            "added": d.items.all(),
            "notes": d.notes.all(),
            "agreements": agreements,
            "owners": OWNERS,
        },
    )


def dialogue_pdf(d: Dialogue, agenda: Mapping[str, Any], agreements: Sequence[Mapping[str, Any]]) -> bytes:
    """The dialogue on one A4 page (see the module's docstring)."""
    return bytes(render(dialogue_html(d, agenda, agreements)).write_pdf())
