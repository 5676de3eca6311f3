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
  (:mod:`regie.monitor.pending`) works through them and deletes each when its year is done;
- **streaming, memory bounded**: a first pass hashes each file and finds its place in the
  arrival order from its header; the second reads the new files in that order, a bounded
  number ahead, in a pool of reader processes, while this process applies and stores them
  (docs/adr/0002).

The BSN is pseudonymised while the file is read; it is never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import heapq
import itertools
import multiprocessing
import operator
import os
import stat
import zipfile
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from regie.catalog.loader import stored_catalog
from regie.engine import frames, quality
from regie.engine.calendar import Span, month_start
from regie.intake.answers import ANSWERED_KINDS, RequestState
from regie.intake.csvfiles import read_csv
from regie.intake.records import AllocationRec, DeclarationRec, Fault, Incoming, PgbRec
from regie.intake.redact import redact
from regie.intake.state import EpisodeRow, IntakeState, Outcome, performance
from regie.intake.xml import arrival_of, read_xml
from regie.messages.bsn import pseudonym
from regie.traffic import models as m
from regie.traffic import store
from regie.traffic.runlock import ingest_lock

BATCH_FILES = 1000  # files stored in one transaction
WINDOW_FILES = 8192  # files read ahead of the one being applied
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
            return _read_file(self.path, MAX_FILE_BYTES + 1)
        with _archive(self.path).open(self.member) as fh:
            return fh.read(MAX_FILE_BYTES + 1)


def _read_file(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of the file at ``path``. Read in pieces: a buffered read of the
    limit would allocate (and give back) the whole limit for every small file, which cost five
    times the read itself."""
    fd = os.open(path, os.O_RDONLY)
    try:
        pieces = [os.read(fd, min(limit, 1 << 16))]
        size = len(pieces[0])
        while pieces[-1] and size < limit:
            pieces.append(os.read(fd, min(limit - size, 1 << 20)))
            size += len(pieces[-1])
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)
    finally:
        os.close(fd)


_archives: dict[tuple[int, str], zipfile.ZipFile] = {}


def _archive(path: str) -> zipfile.ZipFile:
    """The open zip archive at ``path``, kept open per process (an archive of many members is
    opened once, not once per member; a forked reader opens its own)."""
    key = (os.getpid(), path)
    found = _archives.get(key)
    if found is None:
        for old in [k for k in _archives if k[0] != key[0] or len(_archives) >= 8]:
            _archives.pop(old)
        found = _archives[key] = zipfile.ZipFile(path)
    return found


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


#: Content hashes already stored, set in each reader process before it reads (see Readers).
_known: frozenset[str] = frozenset()


def _set_known(known: frozenset[str]) -> None:
    global _known
    _known = known


#: Where a file goes in the arrival order: (Dagtekening, kind of message, file name).
ArrivalKey = tuple[dt.date, int, str]

# Within a day: requests before the allocations and refusals that answer them, those before
# starts, starts before stops and declarations.
_ORDER = {"315": 0, "317": 0, "301": 1, "319": 1, "305": 2, "307": 3, "323": 4}


def arrival_key(arrival: dt.date | None, code: str, file_name: str) -> ArrivalKey:
    """Files are applied in this order; a file without a Dagtekening (unreadable) comes last."""
    return (arrival or dt.date.max, _ORDER.get(code, 5), file_name)


def scan_source(source: Source, key: str) -> tuple[str, ArrivalKey]:
    """The content hash of a file and its place in the arrival order, read cheaply
    (:func:`regie.intake.xml.arrival_of`): for every file that can be applied, the place
    :func:`read_source` finds; for a file that cannot, that place or an earlier one."""
    raw = source.read()
    content_hash = hashlib.sha256(raw).hexdigest()
    if content_hash in _known or len(raw) > MAX_FILE_BYTES:
        return content_hash, arrival_key(None, "", source.name)
    if source.name.lower().endswith(".csv"):
        incoming = read_csv(Incoming(source.name, raw, content_hash, ""), functools.partial(pseudonym, key=key))
        return content_hash, arrival_key(incoming.arrival, incoming.code, source.name)
    arrival, code = arrival_of(raw)
    return content_hash, arrival_key(arrival, code, source.name)


def read_source(source: Source, key: str) -> Incoming:
    """Read one file into an :class:`Incoming`: records, the faults inside the file, and the
    archived form (compressed, BSNs pseudonymised under ``key``). The raw bytes are dropped.
    A file whose content was stored before is not parsed: it is a duplicate."""
    pseudonymise = _memo(functools.partial(pseudonym, key=key))  # reading and redacting meet the same BSNs
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
    incoming.archived = compress(redact(source.name, raw, pseudonymise))
    incoming.raw = b""
    return incoming


def _memo(func: Callable[[str], str]) -> Callable[[str], str]:
    """``func`` remembering its results (for one file: a BSN is kept no longer than the file)."""
    seen: dict[str, str] = {}

    def remembered(value: str) -> str:
        found = seen.get(value)
        if found is None:
            found = seen[value] = func(value)
        return found

    return remembered


def compress(data: bytes) -> bytes:
    """``data`` as zlib compresses it for the archive (readable with ``zlib.decompress``); a small
    file with a window to its size, which costs a quarter of the default window's set-up."""
    bits = min(15, max(9, (len(data) - 1).bit_length()))
    packer = zlib.compressobj(1, zlib.DEFLATED, bits, min(8, bits - 7))
    return packer.compress(data) + packer.flush()


_T = TypeVar("_T")
_R = TypeVar("_R")


def _map_chunk(func: Callable[[_T], _R], chunk: list[_T]) -> list[_R]:
    return [func(item) for item in chunk]


class Readers:
    """Reading is independent per file and is the larger part of an ingest: on more than a few
    hundred files it runs in a pool of worker processes (one per core), which touch no
    database; otherwise in this process. ``known`` are the content hashes already stored: those
    files are only hashed."""

    def __init__(self, files: int, known: frozenset[str]) -> None:
        _set_known(known)
        self.pool: Any = None
        if files >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2:
            context = multiprocessing.get_context("fork")
            self.pool = context.Pool(os.cpu_count(), initializer=_set_known, initargs=(known,))

    def __enter__(self) -> Readers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def map_all(self, func: Callable[[_T], _R], items: list[_T]) -> Iterator[_R]:
        """``func`` over every item, in order, all submitted at once (for small results)."""
        if self.pool is None:
            return map(func, items)
        return cast(Iterator[_R], self.pool.imap(func, items, chunksize=256))

    def map_ahead(self, func: Callable[[_T], _R], items: Iterable[_T], window: int = 0) -> Iterator[_R]:
        """``func`` over the items, in order, with at most about ``window`` items (default
        :data:`WINDOW_FILES`) read and not yet consumed: memory stays bounded whatever the
        number of files."""
        if self.pool is None:
            yield from map(func, items)
            return
        chunks = _chunks(iter(items), 64)
        pending: deque[Any] = deque()
        for chunk in itertools.islice(chunks, max(1, (window or WINDOW_FILES) // 64)):
            pending.append(self.pool.apply_async(_map_chunk, (func, chunk)))
        while pending:
            done = pending.popleft().get()
            for chunk in itertools.islice(chunks, 1):
                pending.append(self.pool.apply_async(_map_chunk, (func, chunk)))
            yield from done


def _chunks(items: Iterator[_T], size: int) -> Iterator[list[_T]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


class Ingester:
    """Applies files to the stored state; one instance per run."""

    def __init__(self, progress: Callable[[int], None] | None = None) -> None:
        self.key = settings.PSEUDONYM_KEY
        self.progress = progress or (lambda n: None)
        self.summary = Summary()
        self.known_hashes: set[str] = set(m.Message.objects.values_list("content_hash", flat=True))
        self.state: IntakeState  # loaded while the files are being read (see run)

    def run(self, items: list[Source]) -> Summary:
        """Apply ``items`` in arrival order, streaming: a first pass hashes each file and finds
        its place in the arrival order (:func:`scan_source`), the second reads the files that
        are new in that order, a bounded number ahead, while this process applies and stores
        them in batches. The state is loaded while the first files are read."""
        self.summary.files = len(items)
        with _sqlite_for_bulk(), Readers(len(items), frozenset(self.known_hashes)) as readers:
            scans: list[tuple[str, ArrivalKey]] = []
            for source, (content_hash, (arrival, order, _)) in zip(
                items, readers.map_all(functools.partial(scan_source, key=self.key), items), strict=True
            ):
                scans.append((content_hash, (arrival, order, source.name)))  # the name held once, by the source
                self.progress(1)
            wanted: list[int] = []
            for i in sorted(range(len(items)), key=lambda i: scans[i][1]):
                content_hash = scans[i][0]
                if content_hash in self.known_hashes:
                    self.summary.duplicates += 1
                    self.progress(1)
                else:
                    self.known_hashes.add(content_hash)
                    wanted.append(i)
            reading = readers.map_ahead(functools.partial(read_source, key=self.key), (items[i] for i in wanted))
            with _long_lived():
                self.state = load_state()
                gc.freeze()
                gc.enable()
                self._apply_all(reading, (scans[i] for i in wanted))
                with transaction.atomic():
                    self._periodic_signals()
        return self.summary

    def _apply_all(self, reading: Iterable[Incoming], scans: Iterable[tuple[str, ArrivalKey]]) -> None:
        """Apply and store the files read, in arrival order. A file whose place, once read,
        lies later than the scan said (it cannot be read after all: no Dagtekening) waits
        until its place comes."""
        batch: list[tuple[Incoming, Outcome | None]] = []
        later: list[tuple[ArrivalKey, int, Incoming]] = []

        def apply(item: Incoming) -> None:
            outcome = None if item.file_faults else self.state.apply(item)
            if outcome is not None:
                _note_messages(item, outcome)
            batch.append((item, outcome))
            if len(batch) >= BATCH_FILES:
                self._store(batch)
                batch.clear()

        for n, (item, (scanned, place)) in enumerate(zip(reading, scans, strict=True)):
            if item.content_hash != scanned:  # the file changed since the scan
                if item.content_hash in self.known_hashes:
                    self.summary.duplicates += 1
                    self.progress(1)
                    continue
                self.known_hashes.add(item.content_hash)
            key = arrival_key(item.arrival, item.code, item.file_name)
            if key > place:
                heapq.heappush(later, (key, n, item))
                continue
            while later and later[0][0] < key:
                apply(heapq.heappop(later)[2])
            apply(item)
        while later:
            apply(heapq.heappop(later)[2])
        if batch:
            self._store(batch)

    def _periodic_signals(self) -> None:
        """Evaluate the signals over months of traffic at each month end of the stored traffic
        (and at its last arrival) that was not evaluated before."""
        span = m.Message.objects.aggregate(first=Min("dagtekening"), last=Max("dagtekening"))
        if span["first"] is None:
            return
        self._unanswered(span["last"])
        checked = set(m.QualityCheck.objects.values_list("at", flat=True))
        dates = [at for at in month_ends(span["first"], span["last"]) if at not in checked]
        if not dates:
            return
        episodes = episode_frame(self.state.episodes.values())
        traffic = pl.DataFrame(
            list(store.select(m.Message, ("sender", "dagtekening"), where="code IN ('305', '307')")),
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

    def _unanswered(self, last: dt.date) -> None:
        """``request_unanswered`` for the requests undecided past their term by the last
        arrival (:mod:`regie.intake.answers`); in the caller's transaction."""
        found = Outcome()
        self.state.unanswered(last, found)
        for signal in found.signals:
            self.summary.signals[signal.kind] += 1
        store.insert(
            m.Signal,
            [
                (
                    s.kind,
                    s.key[:200],
                    None,
                    s.provider,
                    s.municipality,
                    s.segment,
                    s.client,
                    s.record[:100],
                    s.care_month,
                    s.raised_on or last,
                    store.as_json(s.detail),
                    m.Signal.Status.OPEN,
                    "",
                )
                for s in found.signals
            ],
        )

    def _store(self, batch: list[tuple[Incoming, Outcome | None]]) -> None:
        self.summary.arrivals.extend(item.arrival for item, _ in batch if item.arrival)
        with transaction.atomic():
            store_batch(batch, self.summary)
            note_refresh(item.arrival for item, _ in batch)
        self.progress(len(batch))
        gc.freeze()  # what the state learnt from the batch lives as long as the run


@contextmanager
def _sqlite_for_bulk() -> Iterator[None]:
    """On SQLite, a run writes with a 64 MB page cache (the indexes of a few years of traffic
    stay in memory) and lets the write-ahead log grow to 64 MB before it is copied into the
    database (a page written by several batches is copied once): a fifth of the run's time."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.execute("PRAGMA wal_autocheckpoint = 16384")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")


@contextmanager
def _long_lived() -> Iterator[None]:
    """Python's cycle collector walks every object it tracks, again and again as a run
    allocates: with the intake state of a few years (hundreds of thousands of objects, none in
    a cycle) that took a third of the run. Loading the state runs without it; what is loaded
    (and what each stored batch added) is then frozen, out of its reach, until the run ends."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def _note_messages(item: Incoming, outcome: Outcome) -> None:
    """Note on each episode the file applied that started or stopped it (its message id is
    known once the batch is stored), as the file is applied: a later file of the same batch
    may stop an episode this one started."""
    for episode in outcome.episodes:
        if episode.start_message is None:
            episode.start_message = item
        if episode.end is not None and episode.stop_message is None:
            episode.stop_message = item


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
    return Span.through(month_start(first), last).month_ends()


def episode_frame(rows: Iterable[EpisodeRow]) -> pl.DataFrame:
    """The intake state's episodes as an engine frame (built by column)."""
    live = [row for row in rows if not row.deleted]
    columns = {
        name: list(map(operator.attrgetter("key" if name == "episode_id" else name), live)) for name in frames.EPISODES
    }
    return pl.DataFrame(columns, schema=frames.EPISODES)


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
    ids = store.ids(m.Message, "content_hash", [item.content_hash for item, _ in batch])
    rows: dict[type[Any], list[tuple[Any, ...]]] = {
        model: [] for model in (m.Rejection, m.AllocationVersion, m.DeclarationLine, m.Request, m.Signal)
    }
    new_episodes: dict[str, EpisodeRow] = {}
    changed_episodes: dict[str, EpisodeRow] = {}
    objections: dict[str, m.Objection] = {}  # by id: a later row of the register updates an earlier one
    decided: dict[tuple[str, str], RequestState] = {}  # the requests a 301 or 319 answered
    pgb: dict[tuple[str, str, str, dt.date], m.PgbBudget] = {}  # by key: a later row replaces an earlier one
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
            if isinstance(episode.start_message, Incoming):
                episode.start_message = ids[episode.start_message.content_hash]
            if isinstance(episode.stop_message, Incoming):
                episode.stop_message = ids[episode.stop_message.content_hash]
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
                    m.Request.Outcome.REFUSED if req.closed else m.Request.Outcome.OPEN, "", req.closed,
                    req.referrer or "",
                )
            )  # fmt: skip
        for request in outcome.decided:
            decided[(request.municipality, request.request_id)] = request
        for obj, arrival in outcome.objections:
            earlier = objections.get(obj.objection_id)
            objections[obj.objection_id] = m.Objection(
                message_id=earlier.message_id if earlier else message,
                objection_id=obj.objection_id,
                client=obj.client,
                municipality=obj.municipality,
                segment=obj.segment,
                provider=obj.provider,
                kind=obj.kind,
                filed=obj.filed,
                arrival=earlier.arrival if earlier else arrival,
                decided=obj.decided,
                upheld=obj.upheld,
            )
        for b, arrival in outcome.pgb:
            pgb[(b.municipality, b.segment, b.client, b.start)] = _pgb_budget(b, message, arrival)
        for signal in outcome.signals:
            summary.signals[signal.kind] += 1
            rows[m.Signal].append(
                (
                    signal.kind, signal.key[:200], message if signal.of_file else None, signal.provider,
                    signal.municipality, signal.segment, signal.client, signal.record[:100], signal.care_month,
                    signal.raised_on or item.arrival or dt.date.today(), store.as_json(signal.detail),
                    m.Signal.Status.OPEN, "",
                )
            )  # fmt: skip
    for model, values in rows.items():
        store.insert(model, values)
    _store_answers(decided)
    _store_objections(objections)
    _store_episodes(new_episodes, changed_episodes)
    _store_pgb(pgb)


def _store_pgb(pgb: dict[tuple[str, str, str, dt.date], m.PgbBudget]) -> None:
    """New PGB budgets are created; a known one (same municipality, segment, client and start)
    takes the later row's end and amount."""
    m.PgbBudget.objects.bulk_create(
        list(pgb.values()),
        update_conflicts=True,
        unique_fields=["municipality", "segment", "client", "start"],
        update_fields=["end", "amount_cents"],
        batch_size=1000,
    )


def _pgb_budget(rec: PgbRec, message: int, arrival: dt.date) -> m.PgbBudget:
    """A PGB budget row of the register, as stored."""
    return m.PgbBudget(
        message_id=message,
        municipality=rec.municipality,
        segment=rec.segment,
        client=rec.client,
        start=rec.start,
        end=rec.end,
        amount_cents=rec.amount_cents,
        arrival=arrival,
    )


def _store_answers(decided: dict[tuple[str, str], RequestState]) -> None:
    """The requests' answers: outcome, refusal reason and the day the answer arrived (on every
    stored row of the request: a 317 asking for several products has one per product)."""
    if not decided:
        return
    rows = []
    for pk, municipality, request_id in m.Request.objects.filter(
        request_id__in=sorted({request_id for _, request_id in decided}), kind__in=ANSWERED_KINDS
    ).values_list("pk", "municipality", "request_id"):
        request = decided.get((municipality, request_id))
        if request is not None:
            rows.append((request.outcome, request.refusal_reason, request.answered, pk))
    store.update(m.Request, ("outcome", "refusal_reason", "answered"), rows)


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
_EPISODE_STORED = store.COLUMNS[m.Episode][:17] + ("start_message_id", "stop_message_id")  # key .. messages
_episode_values = operator.attrgetter(*store.COLUMNS[m.Episode][:17], "start_message", "stop_message")
_EPISODE_CHANGES = ("end", "end_reason", "end_arrival", "start", "start_arrival", "stop_message_id")


def _store_episodes(new: dict[str, EpisodeRow], changed: dict[str, EpisodeRow]) -> None:
    """Insert new episodes (and learn their ids), update changed ones, delete deleted ones."""
    deleted = [row.db_id for row in changed.values() if row.deleted]
    if deleted:
        m.Episode.objects.filter(pk__in=deleted).delete()
    fresh = [row for row in new.values() if not row.deleted]
    store.insert(m.Episode, [_episode_values(row) for row in fresh])
    ids = store.ids(m.Episode, "key", [row.key for row in fresh])
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


# fmt: off
_ALLOCATION_STORED = (
    "municipality", "provider", "client", "number", "product_category", "product_code", "begin", "end", "volume",
    "unit", "frequency", "budget", "change_reason", "allocated_on", "arrival", "area",
)
_DECLARATION_STORED = (
    "reference", "municipality", "provider", "client", "declaration_number", "previous_reference",
    "allocation_number", "product_category", "product_code", "period_begin", "period_end", "volume", "unit",
    "tariff", "amount_cents",
)


_REQUEST_STORED = (
    "request_id", "kind", "client", "registered", "provider", "municipality", "segment", "area", "outcome",
    "refusal_reason", "answered",
)


def load_state() -> IntakeState:
    """Rebuild the intake state from what is stored (in arrival order), from plain rows."""
    state = IntakeState(stored_catalog())
    for (municipality, provider, client, number, category, code, begin, end, volume, unit, frequency, budget,
         change_reason, allocated_on, arrival, area) in store.select(
        m.AllocationVersion, _ALLOCATION_STORED, order=("arrival", "id")
    ):
        rec = AllocationRec(
            ref=number, municipality=municipality, provider=provider, client=client, number=number,
            category=category, code=code or None, begin=begin, end=end, volume=volume, unit=unit or None,
            frequency=frequency or None, budget=budget, change_reason=change_reason or None, allocated_on=allocated_on,
        )
        state.restore_allocation(rec, arrival, area)
    accepted = "accepted = " + ("1" if connection.vendor == "sqlite" else "true")
    for (reference, municipality, provider, client, declaration_number, previous_reference, allocation_number,
         category, code, period_begin, period_end, volume, unit, tariff, amount_cents) in store.select(
        m.DeclarationLine, _DECLARATION_STORED, where=accepted, order=("arrival", "id")
    ):
        d = DeclarationRec(
            ref=reference, municipality=municipality, provider=provider, client=client,
            declaration_number=declaration_number, reference=reference, previous_reference=previous_reference or None,
            allocation_number=allocation_number, category=category, code=code or None, period_begin=period_begin,
            period_end=period_end, volume=volume, unit=unit, tariff=tariff, amount_cents=amount_cents,
        )
        state.accept_declaration(d, state.known_allocation(d), performance(d))
    for row in store.select(m.Episode, ("id", *_EPISODE_STORED)):
        episode = EpisodeRow(*row[1:-2], start_message=row[-2], stop_message=row[-1], db_id=row[0])
        state.episodes[episode.key] = episode
    for (request_id, kind, client, registered, provider, municipality, segment, area, outcome, reason,
         answered) in store.select(m.Request, _REQUEST_STORED, order=("arrival", "id")):
        state.book.by_client[client].append((registered, provider, segment or None, area, request_id))
        if kind in ANSWERED_KINDS and provider:
            state.book.add(RequestState(request_id, kind, municipality, provider, client, segment, registered,
                                        outcome, reason, answered))
    state.objections = {objection for (objection,) in store.select(m.Objection, ("objection_id",))}
    state.signal_keys = {key for (key,) in store.select(m.Signal, ("key",))}
    state.identifications = set(
        m.Message.objects.exclude(law="").exclude(identification="").values_list("sender", "kind", "identification")
    )
    return state
# fmt: on


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
