"""The subcontracted share and its signal (domain.md section 10a), from hand-worked cases."""

from __future__ import annotations

import datetime as dt
import tomllib

import polars as pl
import pytest

from regie.engine.catalog.model import CatalogError
from regie.engine.catalog.parse import catalog_from_dict
from regie.engine.subcontracting import over_maximum, subcontracted_share

D = dt.date
Q1 = (D(2025, 1, 1), D(2025, 3, 31))


def _episodes(rows: list[tuple[str, str, dt.date, dt.date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"segment": pl.Utf8, "provider": pl.Utf8, "start": pl.Date, "end": pl.Date}, orient="row"
    )


def test_care_by_a_provider_that_is_no_core_partner_is_subcontracted() -> None:
    # Segment A, core partners k1 and k2. In Q1 2025: k1 two episodes, k2 one, s1 (no core partner)
    # one; s1's second episode ended in 2024 and k2's second starts in April: 4 episodes, 1 subcontracted.
    episodes = _episodes(
        [
            ("A", "k1", D(2024, 6, 1), None),
            ("A", "k1", D(2025, 3, 31), None),
            ("A", "k2", D(2024, 1, 1), D(2025, 1, 1)),
            ("A", "s1", D(2025, 2, 1), D(2025, 2, 28)),
            ("A", "s1", D(2024, 1, 1), D(2024, 12, 31)),
            ("A", "k2", D(2025, 4, 1), None),
            ("B", "s1", D(2025, 1, 1), None),  # B has no core partners: no share
        ]
    )
    assert subcontracted_share(episodes, {"A": ["k1", "k2"], "B": []}, *Q1) == {"A": (4, 1, 0.25)}


def test_the_signal_is_raised_above_the_maximum_only() -> None:
    shares = {"A": (4, 1, 0.25), "B": (10, 3, 0.3), "C": (10, 9, 0.9)}
    found = over_maximum(shares, {"A": 0.25, "B": 0.29, "C": None}, D(2025, 1, 1))
    assert [(e.segment, e.share, e.maximum, e.key) for e in found] == [
        ("B", 0.3, 0.29, "subcontracting|B|2025-01-01")
    ]  # A is at its maximum (not above), C has no limit


def test_the_catalog_holds_max_subcontracted_share_as_a_share() -> None:
    toml = """
[region]
name = "R"
[[segment]]
code = "A"
name = "A"
domain = "jeugd"
funding_model = "lump_sum"
products = ["45"]
max_subcontracted_share = %s
"""

    def read(value: str) -> float | None:
        return catalog_from_dict(tomllib.loads(toml % value)).segments[0].max_subcontracted_share

    assert (read("0.2"), read("1")) == (0.2, 1.0)
    with pytest.raises(CatalogError, match="max_subcontracted_share"):
        read("1.5")
