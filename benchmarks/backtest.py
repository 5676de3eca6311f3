"""Backtest of the year-end forecast on generated regions (several seeds, both profiles).

For each profile and seed a region is generated (``regie.synth.build``: the same data as
``regie generate`` writes, without the message files; or ``--truth DIR`` reads regions
written by ``regie generate``). As of the 1st, the 5th, the 15th and the last day of months
3, 6 and 9 of the reference year (``--days``, ``--months``) the forecast is made with only
the data that had arrived by then, and held against the actual year end (the payment ledger
on all data, without the segment ceiling's cuts):

- **coverage**: share of rows whose actual year end lies inside the 80 % range, per month
  and day of the month, and per day of the month over the months (the 1st-9th are the days
  before the month's declarations arrive: coverage must not collapse there);
- **MAPE**: mean absolute percentage error of the forecast;
- the **deficit**: whether the scenario's deficit segment warns by month 6 with inflow as
  its main driver;
- a **reference** forecast doing the same job naively, in the same run: last year's
  spending times this year's spending to date over last year's to the same day (a run
  rate), so the MAPE of the model can be read against it.

Rows whose spending is fixed by contract (lump sum, population) are not scored.

    uv run python benchmarks/backtest.py [--profiles venlo,amsterdam] [--seeds 1,2,3,4,5]
        [--scale 1.0] [--year 2025] [--months 3,6,9] [--days 1,5,15,end] [--paths 1000]
        [--json OUT.json] [--truth DIR ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from regie.engine.forecast import YearEndForecast
from regie.engine.forecast.base import same_day_year_before
from regie.engine.funding import ledger
from regie.synth.backtest import (
    BacktestReport,
    Case,
    Region,
    as_of_date,
    backtest_region,
    build_region,
    load_region,
)


def spending(region: Region, year: int, as_of: dt.date) -> dict[tuple[str, str], int]:
    """What the ledger makes due for the care of ``year`` as of ``as_of``, without segment cuts."""
    out: dict[tuple[str, str], int] = {}
    for line in ledger(region.catalog, region.declarations, year=year, as_of=as_of):
        if line.rule != "ceiling.segment":
            key = (line.municipality, line.segment)
            out[key] = out.get(key, 0) + line.amount_cents
    return out


def naive(region: Region, months: list[int], days: list[int | None]) -> dict[tuple[int, str, str, str], float]:
    """The run-rate reference: last year's total x (this year to date / last year to the same day)."""
    year = region.year
    last_total = spending(region, year - 1, dt.date(year + 5, 12, 31))
    out: dict[tuple[int, str, str, str], float] = {}
    for month, day in ((m, d) for m in months for d in days):
        as_of = as_of_date(year, month, day)
        now = spending(region, year, as_of)
        then = spending(region, year - 1, same_day_year_before(as_of))
        for key, total in last_total.items():
            if then.get(key, 0) > 0:
                out[(month, "end" if day is None else str(day), *key)] = total * now.get(key, 0) / then[key]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", default="venlo,amsterdam")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--months", default="3,6,9")
    parser.add_argument("--days", default="1,5,15,end", help="days of the month (end: the last day)")
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=None, help="write the summary and every case here")
    parser.add_argument("--truth", type=Path, nargs="*", default=[], help="regions written by regie generate")
    args = parser.parse_args(argv)
    months = [int(m) for m in args.months.split(",")]
    days: list[int | None] = [None if d == "end" else int(d) for d in args.days.split(",")]
    model = YearEndForecast(n_paths=args.paths)

    sources: list[tuple[str, Any]] = [("dir", d) for d in args.truth]
    if not sources:
        sources = [("build", (p, s)) for p in args.profiles.split(",") for s in (int(x) for x in args.seeds.split(","))]
    cases: list[Case] = []
    reference: dict[tuple[str, int, int, str, str, str], float] = {}
    fit_seconds = 0.0
    fits = 0
    for kind, what in sources:
        started = time.perf_counter()
        region = load_region(what) if kind == "dir" else build_region(what[0], args.year, what[1], args.scale)
        built = time.perf_counter()
        mine = backtest_region(region, months=months, model=model, days=days)
        done = time.perf_counter()
        fit_seconds += done - built
        fits += len(months) * len(days)
        for (month, day, m, s), value in naive(region, months, days).items():
            reference[(region.profile, region.seed, month, day, m, s)] = value
        cases += mine
        report = BacktestReport(tuple(mine))
        print(
            f"{region.profile} seed {region.seed}: generated in {built - started:.1f} s, "
            f"{len(months) * len(days)} forecasts in {done - built:.1f} s; coverage {report.coverage():.0%}, "
            f"MAPE {report.mape():.1%}",
            file=sys.stderr,
        )
    report = BacktestReport(tuple(cases))
    print(report.markdown())
    print()
    naive_errors: dict[tuple[int, str], list[float]] = {}
    model_errors: dict[tuple[int, str], list[float]] = {}
    for c in report.scored():
        ref = reference.get((c.profile, c.seed, c.month, c.day_label, c.municipality, c.segment))
        if ref is None or c.error is None:
            continue
        for key in ((c.month, c.day_label), (0, c.day_label)):
            naive_errors.setdefault(key, []).append(abs(ref - c.actual) / abs(c.actual))
            model_errors.setdefault(key, []).append(c.error)
    print("| as of month | day of month | MAPE model | MAPE run rate (reference) | ratio |")
    print("|---|---|---|---|---|")
    order = {d: i for i, d in enumerate(report.days())}
    for m, d in sorted(model_errors, key=lambda k: (k[0] == 0, k[0], order.get(k[1], 0))):
        ours = sum(model_errors[(m, d)]) / len(model_errors[(m, d)])
        theirs = sum(naive_errors[(m, d)]) / len(naive_errors[(m, d)])
        print(f"| {m or 'all'} | {d} | {ours:.1%} | {theirs:.1%} | {ours / theirs:.2f} |")
    print()
    print("Deficit segment (each region's main municipality):")
    for c in report.deficit_rows():
        print(
            f"- {c.profile} seed {c.seed} month {c.month} day {c.day_label}: forecast {c.forecast / 100:,.0f} "
            f"[{c.low / 100:,.0f} - {c.high / 100:,.0f}] euro, actual {c.actual / 100:,.0f}, "
            f"budget {(c.budget or 0) / 100:,.0f}; warning {c.warning}, main driver {c.main_driver}"
        )
    print(f"warned by month 6 with inflow as main driver: {report.deficit_warned_by(6)}")
    print(f"mean time per forecast: {fit_seconds / max(fits, 1):.1f} s ({args.paths} paths)")
    if args.json is not None:
        summary = report.summary()
        summary["cases"] = [c.__dict__ for c in report.cases]
        summary["settings"] = {
            "scale": args.scale,
            "year": args.year,
            "paths": args.paths,
            "seeds": args.seeds,
            "days": args.days,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
