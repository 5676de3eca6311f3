"""`regie catalog load`: validation with a clear message, idempotence, all-or-nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import serializers

from regie.catalog import models as m
from regie.catalog.loader import stored_catalog
from regie.cli import main
from tests.conftest import DATA

EXAMPLE = DATA / "catalog" / "domain_example.toml"

SECOND_PROVIDER = """
[[provider]]
agb = "87654321"
name = "Begeleiding Zuid"
"""


def snapshot() -> str:
    """Every catalog row, serialised: equal snapshots mean an untouched database."""
    rows = []
    for model in (m.Region, m.Municipality, m.Area, m.Segment, m.Provider, m.Contract, m.Budget):
        rows.extend(model.objects.order_by("pk"))
    return serializers.serialize("json", rows)


def write(tmp_path: Path, text: str, name: str = "catalog.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_domain_example_loads(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "load", str(EXAMPLE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["loaded"] is True
    assert doc["created"] == {"region": 1, "municipality": 1, "segment": 1, "provider": 1, "contract": 1, "budget": 1}
    contract = m.Contract.objects.get(ident="2025-WMO-IB-12345678")
    assert contract.price_per_client == 850000
    assert [a.name for a in m.Municipality.objects.get(code="0983").areas.all()] == ["Centrum", "Blerick", "Tegelen"]
    assert m.Segment.objects.get(code="WMO-IB").execution == "outputgericht"


def test_loading_twice_changes_nothing(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "load", str(EXAMPLE)]) == 0
    before = snapshot()
    capsys.readouterr()
    assert main(["catalog", "load", str(EXAMPLE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["created"] == {} and doc["updated"] == {}
    assert snapshot() == before


def test_a_changed_file_updates_by_natural_key(db: None, tmp_path: Path) -> None:
    main(["catalog", "load", str(EXAMPLE)])
    changed = EXAMPLE.read_text().replace("agreed_clients = 120", "agreed_clients = 130")
    assert main(["catalog", "load", str(write(tmp_path, changed))]) == 0
    assert m.Contract.objects.get(ident="2025-WMO-IB-12345678").agreed_clients == 130
    assert m.Contract.objects.count() == 1


BAD = {
    "unknown key": (
        lambda t: t.replace('name = "Zorggroep Noord"', 'name = "Zorggroep Noord"\nkleur = "blauw"'),
        "provider '12345678'",
        "unknown key 'kleur'",
    ),
    "bad CBS code": (
        lambda t: t.replace('code = "0983"', 'code = "983"'),
        "municipality '983'",
        "CBS code of 4 digits",
    ),
    "bad AGB code": (
        lambda t: t.replace('agb = "12345678"', 'agb = "1234567X"'),
        "provider '1234567X'",
        "AGB code of 8 digits",
    ),
    "contract outside its funding model": (
        lambda t: t.replace("price_per_client = 850000", "price_per_client = 0"),
        "contract '2025-WMO-IB-12345678'",
        "price_per_client must be > 0 for funding model per_client",
    ),
    "tariff outside the segment": (
        lambda t: t.replace('tariffs = { "02A01" = 6550 }', 'tariffs = { "45A01" = 6550 }'),
        "contract '2025-WMO-IB-12345678'",
        "tariff for product '45A01' that is not in segment 'WMO-IB'",
    ),
    "more providers than the segment's maximum": (
        lambda t: (
            t.replace("max_providers = 20", "max_providers = 1")
            + SECOND_PROVIDER
            + """
[[contract]]
id = "2025-WMO-IB-87654321"
provider = "87654321"
segment = "WMO-IB"
municipalities = ["0983"]
start = 2025-01-01
end = 2025-12-31
agreed_clients = 10
price_per_client = 850000
"""
        ),
        "segment 'WMO-IB'",
        "has 2 providers under contract in 2025, more than its max_providers 1",
    ),
    "overlapping contracts": (
        lambda t: (
            t
            + """
[[contract]]
id = "2025b-WMO-IB-12345678"
provider = "12345678"
segment = "WMO-IB"
municipalities = ["0983"]
start = 2025-07-01
end = 2026-06-30
agreed_clients = 10
price_per_client = 850000
"""
        ),
        "contract '2025b-WMO-IB-12345678'",
        "overlaps contract '2025-WMO-IB-12345678' for municipality '0983'",
    ),
    "unknown reference": (
        lambda t: t.replace('segment = "WMO-IB"\nyear', 'segment = "WMO-XX"\nyear'),
        "budget '0983/WMO-XX/2025'",
        "segment 'WMO-XX' is not in the catalog",
    ),
    "not TOML": (lambda t: t + "\n[[contract]\n", "file", "is not valid TOML"),
    "target of no indicator": (
        lambda t: t.replace("price_per_client = 850000", "price_per_client = 850000\ntargets = { max_happiness = 1 }"),
        "contract '2025-WMO-IB-12345678'",
        "target 'max_happiness' names no indicator",
    ),
    "target not a number": (
        lambda t: t.replace(
            "price_per_client = 850000", 'price_per_client = 850000\ntargets = { sustainable_outflow_rate = "hoog" }'
        ),
        "contract '2025-WMO-IB-12345678'",
        "target 'sustainable_outflow_rate' must be a number >= 0",
    ),
    "dialogue cadence": (
        lambda t: t.replace('name = "Zorggroep Noord"', 'name = "Zorggroep Noord"\ndialogue_every_weeks = 0'),
        "provider '12345678'",
        "dialogue_every_weeks must lie in 1..104",
    ),
}


def test_cadence_and_targets_are_stored(db: None, tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace(
        "price_per_client = 850000",
        "price_per_client = 850000\ntargets = { sustainable_outflow_rate = 0.6, max_median_duration_days = 180 }",
    )
    text = text.replace('name = "Zorggroep Noord"', 'name = "Zorggroep Noord"\ndialogue_every_weeks = 3')
    assert main(["catalog", "load", str(write(tmp_path, text))]) == 0
    contract = m.Contract.objects.get(ident="2025-WMO-IB-12345678")
    assert contract.targets == {"sustainable_outflow_rate": 0.6, "max_median_duration_days": 180}
    assert m.Provider.objects.get(agb="12345678").dialogue_every_weeks == 3
    assert contract.to_core().targets == contract.targets


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_catalog_is_rejected_and_changes_nothing(
    case: str, db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["catalog", "load", str(EXAMPLE)])
    before = snapshot()
    mutate, entry, rule = BAD[case]
    bad = write(tmp_path, mutate(EXAMPLE.read_text().replace("agreed_clients = 120", "agreed_clients = 121")))
    capsys.readouterr()
    assert main(["catalog", "load", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and entry in err and rule in err, err
    assert snapshot() == before


def test_rejection_in_json(db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, EXAMPLE.read_text().replace('code = "0983"', 'code = "98"'))
    assert main(["catalog", "load", str(bad), "--json"]) == 1
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert doc == {
        "file": str(bad),
        "loaded": False,
        "error": {"entry": "municipality '98'", "rule": "code must be a CBS code of 4 digits"},
    }
    assert re.search(r"CBS code", out.err)


def test_missing_file_and_usage(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "load", "/nonexistent/catalog.toml"]) == 1
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["catalog", "frobnicate"])
    assert exit_info.value.code == 2


def test_all_or_nothing_when_storing_fails(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure halfway through storing rolls back everything stored before it."""
    from regie.catalog import loader

    main(["catalog", "load", str(EXAMPLE)])
    before = snapshot()
    changed = write(tmp_path, EXAMPLE.read_text().replace('name = "Venlo"', 'name = "Venlo-Noord"'))
    original = loader._upsert

    def failing(result, kind, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kind == "budget":
            raise RuntimeError("disk full")
        return original(result, kind, *args, **kwargs)

    monkeypatch.setattr(loader, "_upsert", failing)
    with pytest.raises(RuntimeError):
        main(["catalog", "load", str(changed)])
    assert snapshot() == before


def test_innovation_fund_is_loaded_by_year(db: None, tmp_path: Path) -> None:
    fund = "\n[[innovation_fund]]\nyear = 2025\namount = 10000000\n"
    assert main(["catalog", "load", str(write(tmp_path, EXAMPLE.read_text() + fund))]) == 0
    assert list(m.InnovationFund.objects.values_list("year", "amount")) == [(2025, 10_000_000)]
    assert (
        main(["catalog", "load", str(write(tmp_path, EXAMPLE.read_text() + fund.replace("10000000", "9000000")))]) == 0
    )
    assert list(m.InnovationFund.objects.values_list("year", "amount")) == [(2025, 9_000_000)]
    assert [(f.year, f.amount) for f in stored_catalog().innovation_funds] == [(2025, 9_000_000)]


@pytest.mark.parametrize(
    ("fund", "rule"),
    [
        ("year = 2025\namount = -1", "amount must be >= 0"),
        ("year = 2025\namount = 1\n\n[[innovation_fund]]\nyear = 2025\namount = 2", "appears twice"),
        ("year = 2025", "missing key 'amount'"),
    ],
)
def test_a_bad_innovation_fund_is_rejected(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], fund: str, rule: str
) -> None:
    bad = write(tmp_path, EXAMPLE.read_text() + "\n[[innovation_fund]]\n" + fund + "\n")
    assert main(["catalog", "load", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "innovation_fund" in err and rule in err, err
