"""Agreed vs realised (afgesproken vs gerealiseerd) of domain.md section 5: the contract's N_p."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from regie.engine.catalog import Catalog
from regie.engine.indicators.context import Context, attach, filter_where, null_column

#: Agreed client numbers: one row per provider, segment and year (the contract's N_p).
AGREED: dict[str, pl.DataType | type[pl.DataType]] = {
    "provider": pl.Utf8,
    "segment": pl.Utf8,
    "year": pl.Int64,
    "agreed_clients": pl.Int64,
}


def add_agreed_clients(ctx: Context, rows: pl.DataFrame, agreed: pl.DataFrame | None) -> pl.DataFrame:
    """**agreed vs realised** (afgesproken vs gerealiseerd): the contract's agreed clients N_p,
    to put beside the realised clients (:func:`~regie.engine.indicators.counts.add_clients`).

    ``agreed`` has one row per provider, segment and year (:data:`AGREED`;
    :func:`agreed_from_catalog` builds it from the contracts). A row gets the sum of the
    agreements of its provider and segment (all providers or segments of the row when it is
    not grouped by them) for the calendar year its period lies in; month and quarter rows carry
    the agreement of their year, which is an annual number of unique clients. Null where no
    agreement applies: grouped or filtered by municipality or area (agreements are not split
    over them), for a period spanning more than one calendar year, or when there is no
    agreement at all. Column ``agreed_clients``.
    """
    if agreed is None or {"municipality", "area"} & {*ctx.query.group_keys, *ctx.where}:
        return null_column(rows, "agreed_clients")
    keys = [k for k in ctx.query.group_keys if k in ("provider", "segment")]
    ag = filter_where(agreed.select(pl.col(c).cast(t) for c, t in AGREED.items()), ctx.where)
    ag = ag.group_by([*keys, "year"]).agg(pl.col("agreed_clients").sum())
    target = rows.select("_k", *keys, "_year").filter(pl.col("_year").is_not_null())
    out = target.join(ag, left_on=[*keys, "_year"], right_on=[*keys, "year"], how="inner", nulls_equal=True)
    return attach(rows, out.select("_k", "agreed_clients"))


def agreed_from_catalog(catalog: Catalog, years: Iterable[int]) -> pl.DataFrame:
    """The :data:`AGREED` frame of a catalog: per contract active in a year, its agreed clients.

    The agreed number is the contract's ``agreed_clients`` (per-client price, N_p), or else its
    ``expected_clients`` (a task-based lump sum is sized on them); contracts with neither have
    no agreement. Several contracts of one provider and segment in a year add up.

    >>> import datetime as dt
    >>> from regie.engine.catalog import Contract
    >>> c = Contract("c1", "12345678", "IB", ("0983",), dt.date(2025, 1, 1), dt.date(2026, 12, 31), agreed_clients=120)
    >>> cat = Catalog("R", (), (), (), (c,), ())
    >>> agreed_from_catalog(cat, [2025, 2027]).rows()
    [('12345678', 'IB', 2025, 120)]
    """
    rows = []
    for y in years:
        for c in catalog.contracts:
            n = c.agreed_clients or c.expected_clients
            if n and c.active_in(y):
                rows.append({"provider": c.provider, "segment": c.segment, "year": y, "agreed_clients": n})
    df = pl.DataFrame(rows, schema=AGREED, orient="row")
    return (
        df.group_by("provider", "segment", "year")
        .agg(pl.col("agreed_clients").sum())
        .sort("provider", "segment", "year")
    )
