"""The demo's fund, dossiers and risks (regie.synth.dossiers): deterministic, every dossier a
cooperation of two distinct providers, every outcome present, some risks high and overdue."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from regie.engine.dossiers import risk_level
from regie.synth.dossiers import dossiers, funds, risks

AGBS = ["33333333", "11111111", "22222222", "44444444"]
TODAY = dt.date(2025, 6, 30)


def test_a_fund_for_each_year() -> None:
    assert [(f.year, f.amount) for f in funds("venlo", [2025, 2024, 2025])] == [(2024, 10_000_000), (2025, 10_000_000)]
    assert funds("amsterdam", [2025])[0].amount == 40_000_000


def test_dossiers_cooperate_and_show_every_outcome() -> None:
    planned = dossiers(AGBS, lead="22222222")
    assert planned == dossiers(list(reversed(AGBS)), lead="22222222")
    assert all(len(set(p.providers)) == 2 for p in planned)
    assert "22222222" in planned[0].providers and "22222222" in planned[-1].providers
    decisions = [p.decision for p in planned]
    assert [d[4] if d else None for d in decisions] == ["awarded", "awarded", "rejected", "rejected", None]
    assert [d[3] for d in decisions if d] == [False, False, False, True]  # one regular-service refusal
    assert sum(p.requested_share for p in planned if p.decision and p.decision[4] == "awarded") <= 1
    assert dossiers(["11111111"]) == []
    two = dossiers(["11111111", "22222222"])
    assert all(set(p.providers) == {"11111111", "22222222"} for p in two)


def test_risks_per_provider_some_high_some_overdue() -> None:
    contracts = [("C-1", "11111111"), ("C-2", "22222222"), ("C-0", "11111111"), ("C-3", "33333333")]
    planned = risks(contracts, TODAY)
    assert planned == risks(list(reversed(contracts)), TODAY)
    assert {r.contract for r in planned if r.provider == "11111111"} == {"C-0", "C-1"}
    assert {r.contract for r in planned if r.provider == "22222222"} == {"C-2"}
    assert any(risk_level(r.likelihood, r.impact) == "high" for r in planned)
    assert any(r.review_on < TODAY for r in planned)
    assert {r.owner for r in planned} == {"provider", "municipality"}


def test_risks_differ_per_provider() -> None:
    """Not the same few risks for everyone: the number, the scores and the statuses vary."""
    contracts = [(f"C-{n}", f"{10_000_000 + 7919 * n}") for n in range(12)]
    planned = risks(contracts, TODAY)
    per_provider = Counter(r.provider for r in planned)
    assert len(set(per_provider.values())) >= 5 and len(per_provider) < 12  # one provider has none
    assert len({(r.likelihood, r.impact) for r in planned}) >= 12
    assert {r.status for r in planned} == {"open", "mitigated", "closed"}
    assert {risk_level(r.likelihood, r.impact) for r in planned} == {"high", "medium", "low"}
