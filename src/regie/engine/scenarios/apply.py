"""A scenario applied to the forecast and the outlook, the difference split by change.

:func:`apply_scenario` takes a :class:`Profile` (the forecast's rows with their cells,
:mod:`regie.engine.scenarios.build`) and a :class:`~regie.engine.scenarios.changes.Scenario`
and returns the document of ``regie forecast --scenario``: every row of the forecast with
the scenario's figures, ``baseline`` (the forecast without the scenario) beside them, and
``changes``: the difference split by change, by sequential substitution in the scenario's
order (change 1 on the forecast, change 2 on that, ...), rounded as a running total so the
parts add up to the difference to the cent. ``--years N`` adds ``outlook`` per row: the
same for each of the next N years, with an 80 % range that widens with the years.

A change never rewrites a month that has begun: one whose ``from`` lies before the first
month not begun holds from that month.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from regie.engine.forecast.base import cents
from regie.engine.funding.base import spread
from regie.engine.scenarios.changes import Change, Scenario
from regie.engine.scenarios.profile import Cell, Floats, Move, Plan, run

#: The z-value of the 80 % range (the 90th percentile of the normal).
Z80 = 1.2815515655446004


@dataclass(frozen=True)
class Group:
    """One municipality x segment of the forecast: its row (as in ``regie forecast
    --json``), its provider rows, next year's row, and its cells."""

    municipality: str
    segment: str
    model: str
    domain: str
    row: dict[str, Any]
    providers: dict[str, dict[str, Any]]
    next_row: dict[str, Any] | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Profile:
    """The forecast as a scenario changes it: ``first`` is the first month not begun
    (index), ``horizon`` the months from it to the end of the last outlook year;
    ``funding_ratios`` (segment, model) -> what the segment would cost under ``model``
    over what it costs under its own (``regie funding compare``); ``drift`` the log-standard
    deviation a year by which an outlook's range widens."""

    year: int
    as_of: dt.date
    first: int
    horizon: int
    years: int
    groups: tuple[Group, ...]
    funding_ratios: Mapping[tuple[str, str], float]
    drift: float = math.hypot(0.05, 0.15)

    def months_of(self, year: int) -> slice:
        """The positions of ``year``'s months in the horizon."""
        start = max(0, year * 12 - self.first)
        return slice(start, max(start, (year + 1) * 12 - self.first))


def _offset(profile: Profile, change: Change) -> int:
    return max(change.month - profile.first, 0)


def _matches(change: Change, group: Group) -> bool:
    return (change.segment is None or change.segment == group.segment) and (
        change.municipality is None or change.municipality == group.municipality
    )


def _others(cells: tuple[Cell, ...], source: int) -> dict[int, float]:
    """The cells that take over from ``source``: by their new episodes, else their stock."""
    weights = {i: float(c.starts.sum()) for i, c in enumerate(cells) if i != source}
    if sum(weights.values()) <= 0:
        weights = {i: c.stock for i, c in enumerate(cells) if i != source}
    total = sum(weights.values())
    if total <= 0:
        return {}
    return {i: w / total for i, w in weights.items() if w > 0}


def _capacity_share(profile: Profile, change: Change, group: Group) -> float:
    """The part of a capacity move's clients that moves within ``group``: all of them when
    the change names a municipality, else in proportion to the source provider's stock."""

    def stock(g: Group) -> float:
        return sum(c.stock for c in g.cells if c.provider == change.from_provider)

    total = sum(stock(g) for g in profile.groups if _matches(change, g))
    return stock(group) / total if total > 0 else 0.0


def add_change(profile: Profile, group: Group, plan: Plan, change: Change) -> Plan:
    """``plan`` with ``change`` added for ``group`` (a new plan; ``plan`` stays as it was)."""
    plan = plan.copy()
    at = _offset(profile, change)
    if at >= profile.horizon or not group.cells:
        return plan
    index = {c.provider: i for i, c in enumerate(group.cells)}
    if change.kind == "tariff" and _matches(change, group):
        plan.money_factor[:, at:] *= change.factor
    elif change.kind == "inflow" and _matches(change, group):
        plan.start_factor[:, at:] *= change.factor
    elif change.kind == "duration" and _matches(change, group):
        plan.stay_factor[:, at:] *= change.factor
    elif change.kind == "funding_model" and change.segment == group.segment and change.model != group.model:
        plan.money_factor[:, at:] *= profile.funding_ratios.get((group.segment, str(change.model)), 1.0)
    elif change.kind == "capacity" and _matches(change, group):
        source, target = index.get(str(change.from_provider)), index.get(str(change.to_provider))
        if source is not None and target is not None:
            clients = change.clients * _capacity_share(profile, change, group)
            plan.moves.append(Move(at, source, {target: 1.0}, clients))
    elif change.kind == "provider_exit" and _matches(change, group):
        source = index.get(str(change.provider))
        targets = _others(group.cells, source) if source is not None else {}
        if source is not None and targets:
            plan.moves.append(Move(at, source, targets, None))
            plan.redirect.append((at, source, targets))
    return plan


# --------------------------------------------------------------------------- money


def _money_by_year(profile: Profile, group: Group, plan: Plan) -> Floats:
    """Money per cell (rows) and year (columns: the forecast's year, then the outlook's)."""
    money = run(list(group.cells), plan, profile.year).money
    years = [profile.year + i for i in range(profile.years + 1)]
    return np.stack([money[:, profile.months_of(y)].sum(axis=1) for y in years], axis=1)


def _steps(profile: Profile, group: Group, changes: tuple[Change, ...]) -> list[Floats]:
    """The money per cell and year after 0, 1, ..., n of the changes."""
    plan = Plan.neutral(len(group.cells), profile.horizon)
    out = [_money_by_year(profile, group, plan)]
    for change in changes:
        plan = add_change(profile, group, plan, change)
        out.append(_money_by_year(profile, group, plan))
    return out


def split(base: int, deltas: list[float]) -> list[int]:
    """Whole-cent parts of ``deltas`` on ``base`` that add up to the rounded total: each part
    is the step of the running total rounded to a cent.

    >>> split(100, [0.4, 0.4, 0.4])
    [0, 1, 0]
    """
    return spread([Fraction(base), *map(Fraction, deltas)])[1:]


def _parts(changes: tuple[Change, ...], cents: list[int]) -> list[dict[str, Any]]:
    return [
        {"change": i + 1, "kind": c.kind, "title": c.title(), "cents": p}
        for i, (c, p) in enumerate(zip(changes, cents, strict=True))
    ]


def _scaled_row(row: dict[str, Any], parts: list[int], changes: tuple[Change, ...]) -> dict[str, Any]:
    """``row`` under the scenario: remaining and forecast moved by the parts, the range
    scaled with the forecast, the warning again; the baseline beside it."""
    difference = sum(parts)
    forecast = row["forecast"] + difference
    ratio = forecast / row["forecast"] if row["forecast"] else 1.0
    low = cents(row["low"] * ratio) if row["forecast"] else row["low"] + difference
    high = cents(row["high"] * ratio) if row["forecast"] else row["high"] + difference
    out = dict(row)
    ceiling = row.get("ceiling", row.get("budget"))
    out.update(
        remaining=row["remaining"] + difference,
        forecast=forecast,
        low=min(low, forecast),
        high=max(high, forecast),
        warning=ceiling is not None and (forecast > ceiling or max(high, forecast) > ceiling),
        baseline=row["forecast"],
        baseline_low=row["low"],
        baseline_high=row["high"],
        difference=difference,
        changes=_parts(changes, parts),
    )
    return out


def _outlook(
    profile: Profile, group: Group, cells_money: list[Floats], changes: tuple[Change, ...], cell: int | None
) -> list[dict[str, Any]]:
    """Per outlook year: the forecast with its 80 % range, the baseline and the parts."""
    out = []
    nxt = group.next_row
    width = 0.0
    if nxt and nxt["low"] > 0 and nxt["high"] > 0 and group.model not in ("lump_sum", "population"):
        width = math.log(nxt["high"] / nxt["low"]) / (2 * Z80)
    for t in range(1, profile.years + 1):
        totals = [float(m[:, t].sum() if cell is None else m[cell, t]) for m in cells_money]
        base = cents(totals[0])
        parts = split(base, [b - a for a, b in zip(totals, totals[1:], strict=False)])
        forecast = base + sum(parts)
        sigma = 0.0 if not width else math.sqrt(width**2 + t * profile.drift**2)
        out.append(
            {
                "year": profile.year + t,
                "forecast": forecast,
                "low": cents(forecast * math.exp(-Z80 * sigma)),
                "high": cents(forecast * math.exp(Z80 * sigma)),
                "baseline": base,
                "difference": forecast - base,
                "changes": _parts(changes, parts),
            }
        )
    return out


def _group_rows(
    profile: Profile, group: Group, changes: tuple[Change, ...]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The scenario's row of a group and its provider rows."""
    steps = _steps(profile, group, changes)
    deltas = [float((b[:, 0] - a[:, 0]).sum()) for a, b in zip(steps, steps[1:], strict=False)]
    row = _scaled_row(group.row, split(group.row["forecast"], deltas), changes)
    if profile.years:
        row["outlook"] = _outlook(profile, group, steps, changes, None)
    providers = []
    for i, cell in enumerate(group.cells):
        prow = group.providers.get(cell.provider)
        if prow is None:
            continue
        cell_deltas = [float(b[i, 0] - a[i, 0]) for a, b in zip(steps, steps[1:], strict=False)]
        providers.append(_scaled_row(prow, split(prow["forecast"], cell_deltas), changes))
    return row, providers


# --------------------------------------------------------------------------- new segments


def _new_segment_rows(
    profile: Profile, changes: tuple[Change, ...], weights: Mapping[str, float]
) -> list[dict[str, Any]]:
    """Rows for the new legal tasks: ``clients`` x ``price_per_client`` a year from ``from``,
    over the named municipalities (else all, by their share of the year's budgets)."""
    rows = []
    for i, change in enumerate(changes):
        if change.kind != "new_segment":
            continue
        known = {m: weights.get(m, 0.0) for m in (list(change.municipalities) or sorted(weights))}
        total = sum(known.values())
        for muni, weight in known.items():
            share = weight / total if total > 0 else 1.0 / len(known)
            yearly = change.clients * share * change.price_per_client

            def money(year: int, change: Change = change, yearly: float = yearly) -> int:
                months = sum(1 for m in range(year * 12, year * 12 + 12) if m >= max(change.month, profile.first))
                return cents(yearly * months / 12)

            parts = [money(profile.year) if j == i else 0 for j in range(len(changes))]
            amount = parts[i]
            row: dict[str, Any] = {
                "municipality": muni,
                "segment": change.segment,
                "budget": None,
                "realised": 0,
                "ibnr": 0,
                "remaining": amount,
                "forecast": amount,
                "low": amount,
                "high": amount,
                "warning": False,
                "drivers": [],
                "funding_model": "per_client",
                "advances": 0,
                "ceiling": None,
                "new_segment": True,
                "baseline": 0,
                "baseline_low": 0,
                "baseline_high": 0,
                "difference": amount,
                "changes": _parts(changes, parts),
            }
            if profile.years:
                row["outlook"] = [
                    {
                        "year": y,
                        "forecast": money(y),
                        "low": money(y),
                        "high": money(y),
                        "baseline": 0,
                        "difference": money(y),
                        "changes": _parts(changes, [money(y) if j == i else 0 for j in range(len(changes))]),
                    }
                    for y in range(profile.year + 1, profile.year + profile.years + 1)
                ]
            rows.append(row)
    return rows


# --------------------------------------------------------------------------- the document


def _totals(rows: list[dict[str, Any]], changes: tuple[Change, ...]) -> dict[str, Any]:
    parts = [sum(r["changes"][i]["cents"] for r in rows) for i in range(len(changes))]
    return {
        "baseline": sum(r["baseline"] for r in rows),
        "forecast": sum(r["forecast"] for r in rows),
        "difference": sum(r["difference"] for r in rows),
        "changes": _parts(changes, parts),
    }


def apply_scenario(profile: Profile, scenario: Scenario, budget_weights: Mapping[str, float]) -> dict[str, Any]:
    """The document of ``regie forecast --scenario FILE [--years N]`` (see the module
    docstring); ``budget_weights`` (municipality -> the year's budgets) shares out a new
    segment's clients when its change names no municipalities."""
    changes = scenario.changes
    rows: list[dict[str, Any]] = []
    providers: list[dict[str, Any]] = []
    for group in profile.groups:
        row, prows = _group_rows(profile, group, changes)
        rows.append(row)
        providers += prows
    rows += _new_segment_rows(profile, changes, budget_weights)
    return {
        "year": profile.year,
        "as_of": profile.as_of.isoformat(),
        "years": profile.years,
        "scenario": {
            **scenario.as_dict(),
            "changes": [{**c.as_dict(), "change": i + 1, "title": c.title()} for i, c in enumerate(changes)],
        },
        "rows": rows,
        "providers": providers,
        "totals": _totals(rows, changes),
    }


def outlook_document(profile: Profile) -> dict[str, Any]:
    """``--years N`` without a scenario: every row with its outlook (baseline = forecast)."""
    empty = Scenario(name="", changes=())
    rows = []
    for group in profile.groups:
        row = dict(group.row)
        if profile.years:
            steps = _steps(profile, group, ())
            row["outlook"] = [
                {k: v for k, v in o.items() if k not in ("baseline", "difference", "changes")}
                for o in _outlook(profile, group, steps, empty.changes, None)
            ]
        rows.append(row)
    return {"rows": rows}
