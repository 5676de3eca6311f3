"""Snapshots computed on demand: the figures of a year as of a date nobody computed yet.

The pages read snapshots (:mod:`regie.monitor.services`); a refresh stores them for today,
and any other year and as-of date a user chooses is computed when it is first asked for:
:func:`ensure` starts :func:`compute` for it in a thread of the web process and the page
says that it is computing, with how far it is, until the snapshots are stored. The next
visit of that date is instant.

At most one computation per year and date runs at a time, in any thread or process, on
SQLite and PostgreSQL alike: a computation first *claims* the date with a
:class:`~regie.monitor.models.Computation` row (unique per year and date; an insert or a
compare-and-set update, both atomic in the database). A claim whose process is gone (the
server was stopped) or that was not heard of for :data:`STALE` is taken over; a failed one
is tried again after :data:`RETRY_FAILED`, and until then the page shows why it failed.

The snapshots the pages need most (everything but the forecast's monthly history) are
stored first, in one transaction; the history follows (it reuses the month ends of the
year's other history snapshots whose inputs did not change, so it is usually quick).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from regie.monitor import services
from regie.monitor.models import Computation, Snapshot, insist

log = logging.getLogger(__name__)

#: A running claim not heard of for this long is taken over (its process hangs or is gone).
STALE = dt.timedelta(minutes=10)
#: A failed computation is tried again on a visit this long after it failed.
RETRY_FAILED = dt.timedelta(minutes=1)

HISTORY = Snapshot.Kind.FORECAST_HISTORY
#: What is stored first: everything but the forecast's monthly history.
FIRST_KINDS = [k for k in Snapshot.Kind.values if k != HISTORY]

State = Computation.State


def has_figures(year: int, as_of: dt.date) -> bool:
    """Whether snapshots of ``year`` as of ``as_of`` are stored (any but the history, which
    follows the others): the pages then show them."""
    return Snapshot.objects.filter(year=year, as_of=as_of).exclude(kind=HISTORY).exists()


def this_owner() -> str:
    return f"{socket.gethostname()} {os.getpid()} {threading.current_thread().name}"


def owner_gone(owner: str) -> bool:
    """Whether the process named in ``owner`` (on this host) has ended."""
    parts = owner.split(" ")
    if len(parts) < 2 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False  # another host's, or unknown: only STALE decides
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _claimable(row: Computation, now: dt.datetime) -> bool:
    if row.state == State.DONE:
        return True
    if row.state == State.FAILED:
        return now - row.updated_at >= RETRY_FAILED
    return now - row.updated_at >= STALE or owner_gone(row.owner)


def claim(year: int, as_of: dt.date, *, retry_failed: bool = True) -> Computation | None:
    """Claim the computation of ``year`` as of ``as_of``; None when another one holds it (or
    it failed a moment ago and ``retry_failed``'s wait has not passed)."""
    now = timezone.now()
    fields = {
        "state": State.RUNNING,
        "owner": this_owner(),
        "stage": "",
        "step": 0,
        "steps": 0,
        "started_at": now,
        "updated_at": now,
        "error": "",
    }
    try:
        with transaction.atomic():
            return Computation.objects.create(year=year, as_of=as_of, **fields)
    except IntegrityError:
        pass
    row = Computation.objects.filter(year=year, as_of=as_of).first()
    if row is None or not (_claimable(row, now) or (not retry_failed and row.state == State.FAILED)):
        return None
    # compare-and-set: only one of several claimants sees its update land
    won = Computation.objects.filter(pk=row.pk, state=row.state, updated_at=row.updated_at).update(**fields)
    return Computation.objects.get(pk=row.pk) if won else None


def release(pk: int, error: str = "") -> None:
    """End a claim: done, or failed with ``error`` (insisted on: else the date looks busy
    until :data:`STALE`)."""
    state = State.FAILED if error else State.DONE
    insist(lambda: Computation.objects.filter(pk=pk).update(state=state, error=error[:2000], updated_at=timezone.now()))


def current(year: int, as_of: dt.date) -> Computation | None:
    """The computation of ``year`` as of ``as_of`` that runs now or failed, if any."""
    row = Computation.objects.filter(year=year, as_of=as_of).first()
    if row is None or row.state == State.DONE:
        return None
    return row


def typical_seconds() -> float | None:
    """How long the last finished on-demand computations took (the median of up to five)."""
    rows = Computation.objects.filter(state=State.DONE, steps__gt=0).order_by("-updated_at")[:5]
    took = sorted((r.updated_at - r.started_at).total_seconds() for r in rows)
    return took[len(took) // 2] if took else None


def _progress(pk: int, done: list[int]) -> Callable[[int], Callable[[int], None]]:
    def factory(_total: int) -> Callable[[int], None]:
        def advance(n: int) -> None:
            done[0] += n
            Computation.note(pk, step=done[0])

        return advance

    return factory


def compute(pk: int, year: int, as_of: dt.date) -> None:
    """Compute and store the snapshots of ``year`` as of ``as_of`` under the claim ``pk``:
    first everything but the history (one transaction), then the history; release the claim."""
    error = ""
    try:
        first = [job for job in services.jobs() if job.kind in FIRST_KINDS]
        done = [0]
        Computation.note(pk, stage="inputs", steps=len(first) + 2)
        inputs = services.load_inputs()
        done[0] = 1
        Computation.note(pk, stage="figures", step=1)
        services.refresh(year, as_of, inputs=inputs, kinds=FIRST_KINDS, progress=_progress(pk, done))
        Computation.note(pk, stage="history")
        services.refresh(year, as_of, inputs=inputs, kinds=[HISTORY], progress=_progress(pk, done))
    except Exception as exc:
        log.exception("berekening van %s per %s mislukt", year, as_of)
        error = f"{type(exc).__name__}: {exc}"
    finally:
        release(pk, error)


def _in_thread(pk: int, year: int, as_of: dt.date) -> None:
    try:
        compute(pk, year, as_of)
    finally:
        connection.close()  # this thread's own connection


def launch(pk: int, year: int, as_of: dt.date) -> None:
    """Run :func:`compute` beside the requests (a daemon thread: a stopped server leaves a
    claim whose process is gone, which the next visit takes over). Tests replace this."""
    name = f"regie-berekening-{year}-{as_of.isoformat()}"
    threading.Thread(target=_in_thread, args=(pk, year, as_of), name=name, daemon=True).start()


def ensure(year: int, as_of: dt.date) -> Computation | None:
    """None when the snapshots of ``year`` as of ``as_of`` are there; otherwise the
    computation that makes them (started now when none runs), or the one that failed."""
    if has_figures(year, as_of):
        return None
    row = claim(year, as_of)
    if row is not None:
        launch(row.pk, year, as_of)
        return Computation.objects.filter(pk=row.pk).first() or row
    row = current(year, as_of)
    if row is None and has_figures(year, as_of):  # finished between the two questions
        return None
    return row or Computation.objects.filter(year=year, as_of=as_of).first()


@contextmanager
def holding(year: int, as_of: dt.date, *, poll: float = 1.0) -> Iterator[int]:
    """Hold the claim of ``year`` as of ``as_of`` around a computation made elsewhere (the
    demo's), waiting while another holds it; yields the claim's id."""
    while (row := claim(year, as_of, retry_failed=False)) is None:
        time.sleep(poll)
    error = ""
    try:
        yield row.pk
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}" or "afgebroken"
        raise
    finally:
        release(row.pk, error)
