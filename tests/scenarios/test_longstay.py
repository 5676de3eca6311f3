"""The long-stay review through the API, the pages and the command line, per role."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from regie.accounts.models import AuditEvent
from regie.cli import main
from regie.scenarios.models import ReviewOutcome
from tests.monitor.region import AS_OF, OWN

Q = f"?as_of={AS_OF.isoformat()}"


def _stays(client: Client, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/long-stays/{Q}{query}")
    assert response.status_code == 200, response.content
    return dict(response.json())


@pytest.mark.django_db
def test_the_work_list_per_role(gemeente: Client, aanbieder: Client, raad: Client) -> None:
    everyone = _stays(gemeente)
    assert set(everyone) == {"count", "next", "previous", "results"} and everyone["count"] > 0
    rows = everyone["results"]
    assert all(r["days"] > r["review_after_days"] for r in rows)
    assert [r["days"] for r in rows] == sorted((r["days"] for r in rows), reverse=True)
    assert all(len(r["client"]) > 10 and not r["client"].isdigit() for r in rows)  # pseudonyms, never a BSN
    own = _stays(aanbieder)["results"]
    assert own and {r["provider"] for r in own} == {OWN}
    assert raad.get(f"/api/v1/long-stays/{Q}").status_code == 403
    assert _stays(gemeente, f"&provider={OWN}")["count"] == len(own)


@pytest.mark.django_db
def test_record_and_follow_a_review(gemeente: Client, aanbieder: Client) -> None:
    row = _stays(gemeente)["results"][0]
    body = {k: row[k] for k in ("client", "segment", "provider", "episode", "municipality")}
    body |= {
        "outcome": "step_down",
        "due": "2025-09-15",
        "reviewed_on": "2025-06-01",
        "note": "afschalen naar ambulant",
    }
    assert aanbieder.post("/api/v1/long-stay-reviews/", body, content_type="application/json").status_code == 403
    response = gemeente.post("/api/v1/long-stay-reviews/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert AuditEvent.objects.filter(action="longstay.review").count() == 1
    (review,) = gemeente.get(f"/api/v1/long-stay-reviews/{Q}").json()["results"]
    assert review["outcome"] == "step_down" and review["follow_up"] in ("done", "overdue")
    bad = gemeente.post(
        "/api/v1/long-stay-reviews/", {**body, "outcome": "maybe", "due": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and {p["name"] for p in bad.json()["invalid_params"]} == {"outcome", "due"}
    assert bad.json()["title"] == "Ongeldige invoer."
    # the page shows the work list and the outcome with its follow-up
    page = gemeente.get(f"/langdurige-zorg/?peildatum={AS_OF.isoformat()}").content.decode()
    assert "Werklijst" in page and "afschalen naar ambulant" in page
    form = {**body, "outcome": "end", "due": "2025-12-31"}
    assert gemeente.post("/langdurige-zorg/uitkomst/", form).status_code == 302
    assert ReviewOutcome.objects.count() == 2
    assert aanbieder.post("/langdurige-zorg/uitkomst/", form).status_code == 403
    assert aanbieder.get("/langdurige-zorg/").status_code == 200


@pytest.mark.django_db
def test_the_command_line(region: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--as-of", AS_OF.isoformat(), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rows"] and doc["reviews"] == []
    row = doc["rows"][0]
    args = [
        "review",
        "record",
        "--client",
        row["client"],
        "--segment",
        row["segment"],
        "--provider",
        row["provider"],
        "--outcome",
        "continue",
        "--due",
        "2025-12-31",
        "--as-of",
        AS_OF.isoformat(),
        "--json",
    ]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["review", "--as-of", AS_OF.isoformat(), "--json"]) == 0
    (review,) = json.loads(capsys.readouterr().out)["reviews"]
    assert review["follow_up"] == "not_applicable"
    with pytest.raises(SystemExit) as wrong:
        main([*args[:-5], "--due", "gisteren"])
    assert wrong.value.code == 2
