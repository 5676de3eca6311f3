"""The truth set: frames conform to the engine's schemas, the catalog is valid, BSNs are test BSNs."""

from __future__ import annotations

import polars as pl
import pyarrow.parquet as pq

from regie.engine.frames import SCHEMAS, conform
from regie.messages import is_valid_bsn
from regie.synth.truth import ALLOCATIONS, CLIENTS, SIGNAL_KINDS, SIGNALS

from .conftest import TRUTH, YEAR, Region


def test_engine_frames_conform(region: Region) -> None:
    for kind in ("episodes", "declarations", "requests", "objections"):
        frame = region.truth[kind]
        assert frame.schema == pl.Schema(SCHEMAS[kind])
        assert conform(kind, frame).equals(frame)
        assert frame.height > 0


def test_own_frames_have_their_documented_schemas(region: Region) -> None:
    assert region.truth["signals"].schema == pl.Schema(SIGNALS)
    assert region.truth["allocations"].schema == pl.Schema(ALLOCATIONS)
    assert region.truth["clients"].schema == pl.Schema(CLIENTS)


def test_parquet_files_carry_no_timestamps(region: Region) -> None:
    for name in TRUTH:
        metadata = pq.read_metadata(region.path / "truth" / f"{name}.parquet").metadata or {}
        assert set(metadata) <= {b"ARROW:schema"}


def test_rows_are_in_a_fixed_order(region: Region) -> None:
    t = region.truth
    assert t["episodes"].equals(t["episodes"].sort(["start", "episode_id"]))
    assert t["declarations"].equals(t["declarations"].sort(["arrival", "line_id"]))
    assert t["episodes"]["episode_id"].is_unique().all()
    assert t["declarations"]["line_id"].is_unique().all()
    assert t["requests"]["request_id"].is_unique().all()
    assert t["objections"]["objection_id"].is_unique().all()


def test_clients_have_valid_unique_test_bsns(region: Region) -> None:
    clients = region.truth["clients"]
    assert clients["client"].is_unique().all()
    assert all(is_valid_bsn(b) and b.startswith("99") for b in clients["client"].to_list())
    known = set(clients["client"].to_list())
    assert set(region.truth["episodes"]["client"].to_list()) <= known
    declared = region.truth["declarations"].filter(pl.col("retour_code") != "0001")
    assert set(declared["client"].to_list()) <= known
    bad = region.truth["declarations"].filter(pl.col("retour_code") == "0001")
    assert bad.height >= 1 and not any(is_valid_bsn(b) for b in bad["client"].to_list())


def test_catalog_is_valid_and_complete(region: Region) -> None:
    catalog = region.catalog
    budgets = {(b.municipality, b.segment, b.year) for b in catalog.budgets}
    for segment in catalog.segments:
        for year in range(YEAR - 3, YEAR + 1):
            providers = {c.provider for c in catalog.contracts if c.segment == segment.code and c.active_in(year)}
            assert len(providers) <= segment.max_providers
        for c in catalog.contracts:
            if c.segment == segment.code:
                for m in c.municipalities:
                    for year in range(c.start.year, min(c.end.year, YEAR) + 1):
                        assert (m, segment.code, year) in budgets
    agbs = {p.agb for p in catalog.providers}
    members = {a for p in catalog.providers for a in p.members}  # consortium members send as themselves
    assert set(region.truth["episodes"]["provider"].to_list()) <= agbs | members
    segments = {s.code for s in catalog.segments}
    assert set(region.truth["episodes"]["segment"].to_list()) <= segments


def test_every_signal_kind_is_present(region: Region) -> None:
    kinds = set(region.truth["signals"]["kind"].to_list())
    # Venlo's providers send no start/stop-less care; Amsterdam's requests are registrations
    # on the waiting list, not 315s that a 301 or 319 answers
    # Amsterdam's contracts all end before its last day or more than six months after it;
    # only Venlo has PGB budgets and a tender, only Amsterdam core partners and subcontractors
    venlo = region.scenario["profile"] == "venlo"
    expected = set(SIGNAL_KINDS) - (
        {"no_start_stop_traffic", "subcontracting"} if venlo else {"request_unanswered", "contract_expiry", "pgb_shift"}
    )
    assert kinds == expected
    files = region.truth["signals"].filter(pl.col("file").is_not_null())["file"].to_list()
    assert all((region.path / f).is_file() for f in files)


def test_upcoding_signal_names_the_scenarios_provider(region: Region) -> None:
    signal = region.truth["signals"].filter(pl.col("kind") == "upcoding").row(0, named=True)
    up = region.scenario["upcoding"]
    assert (signal["provider"], signal["segment"], signal["care_month"].isoformat()) == (
        up["provider"],
        up["segment"],
        up["from"],
    )
