"""From declaration rows to declared positions: one per declared prestatie, credits netted.

A 323 line (prestatie) is identified by its line id (provider + ReferentieNummer). The
standard corrects a line by crediting it (DebetCredit C) and, if needed, declaring it anew.
The credit is identical to the debit it credits except for its own, new ReferentieNummer
and a VorigReferentieNummer naming the debit (iJw/iWmo IV091). The engine's declarations
frame does not carry VorigReferentieNummer, so a credit is matched to its debit by that
identity: same provider, segment, municipality, client, allocation, product, care month,
unit, volume and amount (several identical debits are credited in line-id order). Rows
that share a line id (a sender crediting under the same ReferentieNummer) are netted too.
So the funding rules work on the **position** of each declared line: its debit rows minus
the credit rows that credit it. A position

- counts only rows that were accepted (``accepted`` is not False) and had arrived by
  ``as_of`` (their Dagtekening);
- has the net signed volume and amount; it *stands* when it has more debit rows than
  credit rows (a fully credited line stands no more);
- arrived on the first arrival of its debit rows (of its rows, when it has no debit): the
  declaration deadline is judged on that day, so a late credit never makes a line late.

Everything is sorted by stable keys, so the row order of the input never matters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from regie.engine import frames
from regie.engine.catalog import Contract
from regie.engine.funding.base import ALLOCATIONS, contract_months

_TEXT = ("segment", "municipality", "client", "allocation_number", "product_category", "product_code", "unit")


@dataclass(frozen=True)
class Position:
    """The net position of one declared line id in one care month (see the module docstring)."""

    line_id: str
    provider: str
    segment: str
    municipality: str
    client: str
    allocation_number: str | None
    product_category: str
    product_code: str | None
    care_month: dt.date
    unit: str | None
    arrival: dt.date
    volume: int
    amount_cents: int
    debits: int
    credits: int

    @property
    def stands(self) -> bool:
        """True while the line is not credited away (more debit rows than credit rows)."""
        return self.debits > self.credits

    def late(self, contract: Contract) -> bool:
        """True when a claim (net amount >= 0) arrived after the contract's deadline for its care month.

        A net negative position (a recovery) is never late: a credit always counts.
        """
        deadline = contract.deadline_for(self.care_month)
        return deadline is not None and self.amount_cents >= 0 and self.arrival > deadline


def positions(declarations: pl.DataFrame, *, as_of: dt.date | None = None) -> pl.DataFrame:
    """The declared positions of ``declarations`` (frame ``declarations``) as a frame.

    Columns: line_id, provider, care_month, the text columns of the first debit row,
    arrival (first debit arrival), volume and amount_cents (net, signed: a credit row counts
    negative), debits and credits (row counts). Sorted by care_month, provider, line_id.
    """
    df = frames.conform("declarations", declarations)
    df = df.filter(pl.col("accepted").fill_null(True))
    if as_of is not None:
        df = frames.as_of(df, "declarations", as_of)
    amount = pl.col("amount_cents").fill_null(0)
    df = df.with_columns(
        (amount >= 0).alias("_debit"),
        amount.alias("amount_cents"),
        (pl.col("volume").fill_null(0) * pl.when(amount < 0).then(-1).otherwise(1)).alias("_volume"),
    )
    df = df.sort(
        ["provider", "line_id", "care_month", "_debit", "arrival", *_TEXT, "amount_cents", "volume"],
        descending=[False, False, False, True, False, *([False] * len(_TEXT)), False, False],
        nulls_last=True,
    )
    out = df.group_by(["provider", "line_id", "care_month"], maintain_order=True).agg(
        *[pl.col(c).first() for c in _TEXT],
        pl.col("arrival").filter(pl.col("_debit")).min().alias("_debit_arrival"),
        pl.col("arrival").min().alias("_any_arrival"),
        pl.col("_volume").sum().alias("volume"),
        pl.col("amount_cents").sum().alias("amount_cents"),
        pl.col("_debit").sum().cast(pl.Int64).alias("debits"),
        (~pl.col("_debit")).sum().cast(pl.Int64).alias("credits"),
    )
    out = out.with_columns(pl.coalesce("_debit_arrival", "_any_arrival").alias("arrival")).drop(
        "_debit_arrival", "_any_arrival"
    )
    return _pair_credits(out).sort(["care_month", "provider", "line_id"])


_IDENTITY = ["provider", "care_month", *_TEXT, "_volume", "_amount"]


def _pair_credits(table: pl.DataFrame) -> pl.DataFrame:
    """Fold each credit-only position into the identical debit it credits (IV091)."""
    table = table.with_columns(pl.col("volume").abs().alias("_volume"), pl.col("amount_cents").abs().alias("_amount"))
    is_credit = (pl.col("debits") == 0) & (pl.col("amount_cents") < 0)
    is_debit = (pl.col("debits") > pl.col("credits")) & (pl.col("amount_cents") > 0)
    rank = pl.int_range(pl.len()).over(_IDENTITY).alias("_rank")
    credits = table.filter(is_credit).sort("line_id").with_columns(rank)
    debits = table.filter(is_debit).sort("line_id").with_columns(rank)
    if credits.height == 0 or debits.height == 0:
        return table.drop("_volume", "_amount")
    pairs = credits.select(
        *_IDENTITY, "_rank", pl.col("line_id").alias("_credit_id"), pl.col("volume").alias("_cv"),
        pl.col("amount_cents").alias("_ca"), pl.col("credits").alias("_cc"),
    ).join(
        debits.select(*_IDENTITY, "_rank", pl.col("line_id").alias("_debit_id")),
        on=[*_IDENTITY, "_rank"],
        nulls_equal=True,
    )  # fmt: skip
    adjust = pairs.select("provider", pl.col("_debit_id").alias("line_id"), "care_month", "_cv", "_ca", "_cc")
    out = (
        table.join(adjust, on=["provider", "line_id", "care_month"], how="left", nulls_equal=True)
        .with_columns(
            (pl.col("volume") + pl.col("_cv").fill_null(0)).alias("volume"),
            (pl.col("amount_cents") + pl.col("_ca").fill_null(0)).alias("amount_cents"),
            (pl.col("credits") + pl.col("_cc").fill_null(0)).alias("credits"),
        )
        .join(
            pairs.select("provider", pl.col("_credit_id").alias("line_id"), "care_month", pl.lit(True).alias("_gone")),
            on=["provider", "line_id", "care_month"],
            how="left",
        )
        .filter(pl.col("_gone").is_null())
    )
    return out.drop("_volume", "_amount", "_cv", "_ca", "_cc", "_gone")


def select(
    contract: Contract,
    table: pl.DataFrame,
    year: int,
    *,
    months: Sequence[dt.date] | None = None,
) -> list[Position]:
    """The positions of ``table`` (from :func:`positions`) that belong to ``contract`` in ``year``.

    A position belongs to a contract when provider and segment match, its municipality is
    one of the contract's and its care month is one of the contract's months of the year
    (``months``, default: every month the contract runs on at least one day).
    """
    wanted = list(months) if months is not None else contract_months(contract, year)
    if not wanted or table.height == 0:
        return []
    rows = table.filter(
        (pl.col("provider") == contract.provider)
        & (pl.col("segment") == contract.segment)
        & pl.col("municipality").is_in(list(contract.municipalities))
        & pl.col("care_month").is_in(wanted)
    )
    return [Position(**row) for row in rows.iter_rows(named=True)]


def history(contract: Contract, table: pl.DataFrame, year: int) -> list[Position]:
    """Positions of the contract's provider and segment for care months before ``year``.

    Used for caps that span years (an allocation's total volume, an arrangement's tariff):
    what was declared for the same allocation earlier counts against the cap.
    """
    if table.height == 0:
        return []
    rows = table.filter(
        (pl.col("provider") == contract.provider)
        & (pl.col("segment") == contract.segment)
        & (pl.col("care_month") < dt.date(year, 1, 1))
        & pl.col("allocation_number").is_not_null()
    )
    return [Position(**row) for row in rows.iter_rows(named=True)]


def allocation_table(allocations: pl.DataFrame | None, *, as_of: dt.date) -> dict[str, dict[str, object]]:
    """Allocation number -> its latest version arrived by ``as_of`` (frame :data:`ALLOCATIONS`)."""
    if allocations is None or allocations.height == 0:
        return {}
    missing = [name for name in ALLOCATIONS if name not in allocations.columns]
    df = allocations.with_columns(pl.lit(None).alias(name) for name in missing)
    df = df.select(pl.col(name).cast(dtype) for name, dtype in ALLOCATIONS.items())
    df = df.filter(pl.col("arrival").is_null() | (pl.col("arrival") <= as_of))
    df = df.sort(["allocation_number", "arrival", "begin", "end", "volume"], nulls_last=False)
    out: dict[str, dict[str, object]] = {}
    for row in df.iter_rows(named=True):
        out[str(row["allocation_number"])] = row
    return out


@dataclass(frozen=True)
class Declared:
    """What the models paid on declarations work from for the care of ``year``, as known on
    ``as_of``: the declared positions (:func:`positions`) and the allocations
    (:func:`allocation_table`), both cut at ``as_of``.

    The ledger makes one for all its contracts; a model's own function (``pxq_lines``,
    ``outcome_lines``, ``per_client_lines``) one for its contract.
    """

    table: pl.DataFrame
    year: int
    as_of: dt.date
    allocations: Mapping[str, Mapping[str, Any]]

    @classmethod
    def of(
        cls, declarations: pl.DataFrame, *, year: int, as_of: dt.date, allocations: pl.DataFrame | None = None
    ) -> Declared:
        """From the frames ``declarations`` and (optional) ``allocations``."""
        return cls(positions(declarations, as_of=as_of), year, as_of, allocation_table(allocations, as_of=as_of))

    def select(self, contract: Contract, months: Sequence[dt.date] | None = None) -> list[Position]:
        """The contract's positions of the year (:func:`select`)."""
        return select(contract, self.table, self.year, months=months)

    def history(self, contract: Contract) -> list[Position]:
        """The contract's positions of earlier years (:func:`history`)."""
        return history(contract, self.table, self.year)
