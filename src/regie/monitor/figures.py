"""Plain helpers between the engines and what is stored and shown (no Django).

- :func:`json_rows` turns an engine frame into JSON-able rows (dates as ISO strings), the
  form in which snapshots store them and ``--json`` prints them;
- :func:`declaration_status` counts a year's declaration lines as in time, late or rejected,
  with the engine's deadline rule (:meth:`regie.engine.catalog.Contract.deadline_for`);
- :func:`month_label` and friends name periods the Dutch way.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from regie.engine import frames
from regie.engine.catalog import Catalog, Contract, declaration_deadline

MONTHS_NL = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def jsonable(value: Any) -> Any:
    """One value as JSON: dates as ISO strings, NaN as null, everything else as it is.

    >>> jsonable(dt.date(2025, 3, 1)), jsonable(float("nan")), jsonable(3)
    ('2025-03-01', None, 3)
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def json_rows(df: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``df`` as JSON-able dicts, in its column order.

    >>> json_rows(pl.DataFrame({"month": [dt.date(2025, 1, 1)], "clients": [3]}))
    [{'month': '2025-01-01', 'clients': 3}]
    """
    return [{k: jsonable(v) for k, v in row.items()} for row in df.iter_rows(named=True)]


def month_label(month: str | dt.date) -> str:
    """``2025-03-01`` -> ``mrt 2025``.

    >>> month_label("2025-03-01")
    'mrt 2025'
    """
    day = month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month)[:10])
    return f"{MONTHS_NL[day.month - 1]} {day.year}"


def month_ends(year: int, as_of: dt.date) -> list[dt.date]:
    """The last day of each month of ``year`` that ended on or before ``as_of``, then ``as_of``
    itself when it lies inside the year and is not a month end.

    >>> [d.isoformat() for d in month_ends(2025, dt.date(2025, 3, 10))]
    ['2025-01-31', '2025-02-28', '2025-03-10']
    """
    out: list[dt.date] = []
    for month in range(1, 13):
        end = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if end <= as_of:
            out.append(end)
    if dt.date(year, 1, 1) <= as_of <= dt.date(year, 12, 31) and as_of not in out:
        out.append(as_of)
    return out


def _contract_for(contracts: Sequence[Contract], municipality: str, month: dt.date) -> Contract | None:
    for contract in contracts:
        if (
            municipality in contract.municipalities
            and contract.start <= month + dt.timedelta(days=27)
            and month <= contract.end
        ):
            return contract
    return None


def deadlines(
    catalog: Catalog, keys: Iterable[tuple[str, str, str, dt.date]]
) -> dict[tuple[str, str, str, dt.date], dt.date | None]:
    """Per (provider, segment, municipality, care month): the deadline of the contract that
    covers it, or the default rule (``second-month-15``) when no contract does."""
    by_pair: dict[tuple[str, str], list[Contract]] = {}
    for contract in sorted(catalog.contracts, key=lambda c: (c.start, c.id)):
        by_pair.setdefault((contract.provider, contract.segment), []).append(contract)
    out: dict[tuple[str, str, str, dt.date], dt.date | None] = {}
    for key in keys:
        provider, segment, municipality, month = key
        contract = _contract_for(by_pair.get((provider, segment), []), municipality, month)
        out[key] = contract.deadline_for(month) if contract else declaration_deadline(month)
    return out


STATUSES = ("in_time", "late", "rejected")


def declaration_status(
    declarations: pl.DataFrame, catalog: Catalog, *, year: int, as_of: dt.date
) -> list[dict[str, Any]]:
    """Declaration lines for care months of ``year`` arrived by ``as_of``, counted per provider,
    segment, municipality and care month as **in time**, **late** or **rejected**.

    A line is *rejected* when the door refused it (``accepted`` is False, with its retour
    code); otherwise it is *late* when it arrived after the deadline of the contract that
    covers its care month (:meth:`~regie.engine.catalog.Contract.deadline_for`; a contract
    without a deadline is never late), else *in time*. Counts are lines (debit and credit
    rows alike); amounts are the declared amounts in cents (credits negative).

    >>> from regie.engine.catalog import Catalog
    >>> decl = frames.frame("declarations", [
    ...     {"provider": "P", "segment": "S", "municipality": "0983", "care_month": dt.date(2025, 1, 1),
    ...      "arrival": dt.date(2025, 2, 3), "amount_cents": 100, "accepted": True},
    ...     {"provider": "P", "segment": "S", "municipality": "0983", "care_month": dt.date(2025, 1, 1),
    ...      "arrival": dt.date(2025, 4, 1), "amount_cents": 50, "accepted": True},
    ...     {"provider": "P", "segment": "S", "municipality": "0983", "care_month": dt.date(2025, 1, 1),
    ...      "arrival": dt.date(2025, 2, 3), "amount_cents": 70, "accepted": False}])
    >>> row = declaration_status(decl, Catalog("R", (), (), (), (), ()), year=2025, as_of=dt.date(2025, 6, 30))[0]
    >>> [row[k] for k in ("in_time", "late", "rejected", "in_time_cents", "late_cents", "rejected_cents")]
    [1, 1, 1, 100, 50, 70]
    """
    df = frames.as_of(frames.conform("declarations", declarations), "declarations", as_of).filter(
        pl.col("care_month").dt.year() == year
    )
    keys = ["provider", "segment", "municipality", "care_month"]
    if df.is_empty():
        return []
    combos = [tuple(r) for r in df.select(keys).unique().rows()]
    table = deadlines(catalog, combos)  # type: ignore[arg-type]
    dl = pl.DataFrame(
        [(*k, v) for k, v in table.items()],
        schema={
            "provider": pl.Utf8,
            "segment": pl.Utf8,
            "municipality": pl.Utf8,
            "care_month": pl.Date,
            "deadline": pl.Date,
        },
        orient="row",
    )
    df = df.join(dl, on=keys, how="left", nulls_equal=True)
    status = (
        pl.when(pl.col("accepted").not_())
        .then(pl.lit("rejected"))
        .when(pl.col("deadline").is_not_null() & (pl.col("arrival") > pl.col("deadline")))
        .then(pl.lit("late"))
        .otherwise(pl.lit("in_time"))
    )
    df = df.with_columns(status.alias("status"))
    aggs: list[pl.Expr] = []
    for s in STATUSES:
        aggs.append((pl.col("status") == s).sum().cast(pl.Int64).alias(s))
        aggs.append(pl.col("amount_cents").filter(pl.col("status") == s).sum().cast(pl.Int64).alias(f"{s}_cents"))
    out = df.group_by(keys).agg(aggs).sort(keys, nulls_last=True)
    return json_rows(out)


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


def year_ago(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February becomes 28 February).

    >>> year_ago(dt.date(2025, 6, 30)), year_ago(dt.date(2024, 2, 29))
    (datetime.date(2024, 6, 30), datetime.date(2023, 2, 28))
    """
    return day.replace(year=day.year - 1, day=min(day.day, 28) if (day.month, day.day) == (2, 29) else day.day)


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
