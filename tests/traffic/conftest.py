"""A generated region, built once per test session and shared (generation is deterministic)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from regie.synth import generate


@pytest.fixture(scope="session")
def region_dir(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, int, int, float], Path]:
    """``region_dir(profile, year, seed, scale)``: the folder of a generated region (cached)."""
    made: dict[tuple[str, int, int, float], Path] = {}

    def build(profile: str, year: int, seed: int, scale: float) -> Path:
        key = (profile, year, seed, scale)
        if key not in made:
            out = tmp_path_factory.mktemp(f"{profile}-{seed}-{scale}") / "region"
            generate(profile, year, seed, out, scale=scale)
            made[key] = out
        return made[key]

    return build
