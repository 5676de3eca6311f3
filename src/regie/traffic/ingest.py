"""``regie ingest``: read files in arrival order, apply the rules, store everything.

Each file is read (:mod:`regie.intake.xml` or :mod:`regie.intake.csvfiles`), checked against
what earlier files established (:class:`regie.intake.state.IntakeState`) and stored with all
its records, accepted or rejected, or not at all:

- **one transaction per file at most**: files are stored in batches; a batch is one database
  transaction, so a file is never half-written. A crash loses at most the last batch, which
  a new run stores again;
- **idempotent**: a file whose content hash was stored before is a duplicate and changes
  nothing (its raw bytes are archived compressed with that hash);
- **arrival order**: files are applied sorted by Dagtekening (then by name), whatever order
  they were given in, so that a start is known before its stop.

The BSN is pseudonymised while the file is read; it is never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from regie.catalog.loader import stored_catalog
from regie.intake.csvfiles import read_csv
from regie.intake.records import AllocationRec, DeclarationRec, Fault, Incoming
from regie.intake.redact import redact
from regie.intake.state import EpisodeRow, IntakeState, Outcome, performance
from regie.intake.xml import read_xml
from regie.messages.bsn import pseudonym
from regie.traffic import models as m

BATCH_FILES = 400
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """A file to ingest: its display name and a way to read its bytes."""

    name: str
    read: Callable[[], bytes]


@dataclass
class Summary:
    """The result of an ingest run, in the JSON shape of domain.md section 12."""

    files: int = 0
    accepted: Counter[str] = field(default_factory=Counter)
    rejected: list[dict[str, str]] = field(default_factory=list)
    duplicates: int = 0
    signals: Counter[str] = field(default_factory=Counter)

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


def sources(paths: Iterable[str | Path]) -> list[Source]:
    """Every file under ``paths``: files, folders (recursively) and zip archives."""
    out: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise IngestError(f"{path}: bestand of map bestaat niet")
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() == ".zip":
                out.extend(_zip_members(file))
            elif file.suffix.lower() in (".xml", ".csv"):
                out.append(Source(str(file), file.read_bytes))
    return out


def _zip_members(path: Path) -> list[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise IngestError(f"{path}: geen geldig zip-archief") from None
    members = []
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        if info.is_dir() or Path(info.filename).suffix.lower() not in (".xml", ".csv"):
            continue
        if info.file_size > MAX_FILE_BYTES:
            members.append(Source(f"{path}!{info.filename}", lambda: b"\0" * (MAX_FILE_BYTES + 1)))
            continue
        members.append(Source(f"{path}!{info.filename}", lambda a=archive, n=info.filename: a.read(n)))
    return members


def read_source(source: Source, pseudonymise: Callable[[str], str]) -> Incoming:
    """Read one file into an :class:`Incoming` (records and the faults inside the file)."""
    raw = source.read()
    incoming = Incoming(file_name=source.name, raw=raw, content_hash=hashlib.sha256(raw).hexdigest(), kind="")
    if len(raw) > MAX_FILE_BYTES:
        incoming.faults.append(Fault("0001", f"het bestand is groter dan {MAX_FILE_BYTES // (1024 * 1024)} MB"))
        return incoming
    if source.name.lower().endswith(".csv"):
        return read_csv(incoming, pseudonymise)
    return read_xml(incoming, pseudonymise)


def _arrival_key(incoming: Incoming) -> tuple[dt.date, int, str]:
    # Within a day: allocations and requests before starts, starts before stops and declarations.
    order = {"301": 0, "315": 1, "317": 1, "305": 2, "307": 3, "323": 4}
    return (incoming.arrival or dt.date.max, order.get(incoming.code, 5), incoming.file_name)


class Ingester:
    """Applies files to the stored state; one instance per run."""

    def __init__(self, progress: Callable[[int], None] | None = None) -> None:
        key = settings.PSEUDONYM_KEY
        self.pseudonymise: Callable[[str], str] = lambda bsn: pseudonym(bsn, key)
        self.progress = progress or (lambda n: None)
        self.summary = Summary()
        self.state = load_state()
        self.known_hashes: set[str] = set(m.Message.objects.values_list("content_hash", flat=True))

    def run(self, items: list[Source]) -> Summary:
        self.summary.files = len(items)
        incoming = []
        for source in items:
            read = read_source(source, self.pseudonymise)
            incoming.append(read)
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
        return self.summary

    def _store(self, batch: list[tuple[Incoming, Outcome | None]]) -> None:
        with transaction.atomic():
            store_batch(batch, self.summary, self.pseudonymise)
        self.progress(len(batch))


def _status(outcome: Outcome | None, records: int) -> str:
    if outcome is None or (records and outcome.accepted == 0):
        return m.Message.Status.REJECTED
    return m.Message.Status.PARTIAL if outcome.rejected else m.Message.Status.ACCEPTED


def store_batch(
    batch: list[tuple[Incoming, Outcome | None]], summary: Summary, pseudonymise: Callable[[str], str]
) -> None:
    """Store a batch of applied files: messages (archived with BSNs redacted), their rows,
    rejections and signals."""
    messages = [
        m.Message(
            file_name=item.file_name[:500],
            kind=item.kind or "onbekend",
            law=item.law,
            code=item.code,
            sender=item.sender,
            receiver=item.receiver,
            identification=item.identification[:64],
            dagtekening=item.arrival,
            content_hash=item.content_hash,
            raw=zlib.compress(redact(item.file_name, item.raw, pseudonymise), 6),
            size=len(item.raw),
            status=_status(outcome, len(item.records)),
            records=len({r.ref for r in item.records} | {f.record for f in item.faults if f.record}),
            rejected_records=outcome.rejected_records if outcome else 0,
        )
        for item, outcome in batch
    ]
    m.Message.objects.bulk_create(messages)
    rejections: list[m.Rejection] = []
    allocations: list[m.AllocationVersion] = []
    new_episodes: dict[str, EpisodeRow] = {}
    changed_episodes: dict[str, EpisodeRow] = {}
    lines: list[m.DeclarationLine] = []
    requests: list[m.Request] = []
    objections: list[m.Objection] = []
    signals: list[m.Signal] = []
    for message, (item, outcome) in zip(messages, batch, strict=True):
        faults = item.file_faults if outcome is None else outcome.rejected
        for fault in faults:
            rejections.append(
                m.Rejection(
                    message=message,
                    record=fault.record or "",
                    path=fault.path[:300],
                    code=fault.code,
                    reason=fault.reason,
                )
            )
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
        for rec, segment, arrival in outcome.allocations:
            allocations.append(_allocation_row(message, rec, segment, arrival))
        for episode in outcome.episodes:
            if episode.start_message is None:
                episode.start_message = message.pk
            if episode.end is not None and episode.stop_message is None:
                episode.stop_message = message.pk
            (changed_episodes if episode.db_id else new_episodes)[episode.key] = episode
        for row in outcome.declarations:
            rec = row.rec
            lines.append(
                m.DeclarationLine(
                    message=message,
                    line_id=f"{rec.provider}|{rec.reference}",
                    declaration_number=rec.declaration_number,
                    reference=rec.reference,
                    previous_reference=rec.previous_reference or "",
                    provider=rec.provider,
                    municipality=rec.municipality,
                    segment=row.segment,
                    client=rec.client,
                    allocation_number=rec.allocation_number,
                    product_category=rec.category,
                    product_code=rec.code or "",
                    period_begin=rec.period_begin,
                    period_end=rec.period_end,
                    care_month=row.care_month,
                    volume=rec.volume,
                    unit=rec.unit,
                    tariff=rec.tariff,
                    amount_cents=rec.amount_cents,
                    arrival=row.arrival,
                    accepted=row.accepted,
                    retour_code=row.retour_code,
                    reason=row.reason,
                )
            )
        for req, segment, arrival in outcome.requests:
            requests.append(
                m.Request(
                    message=message,
                    request_id=req.request_id,
                    kind=req.kind,
                    client=req.client,
                    provider=req.provider,
                    municipality=req.municipality,
                    segment=segment,
                    area=req.area,
                    urgency=req.urgency,
                    registered=req.registered,
                    arrival=arrival,
                )
            )
        for obj, arrival in outcome.objections:
            objections.append(
                m.Objection(
                    message=message,
                    objection_id=obj.objection_id,
                    client=obj.client,
                    municipality=obj.municipality,
                    segment=obj.segment,
                    provider=obj.provider,
                    kind=obj.kind,
                    filed=obj.filed,
                    arrival=arrival,
                    decided=obj.decided,
                    upheld=obj.upheld,
                )
            )
        for signal in outcome.signals:
            summary.signals[signal.kind] += 1
            signals.append(
                m.Signal(
                    kind=signal.kind,
                    key=signal.key[:200],
                    message=message,
                    provider=signal.provider,
                    municipality=signal.municipality,
                    segment=signal.segment,
                    client=signal.client,
                    record=signal.record[:100],
                    care_month=signal.care_month,
                    raised_on=item.arrival or dt.date.today(),
                    detail=signal.detail,
                )
            )
    m.Rejection.objects.bulk_create(rejections, batch_size=1000)
    m.AllocationVersion.objects.bulk_create(allocations, batch_size=1000)
    m.DeclarationLine.objects.bulk_create(lines, batch_size=1000)
    m.Request.objects.bulk_create(requests, batch_size=1000)
    m.Objection.objects.bulk_create(objections, batch_size=1000)
    m.Signal.objects.bulk_create(signals, batch_size=1000)
    _store_episodes(new_episodes, changed_episodes)


_EPISODE_FIELDS = [
    "client", "provider", "segment", "domain", "weight", "municipality", "area", "product_category", "product_code",
    "allocation_number", "start", "end", "end_reason", "start_arrival", "end_arrival", "request_date",
]  # fmt: skip


def _episode_model(row: EpisodeRow) -> m.Episode:
    return m.Episode(
        pk=row.db_id,
        key=row.key,
        start_message_id=row.start_message,
        stop_message_id=row.stop_message,
        **{name: getattr(row, name) for name in _EPISODE_FIELDS},
    )


def _store_episodes(new: dict[str, EpisodeRow], changed: dict[str, EpisodeRow]) -> None:
    deleted = [row.db_id for row in changed.values() if row.deleted]
    if deleted:
        m.Episode.objects.filter(pk__in=deleted).delete()
    fresh = [row for row in new.values() if not row.deleted]
    created = m.Episode.objects.bulk_create([_episode_model(row) for row in fresh], batch_size=1000)
    for row, obj in zip(fresh, created, strict=True):
        row.db_id = obj.pk
    updates = [_episode_model(row) for row in changed.values() if not row.deleted]
    m.Episode.objects.bulk_update(updates, [*_EPISODE_FIELDS, "start_message", "stop_message"], batch_size=500)
    for row in changed.values():
        if row.deleted:
            row.db_id = None


def _allocation_row(message: m.Message, rec: AllocationRec, segment: str, arrival: dt.date) -> m.AllocationVersion:
    return m.AllocationVersion(
        message=message,
        municipality=rec.municipality,
        provider=rec.provider,
        client=rec.client,
        number=rec.number,
        segment=segment,
        product_category=rec.category,
        product_code=rec.code or "",
        begin=rec.begin,
        end=rec.end,
        volume=rec.volume,
        unit=rec.unit or "",
        frequency=rec.frequency or "",
        budget=rec.budget,
        change_reason=rec.change_reason or "",
        allocated_on=rec.allocated_on,
        arrival=arrival,
    )


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
        state._allocation(rec, v.arrival, Outcome())
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
    return state


def ingest(
    paths: Iterable[str | Path], progress_factory: Callable[[int], Callable[[int], None]] | None = None
) -> Summary:
    """Ingest files, folders and zip archives; see the module docstring."""
    items = sources(paths)
    progress = progress_factory(len(items)) if progress_factory else None
    return Ingester(progress).run(items)
