"""The dossiers' API as domain.md section 12 says (issue 15): fields, status codes, the
rules refused as problem+json naming the rule, roles, the fund and the ledger line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from django.test import Client

from regie.accounts.models import AuditEvent
from regie.catalog.models import InnovationFund
from regie.funding.models import LedgerLine
from tests.conftest import ROOT
from tests.monitor.region import OTHER, OWN
from tests.web.conftest import client_for

G, A, R, M = "gemeente", "aanbieder", "raad", "relatiebeheer"
THIRD, FOURTH = "33333333", "44444444"
YEAR = 2025
CSV = "text/csv"


def problem(response: Any, status: int, rule: str | None = None, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if rule:
        params = {p["name"]: p["reason"] for p in body["invalid_params"]}
        assert params[field or ""].startswith(f"{rule}: "), params
    return body


def submit(client: Client, providers: list[str], **extra: Any) -> Any:
    body = {
        "title": "Samen naar het voorliggend veld",
        "providers": providers,
        "year": YEAR,
        "requested_cents": 4_000_000,
        "business_case": {"goals": "Warme overdracht", "client_group": "Wmo-begeleiding", "approach": "Koppelteam"},
        "indicators": ["sustainable_outflow_rate", "step_down"],
        **extra,
    }
    return client.post("/api/v1/opportunity-dossiers/", body, content_type="application/json")


def assess(client: Client, pk: int, **extra: Any) -> Any:
    body = {
        "cooperation": 4,
        "innovation": 5,
        "acceleration": 3,
        "regular_service": False,
        "decision": "awarded",
        "awarded_cents": 3_000_000,
        "reason": "Vernieuwend en gedragen",
        **extra,
    }
    return client.post(f"/api/v1/opportunity-dossiers/{pk}/assessment/", body, content_type="application/json")


def fund(amount: int = 5_000_000) -> None:
    InnovationFund.objects.create(year=YEAR, amount=amount)


def test_submit_list_and_read(region: None, db: None) -> None:
    response = submit(client_for(A), [OWN, OTHER])
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "title", "providers", "year", "requested_cents", "business_case", "indicators", "results"} <= set(
        body
    )
    assert body["providers"] == sorted([OWN, OTHER]) and body["lead"] == OWN and body["status"] == "submitted"
    assert body["decision"] is None and body["results"]["indicators"] == []
    listed = client_for(G).get("/api/v1/opportunity-dossiers/?year=2025").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"] and listed["next"] is None
    assert AuditEvent.objects.filter(action="dossier.submit").count() == 1


def test_fewer_than_two_distinct_providers_is_refused_naming_the_rule(region: None, db: None) -> None:
    body = problem(submit(client_for(G), [OWN]), 400, "cooperation", "providers")
    refused = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())["paths"]["/api/v1/opportunity-dossiers/"]
    examples = refused["post"]["responses"]["400"]["content"]["application/problem+json"]["examples"]
    assert body == next(iter(examples.values()))["value"], "the documented refusal is the real one"
    problem(submit(client_for(G), [OWN, OWN]), 400, "cooperation", "providers")
    problem(submit(client_for(A), [OTHER, THIRD]), 400, "submitter", "providers")  # not its own cooperation
    problem(submit(client_for(G), [OWN, "99999999"]), 400, "providers", "providers")
    problem(submit(client_for(G), [OWN, OTHER], requested_cents=0), 400, "requested_amount", "requested_cents")
    body = problem(submit(client_for(G), [OWN, OTHER], indicators=["geluk"]), 400)
    assert body["invalid_params"][0]["name"].startswith("indicators")
    problem(submit(client_for(R), [OWN, OTHER]), 403)
    problem(submit(Client(), [OWN, OTHER]), 401)


def test_every_cooperating_provider_sees_it_others_do_not(region: None, db: None) -> None:
    pk = submit(client_for(G), [FOURTH, OTHER]).json()["id"]
    assert client_for(A).get(f"/api/v1/opportunity-dossiers/{pk}/").status_code == 404
    assert client_for(A).get("/api/v1/opportunity-dossiers/").json()["count"] == 0
    assert client_for(M).get(f"/api/v1/opportunity-dossiers/{pk}/").status_code == 200  # manages 44444444
    unmanaged = submit(client_for(G), [THIRD, OTHER]).json()["id"]
    assert client_for(M).get(f"/api/v1/opportunity-dossiers/{unmanaged}/").status_code == 404
    problem(client_for(R).get("/api/v1/opportunity-dossiers/"), 403)
    mine = submit(client_for(G), [OWN, OTHER]).json()["id"]
    assert client_for(A).get(f"/api/v1/opportunity-dossiers/{mine}/").status_code == 200


def test_award_books_a_ledger_line_and_the_fund_shows_it(region: None, db: None) -> None:
    fund(5_000_000)
    pk = submit(client_for(A), [OWN, OTHER]).json()["id"]
    problem(assess(client_for(A), pk), 403)  # a provider does not assess
    response = assess(client_for(G), pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "awarded" and body["awarded_cents"] == 3_000_000
    assert body["assessment"]["innovation"] == 5 and body["assessment"]["reason"] == "Vernieuwend en gedragen"
    results = body["results"]["indicators"]
    assert {r["indicator"] for r in results} == {"sustainable_outflow_rate", "step_down"}
    assert {r["provider"] for r in results} <= {OWN, OTHER} and "at_award" in results[0] and "now" in results[0]
    line = LedgerLine.objects.get(rule="innovation_fund.award")
    assert (line.kind, line.provider, line.amount_cents, line.year) == ("grant", OWN, 3_000_000, YEAR)
    assert AuditEvent.objects.filter(action="dossier.awarded").count() == 1
    funds = client_for(R).get("/api/v1/innovation-funds/").json()
    assert (funds["count"], funds["next"], funds["previous"]) == (1, None, None)  # a page, like every list
    assert funds["results"] == [
        {
            "year": YEAR,
            "amount_cents": 5_000_000,
            "awarded_cents": 3_000_000,
            "paid_cents": 3_000_000,
            "left_cents": 2_000_000,
            "dossiers": 1,
            "awards": 1,
        }
    ]
    problem(assess(client_for(G), pk), 400, "decided", "decision")  # one decision a dossier


def test_the_api_refuses_what_the_rules_refuse(region: None, db: None) -> None:
    fund(5_000_000)
    gemeente = client_for(G)
    first = submit(gemeente, [OWN, OTHER]).json()["id"]
    assert assess(gemeente, first, awarded_cents=4_000_000).status_code == 200  # 1,000,000 left
    second = submit(gemeente, [OWN, THIRD]).json()["id"]
    problem(assess(gemeente, second, awarded_cents=1_000_001), 400, "fund_left", "awarded_cents")
    problem(assess(gemeente, second, regular_service=True), 400, "regular_service", "regular_service")
    problem(assess(gemeente, second, cooperation=6), 400, "scores", "scores")
    problem(assess(gemeente, second, awarded_cents=5_000_000), 400, "awarded_amount", "awarded_cents")
    problem(assess(gemeente, second, decision="rejected", awarded_cents=10), 400, "awarded_amount", "awarded_cents")
    assert assess(gemeente, second, awarded_cents=1_000_000).status_code == 200  # exactly what is left
    third = submit(gemeente, [OWN, FOURTH]).json()["id"]
    problem(assess(gemeente, third, awarded_cents=1), 400, "fund_left", "awarded_cents")
    rejected = assess(gemeente, third, decision="rejected", awarded_cents=0, regular_service=True)
    assert rejected.status_code == 200 and rejected.json()["decision"] == "rejected"
    assert sum(LedgerLine.objects.filter(kind="grant").values_list("amount_cents", flat=True)) == 5_000_000


def test_clients_of_an_awarded_dossier(region: None, db: None) -> None:
    fund()
    aanbieder = client_for(A)
    pk = submit(aanbieder, [OWN, OTHER]).json()["id"]
    upload = f"/api/v1/opportunity-dossiers/{pk}/clients/"
    text = "provider,bsn,start,end,end_reason\n"
    text += f"{OWN},111222333,2025-01-01,2025-03-01,voorliggend veld\n"  # valid BSN
    text += f"{OWN},123456789,2025-01-01,,\n"  # fails the eleven-test
    text += f"{OTHER},111222333,2025-01-01,,\n"  # another provider's client: not the uploader's
    text += f"{OWN},111222333,2025-05-01,2025-04-01,afschaling\n"  # end before start

    def post(client: Client, body: str) -> Any:
        return client.post(upload, {"file": _file(body)})

    problem(post(aanbieder, text), 400, "awarded", "file")  # not awarded yet
    assert assess(client_for(G), pk).status_code == 200
    response = post(aanbieder, text)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stored"] == 1
    assert [(r["record"], r["code"]) for r in body["rejected"]] == [
        ("rij 3", "CSV03"),
        ("rij 4", "CSV08"),
        ("rij 5", "CSV05"),
    ]
    assert all(r["file"] == "clienten.csv" for r in body["rejected"])
    assert "123456789" not in response.content.decode() and "111222333" not in response.content.decode()
    clients = client_for(G).get(f"/api/v1/opportunity-dossiers/{pk}/").json()["results"]["clients"]
    assert clients[-1] == {**clients[-1], "provider": None, "clients": 1, "ended": 1, "warm_handover": 1}


def _file(text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("clienten.csv", text.encode(), content_type=CSV)


def risk(client: Client, **extra: Any) -> Any:
    body = {
        "provider": OWN,
        "contract": "WMO-IB-11111111",
        "risk": "Personeelstekort in de begeleiding",
        "owner": "provider",
        "likelihood": 4,
        "impact": 4,
        "measures": "Flexpool met de collega's",
        "review_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        **extra,
    }
    return client.post("/api/v1/risk-dossiers/", body, content_type="application/json")


def test_risks_through_the_api(region: None, db: None) -> None:
    response = risk(client_for(A))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["level"], body["overdue"], body["status"]) == (16, "high", True, "open")
    problem(risk(client_for(A), likelihood=6), 400, "scale", "likelihood")
    problem(risk(client_for(A), owner="iedereen"), 400)
    problem(risk(client_for(A), contract="WMO-IB-22222222"), 400, "contract", "contract")
    problem(risk(client_for(A), provider=OTHER, contract="WMO-IB-22222222"), 404)
    problem(risk(client_for(R)), 403)
    assert risk(client_for(G), provider=OTHER, contract="WMO-IB-22222222").status_code == 201
    mine = client_for(A).get("/api/v1/risk-dossiers/").json()
    assert mine["count"] == 1 and mine["results"][0]["provider"] == OWN
    other = client_for(G).get(f"/api/v1/risk-dossiers/?provider={OTHER}").json()["results"][0]["id"]
    assert client_for(A).get(f"/api/v1/risk-dossiers/{other}/").status_code == 404
    changed = client_for(A).patch(
        f"/api/v1/risk-dossiers/{body['id']}/", {"status": "closed"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["overdue"] is False
    assert AuditEvent.objects.filter(action__startswith="risk.").count() == 3


def test_open_high_risks_go_on_the_dialogue_agenda(region: None, db: None) -> None:
    assert risk(client_for(A)).status_code == 201
    assert risk(client_for(A), risk="Klein risico", likelihood=1, impact=2).status_code == 201
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    planned = client_for(G).post("/api/v1/dialogues/", {"provider": OWN, "date": day}, content_type="application/json")
    items = next(i for i in planned.json()["agenda"] if i["kind"] == "risks")["items"]
    assert [(i["risk"], i["score"], i["overdue"]) for i in items] == [("Personeelstekort in de begeleiding", 16, True)]


def test_an_awarded_dossier_goes_on_its_providers_dialogue_agenda(region: None, db: None) -> None:
    fund()
    pk = submit(client_for(G), [OWN, OTHER]).json()["id"]
    assert assess(client_for(G), pk).status_code == 200
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    planned = client_for(G).post("/api/v1/dialogues/", {"provider": OWN, "date": day}, content_type="application/json")
    item = next(i for i in planned.json()["agenda"] if i["kind"] == "opportunities")
    assert item["title"] and [o["id"] for o in item["items"]] == [pk]
    assert {r["indicator"] for r in item["items"][0]["results"]} <= {"sustainable_outflow_rate", "step_down"}
    assert {r["provider"] for r in item["items"][0]["results"]} <= {OWN}
    page = client_for(A).get(f"/gesprekken/{planned.json()['id']}/").content.decode()
    assert "agenda-opportunities" in page and "Samen naar het voorliggend veld" in page


def test_a_dossiers_results_read_as_their_indicators_figures(region: None, db: None) -> None:
    """On the dialogue agenda and the dossier page each result is written as its indicator is
    (a share as a percentage, money in euro, a count as a whole number): the agenda read
    'Duurzame uitstroom bij toekenning 0,80' and 'Doorlooptijd (mediaan, dagen) 894,00', the
    dossier page a cost per client in cents. An English reader reads the indicator's English name."""
    from lxml import html

    from regie.formatting import euro, number, percent

    fund()
    keys = ["sustainable_outflow_rate", "median_duration_days", "cost_per_client_cents"]
    pk = submit(client_for(G), [OWN, OTHER], indicators=keys).json()["id"]
    assert assess(client_for(G), pk).status_code == 200
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    planned = client_for(G).post("/api/v1/dialogues/", {"provider": OWN, "date": day}, content_type="application/json")
    item = next(i for i in planned.json()["agenda"] if i["kind"] == "opportunities")
    results = [r for r in item["items"][0]["results"] if r["at_award"] is not None]
    assert {r["indicator"] for r in results} == set(keys), "the test region has every figure"
    written = {
        "sustainable_outflow_rate": percent,
        "median_duration_days": number,
        "cost_per_client_cents": euro,
    }
    page = html.fromstring(client_for(A).get(f"/gesprekken/{planned.json()['id']}/").content.decode())
    agenda = " ".join(page.xpath("string(//*[@id='agenda-opportunities'])").split())
    dossier = html.fromstring(client_for(G).get(f"/kansendossiers/{pk}/").content.decode())
    rows = dossier.xpath("//table[.//th[contains(., 'Bij toekenning')]]/tbody/tr")
    table = [[" ".join(td.text_content().split()) for td in tr.xpath("td")][2:4] for tr in rows]
    for r in results:
        value = written[r["indicator"]](r["at_award"])
        assert f"{r['label']} bij toekenning {value}," in agenda, (r, agenda)
        assert [r["label"], value] in table, (r, table)
    english = client_for(A).get(f"/gesprekken/{planned.json()['id']}/", headers={"accept-language": "en"})
    opportunities = html.fromstring(english.content.decode()).xpath("string(//*[@id='agenda-opportunities'])")
    assert "Sustainable outflow" in opportunities and "Duurzame uitstroom" not in opportunities
