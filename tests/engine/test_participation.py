"""Participation (domain.md section 10a): a participatie segment's modules in the catalog, and
trajectories read as episodes of the domain ``participatie``."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from regie.engine import frames
from regie.engine.catalog.model import CatalogError
from regie.engine.catalog.parse import catalog_from_dict
from regie.engine.participation import as_episodes

D = dt.date

CATALOG = """
[region]
name = "R"

[[municipality]]
code = "0983"
name = "Venlo"

[[segment]]
code = "PART"
name = "Participatie"
domain = "participatie"
funding_model = "outcome"
weight = 2
products = %s

[[provider]]
agb = "12345678"
name = "Werkbedrijf"

[[contract]]
id = "C"
provider = "12345678"
segment = "PART"
municipalities = ["0983"]
start = 2025-01-01
end = 2025-12-31
tariffs = %s
"""


def _catalog(products: str, tariffs: str = '{ "WERKFIT" = 360000 }') -> object:
    return catalog_from_dict(tomllib.loads(CATALOG % (products, tariffs)))


def test_a_participation_segment_names_modules_with_a_tariff_each() -> None:
    catalog = _catalog('["WERKFIT", "scholing-1"]', '{ "WERKFIT" = 360000, "scholing-1" = 240000 }')
    (segment,) = catalog.segments  # type: ignore[attr-defined]
    assert segment.products == ("WERKFIT", "scholing-1")
    assert catalog.segment_for_product("participatie", "", "scholing-1") is segment  # type: ignore[attr-defined]
    assert catalog.contracts[0].tariffs == {"WERKFIT": 360000, "scholing-1": 240000}  # type: ignore[attr-defined]
    with pytest.raises(CatalogError, match="module codes"):
        _catalog('["WERK FIT"]')
    with pytest.raises(CatalogError, match="not in segment"):
        _catalog('["WERKFIT"]', '{ "SCHOLING" = 240000 }')


def test_trajectories_are_episodes_of_the_participation_domain() -> None:
    trajectories = frames.frame(
        "trajectories",
        [
            {
                "municipality": "0983",
                "provider": "12345678",
                "segment": "PART",
                "client": "c1",
                "module": "WERKFIT",
                "start": D(2025, 3, 1),
                "end": D(2025, 6, 30),
                "end_reason": "work",
                "start_arrival": D(2025, 3, 5),
                "end_arrival": D(2025, 7, 2),
            },
            {
                "municipality": "0983",
                "provider": "12345678",
                "segment": "OTHER",
                "client": "c2",
                "module": "SCHOLING",
                "start": D(2025, 1, 1),
                "start_arrival": D(2025, 1, 3),
            },
        ],
    )
    episodes = as_episodes(trajectories, {"PART": 2})
    assert episodes.schema == frames.frame("episodes").schema
    assert episodes.select("episode_id", "weight", "end", "end_arrival").rows() == [
        ("c1|12345678|WERKFIT|2025-03-01", 2, D(2025, 6, 30), D(2025, 7, 2)),
        ("c2|12345678|SCHOLING|2025-01-01", 1, None, None),
    ]
    assert set(episodes["domain"]) == {"participatie"} and episodes["allocation_number"].null_count() == 2
