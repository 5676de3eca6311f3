"""Storing what the intake decided: a batch of applied files in one transaction (docs/adr/0002).

Each file becomes a :class:`~regie.traffic.models.Message` (archived, with BSNs
pseudonymised), with its rows: rejections, allocation versions, declaration lines, requests
and their answers, objections, episodes and signals. Rows are built by field name
(:data:`regie.traffic.store.ROW`) and written with :mod:`regie.traffic.store`.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from regie.intake.answers import ANSWERED_KINDS, RequestState
from regie.intake.records import Fault, Incoming, PgbRec
from regie.intake.state import EpisodeRow, Outcome, Signal
from regie.traffic import models as m
from regie.traffic import store, trajectories

ROW = store.ROW


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


def note_refresh(arrivals: Iterable[dt.date | None], today: dt.date | None = None) -> None:
    """Note the years whose figures files of these arrival dates can change (the year of each
    arrival and the year before it, for late declarations; up to ``today``'s year) as still to
    be refreshed, in the caller's transaction."""
    today = today or timezone.localdate()
    years = {y for a in arrivals if a is not None for y in (a.year - 1, a.year) if y <= today.year}
    m.RefreshTodo.objects.bulk_create([m.RefreshTodo(year=y) for y in sorted(years)], ignore_conflicts=True)


def _status(outcome: Outcome | None, records: int) -> str:
    if outcome is None or (records and outcome.accepted == 0):
        return m.Message.Status.REJECTED
    return m.Message.Status.PARTIAL if outcome.rejected else m.Message.Status.ACCEPTED


def message_row(item: Incoming, outcome: Outcome | None, now: dt.datetime) -> tuple[Any, ...]:
    """The stored message of an applied file."""
    return ROW[m.Message](
        file_name=item.file_name[:500],
        kind=item.kind or "onbekend",
        law=item.law,
        code=item.code,
        sender=item.sender,
        receiver=item.receiver,
        identification=item.identification[:64],
        dagtekening=item.arrival,
        content_hash=item.content_hash,
        raw=item.archived,
        size=item.size,
        status=_status(outcome, len(item.records)),
        records=len({r.ref for r in item.records} | {f.record for f in item.faults if f.record}),
        rejected_records=outcome.rejected_records if outcome else 0,
        received_at=now,
    )


def signal_row(signal: Signal, message: int | None, raised_on: dt.date) -> tuple[Any, ...]:
    """A stored signal, open (``raised_on`` when the signal names no day of its own)."""
    return ROW[m.Signal](
        kind=signal.kind,
        key=signal.key[:200],
        message_id=message,
        provider=signal.provider,
        municipality=signal.municipality,
        segment=signal.segment,
        client=signal.client,
        record=signal.record[:100],
        care_month=signal.care_month,
        raised_on=signal.raised_on or raised_on,
        detail=store.as_json(signal.detail),
        status=m.Signal.Status.OPEN,
        note="",
    )


class _Batch:
    """The rows of a batch of applied files, gathered per model, then stored at once."""

    def __init__(self, ids: dict[str, int], summary: Summary) -> None:
        self.ids = ids  # message id by content hash
        self.summary = summary
        self.rows: dict[type[Any], list[tuple[Any, ...]]] = {
            model: [] for model in (m.Rejection, m.AllocationVersion, m.DeclarationLine, m.Request, m.Signal)
        }
        self.new_episodes: dict[str, EpisodeRow] = {}
        self.changed_episodes: dict[str, EpisodeRow] = {}
        self.objections: dict[str, m.Objection] = {}  # by id: a later row of the register updates an earlier one
        self.decided: dict[tuple[str, str], RequestState] = {}  # the requests a 301 or 319 answered
        self.pgb: dict[tuple[str, str, str, dt.date], m.PgbBudget] = {}  # by key: a later row replaces an earlier one
        self.trajectories: list[trajectories.Row] = []  # in arrival order: a later row gives the end

    def add(self, item: Incoming, outcome: Outcome | None) -> None:
        message = self.ids[item.content_hash]
        self.rejections(item, message, item.file_faults if outcome is None else outcome.rejected)
        if outcome is None:
            return
        self.summary.accepted[item.code or item.kind] += outcome.accepted
        self.allocations(message, outcome)
        self.episodes(message, outcome)
        self.declarations(message, outcome)
        self.requests(message, outcome)
        self.objections_of(message, outcome)
        for b, arrival in outcome.pgb:
            self.pgb[(b.municipality, b.segment, b.client, b.start)] = _pgb_budget(b, message, arrival)
        self.trajectories += [
            trajectories.Row(t, segment, message, arrival) for t, segment, arrival in outcome.trajectories
        ]
        for signal in outcome.signals:
            self.summary.signals[signal.kind] += 1
            raised_on = item.arrival or dt.date.today()
            self.rows[m.Signal].append(signal_row(signal, message if signal.of_file else None, raised_on))

    def rejections(self, item: Incoming, message: int, faults: list[Fault]) -> None:
        for fault in faults:
            self.rows[m.Rejection].append(
                ROW[m.Rejection](
                    message_id=message, record=fault.record or "", path=fault.path[:300], code=fault.code,
                    reason=fault.reason,
                )
            )  # fmt: skip
            self.summary.rejected.append(
                {
                    "file": item.file_name,
                    "message": item.kind or "onbekend",
                    "record": fault.record or "",
                    "code": fault.code,
                    "reason": fault.reason,
                }
            )

    def allocations(self, message: int, outcome: Outcome) -> None:
        for a, segment, arrival, area in outcome.allocations:
            self.rows[m.AllocationVersion].append(
                ROW[m.AllocationVersion](
                    message_id=message, municipality=a.municipality, provider=a.provider, client=a.client,
                    number=a.number, segment=segment, area=area, product_category=a.category,
                    product_code=a.code or "", begin=a.begin, end=a.end, volume=a.volume, unit=a.unit or "",
                    frequency=a.frequency or "", budget=a.budget, change_reason=a.change_reason or "",
                    allocated_on=a.allocated_on, arrival=arrival,
                )
            )  # fmt: skip

    def episodes(self, message: int, outcome: Outcome) -> None:
        """The episodes a file started or changed, with the ids of the messages that started and
        stopped them (a message of this batch is known by id only now)."""
        for episode in outcome.episodes:
            if isinstance(episode.start_message, Incoming):
                episode.start_message = self.ids[episode.start_message.content_hash]
            if isinstance(episode.stop_message, Incoming):
                episode.stop_message = self.ids[episode.stop_message.content_hash]
            if episode.start_message is None:
                episode.start_message = message
            if episode.end is not None and episode.stop_message is None:
                episode.stop_message = message
            (self.changed_episodes if episode.db_id else self.new_episodes)[episode.key] = episode

    def declarations(self, message: int, outcome: Outcome) -> None:
        for row in outcome.declarations:
            d = row.rec
            self.rows[m.DeclarationLine].append(
                ROW[m.DeclarationLine](
                    message_id=message, line_id=f"{d.provider}|{d.reference}",
                    declaration_number=d.declaration_number, reference=d.reference,
                    previous_reference=d.previous_reference or "", provider=d.provider, municipality=d.municipality,
                    segment=row.segment, client=d.client, allocation_number=d.allocation_number,
                    product_category=d.category, product_code=d.code or "", period_begin=d.period_begin,
                    period_end=d.period_end, care_month=row.care_month, volume=d.volume, unit=d.unit,
                    tariff=d.tariff, amount_cents=d.amount_cents, arrival=row.arrival, accepted=row.accepted,
                    retour_code=row.retour_code, reason=row.reason,
                )
            )  # fmt: skip

    def requests(self, message: int, outcome: Outcome) -> None:
        for req, segment, arrival in outcome.requests:
            self.rows[m.Request].append(
                ROW[m.Request](
                    message_id=message, request_id=req.request_id, kind=req.kind, client=req.client,
                    provider=req.provider, municipality=req.municipality, segment=segment, area=req.area,
                    urgency=req.urgency, registered=req.registered, arrival=arrival,
                    outcome=m.Request.Outcome.REFUSED if req.closed else m.Request.Outcome.OPEN, refusal_reason="",
                    answered=req.closed, referrer=req.referrer or "",
                )
            )  # fmt: skip
        for request in outcome.decided:
            self.decided[(request.municipality, request.request_id)] = request

    def objections_of(self, message: int, outcome: Outcome) -> None:
        for obj, arrival in outcome.objections:
            earlier = self.objections.get(obj.objection_id)
            self.objections[obj.objection_id] = m.Objection(
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

    def store(self) -> None:
        for model, values in self.rows.items():
            store.insert(model, values)
        _store_answers(self.decided)
        _store_objections(self.objections)
        _store_episodes(self.new_episodes, self.changed_episodes)
        _store_pgb(self.pgb)
        trajectories.store(self.trajectories)


def store_batch(batch: list[tuple[Incoming, Outcome | None]], summary: Summary) -> None:
    """Store a batch of applied files: messages (archived with BSNs redacted), their rows,
    rejections and signals; count what was accepted, rejected and signalled in ``summary``."""
    now = timezone.now()
    store.insert(m.Message, [message_row(item, outcome, now) for item, outcome in batch])
    rows = _Batch(store.ids(m.Message, "content_hash", [item.content_hash for item, _ in batch]), summary)
    for item, outcome in batch:
        rows.add(item, outcome)
    rows.store()


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


#: The stored episode's columns as the intake state's row holds them (its messages by id).
_EPISODE_ATTRIBUTES = tuple(name.removesuffix("_id") for name in store.COLUMNS[m.Episode])
_episode_values = operator.attrgetter(*_EPISODE_ATTRIBUTES)
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
