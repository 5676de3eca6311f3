"""``regie check``: files, folders and zip archives; JSON contract; exit codes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from regie.cli import main
from regie.messages.checking import check_paths

DATA = Path(__file__).resolve().parent.parent / "data" / "messages"


def test_check_paths_document_shape(tmp_path: Path) -> None:
    good = DATA / "standard" / "wmo325_voorbeeld.xml"
    bad = tmp_path / "kapot.xml"
    bad.write_bytes(good.read_bytes().replace(b"<iwmo:Datum", b"<iwmo:Datum", 1).replace(b"0384", b"384", 1))
    document = check_paths([good, bad])
    assert [entry["file"] for entry in document["files"]] == [str(good), str(bad)]
    first, second = document["files"]
    assert first == {"file": str(good), "message": "WMO325", "valid": True, "errors": []}
    assert second["message"] == "WMO325" and second["valid"] is False
    assert second["errors"][0] == {
        "path": "/Bericht/Header/Afzender",
        "code": "0001",
        "reason": second["errors"][0]["reason"],
    }


def test_json_output_is_one_document_and_exit_1_on_a_fault(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.xml").write_bytes((DATA / "standard" / "jw305_voorbeeld.xml").read_bytes())
    (folder / "b.xml").write_bytes(b"<niet-af")
    (folder / "notes.txt").write_text("ignored")
    archive = tmp_path / "berichten.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(DATA / "standard" / "jw323_voorbeeld.xml", "maart/jw323.xml")
        zf.writestr("leesmij.txt", "ignored")
    code = main(["check", "--json", str(folder), str(archive)])
    out = capsys.readouterr().out
    document = json.loads(out)
    assert code == 1
    files = {entry["file"]: entry for entry in document["files"]}
    assert set(files) == {str(folder / "b.xml"), str(folder / "sub" / "a.xml"), f"{archive}!maart/jw323.xml"}
    assert files[str(folder / "b.xml")]["errors"][0]["code"] == "RG03"
    assert files[f"{archive}!maart/jw323.xml"]["valid"] is True


def test_all_valid_exits_0_with_a_dutch_report(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(DATA / "standard")])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == ""
    assert "geldig" in captured.err and "ongeldig" in captured.err


def test_an_invalid_file_is_reported_with_its_faults(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(DATA / "invalid")])
    err = capsys.readouterr().err
    assert code == 1
    assert "ongeldig" in err and "TR358" in err and "/Bericht/Declaratie/TotaalIngediendBedrag" in err


def test_a_missing_path_is_wrong_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", "bestaat-niet.xml"]) == 2
    assert capsys.readouterr().out == ""


def test_no_path_is_wrong_usage() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2


def test_a_broken_zip_is_reported_not_raised(tmp_path: Path) -> None:
    archive = tmp_path / "kapot.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    [entry] = check_paths([archive])["files"]
    assert entry["valid"] is False and entry["errors"][0]["code"] == "RG05"
