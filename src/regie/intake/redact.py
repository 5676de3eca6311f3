"""Raw files as archived: every BSN replaced by its pseudonym, nothing else that could hide one.

The archive keeps each received file (compressed, with the hash of the original bytes) so a
person can see what arrived; a BSN is personal data and is never stored in clear. Redaction
therefore works on what the file *means*, not on its bytes:

- **XML** is parsed (safely: no DTD, no entities, no network) whatever its encoding, and the
  text of every element of the standard's BSN type (``LDT_BurgerServicenummer``: ``Bsn``)
  is replaced by its pseudonym, CDATA or not. Comments, processing instructions, the DOCTYPE
  and unexpanded entity references are dropped: they are not part of a message and could
  carry anything. The archive is the redacted tree written as UTF-8. A file that is not
  well-formed XML cannot be redacted with certainty and is archived as a notice instead.
- **CSV** (UTF-8) is rewritten row by row: the ``bsn`` column's values are pseudonymised,
  any other field that is a valid BSN (nine digits passing the eleven-test) too, and fields
  beyond the header (a row with more fields than the header has names, which is rejected at
  the door) are dropped. A file that is not UTF-8 text is archived as a notice.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from regie.messages.bsn import is_valid_bsn
from regie.messages.reading import hardened_parser

#: The simple type of the standard's BSN elements.
BSN_TYPE = "LDT_BurgerServicenummer"
#: What is left out of the archive of a file that cannot be redacted with certainty.
UNREADABLE_XML = (
    b"(niet gearchiveerd: het bestand is geen goedgevormde XML, dus BSN's zijn er niet met zekerheid uit te halen)"
)
NOT_UTF8_CSV = (
    b"(niet gearchiveerd: het bestand is geen UTF-8-tekst, dus BSN's zijn er niet met zekerheid uit te halen)"
)
DROPPED = "(verwijderd: veld buiten de kop)"

_XSD = Path(__file__).resolve().parent.parent / "messages" / "xsd"
_XS = "{http://www.w3.org/2001/XMLSchema}"


@functools.cache
def bsn_elements() -> frozenset[str]:
    """The local names of every element of the BSN type in our XSDs of the standard.

    >>> sorted(bsn_elements())
    ['Bsn']
    """
    names = set()
    for xsd in _XSD.rglob("*.xsd"):
        for element in etree.parse(str(xsd)).iter(f"{_XS}element"):
            if element.get("type", "").rpartition(":")[2] == BSN_TYPE and element.get("name"):
                names.add(element.get("name"))
    return frozenset(names)


def redact_xml(raw: bytes, pseudonymise: Callable[[str], str]) -> bytes:
    """The parsed ``raw`` with every BSN element's text replaced by its pseudonym, without
    comments, processing instructions, DOCTYPE or entity references, as UTF-8.

    >>> redact_xml(b"<a><!-- 999900006 --><ns:Bsn xmlns:ns='x'><![CDATA[999900006]]></ns:Bsn></a>",
    ...            lambda b: "P" + b[-2:]).decode().splitlines()[1]
    '<a><ns:Bsn xmlns:ns="x">P06</ns:Bsn></a>'
    """
    try:
        root = etree.fromstring(raw, hardened_parser())
    except (etree.XMLSyntaxError, ValueError):
        return UNREADABLE_XML
    return redact_tree(root, pseudonymise)


def redact_tree(root: etree._Element, pseudonymise: Callable[[str], str]) -> bytes:
    """The archived form of a parsed message (changing ``root``): every element of the BSN
    type holds the pseudonym of its text; comments, processing instructions and entity
    references are dropped; written as UTF-8 without DOCTYPE. For a reader that has the tree
    already (it saves parsing the file twice).

    The BSN elements first (a comment inside one goes with its children), then what is not
    an element; lxml finds both (by local name in any namespace, and by node type) without a
    Python step per node.
    """
    for node in list(root.iter(*_bsn_tags())):
        value = "".join(node.itertext()).strip()
        for child in list(node):
            node.remove(child)
        node.text = pseudonymise(value) if value else ""
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity)):
        parent = node.getparent()
        if parent is not None:
            _drop_keeping_tail(parent, node)
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))


@functools.cache
def _bsn_tags() -> tuple[str, ...]:
    """The BSN elements as lxml tag patterns: their local name in any namespace (or none)."""
    return tuple(f"{{*}}{name}" for name in sorted(bsn_elements()))


def _drop_keeping_tail(parent: etree._Element, node: etree._Element) -> None:
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def redact_csv(raw: bytes, pseudonymise: Callable[[str], str]) -> bytes:
    """``raw`` with every value of a ``bsn`` column, and any other field that is a valid BSN,
    replaced by its pseudonym, and the fields beyond the header dropped.

    >>> redact_csv(b"bsn,x\\r\\n999900006,1,999900006\\r\\n", lambda b: "P")
    b'bsn,x\\r\\nP,1,(verwijderd: veld buiten de kop)\\r\\n'
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return NOT_UTF8_CSV
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return b""
    header = rows[0]
    columns = {i for i, name in enumerate(header) if name.strip().lower() == "bsn"}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([pseudonymise(h.strip()) if is_valid_bsn(h.strip()) else h for h in header])
    for row in rows[1:]:
        kept = [
            pseudonymise(v.strip()) if v.strip() and (i in columns or is_valid_bsn(v.strip())) else v
            for i, v in enumerate(row[: len(header)])
        ]
        writer.writerow(kept + ([DROPPED] if len(row) > len(header) else []))
    return out.getvalue().encode("utf-8")


def redact(file_name: str, raw: bytes, pseudonymise: Callable[[str], str]) -> bytes:
    """The archived form of a received file (CSV by its name, XML otherwise)."""
    if file_name.lower().endswith(".csv"):
        return redact_csv(raw, pseudonymise)
    return redact_xml(raw, pseudonymise)
