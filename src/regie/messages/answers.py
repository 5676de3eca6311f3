"""Answer messages: :func:`answer_for` builds the 302/306/308/316/318/320/325 for a received message.

Retour codes per record follow from the faults found for it (by :func:`regie.messages.read`
and :mod:`regie.messages.crossrules`): a record without faults gets 0200, a record with
faults gets their codes (each once, in the order found). A fault belongs to the deepest
record whose path is a prefix of the fault's path, or to the record it names.

For a declaration (323 -> 325) the standard echoes only the rejected prestaties (TR342):
TotaalToegekendBedrag is the signed sum of the accepted ones; when the declaration as a
whole is rejected (a fault outside any client) no prestatie is judged, nothing is granted and
DeclaratieAntwoord carries the codes. A declaration with no fault at all gets 8001 (fully
granted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from regie.messages.codes import ACCEPTED, ANSWER_MESSAGES, FULLY_GRANTED
from regie.messages.faults import Fault, step
from regie.messages.model import (
    Amount,
    Answer,
    AnsweredClient,
    AnsweredPerformance,
    Declaration,
    DeclarationAnswer,
    DeclarationAnswerBody,
    Header,
    Message,
    RequestReply,
    ReturnInfo,
    XsdVersions,
)
from regie.messages.writer import record_paths


def _codes(faults: Iterable[Fault]) -> tuple[str, ...]:
    seen: list[str] = []
    for fault in faults:
        if fault.code not in seen:
            seen.append(fault.code)
    return tuple(seen)


def _owner(fault: Fault, paths: Sequence[str]) -> str | None:
    """The deepest record path that contains the fault's path."""
    best: str | None = None
    for path in paths:
        if (fault.path == path or fault.path.startswith(path + "/")) and (best is None or len(path) > len(best)):
            best = path
    return best


def answer_for(
    message: Message,
    faults: Iterable[Fault],
    *,
    identification: str,
    dagtekening: dt.date,
    xsd: XsdVersions | None = None,
    xslt_version: str | None = None,
) -> Answer | DeclarationAnswer:
    """The answer to a received request ``message`` given the ``faults`` found in it.

    ``identification`` and ``dagtekening`` are those of the answer itself (IdentificatieRetour
    and DagtekeningRetour, or the 325's own BerichtIdentificatie).
    """
    versions = xsd or XsdVersions()
    fault_list = list(faults)
    if isinstance(message, Declaration):
        return _declaration_answer(message, fault_list, identification, dagtekening, versions, xslt_version)
    if isinstance(message, (Answer, DeclarationAnswer)):
        raise ValueError(f"{message.header.name} is zelf een antwoordbericht")
    original = message.header
    header = Header(
        original.law,
        ANSWER_MESSAGES[original.message],
        original.sender,
        original.receiver,
        original.identification,
        original.dagtekening,
        original.xsd,
    )
    body = message.answer if isinstance(message, RequestReply) else message.client
    bare = Answer(header, ReturnInfo(identification, dagtekening, versions, xslt_version), body)
    paths = record_paths(bare)
    by_record: dict[str, list[Fault]] = {path: [] for path in paths}
    header_faults: list[Fault] = []
    for fault in fault_list:
        owner = _owner(fault, paths)
        if owner is None:
            header_faults.append(fault)
        else:
            by_record[owner].append(fault)
    record_codes = tuple((path, _codes(found) or (ACCEPTED,)) for path, found in by_record.items())
    retour = ReturnInfo(identification, dagtekening, versions, xslt_version, _codes(header_faults) or (ACCEPTED,))
    return Answer(header, retour, body, record_codes)


def _declaration_answer(
    message: Declaration,
    faults: list[Fault],
    identification: str,
    dagtekening: dt.date,
    versions: XsdVersions,
    xslt_version: str | None,
) -> DeclarationAnswer:
    original = message.header
    header = Header(original.law, "325", original.receiver, original.sender, identification, dagtekening, versions)
    header_faults = [f for f in faults if f.path.startswith("/Bericht/Header")]
    body_faults = [f for f in faults if f not in header_faults]
    base = "/Bericht/Declaratie/Clienten"
    client_paths = [f"{base}/{step('Client', i, len(message.clients))}" for i in range(len(message.clients))]
    declaration_faults = [f for f in body_faults if f.record is None and _owner(f, client_paths) is None]
    if header_faults or declaration_faults:
        body = DeclarationAnswerBody(
            number=message.number,
            total_submitted=message.total,
            total_granted=Amount(0),
            codes=_codes(header_faults + declaration_faults),
        )
        return DeclarationAnswer(
            header=header,
            declaration_identification=original.identification,
            declaration_dagtekening=original.dagtekening,
            codes=_codes(header_faults) or (ACCEPTED,),
            xsd_declaration=original.xsd,
            xslt_version=xslt_version,
            body=body,
        )
    answered_clients: list[AnsweredClient] = []
    granted = 0
    for ci, client in enumerate(message.clients):
        client_path = client_paths[ci]
        prestatie_paths = [
            f"{client_path}/Prestaties/{step('Prestatie', pi, len(client.performances))}"
            for pi in range(len(client.performances))
        ]
        client_level = [
            f for f in body_faults if f.record is None and _owner(f, [client_path]) and not _owner(f, prestatie_paths)
        ]
        rejected: list[AnsweredPerformance] = []
        for pi, performance in enumerate(client.performances):
            own = [
                f
                for f in body_faults
                if f.record == performance.reference or (f.record is None and _owner(f, [prestatie_paths[pi]]))
            ]
            codes = _codes(client_level + own)
            if codes:
                rejected.append(AnsweredPerformance(performance, codes))
            else:
                granted += performance.amount.signed
        if rejected:
            answered_clients.append(AnsweredClient(client.bsn, tuple(rejected), (ACCEPTED,)))
    body = DeclarationAnswerBody(
        number=message.number,
        total_submitted=message.total,
        total_granted=Amount.of(granted),
        codes=(ACCEPTED,) if answered_clients else (FULLY_GRANTED,),
        clients=tuple(answered_clients),
    )
    return DeclarationAnswer(
        header=header,
        declaration_identification=original.identification,
        declaration_dagtekening=original.dagtekening,
        codes=(ACCEPTED,),
        xsd_declaration=original.xsd,
        xslt_version=xslt_version,
        body=body,
    )
