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
