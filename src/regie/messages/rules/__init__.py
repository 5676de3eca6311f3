"""The rules inside one message: conditions (CD), constraints (CS) and technical rules (TR)
that the standard checks on a message on its own ("bericht inhoud").

:func:`check` runs every rule that applies to a (schema-valid) message and returns its
faults. Each rule is one small function whose docstring states it as the standard does; the
code is ``0001`` unless the standard gives the rule its own retour code (TR319 -> 9319,
TR346 -> 9346). Rules that need other messages (an allocation for a declaration, earlier
starts, uniqueness over time) are in :mod:`regie.messages.crossrules`.

Not implemented here (they need data outside the message): TR302/TR361/TR386/TR410 overlap
of products is implemented for 301 only (TR302); TR380 is not applied (its element is not
named in the published rule table).

:mod:`~regie.messages.rules.definitions` holds the standard's definitions the rules are stated
in, :mod:`~regie.messages.rules.common` the fault collector and the checks of shared parts,
:mod:`~regie.messages.rules.requests` the rules of 301-320, and
:mod:`~regie.messages.rules.declarations` those of 323 and 325.
"""

from __future__ import annotations

from collections.abc import Callable

from regie.messages.faults import Fault
from regie.messages.model import (
    Allocation,
    AllocationRequest,
    Answer,
    CareStart,
    CareStop,
    ChangeRequest,
    Declaration,
    DeclarationAnswer,
    Message,
    RequestReply,
)
from regie.messages.rules import declarations, requests
from regie.messages.rules.common import Faults
from regie.messages.rules.definitions import (
    amount_matches,
    amount_tolerance,
    birth_date_consistent,
    declared_total,
    in_one_month,
    is_calendar_month,
)

__all__ = [
    "amount_matches",
    "amount_tolerance",
    "birth_date_consistent",
    "check",
    "declared_total",
    "in_one_month",
    "is_calendar_month",
]


_RULES: dict[type, Callable[[Faults, object], None]] = {
    Allocation: requests.allocation,  # type: ignore[dict-item]
    CareStart: requests.care_start,  # type: ignore[dict-item]
    CareStop: requests.care_stop,  # type: ignore[dict-item]
    AllocationRequest: requests.allocation_request,  # type: ignore[dict-item]
    ChangeRequest: requests.change_request,  # type: ignore[dict-item]
    RequestReply: requests.request_reply,  # type: ignore[dict-item]
    Declaration: declarations.declaration,  # type: ignore[dict-item]
    DeclarationAnswer: declarations.declaration_answer,  # type: ignore[dict-item]
    Answer: requests.answer,  # type: ignore[dict-item]
}


def check(message: Message) -> list[Fault]:
    """Every fault against the rules inside ``message`` (empty when it keeps them all)."""
    out = Faults(message.header)
    _RULES[type(message)](out, message)
    return out.items
