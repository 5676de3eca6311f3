"""Runs that overlap or die: one ingest at a time (the lock), and a refresh that is made good.

The process tests start ``regie`` in other processes against a database of their own (a
SQLite file, or a PostgreSQL database beside the suite's when ``DATABASE_URL`` names
PostgreSQL: CI runs them on both).
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from regie.traffic import ingest as ingest_module
from regie.traffic import models as m
from regie.traffic.runlock import IngestBusy, ingest_lock
from tests.catalog.factories import load_file
from tests.traffic.processes import database, hold_lock, lock_held_by, regie, start, stored, wait_for

SMALL = ("venlo", 2025, 3, 0.05)


def _hold_lock_in_a_thread(release: threading.Event) -> tuple[threading.Thread, threading.Event]:
    """Another 'run' (a thread with its own database connection) takes the lock and keeps it
    until ``release`` is set."""
    taken = threading.Event()

    def other() -> None:
        try:
            with ingest_lock():
                taken.set()
                release.wait(60)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    assert taken.wait(60)
    return thread, taken


@pytest.mark.django_db(transaction=True)
def test_a_run_that_may_not_wait_is_told_that_one_is_running(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    release = threading.Event()
    thread, _ = _hold_lock_in_a_thread(release)
    try:
        with pytest.raises(IngestBusy, match="Er loopt al een inleesrun"):
            ingest_module.ingest([tmp_path / "empty.csv"], wait=False)
        assert not m.Message.objects.exists()
    finally:
        release.set()
        thread.join()
    ingest_module.ingest([tmp_path / "empty.csv"], wait=False)  # free again
    assert m.Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_run_says_one_is_running_and_waits_for_it(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    release = threading.Event()
    thread, _ = _hold_lock_in_a_thread(release)
    heard: list[str] = []

    def notify(text: str) -> None:
        heard.append(text)
        assert not m.Message.objects.exists()  # nothing read or stored while the other run holds the lock
        release.set()  # the other run ends now

    try:
        ingest_module.ingest([tmp_path / "empty.csv"], notify=notify)
    finally:
        release.set()
        thread.join()
    assert len(heard) == 1 and "Er loopt al een inleesrun" in heard[0] and "wacht" in heard[0]
    assert m.Message.objects.count() == 1


def test_the_lock_is_reentrant_within_a_run(db: None) -> None:
    with ingest_lock(), ingest_lock(wait=False):
        pass
    with ingest_lock(wait=False):  # and released after the outer block
        pass


@pytest.mark.slow
def test_two_ingests_at_once_end_as_one_clean_ingest(region_dir: Callable[..., Path], tmp_path: Path) -> None:
    """Issue 12, failure 1: ``regie ingest R/messages R/csv & regie ingest R/messages/202[567]-* &``,
    then ``regie ingest R/messages R/csv`` again: the same traffic, signals, ledger and snapshots
    as one clean run."""
    folder = region_dir("venlo", 2025, 2, 0.05)
    later = sorted((folder / "messages").glob("202[567]-*"))
    with database(tmp_path, "raced") as raced, database(tmp_path, "clean") as clean:
        for url in (raced, clean):
            assert regie(url, "catalog", "load", folder / "catalog.toml").returncode == 0
        output = {name: tmp_path / name for name in ("first", "second")}
        with hold_lock(raced):  # another run holds the lock: the first says so and waits ...
            first = start(raced, "ingest", folder / "messages", folder / "csv", "--json", output=output["first"])
            assert wait_for(first, output["first"], "Er loopt al een inleesrun"), "a run says that one is running"
        # ... and takes it when that run ends; then the second starts (as `regie ingest ... &
        # regie ingest ... &`) while the first reads, stores and refreshes, and waits for it
        while not lock_held_by(raced, first) and first.poll() is None:
            time.sleep(0.05)
        second = start(raced, "ingest", *later, "--json", output=output["second"])
        assert wait_for(second, output["second"], "Er loopt al een inleesrun"), "the second run waits"
        assert first.wait(timeout=900) in (0, 1) and second.wait(timeout=900) in (0, 1)
        errors = output["first"].with_suffix(".err").read_text() + output["second"].with_suffix(".err").read_text()
        assert "Traceback" not in errors and errors.count("wacht tot die klaar is") == 2
        for name in ("first", "second"):
            assert "files" in json.loads(output[name].with_suffix(".out").read_text())
        assert regie(raced, "ingest", folder / "messages", folder / "csv").returncode in (0, 1)
        assert regie(clean, "ingest", folder / "messages", folder / "csv").returncode in (0, 1)
        after_race, after_clean = stored(raced), stored(clean)
    assert after_clean["ledger"] and after_clean["snapshots"]
    for part in after_clean:
        assert after_race[part] == after_clean[part], part


@pytest.mark.slow
def test_a_refresh_killed_midway_is_finished_by_the_next_run(region_dir: Callable[..., Path], tmp_path: Path) -> None:
    """Issue 12, failure 4: kill -9 during the ledger/snapshot refresh, run again: the ledger and
    the snapshots equal those of one clean run."""
    folder = region_dir(*SMALL)
    files = sorted((folder / "messages").glob("2025-0[1-3]"))  # arrivals in 2025: refresh 2024 and 2025
    with database(tmp_path, "killed") as killed, database(tmp_path, "clean") as clean:
        for url in (killed, clean):
            assert regie(url, "catalog", "load", folder / "catalog.toml").returncode == 0
        assert regie(clean, "ingest", *files).returncode in (0, 1)
        run = start(killed, "ingest", *files)
        assert run.stderr is not None
        years = []
        for line in run.stderr:
            if "bijwerken" in line:
                years.append(line)
                if len(years) == 2:  # the first year is done, the second under way
                    run.send_signal(signal.SIGKILL)
                    break
        run.wait(timeout=60)
        assert run.returncode == -signal.SIGKILL, "killed during the refresh"
        midway = stored(killed)
        assert midway["todo"] == [2025]
        again = regie(killed, "ingest", *files)
        assert again.returncode in (0, 1) and "2025 bijwerken" in again.stderr
        after_kill, after_clean = stored(killed), stored(clean)
    assert after_kill["todo"] == after_clean["todo"] == []
    assert after_kill["ledger"] == after_clean["ledger"] and after_clean["ledger"]
    assert after_kill["snapshots"] == after_clean["snapshots"] and after_clean["snapshots"]
    assert after_kill == after_clean


@pytest.mark.django_db(transaction=True)
def test_monitor_refresh_finishes_what_an_ingest_left(tmp_path: Path, region_dir: Callable[..., Path]) -> None:
    from django.core.management import call_command

    from regie.funding.models import LedgerLine
    from regie.monitor.models import Snapshot

    folder = region_dir(*SMALL)
    load_file(folder / "catalog.toml")
    ingest_module.ingest(sorted((folder / "messages").glob("2025-0[1-2]")))
    assert list(m.RefreshTodo.objects.values_list("year", flat=True)) == [2024, 2025]
    call_command("monitor_refresh", verbosity=0)
    assert not m.RefreshTodo.objects.exists()
    assert set(Snapshot.objects.values_list("year", flat=True)) == {2024, 2025}
    assert LedgerLine.objects.filter(year=2025).exists()
