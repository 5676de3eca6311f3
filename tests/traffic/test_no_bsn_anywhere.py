"""Issue 12, failure 2: a BSN is never stored, logged, shown or exported in clear, whatever form
it arrives in (CDATA, UTF-16, an XML comment, a processing instruction, a CSV field beyond the
header).

A small region gets such files beside its own; after the ingest and the refresh, the test
scans every column of every table (the archive decompressed), the log records and the
command's output, the message pages, the API's JSON and every export (council and
scorecard PDF and Excel, the GMSD CSV and Excel) for any of the region's BSNs.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from openpyxl import load_workbook
from pypdf import PdfReader

from regie.cli import main
from regie.intake.redact import UNREADABLE_XML
from regie.site.demo import create_demo_users
from regie.traffic import models as m
from tests.accounts.factories import client_for
from tests.catalog.factories import load_file

NINE = re.compile(r"(?<!\d)\d{9}(?!\d)")
BSN_ELEMENT = re.compile(r"<(?:\w+:)?Bsn>(\d{9})</")


def region_bsns(folder: Path) -> set[str]:
    """Every BSN in the region's message files and CSV files."""
    found: set[str] = set()
    for path in (folder / "messages").rglob("*.xml"):
        found |= set(BSN_ELEMENT.findall(path.read_text(encoding="utf-8")))
    for path in (folder / "csv").rglob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        column = lines[0].split(",").index("bsn")
        found |= {line.split(",")[column] for line in lines[1:]}
    return found


def _renamed(text: str, ident: str) -> str:
    """A message text with another BerichtIdentificatie (so it is a new message)."""
    return re.sub(r"(<ijw:Identificatie>)[^<]*(</)", rf"\g<1>{ident}\g<2>", text, count=1)


def hostile_files(folder: Path, out: Path) -> dict[str, str]:
    """Files of the region rewritten so that a BSN hides in them; their names -> the BSN."""
    out.mkdir()
    sources = sorted((folder / "messages" / "2025-02").glob("*JW301*.xml"))[:4]
    made: dict[str, str] = {}
    for n, (source, how) in enumerate(zip(sources, ("cdata", "utf16", "comment", "pi"), strict=True)):
        text = _renamed(source.read_text(encoding="utf-8"), f"HOSTILE{n}")
        bsn = BSN_ELEMENT.search(text)
        assert bsn is not None
        value = bsn.group(1)
        target = out / f"{how}-{source.name}"
        if how == "cdata":
            text = text.replace(f">{value}<", f"><![CDATA[{value}]]><", 1)
            target.write_text(text, encoding="utf-8")
        elif how == "utf16":
            target.write_bytes(text.replace("encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16"))
        elif how == "comment":
            text = text.replace("<jw301:Client>", f"<!-- client {value} --><jw301:Client>", 1)
            target.write_text(text, encoding="utf-8")
        else:
            text = text.replace("<jw301:Client>", f"<?bsn {value}?><jw301:Client>", 1)
            target.write_text(text, encoding="utf-8")
        made[target.name] = value
    broken = out / "broken.xml"  # not well-formed: cannot be redacted with certainty
    broken.write_text(f"<Bericht><Bsn>{value}</Bsn>", encoding="utf-8")
    made[broken.name] = value
    csv_source = sorted((folder / "csv").glob("2025-*objections.csv"))[0]
    lines = csv_source.read_text(encoding="utf-8").splitlines()
    extra = next(iter(region_bsns(folder) - set(made.values())))
    lines[1] = lines[1] + "," + extra  # a field beyond the header
    (out / "extra-column.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    made["extra-column.csv"] = extra
    return made


def leaks(texts: Iterable[str], bsns: set[str]) -> set[str]:
    return {found for text in texts for found in NINE.findall(text) if found in bsns}


def database_texts() -> Iterable[str]:
    """Every value of every column of every table, the archive decompressed."""
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.values_list(*fields).iterator():
            for value in row:
                if isinstance(value, (bytes, memoryview)):
                    raw = bytes(value)
                    yield raw.decode("latin-1")
                    try:
                        yield zlib.decompress(raw).decode("utf-8", "replace")
                    except zlib.error:
                        pass
                elif value is not None:
                    yield str(value)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def workbook_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        raw = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    cells = [str(c.value) for ws in load_workbook(io.BytesIO(content)).worksheets for r in ws.iter_rows() for c in r]
    return raw + " ".join(cells)


@pytest.mark.slow
def test_no_bsn_is_stored_logged_shown_or_exported(
    region_dir: Callable[..., Path],
    tmp_path: Path,
    db: None,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from regie.monitor.pending import finish

    folder = region_dir("venlo", 2025, 3, 0.02)
    made = hostile_files(folder, tmp_path / "hostile")
    bsns = region_bsns(folder) | set(made.values())
    caplog.set_level(logging.DEBUG)
    load_file(folder / "catalog.toml")
    paths = [*sorted((folder / "messages").glob("2025-*")), folder / "csv", tmp_path / "hostile"]
    assert main(["ingest", *map(str, paths), "--no-refresh"]) == 1
    assert main(["ingest", *map(str, paths), "--json", "--no-refresh"]) == 0  # duplicates only
    finish([2025])
    output = capsys.readouterr()

    # what the hostile files became
    stored = {row.file_name.rsplit("/", 1)[-1]: row for row in m.Message.objects.all()}
    for name in made:
        assert name in stored, name
    assert zlib.decompress(bytes(stored["broken.xml"].raw)) == UNREADABLE_XML
    for name in ("cdata", "utf16", "comment", "pi"):
        (message,) = [row for file, row in stored.items() if file.startswith(name + "-")]
        archived = zlib.decompress(bytes(message.raw)).decode("utf-8")
        assert "<!--" not in archived and "<?bsn" not in archived and "CDATA" not in archived
        assert message.kind == "JW301", name
    extra = m.Rejection.objects.get(message=stored["extra-column.csv"], record="rij 2")
    assert extra.code == "CSV06"

    assert not leaks(database_texts(), bsns), "a BSN in the database"
    assert not leaks([r.getMessage() for r in caplog.records] + [output.out, output.err], bsns), "a BSN in a log"

    create_demo_users()
    for username in ("gemeente", "aanbieder"):
        client = client_for(username)
        pages = [client.get(f"/berichten/{row.pk}/") for row in stored.values()]
        assert any(page.status_code == 200 for page in pages)
        assert not leaks([page.content.decode() for page in pages], bsns), f"a BSN on a message page ({username})"
    client = client_for("gemeente")
    exports: dict[str, Any] = {
        "council.pdf": pdf_text(client.get("/rapportages/raad.pdf?jaar=2025").content),
        "council.xlsx": workbook_text(client.get("/rapportages/raad.xlsx?jaar=2025").content),
        "gmsd.csv": client.get("/rapportages/monitor-sociaal-domein.csv?jaar=2025").content.decode("utf-8-sig"),
        "gmsd.xlsx": workbook_text(client.get("/rapportages/monitor-sociaal-domein.xlsx?jaar=2025").content),
    }
    agb = m.Episode.objects.values_list("provider", flat=True).first()
    exports["scorecard.pdf"] = pdf_text(client.get(f"/rapportages/scorekaart/{agb}.pdf?jaar=2025").content)
    exports["scorecard.xlsx"] = workbook_text(client.get(f"/rapportages/scorekaart/{agb}.xlsx?jaar=2025").content)
    for url in (
        "indicators/?year=2025&by=provider,segment",
        "forecast/?year=2025",
        "scorecards/?year=2025",
        "signals/",
        "schema/",
    ):
        response = client.get(f"/api/v1/{url}")
        assert response.status_code == 200, url
        exports[url] = response.content.decode()
    assert all(exports.values())
    for name, text in exports.items():
        assert not leaks([text], bsns), f"a BSN in {name}"
