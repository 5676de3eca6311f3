"""Synthetic regions (venlo, amsterdam): catalog, standard messages, CSV files and a truth set.

Public API (stable; extend, don't rename):

- :data:`PROFILES`: the profile names, ``("venlo", "amsterdam")``;
- :func:`generate` ``(profile, year, seed, out, scale=1.0, progress=False) -> dict``: write the
  region to ``out`` and return a JSON-able summary (same arguments, same bytes);
- :func:`build` ``(profile, year, seed, scale=1.0)``: the same region in memory, without files;
- :class:`SynthError`: refused arguments or output directory.

The profiles' parameters are data in ``profiles.toml`` (read by :mod:`regie.synth.profiles`),
described in ``src/regie/synth/README.md``;
the truth set in :mod:`regie.synth.truth`.
"""

from regie.synth.generator import PROFILES, SynthError, build, generate

__all__ = ["PROFILES", "SynthError", "build", "generate"]
