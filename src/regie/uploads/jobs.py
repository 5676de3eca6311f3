"""Ingest jobs: an upload is stored as a job with its files, and a worker thread of the web
process ingests it with the one ingest service (docs/adr/0029).

- :func:`submit` stores the job and its files (one transaction) and wakes the worker;
- the worker (:func:`kick`, one daemon thread per process) *claims* the oldest queued job with
  a compare-and-set update (so a job runs once, whatever the number of threads and
  processes), runs it (:func:`run`) and takes the next until none is left;
- :func:`run` screens the files (a provider may deliver only its own:
  :mod:`regie.intake.ownership`; every file must be a message, CSV or readable zip), ingests
  the rest with :func:`ingest_document` and stores the outcome: the JSON of ``regie ingest
  --json``, the refused files among its rejections, and what became of each file (accepted,
  partly or wholly rejected, read before, refused: :func:`outcomes`); its progress is written
  as it goes;
- a running job holds a *lease*: a heartbeat thread of its worker renews ``heartbeat_at``
  every :data:`HEARTBEAT_EVERY` seconds while it runs (also while the ingest waits for the
  ingest lock and notes no progress: :func:`_heartbeat`);
- a job whose process is gone (the server stopped while it ran) or whose lease expired (no
  beat for :data:`LEASE`: its process died on another host, or froze as a whole) is marked
  failed the next time anyone looks (:func:`recover`), with the reason in Dutch: the files it
  stored are whole (the ingest stores a file in one transaction with all its records), and
  sending the same files again is safe (what was stored counts as a duplicate). It is not
  taken up again by itself: a job that kills its process would do so again. The first
  verdict stands: a worker that lost its lease and still ends does not overwrite it.

The job's state lives in the database, so any request of any process answers ``GET
/api/v1/ingest/{id}/``. In the test suite (``settings.INGEST_JOBS_INLINE``) a job runs
inside the request that submits it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from regie.accounts.scope import Scope
from regie.intake.ownership import provider_refusal, refusal
from regie.intake.sources import MAX_FILE_BYTES, SUFFIXES, Input, NamedFile, Upload
from regie.monitor.models import insist
from regie.monitor.ondemand import owner_gone, this_owner
from regie.monitor.pending import ingest_and_refresh
from regie.procurement.contract_life import raise_expiry_signals
from regie.traffic.ingest import ProgressFactory
from regie.traffic.models import Message
from regie.uploads.models import IngestFile, IngestJob

log = logging.getLogger(__name__)

Status = IngestJob.Status
#: At most this many files in one upload (more: put them in a zip archive) ...
MAX_FILES = 1000
#: ... of at most this many bytes together.
MAX_BYTES = 200 * 1024 * 1024
#: Progress is written at most this often (seconds).
NOTE_EVERY = 0.5
#: A running job's worker renews its lease this often (seconds) ...
HEARTBEAT_EVERY = 30.0
#: ... and a running job not heard of for this long is failed (its process died or froze).
#: Generous: on SQLite a beat waits while an ingest batch holds the write lock.
LEASE = dt.timedelta(minutes=10)


class UploadError(ValueError):
    """An upload that cannot become a job (no file, too many, too large): the reason, in Dutch."""


def ingest_document(
    inputs: Iterable[Input],
    progress: ProgressFactory | None = None,
    *,
    refresh: bool = True,
    notify: Callable[[str], None] | None = None,
    announce: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The JSON document of ``regie ingest --json`` for ``inputs``: the one ingest service
    (:func:`regie.monitor.pending.ingest_and_refresh`), then the ``contract_expiry`` signals
    (contracts whose end is six months away or nearer; procurement sits above the monitor, so
    its callers raise them). The command line and the upload jobs both use this."""
    summary = ingest_and_refresh(inputs, progress, refresh=refresh, notify=notify, announce=announce)
    doc = summary.as_dict()
    expiring = raise_expiry_signals()
    if expiring:
        doc["signals"]["contract_expiry"] = expiring
    return doc


def submit(user: Any, scope: Scope, files: Sequence[NamedFile]) -> IngestJob:
    """Store an upload as a queued job (with its files) and start the worker; a provider's
    job is that provider's. :class:`UploadError` for no file, too many or too large."""
    if not files:
        raise UploadError("Stuur één of meer bestanden in het veld 'files'.")
    if len(files) > MAX_FILES:
        raise UploadError(f"Stuur ten hoogste {MAX_FILES} bestanden tegelijk; meer passen in een zip-archief.")
    sizes = [getattr(f, "size", None) for f in files]
    if sum(s or 0 for s in sizes) > MAX_BYTES:
        raise UploadError(f"De bestanden zijn samen groter dan {MAX_BYTES // (1024 * 1024)} MB.")
    with transaction.atomic():
        job = IngestJob.objects.create(user=user, provider_id=scope.provider_id if scope.is_provider else None)
        IngestFile.objects.bulk_create(
            [IngestFile(job=job, name=_base_name(f.name, n), content=f.read()) for n, f in enumerate(files)]
        )
    kick()
    return job


def _base_name(name: str | None, number: int) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return base[:255] or f"bestand-{number + 1}"


def visible(scope: Scope) -> Any:
    """The jobs ``scope`` may see: a provider its own provider's, the municipality all."""
    return scope.providers(IngestJob.objects.all())


# --------------------------------------------------------------------------------------------
# Screening


def screen(files: Iterable[IngestFile], agb: str | None) -> tuple[list[Upload], list[dict[str, str]]]:
    """The files to ingest and the files refused (as rejections): a file that is not a
    message, CSV file or readable zip archive is refused; for a provider (``agb``) also
    every file, or zip member, that is not its own (:func:`regie.intake.ownership.provider_refusal`)."""
    inputs: list[Upload] = []
    refused: list[dict[str, str]] = []
    for item in files:
        content = bytes(item.content)
        suffix = "." + item.name.rsplit(".", 1)[-1].lower() if "." in item.name else ""
        if suffix not in SUFFIXES:
            reason = "niet ingelezen: alleen berichten (.xml), CSV-bestanden (.csv) en zip-archieven (.zip)"
            refused.append(refusal(item.name, "onbekend", "0001", reason))
        elif suffix == ".zip":
            kept = _zip(item.name, content, agb, refused)
            if kept is not None:
                inputs.append(kept)
        elif agb is not None and (problem := provider_refusal(item.name, content, agb)) is not None:
            refused.append(problem)
        else:
            inputs.append(Upload(item.name, content))
    return inputs, refused


def _zip(name: str, content: bytes, agb: str | None, refused: list[dict[str, str]]) -> Upload | None:
    """A zip archive to ingest: as received for the municipality, with only the provider's own
    members for a provider; None when nothing of it is to be read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        refused.append(refusal(name, "onbekend", "0001", "niet ingelezen: geen geldig zip-archief"))
        return None
    if agb is None:
        archive.close()
        return Upload(name, content)
    own = io.BytesIO()
    kept = 0
    with archive, zipfile.ZipFile(own, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            if info.is_dir() or "." + info.filename.rsplit(".", 1)[-1].lower() not in SUFFIXES[1:]:
                continue
            with archive.open(info) as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
            label = f"{name}!{info.filename}"
            if len(raw) > MAX_FILE_BYTES:
                problem: dict[str, str] | None = refusal(label, "onbekend", "RG01", "niet ingelezen: groter dan 20 MB")
            else:
                problem = provider_refusal(info.filename, raw, agb)
            if problem is not None:
                refused.append({**problem, "file": label})
            else:
                out.writestr(info, raw)
                kept += 1
    return Upload(name, own.getvalue()) if kept else None


# --------------------------------------------------------------------------------------------
# Running


def _finish(pk: int, still: Q | None = None, **fields: Any) -> bool:
    """Note the end of the running job ``pk`` (insisted on: a job that looks busy forever
    helps nobody) and drop its files; only while it runs (and matches ``still``): whether
    this call ended it."""

    def end() -> bool:
        with transaction.atomic():
            now = timezone.now()
            ended = IngestJob.objects.filter(Q(pk=pk, status=Status.RUNNING) & (still or Q())).update(
                finished=now, updated=now, **fields
            )
            if ended:
                IngestFile.objects.filter(job_id=pk).delete()
        return bool(ended)

    return bool(insist(end))


@contextmanager
def _heartbeat(pk: int) -> Iterator[None]:
    """Renew job ``pk``'s lease every :data:`HEARTBEAT_EVERY` seconds in a thread of its own
    while the block runs (a beat that finds the database busy is simply the next one)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT_EVERY):
                try:
                    IngestJob.objects.filter(pk=pk, status=Status.RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    log.warning("inleesopdracht %s: teken van leven niet genoteerd (database bezig)", pk)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"regie-inleeswerker-hartslag-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


class _Progress:
    """The ingest's progress (:data:`~regie.traffic.ingest.ProgressFactory`) written to the job
    at most every :data:`NOTE_EVERY` seconds; one step more stands for the refresh."""

    def __init__(self, pk: int) -> None:
        self.pk, self.done, self.total, self.noted = pk, 0, 0, 0.0

    def factory(self, total: int) -> Callable[[int], None]:
        self.total = total + 1
        IngestJob.note(self.pk, stage="inlezen", steps=self.total, step=0)
        return self.advance

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.noted >= NOTE_EVERY or self.done >= self.total - 1:
            self.noted = now
            IngestJob.note(self.pk, step=self.done)

    def announce(self, year: int) -> None:
        IngestJob.note(self.pk, stage=f"cijfers {year} bijwerken", step=max(self.done, self.total - 1))


def hashed(inputs: Iterable[Upload]) -> list[tuple[str, str]]:
    """(name, content hash) of every file the ingest reads from ``inputs`` (a zip archive's
    members as ``archive.zip!member``), as the ingest hashes them."""
    out: list[tuple[str, str]] = []
    for item in inputs:
        content = item.content if isinstance(item.content, bytes) else item.content.read()
        if not item.name.lower().endswith(".zip"):
            out.append((item.name, hashlib.sha256(content).hexdigest()))
            continue
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                if info.is_dir() or "." + info.filename.rsplit(".", 1)[-1].lower() not in SUFFIXES[1:]:
                    continue
                with archive.open(info) as fh:
                    out.append(
                        (f"{item.name}!{info.filename}", hashlib.sha256(fh.read(MAX_FILE_BYTES + 1)).hexdigest())
                    )
    return out


def outcomes(files: list[tuple[str, str]], before: set[str], refused: list[dict[str, str]]) -> list[dict[str, Any]]:
    """What became of each file: ``accepted``, ``partial`` or ``rejected`` as stored,
    ``duplicate`` when its content was stored before the job, ``refused`` when it was not read;
    with its message and its records (all, rejected)."""
    stored = {
        row["content_hash"]: row
        for row in Message.objects.filter(content_hash__in=[h for _, h in files]).values(
            "content_hash", "kind", "status", "records", "rejected_records"
        )
    }
    rows: list[dict[str, Any]] = []
    for name, content_hash in files:
        row = stored.get(content_hash, {})
        status = "duplicate" if content_hash in before else row.get("status", "rejected")
        rows.append(
            {
                "file": name,
                "message": row.get("kind", ""),
                "status": status,
                "records": row.get("records", 0),
                "rejected_records": row.get("rejected_records", 0),
            }
        )
    rows += [
        {"file": r["file"], "message": r["message"], "status": "refused", "records": 0, "rejected_records": 0}
        for r in refused
    ]
    return rows


def run(pk: int) -> None:
    """Run the claimed job ``pk`` to its end: done with the outcome, or failed with the reason."""
    job = IngestJob.objects.select_related("provider").get(pk=pk)
    with _heartbeat(pk):
        try:
            IngestJob.note(pk, stage="bestanden controleren")
            inputs, refused = screen(job.files.all().iterator(), job.provider.agb if job.provider else None)
            files = hashed(inputs)
            before = set(
                Message.objects.filter(content_hash__in=[h for _, h in files]).values_list("content_hash", flat=True)
            )
            progress = _Progress(pk)
            doc = ingest_document(
                inputs,
                progress.factory if inputs else None,
                notify=lambda text: IngestJob.note(pk, stage=text[:200]),
                announce=progress.announce,
            )
            doc["rejected"] = refused + doc["rejected"]
            per_file = outcomes(files, before, refused)
        except Exception as exc:
            log.exception("inleesopdracht %s mislukt", pk)
            _finish(pk, status=Status.FAILED, stage="", error=f"{type(exc).__name__}: {exc}"[:2000])
            return
        _finish(pk, status=Status.DONE, stage="", result=doc, outcomes=per_file)


def claim_next() -> int | None:
    """Claim the oldest queued job for this thread (a compare-and-set update); its id, or None
    when no job waits."""
    while True:
        pk = IngestJob.objects.filter(status=Status.QUEUED).order_by("pk").values_list("pk", flat=True).first()
        if pk is None:
            return None
        now = timezone.now()
        won = IngestJob.objects.filter(pk=pk, status=Status.QUEUED).update(
            status=Status.RUNNING, owner=this_owner(), started=now, updated=now, heartbeat_at=now
        )
        if won:
            return pk


#: What the user of a job that was cut off can do (the files it stored are whole).
SEND_AGAIN = (
    "Wat al was ingelezen is heel opgeslagen; stuur de bestanden opnieuw: wat al binnen was telt dan als dubbel."
)


def recover() -> int:
    """Mark failed the running jobs whose lease expired (no heartbeat for :data:`LEASE`, on
    any host; a job from before the heartbeat by its last note) or whose process has ended
    (on this host); their number."""
    cutoff = timezone.now() - LEASE
    expired = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated__lt=cutoff)
    running = IngestJob.objects.filter(status=Status.RUNNING)
    silent = (
        f"De verwerking is afgebroken: het proces dat haar uitvoerde gaf {int(LEASE.total_seconds()) // 60} minuten geen "
        f"teken van leven (het is gestopt of vastgelopen). {SEND_AGAIN}"
    )
    ended = sum(
        _finish(pk, expired, status=Status.FAILED, error=silent)
        for pk in running.filter(expired).values_list("pk", flat=True)
    )
    stopped = f"De verwerking is afgebroken (de server is gestopt). {SEND_AGAIN}"
    for pk, owner in running.values_list("pk", "owner"):
        if owner_gone(owner):
            ended += _finish(pk, status=Status.FAILED, error=stopped)
    return ended


def drain() -> None:
    """Run queued jobs until none is left."""
    while (pk := claim_next()) is not None:
        run(pk)


_lock = threading.Lock()
_worker: threading.Thread | None = None
_again = False


def _work() -> None:
    global _worker, _again
    try:
        while True:
            drain()
            with _lock:
                if not _again:
                    _worker = None
                    return
                _again = False
    except Exception:
        log.exception("de inleeswerker is gestopt")
        with _lock:
            _worker = None
    finally:
        connection.close()  # this thread's own connection


def kick() -> None:
    """Make sure queued jobs get run: in this process's worker thread (started when none
    runs), or, in the test suite, right here."""
    global _worker, _again
    recover()
    if settings.INGEST_JOBS_INLINE:
        drain()
        return
    with _lock:
        if _worker is not None and _worker.is_alive():
            _again = True
            return
        _again = False
        _worker = threading.Thread(target=_work, name="regie-inleeswerker", daemon=True)
        _worker.start()
