"""The client across domains in the council report (ADR 0025): aggregate counts, one to four
clients shown as "minder dan 5", no costs and no client."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from regie.monitor import services
from regie.reports import crossdomain, documents
from tests.monitor.region import AS_OF, YEAR


def test_council_section_suppresses_small_counts() -> None:
    document = {
        "start": "2025-01-01",
        "last": "2025-12-31",
        "domains": ["jeugd", "wmo"],
        "clients": 107,
        "by_count": {"1": 104, "2": 3, "3": 0},
        "combinations": [
            {"combination": "jeugd", "domains": ["jeugd"], "clients": 60},
            {"combination": "wmo", "domains": ["wmo"], "clients": 44},
            {"combination": "jeugd+wmo", "domains": ["jeugd", "wmo"], "clients": 3},
        ],
        "domain_overlaps": [{"domain_a": "jeugd", "domain_b": "wmo", "clients": 3, "days": 90}],
    }
    section = crossdomain.council_section(document)
    assert section is not None
    assert [(r["label"], r["clients"]) for r in section["by_count"]] == [("1 domein", 104), ("2 domeinen", 3)]
    assert [(r["label"], r["share"]) for r in section["combinations"]] == [
        ("Jeugd", 60 / 107),
        ("Wmo", 44 / 107),
        ("Jeugd + Wmo", None),  # three clients: no share
    ]
    assert section["overlaps"] == [{"label": "Jeugd + Wmo", "clients": 3, "days_per_client": None}]
    table = documents.pdf_table("c", crossdomain.COMBINATIONS, section["combinations"], "")
    assert [c["text"] for c in table["rows"][2]["cells"]] == ["Jeugd + Wmo", "minder dan 5", "–"]


def test_council_pdf_has_the_section(region: None, db: None) -> None:
    data = documents.council_data(YEAR, AS_OF)
    region_document = services.compute_cross_domain(YEAR, AS_OF)[0]
    assert data.cross_domain is not None and data.cross_domain["clients"] == region_document["clients"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.council_pdf(data))).pages)
    assert "Cliënt over domeinen" in text
    assert f"Van de {region_document['clients']} cliënten" in text
    assert "Jeugd + Wmo" in text


def test_council_workbook_has_the_sheet(region: None, db: None) -> None:
    data = documents.council_data(YEAR, AS_OF)
    assert data.cross_domain is not None
    data.cross_domain["combinations"][0]["clients"] = 2  # as if one to four: never written as a number
    ws = load_workbook(io.BytesIO(documents.council_xlsx(data)))["Over domeinen"]
    assert set(ws.tables) == {"DomeinenAantal", "Combinaties", "Tegelijk"}
    rows = list(ws[ws.tables["Combinaties"].ref])
    assert [c.value for c in rows[0]] == ["Domeinen", "Cliënten", "Aandeel"]
    assert rows[1][1].value == "minder dan 5"
    assert [c.value for c in rows[2]][:2] == ["Wmo", data.cross_domain["combinations"][1]["clients"]]
