"""Reading a message safely: :func:`read`.

Order of work: size bound, no DOCTYPE or entity declarations, parse with a hardened lxml
parser (no entity expansion, no DTD, no network, no huge trees), name the message from its
namespace, validate against our XSD, map onto the model, apply the rules inside the message
(:mod:`regie.messages.rules`), and finally replace every BSN by its pseudonym when asked.
A message that cannot be parsed or breaks the schema is returned as ``None`` with its faults;
a schema-valid message is returned even when rules fail, with faults naming the records.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

from lxml import etree

from regie.messages import rules
from regie.messages.faults import Fault, scrub
from regie.messages.model import (
    Answer,
    Declaration,
    DeclarationAnswer,
    DeclarationAnswerBody,
    Message,
    RequestAnswer,
    RequestReply,
)
from regie.messages.reader import identify, to_model
from regie.messages.schemas import schema, schema_faults

_Element: TypeAlias = etree._Element

_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")

#: Default bound on the size of one message file.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


_parsers = threading.local()


def _parser() -> etree.XMLParser:
    """The hardened parser, one per thread (made once: a parser costs half a small message's
    parse to set up). Comments and processing instructions are dropped while parsing: they
    carry nothing of the message, and the model reads some elements by position."""
    parser: etree.XMLParser | None = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = hardened_parser()
    return parser


def hardened_parser() -> etree.XMLParser:
    """A new parser that expands no entities, loads no DTD, reads nothing from the network,
    refuses huge trees and drops comments, processing instructions and CDATA markers."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
        collect_ids=False,
    )


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What :func:`read` found: the message (None when unreadable or schema-invalid) and faults."""

    message: Message | None
    faults: tuple[Fault, ...]
    source: str = ""
    name: str | None = None  # e.g. "JW301", when the namespace names a message

    @property
    def valid(self) -> bool:
        """True when the message was read and no fault was found."""
        return self.message is not None and not self.faults

    def record_faults(self, record: str) -> tuple[Fault, ...]:
        """The faults that belong to one record."""
        return tuple(f for f in self.faults if f.record == record)

    @property
    def message_faults(self) -> tuple[Fault, ...]:
        """The faults that concern the whole message (no record)."""
        return tuple(f for f in self.faults if f.record is None)


def _fail(path: str, code: str, reason: str, source: str, name: str | None = None) -> ReadResult:
    return ReadResult(None, (Fault(path, code, reason),), source, name)


def _has_doctype(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf")
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def _bsns(root: _Element) -> list[str]:
    return [node.text or "" for node in root.iter() if isinstance(node.tag, str) and node.tag.endswith("}Bsn")]


def read(
    data: bytes,
    *,
    source: str = "",
    pseudonymise: Callable[[str], str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReadResult:
    """Read, validate and check one iJw / iWmo 3.2 message.

    ``source`` names the file in the result; ``pseudonymise`` (e.g.
    ``functools.partial(regie.messages.bsn.pseudonym, key=...)``) replaces every BSN in the
    returned model. Faults never contain a BSN.
    """
    if len(data) > max_bytes:
        return _fail("/", "RG01", f"Het bestand is {len(data)} bytes; de grens is {max_bytes} bytes.", source)
    if _has_doctype(data):
        return _fail(
            "/", "RG02", "Het bestand bevat een DOCTYPE of entiteitdeclaratie; dat is niet toegestaan.", source
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        detail = _NINE_DIGITS.sub("*********", str(exc.msg))  # never echo a BSN-like number
        return _fail("/", "RG03", f"Geen goedgevormde XML (regel {line}): {detail}.", source)
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        return _fail(
            "/", "RG02", "Het bestand bevat een DOCTYPE of entiteitdeclaratie; dat is niet toegestaan.", source
        )
    namespace = etree.QName(root).namespace
    identified = identify(namespace)
    if identified is None or etree.QName(root).localname != "Bericht":
        found = f"{{{namespace}}}" if namespace else "geen naamruimte"
        reason = (
            f"Het rootelement {etree.QName(root).localname} met naamruimte {found} is geen iJw- of iWmo-3.2-bericht; "
            "verwacht werd Bericht in http://www.istandaarden.nl/{ijw|iwmo}/3_2/{jw|wmo}NNN/schema."
        )
        return _fail("/" + etree.QName(root).localname, "RG04", reason, source)
    law, number = identified
    name = f"{'JW' if law == 'jw' else 'WMO'}{number}"
    validator = schema(law, number)
    if not validator.validate(root):
        faults = schema_faults(root, validator.error_log)
        return ReadResult(None, tuple(_scrubbed(faults, _bsns(root))), source, name)
    message = to_model(root, law, number)
    faults = rules.check(message)
    if faults:
        faults = list(_scrubbed(faults, _bsns(root)))
    if pseudonymise is not None:
        message = pseudonymised(message, pseudonymise)
    return ReadResult(message, tuple(faults), source, name)


def _scrubbed(faults: Iterable[Fault], bsns: list[str]) -> Iterable[Fault]:
    for fault in faults:
        yield Fault(scrub(fault.path, bsns), fault.code, scrub(fault.reason, bsns), fault.record)


def pseudonymised(message: Message, pseudonymise: Callable[[str], str]) -> Message:
    """``message`` with every BSN replaced by ``pseudonymise(bsn)``."""
    if isinstance(message, Declaration):
        clients = tuple(dataclasses.replace(c, bsn=pseudonymise(c.bsn)) for c in message.clients)
        return dataclasses.replace(message, clients=clients)
    if isinstance(message, DeclarationAnswer):
        body = message.body
        if body is None:
            return message
        answered = tuple(dataclasses.replace(c, bsn=pseudonymise(c.bsn)) for c in body.clients)
        new_body: DeclarationAnswerBody = dataclasses.replace(body, clients=answered)
        return dataclasses.replace(message, body=new_body)
    if isinstance(message, RequestReply):
        return message  # a 319 names no client
    if isinstance(message, Answer) and (message.client is None or isinstance(message.client, RequestAnswer)):
        return message  # nothing echoed, or a 320's Antwoord (no client)
    client: Any = message.client
    return dataclasses.replace(message, client=dataclasses.replace(client, bsn=pseudonymise(client.bsn)))
