"""Background work notes its progress and its end (regie.monitor.models.Progress): a note
that finds the database busy is dropped, the end is tried again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError
from django.utils import timezone

from regie.monitor.models import Computation, insist


def test_the_end_is_tried_again_while_the_database_is_busy() -> None:
    tries: list[int] = []

    def write() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise DatabaseError("database is locked")
        return "noted"

    assert insist(write, wait=0) == "noted" and len(tries) == 3

    def busy() -> str:
        raise DatabaseError("database is locked")

    assert insist(busy, attempts=2, wait=0) is None


@pytest.mark.django_db
def test_a_note_sets_the_progress_and_when(monkeypatch: pytest.MonkeyPatch) -> None:
    long_ago = timezone.now() - dt.timedelta(days=1)
    row = Computation.objects.create(year=2025, as_of=dt.date(2025, 6, 30), started_at=long_ago, updated_at=long_ago)
    Computation.note(row.pk, stage="figures", step=2, steps=5)
    row.refresh_from_db()
    assert (row.stage, row.step, row.steps) == ("figures", 2, 5) and row.updated_at > long_ago

    def locked(*args: object, **kwargs: object) -> int:
        raise DatabaseError("database is locked")

    monkeypatch.setattr("django.db.models.query.QuerySet.update", locked)
    Computation.note(row.pk, step=3)  # a busy database delays a note; the work goes on
