"""Faults found in a message: where, which code, why in plain Dutch, and which record.

A fault's ``path`` is XPath-like with local names, an index only where an element repeats
(``/Bericht/Client/StartProducten/StartProduct[2]/Begindatum``), as the standard's own
validation reports it. ``code`` is the standard's retour code where one exists (``0001`` for a
technical fault: schema, condition, constraint, technical rule inside the message; ``9xxx``
for the rules with their own code) or one of Regie's own codes (:data:`codes.OWN_CODES`).
``record`` names the record the fault belongs to, so a consumer can reject that record and
keep the others: the ToewijzingNummer of a ToegewezenProduct, the ReferentieNummer of a
Prestatie, the ReferentieAanbieder of an AangevraagdProduct, Verzoek or Antwoord (319), and for a start or
stop product its ToewijzingNummer or else its place (``StartProduct[2]``). A fault without a
record concerns the whole message.

A fault never contains a BSN: reasons are written without element values where a value
could be a BSN, and :func:`scrub` removes any BSN of the message from a text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault in a message."""

    path: str
    code: str
    reason: str
    record: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """The fault as the ``regie check`` JSON shows it (``record`` only when set)."""
        result: dict[str, str | None] = {"path": self.path, "code": self.code, "reason": self.reason}
        if self.record is not None:
            result["record"] = self.record
        return result


def step(name: str, index: int, count: int) -> str:
    """A path step: ``name[i]`` (1-based) when the element repeats, else ``name``.

    >>> step("Prestatie", 0, 1), step("Prestatie", 1, 3)
    ('Prestatie', 'Prestatie[2]')
    """
    return f"{name}[{index + 1}]" if count > 1 else name


def record_ref(allocation_number: str | None, index: int, count: int, element: str) -> str:
    """How a start or stop product is named: its ToewijzingNummer, else its place in the message.

    >>> record_ref("300201", 0, 2, "StartProduct"), record_ref(None, 1, 2, "StopProduct")
    ('300201', 'StopProduct[2]')
    """
    if allocation_number:
        return allocation_number
    return step(element, index, count)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every non-empty secret (e.g. the BSNs of a message) replaced by asterisks.

    >>> scrub("waarde '999900006' onjuist", ["999900006"])
    "waarde '*********' onjuist"
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "*" * len(secret))
    return text
