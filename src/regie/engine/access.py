"""Access and the shared waiting list (domain.md section 8): the rules, as pure functions.

A registration (aanmelding) on the shared waiting list names a client (pseudonym), a
segment, an urgency and the day it was registered. The rules:

- **norm** per urgency, from registration to start: crisis 1 day, urgent 14 days, normal the
  segment's norm (default 42 days, :data:`DEFAULT_NORM_DAYS`);
- **waiting days**: from the registration to the start of care, or for a registration still
  on the list to ``today`` (for a withdrawn one, to its withdrawal); never negative;
- **priority order**: crisis, then urgent, then normal; within one urgency the longest
  waiting first; then the earlier registration, then the id, so the order is total and
  never depends on the order the entries came in;
- **leaving the list by itself**: an open registration (waiting or assigned) is started by
  the earliest allocation (301) or care start (305) of the same client in the same segment
  that begins on or after the registration day;
- **``waiting_norm``**: a registration whose waiting days pass its norm raises the signal
  once, on the first day past the norm (``registered + norm + 1``); the signal asks for
  action only while the registration is on the list: once it has left (care started, or
  withdrawn) the signal is over (:func:`left_the_list`, resolved with that note);
- **capacity** beside the list: per provider and segment the clients in care against the
  agreed number, and the assigned backlog;
- **referrers**: the share of new care per referrer kind (COD327) and the share referred to
  providers without a contract.

The shell (``regie.access``) stores registrations and calls these functions; nothing here
knows Django.

>>> e = Entry(1, "p1", "A", "urgent", dt.date(2025, 1, 1))
>>> waiting_days(e, dt.date(2025, 1, 20)), norm_days(e.urgency), past_norm(e, dt.date(2025, 1, 20))
(19, 14, True)
>>> norm_signal(e, dt.date(2025, 1, 20)).raised_on
datetime.date(2025, 1, 16)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from regie.engine import frames
from regie.engine.catalog.model import WAITING_NORM_DAYS

#: Urgencies, most urgent first (the API's values).
CRISIS, URGENT, NORMAL = "crisis", "urgent", "normal"
URGENCIES: tuple[str, ...] = (CRISIS, URGENT, NORMAL)
#: Days from registration to start within which care must start, per urgency (normal: the
#: segment's norm).
URGENCY_NORM_DAYS: Mapping[str, int] = {CRISIS: 1, URGENT: 14}
#: The normal urgency's norm when the segment sets none (domain.md sections 5 and 8).
DEFAULT_NORM_DAYS = WAITING_NORM_DAYS

#: A registration's status: on the list (waiting, assigned) or off it (started, withdrawn).
WAITING, ASSIGNED, STARTED, WITHDRAWN = "waiting", "assigned", "started", "withdrawn"
STATUSES: tuple[str, ...] = (WAITING, ASSIGNED, STARTED, WITHDRAWN)
OPEN_STATUSES: tuple[str, ...] = (WAITING, ASSIGNED)

#: The signal a registration past its norm raises (once).
SIGNAL = "waiting_norm"

#: How an older list's urgency 1..3 (the ``requests`` CSV, a 315's registration) maps to ours.
URGENCY_FROM_NUMBER: Mapping[int, str] = {1: CRISIS, 2: URGENT, 3: NORMAL}


@dataclass(frozen=True)
class Entry:
    """One registration as the rules see it."""

    id: int
    client: str
    segment: str
    urgency: str
    registered_on: dt.date
    status: str = WAITING
    started_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    segment_norm_days: int = DEFAULT_NORM_DAYS
    provider: str | None = None


@dataclass(frozen=True)
class Start:
    """A start of care that can take a registration off the list: a 301's allocated product
    (``begin``) or a 305's care start."""

    client: str
    segment: str
    provider: str
    start: dt.date
    source: str  # "301" | "305"


@dataclass(frozen=True)
class NormSignal:
    """A registration past its norm: when it passed (``raised_on``) and the norm."""

    entry: Entry
    norm_days: int
    due: dt.date  # the last day within the norm
    raised_on: dt.date  # the first day past it


def urgency_of(value: str | int | None) -> str:
    """An urgency from the API's word or an older list's number 1..3 (1 most urgent);
    anything else is normal.

    >>> urgency_of("crisis"), urgency_of(2), urgency_of("3"), urgency_of(None)
    ('crisis', 'urgent', 'normal', 'normal')
    """
    if isinstance(value, str) and value in URGENCIES:
        return value
    try:
        return URGENCY_FROM_NUMBER.get(int(value), NORMAL) if value is not None else NORMAL
    except ValueError:
        return NORMAL


def norm_days(urgency: str, segment_norm_days: int = DEFAULT_NORM_DAYS) -> int:
    """The norm in days for ``urgency``: crisis 1, urgent 14, normal the segment's norm.

    >>> norm_days("crisis"), norm_days("urgent"), norm_days("normal"), norm_days("normal", 28)
    (1, 14, 42, 28)
    """
    return URGENCY_NORM_DAYS.get(urgency, segment_norm_days)


def entry_norm_days(entry: Entry) -> int:
    return norm_days(entry.urgency, entry.segment_norm_days)


def waited_until(entry: Entry, today: dt.date) -> dt.date:
    """The day the waiting ends (or ``today`` for a registration still on the list)."""
    if entry.status == STARTED and entry.started_on is not None:
        return entry.started_on
    if entry.status == WITHDRAWN and entry.withdrawn_on is not None:
        return min(entry.withdrawn_on, today)
    return today


def waiting_days(entry: Entry, today: dt.date) -> int:
    """Days from the registration to the start (to ``today`` while on the list); never below 0.

    >>> started = Entry(1, "p", "A", "normal", dt.date(2025, 3, 1), STARTED, dt.date(2025, 3, 11))
    >>> waiting_days(started, dt.date(2025, 12, 31)), waiting_days(started, dt.date(2025, 1, 1))
    (10, 10)
    """
    return max(0, (waited_until(entry, today) - entry.registered_on).days)


def past_norm(entry: Entry, today: dt.date) -> bool:
    """Whether the registration waited (or has waited so far) longer than its norm."""
    return waiting_days(entry, today) > entry_norm_days(entry)


def priority_key(entry: Entry, today: dt.date) -> tuple[int, int, dt.date, int]:
    """The sort key of the shared list: urgency (crisis first), the longest waiting first,
    then the earlier registration, then the id (a total order)."""
    return (_rank(entry.urgency), -waiting_days(entry, today), entry.registered_on, entry.id)


def prioritised(entries: Iterable[Entry], today: dt.date) -> list[Entry]:
    """The entries in priority order (:func:`priority_key`); the same for any input order.

    >>> d = dt.date(2025, 1, 1)
    >>> rows = [Entry(1, "a", "A", "normal", d), Entry(2, "b", "A", "crisis", d + dt.timedelta(5)),
    ...         Entry(3, "c", "A", "normal", d - dt.timedelta(3)), Entry(4, "d", "A", "urgent", d)]
    >>> [e.id for e in prioritised(rows, dt.date(2025, 2, 1))]
    [2, 4, 3, 1]
    """
    return sorted(entries, key=lambda e: priority_key(e, today))


def link_starts(entries: Iterable[Entry], starts: Iterable[Start]) -> dict[int, Start]:
    """For each open registration (waiting or assigned), the start that takes it off the list:
    the earliest start of the same client in the same segment on or after the registration
    day (a 301 before a 305 on the same day, then the provider, so the choice is unique).
    Registrations without such a start are left out.

    >>> d = dt.date(2025, 1, 10)
    >>> e = Entry(7, "p", "A", "normal", d)
    >>> s = [Start("p", "A", "111", dt.date(2025, 1, 9), "305"), Start("p", "A", "222", dt.date(2025, 2, 1), "305"),
    ...      Start("p", "B", "333", dt.date(2025, 1, 12), "301"), Start("p", "A", "444", dt.date(2025, 1, 30), "301")]
    >>> link_starts([e], s)[7].provider
    '444'
    """
    by_key: dict[tuple[str, str], list[Start]] = {}
    for s in starts:
        by_key.setdefault((s.client, s.segment), []).append(s)
    for found in by_key.values():
        found.sort(key=lambda s: (s.start, s.source, s.provider))
    out: dict[int, Start] = {}
    for e in entries:
        if e.status not in OPEN_STATUSES:
            continue
        for s in by_key.get((e.client, e.segment), ()):
            if s.start >= e.registered_on:
                out[e.id] = s
                break
    return out


def norm_signal(entry: Entry, today: dt.date) -> NormSignal | None:
    """The ``waiting_norm`` signal of a registration past its norm by ``today`` (None when it
    is within its norm, or a registration withdrawn before the norm passed)."""
    norm = entry_norm_days(entry)
    due = entry.registered_on + dt.timedelta(days=norm)
    if not past_norm(entry, today):
        return None
    return NormSignal(entry, norm, due, due + dt.timedelta(days=1))


def left_the_list(entry: Entry) -> str | None:
    """Why the ``waiting_norm`` signal of a registration is over, when it has left the list
    (care started, or withdrawn); None while it is still on it (waiting or assigned).

    >>> left_the_list(Entry(1, "p", "A", "normal", dt.date(2025, 1, 1), STARTED, dt.date(2025, 3, 1)))
    'Van de wachtlijst: zorg gestart op 01-03-2025, na 59 dagen wachten.'
    >>> left_the_list(Entry(1, "p", "A", "normal", dt.date(2025, 1, 1), WITHDRAWN, withdrawn_on=dt.date(2025, 3, 1)))
    'Van de wachtlijst: ingetrokken op 01-03-2025.'
    >>> left_the_list(Entry(1, "p", "A", "normal", dt.date(2025, 1, 1), ASSIGNED)) is None
    True
    """
    if entry.status == STARTED and entry.started_on is not None:
        days = waiting_days(entry, entry.started_on)
        return f"Van de wachtlijst: zorg gestart op {entry.started_on:%d-%m-%Y}, na {days} dagen wachten."
    if entry.status == WITHDRAWN:
        on = f" op {entry.withdrawn_on:%d-%m-%Y}" if entry.withdrawn_on else ""
        return f"Van de wachtlijst: ingetrokken{on}."
    return None


def norm_signals(entries: Iterable[Entry], today: dt.date) -> list[NormSignal]:
    """The ``waiting_norm`` signals of ``entries`` by ``today``, in registration order (the
    shell stores each once, by the registration's key)."""
    found = [s for e in entries if (s := norm_signal(e, today)) is not None]
    return sorted(found, key=lambda s: (s.raised_on, s.entry.id))


@dataclass(frozen=True)
class Summary:
    """The open registrations of a segment and urgency in figures (what the council sees)."""

    segment: str
    urgency: str
    waiting: int
    assigned: int
    past_norm: int
    median_waiting_days: float | None
    longest_waiting_days: int | None


def summary(entries: Iterable[Entry], today: dt.date) -> list[Summary]:
    """Per segment and urgency (crisis first): how many open registrations wait or are
    assigned, how many are past their norm, and the median and longest waiting days so far.

    >>> d = dt.date(2025, 1, 1)
    >>> rows = [Entry(1, "a", "A", "normal", d), Entry(2, "b", "A", "normal", d + dt.timedelta(10), ASSIGNED),
    ...         Entry(3, "c", "A", "normal", d, STARTED, started_on=d)]
    >>> s = summary(rows, dt.date(2025, 3, 1))[0]
    >>> (s.segment, s.urgency, s.waiting, s.assigned, s.past_norm, s.median_waiting_days, s.longest_waiting_days)
    ('A', 'normal', 1, 1, 2, 54.0, 59)
    """
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        if e.status in OPEN_STATUSES:
            groups.setdefault((e.segment, e.urgency), []).append(e)
    out = []
    for (segment, urgency), group in sorted(groups.items(), key=lambda kv: (kv[0][0], _rank(kv[0][1]))):
        days = sorted(waiting_days(e, today) for e in group)
        middle = len(days) // 2
        median = float(days[middle]) if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
        out.append(
            Summary(
                segment,
                urgency,
                sum(1 for e in group if e.status == WAITING),
                sum(1 for e in group if e.status == ASSIGNED),
                sum(1 for e in group if past_norm(e, today)),
                median,
                days[-1],
            )
        )
    return out


def _rank(urgency: str) -> int:
    return URGENCIES.index(urgency) if urgency in URGENCIES else len(URGENCIES)


# --------------------------------------------------------------------------------------------
# Capacity beside the list


@dataclass(frozen=True)
class Capacity:
    """A provider's room in a segment: clients in care now against the agreed number, and the
    registrations assigned to it that have not started (its backlog)."""

    provider: str
    segment: str
    in_care: int
    agreed: int
    backlog: int

    @property
    def room(self) -> int | None:
        """Agreed - in care - backlog (negative: over), None without an agreed number."""
        return self.agreed - self.in_care - self.backlog if self.agreed else None


def capacity(
    in_care: Mapping[tuple[str, str], int],
    agreed: Mapping[tuple[str, str], int],
    backlog: Mapping[tuple[str, str], int],
) -> list[Capacity]:
    """One :class:`Capacity` per (provider, segment) in any of the three, sorted.

    >>> [c.room for c in capacity({("1", "A"): 8}, {("1", "A"): 10, ("2", "A"): 0}, {("1", "A"): 3})]
    [-1, None]
    """
    keys = sorted(set(in_care) | set(agreed) | set(backlog))
    return [Capacity(p, s, in_care.get((p, s), 0), agreed.get((p, s), 0), backlog.get((p, s), 0)) for p, s in keys]


def backlog(entries: Iterable[Entry]) -> dict[tuple[str, str], int]:
    """Assigned registrations not started yet, per (provider, segment)."""
    counts = Counter((e.provider, e.segment) for e in entries if e.status == ASSIGNED and e.provider)
    return {(str(p), s): n for (p, s), n in counts.items()}


# --------------------------------------------------------------------------------------------
# Who is a core partner of a segment, and who sees what


def core_partners(
    segment: str,
    listed: Sequence[str] | None,
    flagged: Iterable[str],
    contracted: Mapping[str, Iterable[str]],
) -> tuple[str, ...]:
    """The core partners of ``segment``: the AGB codes its catalog entry lists
    (``core_partners = [...]``) when it lists any, otherwise the providers marked
    ``core_partner = true`` that hold a contract in the segment (``contracted``: segment ->
    AGB codes with a contract in it).

    >>> core_partners("A", None, ["1", "2"], {"A": ["2", "3"]}), core_partners("A", ["3"], ["1"], {})
    (('2',), ('3',))
    """
    if listed:
        return tuple(sorted(set(listed)))
    with_contract = set(contracted.get(segment, ()))
    return tuple(sorted(a for a in set(flagged) if a in with_contract))


def visible_to_provider(agb: str, core_segments: Iterable[str], segment: str, assigned: str | None) -> bool:
    """Whether a provider sees a registration: the whole list of the segments it is a core
    partner of, and elsewhere only what is assigned to it.

    >>> visible_to_provider("1", ["A"], "A", None), visible_to_provider("1", ["A"], "B", None)
    (True, False)
    >>> visible_to_provider("1", [], "B", "1")
    True
    """
    return segment in set(core_segments) or assigned == agb


# --------------------------------------------------------------------------------------------
# The referrers indicator


@dataclass(frozen=True)
class NewCare:
    """A start of care in the period with what referred it (COD327, "" when unknown) and
    whether its provider held a contract in the segment that year."""

    referrer: str
    contracted: bool


def referrer_shares(new_care: Sequence[NewCare]) -> dict[str, Any]:
    """The ``referrers`` indicator of one group: of the new care whose referrer is known, the
    share per referrer kind (``by_kind``), and the share that went to providers without a
    contract (``uncontracted_share``); ``n`` the starts with a known referrer. Shares are None
    without any.

    >>> referrer_shares([NewCare("02", False), NewCare("01", True), NewCare("01", True), NewCare("", True)])
    {'n': 3, 'by_kind': {'01': 0.6667, '02': 0.3333}, 'uncontracted_share': 0.3333}
    """
    known = [c for c in new_care if c.referrer]
    if not known:
        return {"n": 0, "by_kind": {}, "uncontracted_share": None}
    counts = Counter(c.referrer for c in known)
    n = len(known)
    return {
        "n": n,
        "by_kind": {k: round(counts[k] / n, 4) for k in sorted(counts)},
        "uncontracted_share": round(sum(1 for c in known if not c.contracted) / n, 4),
    }


def referrers(
    episodes: pl.DataFrame,
    requests: pl.DataFrame,
    contracted: Iterable[tuple[str, str, int]],
    *,
    year: int,
    as_of: dt.date,
    by: Sequence[str] = ("segment",),
) -> list[dict[str, Any]]:
    """**referrers** (verwijzers), per group of ``by`` (provider, segment, municipality keys):
    the new care of ``year`` (episodes starting in the year, arrived by ``as_of``), each with
    the referrer of its request (the latest request of the same client and segment registered
    on or before the start and arrived by ``as_of``, :data:`regie.engine.frames.REQUESTS`
    ``referrer``), and whether its provider held a contract in the segment that year
    (``contracted``: provider, segment, year); the shares of :func:`referrer_shares`.

    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "provider": "P", "segment": "S", "start": dt.date(2025, 3, 1), "start_arrival": dt.date(2025, 3, 2)},
    ...     {"client": "b", "provider": "Q", "segment": "S", "start": dt.date(2025, 4, 1), "start_arrival": dt.date(2025, 4, 2)},
    ...     {"client": "c", "provider": "P", "segment": "S", "start": dt.date(2025, 5, 1), "start_arrival": dt.date(2025, 5, 2)}])
    >>> req = frames.frame("requests", [
    ...     {"client": "a", "segment": "S", "registered": dt.date(2025, 2, 1), "arrival": dt.date(2025, 2, 1), "referrer": "02"},
    ...     {"client": "b", "segment": "S", "registered": dt.date(2025, 3, 1), "arrival": dt.date(2025, 3, 1), "referrer": "02"},
    ...     {"client": "c", "segment": "S", "registered": dt.date(2025, 6, 1), "arrival": dt.date(2025, 6, 1), "referrer": "01"}])
    >>> referrers(eps, req, [("P", "S", 2025)], year=2025, as_of=dt.date(2025, 12, 31))
    [{'segment': 'S', 'new_care': 3, 'n': 2, 'by_kind': {'02': 1.0}, 'uncontracted_share': 0.5}]
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    keys = list(by)
    new = frames.as_of(frames.conform("episodes", episodes), "episodes", as_of).filter(
        (pl.col("start") >= first) & (pl.col("start") <= last)
    )
    req = (
        frames.as_of(frames.conform("requests", requests), "requests", as_of)
        .filter(pl.col("referrer").is_not_null() & (pl.col("referrer") != "") & pl.col("registered").is_not_null())
        .select("client", "segment", pl.col("registered").alias("_reg"), "referrer")
        .sort(["_reg", "referrer"])
        .unique(subset=["client", "segment", "_reg"], keep="last", maintain_order=True)
    )
    found = new.sort("start").join_asof(
        req, left_on="start", right_on="_reg", by=["client", "segment"], strategy="backward", check_sortedness=False
    )
    have = set(contracted)
    groups: dict[tuple[Any, ...], list[NewCare]] = {}
    for row in found.select(*dict.fromkeys([*keys, "provider", "segment", "referrer"])).iter_rows(named=True):
        care = NewCare(row["referrer"] or "", (row["provider"], row["segment"], year) in have)
        groups.setdefault(tuple(row[k] for k in keys), []).append(care)
    return [
        {**dict(zip(keys, group, strict=True)), "new_care": len(care), **referrer_shares(care)}
        for group, care in sorted(groups.items(), key=lambda kv: tuple(str(v) for v in kv[0]))
    ]


__all__ = [
    "ASSIGNED",
    "CRISIS",
    "DEFAULT_NORM_DAYS",
    "NORMAL",
    "OPEN_STATUSES",
    "SIGNAL",
    "STARTED",
    "STATUSES",
    "URGENCIES",
    "URGENT",
    "WAITING",
    "WITHDRAWN",
    "Capacity",
    "Entry",
    "NewCare",
    "NormSignal",
    "Summary",
    "Start",
    "backlog",
    "capacity",
    "core_partners",
    "entry_norm_days",
    "link_starts",
    "norm_days",
    "norm_signal",
    "norm_signals",
    "past_norm",
    "prioritised",
    "priority_key",
    "referrer_shares",
    "referrers",
    "summary",
    "urgency_of",
    "visible_to_provider",
    "waiting_days",
]
