"""Ingest streams: files are put in arrival order before they are read, read a bounded number
ahead, and stored in batches; none of that changes what is stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from regie.catalog.loader import load_catalog
from regie.engine.catalog import parse_catalog
from regie.traffic import ingest as ingest_module
from regie.traffic import models as m
from tests.conftest import DATA

SMALL = ("venlo", 2025, 3, 0.05)


def stored() -> dict[str, list[tuple[Any, ...]]]:
    """What ingest stored, with the messages of each row by content (not by row id)."""
    return {
        "messages": sorted(m.Message.objects.values_list("content_hash", "status", "records", "rejected_records")),
        "episodes": sorted(
            m.Episode.objects.values_list(
                "key", "start", "end", "start_message__content_hash", "stop_message__content_hash"
            ),
            key=str,
        ),
        "objections": sorted(m.Objection.objects.values_list("objection_id", "arrival", "message__content_hash")),
        "lines": sorted(m.DeclarationLine.objects.values_list("line_id", "accepted", "retour_code")),
        "signals": sorted(m.Signal.objects.values_list("key", "raised_on")),
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_what_is_stored_does_not_depend_on_the_batches(
    region_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A care start and its stop in one batch: the stop's message is the stop's (it was the
    start's when both were applied before either was stored), and an objection keeps the
    message it first arrived in."""
    folder = region_dir(*SMALL)
    paths = [folder / "messages", folder / "csv"]
    results = []
    for batch in (1, 10_000):
        load_catalog(parse_catalog(folder / "catalog.toml"))
        monkeypatch.setattr(ingest_module, "BATCH_FILES", batch)
        ingest_module.ingest(paths)
        results.append(stored())
        call_command("flush", interactive=False, verbosity=0)
    one_by_one, all_at_once = results
    assert any(start != stop and stop for *_, start, stop in one_by_one["episodes"])
    assert all_at_once == one_by_one


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_after_all_takes_its_place_at_the_end(tmp_path: Path) -> None:
    """The first pass places a file by the Dagtekening its header seems to have; a file that
    turns out unreadable is stored after every readable one, as it always was."""
    load_catalog(parse_catalog(DATA / "catalog" / "domain_example.toml"))
    good = sorted((DATA / "messages" / "casus").glob("*.xml"))
    for path in good:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    early = good[0].read_bytes()
    (tmp_path / "0-cut-off.xml").write_bytes(early[: early.index(b"Dagtekening>") + 40])
    summary = ingest_module.ingest([tmp_path])
    assert summary.files == len(good) + 1
    names = [Path(name).name for name in m.Message.objects.order_by("pk").values_list("file_name", flat=True)]
    assert names[-1] == "0-cut-off.xml"
    assert [Path(r["file"]).name for r in summary.rejected if r["code"] == "RG03"] == ["0-cut-off.xml"]
