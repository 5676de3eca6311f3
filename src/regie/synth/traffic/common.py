"""What the traffic modules share: the retour codes and reasons of the records they make, the
:class:`Traffic` tables they fill, and small day-number helpers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.synth import calendar as cal

Ints = npt.NDArray[np.int64]

ACCEPTED = "0200"
#: Retour codes of the standard for the faulty records the scenario contains.
CODE_NO_ALLOCATION_DECLARATION = "9338"
CODE_NO_ALLOCATION_START = "9019"
CODE_PRODUCT_MISMATCH = "9340"
CODE_ABOVE_VOLUME = "9321"
#: A BSN that fails the eleven-test (the record is rejected before anything else is checked).
CODE_BAD_BSN = "0001"

#: RedenWijziging of an allocation ended by the municipality after a definitive stop (JZ002/WMO002).
SHORTEN_REASON = "14"
EXTEND_REASON = "04"

URGENCY_P = (0.12, 0.43, 0.45)
URGENCY_WAIT = (0.3, 0.8, 1.3)


@dataclass
class Traffic:
    """Everything that arrives, as tables with day numbers."""

    clients: pl.DataFrame
    #: latent episodes plus arrival columns and allocation numbers
    episodes: pl.DataFrame
    allocations: pl.DataFrame
    allocation_events: pl.DataFrame
    requests: pl.DataFrame
    lines: pl.DataFrame
    objections: pl.DataFrame
    #: care without allocation: starts and months declared by providers for unknown allocations
    fake: pl.DataFrame
    #: silent core partner's periodic episode reports: (report day, quarter start, quarter end)
    episode_reports: list[tuple[int, int, int]]
    #: waiting-list reports: (report day, month start, month end)
    request_reports: list[tuple[int, int, int]]
    objection_reports: list[tuple[int, int, int]]


def prev_weekday(days: Ints) -> Ints:
    """The day itself, or the Friday before when it falls in a weekend."""
    d = np.asarray(days, dtype=np.int64)
    wd = cal.weekday(d)
    return np.asarray(d - np.where(wd == 5, 1, np.where(wd == 6, 2, 0)), dtype=np.int64)


def ints(series: pl.Series) -> Ints:
    """A column as an int64 array."""
    return np.asarray(series.to_numpy(), dtype=np.int64)


def lognormal_days(rng: np.random.Generator, median: float, sigma: float, size: int) -> Ints:
    """Whole days drawn from a lognormal with this median (at least 1) and sigma."""
    return np.asarray(np.round(np.exp(rng.normal(np.log(max(median, 1.0)), sigma, size))), dtype=np.int64)
