"""Backtest of the one-year-ahead outlook (``regie forecast --years 1``) on generated regions.

For each profile and seed a region is generated for the reference year Y; the outlook is
made for Y-1 as of the end of months 6 and 9 of Y-1 (only what had arrived by then) and its
first year held against Y's actual year end (the ledger on all data, without segment cuts):
coverage of the 80 % range and MAPE, overall and per profile, and for the deficit segment
(whose inflow rises in Y: a surprise no outlook made in Y-1 can know). Lump-sum and
population rows are fixed by contract and not scored.

    uv run python benchmarks/outlook.py [--profiles venlo,amsterdam] [--seeds 1,2,3,4] [--months 6,9]
"""

from __future__ import annotations

import argparse
import time

from regie.engine.forecast.base import FIXED_MODELS
from regie.synth.backtest import Case, backtest_outlook, build_region


def summary(cases: list[Case]) -> str:
    scored = [c for c in cases if c.funding_model not in FIXED_MODELS and c.actual > 0]
    if not scored:
        return "0 rows"
    inside = sum(c.low <= c.actual <= c.high for c in scored) / len(scored)
    mape = sum(abs(c.forecast - c.actual) / c.actual for c in scored) / len(scored)
    return f"{len(scored)} rows, inside 80 % range {100 * inside:.0f} %, MAPE {100 * mape:.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", default="venlo,amsterdam")
    parser.add_argument("--seeds", default="1,2,3,4")
    parser.add_argument("--months", default="6,9")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    months = [int(m) for m in args.months.split(",")]
    cases: list[Case] = []
    started = time.perf_counter()
    for profile in args.profiles.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            region = build_region(profile, args.year, seed, args.scale)
            cases += backtest_outlook(region, months=months)
            print(
                f"{profile} seed {seed}: {summary([c for c in cases if c.profile == profile and c.seed == seed])}",
                flush=True,
            )
    print(f"\nall: {summary(cases)}")
    for month in months:
        print(f"as of the end of month {month} of the year before: {summary([c for c in cases if c.month == month])}")
    for profile in args.profiles.split(","):
        print(f"{profile}: {summary([c for c in cases if c.profile == profile])}")
    print(f"without the deficit segment: {summary([c for c in cases if not c.deficit])}")
    print(f"deficit segment only: {summary([c for c in cases if c.deficit])}")
    print(f"time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
