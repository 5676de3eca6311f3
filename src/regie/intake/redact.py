"""Raw files as archived: every BSN replaced by its pseudonym.

The archive keeps each received file (compressed, with the hash of the original bytes) so a
person can see what arrived; a BSN is personal data and is never stored in clear, so it is
replaced by its pseudonym first. Anything that looks like a ``Bsn`` element or a ``bsn``
column is redacted, valid or not.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

_BSN_ELEMENT = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?Bsn(?:\s[^>]*)?>)([^<]*)(</(?:[A-Za-z_][\w.-]*:)?Bsn\s*>)")


def redact_xml(raw: bytes, pseudonymise: Callable[[str], str]) -> bytes:
    """``raw`` with the text of every ``Bsn`` element replaced by its pseudonym.

    >>> redact_xml(b"<a><ns:Bsn>999900006</ns:Bsn></a>", lambda b: "P" + b[-2:])
    b'<a><ns:Bsn>P06</ns:Bsn></a>'
    """

    def replace(match: re.Match[bytes]) -> bytes:
        value = match.group(2).decode("utf-8", "replace").strip()
        return match.group(1) + pseudonymise(value).encode("ascii") + match.group(3)

    return _BSN_ELEMENT.sub(replace, raw)


def redact_csv(raw: bytes, pseudonymise: Callable[[str], str]) -> bytes:
    """``raw`` with every value of a ``bsn`` column replaced by its pseudonym.

    A file that cannot be read as CSV text is archived as a notice instead: it may hold
    BSNs where they cannot be found.

    >>> redact_csv(b"bsn,x\\r\\n999900006,1\\r\\n", lambda b: "P")
    b'bsn,x\\r\\nP,1\\r\\n'
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return b"(not archived: the file is not UTF-8 text)"
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return raw
    header = [h.strip() for h in rows[0]]
    columns = [i for i, name in enumerate(header) if name.lower() == "bsn"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([pseudonymise(v.strip()) if i in columns and v.strip() else v for i, v in enumerate(row)])
    return out.getvalue().encode("utf-8")


def redact(file_name: str, raw: bytes, pseudonymise: Callable[[str], str]) -> bytes:
    """The archived form of a received file (CSV by its name, XML otherwise)."""
    if file_name.lower().endswith(".csv"):
        return redact_csv(raw, pseudonymise)
    return redact_xml(raw, pseudonymise)
