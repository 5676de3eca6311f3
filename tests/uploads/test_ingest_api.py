"""``POST /api/v1/ingest/`` and ``GET /api/v1/ingest/{id}/``: an upload becomes a job whose
result is exactly the JSON of ``regie ingest --json``; who may upload and see which job; what
a provider may not deliver is refused per file (RG06); a provider delivers its month's
messages with its token and sees them accepted or rejected with the standard's retour codes."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from regie.accounts.tokens import issue_token
from regie.cli import main
from regie.traffic import models as m
from regie.uploads.models import IngestFile, IngestJob
from tests.accounts.factories import Role, client_for, user
from tests.catalog.factories import load_file
from tests.conftest import DATA
from tests.monitor.test_ingest_service import named

CASUS = sorted((DATA / "messages" / "casus").glob("*.xml"))
PROVIDER = "87654321"  # the sender of the casus' 305 and 307
OTHER = "12345678"


def upload(client: Client, *files: tuple[str, bytes], **headers: str) -> Any:
    data = {"files": [io.BytesIO(content) for _, content in files]}
    for handle, (name, _) in zip(data["files"], files, strict=True):
        handle.name = name
    return client.post("/api/v1/ingest/", data, **headers)


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def casus(db: None) -> None:
    load_file(DATA / "catalog" / "domain_example.toml")
    load_file("two_providers.toml")  # adds 87654321 (and 12345678)
    user("gemeente")
    user("aanbieder", Role.PROVIDER, provider=PROVIDER)
    user("ander", Role.PROVIDER, provider=OTHER)
    user("raad", Role.COUNCIL)
    user("rb", Role.RELATIONSHIP_MANAGER, providers=[PROVIDER])


def test_the_result_is_exactly_what_regie_ingest_json_says(casus: None, capsys: pytest.CaptureFixture[str]) -> None:
    with transaction.atomic():
        assert main(["ingest", *map(str, CASUS), "--json"]) in (0, 1)
        expected = json.loads(capsys.readouterr().out)
        transaction.set_rollback(True)
    response = upload(client_for("gemeente"), *((p.name, p.read_bytes()) for p in CASUS))
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "url", "status"} and response["Location"] == body["url"]
    assert body["url"].endswith(f"/api/v1/ingest/{body['id']}/")
    state = client_for("gemeente").get(body["url"]).json()
    assert state["status"] == "done" and state["progress"] == 100 and state["error"] == ""
    assert named(state["result"]) == named(expected)
    assert [f["file"] for f in state["files"]] == [p.name for p in CASUS]
    again = client_for("gemeente").get(
        upload(client_for("gemeente"), (CASUS[0].name, CASUS[0].read_bytes())).json()["url"]
    )
    assert again.json()["files"] == [
        {"file": CASUS[0].name, "message": "JW301", "status": "duplicate", "records": 1, "rejected_records": 0}
    ]
    assert "contract_expiry" in state["result"]["signals"]  # raised as the command line raises it
    assert not IngestFile.objects.exists()  # the files go once the job has run


def test_a_provider_delivers_only_its_own_files_the_rest_is_refused_per_file(casus: None) -> None:
    own = {p.name: p.read_bytes() for p in CASUS if f"<{p.name.split('_')[0]}:Afzender>{PROVIDER}" in p.read_text()}
    municipality = {p.name: p.read_bytes() for p in CASUS if p.name not in own}
    assert own and municipality
    files = [("maand.zip", zipped(own | municipality)), ("notities.txt", b"hallo"), ("kapot.zip", b"geen zip")]
    body = upload(client_for("aanbieder"), *files).json()
    result = client_for("aanbieder").get(body["url"]).json()["result"]
    refused = {r["file"]: r["code"] for r in result["rejected"] if r["code"] in ("RG06", "0001") and not r["record"]}
    assert {f"maand.zip!{name}" for name in municipality} <= {f for f, c in refused.items() if c == "RG06"}
    assert refused["notities.txt"] == "0001" and refused["kapot.zip"] == "0001"
    assert result["files"] == len(own)  # only the provider's own messages were read
    assert set(m.Message.objects.values_list("sender", flat=True)) == {PROVIDER}


def test_who_may_upload_and_see_a_job(casus: None) -> None:
    body = upload(client_for("aanbieder"), (CASUS[2].name, CASUS[2].read_bytes())).json()
    url = body["url"]
    assert client_for("aanbieder").get(url).status_code == 200
    assert client_for("gemeente").get(url).status_code == 200
    ander = client_for("ander").get(url)
    assert ander.status_code == 404 and ander["Content-Type"] == "application/problem+json"
    for who in ("raad", "rb"):
        assert client_for(who).get(url).status_code == 403
        refused = upload(client_for(who), ("a.xml", b"<a/>"))
        assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert Client().get(url).status_code == 401
    assert upload(Client(), ("a.xml", b"<a/>")).status_code == 401
    assert client_for("gemeente").get("/api/v1/ingest/999999/").status_code == 404


def test_an_upload_without_files_is_a_400_problem(casus: None) -> None:
    response = client_for("gemeente").post("/api/v1/ingest/", {})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["invalid_params"][0]["name"] == "files"
    assert not IngestJob.objects.exists()


def test_a_failed_job_says_why_and_keeps_only_whole_files(casus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ingest stores a file in one transaction with all its records (per batch of files):
    a job that fails after the first batch leaves that file whole and nothing of the rest."""
    from regie.traffic import ingest as ingest_module
    from regie.traffic import storing

    monkeypatch.setattr(ingest_module, "BATCH_FILES", 1)
    real, calls = storing.store_batch, Counter[str]()

    def failing(batch: Any, summary: Any) -> None:
        calls["batches"] += 1
        if calls["batches"] == 2:
            raise OSError("schijf vol")
        real(batch, summary)

    monkeypatch.setattr(ingest_module, "store_batch", failing)
    body = upload(client_for("gemeente"), *((p.name, p.read_bytes()) for p in CASUS[:3])).json()
    state = client_for("gemeente").get(body["url"]).json()
    assert state["status"] == "failed" and "schijf vol" in state["error"] and state["result"] is None
    stored = list(m.Message.objects.all())
    assert len(stored) == 1 and stored[0].records > 0  # the first file, whole; nothing of the second


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_in_the_worker_thread_and_its_state_is_in_the_database(settings: Any) -> None:
    settings.INGEST_JOBS_INLINE = False
    load_file(DATA / "catalog" / "domain_example.toml")
    user("gemeente")
    from regie.uploads import jobs

    body = upload(client_for("gemeente"), *((p.name, p.read_bytes()) for p in CASUS)).json()
    assert body["status"] in ("queued", "running", "done")
    with jobs._lock:
        worker = jobs._worker
    if worker is not None:
        worker.join(timeout=120)
    state = client_for("gemeente").get(body["url"]).json()
    assert state["status"] == "done" and state["result"]["files"] == len(CASUS)


def test_a_job_whose_process_is_gone_is_failed_when_looked_at(casus: None) -> None:
    job = IngestJob.objects.create(status=IngestJob.Status.RUNNING, owner="ditis-een-host 1 x")
    from regie.uploads import jobs

    gone = IngestJob.objects.create(
        status=IngestJob.Status.RUNNING, owner=f"{jobs.this_owner().split(' ')[0]} 999999999 x"
    )
    assert jobs.recover() == 1
    gone.refresh_from_db()
    job.refresh_from_db()
    assert gone.status == "failed" and "opnieuw" in gone.error and job.status == "running"


def test_a_running_job_whose_heartbeat_stopped_is_failed_when_looked_at(casus: None) -> None:
    """A worker on another host (its process cannot be looked up from here) that went silent
    for longer than the lease: the job is failed with a Dutch reason and its files dropped;
    one that beats still runs."""
    from regie.uploads import jobs

    now = timezone.now()
    silent = IngestJob.objects.create(
        status=IngestJob.Status.RUNNING, owner="andere-host 1 regie-inleeswerker", heartbeat_at=now - jobs.LEASE * 2
    )
    IngestFile.objects.create(job=silent, name="a.xml", content=b"<a/>")
    beating = IngestJob.objects.create(
        status=IngestJob.Status.RUNNING, owner="andere-host 2 regie-inleeswerker", heartbeat_at=now
    )
    state = client_for("gemeente").get(f"/api/v1/ingest/{silent.pk}/").json()
    assert state["status"] == "failed" and "geen teken van leven" in state["error"] and "opnieuw" in state["error"]
    assert not IngestFile.objects.filter(job=silent).exists()
    assert client_for("gemeente").get(f"/api/v1/ingest/{beating.pk}/").json()["status"] == "running"
    assert jobs.recover() == 0  # nothing else has expired
    assert not jobs._finish(silent.pk, status=IngestJob.Status.DONE)  # a late worker: the first verdict stands


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_while_its_ingest_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The heartbeat is a thread of its own: it beats while the ingest shows no progress (as
    when it waits for the ingest lock), and stops with the job."""
    from regie.uploads import jobs

    load_file(DATA / "catalog" / "domain_example.toml")
    user("gemeente")
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", 0.05)
    seen: list[Any] = []

    def silent_ingest(*args: Any, **kwargs: Any) -> dict[str, Any]:
        seen.append(IngestJob.objects.get().heartbeat_at)
        time.sleep(0.6)
        seen.append(IngestJob.objects.get().heartbeat_at)
        return {"files": 0, "accepted": {}, "rejected": [], "duplicates": 0, "signals": {}}

    monkeypatch.setattr(jobs, "ingest_document", silent_ingest)
    body = upload(client_for("gemeente"), ("a.xml", b"<a/>")).json()
    assert seen[0] is not None and seen[1] > seen[0]
    assert client_for("gemeente").get(body["url"]).json()["status"] == "done"
    last = IngestJob.objects.get().heartbeat_at
    time.sleep(0.2)
    assert IngestJob.objects.get().heartbeat_at == last  # no beats after the job


def test_a_provider_delivers_its_month_by_api_and_sees_the_standards_retour_codes(
    region_dir: Callable[..., Path], db: None
) -> None:
    """Done-when of issue 18: a provider's system sends its month's messages (a zip) with its
    token; the answer lists what was accepted and what was rejected, with the retour codes."""
    from regie.monitor.pending import ingest_and_refresh

    folder = region_dir("venlo", 2025, 3, 0.05)
    load_file(folder / "catalog.toml")
    history = sorted(p for p in (folder / "messages").iterdir() if "2024-07" <= p.name < "2025-03")
    march = sorted((folder / "messages" / "2025-03").glob("*.xml"))
    ingest_and_refresh([*history, *(p for p in march if "_0983_" in p.name)], refresh=False)
    senders = Counter(p.name.split("_")[2] for p in march if "_0983_" not in p.name)
    agb = senders.most_common(1)[0][0]
    own = [p for p in march if f"_{agb}_" in p.name]
    token, _ = issue_token(user("systeem", Role.PROVIDER, provider=agb, password=None), "administratie")
    resent = own[0].read_text(encoding="utf-8").replace("?>", "?>\n<!-- opnieuw verstuurd -->", 1)
    files = {p.name: p.read_bytes() for p in own} | {"opnieuw.xml": resent.encode("utf-8")}
    municipality_file = next(p for p in march if "_0983_" in p.name)
    files[municipality_file.name] = municipality_file.read_bytes()
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    response = upload(Client(), (f"{agb}-2025-03.zip", zipped(files)), **auth)
    assert response.status_code == 202
    state = Client().get(response.json()["url"], **auth).json()
    assert state["status"] == "done"
    result = state["result"]
    assert result["files"] == len(own) + 1 and sum(result["accepted"].values()) > 0
    codes = {(r["file"].rsplit("!", 1)[-1], r["code"]) for r in result["rejected"]}
    assert ("opnieuw.xml", "9056") in codes  # a re-sent BerichtIdentificatie: the standard's code
    assert (municipality_file.name, "RG06") in codes  # not the provider's: not read
    per_file = {f["file"].rsplit("!", 1)[-1]: f["status"] for f in state["files"]}
    assert per_file["opnieuw.xml"] == "rejected" and per_file[municipality_file.name] == "refused"
    assert set(per_file) == set(files) and "accepted" in per_file.values()
    assert all(r["reason"] for r in result["rejected"])
    assert Client().get(response.json()["url"]).status_code == 401
