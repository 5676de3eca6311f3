"""Consortia (domain.md sections 3 and 10a): care sent under a member's AGB code counts for
the consortium's contract (standard library and polars only).

A consortium is a provider whose catalog entry names its ``members`` (AGB codes of the
organisations inside it). Messages may come from a member under its own AGB code; every
figure that belongs to a contract (funding, indicators, scorecards, the forecast) counts
them for the consortium; the stored records keep the member's code, so figures per member
remain possible.

>>> from regie.engine.catalog import Provider
>>> members = member_map([Provider("11111111", "Samen Jeugd", ("22222222", "33333333"))])
>>> members
{'22222222': '11111111', '33333333': '11111111'}
>>> frame = pl.DataFrame({"provider": ["22222222", "44444444", "11111111"]})
>>> attribute(frame, members)["provider"].to_list()
['11111111', '44444444', '11111111']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl


def member_map(providers: Iterable[Any]) -> dict[str, str]:
    """Member AGB code -> consortium AGB code, from providers with ``agb`` and ``members``."""
    return {member: p.agb for p in providers for member in p.members}


def consortium_of(agb: str, members: Mapping[str, str]) -> str:
    """The provider a record sent under ``agb`` counts for: its consortium, or itself."""
    return members.get(agb, agb)


def attribute(frame: pl.DataFrame, members: Mapping[str, str], column: str = "provider") -> pl.DataFrame:
    """``frame`` with each member's AGB code in ``column`` replaced by its consortium's
    (nothing changes without members)."""
    if not members or column not in frame.columns:
        return frame
    return frame.with_columns(pl.col(column).replace(dict(members)))


def senders(consortium: str, members: Mapping[str, str]) -> list[str]:
    """The AGB codes whose records count for ``consortium``: itself and its members.

    >>> senders("11111111", {"22222222": "11111111", "55555555": "44444444"})
    ['11111111', '22222222']
    """
    return sorted({consortium, *(m for m, c in members.items() if c == consortium)})


def per_member(
    episodes: pl.DataFrame,
    declarations: pl.DataFrame,
    consortium: str,
    members: Mapping[str, str],
    first: dt.date,
    last: dt.date,
    lump_sum: int = 0,
) -> list[dict[str, Any]]:
    """The consortium's figures per sender (itself first, then each member, also those that
    sent nothing) over ``first`` .. ``last``, from the frames *as sent* (not attributed):
    ``clients`` (distinct clients with an episode overlapping the period), ``inflow`` and
    ``outflow`` (episodes that began or ended in it), ``client_share`` of the consortium's
    clients (a client of two senders counts for each), ``declared_cents`` (accepted
    declaration lines of care months in the period; None without any line) and
    ``lump_sum_cents``: the consortium's ``lump_sum`` for the period divided by client share
    (None without a lump sum or clients).

    >>> E = pl.DataFrame({"provider": ["C", "M1", "M1", "X"], "client": ["a", "b", "c", "d"],
    ...     "start": [dt.date(2025, 2, 1)] * 4, "end": [None, dt.date(2025, 6, 1), None, None]},
    ...     schema_overrides={"end": pl.Date})
    >>> D = pl.DataFrame({"provider": ["M1"], "care_month": [dt.date(2025, 3, 1)], "amount_cents": [500],
    ...     "accepted": [True]})
    >>> rows = per_member(E, D, "C", {"M1": "C", "M2": "C"}, dt.date(2025, 1, 1), dt.date(2025, 12, 31), 9000)
    >>> [(r["agb"], r["clients"], r["outflow"], r["declared_cents"], r["lump_sum_cents"]) for r in rows]
    [('C', 1, 0, None, 3000), ('M1', 2, 1, 500, 6000), ('M2', 0, 0, None, 0)]
    """
    codes = [consortium, *sorted(m for m, c in members.items() if c == consortium)]
    live = episodes.filter(
        pl.col("provider").is_in(codes)
        & (pl.col("start") <= last)
        & (pl.col("end").is_null() | (pl.col("end") >= first))
    )
    total = live["client"].n_unique()
    lines = declarations.filter(
        pl.col("provider").is_in(codes)
        & pl.col("accepted")
        & (pl.col("care_month") >= first)
        & (pl.col("care_month") <= last)
    )
    rows = []
    for agb in codes:
        mine = live.filter(pl.col("provider") == agb)
        clients = mine["client"].n_unique()
        declared = lines.filter(pl.col("provider") == agb)
        share = clients / total if total else None
        rows.append(
            {
                "agb": agb,
                "consortium": agb == consortium,
                "clients": clients,
                "inflow": mine.filter(pl.col("start") >= first).height,
                "outflow": mine.filter(pl.col("end").is_not_null() & (pl.col("end") <= last)).height,
                "client_share": share,
                "declared_cents": int(declared["amount_cents"].sum()) if declared.height else None,
                "lump_sum_cents": round(lump_sum * share) if lump_sum and share is not None else None,
            }
        )
    return rows
