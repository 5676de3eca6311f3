"""Running ``regie`` in other processes against databases of their own, and reading what they stored.

Tests of concurrent and killed runs need real processes and a database that several of them
share: a SQLite file under the test's ``tmp_path``, or, when the suite runs on PostgreSQL
(``DATABASE_URL=postgres://...``), a database of its own beside the suite's
(``<name>_<suffix>_<worker>``), dropped afterwards.

``python -m tests.traffic.processes [--book YEAR ...]`` prints what the database named by
``DATABASE_URL`` holds as one JSON document (without row ids and clock times), optionally after
booking the ledger of some years.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
REGIE = str(Path(sys.executable).with_name("regie"))
KEYS = {"REGIE_PSEUDONYM_KEY": "test-pseudonym-key", "REGIE_SECRET_KEY": "test-secret-key-for-subprocesses"}


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _admin(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


@contextmanager
def database(tmp_path: Path, suffix: str) -> Iterator[str]:
    """A fresh, empty database for other processes; its ``DATABASE_URL``."""
    if not on_postgres():
        yield f"sqlite:///{tmp_path / (suffix + '.sqlite3')}"
        return
    base = os.environ["DATABASE_URL"]
    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/')}_{suffix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with _admin(base) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with _admin(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    return {**env, **KEYS, "DATABASE_URL": url, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}


def regie(url: str, *args: str | Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``regie ARGS`` against ``url`` to its end."""
    done = subprocess.run(
        [REGIE, *map(str, args)], env=environment(url), cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    if check and done.returncode not in (0, 1):
        raise AssertionError(f"regie {args}: exit {done.returncode}\n{done.stderr}")
    return done


def start(url: str, *args: str | Path, output: Path | None = None) -> subprocess.Popen[str]:
    """Start ``regie ARGS`` against ``url``: stdout and stderr piped as text, or both written to
    ``output`` (``.out`` and ``.err``)."""
    if output is None:
        return subprocess.Popen(
            [REGIE, *map(str, args)],
            env=environment(url),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    with open(output.with_suffix(".out"), "w") as out, open(output.with_suffix(".err"), "w") as err:
        return subprocess.Popen([REGIE, *map(str, args)], env=environment(url), cwd=ROOT, stdout=out, stderr=err)


def wait_for(process: subprocess.Popen[str], output: Path, text: str) -> bool:
    """Wait until ``text`` appears in the stderr file of a process started with ``output``
    (True), or the process ends without it (False)."""
    err = output.with_suffix(".err")
    while True:
        ended = process.poll() is not None
        if text in err.read_text():
            return True
        if ended:
            return False
        time.sleep(0.1)


def lock_held_by(url: str, process: subprocess.Popen[str]) -> bool:
    """Whether ``process`` holds the ingest lock of the database ``url`` (a run says who it is:
    in the lock file on SQLite, as its connection's application name on PostgreSQL)."""
    who = f"proces {process.pid} "
    if url.startswith("sqlite:///"):
        lock = Path(url.removeprefix("sqlite:///") + ".ingest-lock")
        return lock.exists() and who in lock.read_text(encoding="utf-8")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE %s",
            [f"regie ingest, {who}%"],
        ).fetchone()
    return bool(row and row[0])


@contextmanager
def hold_lock(url: str) -> Iterator[None]:
    """Hold the ingest lock of the database ``url`` from this process, as a running ingest would."""
    from regie.traffic.runlock import LOCK_KEY

    if url.startswith("sqlite:///"):
        with open(url.removeprefix("sqlite:///") + ".ingest-lock", "a+", encoding="utf-8") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            lock.write(f"de test (proces {os.getpid()})")
            lock.flush()
            try:
                yield
            finally:
                lock.truncate(0)
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def stored(url: str, book: tuple[int, ...] = ()) -> dict[str, Any]:
    """What the database ``url`` holds (see the module docstring), read by another process."""
    args = [sys.executable, "-m", "tests.traffic.processes"] + [a for y in book for a in ("--book", str(y))]
    done = subprocess.run(args, env=environment(url), cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _dump(book: list[int]) -> dict[str, Any]:
    from regie.cli.common import setup_django

    setup_django()
    from regie.funding.models import LedgerLine
    from regie.funding.services import refresh_ledger
    from regie.monitor.models import Snapshot
    from regie.traffic import models as m

    for year in book:
        refresh_ledger(year)

    def rows(qs: Any, *fields: str) -> list[list[Any]]:
        return sorted(([str(v) for v in row] for row in qs.values_list(*fields)), key=str)

    return {
        "messages": rows(m.Message.objects, "content_hash", "status", "records", "rejected_records"),
        "episodes": rows(m.Episode.objects, "key", "client", "start", "end", "start_arrival", "end_arrival", "segment"),
        "lines": rows(m.DeclarationLine.objects, "line_id", "amount_cents", "accepted", "retour_code"),
        "allocations": rows(m.AllocationVersion.objects, "number", "begin", "end", "arrival"),
        "requests": rows(m.Request.objects, "request_id", "kind", "client", "registered"),
        "signals": rows(m.Signal.objects, "key", "kind", "raised_on"),
        "rejections": rows(m.Rejection.objects, "message__content_hash", "record", "code"),
        "objections": rows(m.Objection.objects, "objection_id", "decided", "upheld"),
        "ledger": rows(
            LedgerLine.objects,
            "year",
            "contract",
            "provider",
            "segment",
            "municipality",
            "month",
            "kind",
            "rule",
            "amount_cents",
            "ref",
        ),
        "snapshots": sorted(
            (
                [
                    s.kind,
                    s.year,
                    str(s.as_of),
                    s.key,
                    json.dumps(s.params, sort_keys=True),
                    json.dumps(s.rows, sort_keys=True, default=str),
                ]
                for s in Snapshot.objects.all()
            ),
            key=str,
        ),
        "todo": list(m.RefreshTodo.objects.order_by("year").values_list("year", flat=True)),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--book", type=int, action="append", default=[])
    json.dump(_dump(parser.parse_args().book), sys.stdout, default=str)
