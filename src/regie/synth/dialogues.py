"""A synthetic history of dialogues and agreements, so the demo shows relationship management
at work (issue 14): some providers spoken to recently, some due, some overdue; agreements
confirmed done, one done awaiting the municipality's confirmation, some open and overdue.

:func:`history` is a pure function of the providers (AGB code and cadence in weeks) and the
day: the same region on the same day gives the same history. Each provider gets up to four
dialogues at its cadence, the last one placed by its position in the AGB order (cycling
through :data:`LAST_DIALOGUE`), so the list of dialogues due shows every state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

#: Days from the last dialogue to the day, per provider in AGB order (cycled), as a function
#: of the cadence in days: recent (ok), due within a week, overdue by ten days or more.
LAST_DIALOGUE = ("recent", "due", "overdue")

#: What is agreed, in turn (owner, text).
AGREEMENTS: tuple[tuple[str, str], ...] = (
    ("provider", "Wachtlijst opschonen: cliënten zonder start na 6 weken nabellen"),
    ("municipality", "Toewijzingen die steeds opnieuw verlengd worden samen doorlopen"),
    ("provider", "Declaraties binnen de termijn indienen (uiterlijk de 15e van de tweede maand)"),
    ("provider", "Plan voor afschaling naar lichtere zorg bij de langste trajecten"),
    ("municipality", "Terugkoppeling op het verzoek instroom boven afspraak"),
    ("provider", "Duurzame uitstroom: overdracht aan de wijk vastleggen"),
)

NOTE = "Scorekaart, prognose en open signalen besproken; de afspraken staan hieronder."

#: Days an agreement is given, from its dialogue.
AGREEMENT_DAYS = 28


@dataclass(frozen=True)
class PlannedAgreement:
    owner: str
    text: str
    due: dt.date
    state: str  # "open", "done" (awaiting confirmation) or "confirmed"


@dataclass(frozen=True)
class PlannedDialogue:
    provider: str
    date: dt.date
    note: str
    agreements: tuple[PlannedAgreement, ...]


def last_dialogue(position: int, every_weeks: int, today: dt.date) -> dt.date:
    """The day of a provider's last dialogue by its ``position`` in AGB order.

    >>> d = dt.date(2026, 12, 6)
    >>> [str(last_dialogue(i, 8, d)) for i in range(3)]
    ['2026-11-22', '2026-10-18', '2026-09-29']
    """
    cadence = every_weeks * 7
    kind = LAST_DIALOGUE[position % len(LAST_DIALOGUE)]
    back = {"recent": 14, "due": cadence - 7, "overdue": cadence + 10 + position % 7}[kind]
    return today - dt.timedelta(days=back)


def history(providers: Sequence[tuple[str, int]], today: dt.date, dialogues: int = 4) -> list[PlannedDialogue]:
    """The dialogues of each provider (``(agb, every_weeks)``, in any order) up to ``today``.

    In every dialogue two agreements are made (:data:`AGREEMENTS` in turn). Those of earlier
    dialogues are confirmed done, except the first of the second-to-last dialogue, which stays
    open (and is overdue by now); of the last dialogue the provider's own first agreement is
    done awaiting confirmation when its due day has passed, the other open.

    >>> h = history([("11111111", 8)], dt.date(2026, 12, 6))
    >>> [str(x.date) for x in h]
    ['2026-06-07', '2026-08-02', '2026-09-27', '2026-11-22']
    >>> [a.state for x in h for a in x.agreements]
    ['confirmed', 'confirmed', 'confirmed', 'confirmed', 'open', 'confirmed', 'open', 'open']
    """
    out: list[PlannedDialogue] = []
    turn = 0
    for position, (agb, weeks) in enumerate(sorted(providers)):
        last = last_dialogue(position, weeks, today)
        days = [last - dt.timedelta(weeks=weeks * k) for k in range(dialogues - 1, -1, -1)]
        for number, day in enumerate(days):
            made = []
            for j in range(2):
                owner, text = AGREEMENTS[turn % len(AGREEMENTS)]
                turn += 1
                due = day + dt.timedelta(days=AGREEMENT_DAYS)
                made.append(PlannedAgreement(owner, text, due, _state(number, len(days), j, owner, due, today)))
            out.append(PlannedDialogue(agb, day, NOTE, tuple(made)))
    return out


def _state(number: int, count: int, j: int, owner: str, due: dt.date, today: dt.date) -> str:
    """The state of the ``j``-th agreement of dialogue ``number`` of ``count`` (see :func:`history`)."""
    if number < count - 2 or (number == count - 2 and j == 1):
        return "confirmed"
    if number == count - 2:
        return "open"
    if j == 0 and owner == "provider" and due < today:
        return "done"
    return "open"
