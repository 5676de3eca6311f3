"""The CSV of the clients an opportunity dossier reached, as its providers report them
(issue 15; docs/csv-formats.md): columns ``provider, bsn, start`` and optionally ``end,
end_reason`` (``voorliggend veld`` / ``voorliggend_veld``, ``afschaling``, ``overig``).

The same door as every CSV (:mod:`regie.intake.csvfiles`): the BSN is checked with the
eleven-test and pseudonymised the moment it is read, a faulty row is rejected on its own with
its row number and rule (CSV01..CSV08), and the file's other rows count. A row of a provider
that is not one of ``providers`` (the dossier's cooperating providers, or the uploading
provider alone) is rejected with CSV08.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection

from regie.engine.dossiers import END_REASONS, DossierClient
from regie.intake.csvfiles import RowError, _Row
from regie.intake.records import Fault

REQUIRED = ("provider", "bsn", "start")
OPTIONAL = ("end", "end_reason")
_AGB = re.compile(r"^\d{8}$")


def _end_reason(text: str | None) -> str | None:
    """The end reason's code (its own check: the episodes' ``end_reason`` is a 2-digit code)."""
    text = (text or "").strip()
    if not text:
        return None
    code = text.lower().replace(" ", "_")
    if code not in END_REASONS:
        raise RowError("CSV04", f"kolom 'end_reason' is een van: {', '.join(END_REASONS)}")
    return code


def read_dossier_clients(
    raw: bytes, providers: Collection[str], pseudonymise: Callable[[str], str]
) -> tuple[list[DossierClient], list[Fault]]:
    """The clients of one CSV file and the faults of its rejected rows (or of the file)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Fault("CSV00", "het bestand is geen UTF-8-tekst")]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not set(REQUIRED) <= set(header) <= set(REQUIRED + OPTIONAL):
        return [], [
            Fault("CSV00", f"de kop moet de kolommen {', '.join(REQUIRED)} hebben (en eventueel end, end_reason)")
        ]
    reader.fieldnames = header
    clients: list[DossierClient] = []
    faults: list[Fault] = []
    for number, row in enumerate(reader, start=2):
        ref = f"rij {number}"
        try:
            reason = _end_reason(row.pop("end_reason", None))
            r = _Row(row, pseudonymise)
            provider = r.code("provider", _AGB, "AGB-code") or ""
            if provider not in providers:
                raise RowError(
                    "CSV08", f"aanbieder '{provider}' werkt niet mee aan dit kansendossier (of is niet de uwe)"
                )
            start, end = r.span("start", "end", "einddatum ligt voor de begindatum")
            if reason is not None and end is None:
                raise RowError("CSV01", "kolom 'end' is leeg terwijl er een reden van beëindiging is")
            clients.append(DossierClient(r.client(), provider, start, end, reason))
        except RowError as exc:
            faults.append(Fault(exc.code, str(exc), record=ref))
    return clients, faults
