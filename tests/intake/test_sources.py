"""Finding, reading and ordering the files of an ingest (:mod:`regie.intake.sources`), no database."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regie.intake.records import Incoming
from regie.intake.sources import (
    ArrivalOrder,
    FileReader,
    IngestError,
    ReaderPool,
    Source,
    Upload,
    arrival_key,
    gather,
    sources,
)

CASUS = Path(__file__).resolve().parent.parent / "data" / "messages" / "casus"
KEY = "test-key"


def _same(reader: FileReader, item: int) -> int:
    return item


def test_reading_ahead_is_bounded() -> None:
    """However many files, the readers are at most a window ahead of the files applied."""
    pulled = itertools.count()

    def items() -> Any:
        for i in range(5000):
            next(pulled)
            yield i

    with ReaderPool(FileReader(KEY), files=5000) as readers:
        if readers.pool is None:
            pytest.skip("one core: no readers ahead")
        reading = readers.map_ahead(_same, items(), window=256)
        assert next(reading) == 0
        ahead = next(pulled)
        assert 256 <= ahead <= 256 + 2 * 64
        assert list(reading) == list(range(1, 5000))


def test_the_pool_reads_what_this_process_reads() -> None:
    """A task of the pool sees the run's reader (key and known hashes) as this process does."""
    files = sorted(CASUS.glob("*.xml"))
    items = [Source(str(files[i % len(files)])) for i in range(320)]
    known = FileReader(KEY).scan(items[0])[0]
    reader = FileReader(KEY, frozenset({known}))
    here = [reader.scan(item) for item in items]
    with ReaderPool(reader, files=len(items)) as readers:
        assert list(readers.map_all(FileReader.scan, items)) == here
        read = list(readers.map_ahead(FileReader.read, items[:70]))
    assert [r.records for r in read] == [reader.read(item).records for item in items[:70]]
    assert here[0] == (known, None, "")  # stored before: only hashed


def test_uploads_in_memory_and_in_files_are_known_by_the_name_they_came_with(tmp_path: Path) -> None:
    first, second = sorted(CASUS.glob("*.xml"))[:2]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("maand/b.xml", second.read_bytes())
        zf.writestr("lees-mij.txt", b"niet ingelezen")

    class Received(io.BytesIO):  # what a web framework hands over: a named binary file
        name = "in-een-bestand.xml"

    inputs = [
        Upload("../../etc/a.xml", first.read_bytes()),
        Upload("archief.zip", archive.getvalue()),
        Received(second.read_bytes()),
        Upload("notities.txt", b"x"),
        CASUS,
    ]
    reader = FileReader(KEY)
    with gather(inputs) as (found, refused):
        assert refused == []
        names = [s.name for s in found]
        assert names[:3] == ["a.xml", "archief.zip!maand/b.xml", "in-een-bestand.xml"]
        assert names[3:] == [str(p) for p in sorted(CASUS.glob("*.xml"))]
        assert reader.raw(found[0]) == first.read_bytes()
        assert reader.raw(found[1]) == reader.raw(found[2]) == second.read_bytes()
        kept = Path(found[0].path)
        assert kept.exists() and not kept.is_relative_to(CASUS)
    assert not kept.exists()  # a temporary copy, gone after the run


def test_an_upload_that_is_no_zip_is_refused_before_anything_is_read() -> None:
    with pytest.raises(IngestError, match=r"kapot\.zip: geen geldig zip-archief"):
        with gather([Upload("kapot.zip", b"PK but not really")]):
            pass
    with pytest.raises(IngestError, match="bestaat niet"):
        sources(["/nergens/niet.xml"])


def incoming(name: str, content_hash: str, arrival: dt.date | None, code: str) -> Incoming:
    item = Incoming(file_name=name, raw=b"", content_hash=content_hash, kind="")
    item.arrival, item.code = arrival, code
    return item


files = st.lists(
    st.tuples(
        st.sampled_from("abcdef"),  # content (equal letters: the same bytes)
        st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2025, 1, 9))),
        st.sampled_from(["301", "305", "307", "315", "323", ""]),
    ),
    max_size=30,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy machine is no failure
@given(files, st.sets(st.sampled_from("abcdef")))
def test_every_new_content_is_applied_once_in_arrival_order(given_files: list[Any], stored: set[str]) -> None:
    """Whatever order the files come in: each content not stored before is applied once, the
    files in the order of their arrival key, and the rest are duplicates."""
    named = [(f"{i:02}.xml", content, arrival, code) for i, (content, arrival, code) in enumerate(given_files)]
    order = ArrivalOrder(set(stored))
    scans = [(content, arrival_key(arrival, code, name)) for name, content, arrival, code in named]
    wanted = order.plan(scans)
    applied = list(order.settle((incoming(*named[i]) for i in wanted), (scans[i] for i in wanted)))
    keys = [arrival_key(item.arrival, item.code, item.file_name) for item in applied]
    assert keys == sorted(keys)
    assert sorted(item.content_hash for item in applied) == sorted({c for _, c, _, _ in named} - stored)
    assert order.duplicates == len(named) - len(applied)


def test_a_file_unreadable_after_all_waits_for_its_place() -> None:
    """The scan placed it on its header's day; read, it has no Dagtekening: it comes last."""
    order = ArrivalOrder(set())
    day = dt.date(2025, 1, 1)
    scans = [("a", arrival_key(day, "301", "a.xml")), ("b", arrival_key(day, "305", "b.xml"))]
    read = [incoming("a.xml", "a", None, ""), incoming("b.xml", "b", day, "305")]
    assert [i.file_name for i in order.settle(read, scans)] == ["b.xml", "a.xml"]
