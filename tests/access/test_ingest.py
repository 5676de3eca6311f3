"""Registrations from the traffic: a 315's referrer (Verwijzer) and a waiting-list CSV, read by
``regie ingest`` (rows rejected on their own, naming file, row and rule), put on the list once,
and off it when the client starts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from regie.access.models import Registration
from regie.cli import main
from regie.messages.writer import write
from regie.traffic import models as m
from tests.catalog.factories import load_file
from tests.messages.samples import BSN, BSN2, allocation, allocation_request, care_start

WAITING_LIST = f"""request_id,municipality,area,segment,provider,bsn,urgency,referrer,registered,reported_on
WL-1,0983,Centrum,WMO-IB,,{BSN},crisis,02,2025-03-01,2025-03-31
WL-2,0983,,WMO-IB,87654321,{BSN2},3,,2025-03-02,2025-03-31
WL-3,0983,,WMO-IB,,{BSN2},soon,01,2025-03-02,2025-03-31
WL-4,0983,,WMO-IB,,{BSN2},2,07,2025-03-02,2025-03-31
"""


@pytest.fixture
def files(db: None, tmp_path: Path) -> Path:
    load_file("two_providers.toml")
    (tmp_path / "wachtlijst.csv").write_text(WAITING_LIST)
    (tmp_path / "315.xml").write_bytes(write(allocation_request("wmo")))
    return tmp_path


def ingest(capsys: pytest.CaptureFixture[str], *paths: Path) -> dict:  # type: ignore[type-arg]
    main(["ingest", *map(str, paths), "--json", "--no-refresh"])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_a_waiting_list_csv_and_a_315_register_once(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = ingest(capsys, files)
    rejected = sorted((r["record"], r["code"], r["reason"]) for r in doc["rejected"])
    assert [(r, c) for r, c, _ in rejected] == [("rij 4", "CSV04"), ("rij 5", "CSV04")]
    assert "urgency" in rejected[0][2] and "referrer" in rejected[1][2]
    assert all(r["file"].endswith("wachtlijst.csv") for r in doc["rejected"])
    assert dict(m.Request.objects.filter(kind="315").values_list("request_id", "referrer")) == {
        "12345678|VOT-2025-1": "02",
        "12345678|VOT-2025-2": "01",
    }
    regs = {r.source_key.split("|", 2)[2]: r for r in Registration.objects.select_related("provider")}
    # VOT-2025-2 asks for a category only, which no segment holds (WMO-IB lists product codes):
    # a request without a segment cannot be placed on a segment's list
    assert set(regs) == {"WL-1", "WL-2", "12345678|VOT-2025-1"}
    assert (regs["WL-1"].urgency, regs["WL-1"].referrer, regs["WL-1"].area, regs["WL-1"].status) == (
        "crisis",
        "02",
        "Centrum",
        "waiting",
    )
    assert (regs["WL-2"].status, regs["WL-2"].provider.agb, regs["WL-2"].urgency) == ("assigned", "87654321", "normal")
    from_315 = regs["12345678|VOT-2025-1"]
    assert (from_315.source, from_315.referrer, from_315.provider.agb, from_315.confirmed) == (
        "315",
        "02",
        "12345678",
        False,
    )
    assert BSN not in str(list(Registration.objects.values()))
    # the same files again: duplicates, nothing new on the list
    assert ingest(capsys, files)["duplicates"] == 2
    assert Registration.objects.count() == 3


def test_an_allocation_or_care_start_takes_registrations_off_the_list(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the 301 begins 2025-03-01 (the day WL-1 was registered); the 305 starts 2025-03-10, after
    # the 315 arrived (2025-03-05), whose registration the 301 of an earlier day does not end
    (files / "301.xml").write_bytes(write(allocation("wmo")))
    (files / "305.xml").write_bytes(write(care_start("wmo")))
    ingest(capsys, files)
    regs = {r.source_key.split("|", 2)[2]: r for r in Registration.objects.select_related("provider")}
    assert (regs["WL-1"].status, regs["WL-1"].started_on, regs["WL-1"].start_message) == (
        "started",
        dt.date(2025, 3, 1),
        "301",
    )
    from_315 = regs["12345678|VOT-2025-1"]
    assert (from_315.status, from_315.started_on, from_315.start_message, from_315.provider.agb) == (
        "started",
        dt.date(2025, 3, 10),
        "305",
        "12345678",
    )
    assert regs["WL-2"].status == "assigned"  # another client: still on the list
