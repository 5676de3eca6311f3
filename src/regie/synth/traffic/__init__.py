"""From the latent scenario to what the municipality receives: allocations, requests, care
starts and stops, declarations (with their faults and delays), objections and the periodic
CSV reports, all with the day they arrive.

Everything here is a table of day numbers (see :mod:`regie.synth.calendar`); the message
plan (:mod:`regie.synth.plan`) groups these records into messages and files. One module per
kind of record, each with its arrival model in its docstring:

- :mod:`~regie.synth.traffic.episodes`: requests, decisions, allocations and their
  extensions, care starts (305) and stops (307);
- :mod:`~regie.synth.traffic.declarations`: declaration lines (323), care declared without an
  allocation, the day each line arrives, faults and corrections;
- :mod:`~regie.synth.traffic.reports`: objections and the periodic reports;
- :mod:`~regie.synth.traffic.build`: :func:`build_traffic`, the steps in their order;
- :mod:`~regie.synth.traffic.common`: the codes, the :class:`Traffic` tables and day helpers.
"""

from regie.synth.traffic.build import build_traffic
from regie.synth.traffic.common import (
    ACCEPTED,
    CODE_ABOVE_VOLUME,
    CODE_BAD_BSN,
    CODE_NO_ALLOCATION_DECLARATION,
    CODE_NO_ALLOCATION_START,
    CODE_PRODUCT_MISMATCH,
    EXTEND_REASON,
    SHORTEN_REASON,
    Traffic,
)

__all__ = [
    "ACCEPTED",
    "CODE_ABOVE_VOLUME",
    "CODE_BAD_BSN",
    "CODE_NO_ALLOCATION_DECLARATION",
    "CODE_NO_ALLOCATION_START",
    "CODE_PRODUCT_MISMATCH",
    "EXTEND_REASON",
    "SHORTEN_REASON",
    "Traffic",
    "build_traffic",
]
