"""Who sees what, for every page and API endpoint of the web app.

- anonymous users are sent to the login page (pages) or refused (API, problem+json);
- a provider sees only its own provider's pages and data: another provider's page, message
  or report does not exist for it (404), and pages about the whole region are forbidden (403);
- the council sees aggregated pages only: no per-provider page, no signals, no messages,
  and no provider name anywhere on what it may open;
- a relationship manager (``relatiebeheer``, looking after OWN and 44444444) sees the
  aggregated pages and the pages of its own providers: another provider's page does not
  exist for it (404), funding and file checks are forbidden (403), and no name of a provider
  it does not look after appears on what it may open (:data:`MANAGER`; a page not listed
  there must answer it 403).

Every endpoint of the API (every operation of docs/openapi.yaml) has its row in
:data:`ENDPOINTS`: which roles may call it. The matrix test calls each one as each role, on the
own provider's object and on another provider's (tests/web/api_objects.py), and as nobody; a
new endpoint without a row fails until it is classified.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from regie.catalog.models import Provider
from regie.traffic import models as tm
from tests.accounts.factories import client_for
from tests.conftest import ROOT
from tests.monitor.region import OTHER, OTHER_NAME, OWN, OWN_NAME
from tests.web.api_objects import build_objects, owned, path_values

G, A, R, M = "gemeente", "aanbieder", "raad", "relatiebeheer"
#: The providers the relationship manager looks after (tests/monitor/region.py's demo users).
MANAGED = (OWN, "44444444")

#: path -> expected status for (gemeente, aanbieder, raad)
PAGES: dict[str, tuple[int, int, int]] = {
    "/": (200, 200, 200),
    "/grip/": (200, 403, 200),
    "/grip/0983/JGD-45/": (200, 403, 200),
    "/grip/0983/JGD-45/33333333/": (200, 403, 403),
    "/grip/0983/ONBEKEND/": (404, 403, 404),
    "/gebieden/": (200, 403, 200),
    "/gebieden/?gemeente=0889&segment=WMO-IB": (200, 403, 200),
    "/clienten-over-domeinen/": (200, 403, 403),
    "/clienten-over-domeinen/?gemeente=0889": (200, 403, 403),
    "/aanbieders/": (200, 302, 403),
    f"/aanbieders/{OWN}/": (200, 200, 403),
    f"/aanbieders/{OTHER}/": (200, 404, 403),
    "/signalen/": (200, 200, 403),
    "/bekostiging/": (200, 200, 403),
    "/bekostiging/vergelijking/": (200, 403, 403),
    "/bekostiging/verzoeken/": (200, 200, 403),
    "/bekostiging/verzoeken/nieuw/": (403, 200, 403),
    "/bekostiging/herverdeling/": (200, 403, 403),
    "/rapportages/": (200, 200, 200),
    "/rapportages/raad.pdf": (200, 403, 200),
    "/rapportages/raad.xlsx": (200, 403, 200),
    f"/rapportages/scorekaart/{OWN}.pdf": (200, 200, 403),
    f"/rapportages/scorekaart/{OWN}.xlsx": (200, 200, 403),
    f"/rapportages/scorekaart/{OTHER}.pdf": (200, 404, 403),
    f"/rapportages/scorekaart/{OTHER}.xlsx": (200, 404, 403),
    f"/rapportages/scorekaart/?aanbieder={OTHER}&formaat=pdf": (302, 404, 403),
    "/rapportages/monitor-sociaal-domein.csv": (200, 403, 200),
    "/rapportages/monitor-sociaal-domein.xlsx": (200, 403, 200),
    "/rapportages/monitor-sociaal-domein.json": (404, 403, 404),
    "/aanleveren/": (200, 200, 403),
    "/mijn-account/": (200, 200, 200),
    "/kansendossiers/": (200, 200, 200),
    "/kansendossiers/nieuw/": (200, 200, 403),
    "/risicodossiers/": (200, 200, 200),
}

#: path -> expected status for the relationship manager; a page of :data:`PAGES` not listed here: 403.
MANAGER: dict[str, int] = {
    "/": 200,
    "/grip/": 200,
    "/grip/0983/JGD-45/": 200,
    "/grip/0983/JGD-45/33333333/": 403,
    "/grip/0983/ONBEKEND/": 404,
    "/gebieden/": 200,
    "/gebieden/?gemeente=0889&segment=WMO-IB": 200,
    "/aanbieders/": 200,
    f"/aanbieders/{OWN}/": 200,
    f"/aanbieders/{OTHER}/": 404,
    "/signalen/": 200,
    "/rapportages/": 200,
    "/rapportages/raad.pdf": 200,
    "/rapportages/raad.xlsx": 200,
    f"/rapportages/scorekaart/{OWN}.pdf": 200,
    f"/rapportages/scorekaart/{OWN}.xlsx": 200,
    f"/rapportages/scorekaart/{OTHER}.pdf": 404,
    f"/rapportages/scorekaart/{OTHER}.xlsx": 404,
    f"/rapportages/scorekaart/?aanbieder={OTHER}&formaat=pdf": 404,
    "/rapportages/monitor-sociaal-domein.csv": 200,
    "/rapportages/monitor-sociaal-domein.xlsx": 200,
    "/rapportages/monitor-sociaal-domein.json": 404,
    "/mijn-account/": 200,
    "/kansendossiers/": 200,
    "/kansendossiers/nieuw/": 200,
    "/risicodossiers/": 200,
}

API: dict[str, tuple[int, int, int]] = {
    "/api/v1/indicators/": (200, 403, 200),
    "/api/v1/indicators/?by=segment": (200, 403, 200),
    "/api/v1/indicators/?by=provider,segment": (200, 200, 403),
    "/api/v1/indicators/?by=provider,segment,month": (200, 200, 403),
    "/api/v1/indicators/?by=area": (400, 400, 400),
    "/api/v1/indicators/?by=municipality,segment,area": (200, 403, 200),
    "/api/v1/signals/": (200, 200, 403),
    "/api/v1/opportunity-dossiers/": (200, 200, 403),
    "/api/v1/risk-dossiers/": (200, 200, 403),
    "/api/v1/innovation-funds/": (200, 200, 200),
    "/api/v1/cross-domain/": (200, 403, 403),
    "/api/v1/cross-domain/?municipality=0889": (200, 403, 403),
    "/api/v1/ingest/999999/": (404, 404, 403),
}

#: path -> expected status for the relationship manager; an endpoint of :data:`API` not listed: 403.
MANAGER_API: dict[str, int] = {
    "/api/v1/indicators/": 200,
    "/api/v1/indicators/?by=segment": 200,
    "/api/v1/indicators/?by=provider,segment": 200,
    "/api/v1/indicators/?by=provider,segment,month": 200,
    "/api/v1/indicators/?by=area": 400,
    "/api/v1/indicators/?by=municipality,segment,area": 200,
    "/api/v1/signals/": 200,
    "/api/v1/opportunity-dossiers/": 200,
    "/api/v1/risk-dossiers/": 200,
    "/api/v1/innovation-funds/": 200,
}


#: The resources of issue 18: path, then the expected status for gemeente, aanbieder, raad and
#: relatiebeheer (this region's forecast history is not computed: 404 where it is allowed).
RESOURCES: dict[str, tuple[int, ...]] = {
    path: tuple(int(code) for code in codes)
    for path, *codes in (
        line.split()
        for line in f"""
/api/v1/municipalities/                 200 200 200 200
/api/v1/areas/                          200 200 200 200
/api/v1/segments/                       200 200 200 200
/api/v1/providers/                      200 200 403 200
/api/v1/providers/{OWN}/                200 200 403 200
/api/v1/providers/{OTHER}/              200 404 403 404
/api/v1/contracts/                      200 200 403 200
/api/v1/contracts/?provider={OTHER}     200 200 403 200
/api/v1/budgets/                        200 403 200 403
/api/v1/ledger/                         200 200 403 403
/api/v1/ledger/totals/                  200 200 403 403
/api/v1/inflow-requests/                200 200 403 403
/api/v1/reallocations/                  200 403 403 403
/api/v1/forecast/                       200 403 200 200
/api/v1/forecast/?level=provider        200 200 403 200
/api/v1/forecast/history/               404 403 404 404
/api/v1/scorecards/                     200 200 403 200
/api/v1/scorecards/{OWN}/               200 200 403 200
/api/v1/scorecards/{OTHER}/             200 404 403 404
/api/v1/reports/                        200 200 200 200
/api/v1/reports/council/pdf/            200 403 200 200
/api/v1/reports/gmsd/xlsx/              200 403 200 200
/api/v1/reports/scorecard-{OWN}/xlsx/   200 200 403 200
/api/v1/reports/scorecard-{OTHER}/pdf/  200 404 403 404
""".strip().splitlines()
    )
}
API.update({path: (g, a, r) for path, (g, a, r, _m) in RESOURCES.items()})
MANAGER_API.update({path: m for path, (_g, _a, _r, m) in RESOURCES.items() if m != 403})


#: Every API operation (method, path of docs/openapi.yaml) -> who may call it, one place per
#: role in the order gemeente, aanbieder, raad, relatiebeheer: the role's letter (G, A, R, M)
#: when it may, ``-`` when it is refused (403). A provider or relationship manager that may
#: call an endpoint on its own provider's object gets 404 for another provider's object; the
#: council may call only endpoints of aggregated figures (and sees no provider's name there).
ENDPOINTS: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/agreements/"): "GA-M",
    ("GET", "/api/v1/areas/"): "GARM",
    ("GET", "/api/v1/areas/{id}/"): "GARM",
    ("GET", "/api/v1/agreements/{id}/"): "GA-M",
    ("PATCH", "/api/v1/agreements/{id}/"): "GA-M",
    ("POST", "/api/v1/agreements/{id}/comments/"): "GA-M",
    ("GET", "/api/v1/budgets/"): "G-R-",
    ("GET", "/api/v1/budgets/{id}/"): "G-R-",
    ("POST", "/api/v1/check/"): "GA--",
    ("GET", "/api/v1/contracts/"): "GA-M",
    ("GET", "/api/v1/contracts/{ident}/"): "GA-M",
    ("POST", "/api/v1/contracts/{ident}/extend/"): "G---",
    ("GET", "/api/v1/contracts/{ident}/versions/"): "GA-M",
    ("GET", "/api/v1/dialogues/"): "GA-M",
    ("POST", "/api/v1/dialogues/"): "GA-M",
    ("GET", "/api/v1/dialogues/{id}/"): "GA-M",
    ("POST", "/api/v1/dialogues/{id}/agreements/"): "GA-M",
    ("POST", "/api/v1/dialogues/{id}/items/"): "GA-M",
    ("GET", "/api/v1/dialogues/due/"): "G--M",
    ("GET", "/api/v1/forecast/"): "G-RM",
    ("GET", "/api/v1/indicators/"): "G-RM",
    ("GET", "/api/v1/long-stay-reviews/"): "GA-M",
    ("POST", "/api/v1/long-stay-reviews/"): "G---",
    ("GET", "/api/v1/long-stays/"): "GA-M",
    ("GET", "/api/v1/forecast/history/"): "G-RM",
    ("GET", "/api/v1/reports/"): "GARM",
    ("GET", "/api/v1/reports/{ident}/"): "GA-M",
    ("GET", "/api/v1/reports/{ident}/{fmt}/"): "GA-M",
    ("GET", "/api/v1/inflow-requests/"): "GA--",
    ("POST", "/api/v1/inflow-requests/"): "-A--",
    ("GET", "/api/v1/inflow-requests/{id}/"): "GA--",
    ("POST", "/api/v1/inflow-requests/{id}/decision/"): "G---",
    ("POST", "/api/v1/ingest/"): "GA--",
    ("GET", "/api/v1/ingest/{id}/"): "GA--",
    ("GET", "/api/v1/ledger/"): "GA--",
    ("GET", "/api/v1/ledger/{id}/"): "GA--",
    ("GET", "/api/v1/ledger/totals/"): "GA--",
    ("GET", "/api/v1/reallocations/"): "G---",
    ("POST", "/api/v1/reallocations/"): "G---",
    ("GET", "/api/v1/reallocations/{id}/"): "G---",
    ("GET", "/api/v1/scorecards/{agb}/"): "GA-M",
    ("GET", "/api/v1/signals/{id}/"): "GA-M",
    ("PATCH", "/api/v1/signals/{id}/"): "GA-M",
    ("GET", "/api/v1/cross-domain/"): "G---",
    ("GET", "/api/v1/innovation-funds/"): "GARM",
    ("GET", "/api/v1/opportunity-dossiers/"): "GA-M",
    ("POST", "/api/v1/opportunity-dossiers/"): "GA-M",
    ("GET", "/api/v1/opportunity-dossiers/{id}/"): "GA-M",
    ("POST", "/api/v1/opportunity-dossiers/{id}/assessment/"): "G--M",
    ("POST", "/api/v1/opportunity-dossiers/{id}/clients/"): "GA-M",
    ("GET", "/api/v1/risk-dossiers/"): "GA-M",
    ("POST", "/api/v1/risk-dossiers/"): "GA-M",
    ("GET", "/api/v1/risk-dossiers/{id}/"): "GA-M",
    ("PATCH", "/api/v1/risk-dossiers/{id}/"): "GA-M",
    ("GET", "/api/v1/municipalities/"): "GARM",
    ("GET", "/api/v1/municipalities/{code}/"): "GARM",
    ("GET", "/api/v1/providers/"): "GA-M",
    ("GET", "/api/v1/providers/{agb}/"): "GA-M",
    ("GET", "/api/v1/scenarios/"): "G-RM",
    ("POST", "/api/v1/scenarios/"): "G---",
    ("GET", "/api/v1/scenarios/{id}/"): "G-RM",
    ("GET", "/api/v1/scorecards/"): "GA-M",
    ("GET", "/api/v1/segments/"): "GARM",
    ("GET", "/api/v1/segments/{code}/"): "GARM",
    ("GET", "/api/v1/signals/"): "GA-M",
    ("GET", "/api/v1/tenders/"): "GA-M",
    ("POST", "/api/v1/tenders/"): "G---",
    ("GET", "/api/v1/tenders/{id}/"): "GA-M",
    ("POST", "/api/v1/tenders/{id}/award/"): "G---",
    ("GET", "/api/v1/tenders/{tender_pk}/bids/"): "GA-M",
    ("POST", "/api/v1/tenders/{tender_pk}/bids/"): "GA--",
    ("GET", "/api/v1/tenders/{tender_pk}/bids/{id}/"): "GA-M",
    ("POST", "/api/v1/tenders/{tender_pk}/bids/{id}/assessments/"): "G---",
    ("POST", "/api/v1/tenders/{tender_pk}/bids/{id}/evidence/"): "GA--",
    ("GET", "/api/v1/waiting-list/"): "GA--",
    ("POST", "/api/v1/waiting-list/"): "GA--",
    ("GET", "/api/v1/waiting-list/{id}/"): "GA--",
    ("POST", "/api/v1/waiting-list/{id}/assign/"): "GA--",
    ("POST", "/api/v1/waiting-list/{id}/confirm/"): "G---",
    ("POST", "/api/v1/waiting-list/{id}/withdraw/"): "GA--",
}
ROLES = (G, A, R, M)
#: Figures the module's region does not compute (the forecast's monthly history is the slow
#: part, tests/web/conftest.py): a role let in gets 404 (no figures for that year and date).
UNCOMPUTED = {("GET", "/api/v1/forecast/history/")}


def operations() -> list[tuple[str, str]]:
    """Every (method, path) of the committed OpenAPI document (test_openapi keeps it current)."""
    import yaml

    doc = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    methods = ("get", "post", "put", "patch", "delete")
    return sorted((m.upper(), path) for path, item in doc["paths"].items() for m in item if m in methods)


def unmanaged_names() -> list[str]:
    return list(Provider.objects.exclude(agb__in=MANAGED).values_list("name", flat=True))


def text_of(response: Any) -> str:
    """What a person reads in a response: the page, the PDF's text, the workbook's cells."""
    kind = response["Content-Type"]
    if kind.startswith("application/pdf"):
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    if "spreadsheetml" in kind:
        wb = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
        )
    return response.content.decode()


def messages_of(region: None) -> tuple[int, int]:
    own = tm.Message.objects.filter(sender=OWN).order_by("pk").first()
    other = tm.Message.objects.filter(sender=OTHER).order_by("pk").first()
    assert own and other
    return own.pk, other.pk


@pytest.mark.parametrize("path", sorted(PAGES))
def test_pages_per_role(region: None, db: None, path: str) -> None:
    for username, expected in zip((G, A, R), PAGES[path], strict=True):
        response = client_for(username).get(path)
        assert response.status_code == expected, (username, path, response.status_code)
        if expected != 200:
            continue
        body = text_of(response)
        if username == A:
            assert OTHER_NAME not in body, (path, "provider sees another provider")
        if username == R:
            names = list(Provider.objects.values_list("name", flat=True))
            assert not [n for n in names if n in body], (path, "council sees a provider")


@pytest.mark.parametrize("path", sorted(PAGES))
def test_pages_for_the_relationship_manager(region: None, db: None, path: str) -> None:
    expected = MANAGER.get(path, 403)
    response = client_for(M).get(path)
    assert response.status_code == expected, (path, response.status_code)
    if expected == 200:
        body = text_of(response)
        assert not [n for n in unmanaged_names() if n in body], (path, "manager sees a provider it does not manage")


def test_the_manager_matrix_names_only_known_pages() -> None:
    assert set(MANAGER) <= set(PAGES)
    assert set(MANAGER_API) <= set(API)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_anonymous_users_go_to_the_login_page(region: None, db: None, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


def test_provider_user_is_sent_to_its_own_page(aanbieder: Client) -> None:
    response = aanbieder.get("/aanbieders/")
    assert response["Location"] == f"/aanbieders/{OWN}/"
    page = aanbieder.get(response["Location"]).content.decode()
    assert OWN_NAME in page and OTHER_NAME not in page


def test_messages_per_role(region: None, db: None) -> None:
    own, other = messages_of(region)
    assert client_for(M).get(f"/berichten/{own}/").status_code == 200
    assert client_for(M).get(f"/berichten/{other}/").status_code == 404
    assert client_for(G).get(f"/berichten/{other}/").status_code == 200
    assert client_for(A).get(f"/berichten/{own}/").status_code == 200
    assert client_for(A).get(f"/berichten/{other}/").status_code == 404
    assert client_for(R).get(f"/berichten/{own}/").status_code == 403
    assert Client().get(f"/berichten/{own}/").status_code == 302


def test_a_message_page_names_the_file_not_the_servers_folder(region: None, db: None) -> None:
    """The file a message came in does not tell a provider where the server keeps its files."""
    own, _ = messages_of(region)
    tm.Message.objects.filter(pk=own).update(file_name="/srv/regie/inbox/2026-08/2026-08-17_WMO323_x.xml")
    for username in (G, A):
        body = text_of(client_for(username).get(f"/berichten/{own}/"))
        assert "2026-08-17_WMO323_x.xml" in body and "/srv/regie" not in body, username


def test_provider_sees_only_its_own_signals(aanbieder: Client) -> None:
    page = aanbieder.get("/signalen/").content.decode()
    assert OWN_NAME in page and OTHER_NAME not in page and "Jeugdhulp Oost" not in page
    rows = aanbieder.get("/api/v1/signals/").json()["results"]
    assert rows and {r["provider"] for r in rows} == {OWN}
    other = tm.Signal.objects.filter(provider=OTHER).first()
    assert other is not None
    response = aanbieder.post(f"/signalen/{other.pk}/status/", {"status": "explained", "note": "x"})
    assert response.status_code == 404


def rows_of(payload: Any) -> list[dict[str, Any]]:
    """The rows of an API answer: a page's results, a snapshot's rows, or one object."""
    if isinstance(payload, list):
        return payload
    for key in ("results", "rows"):
        if key in payload:
            return list(payload[key])
    return [payload]


@pytest.mark.parametrize("path", sorted(API))
def test_api_per_role(region: None, db: None, path: str) -> None:
    for username, expected in zip((G, A, R), API[path], strict=True):
        response = client_for(username).get(path)
        assert response.status_code == expected, (username, path, response.status_code)
        if expected >= 400:
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["status"] == expected
            continue
        if not response["Content-Type"].startswith("application/json"):  # a report's file
            assert username != A or OTHER_NAME not in text_of(response), (path, "provider sees another provider")
            continue
        rows = rows_of(response.json())
        providers = {r.get("provider", r.get("agb")) for r in rows if "provider" in r or "agb" in r}
        if username == A:
            assert providers <= {OWN}
        if username == G and ("provider" in path.partition("?")[2] or path.endswith("/providers/")):
            assert OTHER in providers


@pytest.mark.parametrize("path", sorted(API))
def test_api_for_the_relationship_manager(region: None, db: None, path: str) -> None:
    response = client_for(M).get(path)
    assert response.status_code == MANAGER_API.get(path, 403), (path, response.status_code)
    if response.status_code == 200 and not response["Content-Type"].startswith("application/json"):
        assert not [n for n in unmanaged_names() if n in text_of(response)], (path, "a provider it does not manage")
    elif response.status_code == 200:
        rows = rows_of(response.json())
        assert {r.get("provider") or r.get("agb") for r in rows} - {None} <= set(MANAGED)


@pytest.mark.parametrize("path", sorted(API))
def test_api_needs_a_login(region: None, db: None, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 401  # domain.md section 12: unauthenticated calls answer 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/problem+json"


def test_api_and_pages_hold_no_client_pseudonyms(region: None, db: None) -> None:
    """Signals carry a client pseudonym in the database; no page or API answer shows it."""
    pseudonyms = set(tm.Signal.objects.exclude(client="").values_list("client", flat=True))
    assert pseudonyms
    for username in (G, A):
        client = client_for(username)
        for path in ("/signalen/", "/api/v1/signals/", f"/aanbieders/{OWN}/"):
            body = client.get(path).content.decode()
            assert not [p for p in pseudonyms if p in body], (username, path)


def test_upload_jobs_per_role_and_provider(region: None, db: None) -> None:
    """An upload's job (``/api/v1/ingest/{id}/``, ``/aanleveren/{id}/``): the municipality sees
    every job, a provider only its own provider's (another's: 404), the council and the
    relationship manager none (403); only the municipality and providers may upload."""
    from regie.uploads.models import IngestJob

    own = IngestJob.objects.create(provider=Provider.objects.get(agb=OWN), status="failed", error="x")
    other = IngestJob.objects.create(provider=Provider.objects.get(agb=OTHER), status="failed", error="x")
    expected = {G: (200, 200), A: (200, 404), R: (403, 403), M: (403, 403)}
    for username, (mine, theirs) in expected.items():
        client = client_for(username)
        for job, status in ((own, mine), (other, theirs)):
            assert client.get(f"/api/v1/ingest/{job.pk}/").status_code == status, (username, job.provider_id)
            assert client.get(f"/aanleveren/{job.pk}/").status_code == status, (username, job.provider_id)
        posted = client.post("/api/v1/ingest/", {})
        assert posted.status_code == (400 if username in (G, A) else 403), username
        assert posted["Content-Type"] == "application/problem+json"
    assert Client().get(f"/api/v1/ingest/{own.pk}/").status_code == 401
    assert Client().post("/api/v1/ingest/", {}).status_code == 401


def test_dossier_pages_per_role(region: None, db: None) -> None:
    """Every cooperating provider sees its dossier, another provider not (404); the council no
    dossier (403) and on the fund and risk pages no title, risk or provider name."""
    from django.contrib.auth import get_user_model

    from regie.accounts.scope import scope_for
    from regie.dossiers import services as ds
    from regie.dossiers.models import Risk

    staff = get_user_model().objects.get(username=G)
    scope = scope_for(staff)
    theirs = ds.submit(scope, staff, "Geheim plan", ["33333333", OTHER], 2025, 100, "Doel", [])
    ours = ds.submit(scope, staff, "Samen plan", [OWN, OTHER], 2025, 100, "Doel", [])
    managed = ds.submit(scope, staff, "Beheerd plan", ["44444444", OTHER], 2025, 100, "Doel", [])
    contract = Provider.objects.get(agb=OTHER).contracts.first()
    assert contract is not None
    Risk.objects.create(
        provider=contract.provider,
        contract=contract,
        risk="Geheim risico",
        owner="provider",
        likelihood=5,
        impact=5,
        review_on="2025-01-01",
    )
    expected = {
        theirs.pk: {G: 200, A: 404, R: 403, M: 404},
        ours.pk: {G: 200, A: 200, R: 403, M: 200},
        managed.pk: {G: 200, A: 404, R: 403, M: 200},
    }
    for pk, statuses in expected.items():
        for username, status in statuses.items():
            assert client_for(username).get(f"/kansendossiers/{pk}/").status_code == status, (pk, username)
            api = client_for(username).get(f"/api/v1/opportunity-dossiers/{pk}/")
            assert api.status_code == status, (pk, username)
    for path in ("/kansendossiers/", "/risicodossiers/"):
        council = client_for(R).get(path).content.decode()
        assert "Geheim" not in council and "Samen plan" not in council
        assert not [n for n in Provider.objects.values_list("name", flat=True) if n in council]
    assert "Geheim" not in client_for(A).get("/kansendossiers/").content.decode()
    assert "Geheim risico" not in client_for(A).get("/risicodossiers/").content.decode()
    assert "Geheim risico" in client_for(G).get("/risicodossiers/").content.decode()


def test_every_endpoint_is_classified() -> None:
    documented = set(operations())
    missing = sorted(documented - set(ENDPOINTS))
    assert not missing, (
        f"endpoints without a row in ENDPOINTS of tests/web/test_access.py: {missing}; classify each "
        "(which of gemeente, aanbieder, raad, relatiebeheer may call it) and, for a new collection "
        "in its path, add an own and another provider's object to tests/web/api_objects.py"
    )
    assert not sorted(set(ENDPOINTS) - documented), "ENDPOINTS names endpoints docs/openapi.yaml does not have"
    for key, who in ENDPOINTS.items():
        assert len(who) == len(ROLES) and all(c in ("-", letter) for c, letter in zip(who, "GARM", strict=True)), key


@pytest.fixture(scope="module")
def objects(region: None, django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    with django_db_blocker.unblock():
        return build_objects()


def _call(client: Client, method: str, url: str) -> Any:
    """One call, rolled back (a write must not change what the next role sees)."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = getattr(client, method.lower())(url, {}, content_type="application/json")
        transaction.set_rollback(True)
    return response


def _refused(response: Any, statuses: set[int]) -> bool:
    return response.status_code in statuses and response["Content-Type"] == "application/problem+json"


def _let_in(response: Any, uncomputed: bool = False) -> bool:
    if uncomputed and _refused(response, {404}):
        return True
    return response.status_code not in (401, 403, 404) and response.status_code < 500


def _answers(method: str, path: str, objects: dict[str, dict[str, Any]], who: str) -> list[str]:
    """What differs from the row ``who`` of ENDPOINTS, as lines naming role, object and status."""
    own = path.format(**(path_values(path, objects) or {}))
    wrong = [] if _refused(_call(Client(), method, own), {401}) else [f"{own} anonymous: not 401"]
    other_values = path_values(path, objects, "other") if owned(path, objects) else None
    names = list(Provider.objects.values_list("name", flat=True))
    for role, may in zip(ROLES, who, strict=True):
        client = client_for(role)
        response = _call(client, method, own)
        if not (_refused(response, {403}) if may == "-" else _let_in(response, (method, path) in UNCOMPUTED)):
            wrong.append(f"{own} as {role}: {response.status_code}, expected {'403' if may == '-' else 'in'}")
        elif may != "-" and role == R and method == "GET" and [n for n in names if n in response.content.decode()]:
            wrong.append(f"{own} as {role}: a provider's name (the council sees aggregates only)")
        if other_values is None:
            continue
        response = _call(client, method, path.format(**other_values))
        expected = {403, 404} if may == "-" else {404} if role in (A, M) else None
        if not (_refused(response, expected) if expected else _let_in(response)):
            wrong.append(f"another provider's object as {role}: {response.status_code}, expected {expected or 'in'}")
    return wrong


@pytest.mark.parametrize(("method", "path"), operations())
def test_access_matrix(objects: dict[str, dict[str, Any]], db: None, method: str, path: str) -> None:
    """Every endpoint x every role x own / another provider's object, and without a login."""
    who = ENDPOINTS.get((method, path))
    assert who is not None, f"{method} {path}: classify it in ENDPOINTS (test_every_endpoint_is_classified)"
    wrong = _answers(method, path, objects, who)
    assert not wrong, f"{method} {path} ({who}):\n" + "\n".join(wrong)
