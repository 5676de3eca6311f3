"""Requests for allocation (315) and for change (317) and how they are decided.

A provider's request is named by its ReferentieAanbieder, unique per provider (TR347). The
municipality decides it in one of two ways (iStandaarden release 3.2):

- **granted** by an allocation (301) whose ToegewezenProduct names that ReferentieAanbieder
  for the same client (TR379; the 319 has no "granted" value);
- **refused** by a 319 with VerzoekAntwoord 1 and its RedenAfwijzingVerzoek (WJ759).

A 319 with VerzoekAntwoord 2 (aanvraag in onderzoek) answers without deciding: the request
stays undecided. A 319 is matched on the provider (its receiver), the municipality (its
sender) and the ReferentieAanbieder; it carries no client, so the client is the request's.
A 319 is refused with the standard's retour code when it names no known request (9355), when
the request was granted by a 301 already (9359), when a refusal was given before (9365), or
when it says "in onderzoek" again (9360).

``request_unanswered``: a request that is still undecided more than the region's answer term
(catalog ``[region] answer_term_days``, default 56 days) after it arrived raises the signal
once. It is judged on arrival days only: when a file with a later Dagtekening is applied
(before the file itself, so a decision arriving after the term still counts as late) and at
the end of a run on the last stored Dagtekening. So a request is signalled exactly when its
decision, or for an undecided request the last arrival known, lies more than the term after
its registration; in whatever order or in however many runs the files come.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from regie.intake.records import RequestRec
from regie.messages.codes import ANSWER_INVESTIGATING, ANSWER_REFUSED, REFUSAL_REASONS, RETOUR_CODES

OPEN, INVESTIGATING, GRANTED, REFUSED = "open", "investigating", "granted", "refused"
UNDECIDED = (OPEN, INVESTIGATING)
#: The kinds of request a 301 or 319 decides (waiting-list registrations are not answered).
ANSWERED_KINDS = ("315", "317")
SIGNAL = "request_unanswered"


@dataclass
class RequestState:
    """One request (a ReferentieAanbieder of a provider) and its decision so far."""

    request_id: str  # provider|ReferentieAanbieder
    kind: str  # 315 | 317
    municipality: str
    provider: str
    client: str
    segment: str
    registered: dt.date  # arrival of the 315/317
    outcome: str = OPEN
    refusal_reason: str = ""  # WJ759 code when refused
    answered: dt.date | None = None  # arrival of the deciding 301/319 (or of the 319 "in onderzoek")

    @property
    def undecided(self) -> bool:
        return self.outcome in UNDECIDED


@dataclass(frozen=True)
class Overdue:
    """A request undecided for longer than the answer term (the signal's content)."""

    request: RequestState
    due: dt.date  # the last day of the term
    detected: dt.date  # the arrival day on which it was found overdue


@dataclass
class RequestBook:
    """The requests of the region that a 301 or 319 can decide, with their deadlines."""

    term_days: int
    requests: dict[str, RequestState] = field(default_factory=dict)  # 315/317 by request id
    #: client -> (registered, provider, segment, area, request id) of every request (waiting list too)
    by_client: dict[str, list[tuple[dt.date, str | None, str | None, str | None, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _deadlines: list[tuple[dt.date, str]] = field(default_factory=list)

    def note(self, rec: RequestRec, segment: str | None) -> None:
        """A request as it arrives: for the waiting time, and (315/317) to be answered."""
        self.by_client[rec.client].append((rec.registered, rec.provider, segment, rec.area, rec.request_id))
        if rec.kind in ANSWERED_KINDS and rec.provider:
            self.add(
                RequestState(
                    rec.request_id, rec.kind, rec.municipality, rec.provider, rec.client, segment or "", rec.registered
                )
            )

    def restore(self, request: RequestState, area: str | None) -> None:
        """A stored request, as :meth:`note` noted it, with its answer so far."""
        self.by_client[request.client].append(
            (request.registered, request.provider, request.segment or None, area, request.request_id)
        )
        if request.kind in ANSWERED_KINDS and request.provider:
            self.add(request)

    def refused(self, request_id: str) -> bool:
        """A refused request does not wait: it gives no waiting time to a later start."""
        found = self.requests.get(request_id)
        return found is not None and found.outcome == REFUSED

    def request_for(
        self, client: str, provider: str, segment: str, begin: dt.date
    ) -> tuple[dt.date | None, str | None]:
        """The latest request of ``client`` for this provider or segment on or before ``begin``
        that was not refused: its registration day and area."""
        best: tuple[dt.date | None, str | None] = (None, None)
        for registered, req_provider, req_segment, area, request_id in self.by_client.get(client, ()):
            if registered > begin or self.refused(request_id):
                continue
            if (req_provider in (None, provider)) and (req_segment in (None, segment)):
                if best[0] is None or registered > best[0]:
                    best = (registered, area)
        return best

    def signal_fields(self, late: Overdue) -> dict[str, Any]:
        """The fields of the ``request_unanswered`` signal of an overdue request."""
        r = late.request
        return {
            "kind": SIGNAL,
            "key": f"{SIGNAL}|{r.request_id}",
            "provider": r.provider,
            "municipality": r.municipality,
            "segment": r.segment,
            "client": r.client,
            "record": r.request_id.partition("|")[2],
            "care_month": r.registered.replace(day=1),
            "detail": {
                "kind": r.kind,
                "registered": r.registered.isoformat(),
                "due": late.due.isoformat(),
                "term_days": self.term_days,
                "status": r.outcome,
            },
            "raised_on": late.due + dt.timedelta(days=1),
        }

    def add(self, request: RequestState) -> RequestState:
        """Note a request (a second product of the same 317 joins the first)."""
        known = self.requests.get(request.request_id)
        if known is not None:
            return known
        self.requests[request.request_id] = request
        if request.undecided:
            heapq.heappush(self._deadlines, (self.due(request), request.request_id))
        return request

    def due(self, request: RequestState) -> dt.date:
        return request.registered + dt.timedelta(days=self.term_days)

    def overdue(self, day: dt.date) -> list[Overdue]:
        """The requests whose term ended before ``day`` and that are still undecided (each once)."""
        found = []
        while self._deadlines and self._deadlines[0][0] < day:
            due, request_id = heapq.heappop(self._deadlines)
            request = self.requests[request_id]
            if request.undecided:
                found.append(Overdue(request, due, day))
        return found

    def grant(
        self, municipality: str, provider: str, client: str, reference: str | None, day: dt.date
    ) -> RequestState | None:
        """A 301 naming ``reference``: the request it grants, if it was undecided (else None)."""
        if not reference:
            return None
        request = self.requests.get(f"{provider}|{reference}")
        if request is None or not request.undecided or request.client != client:
            return None
        if request.municipality != municipality:
            return None
        request.outcome, request.answered = GRANTED, day
        return request

    def answer(
        self, municipality: str, provider: str, reference: str, answer: str, reason: str | None, day: dt.date
    ) -> tuple[RequestState | None, str, str]:
        """A 319: ``(request, "", "")`` when it applies, else ``(None, retour code, reason)``."""
        request = self.requests.get(f"{provider}|{reference}")
        if request is None or request.municipality != municipality:
            return (
                None,
                "9355",
                (
                    f"ReferentieAanbieder '{reference}' van aanbieder {provider} noemt geen verzoek om toewijzing "
                    f"(315) of wijziging (317) aan gemeente {municipality} (regel 9355: {RETOUR_CODES['9355']})"
                ),
            )
        if request.outcome == GRANTED:
            return None, "9359", f"het verzoek '{reference}' is al toegewezen met een 301 (regel 9359)"
        if request.outcome == REFUSED:
            return None, "9365", f"het verzoek '{reference}' is al afgewezen met een eerdere 319 (regel 9365)"
        if answer == ANSWER_INVESTIGATING:
            if request.outcome == INVESTIGATING:
                return None, "9360", f"het verzoek '{reference}' is al eerder 'in onderzoek' beantwoord (regel 9360)"
            request.outcome, request.answered = INVESTIGATING, day
        elif answer == ANSWER_REFUSED:
            request.outcome, request.refusal_reason, request.answered = REFUSED, reason or "", day
        return request, "", ""


def refusal_label(code: str) -> str:
    """The Dutch label of a RedenAfwijzingVerzoek (WJ759) code.

    >>> refusal_label("3")
    'Geen contract'
    """
    return REFUSAL_REASONS.get(code, code)


__all__ = [
    "ANSWERED_KINDS",
    "GRANTED",
    "INVESTIGATING",
    "OPEN",
    "REFUSED",
    "SIGNAL",
    "UNDECIDED",
    "Overdue",
    "RequestBook",
    "RequestState",
    "refusal_label",
]
