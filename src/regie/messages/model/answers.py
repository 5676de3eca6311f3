"""The answer messages: 302/306/308/316/318/320 (:class:`Answer`, retour codes per record)
and 325 (:class:`DeclarationAnswer`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeAlias

from regie.messages.model.parts import Amount, Header, XsdVersions
from regie.messages.model.requests import (
    AllocationClient,
    ChangeRequestClient,
    Performance,
    RequestAnswer,
    RequestClient,
    StartClient,
    StopClient,
)

# --- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReturnInfo:
    """The part an answer message (302/306/308/316/318) adds to the original header."""

    identification: str  # IdentificatieRetour
    dagtekening: dt.date  # DagtekeningRetour
    xsd: XsdVersions = XsdVersions()  # XsdVersieRetour
    xslt_version: str | None = None  # XsltVersie
    codes: tuple[str, ...] = ()  # Header/RetourCodes (absent when empty)


AnswerClient: TypeAlias = AllocationClient | StartClient | StopClient | RequestClient | ChangeRequestClient
#: What an answer message echoes: the client of a 302-318, or the Antwoord of a 320.
AnswerBody: TypeAlias = AnswerClient | RequestAnswer


@dataclass(frozen=True, slots=True)
class Answer:
    """302/306/308/316/318/320: the answer to a 301/305/307/315/317/319.

    ``header`` is the original message's header with ``message`` set to the answer's number
    (the original sender, receiver, identification and dagtekening stay). ``client`` is the
    echoed client (for a 320: the echoed Antwoord, a :class:`RequestAnswer`), or ``None`` when
    the whole message was rejected. ``record_codes`` gives the retour codes of each echoed
    record (Client, Relatie, Contact, ToegewezenProduct, StartProduct, Antwoord, ...) by its
    path in the message, e.g. ``/Bericht/Client`` or
    ``/Bericht/Client/StartProducten/StartProduct[2]`` (an index only when the record repeats).
    """

    header: Header
    retour: ReturnInfo
    client: AnswerBody | None = None
    record_codes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        # one canonical order, so equal answers compare equal however they were built
        object.__setattr__(self, "record_codes", tuple(sorted((p, tuple(c)) for p, c in self.record_codes)))

    def codes_at(self, path: str) -> tuple[str, ...]:
        """The retour codes of the record at ``path`` (empty when there are none)."""
        for record_path, codes in self.record_codes:
            if record_path == path:
                return codes
        return ()


@dataclass(frozen=True, slots=True)
class AnsweredPerformance:
    """A prestatie in a 325 with its retour codes."""

    performance: Performance
    codes: tuple[str, ...]  # RetourCodes

    @property
    def accepted(self) -> bool:
        """True when none of the codes rejects the prestatie."""
        return all(code in ("0200", "8001") for code in self.codes)


@dataclass(frozen=True, slots=True)
class AnsweredClient:
    """A client in a 325 with its prestaties and retour codes."""

    bsn: str  # Bsn
    performances: tuple[AnsweredPerformance, ...]  # Prestaties/Prestatie
    codes: tuple[str, ...]  # RetourCodes


@dataclass(frozen=True, slots=True)
class DeclarationAnswerBody:
    """DeclaratieAntwoord of a 325."""

    number: str  # DeclaratieNummer
    total_submitted: Amount  # TotaalIngediendBedrag
    total_granted: Amount  # TotaalToegekendBedrag
    codes: tuple[str, ...]  # RetourCodes
    clients: tuple[AnsweredClient, ...] = ()  # Clienten/Client


@dataclass(frozen=True, slots=True)
class DeclarationAnswer:
    """325: answer to a declaration, municipality -> provider.

    Unlike the other answers its header is its own (sender = municipality); the declaration it
    answers is named by ``declaration_identification`` and ``declaration_dagtekening``.
    """

    header: Header
    declaration_identification: str  # DeclaratieIdentificatie/Identificatie
    declaration_dagtekening: dt.date  # DeclaratieIdentificatie/Dagtekening
    codes: tuple[str, ...]  # Header/RetourCodes
    xsd_declaration: XsdVersions = XsdVersions()  # XsdVersieDeclaratie
    xslt_version: str | None = None  # XsltVersie
    body: DeclarationAnswerBody | None = None  # DeclaratieAntwoord
