"""Synthetic regions (venlo, amsterdam): catalog, standard messages and a truth set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PROFILES = ("venlo", "amsterdam")


def generate(profile: str, year: int, seed: int, out: Path, scale: float = 1.0, progress: bool = False) -> dict[str, Any]:
    raise NotImplementedError("being written")
