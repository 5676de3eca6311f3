"""`regie ingest` of CSV files: stored, rejected per row, idempotent, no BSN anywhere."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from django.db import connection

from regie.cli import main
from regie.traffic import models as m
from tests.catalog.factories import load_file
from tests.conftest import DATA

BSN_A, BSN_B, BAD_BSN = "999900006", "999900018", "123456789"

EPISODES = f"""municipality,provider,bsn,product_category,product_code,allocation_number,start,end,end_reason,area,reported_on
0983,12345678,{BSN_A},45,45A01,,2025-01-06,2025-03-31,31,Centrum,2025-04-02
0983,12345678,{BSN_B},45,45A01,,2025-02-10,,,Blerick,2025-02-12
0983,12345678,{BAD_BSN},45,45A01,,2025-02-10,,,Blerick,2025-02-12
0983,12345678,{BSN_B},45,45A01,,2025-13-10,,,Blerick,2025-02-12
"""

OBJECTIONS = f"""objection_id,municipality,segment,provider,bsn,kind,filed,decided,upheld,reported_on
B-1,0983,JEUGD,12345678,{BSN_A},bezwaar,2025-03-01,2025-04-15,ja,2025-04-16
B-2,0983,JEUGD,,{BSN_B},beroep,2025-05-01,,,2025-05-02
"""


@pytest.fixture
def region(db: None, tmp_path: Path) -> Path:
    catalog = (DATA / "catalog" / "domain_example.toml").read_text()
    catalog += """
[[segment]]
code = "JEUGD"
name = "Jeugd ambulant"
domain = "jeugd"
funding_model = "lump_sum"
products = ["45"]

[[contract]]
id = "2025-JEUGD-12345678"
provider = "12345678"
segment = "JEUGD"
municipalities = ["0983"]
start = 2025-01-01
end = 2025-12-31
lump_sum = 1200000
"""
    (tmp_path / "catalog.toml").write_text(catalog)
    load_file(tmp_path / "catalog.toml")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "episodes.csv").write_text(EPISODES)
    (tmp_path / "in" / "objections.csv").write_text(OBJECTIONS)
    return tmp_path / "in"


def ingest_json(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["ingest", *map(str, paths), "--json", "--no-refresh"])
    return code, json.loads(capsys.readouterr().out)


def test_csv_rows_are_stored_and_faulty_rows_rejected(region: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = ingest_json(capsys, region)
    assert code == 1  # some rows were rejected
    assert doc["files"] == 2 and doc["duplicates"] == 0
    assert doc["accepted"] == {"CSV-episodes": 3, "CSV-objections": 2}
    assert sorted((r["record"], r["code"]) for r in doc["rejected"]) == [("rij 4", "CSV03"), ("rij 5", "CSV02")]
    assert all(r["file"].endswith("episodes.csv") and r["reason"] for r in doc["rejected"])
    episodes = {e.start.isoformat(): e for e in m.Episode.objects.all()}
    assert set(episodes) == {"2025-01-06", "2025-02-10"}
    assert episodes["2025-01-06"].end.isoformat() == "2025-03-31" and episodes["2025-01-06"].area == "Centrum"
    assert episodes["2025-02-10"].end is None and episodes["2025-02-10"].segment == "JEUGD"
    assert m.Objection.objects.get(objection_id="B-1").upheld is True
    assert m.Message.objects.get(kind="CSV-episodes").status == "partial"


def test_ingesting_twice_changes_nothing(region: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ingest_json(capsys, region)
    counts = {model: model.objects.count() for model in (m.Message, m.Episode, m.Objection, m.Rejection)}
    code, doc = ingest_json(capsys, region)
    assert doc["duplicates"] == 2 and doc["accepted"] == {} and doc["rejected"] == []
    assert code == 0
    assert {model: model.objects.count() for model in counts} == counts


def test_no_bsn_is_stored_anywhere(region: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ingest_json(capsys, region)
    for message in m.Message.objects.all():
        archived = zlib.decompress(bytes(message.raw))
        assert BSN_A.encode() not in archived and BSN_B.encode() not in archived
    with connection.cursor() as cursor:
        for model in (m.Episode, m.Objection, m.Rejection, m.Signal, m.Message):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            text = repr(cursor.fetchall())
            assert BSN_A not in text and BSN_B not in text, model


def test_a_missing_path_is_a_clear_error(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "/nonexistent/folder"]) == 1
    assert "bestaat niet" in capsys.readouterr().err


def test_an_unknown_csv_header_rejects_the_file(
    region: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("naam,leeftijd\nJan,12\n")
    code, doc = ingest_json(capsys, odd)
    assert code == 1
    assert [(r["record"], r["code"]) for r in doc["rejected"]] == [("", "CSV00")]
    assert m.Message.objects.get().status == "rejected"


def test_ingest_refreshes_the_ledger_and_the_snapshots(region: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from regie.funding.models import LedgerLine
    from regie.monitor.models import Snapshot

    main(["ingest", str(region), "--json"])
    json.loads(capsys.readouterr().out)
    years = set(Snapshot.objects.values_list("year", flat=True))
    assert {2024, 2025} <= years  # the arrival years of the files and the years before them
    assert LedgerLine.objects.filter(year=2025).exists()


def test_over_long_fields_reject_their_row_and_nothing_else(
    region: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12, failure 5: one over-long field lost the whole batch on PostgreSQL (and was
    stored silently on SQLite); it is now a rejected row with the rule, on both databases."""
    odd = tmp_path / "long.csv"
    odd.write_text(
        "objection_id,municipality,segment,provider,bsn,kind,filed,decided,upheld,reported_on\n"
        f"{'B' * 61},0983,JEUGD,12345678,{BSN_A},bezwaar,2025-03-01,,,2025-04-16\n"
        f"B-3,0983,JEUGD,12345678,{BSN_B},bezwaar,2025-03-01,,,2025-04-16\n"
    )
    code, doc = ingest_json(capsys, region, odd)
    assert code == 1
    rows = [(r["file"].rsplit("/", 1)[-1], r["record"], r["code"], r["reason"]) for r in doc["rejected"]]
    assert ("long.csv", "rij 2", "CSV07", "kolom 'objection_id' is langer dan 60 tekens") in rows
    assert m.Message.objects.count() == 3  # every file of the batch is stored
    assert set(m.Objection.objects.values_list("objection_id", flat=True)) == {"B-1", "B-2", "B-3"}


def test_the_length_limits_are_the_models(db: None) -> None:
    from regie.intake.csvfiles import KIND_MAX_LENGTHS, MAX_LENGTHS

    fields = {
        "allocation_number": m.Episode,
        "end_reason": m.Episode,
        "area": m.Episode,
        "reference": m.DeclarationLine,
        "previous_reference": m.DeclarationLine,
        "unit": m.DeclarationLine,
        "objection_id": m.Objection,
        "segment": m.Objection,
        "request_id": m.Request,
        "module": m.Trajectory,
    }
    assert set(fields) == set(MAX_LENGTHS)
    for column, model in fields.items():
        assert MAX_LENGTHS[column] == model._meta.get_field(column).max_length, column
    assert MAX_LENGTHS["area"] == m.Request._meta.get_field("area").max_length
    assert MAX_LENGTHS["segment"] == m.Request._meta.get_field("segment").max_length
    assert KIND_MAX_LENGTHS == {"trajectories": {"end_reason": m.Trajectory._meta.get_field("end_reason").max_length}}


def test_rows_naming_what_the_catalog_does_not_know_or_with_a_field_too_many_are_rejected(
    region: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12, failures 2 and 3: a field beyond the header, and a segment, municipality or
    provider the catalog does not know (a formula, say), reject their row."""
    odd = tmp_path / "odd.csv"
    odd.write_text(
        "objection_id,municipality,segment,provider,bsn,kind,filed,decided,upheld,reported_on\n"
        f'B-4,0983,=HYPERLINK("http://x"),12345678,{BSN_A},bezwaar,2025-03-01,,,2025-04-16\n'
        f"B-5,0984,JEUGD,12345678,{BSN_A},bezwaar,2025-03-01,,,2025-04-16\n"
        f"B-6,0983,JEUGD,87654321,{BSN_A},bezwaar,2025-03-01,,,2025-04-16\n"
        f"B-7,0983,JEUGD,12345678,{BSN_A},bezwaar,2025-03-01,,,2025-04-16,{BSN_B}\n"
        f"B-8,0983,JEUGD,12345678,{BSN_A},bezwaar,2025-03-01,,,2025-04-16\n"
    )
    code, doc = ingest_json(capsys, odd)
    assert code == 1
    assert [(r["record"], r["code"]) for r in doc["rejected"]] == [
        ("rij 2", "CSV08"),
        ("rij 3", "CSV08"),
        ("rij 4", "CSV08"),
        ("rij 5", "CSV06"),
    ]
    assert "segment" in doc["rejected"][0]["reason"] and "HYPERLINK" not in doc["rejected"][0]["reason"]
    assert list(m.Objection.objects.values_list("objection_id", flat=True)) == ["B-8"]
