"""Issue 12, failure 7: what an ingest is given can be hostile (names, links, FIFOs, re-sent
identifications), and the run still ends with a clear answer."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from regie.cli import main
from regie.traffic import models as m
from tests.catalog.factories import load_file

SMALL = ("venlo", 2025, 3, 0.05)


@pytest.fixture
def folder(region_dir: Callable[..., Path], db: None) -> Path:
    folder = region_dir(*SMALL)
    load_file(folder / "catalog.toml")
    return folder


def first_301(folder: Path) -> Path:
    return sorted((folder / "messages" / "2025-02").glob("*JW301*.xml"))[0]


def test_a_file_name_with_markup_is_reported_as_it_is(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "[").mkdir()
    odd = tmp_path / "[" / "bold]x[red].csv"  # the path holds "[/bold]", which rich took for markup
    odd.write_text("naam,leeftijd\nJan,12\n")
    assert main(["ingest", str(odd), "--no-refresh"]) == 1
    assert "[/bold]x[red].csv" in capsys.readouterr().err


def test_a_resent_identification_is_refused(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A message with other bytes but the BerichtIdentificatie of an earlier one of the same
    sender and message type (9056); the same identification of another message type is fine."""
    source = first_301(folder)
    text = source.read_text(encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "first.xml").write_text(text, encoding="utf-8")
    assert main(["ingest", str(tmp_path / "a"), "--json", "--no-refresh"]) == 0
    capsys.readouterr()
    again = text.replace("  <jw301:Header>", "  <!-- opnieuw verstuurd -->\n  <jw301:Header>", 1)
    assert again != text
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "again.xml").write_text(again, encoding="utf-8")
    before = (m.AllocationVersion.objects.count(), m.Episode.objects.count())
    assert main(["ingest", str(tmp_path / "b"), "--json", "--no-refresh"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(r["code"], r["record"]) for r in doc["rejected"]] == [("9056", "")]
    assert "berichtidentificatie" in doc["rejected"][0]["reason"]
    assert (m.AllocationVersion.objects.count(), m.Episode.objects.count()) == before
    assert m.Message.objects.get(file_name__endswith="again.xml").status == m.Message.Status.REJECTED
    # within one run too
    (tmp_path / "c").mkdir()
    ident = re.search(r"<ijw:Identificatie>([^<]*)<", text)
    assert ident is not None
    other = text.replace(ident.group(0), "<ijw:Identificatie>NIEUW-1<", 1)
    (tmp_path / "c" / "one.xml").write_text(other, encoding="utf-8")
    (tmp_path / "c" / "two.xml").write_text(other.replace("  <jw301:Header>", "  <jw301:Header> ", 1), encoding="utf-8")
    assert main(["ingest", str(tmp_path / "c"), "--json", "--no-refresh"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in doc["rejected"]] == ["9056"]


def test_only_regular_files_in_the_folder_are_read(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A symbolic link out of the given folder (to /etc/passwd, say) is not read nor archived,
    a FIFO does not block the run; a link within the folder is read."""
    given = tmp_path / "in"
    given.mkdir()
    secret = tmp_path / "outside.csv"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (given / "passwd.csv").symlink_to(secret)
    (given / "passwd.xml").symlink_to("/etc/passwd")
    os.mkfifo(given / "pipe.xml")
    inside = given / "sub"
    inside.mkdir()
    (inside / "real.xml").write_text(first_301(folder).read_text(encoding="utf-8"), encoding="utf-8")
    (given / "link-within.xml").symlink_to(inside / "real.xml")
    assert main(["ingest", str(given), "--json", "--no-refresh"]) == 1
    doc = json.loads(capsys.readouterr().out)
    refused = {Path(r["file"]).name: r["reason"] for r in doc["rejected"]}
    assert set(refused) == {"passwd.csv", "passwd.xml", "pipe.xml"}
    assert "buiten de opgegeven map" in refused["passwd.csv"] and "FIFO" in refused["pipe.xml"]
    assert doc["files"] == 2 and doc["duplicates"] == 1  # the real file, and the link to it
    archived = b"".join(bytes(r) for r in m.Message.objects.values_list("raw", flat=True))
    assert m.Message.objects.count() == 1 and b"root:" not in archived
