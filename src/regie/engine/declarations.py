"""Declaration lines by timeliness: in time, late or rejected (domain.md section 4).

A declaration line is **rejected** when the door refused it (``accepted`` is False, with its
retour code); otherwise it is **late** when it arrived after the deadline of the contract
that covers its care month (:meth:`regie.engine.catalog.Contract.deadline_for`, the rule
``second-month-15`` when no contract covers it; a contract without a deadline is never
late), else **in time**. :func:`declaration_status` counts them per provider, segment,
municipality and care month; the monitor stores its rows and the funding pages show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from regie.engine import frames
from regie.engine.catalog import Catalog, Contract, declaration_deadline


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
        found = _contract_for(by_pair.get((provider, segment), []), municipality, month)
        out[key] = found.deadline_for(month) if found else declaration_deadline(month)
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
    combos: list[tuple[str, str, str, dt.date]] = df.select(keys).unique().rows()
    table = deadlines(catalog, combos)
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
    return frames.json_rows(out)
