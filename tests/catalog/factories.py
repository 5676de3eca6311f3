"""Catalog entries for tests, in the ``catalog.toml`` form of domain.md section 12.

:func:`catalog` builds the mapping that :func:`regie.engine.catalog.catalog_from_dict` reads
(one region with the municipality Venlo, CBS 0983, unless a test gives others);
:func:`segment`, :func:`contract` and :func:`budget` build its entries with sensible defaults,
and :func:`load` / :func:`load_file` store a catalog in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from regie.catalog.loader import load_catalog
from regie.engine.catalog import Catalog, catalog_from_dict, parse_catalog
from tests.conftest import DATA

MUNICIPALITY = "0983"
YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def segment(
    code: str,
    funding_model: str = "per_client",
    *,
    name: str | None = None,
    domain: str | None = None,
    weight: int = 1,
    products: Iterable[str] = ("02",),
    **more: Any,
) -> dict[str, Any]:
    """A segment entry; its domain follows its products (45: jeugd, else wmo) unless given."""
    products = list(products)
    if domain is None:
        domain = "jeugd" if products and products[0].startswith("45") else "wmo"
    entry = {
        "code": code,
        "name": name or code,
        "domain": domain,
        "funding_model": funding_model,
        "weight": weight,
        "products": products,
    }
    return entry | more


def contract(
    ident: str,
    provider: str,
    segment: str,
    *,
    municipalities: Iterable[str] = (MUNICIPALITY,),
    start: dt.date = YEAR_START,
    end: dt.date = YEAR_END,
    **terms: Any,
) -> dict[str, Any]:
    """A contract entry for 2025 in Venlo; ``terms`` are its funding model's parameters
    (``agreed_clients``, ``price_per_client``, ``lump_sum``, ``tariffs`` ...)."""
    entry = {
        "id": ident,
        "provider": provider,
        "segment": segment,
        "municipalities": list(municipalities),
        "start": start,
        "end": end,
    }
    return entry | terms


def budget(segment: str, amount: int, *, year: int = 2025, municipality: str = MUNICIPALITY) -> dict[str, Any]:
    return {"municipality": municipality, "segment": segment, "year": year, "amount": amount}


def catalog(
    segments: Iterable[Mapping[str, Any]] = (),
    contracts: Iterable[Mapping[str, Any]] = (),
    budgets: Iterable[Mapping[str, Any]] = (),
    *,
    providers: Iterable[str] | Mapping[str, str] | None = None,
    municipalities: Iterable[Mapping[str, Any]] | None = None,
    region: str = "Test",
    **more: Any,
) -> dict[str, Any]:
    """A whole catalog mapping. ``providers``: AGB codes (named "Aanbieder <first digit>") or
    AGB -> name; by default those the contracts name."""
    contracts = list(contracts)
    if providers is None:
        providers = list(dict.fromkeys(c["provider"] for c in contracts))
    names = dict(providers) if isinstance(providers, Mapping) else {agb: f"Aanbieder {agb[0]}" for agb in providers}
    doc: dict[str, Any] = {
        "region": {"name": region},
        "municipality": list(municipalities or [{"code": MUNICIPALITY, "name": "Venlo"}]),
        "segment": list(segments),
        "provider": [{"agb": agb, "name": name} for agb, name in names.items()],
        "contract": contracts,
        "budget": list(budgets),
    }
    return doc | more


def load(doc: Mapping[str, Any]) -> Catalog:
    """Validate ``doc`` (a :func:`catalog` mapping) and store it; the parsed catalog."""
    parsed = catalog_from_dict(dict(doc))
    load_catalog(parsed)
    return parsed


def load_file(name: str | Path = "two_providers.toml") -> Catalog:
    """Store a catalog file: a name in ``tests/data/catalog`` or a path."""
    path = name if isinstance(name, Path) else DATA / "catalog" / name
    parsed = parse_catalog(path)
    load_catalog(parsed)
    return parsed
