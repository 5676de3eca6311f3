"""Saved scenarios through the API and the pages: create, list, get, compare; access per role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from regie.accounts.models import AuditEvent
from regie.scenarios.models import SavedScenario
from tests.monitor.region import AS_OF, DEFICIT_SEGMENT, YEAR

BODY = {
    "name": "Groei jeugd",
    "description": "Instroom jeugd +50 % vanaf oktober",
    "year": YEAR,
    "as_of": AS_OF.isoformat(),
    "years": 2,
    "changes": [{"kind": "inflow", "segment": DEFICIT_SEGMENT, "factor": 1.5, "from": f"{YEAR}-10"}],
}


def _create(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/scenarios/", body, content_type="application/json")


@pytest.mark.django_db
def test_create_list_and_get_a_scenario(gemeente: Client, raad: Client) -> None:
    response = _create(gemeente, BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["name"] == "Groei jeugd" and data["changes"][0]["kind"] == "inflow"
    result = data["result"]
    assert sum(r["difference"] for r in result["rows"]) == result["totals"]["difference"] > 0
    assert all(len(r["outlook"]) == 2 for r in result["rows"])
    assert AuditEvent.objects.filter(action="scenario.saved").count() == 1
    listed = gemeente.get("/api/v1/scenarios/").json()
    assert set(listed) == {"count", "next", "previous", "results"} and listed["count"] == 1
    assert listed["results"][0]["url"] == f"/api/v1/scenarios/{data['id']}/"
    # the council reads it without the provider rows
    council = raad.get(f"/api/v1/scenarios/{data['id']}/").json()
    assert "providers" not in council["result"] and council["result"]["rows"] == result["rows"]
    assert gemeente.get(f"/api/v1/scenarios/{data['id']}/").json()["result"]["providers"]


@pytest.mark.django_db
def test_a_wrong_scenario_is_a_problem_with_its_parameters(gemeente: Client) -> None:
    response = _create(gemeente, {**BODY, "as_of": "gisteren", "changes": [{"kind": "tariff", "from": "2025-10"}]})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert {p["name"] for p in problem["invalid_params"]} == {"as_of", "changes"}
    assert problem["title"] == "Ongeldige invoer." and problem["status"] == 400, "the title of every 400"
    assert all(p["name"] + ": " in problem["detail"] for p in problem["invalid_params"])


@pytest.mark.django_db
def test_access_per_role(aanbieder: Client, raad: Client, gemeente: Client) -> None:
    assert aanbieder.get("/api/v1/scenarios/").status_code == 403
    assert _create(raad, BODY).status_code == 403
    assert Client().get("/api/v1/scenarios/").status_code in (401, 403)
    assert gemeente.get("/api/v1/scenarios/999/").status_code == 404
    assert aanbieder.get("/scenarios/").status_code == 403
    assert raad.get("/scenarios/").status_code == 200


@pytest.mark.django_db
def test_build_save_and_compare_on_the_pages(gemeente: Client, raad: Client) -> None:
    form = {
        "name": "Index",
        "description": "",
        "year": YEAR,
        "as_of": AS_OF.isoformat(),
        "years": 1,
        "w1-kind": "tariff",
        "w1-start": f"{YEAR}-10",
        "w1-factor": "1.1",
        "w2-kind": "new_segment",
        "w2-start": f"{YEAR}-11",
        "w2-segment": "",
        "w2-clients": "10",
        "w2-price": "12000",
    }
    response = gemeente.post("/scenarios/", form)
    assert response.status_code == 302
    first = SavedScenario.objects.get(name="Index")
    assert [c["kind"] for c in first.changes] == ["tariff", "new_segment"]
    assert first.changes[1]["price_per_client"] == 1_200_000
    page = gemeente.get(response["Location"]).content.decode()
    assert "Index" in page and "Wijziging 2" in page
    _create(gemeente, BODY)
    second = SavedScenario.objects.get(name="Groei jeugd")
    compare = raad.get(f"/scenarios/vergelijken/?id={first.pk}&id={second.pk}").content.decode()
    assert "Zonder scenario" in compare and "Groei jeugd" in compare and "vergelijk-grafiek" in compare
    # the council cannot save
    assert raad.post("/scenarios/", form).status_code == 200
    assert SavedScenario.objects.count() == 2


@pytest.mark.django_db
def test_the_demo_carries_a_saved_scenario(region: None) -> None:
    from regie.scenarios.services import DEMO_SCENARIO, demo_scenario

    saved = demo_scenario(YEAR, AS_OF)
    assert saved.name == DEMO_SCENARIO and saved.years == 3
    assert demo_scenario(YEAR, AS_OF).pk == saved.pk  # once
    assert saved.result["totals"]["difference"] > 0


@pytest.mark.django_db
def test_the_council_report_has_a_scenario_section(gemeente: Client) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from regie.catalog.models import Provider
    from regie.reports import documents

    body = {
        **BODY,
        "changes": [*BODY["changes"], {"kind": "provider_exit", "provider": "33333333", "from": f"{YEAR}-11"}],
    }
    assert _create(gemeente, body).status_code == 201
    data = documents.council_data(YEAR, AS_OF)
    (scenario,) = data.scenarios
    assert [c["title"] for c in scenario["totals"]["changes"]][1] == "Aanbieder stopt"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.council_pdf(data))).pages)
    assert "Scenario's: wat als?" in text and "Groei jeugd" in text and "33333333" not in text
    for name in Provider.objects.values_list("name", flat=True):
        assert name not in text
    assert "Scenario's" in load_workbook(io.BytesIO(documents.council_xlsx(data))).sheetnames
