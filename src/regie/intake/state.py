"""The rules that need more than one message, and the data-quality signals at the door.

:class:`IntakeState` holds what earlier messages established (allocations, episodes,
declared references, requests) and applies one :class:`~regie.intake.records.Incoming` at a
time with :meth:`IntakeState.apply`, returning an :class:`Outcome`: which records are
accepted, which are rejected and why (the standard's retour code), the rows to store and the
signals raised (domain.md section 7). It knows no database: the traffic app loads the state
from stored rows, applies files in arrival order and stores the outcomes.

Rules applied here
------------------
The standard's rules across messages are the functions of :mod:`regie.messages.crossrules`;
this module keeps the state they need and decides what follows from their faults:

- A care start (305) in a segment that allocates (not taakgericht) must name an allocation
  of the same client and provider (9019); a declaration line must name one (9338). Either
  fault also raises a ``care_without_allocation`` signal.
- A declaration line must fit its allocation (9339/9340/9341 product and unit, 9307/9308
  period, 9387/9388 whole months, 9321 volume of the line) and all lines on one allocation
  together must stay within it (9322); a volume fault raises ``above_allocated_volume``.
- A ReferentieNummer is used once per provider (8021) and a credit names an accepted debit
  by its VorigReferentieNummer (8017).
- A declaration line that arrives after its contract's deadline (``Contract.deadline_for``) is
  stored as accepted, but flagged ``late_declaration``: the funding rules do not pay it.
- An allocation extended for the third time or more (a later end date for the same number, or
  a new number for the same client, provider and product starting within a day of the end of
  the previous one) raises ``repeated_extension``: extended again and again without step-down.
- A stop (307) must match a start; a task-based episode is keyed by client, provider, product and begin date.
- A request (315/317) is decided by a 301 naming its ReferentieAanbieder (granted) or a 319
  refusing it; one undecided past the region's answer term raises ``request_unanswered``
  (:mod:`regie.intake.answers`). A refused request gives no waiting time to a later start.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from regie.engine.calendar import month_start
from regie.engine.catalog import Catalog, Contract, Segment
from regie.engine.consortia import consortium_of, member_map
from regie.intake import answers
from regie.intake.outcome import Allocation, DeclarationRow, EpisodeRow, Outcome, Signal
from regie.intake.records import (
    AllocationRec,
    DeclarationRec,
    Fault,
    Incoming,
    ObjectionRec,
    PgbRec,
    Record,
    ReplyRec,
    RequestRec,
    StartRec,
    StopRec,
    TrajectoryRec,
)
from regie.messages.codes import RETOUR_CODES
from regie.messages.crossrules import (
    check_against_allocation,
    check_credit_has_debit,
    check_cumulative_volume,
    check_reference_unique,
    check_start_against_allocation,
)
from regie.messages.faults import Fault as MessageFault
from regie.messages.model import AllocatedProduct, Amount, Extent, Performance, Period, Product, StartProduct

EXTENSION_SIGNAL_AT = 3  # the third extension raises the signal


def domain_of_category(category: str) -> str:
    """iJw product categories are 40-55 (jeugd); iWmo categories 01-18 (wmo)."""
    return "jeugd" if category.isdigit() and int(category) >= 40 else "wmo"


_RESENT = (
    "de berichtidentificatie is al gebruikt in een eerder bericht van deze afzender en berichtsoort; "
    "een nieuw of gecorrigeerd bericht krijgt een nieuwe identificatie"
)
_WHAT = {"municipality": "gemeente", "provider": "aanbieder", "segment": "segment"}


def _fault(code: str) -> str:
    return RETOUR_CODES.get(code, code)


class IntakeState:
    """What the municipality knows from earlier messages; apply new ones in arrival order."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.segments: dict[str, Segment] = {s.code: s for s in catalog.segments}
        self._municipalities = {m.code: m for m in catalog.municipalities}
        self._providers = {agb for p in catalog.providers for agb in (p.agb, *p.members)}
        self._members = member_map(catalog.providers)  # a member's traffic counts for its consortium
        self._contracts: dict[tuple[str, str], list[Contract]] = defaultdict(list)
        for c in catalog.contracts:
            self._contracts[(c.provider, c.segment)].append(c)
        self.allocations: dict[tuple[str, str], Allocation] = {}
        self.episodes: dict[str, EpisodeRow] = {}
        self.references: dict[str, set[str]] = defaultdict(set)  # provider -> every accepted ReferentieNummer
        self.open_debits: dict[str, set[str]] = defaultdict(set)  # provider -> debits not credited yet
        self.book = answers.RequestBook(catalog.answer_term_days)  # requests and their answers
        self.objections: set[str] = set()
        self.signal_keys: set[str] = set()
        self.identifications: set[tuple[str, str, str]] = set()  # (sender, message kind, identification)
        self.areas: dict[tuple[str, str], str] = {}  # (municipality, client) -> area of the latest address
        self._chains: dict[tuple[str, str, str, str], tuple[dt.date | None, int]] = {}

    # -- rebuilding from storage: what earlier runs stored, taken back (in arrival order) -------

    def restore_allocation(self, rec: AllocationRec, arrival: dt.date, area: str) -> None:
        """A stored allocation version, replayed."""
        self._allocation(rec, arrival, Outcome())
        if area:
            self.areas[(rec.municipality, rec.client)] = area

    def restore_declaration(self, rec: DeclarationRec) -> None:
        """A stored accepted declaration line: its reference, the debit it credits, the volume."""
        self.accept_declaration(rec, self.known_allocation(rec), performance(rec))

    def restore_episode(self, episode: EpisodeRow) -> None:
        """A stored episode (with its messages and row id)."""
        self.episodes[episode.key] = episode

    def restore_request(self, request: answers.RequestState, area: str | None) -> None:
        """A stored request and its answer so far (for the waiting time, and to be answered)."""
        self.book.restore(request, area)

    def restore_objection(self, objection_id: str) -> None:
        """A stored objection: a later row of the register updates it."""
        self.objections.add(objection_id)

    def restore_signal(self, key: str) -> None:
        """A stored signal: it is not raised again."""
        self.signal_keys.add(key)

    def restore_identification(self, sender: str, kind: str, identification: str) -> None:
        """A stored message's BerichtIdentificatie: a message that uses it again is refused (9056)."""
        self.identifications.add((sender, kind, identification))

    # -- look-ups ---------------------------------------------------------------------------

    def area_of(self, municipality: str, postcode: str | None) -> str | None:
        found = self._municipalities.get(municipality)
        return found.area_of(postcode) if found else None

    def segment_of(self, category: str, code: str | None) -> Segment | None:
        return self.catalog.segment_for_product(domain_of_category(category), category, code)

    def _trajectory(self, rec: TrajectoryRec, arrival: dt.date, out: Outcome) -> None:
        """A participation trajectory counts in the ``participatie`` segment whose products
        name its module (CSV08 when none does)."""
        segment = self.catalog.segment_for_product("participatie", "", rec.module)
        if segment is None:
            out.reject(
                "CSV08", "kolom 'module' noemt geen module van een participatiesegment uit de catalogus", rec.ref
            )
            return
        out.trajectories.append((rec, segment.code, arrival))

    def contract_for(self, provider: str, segment: str, municipality: str, day: dt.date) -> Contract | None:
        for c in self._contracts.get((consortium_of(provider, self._members), segment), ()):
            if municipality in c.municipalities and c.start <= day <= c.end:
                return c
        return None

    @staticmethod
    def allocates(segment: Segment | None) -> bool:
        return segment is not None and segment.effective_execution != "taakgericht"

    # -- applying a file --------------------------------------------------------------------

    def apply(self, incoming: Incoming) -> Outcome:
        """Apply a readable file's records; faults found inside the file reject their record."""
        out = Outcome()
        if self.resent(incoming):
            out.rejected.append(Fault("9056", _RESENT))
            return out
        arrival = incoming.arrival or dt.date.today()
        self.unanswered(arrival, out)
        from_csv = incoming.kind.startswith("CSV-")
        for rec in incoming.records:
            faults = incoming.record_faults(rec.ref)
            if not faults and from_csv:
                faults = self.unknown_in_catalog(rec)
            if faults:
                out.rejected.extend(faults)
                continue
            handler = _HANDLERS[type(rec)]
            before = len(out.rejected)
            handler(self, rec, rec.arrival or arrival, out)
            if len(out.rejected) == before:
                out.accepted += 1
        # faults on records that produced no record object (unreadable rows)
        known = {rec.ref for rec in incoming.records}
        out.rejected.extend(f for f in incoming.faults if f.record is not None and f.record not in known)
        return out

    def resent(self, incoming: Incoming) -> bool:
        """9056: a message's BerichtIdentificatie is unique per sender and message type
        (istandaarden.md). A message with other bytes (a file with the same bytes is a
        duplicate already) but the identification of an earlier one is refused whole; the
        first one's identification is remembered here."""
        if not incoming.law or not incoming.identification:
            return False
        identity = (incoming.sender, incoming.kind, incoming.identification)
        if identity in self.identifications:
            return True
        self.identifications.add(identity)
        return False

    def unknown_in_catalog(self, rec: Record) -> list[Fault]:
        """CSV08: a CSV row's municipality, provider or segment must be one the catalog knows
        (a message's sender and receiver are held to their shape by the schema). Nothing else
        may reach the figures, the pages or the workbooks under such a name.
        """
        known = {
            "municipality": self._municipalities,
            "provider": self._providers,
            "segment": self.segments,
        }
        for column, names in known.items():
            value = getattr(rec, column, None)
            if value and value not in names:
                return [Fault("CSV08", f"kolom '{column}' noemt geen {_WHAT[column]} uit de catalogus", rec.ref)]
        return []

    def unanswered(self, day: dt.date, out: Outcome) -> None:
        """Signal ``request_unanswered`` for each request whose answer term ended before ``day``
        undecided (before anything arriving on ``day`` is applied)."""
        for late in self.book.overdue(day):
            self._signal(out, Signal(**self.book.signal_fields(late), of_file=False))

    def _signal(self, out: Outcome, signal: Signal) -> None:
        if signal.key not in self.signal_keys:
            self.signal_keys.add(signal.key)
            out.signals.append(signal)

    def _allocation(self, rec: AllocationRec, arrival: dt.date, out: Outcome) -> None:
        segment = self.segment_of(rec.category, rec.code)
        key = (rec.municipality, rec.number)
        current = self.allocations.get(key)
        current_end = current.product.end if current else None
        extended = current_end is not None and (rec.end is None or rec.end > current_end)
        chain_key = (rec.municipality, rec.provider, rec.client, rec.category + (rec.code or ""))
        chain_end, chain_extensions = self._chains.get(chain_key, (None, 0))
        follows_on = (
            current is None
            and chain_end is not None
            and dt.timedelta(0) <= rec.begin - chain_end <= dt.timedelta(days=1)
        )
        extensions = (current.extensions if current else chain_extensions if follows_on else 0) + (
            1 if extended or follows_on else 0
        )
        self.allocations[key] = Allocation(
            municipality=rec.municipality,
            provider=rec.provider,
            client=rec.client,
            segment=segment.code if segment else "",
            product=allocated_product(rec),
            extensions=extensions,
            performances=current.performances if current else [],
        )
        self._chains[chain_key] = (rec.end, extensions)
        granted = self.book.grant(rec.municipality, rec.provider, rec.client, rec.provider_reference, arrival)
        if granted is not None:
            out.decided.append(granted)
        area = self.area_of(rec.municipality, rec.postcode)
        if area:
            self.areas[(rec.municipality, rec.client)] = area
        out.allocations.append((rec, segment.code if segment else "", arrival, area or ""))
        if extensions >= EXTENSION_SIGNAL_AT:
            self._signal(
                out,
                Signal(
                    "repeated_extension",
                    f"repeated_extension|{'|'.join(chain_key)}",
                    provider=rec.provider,
                    municipality=rec.municipality,
                    segment=segment.code if segment else "",
                    client=rec.client,
                    record=rec.number,
                    detail={"extensions": extensions, "end": rec.end.isoformat() if rec.end else None},
                ),
            )

    def _signal_without_allocation(
        self, out: Outcome, rec: StartRec | DeclarationRec, segment: Segment, care_month: dt.date | None
    ) -> None:
        self._signal(
            out,
            Signal(
                "care_without_allocation",
                f"care_without_allocation|{rec.municipality}|{rec.provider}|{rec.client}|{segment.code}",
                provider=rec.provider,
                municipality=rec.municipality,
                segment=segment.code,
                client=rec.client,
                record=rec.allocation_number or rec.ref,
                care_month=care_month,
            ),
        )

    def known_allocation(self, rec: StartRec | StopRec | DeclarationRec) -> Allocation | None:
        if not rec.allocation_number:
            return None
        alloc = self.allocations.get((rec.municipality, rec.allocation_number))
        if alloc is None or alloc.client != rec.client or alloc.provider != rec.provider:
            return None
        return alloc

    def _episode_key(self, rec: StartRec | StopRec, segment: Segment | None) -> str:
        if self.allocates(segment) and rec.allocation_number:
            return f"{rec.municipality}|{rec.allocation_number}"
        return f"{rec.client}|{rec.provider}|{rec.category}{rec.code or ''}|{rec.begin.isoformat()}"

    def _start(self, rec: StartRec, arrival: dt.date, out: Outcome) -> None:
        segment = self.segment_of(rec.category, rec.code)
        if segment is None:
            out.reject("9338", "het product hoort bij geen segment van de catalogus", rec.ref)
            return
        if self.allocates(segment):
            alloc = self.known_allocation(rec)
            product = StartProduct(rec.begin, rec.status, rec.allocation_number, Product(rec.category, rec.code))
            faults = check_start_against_allocation(product, alloc.product if alloc else None, record=rec.ref)
            if faults:
                out.rejected.extend(Fault(f.code, f.reason, rec.ref) for f in faults)
                self._signal_without_allocation(out, rec, segment, month_start(rec.begin))
                return
        key = self._episode_key(rec, segment)
        existing = self.episodes.get(key)
        if rec.status == "3":
            if existing is None or existing.deleted:
                out.reject("9019", "te verwijderen start zorg is niet bekend", rec.ref)
                return
            existing.deleted = True
            out.episodes.append(existing)
            return
        if existing is not None and not existing.deleted:
            # the same start again, or a restart under the same allocation after a (temporary)
            # stop: the episode goes on from its first start
            if existing.end is not None and rec.begin >= existing.end:
                existing.end, existing.end_arrival, existing.end_reason, existing.stop_message = None, None, "", None
                out.episodes.append(existing)
            return
        request_date, area = self.book.request_for(rec.client, rec.provider, segment.code, rec.begin)
        row = EpisodeRow(
            key=key,
            client=rec.client,
            provider=rec.provider,
            segment=segment.code,
            domain=segment.domain,
            weight=segment.weight,
            municipality=rec.municipality,
            area=rec.area or area or self.areas.get((rec.municipality, rec.client)),
            product_category=rec.category,
            product_code=rec.code,
            allocation_number=rec.allocation_number if self.allocates(segment) else None,
            start=rec.begin,
            end=None,
            end_reason="",
            start_arrival=arrival,
            end_arrival=None,
            request_date=rec.request_date or request_date,
        )
        if existing is not None:
            row.db_id = existing.db_id  # a deleted start that comes back keeps its row
        self.episodes[key] = row
        out.episodes.append(row)

    def _stop(self, rec: StopRec, arrival: dt.date, out: Outcome) -> None:
        segment = self.segment_of(rec.category, rec.code)
        if segment is None:
            out.reject("9338", "het product hoort bij geen segment van de catalogus", rec.ref)
            return
        episode = self.episodes.get(self._episode_key(rec, segment))
        if episode is None or episode.deleted:
            out.reject("9019", "stop zorg zonder bijbehorende start zorg", rec.ref)
            return
        if rec.end < episode.start:
            out.reject("9019", "einddatum van de stop ligt voor de begindatum van de zorg", rec.ref)
            return
        if rec.status == "3":
            episode.end, episode.end_arrival, episode.end_reason, episode.stop_message = None, None, "", None
        else:
            episode.end, episode.end_arrival, episode.end_reason = rec.end, arrival, rec.reason
        out.episodes.append(episode)

    def _declaration(self, rec: DeclarationRec, arrival: dt.date, out: Outcome) -> None:
        segment = self.segment_of(rec.category, rec.code)
        care_month = month_start(rec.period_begin)
        alloc = self.known_allocation(rec)
        line = performance(rec)
        faults = self._declaration_faults(rec.provider, line, segment, alloc)
        if faults:
            for fault in faults:
                out.reject(fault.code, fault.reason, rec.ref)
            codes = {fault.code for fault in faults}
            if segment is not None and codes & {"9338", "9019"}:
                self._signal_without_allocation(out, rec, segment, care_month)
            if segment is not None and alloc is not None and codes & {"9321", "9322"}:
                extent = alloc.product.extent
                self._line_signal(
                    out, "above_allocated_volume", rec, segment, care_month,
                    allocation=alloc.product.allocation_number, volume=rec.volume,
                    allocated=extent.volume if extent else None, frequency=extent.frequency if extent else None,
                )  # fmt: skip
            out.declarations.append(
                DeclarationRow(rec, segment.code if segment else "", care_month, arrival, False, faults[0].code,
                               faults[0].reason)
            )  # fmt: skip
            return
        assert segment is not None
        self.accept_declaration(rec, alloc, line)
        out.declarations.append(DeclarationRow(rec, segment.code, care_month, arrival, True, "0200", ""))
        contract = self.contract_for(rec.provider, segment.code, rec.municipality, care_month)
        deadline = contract.deadline_for(care_month) if contract else None
        if deadline is not None and arrival > deadline and rec.amount_cents > 0:
            self._line_signal(
                out, "late_declaration", rec, segment, care_month, deadline=deadline.isoformat(),
                arrival=arrival.isoformat(), days_late=(arrival - deadline).days, amount_cents=rec.amount_cents,
            )  # fmt: skip

    def _line_signal(
        self, out: Outcome, kind: str, rec: DeclarationRec, segment: Segment, care_month: dt.date, **detail: Any
    ) -> None:
        """A signal about one declaration line, keyed by its provider and reference."""
        self._signal(
            out,
            Signal(
                kind,
                f"{kind}|{rec.provider}|{rec.reference}",
                provider=rec.provider,
                municipality=rec.municipality,
                segment=segment.code,
                client=rec.client,
                record=rec.reference,
                care_month=care_month,
                detail=detail,
            ),
        )

    def accept_declaration(self, rec: DeclarationRec, alloc: Allocation | None, line: Performance) -> None:
        """Remember an accepted line: its reference, the debit it credits, the volume used."""
        self.references[rec.provider].add(rec.reference)
        if rec.amount_cents < 0 and rec.previous_reference:
            self.open_debits[rec.provider].discard(rec.previous_reference)
        else:
            self.open_debits[rec.provider].add(rec.reference)
        if alloc is not None:
            alloc.performances.append(line)

    def _declaration_faults(
        self, provider: str, line: Performance, segment: Segment | None, alloc: Allocation | None
    ) -> list[MessageFault]:
        """Why a declaration line cannot be accepted, given what is known; empty when it can."""
        if segment is None:
            return [MessageFault("", "9338", "het product hoort bij geen segment van de catalogus", line.reference)]
        faults = check_reference_unique(line.reference, self.references[provider])
        faults += check_credit_has_debit(line, self.open_debits[provider])
        if faults or not self.allocates(segment):
            return faults
        if alloc is None:
            return check_against_allocation(line, None)
        faults = check_against_allocation(line, alloc.product)
        if not faults:
            faults = [
                f
                for f in check_cumulative_volume([*alloc.performances, line], alloc.product)
                if f.record == line.reference
            ]
        return faults

    def _request(self, rec: RequestRec, arrival: dt.date, out: Outcome) -> None:
        segment = rec.segment
        if segment is None and rec.category is not None:
            found = self.segment_of(rec.category, rec.code)
            segment = found.code if found else None
        self.book.note(rec, segment)
        out.requests.append((rec, segment or "", arrival))

    def _reply(self, rec: ReplyRec, arrival: dt.date, out: Outcome) -> None:
        """A 319: refuses the request it names (or notes it is in investigation)."""
        request, code, reason = self.book.answer(
            rec.municipality, rec.provider, rec.reference, rec.answer, rec.refusal_reason, arrival
        )
        if request is None:
            out.reject(code, reason, rec.ref)
            return
        out.decided.append(request)

    def _objection(self, rec: ObjectionRec, arrival: dt.date, out: Outcome) -> None:
        """A register row: a new objection, or the latest state of a known one (its decision)."""
        self.objections.add(rec.objection_id)
        out.objections.append((rec, arrival))


def allocated_product(rec: AllocationRec) -> AllocatedProduct:
    """An allocation record as the standard's allocated product (for the cross-message rules)."""
    return AllocatedProduct(
        allocation_number=rec.number,
        allocation_date=rec.allocated_on,
        allocation_time=dt.time(0),
        start=rec.begin,
        product=Product(rec.category, rec.code),
        end=rec.end,
        change_reason=rec.change_reason,
        extent=Extent(rec.volume, rec.unit or "", rec.frequency or "") if rec.volume is not None else None,
        budget=rec.budget,
    )


def performance(rec: DeclarationRec) -> Performance:
    """A declaration record as the standard's prestatie (for the cross-message rules)."""
    return Performance(
        reference=rec.reference,
        allocation_number=rec.allocation_number or "",
        category=rec.category,
        code=rec.code or "",
        period=Period(rec.period_begin, rec.period_end),
        volume=rec.volume,
        unit=rec.unit,
        amount=Amount.of(rec.amount_cents),
        tariff=rec.tariff,
        previous_reference=rec.previous_reference,
    )


_HANDLERS: dict[type[Record], Any] = {
    AllocationRec: IntakeState._allocation,
    StartRec: IntakeState._start,
    StopRec: IntakeState._stop,
    DeclarationRec: IntakeState._declaration,
    RequestRec: IntakeState._request,
    ReplyRec: IntakeState._reply,
    ObjectionRec: IntakeState._objection,
    PgbRec: lambda _state, rec, arrival, out: out.pgb.append((rec, arrival)),
    TrajectoryRec: IntakeState._trajectory,
}

__all__ = [
    "Allocation",
    "DeclarationRow",
    "EpisodeRow",
    "IntakeState",
    "Outcome",
    "Signal",
    "allocated_product",
    "performance",
]
