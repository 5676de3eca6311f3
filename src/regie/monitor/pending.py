"""An ingest and its refresh as one service, and the refresh's durable to-do (docs/adr/0005).

Each stored batch of files notes, in its own transaction, the years whose figures it can
change (:class:`regie.traffic.models.RefreshTodo`). :func:`finish` works through those
notes: per year it books the payment ledger (:func:`regie.funding.services.refresh_ledger`),
stores the snapshots the pages read (:func:`regie.monitor.services.refresh`) and deletes the
note, all in one transaction. A refresh stopped at any moment (Ctrl+C, kill -9, a full disk)
therefore leaves exactly the years still to do, and the next ingest or ``regie-manage
monitor_refresh`` does them.

:func:`ingest_and_refresh` is the one function every caller uses (the command line, the
demo, an upload; docs/adr/0023): it takes paths or received files, and holds the ingest lock
(:mod:`regie.traffic.runlock`) around the ingest, the waiting list's update and the refresh,
so a second run waits until all are done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import transaction

from regie.access import services as access
from regie.funding.services import refresh_ledger
from regie.monitor import services
from regie.traffic.ingest import Input, ProgressFactory, Summary, ingest
from regie.traffic.models import RefreshTodo
from regie.traffic.pgb import raise_pgb_signals
from regie.traffic.runlock import ingest_lock
from regie.traffic.subcontracting import raise_subcontracting_signals


def pending() -> list[int]:
    """The years whose ledger and snapshots are still to be refreshed."""
    return list(RefreshTodo.objects.order_by("year").values_list("year", flat=True))


def finish(
    years: Iterable[int] | None = None,
    *,
    announce: Callable[[int], None] | None = None,
    wait: bool = True,
    notify: Callable[[str], None] | None = None,
) -> list[int]:
    """Refresh every noted year (or only the noted ones among ``years``) as of today, under
    the ingest lock; returns the years done."""
    done: list[int] = []
    with ingest_lock(wait=wait, notify=notify):
        wanted = None if years is None else set(years)
        todo = [y for y in pending() if wanted is None or y in wanted]
        inputs = services.load_inputs() if todo else None
        for year in todo:
            if announce is not None:
                announce(year)
            with transaction.atomic():
                refresh_ledger(year)
                services.refresh(year, inputs=inputs)
                RefreshTodo.objects.filter(year=year).delete()
            done.append(year)
    return done


def ingest_and_refresh(
    inputs: Iterable[Input],
    progress: ProgressFactory | None = None,
    *,
    refresh: bool = True,
    wait: bool = True,
    notify: Callable[[str], None] | None = None,
    announce: Callable[[int], None] | None = None,
) -> Summary:
    """Ingest ``inputs`` (:func:`regie.traffic.ingest.ingest`), update the waiting list
        (:func:`regie.access.services.refresh`), raise the signals judged over all stored traffic
    (``pgb_shift``, ``subcontracting``) and then, unless ``refresh`` is false, finish every
        refresh still to do (this run's and any an earlier run left), holding the ingest lock for
        all of it.

        ``inputs`` are paths (files, folders, zip archives) or received files: an
        :class:`~regie.intake.sources.Upload` (a name and bytes or a binary file object) or an
        uploaded file as Django gives it (in memory or in a temporary file); each is reported under
        the name it came with. ``progress`` is called once with the number of steps of the ingest
        and returns the function told how many more are done
        (:data:`~regie.traffic.ingest.ProgressFactory`). ``notify`` hears when another run holds the
        lock (this one then waits, or with ``wait=False`` raises
        :class:`~regie.traffic.runlock.IngestBusy`); ``announce`` hears each year as its refresh
        starts. Raises :class:`~regie.intake.sources.IngestError` for a path that does not exist
        or a zip archive that cannot be read, before anything is stored."""
    with ingest_lock(wait=wait, notify=notify):
        summary = ingest(inputs, progress)
        access.refresh(signals=summary.signals)  # the waiting list: registrations, starts, waiting_norm
        # signals judged over all stored traffic, not one message: a PGB share rising after a
        # narrower contract period, subcontractors delivering more than the segment allows
        summary.signals["pgb_shift"] += raise_pgb_signals()
        summary.signals["subcontracting"] += raise_subcontracting_signals()
        summary.signals += Counter()  # drop the kinds that stayed at zero
        if refresh:
            finish(announce=announce)
    return summary
