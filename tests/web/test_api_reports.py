"""The reports as API resources: listed per role, downloaded as binary files with their content
type and name (the same documents as the reports page, audited), another provider's scorecard
404, the council's reports not a provider's (403)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from regie.accounts.models import AuditEvent
from tests.accounts.factories import client_for
from tests.monitor.region import AS_OF, OTHER, OWN, YEAR

G, A, R, M = "gemeente", "aanbieder", "raad", "relatiebeheer"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ids(who: str) -> list[str]:
    body = client_for(who).get("/api/v1/reports/").json()
    assert {"count", "next", "previous", "results"} <= set(body)
    return [r["id"] for r in body["results"]]


def test_each_role_lists_what_it_may_download(region: None, db: None) -> None:
    assert ids(G)[:2] == ["council", "gmsd"] and f"scorecard-{OTHER}" in ids(G)
    assert ids(A) == [f"scorecard-{OWN}"]
    assert ids(R) == ["council", "gmsd"]
    assert ids(M) == ["council", "gmsd", f"scorecard-{OWN}", "scorecard-44444444"]
    one = client_for(A).get(f"/api/v1/reports/scorecard-{OWN}/").json()
    assert one["formats"] == ["pdf", "xlsx"] and one["downloads"]["pdf"].endswith(f"/scorecard-{OWN}/pdf/")


def test_downloads_are_binary_with_their_content_type(region: None, db: None) -> None:
    query = {"year": YEAR, "as_of": AS_OF.isoformat()}
    pdf = client_for(R).get("/api/v1/reports/council/pdf/", query)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="raadsrapportage-{YEAR}-per-{AS_OF:%Y%m%d}.pdf"'
    assert "Raadsrapportage" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    xlsx = client_for(A).get(f"/api/v1/reports/scorecard-{OWN}/xlsx/", query, HTTP_ACCEPT=XLSX)
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    assert load_workbook(io.BytesIO(xlsx.content)).worksheets
    csv = client_for(G).get("/api/v1/reports/gmsd/csv/")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv") and csv.content
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"report.council.pdf", "report.scorecard.xlsx", "report.gmsd.csv"} <= actions


def test_reports_are_scoped_like_the_page(region: None, db: None) -> None:
    for who in (A, M):
        other = client_for(who).get(f"/api/v1/reports/scorecard-{OTHER}/pdf/")
        assert other.status_code == 404 and other["Content-Type"] == "application/problem+json"
        assert client_for(who).get(f"/api/v1/reports/scorecard-{OTHER}/").status_code == 404
    assert client_for(A).get("/api/v1/reports/council/pdf/").status_code == 403
    assert client_for(A).get("/api/v1/reports/gmsd/xlsx/").status_code == 403
    assert client_for(R).get(f"/api/v1/reports/scorecard-{OWN}/pdf/").status_code == 403
    assert client_for(G).get("/api/v1/reports/council/csv/").status_code == 404
    assert client_for(G).get("/api/v1/reports/onbekend/").status_code == 404
    wrong = client_for(G).get("/api/v1/reports/council/pdf/", {"year": "dit"})
    assert wrong.status_code == 400 and wrong.json()["invalid_params"][0]["name"] == "year"
