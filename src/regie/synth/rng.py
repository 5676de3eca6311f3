"""Independent, reproducible random streams per part of the scenario.

Each part (providers, inflow of a segment, declarations, ...) draws from its own
``numpy.random.Generator`` seeded from (seed, profile, part name), so changing how one part
draws does not shift the numbers of another. Names are turned into integers with CRC-32, which
(unlike ``hash``) is the same in every process.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, profile: str, *parts: str) -> np.random.Generator:
    """The random generator for one part of one profile's scenario."""
    key = [seed % (1 << 64), zlib.crc32(profile.encode())] + [zlib.crc32(p.encode()) for p in parts]
    return np.random.default_rng(np.random.SeedSequence(key))
