"""Plain helpers between the engines and what is stored and shown (no Django).

- :func:`month_label` and friends name periods the Dutch way;
- :func:`totals_by`, :func:`total_of` and :func:`forecast_total` add up stored rows for a
  table's totals; :func:`year_over_year` sets rows beside last year's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MONTHS_NL = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def month_label(month: str | dt.date) -> str:
    """``2025-03-01`` -> ``mrt 2025``.

    >>> month_label("2025-03-01")
    'mrt 2025'
    """
    day = month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month)[:10])
    return f"{MONTHS_NL[day.month - 1]} {day.year}"


def totals_by(rows: Iterable[Mapping[str, Any]], keys: Sequence[str], fields: Sequence[str]) -> list[dict[str, Any]]:
    """Integer ``fields`` summed per combination of ``keys``, sorted by the keys: amounts and
    line counts that add up (e.g. a provider's payments per month over its contracts), never
    indicators such as medians or distinct clients.

    >>> totals_by([{"m": "b", "x": 1}, {"m": "a", "x": 2}, {"m": "b", "x": None}], ["m"], ["x"])
    [{'m': 'a', 'x': 2}, {'m': 'b', 'x': 1}]
    """
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row.get(k) for k in keys)
        acc = out.setdefault(key, {**dict(zip(keys, key, strict=True)), **{f: 0 for f in fields}})
        for f in fields:
            value = row.get(f)
            if value is not None:
                acc[f] += int(value)
    return [out[k] for k in sorted(out, key=lambda k: tuple("" if v is None else str(v) for v in k))]


def total_of(rows: Iterable[Mapping[str, Any]], fields: Sequence[str]) -> dict[str, int | None]:
    """The totals row of a table: each integer field summed over ``rows`` (amounts and counts
    that add up), None for a field no row has a value for. Never for ranges, medians,
    shares or distinct clients: the 80 % range of a total is not the sum of the ranges.

    >>> total_of([{"x": 1, "y": None}, {"x": 2, "y": None}], ["x", "y"])
    {'x': 3, 'y': None}
    """
    out: dict[str, int | None] = {}
    for f in fields:
        values = [int(r[f]) for r in rows if r.get(f) is not None]
        out[f] = sum(values) if values else None
    return out


#: The amounts of a forecast row that add up over rows (not the range: see :func:`total_of`).
FORECAST_AMOUNTS = ("budget", "realised", "ibnr", "remaining", "forecast")


def forecast_total(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The totals row of forecast rows (municipality x segment, or providers): the amounts
    added up, ``over_budget`` the sum of forecast - budget over the rows that have a budget,
    and ``without_budget`` how many rows have none (their forecast is in the total forecast
    but not in the difference).

    >>> forecast_total([{"budget": 10, "realised": 4, "ibnr": 1, "remaining": 6, "forecast": 11},
    ...                 {"budget": None, "realised": 1, "ibnr": 0, "remaining": 1, "forecast": 2}])
    {'budget': 10, 'realised': 5, 'ibnr': 1, 'remaining': 7, 'forecast': 13, 'over_budget': 1, 'without_budget': 1, 'rows': 2}
    """
    out: dict[str, Any] = total_of(rows, FORECAST_AMOUNTS)
    with_budget = [r for r in rows if r.get("budget") is not None and r.get("forecast") is not None]
    out["over_budget"] = sum(int(r["forecast"]) - int(r["budget"]) for r in with_budget) if with_budget else None
    out["without_budget"] = len(rows) - len(with_budget)
    out["rows"] = len(rows)
    return out


def year_over_year(
    current: Iterable[Mapping[str, Any]],
    previous: Iterable[Mapping[str, Any]],
    keys: Sequence[str],
    fields: Sequence[str],
) -> list[dict[str, Any]]:
    """The rows of ``current`` with, per field, the value of the row with the same ``keys`` in
    ``previous`` (``<field>_previous``) and the change (``<field>_change``: current minus
    previous, None when either is unknown); a group only in ``previous`` is left out.

    >>> year_over_year([{"area": "A", "clients": 12}, {"area": "B", "clients": 5}],
    ...                [{"area": "A", "clients": 10}], ["area"], ["clients"])
    [{'area': 'A', 'clients': 12, 'clients_previous': 10, 'clients_change': 2}, \
{'area': 'B', 'clients': 5, 'clients_previous': None, 'clients_change': None}]
    """
    before = {tuple(r.get(k) for k in keys): r for r in previous}
    out = []
    for row in current:
        was = before.get(tuple(row.get(k) for k in keys), {})
        new = dict(row)
        for f in fields:
            now, then = row.get(f), was.get(f)
            new[f"{f}_previous"] = then
            new[f"{f}_change"] = None if now is None or then is None else round(now - then, 6)
        out.append(new)
    return out
