"""The scenario has what the seeds describe: seasonality, step-downs, re-entries, waiting times,
objections, late and very late declarations, corrections, a deficit, an upcoder, a silent core
partner, and the CSV files say what the truth set says."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import defaultdict
from functools import cache
from typing import Any

import numpy as np
import polars as pl
import pytest

from regie.synth import build
from regie.synth import calendar as cal
from regie.synth.profiles import PROFILE_SPECS
from regie.synth.simulate import World, simulate

from .conftest import YEAR, Region


@cache
def world(profile: str) -> World:
    """The latent scenario at scale 1 (fast: no messages)."""
    return simulate(PROFILE_SPECS[profile], YEAR, 1, 1.0)


def followups(episodes: pl.DataFrame) -> list[tuple[dict[str, Any], dict[str, Any], int]]:
    """(ended episode, next episode of the same client in the same domain, gap in days)."""
    by_client: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in episodes.sort("start").iter_rows(named=True):
        by_client[(row["client"], row["domain"])].append(row)
    out = []
    for rows in by_client.values():
        for a in rows:
            if a["end"] is None:
                continue
            later = [b for b in rows if b["start"] >= a["end"] and b is not a]
            if later:
                out.append((a, later[0], (later[0]["start"] - a["end"]).days))
    return out


def test_step_downs_and_re_entries_within_and_after_their_windows(region: Region) -> None:
    pairs = followups(region.truth["episodes"])
    assert any(b["weight"] < a["weight"] and gap <= 30 for a, b, gap in pairs)
    assert any(b["segment"] == a["segment"] and gap < 182 for a, b, gap in pairs)
    assert any(b["segment"] == a["segment"] and gap > 182 for a, b, gap in pairs)


@pytest.mark.parametrize("profile", ["venlo", "amsterdam"])
def test_some_step_downs_come_later_than_30_days(profile: str) -> None:
    e = world(profile).episodes
    ends = dict(zip(e["episode"].to_list(), e["end"].to_list(), strict=True))
    gaps = [s - ends[p] for s, p in e.filter(pl.col("link") == "step_down").select("start", "parent").iter_rows()]
    assert sum(g <= 30 for g in gaps) > 3 * sum(g > 30 for g in gaps) > 0


@pytest.mark.parametrize("profile", ["venlo", "amsterdam"])
def test_fewer_starts_in_summer_and_late_december(profile: str) -> None:
    e = world(profile).episodes.filter(~pl.col("transition"))
    starts = np.asarray(e["start"].to_numpy(), dtype=np.int64)
    month = cal.month_number(starts)
    dom = starts - cal.month_start(starts) + 1
    per_day = {m: (month == m).sum() / 31 for m in (7, 8, 9, 10)}
    assert per_day[7] + per_day[8] < 0.75 * (per_day[9] + per_day[10])
    assert ((month == 12) & (dom >= 20)).sum() / 12 < 0.5 * ((month == 12) & (dom < 20)).sum() / 19


def test_jeugd_care_ends_before_the_summer_holiday() -> None:
    e = world("amsterdam").episodes.filter(pl.col("end").is_not_null())
    month = cal.month_number(np.asarray(e["end"].to_numpy(), dtype=np.int64))
    assert (month == 6).sum() > 1.3 * (month == 8).sum()


def test_waiting_times(region: Region) -> None:
    e = region.truth["episodes"].filter(pl.col("request_date").is_not_null())
    waits = [(s - r).days for s, r in e.select("start", "request_date").iter_rows()]
    assert all(w >= 0 for w in waits)
    assert 10 <= statistics.median(waits) <= 90
    assert any(w > 42 for w in waits) and any(w <= 42 for w in waits)
    assert region.truth["episodes"].filter(pl.col("request_date").is_null()).height > 0


def test_objections_some_upheld(region: Region) -> None:
    o = region.truth["objections"]
    assert set(o["kind"].to_list()) == {"bezwaar", "beroep"}
    assert set(o["upheld"].drop_nulls().to_list()) == {True, False}
    assert (o["arrival"] >= o["filed"]).all()


def test_late_and_very_late_declarations(region: Region) -> None:
    d = region.truth["declarations"].filter(pl.col("accepted"))
    deadline = pl.date(pl.col("care_month").dt.year(), pl.col("care_month").dt.month(), 15).dt.offset_by("2mo")
    late = d.filter(pl.col("arrival") > deadline)
    assert 0 < late.height < 0.15 * d.height
    very = late.filter((pl.col("arrival") - deadline).dt.total_days() > 120)
    assert very.height > 0
    months = {dt.date.fromisoformat(m) for m in region.scenario["very_late_declarations"]["care_months"]}
    assert (
        set(
            very.filter(pl.col("provider") == region.scenario["very_late_declarations"]["provider"])[
                "care_month"
            ].to_list()
        )
        & months
    )


def test_credits_follow_their_debits(region: Region) -> None:
    d = region.truth["declarations"]
    credits = d.filter(pl.col("amount_cents") < 0)
    assert credits.height > 0
    debits = d.filter(pl.col("amount_cents") > 0)
    for row in credits.iter_rows(named=True):
        same = debits.filter(
            (pl.col("client") == row["client"])
            & (pl.col("allocation_number") == row["allocation_number"])
            & (pl.col("care_month") == row["care_month"])
            & (pl.col("arrival") < row["arrival"])
            & (pl.col("amount_cents") == -row["amount_cents"])
        )
        assert same.height >= 1


def test_deficit_segment_passes_its_budget(region: Region) -> None:
    deficit = region.scenario["deficit"]
    assert deficit["per_municipality"]
    for row in deficit["per_municipality"]:
        assert 0.05 <= row["overrun"] <= 0.15 + 1e-3
    for row in region.scenario["spending"]:
        if row["segment"] != deficit["segment"] or row["year"] != YEAR:
            assert row["expected_spending_cents"] <= row["budget_cents"]


@pytest.mark.parametrize("profile", ["venlo", "amsterdam"])
def test_the_upcoder_shifts_to_the_most_expensive_products(profile: str) -> None:
    w = world(profile)
    spec = PROFILE_SPECS[profile]
    seg = next(s for s in spec.segments if s.code == w.roles.upcoding_segment)
    tariffs = sorted((p.tariff for p in seg.products), reverse=True)
    top = {p.code for p in seg.products if p.tariff >= tariffs[len(tariffs) // 3 - 1]}
    e = w.episodes.filter(pl.col("segment") == seg.code).with_columns(pl.col("product").is_in(sorted(top)).alias("top"))
    month = cal.day(w.roles.upcoding_from)
    up, peers = pl.col("provider") == w.roles.upcoder, pl.col("provider") != w.roles.upcoder
    before = e.filter(up & (pl.col("start") < month))["top"].mean()
    after = e.filter(up & (pl.col("start") >= month))["top"].mean()
    peers_after = e.filter(peers & (pl.col("start") >= month))["top"].mean()
    assert isinstance(before, float) and isinstance(after, float) and isinstance(peers_after, float)
    assert after > before + 0.15 and after > peers_after + 0.15


def test_the_venlo_upcoder_gets_more_hours() -> None:
    traffic = build("venlo", YEAR, 1, 0.3)[1]
    e = traffic.episodes.filter((pl.col("segment") == "JGD-AMB") & pl.col("allocating"))
    spec = PROFILE_SPECS["venlo"]
    month = cal.day(dt.date(YEAR + spec.upcoding_from[0], spec.upcoding_from[1], 1))
    upcoder = traffic.episodes.filter(pl.col("upcoded"))["provider"][0]
    mine = e.filter(pl.col("provider") == upcoder)
    before = mine.filter(pl.col("start") < month)["volume"].mean()
    after = mine.filter(pl.col("start") >= month)["volume"].mean()
    assert isinstance(before, float) and isinstance(after, float)
    assert after > 1.2 * before


def test_venlo_segments_and_contracts(venlo: Region) -> None:
    c = venlo.catalog
    assert {s.code: s.funding_model for s in c.segments} == {
        "WMO-IB": "per_client",
        "WMO-BW": "per_client",
        "JGD-AMB": "pxq",
        "PART": "outcome",  # participation per module (regie.synth.participation)
    }
    assert all(s.max_providers == 20 for s in c.segments)
    index = (1 + PROFILE_SPECS["venlo"].indexation) ** 3
    for contract in c.contracts:
        if contract.segment == "WMO-IB":
            assert 600_000 * 0.95 <= contract.price_per_client <= 1_000_000 * index * 1.05
        elif contract.segment == "WMO-BW":
            assert 4_500_000 * 0.95 <= contract.price_per_client <= 7_000_000 * index * 1.05
        elif contract.segment == "PART":
            assert set(contract.tariffs.values()) == {360000, 280000, 200000}
        else:
            assert all(6000 <= t <= 11_500 for t in contract.tariffs.values())
    # the price x volume contract runs two years and is then extended twice by a year; the
    # last period runs to 30 June of the next year with two options of a year-end each
    amb = [x for x in c.contracts if x.segment == "JGD-AMB"]
    periods = sorted({(x.start.year, x.end.year) for x in amb})
    assert periods == [(YEAR - 3, YEAR - 2), (YEAR - 1, YEAR - 1), (YEAR, YEAR + 1)]
    last = [x for x in amb if x.start.year == YEAR]
    assert {(x.end, x.extensions) for x in last} == {
        (dt.date(YEAR + 1, 6, 30), (dt.date(YEAR + 1, 12, 31), dt.date(YEAR + 2, 12, 31)))
    }


def test_amsterdam_core_partners_and_subcontractors(amsterdam: Region) -> None:
    c = amsterdam.catalog
    core = [p for p in c.providers if p.core_partner]
    assert len(core) == 10 and sum(1 for p in core if p.members) == 4
    assert sum(len(p.members) for p in core) + 10 - 4 == 21
    # residential care from providers outside the core partners (the subcontractors), and
    # from two core partners (regie.synth.consortia), so the subcontracted share is below 1
    residential = {x.provider for x in c.contracts if x.segment == "JGD-VERBLIJF"}
    assert len(residential & {p.agb for p in core}) == 2
    assert set(amsterdam.scenario["subcontractors"]) == residential - {p.agb for p in core}
    assert next(s for s in c.segments if s.code == "JGD-VERBLIJF").max_subcontracted_share == 0.75
    starts = {m: min(x.start for x in c.contracts if m in x.municipalities) for m in ("0363", "0384", "0437", "0451")}
    assert starts["0363"] == dt.date(YEAR - 3, 1, 1)
    assert {starts[m] for m in ("0384", "0437", "0451")} == {dt.date(YEAR - 2, 1, 1)}
    assert len(next(m for m in c.municipalities if m.code == "0363").areas) == 22


def test_amsterdam_lump_sums(amsterdam: Region) -> None:
    segments = {s["code"]: s for s in amsterdam.scenario["segments"]}
    for contract in amsterdam.catalog.contracts:
        seg = segments[contract.segment]
        if seg["funding_model"] != "lump_sum":
            continue
        first = dt.date(YEAR - 3 if "0363" in contract.municipalities else YEAR - 2, 1, 1)
        index = (1 + PROFILE_SPECS["amsterdam"].indexation) ** (contract.start.year - first.year)
        products = seg["products"].values()
        tariff = sum(p["share"] * round(p["tariff_cents"] * index) for p in products) / sum(
            p["share"] for p in products
        )
        expected = contract.expected_clients * tariff * (1 - contract.savings_target)
        assert contract.lump_sum == round(expected, -2)
        assert contract.savings_target == PROFILE_SPECS["amsterdam"].savings_target


def read_csv(path: Any) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_silent_core_partner_reports_by_csv(amsterdam: Region) -> None:
    silent = amsterdam.scenario["silent_core_partner"]
    agb = silent["provider"]
    assert not list((amsterdam.path / "messages").rglob(f"*_{agb}_*.xml"))
    first_seen: dict[tuple[str, str, str], str] = {}
    ended: dict[tuple[str, str, str], tuple[str, str]] = {}
    for name in silent["csv_files"]:
        for row in read_csv(amsterdam.path / name):
            key = (row["bsn"], row["product_code"], row["start"])
            first_seen.setdefault(key, row["reported_on"])
            if row["end"]:
                ended.setdefault(key, (row["end"], row["reported_on"]))
    truth = amsterdam.truth["episodes"].filter(pl.col("provider") == agb)
    assert truth.height == len(first_seen) > 0
    for row in truth.iter_rows(named=True):
        key = (row["client"], row["product_code"], row["start"].isoformat())
        assert first_seen[key] == row["start_arrival"].isoformat()
        assert row["episode_id"] == f"{row['client']}|{agb}|{row['product_code']}|{row['start'].isoformat()}"
        if row["end"] is not None:
            assert ended[key] == (row["end"].isoformat(), row["end_arrival"].isoformat())
    signal = amsterdam.truth["signals"].filter(pl.col("kind") == "no_start_stop_traffic")
    assert set(signal["provider"].to_list()) == {agb}


def test_waiting_list_csv_is_the_truth(amsterdam: Region) -> None:
    first: dict[str, dict[str, str]] = {}
    provider: dict[str, str] = {}
    for path in sorted((amsterdam.path / "csv").glob("*_requests.csv")):
        for row in read_csv(path):
            first.setdefault(row["request_id"], row)
            if row["provider"]:
                provider[row["request_id"]] = row["provider"]
    truth = amsterdam.truth["requests"]
    assert truth.height == len(first)
    for row in truth.iter_rows(named=True):
        reported = first[row["request_id"]]
        assert reported["reported_on"] == row["arrival"].isoformat()
        assert reported["registered"] == row["registered"].isoformat()
        assert (reported["bsn"], int(reported["urgency"])) == (row["client"], row["urgency"])
        assert provider.get(row["request_id"]) == row["provider"]


def test_objections_csv_is_the_truth(region: Region) -> None:
    latest: dict[str, dict[str, str]] = {}
    first: dict[str, str] = {}
    for path in sorted((region.path / "csv").glob("*_objections.csv")):
        for row in read_csv(path):
            first.setdefault(row["objection_id"], row["reported_on"])
            latest[row["objection_id"]] = row
    truth = region.truth["objections"]
    assert truth.height == len(latest)
    for row in truth.iter_rows(named=True):
        got = latest[row["objection_id"]]
        assert first[row["objection_id"]] == row["arrival"].isoformat()
        assert got["decided"] == (row["decided"].isoformat() if row["decided"] else "")
        assert got["upheld"] == ({True: "ja", False: "nee"}[row["upheld"]] if row["upheld"] is not None else "")
        assert (got["bsn"], got["kind"], got["filed"]) == (row["client"], row["kind"], row["filed"].isoformat())


def test_care_without_allocation_clients_have_no_episodes(region: Region) -> None:
    listed = region.scenario["care_without_allocation"]
    assert listed
    clients = {c["client"] for c in listed}
    assert not clients & set(region.truth["episodes"]["client"].to_list())
    signals = region.truth["signals"].filter(pl.col("kind") == "care_without_allocation")
    assert set(signals["client"].to_list()) == clients


def test_the_extender_has_most_repeated_extensions(region: Region) -> None:
    signals = region.truth["signals"].filter(pl.col("kind") == "repeated_extension")
    counts = signals.group_by("provider").len().sort(["len", "provider"], descending=[True, False])
    assert counts["provider"][0] == region.scenario["repeated_extension"]["provider"]
