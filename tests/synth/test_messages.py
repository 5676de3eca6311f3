"""The messages of a generated region, read back independently, agree with its truth set.

Every file goes through ``regie.messages.read`` and the cross-message rules in arrival order
(:mod:`tests.synth.replay`): only the files and records the truth set names as faulty may be
rejected, and every accepted record must be in the truth set with the same values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import cache
from pathlib import Path

import polars as pl

from regie.synth import calendar as cal
from regie.synth.plan import PREFIX

from .conftest import Region
from .replay import Replay, replay

NAME = re.compile(r"^messages/(\d{4}-\d{2})/(\d{4}-\d{2}-\d{2})_(JW|WMO)(\d{3})_(\d{4}|\d{8})_([A-Z0-9]{1,12})\.xml$")


@cache
def _replayed(path: Path) -> Replay:
    return replay(path)


def replayed(region: Region) -> Replay:
    return _replayed(region.path)


def test_only_the_faulty_files_are_unreadable(region: Region) -> None:
    expected = {
        f["file"]: {"truncated": "RG03", "namespace": "RG04"}[f["fault"]] for f in region.scenario["faulty_files"]
    }
    assert replayed(region).unreadable == expected
    assert {f["fault"] for f in region.scenario["faulty_files"]} == {"truncated", "namespace"}
    for f in region.scenario["faulty_files"]:
        assert f["resent_as"] > f["file"]  # the resend arrives later and is read


def test_readable_messages_break_no_rule(region: Region) -> None:
    """Only declaration lines may be faulty on their own (bad BSN): no header, client or
    allocation, start, stop or request breaks a rule."""
    assert replayed(region).faults == []


def test_rejected_declaration_lines_are_exactly_the_truth(region: Region) -> None:
    got = {f"{line.provider}:{line.reference}": line.codes for line in replayed(region).lines.values() if line.codes}
    truth = region.truth["declarations"].filter(~pl.col("accepted"))
    expected = {line_id: (code,) for line_id, code in truth.select("line_id", "retour_code").iter_rows()}
    assert got == expected
    assert set(c for (c,) in expected.values()) == {"0001", "9321", "9338", "9340"}


def test_rejected_starts_are_the_care_without_allocation(region: Region) -> None:
    signals = region.truth["signals"].filter(
        (pl.col("kind") == "care_without_allocation") & pl.col("reference").is_null()
    )
    expected = sorted(signals.select("file", "provider", "allocation_number").iter_rows())
    assert sorted(replayed(region).rejected_starts) == expected
    assert expected


def test_every_truth_line_is_in_the_messages(region: Region) -> None:
    lines = replayed(region).lines
    truth = region.truth["declarations"]
    assert truth.height == len(lines)
    for row in truth.iter_rows(named=True):
        provider, reference = row["line_id"].split(":")
        line = lines[(provider, reference)]
        assert (line.bsn, line.allocation_number, line.code, line.care_month, line.arrival) == (
            row["client"],
            row["allocation_number"],
            row["product_code"],
            row["care_month"],
            row["arrival"],
        )
        assert (line.volume, line.unit, line.signed) == (row["volume"], row["unit"], row["amount_cents"])
        assert row["accepted"] == (not line.codes)


def test_episodes_are_the_starts_and_stops(region: Region) -> None:
    r = replayed(region)
    silent = (region.scenario["silent_core_partner"] or {}).get("provider")
    episodes = region.truth["episodes"].filter(pl.col("provider") != (silent or ""))
    assert episodes.height == len(r.starts)
    for row in episodes.iter_rows(named=True):
        key = (row["provider"], row["client"], row["allocation_number"] or row["product_code"], row["start"])
        assert r.starts[key] == row["start_arrival"]
        if row["end"] is None:
            assert key not in r.stops
        else:
            assert r.stops[key] == (row["end"], row["end_arrival"])
    assert len(r.stops) == episodes.filter(pl.col("end").is_not_null()).height


def test_late_signals_are_the_lines_after_the_deadline(region: Region) -> None:
    contracts = {
        (c.provider, c.segment, m, y): c
        for c in region.catalog.contracts
        for m in c.municipalities
        for y in range(c.start.year, c.end.year + 1)
    }
    late = set()
    for row in region.truth["declarations"].filter(pl.col("accepted")).iter_rows(named=True):
        month = row["care_month"]
        deadline = contracts[(row["provider"], row["segment"], row["municipality"], month.year)].deadline_for(month)
        if deadline is not None and row["arrival"] > deadline:
            late.add(row["line_id"])
    signals = region.truth["signals"].filter(pl.col("kind") == "late_declaration")
    assert {f"{p}:{r}" for p, r in signals.select("provider", "reference").iter_rows()} == late
    assert late


def test_repeated_extensions_are_counted_from_the_allocations(region: Region) -> None:
    r = replayed(region)
    extended = {number for number, n in r.extensions.items() if n >= region.scenario["repeated_extension"]["threshold"]}
    signals = region.truth["signals"].filter(pl.col("kind") == "repeated_extension")
    assert set(signals["allocation_number"].to_list()) == extended
    allocations = region.truth["allocations"]
    assert set(allocations.filter(pl.col("extensions") >= 3)["allocation_number"].to_list()) == extended


def test_file_names_sort_in_arrival_order(region: Region) -> None:
    dates = replayed(region).dates
    names = sorted(dates)
    arrivals = [dates[n][1] for n in names]
    assert arrivals == sorted(arrivals)
    seen: Counter[tuple[str, str, str]] = Counter()
    for name in names:
        m = NAME.match(name)
        assert m, name
        month, day, law, code, sender, ident = m.groups()
        assert dt.date.fromisoformat(day) == dates[name][1] and day.startswith(month)
        assert dates[name][0] == f"{law}{code}"
        assert ident.startswith(PREFIX[code]) and len(ident) <= 12
        seen[(sender, law + code, ident)] += 1
    for path in (region.path / "messages").rglob("*.xml"):
        m = NAME.match(str(path.relative_to(region.path)))
        assert m, path
    assert max(seen.values()) == 1  # identifications unique per sender and message type


def test_allocations_come_from_municipalities_and_the_rest_from_providers(region: Region) -> None:
    municipalities = {m.code for m in region.catalog.municipalities}
    # consortium members send under their own AGB codes (regie.synth.consortia)
    providers = {p.agb for p in region.catalog.providers} | {a for p in region.catalog.providers for a in p.members}
    for path in (region.path / "messages").rglob("*.xml"):
        m = NAME.match(str(path.relative_to(region.path)))
        assert m
        code, sender = m.group(4), m.group(5)
        assert sender in (municipalities if code in ("301", "319") else providers)


def test_venlo_requests_are_its_315_messages(venlo: Region) -> None:
    r = replayed(venlo)
    truth = venlo.truth["requests"]
    assert truth.height == len(r.requests)
    for row in truth.iter_rows(named=True):
        provider, reference = row["request_id"].split(":")
        assert r.requests[(provider, reference)] == row["arrival"] == row["registered"]


def test_venlo_refusals_are_its_319_messages(venlo: Region) -> None:
    """Every 319 refuses (VerzoekAntwoord 1, with a reason) a request the truth set calls
    refused, on the day it calls answered; no other request has a 319."""
    r = replayed(venlo)
    refused = venlo.truth["requests"].filter(pl.col("outcome") == "refused")
    expected = {tuple(row["request_id"].split(":")): row["answered"] for row in refused.iter_rows(named=True)}
    assert {key: day for key, (day, _, _) in r.replies.items()} == expected
    assert {answer for _, answer, _ in r.replies.values()} == {"1"}
    assert all(reason in ("2", "4", "6", "7") for _, _, reason in r.replies.values())


def test_declarations_for_year_y_arrive_into_the_next_year(region: Region) -> None:
    year = region.scenario["year"]
    d = region.truth["declarations"]
    later = d.filter((pl.col("care_month").dt.year() == year) & (pl.col("arrival").dt.year() == year + 1))
    assert later.height > 0
    assert d["arrival"].max() <= dt.date(year + 1, 12, 31)
    assert cal.date_of(0) == dt.date(1970, 1, 1)
