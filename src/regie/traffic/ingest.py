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

Finding and reading the files and their order are the core's (:mod:`regie.intake.sources`);
storing a batch is :mod:`regie.traffic.storing`, rebuilding the state from what is stored
:mod:`regie.traffic.restore` (docs/adr/0023). Callers use
:func:`regie.monitor.pending.ingest_and_refresh`, which also brings the figures up to date.

The BSN is pseudonymised while the file is read; it is never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import gc
import operator
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min

from regie.engine import frames, quality
from regie.engine.calendar import Span, month_start
from regie.intake.records import Incoming
from regie.intake.sources import (
    ArrivalOrder,
    FileReader,
    IngestError,
    Input,
    ReaderPool,
    Scan,
    Source,
    Upload,
    arrival_key,
    gather,
)
from regie.intake.state import EpisodeRow, IntakeState, Outcome
from regie.traffic import models as m
from regie.traffic import store
from regie.traffic.restore import load_state
from regie.traffic.runlock import ingest_lock
from regie.traffic.storing import Summary, note_refresh, signal_row, store_batch

__all__ = ["IngestError", "Ingester", "Input", "ProgressFactory", "Summary", "Upload", "ingest"]

BATCH_FILES = 1000  # files stored in one transaction

#: How a caller follows a run: called once with the number of steps (one per file read, and
#: one per file applied and stored), it returns the function told how many steps were done.
ProgressFactory = Callable[[int], Callable[[int], None]]


class Ingester:
    """Applies files to the stored state; one instance per run."""

    def __init__(self, progress: Callable[[int], None] | None = None) -> None:
        self.reader = FileReader(settings.PSEUDONYM_KEY)
        self.progress = progress or (lambda n: None)
        self.summary = Summary()
        self.order = ArrivalOrder(set(m.Message.objects.values_list("content_hash", flat=True)))
        self.state: IntakeState  # loaded while the files are being read (see run)

    def run(self, items: list[Source]) -> Summary:
        """Apply ``items`` in arrival order, streaming: a first pass hashes each file and finds
        its place in the arrival order (:meth:`~regie.intake.sources.FileReader.scan`), the
        second reads the files that are new in that order, a bounded number ahead, while this
        process applies and stores them in batches. The state is loaded while the first files
        are read."""
        self.summary.files = len(items)
        self.reader.known = frozenset(self.order.known)
        with _sqlite_for_bulk(), ReaderPool(self.reader, len(items)) as readers:
            scans: list[Scan] = []
            for source, (content_hash, arrival, code) in zip(
                items, readers.map_all(FileReader.scan, items), strict=True
            ):
                scans.append((content_hash, arrival_key(arrival, code, source.name)))
                self.progress(1)
            wanted = self.order.plan(scans)
            self._duplicates()
            reading = readers.map_ahead(FileReader.read, (items[i] for i in wanted))
            with _long_lived():
                self.state = load_state()
                gc.freeze()
                gc.enable()
                self._apply_all(self.order.settle(reading, (scans[i] for i in wanted)))
                self._duplicates()
                with transaction.atomic():
                    self._periodic_signals()
        return self.summary

    def _duplicates(self) -> None:
        """Count the files found to be duplicates since the last call (each a step done)."""
        new = self.order.duplicates - self.summary.duplicates
        self.summary.duplicates = self.order.duplicates
        if new:
            self.progress(new)

    def _apply_all(self, ordered: Iterable[Incoming]) -> None:
        """Apply and store the files, in the order given, in batches."""
        batch: list[tuple[Incoming, Outcome | None]] = []
        for item in ordered:
            outcome = None if item.file_faults else self.state.apply(item)
            if outcome is not None:
                _note_messages(item, outcome)
            batch.append((item, outcome))
            if len(batch) >= BATCH_FILES:
                self._store(batch)
                batch.clear()
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
        store.insert(m.Signal, [signal_row(s, None, last) for s in found.signals])

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


def ingest(
    inputs: Iterable[Input],
    progress_factory: ProgressFactory | None = None,
    *,
    wait: bool = True,
    notify: Callable[[str], None] | None = None,
) -> Summary:
    """Ingest files, folders, zip archives and uploads (:func:`regie.intake.sources.gather`);
    see the module docstring.

    Every run holds the ingest lock: when another run holds it, ``notify`` hears so and this
    run waits, or with ``wait=False`` raises :class:`~regie.traffic.runlock.IngestBusy`.
    Callers use :func:`regie.monitor.pending.ingest_and_refresh`.
    """
    with gather(inputs) as (items, refused), ingest_lock(wait=wait, notify=notify):
        progress = progress_factory(2 * len(items)) if progress_factory else None
        ingester = Ingester(progress)
        ingester.summary.rejected.extend(refused)
        return ingester.run(items)
