"""The plain-SQL store: what is inserted (COPY on PostgreSQL, executemany on SQLite) is what
Django reads back, and what :func:`store.select` reads is what ``values_list`` gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from regie.traffic import models as m
from regie.traffic import store


def message(n: int, raw: bytes = b"\x00\\x\x01'\"\t\n") -> tuple[object, ...]:
    return store.ROW[m.Message](
        file_name=f"bestand {n}.xml", kind="JW305", law="jw", code="305", sender="12345678", receiver="0983",
        identification=f"S{n}", dagtekening=dt.date(2025, 3, n + 1), content_hash=f"{n:064d}", raw=raw,
        size=len(raw), status="accepted", records=1, rejected_records=0, received_at=timezone.now(),
    )  # fmt: skip


def test_a_row_is_built_by_field_name_in_the_column_order() -> None:
    row = store.ROW[m.Rejection](reason="r", code="9338", path="p", record="1", message_id=7)
    assert row == (7, "1", "p", "9338", "r") and store.COLUMNS[m.Rejection] == row._fields
    with pytest.raises(TypeError):
        store.ROW[m.Rejection](message_id=7, record="1", path="p", code="9338")  # a field missing
    with pytest.raises(TypeError):
        store.ROW[m.Rejection](message_id=7, record="1", path="p", code="9338", reason="r", note="")  # unknown


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
