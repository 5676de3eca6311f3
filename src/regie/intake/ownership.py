"""Whether a file a provider delivers is its own: the check before an upload is ingested.

A municipality may deliver any file. A provider (one AGB code) may deliver only:

- **messages it sent**: an iJw / iWmo message whose header's ``Afzender`` is its AGB code
  (a 305, 307, 315, 317 or 323; an allocation 301 is the municipality's and is refused);
- **CSV files of its own figures**: the kinds a provider reports (:data:`PROVIDER_CSV_KINDS`:
  episodes and declarations of task-based care, participation trajectories) in which every
  row names its AGB code as ``provider``.

Anything else is refused whole, before it is read into the database, as a rejection in the
JSON shape of ``regie ingest`` with code ``RG06`` and the reason (a file that cannot be
parsed far enough to know its sender is refused with the reader's own fault: RG01-RG05).
A message that names the provider as sender but breaks the standard passes this check: the
ingest then rejects it with the standard's retour codes, like any other.

The XML is parsed with the same hardened parser as :func:`regie.messages.read` (no DTD, no
entity expansion, no network, bounded size); nothing is pseudonymised here because nothing
of the content is kept or shown.
"""

from __future__ import annotations

import csv
import io

from lxml import etree

from regie.intake.csvfiles import detect_kind
from regie.messages import read
from regie.messages.reader import identify
from regie.messages.reading import DEFAULT_MAX_BYTES, hardened_parser

#: The CSV kinds (docs/csv-formats.md) a provider delivers of its own figures.
PROVIDER_CSV_KINDS = ("episodes", "declarations", "trajectories")
#: The code of a file refused because it is not the provider's (regie.messages.codes.OWN_CODES).
NOT_OWN = "RG06"


def refusal(file: str, message: str, code: str, reason: str) -> dict[str, str]:
    """A refused file as a rejection of ``regie ingest --json``."""
    return {"file": file, "message": message, "record": "", "code": code, "reason": reason}


def provider_refusal(name: str, raw: bytes, agb: str) -> dict[str, str] | None:
    """Why the provider ``agb`` may not deliver the file ``name`` (its bytes ``raw``), as a
    rejection; None when it may. ``name`` ends in ``.xml`` or ``.csv``."""
    if name.lower().endswith(".csv"):
        return _csv_refusal(name, raw, agb)
    return _xml_refusal(name, raw, agb)


def _xml_refusal(name: str, raw: bytes, agb: str) -> dict[str, str] | None:
    sender, message = _sender(raw)
    if sender is None:  # not parsed far enough: say why, as the reader does
        result = read(raw, source=name)
        faults = result.faults or ()
        code, reason = (faults[0].code, faults[0].reason) if faults else ("RG05", "het bericht kan niet worden gelezen")
        return refusal(name, result.name or message, code, f"niet ingelezen: {reason}")
    if sender != agb:
        return refusal(
            name,
            message,
            NOT_OWN,
            f"de afzender van dit bericht is {sender or '(leeg)'}, niet uw aanbieder {agb}: "
            "een aanbieder levert alleen berichten aan die hij zelf verstuurde",
        )
    return None


def _sender(raw: bytes) -> tuple[str | None, str]:
    """The ``Afzender`` of the message's header (None when it cannot be found) and the
    message's name (``"JW305"``, or ``"onbekend"``)."""
    head = raw.lstrip(b"\xef\xbb\xbf")
    if len(raw) > DEFAULT_MAX_BYTES or b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        return None, "onbekend"
    try:
        root = etree.fromstring(raw, hardened_parser())
    except etree.XMLSyntaxError:
        return None, "onbekend"
    identified = identify(etree.QName(root).namespace or "")
    if identified is None or etree.QName(root).localname != "Bericht":
        return None, "onbekend"
    law, number = identified
    sender = root.findtext("{*}Header/{*}Afzender")
    return (sender.strip() if sender is not None else None), f"{'JW' if law == 'jw' else 'WMO'}{number}"


def _csv_refusal(name: str, raw: bytes, agb: str) -> dict[str, str] | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return refusal(name, "onbekend", "CSV00", "niet ingelezen: het bestand is geen UTF-8-tekst")
    rows = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(rows, [])]
    kind = detect_kind(header)
    if kind not in PROVIDER_CSV_KINDS:
        what = f"'{kind}'" if kind else "van onbekend formaat"
        return refusal(
            name,
            f"CSV-{kind}" if kind else "onbekend",
            NOT_OWN,
            f"dit CSV-bestand is {what}: een aanbieder levert alleen eigen cijfers aan "
            "(episodes, declaraties, trajecten)",  # as the upload page says it
        )
    column = header.index("provider")
    for number, row in enumerate(rows, start=2):
        value = row[column].strip() if column < len(row) else ""
        if value != agb and any(cell.strip() for cell in row):
            return refusal(
                name,
                f"CSV-{kind}",
                NOT_OWN,
                f"rij {number}: aanbieder '{value}' is niet uw aanbieder {agb}; "
                "een aanbieder levert alleen cijfers van zichzelf aan",
            )
    return None
