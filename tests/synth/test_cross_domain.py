"""The client across domains of a generated region agrees with its truth set (issue 19).

``truth/scenario.json`` holds ``cross_domain``: the reference year's clients per number of
domains, per combination and per pair of domains at once, counted by the generator loop by
loop from its truth frames, participation trajectories included where the region has them
(:func:`regie.synth.shared_clients.expected`), apart from the engine."""

from __future__ import annotations

import datetime as dt

import polars as pl

from regie.engine import frames
from regie.engine.calendar import Span
from regie.engine.crossdomain import cross_domain
from regie.engine.participation import as_episodes
from tests.synth.conftest import YEAR, Region


def computed(region: Region) -> dict[str, object]:
    episodes = region.truth["episodes"]
    if (region.path / "truth" / "trajectories.parquet").exists():  # participation (venlo)
        trajectories = pl.read_parquet(region.path / "truth" / "trajectories.parquet")
        episodes = pl.concat([frames.conform("episodes", episodes), as_episodes(trajectories, {})])
    result = cross_domain(episodes, period=Span.year(YEAR), as_of=dt.date(YEAR + 2, 1, 1))
    return {
        "year": YEAR,
        "clients": result.clients,
        "by_count": {str(n): c for n, c in result.by_count.items() if c},
        "combinations": {r["combination"]: r["clients"] for r in result.combinations if r["clients"]},
        "overlap_clients": {f"{r['domain_a']}+{r['domain_b']}": r["clients"] for r in result.domain_overlaps},
    }


def test_the_engine_finds_the_truths_clients_across_domains(region: Region) -> None:
    assert computed(region) == region.scenario["cross_domain"]


def test_venlo_has_clients_in_youth_care_and_wmo_at_once(venlo: Region) -> None:
    truth = venlo.scenario["cross_domain"]
    both = sum(n for combo, n in truth["combinations"].items() if {"jeugd", "wmo"} <= set(combo.split("+")))
    assert 0 < truth["overlap_clients"]["jeugd+wmo"] <= both
    # a small overlap: most clients stay in one domain
    assert truth["by_count"]["1"] > 4 * sum(n for k, n in truth["by_count"].items() if k != "1")
