"""The one ingest service (:func:`regie.monitor.pending.ingest_and_refresh`) takes received
files as well as paths: in memory, in a temporary file, or in a zip, each reported under the
name it came with, with the same outcome as the same files read from disk."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import transaction

from regie.catalog.loader import load_catalog
from regie.engine.catalog import parse_catalog
from regie.intake.sources import Upload
from regie.monitor.pending import ingest_and_refresh
from regie.traffic import models as m
from tests.conftest import DATA

CASUS = sorted((DATA / "messages" / "casus").glob("*.xml"))


def named(doc: dict[str, Any]) -> dict[str, Any]:
    """The summary with each rejection's file by its last name (a path or an upload's name)."""
    rejected = [{**r, "file": r["file"].rsplit("/", 1)[-1].rsplit("!", 1)[-1]} for r in doc["rejected"]]
    return {**doc, "rejected": sorted(rejected, key=str)}


def uploads(files: list[Path]) -> list[Any]:
    """The files as a web framework hands them over: in memory, in a temporary file, in a zip."""
    third = len(files) // 3
    received: list[Any] = [SimpleUploadedFile(p.name, p.read_bytes()) for p in files[:third]]
    for p in files[third : 2 * third]:
        kept = TemporaryUploadedFile(p.name, "text/xml", p.stat().st_size, None)
        kept.write(p.read_bytes())
        kept.seek(0)
        received.append(kept)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for p in files[2 * third :]:
            zf.writestr(p.name, p.read_bytes())
    received.append(Upload("rest.zip", archive.getvalue()))
    return received


@pytest.mark.django_db
def test_uploads_give_what_the_same_files_on_disk_give() -> None:
    load_catalog(parse_catalog(DATA / "catalog" / "domain_example.toml"))
    with transaction.atomic():
        from_disk = ingest_and_refresh(CASUS, refresh=False).as_dict()
        transaction.set_rollback(True)
    steps: list[int] = []

    def progress(total: int) -> Any:
        steps.append(total)
        return steps.append

    summary = ingest_and_refresh(uploads(CASUS), progress, refresh=False, wait=False)
    assert named(summary.as_dict()) == named(from_disk) and summary.files == len(CASUS)
    names = set(m.Message.objects.values_list("file_name", flat=True))
    third = len(CASUS) // 3
    assert names == {p.name for p in CASUS[: 2 * third]} | {f"rest.zip!{p.name}" for p in CASUS[2 * third :]}
    assert steps[0] == 2 * len(CASUS) and sum(steps[1:]) == steps[0]
    again = ingest_and_refresh([DATA / "messages" / "casus"], refresh=False)
    assert again.duplicates == again.files == len(CASUS)
