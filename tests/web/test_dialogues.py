"""The dialogue pages (issue 14): who may open and do what, the agenda with the snapshot's
figures, the PDF on one page and the agreements as Excel."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from regie.accounts.models import AuditEvent
from regie.accounts.scope import scope_for
from regie.relations import services as rel
from regie.relations.models import Agreement, Dialogue
from tests.monitor.region import OTHER, OTHER_NAME, OWN
from tests.web.conftest import client_for
from tests.web.test_access import A, G, M, R, text_of, unmanaged_names

TODAY = dt.date.today()

#: path (with {own}/{other}: a dialogue of OWN / OTHER, {agreement}: one of OTHER's) ->
#: expected status for (gemeente, aanbieder, raad, relatiebeheer)
PAGES: dict[str, tuple[int, int, int, int]] = {
    "/gesprekken/": (200, 200, 403, 200),
    "/gesprekken/{own}/": (200, 200, 403, 200),
    "/gesprekken/{other}/": (200, 404, 403, 404),
    "/gesprekken/{own}.pdf": (200, 200, 403, 200),
    "/gesprekken/{other}.pdf": (200, 404, 403, 404),
    "/afspraken/": (200, 200, 403, 200),
    "/afspraken.xlsx": (200, 200, 403, 200),
}

#: POST path -> expected status for (gemeente, aanbieder, raad, relatiebeheer)
WRITES: dict[str, tuple[int, int, int, int]] = {
    "/gesprekken/{other}/notitie/": (302, 404, 403, 404),
    "/gesprekken/{own}/notitie/": (302, 403, 403, 302),
    "/gesprekken/{other}/punt/": (302, 404, 403, 404),
    "/afspraken/{agreement}/": (302, 404, 403, 404),
}


def dialogues_of(day: dt.date) -> dict[str, Any]:
    user = get_user_model().objects.get(username="gemeente")
    scope = scope_for(user)
    own = rel.plan(scope, user, OWN, day)
    other = rel.plan(scope, user, OTHER, day)
    agreement = rel.make_agreement(scope, user, other, "Wachtlijst opschonen", "provider", day)
    return {"own": own.pk, "other": other.pk, "agreement": agreement.pk}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_pages_per_role(region: None, db: None, path: str) -> None:
    url = path.format(**dialogues_of(TODAY + dt.timedelta(days=7)))
    for username, expected in zip((G, A, R, M), PAGES[path], strict=True):
        response = client_for(username).get(url)
        assert response.status_code == expected, (username, url, response.status_code)
        if expected == 200 and username == A:
            assert OTHER_NAME not in text_of(response)
        if expected == 200 and username == M:
            body = text_of(response)
            assert not [n for n in unmanaged_names() if n in body], (url, "manager sees a provider it does not manage")
    assert Client().get(url).status_code == 302


@pytest.mark.parametrize("path", sorted(WRITES))
def test_writes_per_role(region: None, db: None, path: str) -> None:
    url = path.format(**dialogues_of(TODAY + dt.timedelta(days=7)))
    for username, expected in zip((G, A, R, M), WRITES[path], strict=True):
        response = client_for(username).post(url, {"text": "x", "action": "comment"})
        assert response.status_code == expected, (username, url, response.status_code)


def test_plan_and_walk_a_dialogue(region: None, db: None) -> None:
    gemeente, aanbieder = client_for(G), client_for(A)
    day = TODAY + dt.timedelta(days=14)
    response = gemeente.post("/gesprekken/plannen/", {"provider": OWN, "date": day.isoformat()})
    d = Dialogue.objects.get()
    assert response["Location"] == f"/gesprekken/{d.pk}/"
    page = gemeente.get(response["Location"]).content.decode()
    card = d.agenda[0]["cards"][0]
    assert f'id="agenda-scorekaart-{card["segment"]}"' in page and "Risicodossier" in page
    # the provider adds an item before the date; the municipality makes an agreement
    aanbieder.post(f"/gesprekken/{d.pk}/punt/", {"text": "Indexering tarieven"})
    gemeente.post(f"/gesprekken/{d.pk}/afspraak/", {"text": "Wachtlijst opschonen", "owner": "provider", "due": day})
    page = aanbieder.get(f"/gesprekken/{d.pk}/").content.decode()
    assert "Indexering tarieven" in page and "Wachtlijst opschonen" in page
    a = Agreement.objects.get()
    aanbieder.post(f"/afspraken/{a.pk}/", {"action": "done"})
    assert Agreement.objects.get().state(TODAY) == "done"
    gemeente.post(f"/afspraken/{a.pk}/", {"action": "confirm"})
    assert Agreement.objects.get().state(TODAY) == "confirmed"
    assert AuditEvent.objects.filter(action__startswith="agreement.").count() == 3
    # a refused request is shown, not stored
    response = aanbieder.post(f"/gesprekken/{d.pk}/punt/", {"text": ""}, follow=True)
    assert "Vul een tekst in." in response.content.decode()


def test_pdf_is_one_page_and_excel_lists_the_agreements(region: None, db: None) -> None:
    ids = dialogues_of(TODAY)
    gemeente = client_for(G)
    pdf = PdfReader(io.BytesIO(gemeente.get(f"/gesprekken/{ids['other']}.pdf").content))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1 and "Wachtlijst opschonen" in text and "Scorekaart" in text
    wb = load_workbook(io.BytesIO(gemeente.get(f"/afspraken.xlsx?aanbieder={OTHER}").content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert any("Wachtlijst opschonen" in (c or "") for row in rows for c in row if isinstance(c, str))
    own_only = load_workbook(io.BytesIO(client_for(A).get("/afspraken.xlsx").content))
    assert not [c for row in own_only.active.iter_rows(values_only=True) for c in row if c == OTHER]
    # the owner is named in Dutch, like the rest of the report, whatever the reader's language
    gemeente.post("/i18n/setlang/", {"language": "en", "next": "/"})
    rows = list(load_workbook(io.BytesIO(gemeente.get("/afspraken.xlsx").content)).active.iter_rows(values_only=True))
    owner = rows[3].index("Eigenaar")
    assert {row[owner] for row in rows[4:]} == {"aanbieder"}  # the agreements of kleinstad are the providers'


def test_home_lists_the_dialogues_due(region: None, db: None) -> None:
    page = client_for(G).get("/").content.decode()
    assert 'id="gesprekken-te-plannen"' in page and f'data-provider="{OTHER}"' in page
    manager = client_for(M).get("/").content.decode()
    assert f'data-provider="{OWN}"' in manager and f'data-provider="{OTHER}"' not in manager
    assert 'id="gesprekken-te-plannen"' not in client_for(A).get("/").content.decode()
    assert 'id="gesprekken-te-plannen"' not in client_for(R).get("/").content.decode()


def test_targets_on_the_scorecard_report_and_agenda(region: None, db: None) -> None:
    """kleinstad.toml: OWN's WMO-IB contract has sustainable outflow >= 0.6 (met: 100 %) and a
    median duration of at most 150 days (not met: 162)."""
    page = client_for(G).get(f"/aanbieders/{OWN}/").content.decode()
    assert 'data-target="sustainable_outflow_rate" data-segment="WMO-IB"' in page
    met = page.split('data-target="sustainable_outflow_rate"')[1].split("</tr>")[0]
    unmet = page.split('data-target="max_median_duration_days"')[1].split("</tr>")[0]
    assert 'data-met="yes"' in met and 'data-met="no"' in unmet and "162" in unmet
    report = text_of(client_for(A).get(f"/rapportages/scorekaart/{OWN}.xlsx"))
    assert "hoogstens 150" in report and "niet gehaald" in report
    pdf = text_of(client_for(G).get(f"/rapportages/scorekaart/{OWN}.pdf"))
    assert "Doelbereik" in pdf and "niet gehaald" in pdf
    ids = dialogues_of(TODAY)
    d = Dialogue.objects.get(pk=ids["own"])
    targets = next(i for i in d.agenda if i["kind"] == "targets")["items"]
    assert [(t["key"], t["value"]) for t in targets] == [("max_median_duration_days", 162.0)]
    assert 'data-target="max_median_duration_days"' in client_for(M).get(f"/gesprekken/{d.pk}/").content.decode()


def test_a_provider_reads_its_dialogues_and_agreements_as_with_the_municipality(region: None, db: None) -> None:
    """The provider talks with the municipality, not 'with providers'; the municipality's
    staff keep their titles."""
    for path, own, staff in (
        ("/gesprekken/", "Gesprekken met de gemeente", "Gesprekken met aanbieders"),
        ("/afspraken/", "Afspraken met de gemeente", "Afspraken met aanbieders"),
    ):
        provider = client_for(A).get(path).content.decode()
        assert f"<h1>{own}</h1>" in provider and staff not in provider, path
        for username in (G, M):
            assert f"<h1>{staff}</h1>" in client_for(username).get(path).content.decode(), (path, username)


def test_an_agenda_names_the_open_signals_in_the_readers_language(region: None, db: None) -> None:
    """The agenda keeps the signal counts of the day it was planned; their kinds are named in
    the reader's language (a dialogue planned in Dutch read 'Declaratie na de termijn (73)' in English)."""
    from django.utils import translation
    from lxml import html

    from regie.traffic.models import Signal

    d = Dialogue.objects.get(pk=dialogues_of(TODAY + dt.timedelta(days=14))["own"])
    counted = next(i for i in d.agenda if i["kind"] == "signals")["by_kind"]
    assert counted, "the test region has open signals for the provider"
    for language in ("nl", "en"):
        response = client_for(A).get(f"/gesprekken/{d.pk}/", headers={"accept-language": language})
        text = html.fromstring(response.content.decode()).xpath("string(//*[@id='agenda-signals'])")
        api = client_for(A).get(f"/api/v1/dialogues/{d.pk}/", headers={"accept-language": language}).json()
        labels = [k["label"] for i in api["agenda"] if i["kind"] == "signals" for k in i["by_kind"]]
        with translation.override(language):
            expected = [str(dict(Signal.Kind.choices)[k["kind"]]) for k in counted]
        assert labels == expected and all(f"{label} (" in text for label in expected), (language, text)
