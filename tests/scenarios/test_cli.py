"""``regie forecast --scenario FILE --years N --json`` on the small stored region."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regie.cli import main
from tests.monitor.region import AS_OF, DEFICIT_SEGMENT, YEAR, build_region

SCENARIO = f"""name = "Index en groei"
[[change]]
kind = "tariff"
factor = 1.1
from = "{YEAR}-10"

[[change]]
kind = "inflow"
segment = "{DEFICIT_SEGMENT}"
factor = 1.5
from = "{YEAR}-10"
"""


@pytest.fixture
def stored(db: None) -> None:
    build_region()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["forecast", "--year", str(YEAR), "--as-of", AS_OF.isoformat(), *args, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_scenario_and_outlook_from_the_command_line(
    stored: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _run(capsys)
    file = tmp_path / "s.toml"
    file.write_text(SCENARIO, encoding="utf-8")
    doc = _run(capsys, "--scenario", str(file), "--years", "2")
    assert doc["scenario"]["name"] == "Index en groei"
    by_key = {(r["municipality"], r["segment"]): r for r in plain["rows"]}
    for row in doc["rows"]:
        base = by_key[(row["municipality"], row["segment"])]
        # the baseline is the forecast without the scenario, unchanged
        assert row["baseline"] == base["forecast"]
        assert sum(c["cents"] for c in row["changes"]) == row["forecast"] - row["baseline"]
        assert [o["year"] for o in row["outlook"]] == [YEAR + 1, YEAR + 2]
        if row["funding_model"] == "pxq" and base["remaining"] > 0:
            assert row["changes"][0]["cents"] > 0  # the tariff rise costs money
    deficit = [r for r in doc["rows"] if r["segment"] == DEFICIT_SEGMENT]
    assert any(r["changes"][1]["cents"] > 0 for r in deficit)
    outlook = _run(capsys, "--years", "3")
    assert all(len(r["outlook"]) == 3 for r in outlook["rows"])
    assert [r["forecast"] for r in outlook["rows"]] == [r["forecast"] for r in plain["rows"]]


def test_a_wrong_scenario_is_rejected_with_its_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "s.toml"
    file.write_text('[[change]]\nkind = "tariff"\nfrom = "2025-10"\n', encoding="utf-8")
    assert main(["forecast", "--year", "2025", "--as-of", "2025-09-30", "--scenario", str(file), "--json"]) == 1
    assert "'factor' ontbreekt" in capsys.readouterr().err
    assert main(["forecast", "--year", "2025", "--as-of", "2025-09-30", "--years", "6"]) == 2
