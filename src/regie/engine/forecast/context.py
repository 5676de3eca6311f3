"""The context of one forecast: what every funding family needs, prepared once.

A forecast is made for one ``year`` as of one day. Before any family computes a figure, the
data are cut to what had arrived by that day and the shared models are fitted: the
stock-and-flow model now and as of the end of last year (the plan), the rows of money due
(:func:`~regie.engine.forecast.ibnr.payable_rows`), the client-months per provider, the
payment ledger as of that day (what is realised, the advances, the declared money), and how
known clients become counted ones (:func:`~regie.engine.forecast.money.client_ratios`).

:class:`ForecastContext` holds all of it in a frozen dataclass that the family estimators
(:mod:`~regie.engine.forecast.declared`, :mod:`~regie.engine.forecast.per_client`,
:mod:`~regie.engine.forecast.fixed`) read and never change; it also answers the questions
they all ask (the months of the simulation that belong to this year, a group's budget, a
provider's realised money). No family reads another family's state.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from regie.engine import frames
from regie.engine.catalog import Catalog
from regie.engine.forecast.base import CELL, GROUP, Floats, month_index, month_of
from regie.engine.forecast.exposure import client_months
from regie.engine.forecast.ibnr import payable_rows
from regie.engine.forecast.money import ClientRatios, client_ratios, counted_clients, episode_clients
from regie.engine.forecast.stockflow import Simulation, StockFlow
from regie.engine.funding import AgreedChange, PaymentLine, Reallocation, ledger
from regie.engine.funding.positions import positions

#: Months of history the triangles look back.
TRIANGLE_MONTHS = 36

#: Cents per (contract, provider, segment, municipality).
Lines = dict[tuple[str, str, str, str], int]


@dataclass(frozen=True, eq=False)
class ForecastContext:
    """The data of one forecast (``year`` as of ``as_of``), shared read-only by the families.

    Built by :meth:`of`. Fields:

    - ``catalog``, ``year``, ``as_of``, ``agreed_changes``, ``reallocations``: as given;
    - ``stockflow``, ``plan_stockflow``: the :class:`StockFlow` model fitted as of the as-of
      date and as of the plan day (:attr:`plan_day`, the last day of the previous year);
    - ``payable``: the declaration rows with the money they make due
      (:func:`~regie.engine.forecast.ibnr.payable_rows`);
    - ``client_months``: client-months per provider and month from :attr:`history_first`;
    - ``realised``, ``advances``, ``declared``: the ledger as of the as-of date (per-client
      contracts settled provisionally) without segment ceiling cuts: all its lines, the
      advances, the declaration lines;
    - ``ratios``, ``cell_ratios``: :class:`ClientRatios` per municipality x segment and per
      provider within them;
    - ``counted``: the clients counted so far; ``in_care``: the clients in care this year.
    """

    catalog: Catalog
    year: int
    as_of: dt.date
    agreed_changes: tuple[AgreedChange, ...]
    reallocations: tuple[Reallocation, ...]
    stockflow: StockFlow
    plan_stockflow: StockFlow
    payable: pl.DataFrame
    client_months: pl.DataFrame
    realised: Lines
    advances: Lines
    declared: Lines
    ratios: dict[tuple[str, str], ClientRatios]
    cell_ratios: dict[tuple[str, str, str], ClientRatios]
    counted: pl.DataFrame
    in_care: pl.DataFrame

    @classmethod
    def of(
        cls,
        catalog: Catalog,
        episodes: pl.DataFrame,
        declarations: pl.DataFrame,
        *,
        year: int,
        as_of: dt.date,
        agreed_changes: Sequence[AgreedChange] = (),
        reallocations: Sequence[Reallocation] = (),
        stockflow: StockFlow | None = None,
    ) -> ForecastContext:
        """Cut the data to what had arrived by ``as_of`` and fit the shared models.

        ``stockflow`` holds the settings of the stock-and-flow models (unfitted; it is fitted
        here as of ``as_of`` and as of the plan day, each on a copy of its settings).
        """
        settings = (stockflow or StockFlow()).get_params()
        raw_eps = frames.conform("episodes", episodes)
        raw_decl = frames.as_of(frames.conform("declarations", declarations), "declarations", as_of)
        now = StockFlow(**settings).fit(raw_eps, as_of=as_of)
        plan = StockFlow(**settings).fit(raw_eps, as_of=_plan_day(year, as_of))
        first = _history_first(year, as_of)
        lines = ledger(
            catalog,
            raw_decl,
            year=year,
            as_of=as_of,
            agreed_changes=agreed_changes,
            reallocations=reallocations,
            provisional=True,
        )
        table = positions(raw_decl, as_of=as_of)
        ratios, cell_ratios = client_ratios(
            catalog, raw_eps, raw_decl, year=year, as_of=as_of, levels=(GROUP, CELL), table=table
        )
        return cls(
            catalog=catalog,
            year=year,
            as_of=as_of,
            agreed_changes=tuple(agreed_changes),
            reallocations=tuple(reallocations),
            stockflow=now,
            plan_stockflow=plan,
            payable=payable_rows(catalog, raw_decl, as_of=as_of),
            client_months=client_months(now.episodes_, first=month_of(first), as_of=as_of, by=CELL),
            realised=sum_lines(lines),
            advances=sum_lines(line for line in lines if line.kind == "advance"),
            declared=sum_lines(line for line in lines if line.kind == "declaration"),
            ratios=ratios,  # type: ignore[arg-type]
            cell_ratios=cell_ratios,  # type: ignore[arg-type]
            counted=counted_clients(catalog, raw_decl, year=year, as_of=as_of, table=table),
            in_care=episode_clients(now.episodes_, dt.date(year, 1, 1), as_of),
        )

    # ------------------------------------------------------------------ months

    @property
    def month(self) -> int:
        """The as-of month (index)."""
        return month_index(self.as_of)

    @property
    def first_month(self) -> int:
        """January of the year (index)."""
        return month_index(dt.date(self.year, 1, 1))

    @property
    def last_month(self) -> int:
        """December of the year (index)."""
        return self.first_month + 11

    @property
    def history_first(self) -> int:
        """The first care month the families look at: January of last year, or earlier when
        the triangles reach further back."""
        return _history_first(self.year, self.as_of)

    @property
    def plan_day(self) -> dt.date:
        """The day the plan is made as of: the last day of the previous year (or the as-of
        date, when that is earlier)."""
        return _plan_day(self.year, self.as_of)

    @property
    def horizon(self) -> int:
        """The simulated months: the rest of the running month (unless as of a month end) to
        the end of next year."""
        return max(0, self.last_month + 12 - self.stockflow.first_ + 1)

    def year_slices(self) -> tuple[slice, slice]:
        """Positions of this year's and next year's months in a simulation (this year's
        starting with the rest of the running month, when the simulation holds it)."""
        first = self.stockflow.first_
        this = slice(max(0, self.first_month - first), max(0, self.last_month - first + 1))
        nxt = slice(max(0, self.last_month + 1 - first), max(0, self.last_month + 12 - first + 1))
        return this, nxt

    def begun_slices(self) -> tuple[slice, slice]:
        """This year's positions in a simulation split in two: the rest of the running month
        (a month that has begun: its money is IBNR) and the months not begun (remaining)."""
        this, _ = self.year_slices()
        running = int(self.stockflow.first_ == self.month and this.start == 0 and this.stop > 0)
        return slice(this.start, this.start + running), slice(this.start + running, this.stop)

    # ------------------------------------------------------------------ groups

    def segments(self, models: Iterable[str]) -> list[tuple[str, str, list[str]]]:
        """(segment, funding model, municipalities) of the segments under ``models`` that
        have a municipality this year, in the catalog's order."""
        wanted = set(models)
        out = []
        for segment in self.catalog.segments:
            if segment.funding_model not in wanted:
                continue
            munis = self.municipalities(segment.code)
            if munis:
                out.append((segment.code, segment.funding_model, munis))
        return out

    def municipalities(self, segment: str) -> list[str]:
        """Municipalities of a segment with a budget or a running contract this year."""
        out = {b.municipality for b in self.catalog.budgets if b.segment == segment and b.year == self.year}
        for c in self.catalog.contracts:
            if c.segment == segment and c.active_in(self.year):
                out.update(c.municipalities)
        return sorted(out)

    def budget(self, municipality: str, segment: str, year: int) -> tuple[int | None, int | None]:
        """A group's budget and ceiling (budget minus reserve) in ``year``; None without one."""
        for b in self.catalog.budgets:
            if b.municipality == municipality and b.segment == segment and b.year == year:
                return b.amount, b.amount - b.reserve
        return None, None

    def simulate(self, municipality: str, segment: str, *, seed: int, n_paths: int) -> Simulation:
        """The group's simulated futures over :attr:`horizon` months."""
        rng = group_rng(seed, self.as_of, municipality, segment)
        return self.stockflow.simulate(municipality, segment, self.horizon, rng, n_paths)

    def realised_of(self, municipality: str, segment: str, provider: str) -> float:
        """What is realised of one provider in a group (over its contracts)."""
        return cell_sum(self.realised, municipality, segment, provider)

    def advances_of(self, municipality: str, segment: str, provider: str | None) -> float:
        """Advances paid by the as-of date (per-client price), of a provider or the whole group."""
        return cell_sum(self.advances, municipality, segment, provider)

    def opening_clients(self, segment: str, day: dt.date) -> pl.DataFrame:
        """Clients in care on 1 January of the year, as known on ``day`` (the as-of date, or
        the plan day), per provider."""
        sf = self.stockflow if day == self.as_of else self.plan_stockflow
        y_first = dt.date(self.year, 1, 1)
        return (
            sf.episodes_.filter(
                (pl.col("segment") == segment)
                & (pl.col("start") < y_first)
                & (pl.col("end").is_null() | (pl.col("end") >= y_first))
            )
            .select("municipality", "provider", "client")
            .unique()
        )


# --------------------------------------------------------------------------- helpers


def _plan_day(year: int, as_of: dt.date) -> dt.date:
    return min(dt.date(year - 1, 12, 31), as_of)


def _history_first(year: int, as_of: dt.date) -> int:
    return min(month_index(dt.date(year, 1, 1)) - 12, month_index(as_of) - TRIANGLE_MONTHS + 1)


def group_rng(seed: int, as_of: dt.date, *keys: str) -> np.random.Generator:
    """A generator for one group, independent of the order groups are computed in."""
    words = [seed, as_of.toordinal(), *(zlib.crc32("|".join(keys).encode()) for _ in (0,))]
    return np.random.default_rng(np.random.SeedSequence(words))


def cell_arrays(sim: Simulation, cells: Sequence[str], attr: str) -> Floats:
    """A simulation array re-indexed to ``cells`` (zeros for a provider it does not know)."""
    data: Floats = getattr(sim, attr)
    out = np.zeros((data.shape[0], len(cells), data.shape[2]))
    index = {p: i for i, p in enumerate(sim.cells)}
    for j, p in enumerate(cells):
        if p in index:
            out[:, j, :] = data[:, index[p], :]
    return out


def providers_in(table: Lines, municipality: str, segment: str) -> set[str]:
    """The providers with a line in a group."""
    return {p for (_c, p, s, m) in table if s == segment and m == municipality}


def sum_lines(lines: Iterable[PaymentLine]) -> Lines:
    """Cents per (contract, provider, segment, municipality), without segment ceiling cuts."""
    out: Lines = {}
    for line in lines:
        if line.rule == "ceiling.segment":
            continue
        key = (line.contract, line.provider, line.segment, line.municipality)
        out[key] = out.get(key, 0) + line.amount_cents
    return out


def cell_sum(table: Lines, municipality: str, segment: str, provider: str | None) -> float:
    """The cents of one provider (all when None) in a municipality x segment, over its contracts."""
    return float(
        sum(v for (_c, p, s, m), v in table.items() if (s, m) == (segment, municipality) and provider in (None, p))
    )
