"""A segment's core partners and waiting norm in catalog.toml: read, stored, written back, and
who is a core partner when a segment lists none."""

from __future__ import annotations

import pytest

from regie.access import services
from regie.catalog import models as cat
from regie.catalog.loader import stored_catalog
from regie.engine.catalog import CatalogError, catalog_from_dict, dumps_catalog
from tests.catalog.factories import catalog, load, segment


def _data(**seg: object) -> dict[str, object]:
    return catalog(
        [segment("S", **seg)],
        provider=[
            {"agb": "11111111", "name": "Een", "core_partner": True},
            {"agb": "22222222", "name": "Twee"},
        ],
    )


def test_core_partners_and_norm_are_read_and_written_back() -> None:
    parsed = catalog_from_dict(_data(core_partners=["22222222"], waiting_norm_days=28))
    (s,) = parsed.segments
    assert (s.core_partners, s.waiting_norm_days) == (("22222222",), 28)
    text = dumps_catalog(parsed)
    assert 'core_partners = ["22222222"]' in text and "waiting_norm_days = 28" in text
    assert "core_partners" not in dumps_catalog(catalog_from_dict(_data()))
    assert catalog_from_dict(_data()).segments[0].waiting_norm_days == 42


@pytest.mark.parametrize(
    ("seg", "message"),
    [
        ({"core_partners": ["33333333"]}, "core partner '33333333' is not a provider"),
        ({"core_partners": ["123"]}, "core_partners must be AGB codes"),
        ({"waiting_norm_days": 0}, "'waiting_norm_days' must be at least 1"),
    ],
)
def test_wrong_entries_are_refused(seg: dict[str, object], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        catalog_from_dict(_data(**seg))


def test_stored_and_who_is_a_core_partner(db: None) -> None:
    load(_data(core_partners=["22222222"], waiting_norm_days=28))
    stored = cat.Segment.objects.get(code="S")
    assert (stored.core_partners, stored.waiting_norm_days) == (["22222222"], 28)
    assert stored_catalog().segments[0].core_partners == ("22222222",)
    assert services.core_partner_map() == {"S": ("22222222",)}
    # without the key: the flagged provider with a contract in the segment (here: none yet)
    load(_data())
    assert services.core_partner_map() == {"S": ()}
