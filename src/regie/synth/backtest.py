"""The backtest: forecasts made during a year, held against how the year really ended.

On a generated region (:mod:`regie.synth`), whose data run a year past the reference year Y
(late declarations for Y arrive in Y+1), the forecast is made as of the end of months 3, 6
and 9 of Y, and optionally as of other days of those months (the 1st, the 5th, the 15th:
``days``), using only what had arrived by then, and compared with the **actual year end**:
the payment ledger of Y computed on all the data (:func:`actual_year_end`), without the
segment ceiling's cuts (the forecast is compared with that ceiling, so it must see what
would pass it; the synthetic budgets are set from the same spending).

Reported per month and day of the month (:class:`BacktestReport`):

- **coverage**: the share of rows whose actual year end lies inside the 80 % range
  (``low <= actual <= high``); an honest range covers about 80 %, not 100 %;
- **MAPE**: the mean absolute percentage error of the forecast, |forecast - actual| / actual;
- whether the scenario's **deficit segment** warns, and its main driver.

Only rows whose spending is uncertain count for coverage and MAPE: lump-sum and
population rows are fixed by contract (their forecast is exact by construction).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl

from regie.engine import calendar
from regie.engine.catalog import Catalog, parse_catalog
from regie.engine.forecast.base import FIXED_MODELS
from regie.engine.forecast.model import YearEndForecast
from regie.engine.forecast.warning import main_driver
from regie.engine.funding import ledger
from regie.synth import participation
from regie.synth.generator import build


@dataclass(frozen=True)
class Region:
    """A generated region as the backtest needs it."""

    profile: str
    seed: int
    year: int
    catalog: Catalog
    episodes: pl.DataFrame
    declarations: pl.DataFrame
    deficit_segment: str


@dataclass(frozen=True)
class Case:
    """One forecast row held against the actual year end."""

    profile: str
    seed: int
    month: int
    municipality: str
    segment: str
    funding_model: str
    budget: int | None
    forecast: int
    low: int
    high: int
    actual: int
    warning: bool
    main_driver: str | None
    deficit: bool
    #: the as-of date's day of the month; None: the month's last day
    day: int | None = None

    @property
    def day_label(self) -> str:
        """The day of the month as the report shows it: ``"end"`` or the day."""
        return "end" if self.day is None else str(self.day)

    @property
    def covered(self) -> bool:
        return self.low <= self.actual <= self.high

    @property
    def error(self) -> float | None:
        """|forecast - actual| / actual (None when the actual is 0)."""
        return abs(self.forecast - self.actual) / abs(self.actual) if self.actual else None

    @property
    def scored(self) -> bool:
        """True when the row's spending is uncertain (not fixed by contract)."""
        return self.funding_model not in FIXED_MODELS and self.actual != 0


def load_region(directory: str | Path) -> Region:
    """A region written by ``regie generate`` (``DIR/catalog.toml`` and ``DIR/truth/``)."""
    root = Path(directory)
    scenario = json.loads((root / "truth" / "scenario.json").read_text(encoding="utf-8"))
    catalog = parse_catalog(root / "catalog.toml")
    episodes, declarations = participation.with_trajectories(
        catalog,
        pl.read_parquet(root / "truth" / "episodes.parquet"),
        pl.read_parquet(root / "truth" / "declarations.parquet"),
        participation.read_trajectories(root),
    )
    return Region(
        profile=str(scenario["profile"]),
        seed=int(scenario["seed"]),
        year=int(scenario["year"]),
        catalog=catalog,
        episodes=episodes,
        declarations=declarations,
        deficit_segment=str(scenario["deficit"]["segment"]),
    )


def build_region(profile: str, year: int, seed: int, scale: float = 1.0) -> Region:
    """The same region as ``regie generate`` writes, built in memory (no message files)."""
    world, _traffic, catalog, _plan, truth, notes = build(profile, year, seed, scale)
    part = notes.get("participation")
    episodes, declarations = participation.with_trajectories(
        catalog, truth.episodes(), truth.declarations(), part.trajectories if part else None
    )
    return Region(
        profile=profile,
        seed=seed,
        year=year,
        catalog=catalog,
        episodes=episodes,
        declarations=declarations,
        deficit_segment=world.spec.deficit_segment,
    )


def actual_year_end(catalog: Catalog, declarations: pl.DataFrame, *, year: int) -> dict[tuple[str, str], int]:
    """What the funding rules make due for the care of ``year`` on all the data, per
    municipality x segment, without the segment ceiling's cuts."""
    lines = ledger(catalog, declarations, year=year, as_of=dt.date(year + 5, 12, 31))
    out: dict[tuple[str, str], int] = {}
    for line in lines:
        if line.rule == "ceiling.segment":
            continue
        key = (line.municipality, line.segment)
        out[key] = out.get(key, 0) + line.amount_cents
    return out


def as_of_date(year: int, month: int, day: int | None) -> dt.date:
    """The as-of date of a backtest: ``day`` of ``month`` (None: its last day).

    >>> as_of_date(2025, 2, None), as_of_date(2025, 6, 5)
    (datetime.date(2025, 2, 28), datetime.date(2025, 6, 5))
    """
    return calendar.month_end(dt.date(year, month, 1)) if day is None else dt.date(year, month, day)


def backtest_region(
    region: Region,
    *,
    months: Sequence[int] = (3, 6, 9),
    model: YearEndForecast | None = None,
    days: Sequence[int | None] = (None,),
) -> list[Case]:
    """Forecast ``region`` as of each of ``days`` (None: the last day) of each of ``months``
    and compare with its year end."""
    model = model if model is not None else YearEndForecast()
    actual = actual_year_end(region.catalog, region.declarations, year=region.year)
    cases: list[Case] = []
    for month, day in ((m, d) for m in months for d in days):
        as_of = as_of_date(region.year, month, day)
        fitted = YearEndForecast(**model.get_params()).fit(
            region.catalog, region.episodes, region.declarations, year=region.year, as_of=as_of
        )
        for row in fitted.rows_:
            cases.append(
                Case(
                    profile=region.profile,
                    seed=region.seed,
                    month=month,
                    municipality=row.municipality,
                    segment=row.segment,
                    funding_model=row.funding_model,
                    budget=row.budget,
                    forecast=row.forecast,
                    low=row.low,
                    high=row.high,
                    actual=actual.get((row.municipality, row.segment), 0),
                    warning=row.warning,
                    main_driver=main_driver(row.driver_parts) if row.drivers else None,
                    deficit=row.segment == region.deficit_segment,
                    day=day,
                )
            )
    return cases


@dataclass(frozen=True)
class BacktestReport:
    """The cases of a backtest and their summary figures."""

    cases: tuple[Case, ...]

    def months(self) -> list[int]:
        return sorted({c.month for c in self.cases})

    def days(self) -> list[str]:
        """The days of the month the cases were made on, as labels: numbers first, ``"end"`` last."""
        labels = {c.day_label for c in self.cases}
        return sorted(labels, key=lambda d: (d == "end", int(d) if d != "end" else 0))

    def scored(self, month: int | None = None, profile: str | None = None, day: str | None = None) -> list[Case]:
        """The scored cases, of one month, profile and day of the month (label) when given."""
        return [
            c
            for c in self.cases
            if c.scored
            and (month is None or c.month == month)
            and (profile is None or c.profile == profile)
            and (day is None or c.day_label == day)
        ]

    def coverage(self, month: int | None = None, profile: str | None = None, day: str | None = None) -> float | None:
        """Share of scored rows whose actual year end lies inside the 80 % range."""
        rows = self.scored(month, profile, day)
        return sum(c.covered for c in rows) / len(rows) if rows else None

    def mape(self, month: int | None = None, profile: str | None = None, day: str | None = None) -> float | None:
        """Mean absolute percentage error of the scored rows."""
        errors = [e for c in self.scored(month, profile, day) if (e := c.error) is not None]
        return sum(errors) / len(errors) if errors else None

    def deficit_cases(self) -> list[Case]:
        return [c for c in self.cases if c.deficit]

    def deficit_rows(self) -> list[Case]:
        """The deficit segment's rows of each region's main municipality for that segment
        (the one with the largest budget: in amsterdam, Amsterdam itself; the three small
        municipalities have a handful of clients in the segment, within the noise)."""
        main: dict[tuple[str, int], tuple[int, str]] = {}
        for c in self.deficit_cases():
            key = (c.profile, c.seed)
            if key not in main or (c.budget or 0) > main[key][0]:
                main[key] = (c.budget or 0, c.municipality)
        return [c for c in self.deficit_cases() if main[(c.profile, c.seed)][1] == c.municipality]

    def deficit_warned_by(self, month: int) -> bool:
        """True when, in every region, the deficit segment of its main municipality warns at
        some month up to ``month`` with inflow as its main driver."""
        rows = self.deficit_rows()
        regions = {(c.profile, c.seed) for c in rows}
        for key in regions:
            mine = [c for c in rows if (c.profile, c.seed) == key and c.month <= month]
            if not any(c.warning and c.main_driver == "inflow" for c in mine):
                return False
        return bool(regions)

    def _figures(self, month: int | None, day: str | None, profiles: list[str]) -> dict[str, Any]:
        return {
            "rows": len(self.scored(month, None, day)),
            "coverage": self.coverage(month, None, day),
            "mape": self.mape(month, None, day),
            "profiles": {
                p: {
                    "rows": len(self.scored(month, p, day)),
                    "coverage": self.coverage(month, p, day),
                    "mape": self.mape(month, p, day),
                }
                for p in profiles
            },
        }

    def summary(self) -> dict[str, Any]:
        """Coverage and MAPE per month, per day of the month and per month and day (each
        also per profile), the deficit warnings, the cases."""
        profiles = sorted({c.profile for c in self.cases})
        return {
            "months": {str(m): self._figures(m, None, profiles) for m in self.months()},
            "days": {d: self._figures(None, d, profiles) for d in self.days()},
            "month_days": {f"{m}/{d}": self._figures(m, d, profiles) for m in self.months() for d in self.days()},
            "coverage": self.coverage(),
            "mape": self.mape(),
            "deficit_warned_by_month_6": self.deficit_warned_by(6),
            "deficit": [asdict(c) for c in self.deficit_cases()],
        }

    def markdown(self) -> str:
        """The summary as a Markdown table (for docs/forecast.md and the README): a row per
        month and day of the month, then per day of the month over all months, then all."""
        profiles = sorted({c.profile for c in self.cases})
        lines = [
            "| as of month | day of month | rows | inside 80 % range | MAPE | "
            + " | ".join(f"{p}: inside / MAPE" for p in profiles)
            + " |",
            "|---|---|---|---|---|" + "---|" * len(profiles),
        ]

        def line(month: int | None, day: str | None) -> str:
            cells = [f"{_pct(self.coverage(month, p, day))} / {_pct(self.mape(month, p, day), 1)}" for p in profiles]
            return (
                f"| {'all' if month is None else month} | {'all' if day is None else day} | "
                f"{len(self.scored(month, None, day))} | {_pct(self.coverage(month, None, day))} | "
                f"{_pct(self.mape(month, None, day), 1)} | " + " | ".join(cells) + " |"
            )

        days = self.days()
        lines += [line(m, d) for m in self.months() for d in days]
        if len(days) > 1:
            lines += [line(None, d) for d in days]
        lines.append(line(None, None))
        return "\n".join(lines)


def _pct(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f} %"


def backtest(
    regions: Iterable[Region],
    *,
    months: Sequence[int] = (3, 6, 9),
    model: YearEndForecast | None = None,
    days: Sequence[int | None] = (None,),
) -> BacktestReport:
    """Backtest every region (see the module docstring)."""
    cases: list[Case] = []
    for region in regions:
        cases += backtest_region(region, months=months, model=model, days=days)
    return BacktestReport(tuple(cases))


def backtest_outlook(
    region: Region, *, months: Sequence[int] = (6, 9), model: YearEndForecast | None = None
) -> list[Case]:
    """The one-year-ahead outlook (``regie forecast --years 1``), made for the year before
    the region's reference year as of the end of each of ``months``, held against the
    reference year's actual year end (docs/scenarios.md). ``Case.month`` is the as-of month
    of the year before."""
    from regie.engine.scenarios import outlook_document  # noqa: PLC0415 - only for this backtest
    from regie.engine.scenarios.build import build_profile  # noqa: PLC0415

    model = model if model is not None else YearEndForecast()
    actual = actual_year_end(region.catalog, region.declarations, year=region.year)
    cases: list[Case] = []
    for month in months:
        as_of = as_of_date(region.year - 1, month, None)
        fitted = YearEndForecast(**model.get_params()).fit(
            region.catalog, region.episodes, region.declarations, year=region.year - 1, as_of=as_of
        )
        rows = outlook_document(build_profile(fitted, years=1))["rows"]
        for row in rows:
            (ahead,) = row["outlook"]
            cases.append(
                Case(
                    profile=region.profile,
                    seed=region.seed,
                    month=month,
                    municipality=row["municipality"],
                    segment=row["segment"],
                    funding_model=row["funding_model"],
                    budget=None,
                    forecast=ahead["forecast"],
                    low=ahead["low"],
                    high=ahead["high"],
                    actual=actual.get((row["municipality"], row["segment"]), 0),
                    warning=False,
                    main_driver=None,
                    deficit=row["segment"] == region.deficit_segment,
                )
            )
    return cases
