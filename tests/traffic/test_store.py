"""The plain-SQL store: what is inserted (COPY on PostgreSQL, executemany on SQLite) is what
Django reads back, and what :func:`store.select` reads is what ``values_list`` gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from regie.traffic import models as m
from regie.traffic import store


def message(n: int, raw: bytes = b"\x00\\x\x01'\"\t\n") -> tuple[object, ...]:
    return (
        f"bestand {n}.xml", "JW305", "jw", "305", "12345678", "0983", f"S{n}", dt.date(2025, 3, n + 1),
        f"{n:064d}", raw, len(raw), "accepted", 1, 0, timezone.now(),
    )  # fmt: skip


@pytest.mark.django_db
def test_inserted_rows_read_back_the_same() -> None:
    store.insert(m.Message, [message(1), message(2, b"")])
    ids = store.ids(m.Message, "content_hash", [f"{1:064d}", f"{2:064d}", "unknown"])
    assert set(ids) == {f"{1:064d}", f"{2:064d}"}
    first = m.Message.objects.get(pk=ids[f"{1:064d}"])
    assert bytes(first.raw) == b"\x00\\x\x01'\"\t\n" and first.dagtekening == dt.date(2025, 3, 2)
    store.insert(
        m.Signal,
        [("late_declaration", "k|1", ids[f"{1:064d}"], "12345678", "0983", "S", "c", "r", None,
          dt.date(2025, 4, 1), store.as_json({"days": 3, "tekst": "één\ttab"}), "open", "")],
    )  # fmt: skip
    signal = m.Signal.objects.get(key="k|1")
    assert signal.detail == {"days": 3, "tekst": "één\ttab"} and signal.care_month is None
    names = ("content_hash", "dagtekening", "size", "records")
    assert sorted(store.select(m.Message, names)) == sorted(m.Message.objects.values_list(*names))


@pytest.mark.django_db
def test_updates_by_primary_key() -> None:
    store.insert(m.Message, [message(1)])
    msg = store.ids(m.Message, "content_hash", [f"{1:064d}"])[f"{1:064d}"]
    rows = [
        (f"k{i}", "c", "12345678", "S", "jeugd", 1, "0983", None, "45", None, None, dt.date(2025, 1, i + 1), None,
         "", dt.date(2025, 1, i + 2), None, None, msg, None)
        for i in range(3)
    ]  # fmt: skip
    store.insert(m.Episode, rows)
    ids = store.ids(m.Episode, "key", ["k0", "k1", "k2"])
    store.update(m.Episode, ("end", "end_reason", "stop_message_id"), [(dt.date(2025, 6, 30), "31", msg, ids["k1"])])
    got = dict(store.select(m.Episode, ("key", "end"), where="end_reason = '31'"))
    assert got == {"k1": dt.date(2025, 6, 30)}
    assert m.Episode.objects.get(key="k1").stop_message_id == msg
    assert m.Episode.objects.filter(end__isnull=True).count() == 2
