"""``regie demo``: a second start keeps the database (and what users did) when nothing it was
built from changed, ingests only what arrived since, and every stage reports its progress as
plain lines when stderr is not a terminal."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from regie.cli import demo

BIN = Path(sys.executable).parent
YEAR = 2025
SCALE = 0.05


def start(directory: Path, today: str, *extra: str) -> str:
    """``regie demo --no-serve`` as a user would run it into a log file; returns its stderr."""
    done = subprocess.run(
        [
            str(BIN / "regie"),
            "demo",
            "--no-serve",
            "--first-pages-only",
            "--dir",
            str(directory),
            "--year",
            str(YEAR),
            "--scale",
            str(SCALE),
            "--today",
            today,
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def query(directory: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(directory / demo.DATABASE) as db:
        return list(db.execute(sql, args))


@pytest.mark.slow
def test_a_second_start_keeps_the_database_and_ingests_only_what_arrived(tmp_path: Path) -> None:
    first = start(tmp_path, "2025-06-15")
    # progress: a numbered line per stage with an estimate, and when it was done, as plain lines
    assert "[1/4] Synthetische regio Venlo (2025) genereren" in first
    assert "[2/4] Berichten en CSV-bestanden inlezen (tot en met vandaag)" in first
    assert first.count("(geschat: ongeveer") == 4 and first.count("klaar in") == 4
    assert "\x1b[" not in first  # no terminal control codes in a log
    logins = [line.split() for line in first.split("Inloggen met (wachtwoord regie-demo):\n")[1].splitlines()]
    assert [words[0] for words in logins] == ["gemeente", "inkoper", "aanbieder", "raad", "relatiebeheer"]
    assert logins[-1][1:3] == ["Relatiebeheerder", "van"], "a login's line is whole in a log, not wrapped"
    state = json.loads((tmp_path / demo.STATE).read_text())
    assert state["built"] and state["ingested_through"] == "2025-06-15"
    assert state["data"] == demo.data_fingerprint(YEAR, SCALE)
    assert set(state["figures"]) == {"ledger 2025", "figures 2025"}  # the first pages; the rest later
    snapshots = query(tmp_path, "select distinct as_of from monitor_snapshot")
    assert snapshots == [("2025-06-15",)]
    # the tender history of the region (regie.procurement.history): awarded, four eyes on every bid
    assert query(tmp_path, "select status from procurement_tender") == [("awarded",)]
    assert (
        query(tmp_path, "select count(distinct bid_id), count(*) from procurement_assessment")[0][1]
        == 2 * (query(tmp_path, "select count(*) from procurement_bid")[0][0])
    )

    # a user explains a signal
    (signal,) = query(tmp_path, "select id from traffic_signal order by id limit 1")[0]
    with sqlite3.connect(tmp_path / demo.DATABASE) as db:
        db.execute("update traffic_signal set status = 'explained', note = 'besproken' where id = ?", (signal,))
    files = query(tmp_path, "select count(*) from traffic_message")[0][0]

    second = start(tmp_path, "2025-06-30")
    assert "gehouden" in second and "genereren" not in second
    arrived = demo.arrived_by(tmp_path / "venlo", dt.date(2025, 6, 30), dt.date(2025, 6, 15))
    assert arrived and f"{demo.count(len(arrived))} bestanden" in second
    assert query(tmp_path, "select status, note from traffic_signal where id = ?", signal) == [
        ("explained", "besproken")
    ]
    assert query(tmp_path, "select count(*) from traffic_message")[0][0] > files
    state = json.loads((tmp_path / demo.STATE).read_text())
    assert state["ingested_through"] == "2025-06-30"

    third = start(tmp_path, "2025-06-30")
    assert "Geen nieuwe berichten sinds de vorige start." in third and "inlezen" not in third


def built(directory: Path, data: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / demo.DATABASE).write_bytes(b"kept")
    (directory / f"{demo.DATABASE}-wal").write_bytes(b"")
    demo.State(data=data, built="2025-06-15T10:00:00", ingested_through="2025-06-15").save(directory)


@pytest.mark.parametrize(
    ("data", "fresh", "kept"),
    [
        ("same", False, True),
        ("same", True, False),  # --fresh
        ("other region or code", False, False),
    ],
)
def test_the_database_is_kept_only_when_nothing_it_was_built_from_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: str, fresh: bool, kept: bool
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///unused")
    fingerprint = demo.data_fingerprint(YEAR, SCALE)
    built(tmp_path, fingerprint if data == "same" else data)
    rebuilt = demo.Demo(tmp_path, YEAR, SCALE, dt.date(2025, 6, 30)).prepare(fresh)
    assert rebuilt is not kept
    assert (tmp_path / demo.DATABASE).exists() is kept
    assert not (tmp_path / f"{demo.DATABASE}-wal").exists() or kept
    state = demo.State.load(tmp_path)
    assert state.data == fingerprint and bool(state.built) is kept


def test_a_build_that_never_finished_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///unused")
    built(tmp_path, demo.data_fingerprint(YEAR, SCALE))
    state = demo.State.load(tmp_path)
    state.built = ""
    state.save(tmp_path)
    assert demo.Demo(tmp_path, YEAR, SCALE).prepare(False) is True


def test_every_task_has_a_title_and_a_first_estimate() -> None:
    """The demo announces its background tasks with a title and an estimate; a task kind without
    a rate crashed ``regie demo`` right after it printed its URL (the example scenario)."""
    kinds = {task.split()[0] for task in demo.tasks(2026)}
    assert kinds <= set(demo.RATES) and kinds <= set(demo.TITLES)
