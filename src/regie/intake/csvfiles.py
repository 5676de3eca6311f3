"""CSV files of history and of task-based providers' figures (docs/csv-formats.md).

:func:`read_csv` recognises the kind of file by its header, reads every row into a record and
collects a :class:`~regie.intake.records.Fault` per faulty row (the row is rejected on its
own, like a record of a message). The BSN is checked with the eleven-test and pseudonymised
the moment it is read; it appears in no fault.

Fault codes of CSV rows (the standard's retour codes do not cover CSV):

====== =====================================================
CSV01  a required value is missing
CSV02  a date, month or number cannot be read
CSV03  the BSN fails the eleven-test
CSV04  a code has the wrong shape (CBS, AGB, category, D/C, ...)
CSV05  dates out of order (end before start)
CSV06  the row has more fields than the header has names
CSV07  a value is longer than its column may be (:data:`MAX_LENGTHS`)
CSV08  a municipality, provider, segment or participation module that the catalog does not know
       (checked when the row is applied: :meth:`regie.intake.state.IntakeState.apply`)
CSV00  the file itself: unknown header, not UTF-8, empty
====== =====================================================

Every row is checked whole at the door, the same whatever the database: a row with a field
too many (which could carry anything, a BSN included) or a value longer than the stored
column is rejected on its own with the rule in its reason, and the file's other rows count.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Collection
from typing import Any

from regie.engine.calendar import ONE_DAY, next_month
from regie.engine.participation import MODULE
from regie.intake.records import (
    DeclarationRec,
    Fault,
    Incoming,
    ObjectionRec,
    PgbRec,
    Record,
    RequestRec,
    StartRec,
    StopRec,
    TrajectoryRec,
)
from regie.messages.bsn import is_valid_bsn
from regie.messages.codes import REFERRER_TYPES

COLUMNS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required, optional)
    "episodes": (
        {"municipality", "provider", "bsn", "product_category", "start", "reported_on"},
        {"product_code", "allocation_number", "end", "end_reason", "area", "request_date"},
    ),
    "declarations": (
        {
            "municipality",
            "provider",
            "bsn",
            "reference",
            "product_category",
            "care_month",
            "volume",
            "unit",
            "amount_cents",
            "debit_credit",
            "reported_on",
        },
        {"allocation_number", "product_code", "previous_reference"},
    ),
    "objections": (
        {"objection_id", "municipality", "segment", "bsn", "kind", "filed", "reported_on"},
        {"provider", "decided", "upheld"},
    ),
    "requests": (
        {"request_id", "municipality", "segment", "bsn", "urgency", "registered", "reported_on"},
        {"area", "provider", "referrer", "closed_on"},
    ),
    "pgb": ({"municipality", "segment", "bsn", "start", "end", "amount_cents"}, {"reported_on"}),
    "trajectories": ({"municipality", "provider", "bsn", "module", "start"}, {"end", "end_reason", "reported_on"}),
}

#: The longest value of each free-text column, as the stored models allow (a test holds these
#: against the models' ``max_length``); coded columns are held to their exact shape instead.
MAX_LENGTHS: dict[str, int] = {
    "allocation_number": 20,
    "end_reason": 2,
    "area": 100,
    "reference": 20,
    "previous_reference": 20,
    "unit": 2,
    "objection_id": 60,
    "segment": 40,
    "request_id": 60,
    "module": 20,
}
#: A kind's own limits where a column name means something else there (a trajectory's end
#: reason is a word, an episode's a two-digit code).
KIND_MAX_LENGTHS: dict[str, dict[str, int]] = {"trajectories": {"end_reason": 10}}

_CBS = re.compile(r"^\d{4}$")
_AGB = re.compile(r"^\d{8}$")
_CATEGORY = re.compile(r"^\d{2}$")
_PRODUCT = re.compile(r"^[0-9A-Z]{5}$")

#: The end reasons of a participation trajectory, with the Dutch words a CSV may use instead.
END_REASONS = {
    "work": "work",
    "education": "education",
    "care": "care",
    "other": "other",
    "werk": "work",
    "opleiding": "education",
    "zorg": "care",
    "overig": "other",
}


class RowError(ValueError):
    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        super().__init__(reason)


def detect_kind(header: list[str]) -> str | None:
    """The kind of CSV file whose columns are exactly ``header`` (required + some optional)."""
    names = set(header)
    for kind, (required, optional) in COLUMNS.items():
        if required <= names and names <= required | optional:
            return kind
    return None


class _Row:
    """Typed access to one CSV row, raising :class:`RowError` with a Dutch reason."""

    def __init__(
        self, row: dict[str | None, Any], pseudonymise: Callable[[str], str], limits: dict[str, int] = MAX_LENGTHS
    ) -> None:
        extra = row.get(None)
        if extra:  # csv.DictReader puts the fields beyond the header under None
            raise RowError("CSV06", f"de rij heeft {len(extra)} veld(en) meer dan de kop kolommen heeft")
        self.row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        for name, value in self.row.items():
            limit = limits.get(name)
            if limit is not None and len(value) > limit:
                raise RowError("CSV07", f"kolom '{name}' is langer dan {limit} tekens")
        self.pseudonymise = pseudonymise

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.row.get(name, "")
        if not value:
            if required:
                raise RowError("CSV01", f"kolom '{name}' is leeg")
            return None
        return value

    def code(self, name: str, pattern: re.Pattern[str], what: str, required: bool = True) -> str | None:
        value = self.text(name, required)
        if value is not None and not pattern.match(value):
            raise RowError("CSV04", f"kolom '{name}' is geen geldige {what}")
        return value

    def municipality(self) -> str:
        """The required column ``municipality``: a CBS code."""
        return self.code("municipality", _CBS, "CBS-code") or ""

    def provider(self, required: bool = True) -> str | None:
        """The column ``provider``: an AGB code."""
        return self.code("provider", _AGB, "AGB-code", required)

    def one_of(self, name: str, allowed: Collection[str], reason: str, required: bool = True) -> str | None:
        """A column whose value is one of ``allowed`` (CSV04: "kolom 'name' ``reason``")."""
        value = self.text(name, required)
        if value is not None and value not in allowed:
            raise RowError("CSV04", f"kolom '{name}' {reason}")
        return value

    def date(self, name: str, required: bool = True) -> dt.date | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise RowError("CSV02", f"kolom '{name}' is geen datum (JJJJ-MM-DD)") from None

    def span(self, first: str, last: str, reason: str) -> tuple[dt.date, dt.date | None]:
        """A required date ``first`` and an optional ``last`` not before it (CSV05 ``reason``)."""
        begin, end = self.date(first), self.date(last, required=False)
        assert begin is not None
        if end is not None and end < begin:
            raise RowError("CSV05", reason)
        return begin, end

    def month(self, name: str) -> dt.date:
        value = self.text(name) or ""
        match = re.fullmatch(r"(\d{4})-(\d{2})", value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise RowError("CSV02", f"kolom '{name}' is geen maand (JJJJ-MM)")
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def integer(self, name: str, required: bool = True, minimum: int = 0) -> int | None:
        value = self.text(name, required)
        if value is None:
            return None
        if not re.fullmatch(r"-?\d+", value) or int(value) < minimum:
            raise RowError("CSV02", f"kolom '{name}' is geen geheel getal >= {minimum}")
        return int(value)

    def client(self) -> str:
        bsn = self.text("bsn") or ""
        if not is_valid_bsn(bsn):
            raise RowError("CSV03", "het BSN voldoet niet aan de elfproef")
        return self.pseudonymise(bsn)

    def yes_no(self, name: str) -> bool | None:
        value = (self.text(name, required=False) or "").lower()
        if not value:
            return None
        if value in ("ja", "j", "true", "1"):
            return True
        if value in ("nee", "n", "false", "0"):
            return False
        raise RowError("CSV04", f"kolom '{name}' is geen ja/nee")


def _episode(r: _Row, ref: str) -> list[Record]:
    start, end = r.span("start", "end", "einddatum ligt voor de begindatum")
    common: dict[str, Any] = {
        "ref": ref,
        "arrival": r.date("reported_on"),
        "municipality": r.municipality(),
        "provider": r.provider(),
        "client": r.client(),
        "allocation_number": r.text("allocation_number", required=False),
        "category": r.code("product_category", _CATEGORY, "productcategorie"),
        "code": r.code("product_code", _PRODUCT, "productcode", required=False),
        "begin": start,
    }
    records: list[Record] = [
        StartRec(**common, area=r.text("area", required=False), request_date=r.date("request_date", required=False))
    ]
    if end is not None:
        records.append(StopRec(**common, end=end, reason=r.text("end_reason", required=False) or ""))
    return records


def _declaration(r: _Row, ref: str) -> list[Record]:
    month = r.month("care_month")
    following = next_month(month)
    sign = r.one_of("debit_credit", ("D", "C"), "moet D of C zijn")
    amount = r.integer("amount_cents")
    provider = r.provider()
    assert amount is not None and provider is not None
    return [
        DeclarationRec(
            ref=ref,
            arrival=r.date("reported_on"),
            municipality=r.municipality(),
            provider=provider,
            client=r.client(),
            declaration_number="",
            reference=r.text("reference") or "",
            previous_reference=r.text("previous_reference", required=False),
            allocation_number=r.text("allocation_number", required=False),
            category=r.code("product_category", _CATEGORY, "productcategorie") or "",
            code=r.code("product_code", _PRODUCT, "productcode", required=False),
            period_begin=month,
            period_end=following - ONE_DAY,
            volume=r.integer("volume") or 0,
            unit=r.text("unit") or "",
            tariff=None,
            amount_cents=amount if sign == "D" else -amount,
        )
    ]


def _objection(r: _Row, ref: str) -> list[Record]:
    kind = r.one_of("kind", ("bezwaar", "beroep"), "moet bezwaar of beroep zijn") or ""
    filed, decided = r.span("filed", "decided", "besluitdatum ligt voor de indieningsdatum")
    return [
        ObjectionRec(
            ref=ref,
            arrival=r.date("reported_on"),
            objection_id=r.text("objection_id") or "",
            municipality=r.municipality(),
            segment=r.text("segment") or "",
            provider=r.provider(required=False),
            client=r.client(),
            kind=kind,
            filed=filed,
            decided=decided,
            upheld=r.yes_no("upheld"),
        )
    ]


#: The urgency of a waiting-list row: 1 (most urgent) .. 3, or the API's words.
_URGENCIES = {"1": 1, "2": 2, "3": 3, "crisis": 1, "urgent": 2, "normal": 3}


def _request(r: _Row, ref: str) -> list[Record]:
    urgency = _URGENCIES.get((r.text("urgency") or "").lower())
    if urgency is None:
        raise RowError("CSV04", "kolom 'urgency' moet 1, 2 of 3 zijn (of crisis, urgent, normal)")
    referrer = r.one_of("referrer", REFERRER_TYPES, "is geen verwijzerscode (COD327: 01-06, 08)", required=False)
    registered, closed = r.span("registered", "closed_on", "afsluitdatum ligt voor de aanmelddatum")
    return [
        RequestRec(
            ref=ref,
            arrival=r.date("reported_on"),
            kind="waiting_list",
            request_id=r.text("request_id") or "",
            municipality=r.municipality(),
            provider=r.provider(required=False),
            client=r.client(),
            category=None,
            code=None,
            segment=r.text("segment"),
            registered=registered,
            area=r.text("area", required=False),
            urgency=urgency,
            referrer=referrer,
            closed=closed,
        )
    ]


def _pgb(r: _Row, ref: str) -> list[Record]:
    """A PGB budget; without ``reported_on`` the row arrives with the file (its latest start)."""
    start, end = r.span("start", "end", "einddatum ligt voor de begindatum")
    return [
        PgbRec(
            ref=ref,
            arrival=r.date("reported_on", required=False),
            municipality=r.municipality(),
            segment=r.text("segment") or "",
            client=r.client(),
            start=start,
            end=end,
            amount_cents=r.integer("amount_cents") or 0,
        )
    ]


def _trajectory(r: _Row, ref: str) -> list[Record]:
    """A participation trajectory; an ended one names why it ended (work, education, care,
    other). Without ``reported_on`` the row arrives with the file (its latest date)."""
    start, end = r.span("start", "end", "einddatum ligt voor de begindatum")
    reason = (r.text("end_reason", required=False) or "").lower()
    if end is not None and not reason:
        raise RowError("CSV01", "kolom 'end_reason' is leeg bij een beëindigd traject")
    if reason and reason not in END_REASONS:
        raise RowError("CSV04", "kolom 'end_reason' moet work, education, care of other zijn")
    if reason and end is None:
        raise RowError("CSV05", "kolom 'end_reason' is gevuld maar het traject heeft geen einddatum")
    return [
        TrajectoryRec(
            ref=ref,
            arrival=r.date("reported_on", required=False),
            municipality=r.municipality(),
            provider=r.provider() or "",
            client=r.client(),
            module=r.code("module", MODULE, "modulecode") or "",
            start=start,
            end=end,
            end_reason=END_REASONS.get(reason, ""),
        )
    ]


_READERS: dict[str, Callable[[_Row, str], list[Record]]] = {
    "episodes": _episode,
    "declarations": _declaration,
    "objections": _objection,
    "requests": _request,
    "pgb": _pgb,
    "trajectories": _trajectory,
}


def _register_dates(records: list[Record]) -> list[dt.date]:
    """The dates of a register's rows (PGB budgets: start; trajectories: start and end): a
    file without ``reported_on`` arrives on the latest of them."""
    dates: list[dt.date] = []
    for rec in records:
        if isinstance(rec, PgbRec):
            dates.append(rec.start)
        elif isinstance(rec, TrajectoryRec):
            dates.extend(d for d in (rec.start, rec.end) if d is not None)
    return dates


def read_csv(incoming: Incoming, pseudonymise: Callable[[str], str]) -> Incoming:
    """Fill ``incoming`` (whose ``raw`` holds the CSV bytes) with records and faults."""
    try:
        text = incoming.raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        incoming.faults.append(Fault("CSV00", "het bestand is geen UTF-8-tekst"))
        return incoming
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    kind = detect_kind(header)
    if kind is None:
        incoming.faults.append(
            Fault("CSV00", "onbekende kolommen: de kop past bij geen van de CSV-formaten (docs/csv-formats.md)")
        )
        return incoming
    reader.fieldnames = header
    incoming.kind = f"CSV-{kind}"
    arrivals: list[dt.date] = []
    limits = MAX_LENGTHS | KIND_MAX_LENGTHS.get(kind, {})
    for number, row in enumerate(reader, start=2):
        ref = f"rij {number}"
        try:
            records = _READERS[kind](_Row(row, pseudonymise, limits), ref)
        except RowError as exc:
            incoming.faults.append(Fault(exc.code, str(exc), record=ref))
            continue
        incoming.records.extend(records)
        arrivals.extend(rec.arrival for rec in records if rec.arrival)
    incoming.arrival = max(arrivals) if arrivals else max(_register_dates(incoming.records), default=None)
    providers = sorted({getattr(rec, "provider", None) or "" for rec in incoming.records} - {""})
    incoming.sender = providers[0] if len(providers) == 1 else ""
    incoming.identification = incoming.content_hash[:12]
    return incoming
