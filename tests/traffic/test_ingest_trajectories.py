"""Participation trajectories from a CSV (domain.md section 10a): read by `regie ingest` like
the other CSV kinds, the BSN pseudonymised at the door, faulty rows rejected naming file, row
and rule, a later row giving the end, re-ingesting changing nothing; the stored trajectories
are episodes of the domain ``participatie``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regie.cli import main
from regie.intake.sources import Upload
from regie.monitor.pending import ingest_and_refresh
from regie.traffic import frames
from regie.traffic import models as m
from tests.catalog.factories import load_file
from tests.conftest import DATA
from tests.traffic.test_ingest_pgb import bsns

CLIENTS = bsns(6)
HEADER = "municipality,provider,bsn,module,start,end,end_reason\n"

#: A participation segment with two modules, funded per module (outcome), beside the domain example.
PARTICIPATION = """
[[segment]]
code = "PART"
name = "Participatie re-integratie"
domain = "participatie"
funding_model = "outcome"
products = ["WERKFIT", "SCHOLING"]

[[contract]]
id = "2025-PART-12345678"
provider = "12345678"
segment = "PART"
municipalities = ["0983"]
start = 2025-01-01
end = 2025-12-31
tariffs = { "WERKFIT" = 360000, "SCHOLING" = 240000 }
"""

ROWS = HEADER + (
    f"0983,12345678,{CLIENTS[0]},WERKFIT,2025-01-06,2025-04-30,work\n"  # rij 2
    f"0983,12345678,{CLIENTS[1]},SCHOLING,2025-02-03,,\n"  # rij 3
    f"0983,12345678,{CLIENTS[2]},WERKFIT,2025-03-01,2025-02-01,other\n"  # rij 4: CSV05
    f"0983,12345678,{CLIENTS[3]},ONBEKEND,2025-03-01,,\n"  # rij 5: CSV08
    "0983,12345678,123456789,WERKFIT,2025-03-01,,\n"  # rij 6: CSV03
    f"0983,12345678,{CLIENTS[4]},WERKFIT,2025-03-01,2025-05-01,\n"  # rij 7: CSV01
    f"0983,12345678,{CLIENTS[5]},WERKFIT,2025-03-01,2025-05-01,pensioen\n"  # rij 8: CSV04
    f"0983,87654321,{CLIENTS[5]},WERKFIT,2025-03-01,,\n"  # rij 9: CSV08 (provider)
)


@pytest.fixture
def region(db: None, tmp_path: Path) -> Path:
    (tmp_path / "catalog.toml").write_text((DATA / "catalog" / "domain_example.toml").read_text() + PARTICIPATION)
    load_file(tmp_path / "catalog.toml")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "trajecten.csv").write_text(ROWS)
    return tmp_path / "in"


def test_trajectories_are_stored_pseudonymised_and_faulty_rows_rejected(
    region: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ingest", str(region), "--json", "--no-refresh"])
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert code == 1 and doc["accepted"] == {"CSV-trajectories": 2}
    rejected = sorted((r["file"].rsplit("/", 1)[-1], r["record"], r["code"]) for r in doc["rejected"])
    assert rejected == [
        ("trajecten.csv", "rij 4", "CSV05"),
        ("trajecten.csv", "rij 5", "CSV08"),
        ("trajecten.csv", "rij 6", "CSV03"),
        ("trajecten.csv", "rij 7", "CSV01"),
        ("trajecten.csv", "rij 8", "CSV04"),
        ("trajecten.csv", "rij 9", "CSV08"),
    ]
    stored = m.Trajectory.objects.order_by("start")
    assert [(t.segment, t.module, t.start, t.end, t.end_reason) for t in stored] == [
        ("PART", "WERKFIT", dt.date(2025, 1, 6), dt.date(2025, 4, 30), "work"),
        ("PART", "SCHOLING", dt.date(2025, 2, 3), None, ""),
    ]
    # without reported_on the file arrives on its latest date (the end 2025-04-30)
    assert {(t.start_arrival, t.end_arrival) for t in stored} == {
        (dt.date(2025, 4, 30), dt.date(2025, 4, 30)),
        (dt.date(2025, 4, 30), None),
    }
    assert all(CLIENTS[i] not in out and t.client != CLIENTS[i] for t in stored for i in range(6))
    episodes = frames.episodes().filter(domain="participatie")
    assert episodes.height == 2 and set(episodes["segment"]) == {"PART"}
    assert set(episodes["product_code"]) == {"WERKFIT", "SCHOLING"}
    assert frames.trajectories()["end_reason"].to_list().count(None) == 1


def test_a_later_row_gives_the_end_and_a_repeated_end_keeps_its_arrival(region: Path, tmp_path: Path) -> None:
    first = HEADER.replace("\n", ",reported_on\n") + f"0983,12345678,{CLIENTS[1]},SCHOLING,2025-02-03,,,2025-02-05\n"
    ended = (
        first.splitlines()[0] + f"\n0983,12345678,{CLIENTS[1]},SCHOLING,2025-02-03,2025-06-30,education,2025-07-02\n"
    )
    again = ended.replace("2025-07-02", "2025-08-04")
    for name, text in (("a.csv", first), ("b.csv", ended), ("c.csv", again)):
        (tmp_path / name).write_text(text)
        assert main(["ingest", str(tmp_path / name), "--json", "--no-refresh"]) == 0
    (trajectory,) = m.Trajectory.objects.all()
    assert (trajectory.end, trajectory.end_reason) == (dt.date(2025, 6, 30), "education")
    assert (trajectory.start_arrival, trajectory.end_arrival) == (dt.date(2025, 2, 5), dt.date(2025, 7, 2))


def _stored() -> list[tuple[Any, ...]]:
    return sorted(m.Trajectory.objects.values_list(*(f.attname for f in m.Trajectory._meta.concrete_fields)))


_ROW = st.tuples(
    st.sampled_from(["WERKFIT", "SCHOLING"]),
    st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
    st.none() | st.integers(0, 400),
    st.sampled_from(["work", "education", "care", "other", "werk", "opleiding"]),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=6))
def test_re_ingesting_the_rows_of_a_register_changes_nothing(region: Path, rows: list[Any]) -> None:
    """The same rows again, in another order and another file, leave the stored trajectories as they were."""
    lines = []
    for i, (module, start, days, reason) in enumerate(rows):
        end = "" if days is None else (start + dt.timedelta(days=days)).isoformat()
        lines.append(f"0983,12345678,{CLIENTS[i]},{module},{start.isoformat()},{end},{reason if end else ''}\n")
    ingest_and_refresh([Upload("een.csv", (HEADER + "".join(lines)).encode())], refresh=False)
    before = _stored()
    again = HEADER.replace("\n", "\r\n") + "".join(line.replace("\n", "\r\n") for line in reversed(lines))
    summary = ingest_and_refresh([Upload("twee.csv", again.encode())], refresh=False)
    assert not summary.rejected  # (a duplicate of an earlier example's file changes nothing either)
    assert _stored() == before


def test_stored_trajectories_are_funded_per_module_and_counted_in_the_indicators(
    region: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The register arrives late (30 April, its latest date): the contract pays it all the same.
    (tmp_path / "catalog.toml").write_text(
        (tmp_path / "catalog.toml")
        .read_text()
        .replace(
            'tariffs = { "WERKFIT" = 360000, "SCHOLING" = 240000 }',
            'tariffs = { "WERKFIT" = 360000, "SCHOLING" = 240000 }\ndeclaration_deadline = "none"',
        )
    )
    load_file(tmp_path / "catalog.toml")
    main(["ingest", str(region), "--json", "--no-refresh"])
    capsys.readouterr()
    assert main(["funding", "ledger", "--year", "2025", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    totals = [t for t in doc["totals"] if t["segment"] == "PART"]
    # Werkfit 6 January .. 30 April: 3,600 euro in 4 instalments; Scholing from 3 February, open:
    # 2,400 euro over its first 12 months, 11 of them in 2025 (200 euro each).
    assert [t["paid_cents"] for t in totals] == [360000 + 220000]
    assert main(["indicators", "--year", "2025", "--segment", "PART", "--by", "segment", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["rows"]
    assert (row["clients"], row["inflow"], row["outflow"], row["work_or_education_share"]) == (2, 2, 1, 1.0)
    assert row["cost_per_client_cents"] == 290000
