"""The ``subcontracting`` signal raised after `regie ingest` from stored episodes and the
catalog's ``max_subcontracted_share`` (domain.md section 10a; rule: regie.engine.subcontracting)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from regie.cli import main
from regie.traffic import models as m
from tests.catalog.factories import load_file
from tests.conftest import DATA
from tests.traffic.test_ingest_pgb import SECOND_AND_JEUGD, bsns

CATALOG = (
    SECOND_AND_JEUGD
    + """core_partners = ["12345678"]
max_subcontracted_share = 0.2

[[contract]]
id = "2025-JEUGD-12345678"
provider = "12345678"
segment = "JEUGD"
municipalities = ["0983"]
start = 2025-01-01
end = 2025-12-31
lump_sum = 1200000
"""
)
HEADER = (
    "municipality,provider,bsn,product_category,product_code,allocation_number,start,end,end_reason,area,reported_on\n"
)


@pytest.mark.parametrize(("core", "signals"), [(3, 1), (4, 0)])
def test_a_share_above_the_segments_maximum_raises_the_signal(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], core: int, signals: int
) -> None:
    # the subcontractor delivers one episode beside `core` of the core partner: 1/4 = 25 % is
    # above the maximum of 20 %, 1/5 = 20 % is not above it
    (tmp_path / "catalog.toml").write_text((DATA / "catalog" / "domain_example.toml").read_text() + CATALOG)
    load_file(tmp_path / "catalog.toml")
    clients = bsns(core + 1)
    rows = [f"0983,12345678,{bsn},45,45A01,,2025-01-06,,,,2025-01-10\n" for bsn in clients[:core]]
    rows.append(f"0983,87654321,{clients[core]},45,45A01,,2025-02-03,,,,2025-02-05\n")
    (tmp_path / "episodes.csv").write_text(HEADER + "".join(rows))
    assert main(["ingest", str(tmp_path / "episodes.csv"), "--json", "--no-refresh"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["signals"].get("subcontracting", 0) == signals
    found = list(m.Signal.objects.filter(kind="subcontracting").values_list("segment", "care_month", "detail"))
    if signals:
        assert found == [("JEUGD", dt.date(2025, 1, 1), {"share": 0.25, "maximum": 0.2})]
    else:
        assert found == []
