"""The indicators of a generated region agree with figures counted directly from its truth set.

The reference below is a plain, loop-by-loop reading of domain.md section 5 over the truth
rows (and lifelines for the Kaplan-Meier median), written apart from the engine's code.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import warnings
from collections import defaultdict
from functools import cache
from typing import Any

import pytest
from lifelines import KaplanMeierFitter

from regie.engine.indicators import indicators
from regie.synth import build

D = dt.date
YEAR = 2025


@cache
def region(profile: str) -> tuple[Any, Any, Any]:
    truth = build(profile, YEAR, seed=11, scale=0.03)[4]
    return truth.episodes(), truth.requests(), truth.objections()


def km_median(durations: list[int], observed: list[bool]) -> int | None:
    if not durations:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = KaplanMeierFitter().fit(durations, observed).median_survival_time_
    return None if math.isinf(value) else int(value)


def reference(
    episodes: list[dict[str, Any]], requests: list[dict[str, Any]], objections: list[dict[str, Any]], as_of: dt.date
) -> dict[str, dict[str, Any]]:
    first, last = D(YEAR, 1, 1), min(D(YEAR, 12, 31), as_of)
    known = []
    for r in episodes:
        if r["start_arrival"] > as_of or r["start"] > as_of:
            continue
        end = r["end"] if r["end"] is not None and r["end_arrival"] <= as_of and r["end"] <= as_of else None
        known.append({**r, "end": end})
    by_client = defaultdict(list)
    for r in known:
        by_client[(r["client"], r["domain"])].append(r)
    registrations = defaultdict(list)
    for q in requests:
        if q["arrival"] <= as_of:
            registrations[(q["client"], q["segment"])].append(q["registered"])

    out: dict[str, dict[str, Any]] = {}
    for provider in sorted({r["provider"] for r in known}):
        mine = [r for r in known if r["provider"] == provider]
        overlapping = [r for r in mine if r["start"] <= last and (r["end"] is None or r["end"] >= first)]
        if not overlapping:
            continue
        ended = [r for r in mine if r["end"] is not None and first <= r["end"] <= last]
        step_down = 0
        eligible = sustained = 0
        for r in ended:
            others = [o for o in by_client[(r["client"], r["domain"])] if o is not r]
            if any(0 <= (o["start"] - r["end"]).days <= 30 and o["weight"] < r["weight"] for o in others):
                step_down += 1
            if (as_of - r["end"]).days >= 182:
                eligible += 1
                if not any(0 <= (o["start"] - r["end"]).days <= 182 for o in others):
                    sustained += 1
        waits = []
        for r in mine:
            if not first <= r["start"] <= last:
                continue
            asked = r["request_date"]
            if asked is None:
                before = [d for d in registrations[(r["client"], r["segment"])] if d <= r["start"]]
                asked = max(before) if before else None
            if asked is not None and asked <= r["start"]:
                waits.append((r["start"] - asked).days)
        durations = [((r["end"] or as_of) - r["start"]).days for r in overlapping]
        filed = [
            o for o in objections if o["provider"] == provider and o["arrival"] <= as_of and first <= o["filed"] <= last
        ]
        out[provider] = {
            "clients": len({r["client"] for r in overlapping}),
            "inflow": sum(first <= r["start"] <= last for r in mine),
            "outflow": len(ended),
            "median_duration_days": km_median(durations, [r["end"] is not None for r in overlapping]),
            "step_down": step_down,
            "sustainable_outflow_rate": sustained / eligible if eligible else None,
            "waiting_median_days": float(statistics.median(waits)) if waits else None,
            "waiting_within_norm_share": sum(w <= 42 for w in waits) / len(waits) if waits else None,
            "objections": len(filed),
        }
    return out


@pytest.mark.parametrize("profile", ["venlo", "amsterdam"])
@pytest.mark.parametrize("as_of", [D(YEAR, 6, 30), D(YEAR + 1, 12, 31)])
def test_indicators_per_provider_match_the_truth_set(profile: str, as_of: dt.date) -> None:
    episodes, requests, objections = region(profile)
    got = indicators(episodes, year=YEAR, as_of=as_of, by=("provider",), requests=requests, objections=objections)
    expected = reference(episodes.to_dicts(), requests.to_dicts(), objections.to_dicts(), as_of)
    rows = {
        r.pop("provider"): r
        for r in got.drop(
            "cost_per_client_cents", "agreed_clients", "objections_upheld_share", "work_or_education_share"
        ).to_dicts()
    }
    # Providers with only an objection in the year have a row too; the rest must match exactly.
    assert set(expected) <= set(rows)
    for provider, figures in rows.items():
        if provider not in expected:
            assert figures["clients"] == 0 and figures["objections"] > 0
            continue
        assert figures == expected[provider], provider
    assert sum(e["inflow"] for e in expected.values()) > 0


@pytest.mark.parametrize("profile", ["venlo", "amsterdam"])
def test_inflow_per_provider_and_year_is_the_episodes_starting_that_year(profile: str) -> None:
    episodes = region(profile)[0]
    everything = D(2030, 1, 1)
    got = indicators(episodes, period=(D(YEAR - 3, 1, 1), D(YEAR + 1, 1, 1)), as_of=everything, by=("provider", "year"))
    counted: dict[tuple[str, int], int] = defaultdict(int)
    ended: dict[tuple[str, int], int] = defaultdict(int)
    for r in episodes.to_dicts():
        counted[(r["provider"], r["start"].year)] += 1
        if r["end"] is not None and r["end"].year <= YEAR:
            ended[(r["provider"], r["end"].year)] += 1
    assert {(p, y): n for p, y, n in got.select("provider", "year", "inflow").rows() if n} == dict(counted)
    assert {(p, y): n for p, y, n in got.select("provider", "year", "outflow").rows() if n} == dict(ended)
    # And the region's clients per year are the distinct clients in care that year.
    region_rows = indicators(episodes, period=(D(YEAR - 3, 1, 1), D(YEAR + 1, 1, 1)), as_of=everything, by=("year",))
    for y, n in region_rows.select("year", "clients").rows():
        in_care = {
            r["client"]
            for r in episodes.to_dicts()
            if r["start"] <= D(y, 12, 31) and (r["end"] is None or r["end"] >= D(y, 1, 1))
        }
        assert n == len(in_care)
