"""``regie ingest``: read files in arrival order, apply the rules, store everything.

Each file is read (:mod:`regie.intake.xml` or :mod:`regie.intake.csvfiles`), checked against
what earlier files established (:class:`regie.intake.state.IntakeState`) and stored with all
its records, accepted or rejected, or not at all:

- **one transaction per file at most**: files are stored in batches; a batch is one database
  transaction, so a file is never half-written. A crash loses at most the last batch, which
  a new run stores again;
- **idempotent**: a file whose content hash was stored before is a duplicate and changes
  nothing (each file is archived compressed, with every BSN pseudonymised, beside the hash of
  the bytes received);
- **arrival order**: files are applied sorted by Dagtekening (then by name), whatever order
  they were given in, so that a start is known before its stop;
- **one run at a time**: :func:`ingest` holds the database's ingest lock
  (:mod:`regie.traffic.runlock`) from before it reads the stored state to its end; a second
  run says that one is running and waits (docs/adr/0005);
- **a durable to-do**: each batch notes, in its own transaction, the years whose ledger and
  snapshots it can change (:class:`~regie.traffic.models.RefreshTodo`); the refresh
  (:mod:`regie.monitor.pending`) works through them and deletes each when its year is done.

The BSN is pseudonymised while the file is read; it is never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import multiprocessing
import os
import stat
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from regie.catalog.loader import stored_catalog
from regie.engine import frames, quality
from regie.intake.csvfiles import read_csv
from regie.intake.records import AllocationRec, DeclarationRec, Fault, Incoming
from regie.intake.redact import redact
from regie.intake.state import EpisodeRow, IntakeState, Outcome, performance
from regie.intake.xml import read_xml
from regie.messages.bsn import pseudonym
from regie.traffic import models as m
from regie.traffic import store
from regie.traffic.runlock import ingest_lock

BATCH_FILES = 400
MAX_FILE_BYTES = 20 * 1024 * 1024
PARALLEL_FROM = 300


@dataclass(frozen=True)
class Source:
    """A file to ingest: a file on disk, or a member of a zip archive."""

    path: str
    member: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path}!{self.member}" if self.member else self.path

    def read(self) -> bytes:
        """The file's bytes; a file over the size limit is read only as far as needed to say so."""
        if self.member is None:
            with open(self.path, "rb") as fh:
                return fh.read(MAX_FILE_BYTES + 1)
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as fh:
            return fh.read(MAX_FILE_BYTES + 1)


@dataclass
class Summary:
    """The result of an ingest run, in the JSON shape of domain.md section 12."""

    files: int = 0
    accepted: Counter[str] = field(default_factory=Counter)
    rejected: list[dict[str, str]] = field(default_factory=list)
    duplicates: int = 0
    signals: Counter[str] = field(default_factory=Counter)
    arrivals: list[dt.date] = field(default_factory=list)  # of the files stored (not in the JSON)

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "accepted": dict(sorted(self.accepted.items())),
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "signals": dict(sorted(self.signals.items())),
        }


class IngestError(ValueError):
    """A path that cannot be ingested at all (does not exist, unreadable zip)."""


def sources(paths: Iterable[str | Path], refused: list[dict[str, str]] | None = None) -> list[Source]:
    """Every file under ``paths``: files, folders (recursively) and zip archives.

    Only regular files are read: in a folder, a symbolic link whose target lies outside the
    folder, and anything that is not a regular file (a FIFO, a socket, a device), is not read
    but listed in ``refused`` (as rejections of the run: file, code, reason). A path given by
    name must be a regular file (or a symbolic link to one).
    """
    out: list[Source] = []
    refused = [] if refused is None else refused
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise IngestError(f"{path}: bestand of map bestaat niet")
        if path.is_dir():
            root = path.resolve()
            files = sorted(os.path.join(folder, name) for folder, _, names in os.walk(path) for name in names)
        else:
            root, files = None, [str(path)]
        for file in files:
            suffix = os.path.splitext(file)[1].lower()
            if suffix not in (".zip", ".xml", ".csv"):
                continue
            problem = _not_regular(Path(file), root)
            if problem:
                refused.append({"file": file, "message": "onbekend", "record": "", "code": "0001", "reason": problem})
            elif suffix == ".zip":
                out.extend(_zip_members(Path(file)))
            else:
                out.append(Source(file))
    return out


def _not_regular(path: Path, root: Path | None) -> str | None:
    """Why ``path`` (found in the folder ``root``, or given by name) is not read, or None."""
    if root is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return "niet gelezen: een symbolische koppeling naar een bestand buiten de opgegeven map"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"niet gelezen: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return "niet gelezen: geen gewoon bestand (bijvoorbeeld een FIFO of apparaat)"
    return None


def _zip_members(path: Path) -> list[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise IngestError(f"{path}: geen geldig zip-archief") from None
    with archive:
        names = sorted(info.filename for info in archive.infolist() if not info.is_dir())
    return [Source(str(path), name) for name in names if Path(name).suffix.lower() in (".xml", ".csv")]


#: Content hashes already stored, set in each reader process before it reads (see read_all).
_known: frozenset[str] = frozenset()


def _set_known(known: frozenset[str]) -> None:
    global _known
    _known = known


def read_source(source: Source, key: str) -> Incoming:
    """Read one file into an :class:`Incoming`: records, the faults inside the file, and the
    archived form (compressed, BSNs pseudonymised under ``key``). The raw bytes are dropped.
    A file whose content was stored before is not parsed: it is a duplicate."""
    pseudonymise = functools.partial(pseudonym, key=key)
    raw = source.read()
    incoming = Incoming(file_name=source.name, raw=raw, content_hash=hashlib.sha256(raw).hexdigest(), kind="")
    incoming.size = len(raw)
    if incoming.content_hash in _known:
        incoming.raw = b""
        return incoming
    if len(raw) > MAX_FILE_BYTES:
        incoming.faults.append(Fault("0001", f"het bestand is groter dan {MAX_FILE_BYTES // (1024 * 1024)} MB"))
    elif source.name.lower().endswith(".csv"):
        read_csv(incoming, pseudonymise)
    else:
        read_xml(incoming, pseudonymise)
    incoming.archived = zlib.compress(redact(source.name, raw, pseudonymise), 1)
    incoming.raw = b""
    return incoming


def read_all(
    items: list[Source],
    key: str,
    known: frozenset[str],
    progress: Callable[[int], None],
    meanwhile: Callable[[], None] = lambda: None,
) -> list[Incoming]:
    """Read every file; on more than a few hundred, in a pool of worker processes (one per core),
    calling ``meanwhile`` in this process while they read.

    Reading (parsing, validating, pseudonymising) is independent per file and is the larger
    part of an ingest; the workers touch no database. ``known`` are the content hashes
    already stored: those files are only hashed.
    """
    if len(items) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        meanwhile()
        _set_known(known)
        out = []
        for source in items:
            out.append(read_source(source, key))
            progress(1)
        return out
    with multiprocessing.get_context("fork").Pool(os.cpu_count(), initializer=_set_known, initargs=(known,)) as pool:
        reading = pool.imap(functools.partial(read_source, key=key), items, chunksize=64)
        meanwhile()
        out = []
        for incoming in reading:
            out.append(incoming)
            progress(1)
        return out


def _arrival_key(incoming: Incoming) -> tuple[dt.date, int, str]:
    # Within a day: allocations and requests before starts, starts before stops and declarations.
    order = {"301": 0, "315": 1, "317": 1, "305": 2, "307": 3, "323": 4}
    return (incoming.arrival or dt.date.max, order.get(incoming.code, 5), incoming.file_name)


class Ingester:
    """Applies files to the stored state; one instance per run."""

    def __init__(self, progress: Callable[[int], None] | None = None) -> None:
        self.key = settings.PSEUDONYM_KEY
        self.progress = progress or (lambda n: None)
        self.summary = Summary()
        self.known_hashes: set[str] = set(m.Message.objects.values_list("content_hash", flat=True))
        self.state: IntakeState  # loaded while the files are being read (see run)

    def run(self, items: list[Source]) -> Summary:
        self.summary.files = len(items)

        def load() -> None:
            self.state = load_state()

        incoming = read_all(items, self.key, frozenset(self.known_hashes), self.progress, meanwhile=load)
        incoming.sort(key=_arrival_key)
        batch: list[tuple[Incoming, Outcome | None]] = []
        for item in incoming:
            if item.content_hash in self.known_hashes:
                self.summary.duplicates += 1
                self.progress(1)
                continue
            self.known_hashes.add(item.content_hash)
            outcome = None if item.file_faults else self.state.apply(item)
            batch.append((item, outcome))
            if len(batch) >= BATCH_FILES:
                self._store(batch)
                batch = []
        if batch:
            self._store(batch)
        with transaction.atomic():
            self._periodic_signals()
        return self.summary

    def _periodic_signals(self) -> None:
        """Evaluate the signals over months of traffic at each month end of the stored traffic
        (and at its last arrival) that was not evaluated before."""
        span = m.Message.objects.aggregate(first=Min("dagtekening"), last=Max("dagtekening"))
        if span["first"] is None:
            return
        checked = set(m.QualityCheck.objects.values_list("at", flat=True))
        dates = [at for at in month_ends(span["first"], span["last"]) if at not in checked]
        if not dates:
            return
        episodes = episode_frame(self.state.episodes.values())
        traffic = pl.DataFrame(
            list(m.Message.objects.filter(code__in=("305", "307")).values_list("sender", "dagtekening")),
            schema={"provider": pl.Utf8, "arrival": pl.Date},
            orient="row",
        )
        signals: list[m.Signal] = []
        for at in dates:
            for found in quality.upcoding(episodes, self.state.catalog, at) + quality.silent_providers(
                traffic, self.state.catalog, at
            ):
                if found.key in self.state.signal_keys:
                    continue
                self.state.signal_keys.add(found.key)
                self.summary.signals[found.kind] += 1
                signals.append(
                    m.Signal(
                        kind=found.kind, key=found.key, provider=found.provider, segment=found.segment,
                        care_month=at.replace(day=1), raised_on=at, detail=found.detail,
                    )
                )  # fmt: skip
        m.Signal.objects.bulk_create(signals)
        m.QualityCheck.objects.bulk_create([m.QualityCheck(at=at) for at in dates])

    def _store(self, batch: list[tuple[Incoming, Outcome | None]]) -> None:
        self.summary.arrivals.extend(item.arrival for item, _ in batch if item.arrival)
        with transaction.atomic():
            store_batch(batch, self.summary)
            note_refresh(item.arrival for item, _ in batch)
        self.progress(len(batch))


def note_refresh(arrivals: Iterable[dt.date | None], today: dt.date | None = None) -> None:
    """Note the years whose figures files of these arrival dates can change (the year of each
    arrival and the year before it, for late declarations; up to ``today``'s year) as still to
    be refreshed, in the caller's transaction."""
    today = today or timezone.localdate()
    years = {y for a in arrivals if a is not None for y in (a.year - 1, a.year) if y <= today.year}
    m.RefreshTodo.objects.bulk_create([m.RefreshTodo(year=y) for y in sorted(years)], ignore_conflicts=True)


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month end from ``first``'s month up to ``last`` (exclusive), and ``last`` itself.

    >>> month_ends(dt.date(2025, 1, 20), dt.date(2025, 3, 5))
    [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 5)]
    """
    ends = []
    month = first.replace(day=1)
    while True:
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = following - dt.timedelta(days=1)
        if end >= last:
            break
        ends.append(end)
        month = following
    return [*ends, last]


def episode_frame(rows: Iterable[EpisodeRow]) -> pl.DataFrame:
    """The intake state's episodes as an engine frame."""
    return frames.frame(
        "episodes",
        (
            {**{name: getattr(row, name) for name in _EPISODE_FIELDS if name in frames.EPISODES}, "episode_id": row.key}
            for row in rows
            if not row.deleted
        ),
    )


def _status(outcome: Outcome | None, records: int) -> str:
    if outcome is None or (records and outcome.accepted == 0):
        return m.Message.Status.REJECTED
    return m.Message.Status.PARTIAL if outcome.rejected else m.Message.Status.ACCEPTED


def store_batch(batch: list[tuple[Incoming, Outcome | None]], summary: Summary) -> None:
    """Store a batch of applied files: messages (archived with BSNs redacted), their rows,
    rejections and signals."""
    now = timezone.now()
    messages = [
        (
            item.file_name[:500], item.kind or "onbekend", item.law, item.code, item.sender, item.receiver,
            item.identification[:64], item.arrival, item.content_hash,
            item.archived, item.size,
            _status(outcome, len(item.records)),
            len({r.ref for r in item.records} | {f.record for f in item.faults if f.record}),
            outcome.rejected_records if outcome else 0, now,
        )
        for item, outcome in batch
    ]  # fmt: skip
    store.insert(m.Message, messages)
    ids = dict(
        m.Message.objects.filter(content_hash__in=[item.content_hash for item, _ in batch]).values_list(
            "content_hash", "pk"
        )
    )
    rows: dict[type[Any], list[tuple[Any, ...]]] = {
        model: [] for model in (m.Rejection, m.AllocationVersion, m.DeclarationLine, m.Request, m.Signal)
    }
    new_episodes: dict[str, EpisodeRow] = {}
    changed_episodes: dict[str, EpisodeRow] = {}
    objections: dict[str, m.Objection] = {}  # by id: a later row of the register updates an earlier one
    for item, outcome in batch:
        message = ids[item.content_hash]
        faults = item.file_faults if outcome is None else outcome.rejected
        for fault in faults:
            rows[m.Rejection].append((message, fault.record or "", fault.path[:300], fault.code, fault.reason))
            summary.rejected.append(
                {
                    "file": item.file_name,
                    "message": item.kind or "onbekend",
                    "record": fault.record or "",
                    "code": fault.code,
                    "reason": fault.reason,
                }
            )
        if outcome is None:
            continue
        summary.accepted[item.code or item.kind] += outcome.accepted
        for a, segment, arrival, area in outcome.allocations:
            rows[m.AllocationVersion].append(
                (
                    message, a.municipality, a.provider, a.client, a.number, segment, area, a.category, a.code or "",
                    a.begin, a.end, a.volume, a.unit or "", a.frequency or "", a.budget, a.change_reason or "",
                    a.allocated_on, arrival,
                )
            )  # fmt: skip
        for episode in outcome.episodes:
            if episode.start_message is None:
                episode.start_message = message
            if episode.end is not None and episode.stop_message is None:
                episode.stop_message = message
            (changed_episodes if episode.db_id else new_episodes)[episode.key] = episode
        for row in outcome.declarations:
            d = row.rec
            rows[m.DeclarationLine].append(
                (
                    message, f"{d.provider}|{d.reference}", d.declaration_number, d.reference,
                    d.previous_reference or "", d.provider, d.municipality, row.segment, d.client, d.allocation_number,
                    d.category, d.code or "", d.period_begin, d.period_end, row.care_month, d.volume, d.unit, d.tariff,
                    d.amount_cents, row.arrival, row.accepted, row.retour_code, row.reason,
                )
            )  # fmt: skip
        for req, segment, arrival in outcome.requests:
            rows[m.Request].append(
                (
                    message, req.request_id, req.kind, req.client, req.provider, req.municipality, segment,
                    req.area, req.urgency, req.registered, arrival,
                )
            )  # fmt: skip
        for obj, arrival in outcome.objections:
            objections[obj.objection_id] = m.Objection(
                message_id=message,
                objection_id=obj.objection_id,
                client=obj.client,
                municipality=obj.municipality,
                segment=obj.segment,
                provider=obj.provider,
                kind=obj.kind,
                filed=obj.filed,
                arrival=objections[obj.objection_id].arrival if obj.objection_id in objections else arrival,
                decided=obj.decided,
                upheld=obj.upheld,
            )
        for signal in outcome.signals:
            summary.signals[signal.kind] += 1
            rows[m.Signal].append(
                (
                    signal.kind, signal.key[:200], message, signal.provider, signal.municipality, signal.segment,
                    signal.client, signal.record[:100], signal.care_month, item.arrival or dt.date.today(),
                    store.as_json(signal.detail), m.Signal.Status.OPEN, "",
                )
            )  # fmt: skip
    for model, values in rows.items():
        store.insert(model, values)
    _store_objections(objections)
    _store_episodes(new_episodes, changed_episodes)


def _store_objections(objections: dict[str, m.Objection]) -> None:
    """New objections are created; a known one takes the latest state (keeping its first arrival)."""
    stored = {o.objection_id: o for o in m.Objection.objects.filter(objection_id__in=list(objections))}
    updates = []
    for key, obj in objections.items():
        if key in stored:
            obj.pk, obj.arrival, obj.message_id = stored[key].pk, stored[key].arrival, stored[key].message_id
            updates.append(obj)
    m.Objection.objects.bulk_create([o for k, o in objections.items() if k not in stored], batch_size=1000)
    m.Objection.objects.bulk_update(
        updates, ["decided", "upheld", "provider", "segment", "kind", "filed"], batch_size=500
    )


_EPISODE_FIELDS = store.COLUMNS[m.Episode][1:17]  # the frame's columns: client .. request_date
_EPISODE_CHANGES = ("end", "end_reason", "end_arrival", "start", "start_arrival", "stop_message_id")


def _store_episodes(new: dict[str, EpisodeRow], changed: dict[str, EpisodeRow]) -> None:
    """Insert new episodes (and learn their ids), update changed ones, delete deleted ones."""
    deleted = [row.db_id for row in changed.values() if row.deleted]
    if deleted:
        m.Episode.objects.filter(pk__in=deleted).delete()
    fresh = [row for row in new.values() if not row.deleted]
    store.insert(
        m.Episode,
        [
            (row.key, *(getattr(row, name) for name in _EPISODE_FIELDS), row.start_message, row.stop_message)
            for row in fresh
        ],
    )
    ids = dict(m.Episode.objects.filter(key__in=[row.key for row in fresh]).values_list("key", "pk"))
    for row in fresh:
        row.db_id = ids[row.key]
    store.update(
        m.Episode,
        _EPISODE_CHANGES,
        [
            (row.end, row.end_reason, row.end_arrival, row.start, row.start_arrival, row.stop_message, row.db_id)
            for row in changed.values()
            if not row.deleted
        ],
    )
    for row in changed.values():
        if row.deleted:
            row.db_id = None


def load_state() -> IntakeState:
    """Rebuild the intake state from what is stored (in arrival order)."""
    state = IntakeState(stored_catalog())
    for v in m.AllocationVersion.objects.order_by("arrival", "pk").iterator(chunk_size=5000):
        rec = AllocationRec(
            ref=v.number, municipality=v.municipality, provider=v.provider, client=v.client, number=v.number,
            category=v.product_category, code=v.product_code or None, begin=v.begin, end=v.end, volume=v.volume,
            unit=v.unit or None, frequency=v.frequency or None, budget=v.budget, change_reason=v.change_reason or None,
            allocated_on=v.allocated_on,
        )  # fmt: skip
        state.restore_allocation(rec, v.arrival, v.area)
    for d in m.DeclarationLine.objects.filter(accepted=True).order_by("arrival", "pk").iterator(chunk_size=5000):
        rec = DeclarationRec(
            ref=d.reference, municipality=d.municipality, provider=d.provider, client=d.client,
            declaration_number=d.declaration_number, reference=d.reference,
            previous_reference=d.previous_reference or None, allocation_number=d.allocation_number,
            category=d.product_category, code=d.product_code or None, period_begin=d.period_begin,
            period_end=d.period_end, volume=d.volume, unit=d.unit, tariff=d.tariff, amount_cents=d.amount_cents,
        )  # fmt: skip
        state.accept_declaration(rec, state.known_allocation(rec), performance(rec))
    for e in m.Episode.objects.iterator(chunk_size=5000):
        state.episodes[e.key] = EpisodeRow(
            key=e.key, client=e.client, provider=e.provider, segment=e.segment, domain=e.domain, weight=e.weight,
            municipality=e.municipality, area=e.area, product_category=e.product_category, product_code=e.product_code,
            allocation_number=e.allocation_number, start=e.start, end=e.end, end_reason=e.end_reason,
            start_arrival=e.start_arrival, end_arrival=e.end_arrival, request_date=e.request_date,
            start_message=e.start_message_id, stop_message=e.stop_message_id, db_id=e.pk,
        )  # fmt: skip
    for client, registered, provider, segment, area in m.Request.objects.values_list(
        "client", "registered", "provider", "segment", "area"
    ).iterator(chunk_size=5000):
        state.requests[client].append((registered, provider, segment or None, area))
    state.objections = set(m.Objection.objects.values_list("objection_id", flat=True))
    state.signal_keys = set(m.Signal.objects.values_list("key", flat=True))
    state.identifications = set(
        m.Message.objects.exclude(law="").exclude(identification="").values_list("sender", "kind", "identification")
    )
    return state


def ingest(
    paths: Iterable[str | Path],
    progress_factory: Callable[[int], Callable[[int], None]] | None = None,
    *,
    wait: bool = True,
    notify: Callable[[str], None] | None = None,
) -> Summary:
    """Ingest files, folders and zip archives; see the module docstring.

    Every caller (the command line, the demo, an upload) comes through here, so every run
    holds the ingest lock: when another run holds it, ``notify`` hears so and this run waits,
    or with ``wait=False`` raises :class:`~regie.traffic.runlock.IngestBusy`.
    """
    refused: list[dict[str, str]] = []
    items = sources(paths, refused)
    with ingest_lock(wait=wait, notify=notify):
        # one step per file read, and one per file applied and stored
        progress = progress_factory(2 * len(items)) if progress_factory else None
        ingester = Ingester(progress)
        ingester.summary.rejected.extend(refused)
        return ingester.run(items)
