"""A generated region loaded and ingested by the ingest service for the tests of one module
(each module its own region: the database holds one region at a time)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command

from regie.catalog.loader import load_catalog
from regie.engine.catalog import parse_catalog
from regie.monitor.pending import ingest_and_refresh


def from_members(folder: Path, rejected: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rejections of files sent under a consortium member's code (``..._<sender>_<id>.xml``)."""
    members = {a for p in parse_catalog(folder / "catalog.toml").providers for a in p.members}
    return [r for r in rejected if any(f"_{a}_" in r.get("file", "") for a in members)]


def ingested(*key: object) -> Any:
    """A module-scoped fixture: the region ``key`` (profile, year, seed, scale) loaded and
    ingested, as (folder, counts: the signals raised and the rejections of members' files);
    flushed when the module is done."""

    @pytest.fixture(scope="module")
    def region(
        region_dir: Callable[[str, int, int, float], Path], django_db_setup: None, django_db_blocker: Any
    ) -> Iterator[tuple[Path, dict[str, int]]]:
        folder = region_dir(*key)  # type: ignore[arg-type]
        with django_db_blocker.unblock():
            load_catalog(parse_catalog(folder / "catalog.toml"))
            summary = ingest_and_refresh([folder / "messages", folder / "csv"], refresh=False)
            yield folder, {"rejected_from_members": len(from_members(folder, summary.rejected)), **summary.signals}
            call_command("flush", interactive=False, verbosity=0)

    return region


def truth(folder: Path, kind: str) -> pl.DataFrame:
    return pl.read_parquet(folder / "truth" / "signals.parquet").filter(pl.col("kind") == kind)
