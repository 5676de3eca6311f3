"""PGB budgets from a CSV (domain.md section 10a): read by `regie ingest` like the other CSV
kinds, the BSN pseudonymised at the door, faulty rows rejected naming file, row and rule, and
the ``pgb_shift`` signal raised from what is stored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from regie.cli import main
from regie.traffic import frames
from regie.traffic import models as m
from tests.catalog.factories import load_file
from tests.conftest import DATA


def bsns(n: int) -> list[str]:
    """``n`` numbers that pass the eleven-test."""
    found = []
    number = 100000000
    while len(found) < n:
        number += 1
        digits = [int(c) for c in str(number)]
        if (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]) % 11 == 0:
            found.append(str(number))
    return found


CLIENTS = bsns(11)
#: Ten clients in kind since October 2024; the eleventh has a PGB from April 2025.
EPISODES = (
    "municipality,provider,bsn,product_category,product_code,allocation_number,start,end,end_reason,area,reported_on\n"
)
EPISODES += "".join(f"0983,12345678,{bsn},45,45A01,,2024-10-01,,,,2024-10-02\n" for bsn in CLIENTS[:10])
PGB = f"""municipality,segment,bsn,start,end,amount_cents
0983,JEUGD,{CLIENTS[10]},2025-04-01,,1250000
0983,JEUGD,{CLIENTS[9]},2025-04-01,2025-03-01,100
0983,ONBEKEND,{CLIENTS[8]},2025-04-01,,100
0983,JEUGD,123456789,2025-04-01,,100
"""
#: A second provider and a segment beside those of the domain example.
SECOND_AND_JEUGD = """
[[provider]]
agb = "87654321"
name = "Tweede aanbieder"

[[segment]]
code = "JEUGD"
name = "Jeugd ambulant"
domain = "jeugd"
funding_model = "lump_sum"
products = ["45"]
"""
#: Two providers in 2024, one from 2025: a narrower contract period.
CATALOG = SECOND_AND_JEUGD + "".join(
    f"""
[[contract]]
id = "{start[:4]}-JEUGD-{agb}"
provider = "{agb}"
segment = "JEUGD"
municipalities = ["0983"]
start = {start}
end = {start[:4]}-12-31
lump_sum = 1200000
"""
    for agb, start in (("12345678", "2024-01-01"), ("87654321", "2024-01-01"), ("12345678", "2025-01-01"))
)


@pytest.fixture
def region(db: None, tmp_path: Path) -> Path:
    (tmp_path / "catalog.toml").write_text((DATA / "catalog" / "domain_example.toml").read_text() + CATALOG)
    load_file(tmp_path / "catalog.toml")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "episodes.csv").write_text(EPISODES)
    (tmp_path / "in" / "pgb.csv").write_text(PGB)
    return tmp_path / "in"


def test_pgb_budgets_are_stored_pseudonymised_and_faulty_rows_rejected(
    region: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ingest", str(region), "--json", "--no-refresh"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["accepted"] == {"CSV-episodes": 10, "CSV-pgb": 1}
    rejected = sorted((r["file"].rsplit("/", 1)[-1], r["record"], r["code"]) for r in doc["rejected"])
    assert rejected == [("pgb.csv", "rij 3", "CSV05"), ("pgb.csv", "rij 4", "CSV08"), ("pgb.csv", "rij 5", "CSV03")]
    (budget,) = m.PgbBudget.objects.all()
    assert (budget.segment, budget.start, budget.end, budget.amount_cents) == (
        "JEUGD",
        dt.date(2025, 4, 1),
        None,
        1250000,
    )
    assert budget.client != CLIENTS[10] and CLIENTS[10] not in json.dumps(doc)
    assert frames.pgb_budgets().height == 1
    # Q4 2024: 0 of 10 clients with a PGB; Q2 2025, after the narrower period began: 1 of 11
    assert doc["signals"]["pgb_shift"] == 1
    (signal,) = m.Signal.objects.filter(kind="pgb_shift")
    assert (signal.segment, signal.care_month, signal.key) == (
        "JEUGD",
        dt.date(2025, 4, 1),
        "pgb_shift|JEUGD|2025-01-01",
    )
    assert signal.detail["points"] == 9.09 and (signal.detail["providers_before"], signal.detail["providers"]) == (2, 1)


def test_a_later_row_replaces_a_budget_and_the_signal_is_raised_once(
    region: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["ingest", str(region), "--json", "--no-refresh"])
    later = tmp_path / "later.csv"
    later.write_text(
        f"municipality,segment,bsn,start,end,amount_cents\n0983,JEUGD,{CLIENTS[10]},2025-04-01,2025-09-30,900000\n"
    )
    capsys.readouterr()
    assert main(["ingest", str(later), "--json", "--no-refresh"]) == 0
    assert "pgb_shift" not in json.loads(capsys.readouterr().out)["signals"]
    (budget,) = m.PgbBudget.objects.all()
    assert (budget.end, budget.amount_cents) == (dt.date(2025, 9, 30), 900000)
    assert m.Signal.objects.filter(kind="pgb_shift").count() == 1
