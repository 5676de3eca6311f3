"""Small generated regions shared by the synth tests (generated once per session)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from regie.engine.catalog import Catalog, parse_catalog
from regie.synth import generate

YEAR = 2025
SEED = 5
SCALE = 0.03
TRUTH = ("episodes", "declarations", "requests", "objections", "allocations", "clients", "signals")


@dataclass
class Region:
    path: Path
    summary: dict[str, Any]
    scenario: dict[str, Any]
    catalog: Catalog
    truth: dict[str, pl.DataFrame]


def tree_hash(root: Path) -> str:
    """SHA-256 over every file's relative path and bytes, in sorted order."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def load(path: Path, summary: dict[str, Any]) -> Region:
    return Region(
        path=path,
        summary=summary,
        scenario=json.loads((path / "truth" / "scenario.json").read_text(encoding="utf-8")),
        catalog=parse_catalog(path / "catalog.toml"),
        truth={name: pl.read_parquet(path / "truth" / f"{name}.parquet") for name in TRUTH},
    )


@pytest.fixture(scope="session")
def venlo(tmp_path_factory: pytest.TempPathFactory) -> Region:
    path = tmp_path_factory.mktemp("synth") / "venlo"
    return load(path, generate("venlo", YEAR, SEED, path, scale=SCALE))


@pytest.fixture(scope="session")
def amsterdam(tmp_path_factory: pytest.TempPathFactory) -> Region:
    path = tmp_path_factory.mktemp("synth") / "amsterdam"
    return load(path, generate("amsterdam", YEAR, SEED, path, scale=SCALE))


@pytest.fixture(params=["venlo", "amsterdam"])
def region(request: pytest.FixtureRequest) -> Region:
    result: Region = request.getfixturevalue(request.param)
    return result
