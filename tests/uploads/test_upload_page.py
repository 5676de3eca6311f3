"""The page "Bestanden aanleveren" (``/aanleveren/``): the upload of the API for people, a
job page whose progress HTMX polls, and the outcome as tables (accepted per message; every
rejection with its retour code, the code's meaning and the reason)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from regie.uploads.models import IngestJob
from tests.accounts.factories import Role, client_for, user
from tests.catalog.factories import load_file
from tests.conftest import DATA

CASUS = sorted((DATA / "messages" / "casus").glob("*.xml"))
PROVIDER, OTHER = "87654321", "12345678"


@pytest.fixture
def people(db: None) -> None:
    load_file(DATA / "catalog" / "domain_example.toml")
    load_file("two_providers.toml")
    user("gemeente")
    user("aanbieder", Role.PROVIDER, provider=PROVIDER)
    user("ander", Role.PROVIDER, provider=OTHER)
    user("raad", Role.COUNCIL)


def files(*paths: object) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]  # type: ignore[attr-defined]


def test_the_provider_delivers_and_sees_accepted_and_rejected_with_retour_codes(people: None) -> None:
    client = client_for("aanbieder")
    form = client.get("/aanleveren/").content.decode()
    assert 'type="file"' in form and "multiple" in form and 'name="files"' in form and "RG06" in form
    response = client.post("/aanleveren/", {"files": files(*CASUS)})
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/aanleveren/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'id="geaccepteerd"' in page and 'id="afgekeurd"' in page and 'id="per-bestand"' in page
    assert '<tr data-status="refused"><td>jw301_casus1_stap1_toewijzing.xml</td>' in page
    assert "RG06" in page and "Bestand is niet van de aanleverende aanbieder" in page  # the code's meaning
    assert "hx-get" not in page  # done: nothing to poll
    state = client.get(f"/aanleveren/{job.pk}/stand/")
    assert state.status_code == 286  # tells HTMX to stop polling
    assert f"#{job.pk}" in client.get("/aanleveren/").content.decode()  # listed under the form


def test_a_running_job_shows_a_progress_bar_that_htmx_polls(people: None) -> None:
    job = IngestJob.objects.create(status=IngestJob.Status.RUNNING, steps=10, step=4, owner="elders 1 x")
    page = client_for("gemeente").get(f"/aanleveren/{job.pk}/").content.decode()
    assert f'hx-get="/aanleveren/{job.pk}/stand/"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress id="voortgang" max="100" value="40">' in page
    assert '<meta http-equiv="refresh"' in page  # without JavaScript the page reloads itself
    assert client_for("gemeente").get(f"/aanleveren/{job.pk}/stand/").status_code == 200


def test_who_may_deliver_and_see_a_job(people: None) -> None:
    client_for("aanbieder").post("/aanleveren/", {"files": files(CASUS[2])})
    job = IngestJob.objects.get()
    assert client_for("gemeente").get(f"/aanleveren/{job.pk}/").status_code == 200
    assert client_for("ander").get(f"/aanleveren/{job.pk}/").status_code == 404
    assert client_for("ander").get(f"/aanleveren/{job.pk}/stand/").status_code == 404
    assert f"#{job.pk}" not in client_for("ander").get("/aanleveren/").content.decode()
    assert client_for("raad").get("/aanleveren/").status_code == 403
    assert Client().get("/aanleveren/").status_code == 302
    assert "Bestanden aanleveren" in client_for("aanbieder").get("/").content.decode()  # in the menu
    assert "Bestanden aanleveren" not in client_for("raad").get("/").content.decode()


def test_a_post_without_files_says_so(people: None) -> None:
    page = client_for("gemeente").post("/aanleveren/", {})
    assert page.status_code == 400 and "Stuur één of meer bestanden" in page.content.decode()
    assert not IngestJob.objects.exists()
