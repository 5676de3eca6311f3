"""Progress of a long command on stderr, one stage at a time, with an estimate.

On a terminal a stage shows a rich progress bar; in a log file (or any stream that is not a
terminal) the same progress comes as plain lines: one when the stage starts (with its
estimate), one every :data:`EVERY_SECONDS` at most while it runs (done, total, time left) and
one when it is done, so a log shows where a start is and how long it will take.

>>> import io
>>> from rich.console import Console
>>> out = io.StringIO()
>>> with Stages(Console(file=out, width=100), 2).stage("Regio genereren", estimate=65) as step:
...     step.total(10)
...     step.advance(10)
>>> print(out.getvalue().splitlines()[0])
[1/2] Regio genereren (geschat: ongeveer 1 min 5 s)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from regie.formatting import count

#: In plain mode, a progress line at most this often (and at least once a stage).
EVERY_SECONDS = 15.0


def say(console: Console, text: str) -> None:
    """One line as it is: no markup, not wrapped (a log file keeps it whole)."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def duration(seconds: float) -> str:
    """A duration as people say it.

    >>> duration(4.2), duration(65), duration(125), duration(3700)
    ('4 s', '1 min 5 s', '2 min 5 s', '61 min 40 s')
    """
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


class Step:
    """The running stage: :meth:`total` sets how much work it has, :meth:`advance` reports work
    done. :meth:`factory` is the form ``regie.traffic.ingest.ProgressFactory`` (total -> advance).

    In plain mode a stage that reports no progress for :data:`EVERY_SECONDS` still says that
    it is busy, against its estimate (:meth:`heartbeat`)."""

    def __init__(
        self, console: Console, title: str, bar: Progress | None, prefix: str = "", estimate: float | None = None
    ) -> None:
        self.console = console
        self.prefix = prefix
        self.title = title
        self.bar = bar
        self.estimate = estimate
        #: on a terminal: a bar from the start (pulsing until the work is known)
        self.task: TaskID | None = bar.add_task(title, total=None) if bar is not None else None
        self.done = 0
        self.todo = 0
        self.started = time.monotonic()
        self.last_line = self.started
        self.lock = threading.Lock()

    def total(self, n: int) -> None:
        self.todo += n
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, total=self.todo)

    def factory(self, n: int) -> Callable[[int], None]:
        self.total(n)
        return self.advance

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task, n)
            return
        now = time.monotonic()
        if now - self.last_line >= EVERY_SECONDS and 0 < self.done < self.todo:
            self._say(now, self.line(now))

    def heartbeat(self) -> None:
        """A line when nothing was said for :data:`EVERY_SECONDS` (plain mode)."""
        now = time.monotonic()
        if now - self.last_line < EVERY_SECONDS:
            return
        if 0 < self.done < self.todo:
            self._say(now, self.line(now))
            return
        text = f"bezig: {duration(now - self.started)}"
        if self.estimate is not None:
            text += f" van geschat {duration(self.estimate)}"
        self._say(now, text)

    def _say(self, now: float, text: str) -> None:
        with self.lock:
            self.last_line = now
            say(self.console, f"{self.prefix}      {text}")

    def line(self, now: float) -> str:
        """``12.000 van 67.410 (18 %), nog ongeveer 50 s``."""
        share = min(self.done / self.todo, 1.0) if self.todo else 0.0
        text = f"{count(self.done)} van {count(self.todo)} ({share:.0%})".replace("%)", " %)")
        if share > 0.02:
            left = (now - self.started) * (1 - share) / share
            text += f", nog ongeveer {duration(left)}"
        return text


class Stages:
    """Numbered stages of one command: ``[2/4] Berichten inlezen (geschat: ongeveer 1 min)``."""

    def __init__(self, console: Console, of: int, prefix: str = "") -> None:
        self.console = console
        self.of = of
        self.number = 0
        self.prefix = prefix
        #: Seconds the last finished stage took.
        self.last = 0.0

    @contextmanager
    def stage(self, title: str, estimate: float | None = None, what: str = "") -> Iterator[Step]:
        """Run one stage: its line, its progress, and how long it took."""
        self.number += 1
        guess = f" (geschat: ongeveer {duration(estimate)})" if estimate is not None else ""
        detail = f": {what}" if what else ""
        say(self.console, f"{self.prefix}[{self.number}/{self.of}] {title}{detail}{guess}")
        started = time.monotonic()
        if self.console.is_terminal:
            columns = (
                TextColumn("      "),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
            )
            with Progress(*columns, console=self.console, transient=True) as bar:
                yield Step(self.console, title, bar, estimate=estimate)
        else:
            step = Step(self.console, title, None, self.prefix, estimate)
            stop = threading.Event()

            def beat() -> None:
                while not stop.wait(1.0):
                    step.heartbeat()

            beating = threading.Thread(target=beat, daemon=True)
            beating.start()
            try:
                yield step
            finally:
                stop.set()
                beating.join()
        self.last = time.monotonic() - started
        say(self.console, f"{self.prefix}      klaar in {duration(self.last)}")
