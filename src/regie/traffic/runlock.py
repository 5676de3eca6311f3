"""One ingest at a time: a lock on the database, held for a whole run (docs/adr/0005).

An ingest loads what earlier files established (the intake state, the known content hashes)
once and then applies the new files to it; a second run working at the same time would
apply its files to a state that misses the first run's, and its decisions (duplicates,
allocations, episodes, the ledger) would be wrong for good. So a run holds a lock from
before it reads the stored state until its refresh is done:

- **PostgreSQL**: a session advisory lock (``pg_advisory_lock``) on the run's connection.
  The server releases it when the connection ends, also when the process is killed;
- **SQLite**: an exclusive ``flock`` on a file beside the database file
  (``<database>.ingest-lock``); the operating system releases it when the process ends.

:func:`ingest_lock` first tries to take the lock; when another run holds it, it says so
(who and since when) and waits for it, or, with ``wait=False``, raises :class:`IngestBusy`
with that message (for a web upload, which should not hang). The lock is re-entrant within
a thread, so the service that ingests and then refreshes can hold it around both.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.db import connection

#: The advisory lock key of an ingest run ("REGI" in ASCII, below 2**31: pg_locks shows it as objid).
LOCK_KEY = 0x52454749
POLL_SECONDS = 0.5


class IngestBusy(RuntimeError):
    """Another ingest holds the lock (and the caller asked not to wait)."""


_local = threading.local()


def _whoami() -> str:
    return f"proces {os.getpid()} op {socket.gethostname()}, sinds {dt.datetime.now().strftime('%Y-%m-%d %H:%M:%S')}"


class _PostgresLock:
    def try_acquire(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            got = bool(cursor.fetchone()[0])
            if got:  # tell a waiting run who we are
                cursor.execute("SELECT set_config('application_name', %s, false)", [f"regie ingest, {_whoami()}"[:63]])
        return got

    def holder(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = %s AND l.granted",
                [LOCK_KEY],
            )
            row = cursor.fetchone()
        if row is None:
            return "onbekend"
        name, pid = row
        return str(name).removeprefix("regie ingest, ") if name else f"databaseproces {pid}"

    def release(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            cursor.execute("SELECT set_config('application_name', '', false)")


class _FileLock:
    def __init__(self) -> None:
        name = str(connection.settings_dict["NAME"])
        if connection.is_in_memory_db():  # a test database: one per process
            digest = hashlib.sha256(f"{name}|{os.getpid()}".encode()).hexdigest()[:16]
            self.path = Path(tempfile.gettempdir()) / f"regie-{digest}.ingest-lock"
        else:
            self.path = Path(name).with_name(Path(name).name + ".ingest-lock")
        self.file: IO[str] | None = None

    def try_acquire(self) -> bool:
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(_whoami())
        handle.flush()
        self.file = handle
        return True

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "onbekend"
        except OSError:
            return "onbekend"

    def release(self) -> None:
        if self.file is not None:
            self.file.seek(0)
            self.file.truncate()
            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
            self.file.close()
            self.file = None


def held() -> bool:
    """Whether this thread holds the ingest lock."""
    return getattr(_local, "depth", 0) > 0


@contextmanager
def ingest_lock(
    *, wait: bool = True, notify: Callable[[str], None] | None = None, timeout: float | None = None
) -> Iterator[None]:
    """Hold the ingest lock for the ``with`` block (see the module docstring).

    When another run holds it: with ``wait`` (the default), ``notify`` is told who holds it
    and the block starts when that run ends (or :class:`IngestBusy` after ``timeout``
    seconds); without ``wait``, :class:`IngestBusy` at once.
    """
    if held():
        _local.depth += 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    lock: _PostgresLock | _FileLock = _PostgresLock() if connection.vendor == "postgresql" else _FileLock()
    if not lock.try_acquire():
        busy = f"Er loopt al een inleesrun ({lock.holder()})."
        if not wait:
            raise IngestBusy(busy + " Probeer het later opnieuw.")
        if notify is not None:
            notify(busy + " Deze run wacht tot die klaar is.")
        deadline = None if timeout is None else time.monotonic() + timeout
        while not lock.try_acquire():
            if deadline is not None and time.monotonic() > deadline:
                raise IngestBusy(busy + f" Na {timeout:.0f} s gestopt met wachten.")
            time.sleep(POLL_SECONDS)
    _local.depth = 1
    try:
        yield
    finally:
        _local.depth = 0
        lock.release()
