"""The engine's inputs for hand-computed cases: a catalog of plain dataclasses and the rows
of the episodes and declarations frames (``regie.engine.frames``).

Defaults: the municipality Venlo (CBS :data:`MUNI`), provider :data:`AGB`, 2025. A test
names only what its case is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import polars as pl

from regie.engine import frames
from regie.engine.catalog import Budget, Catalog, Contract, Municipality, Provider, Segment

MUNI = "0983"
AGB, AGB2 = "12345678", "87654321"

#: The first keys of a forecast row, in order: the JSON contract of ``regie forecast`` (domain.md section 12).
FORECAST_ROW_KEYS = "municipality segment budget realised ibnr remaining forecast low high warning drivers".split()


def segment(
    code: str,
    funding_model: str,
    *,
    name: str | None = None,
    weight: int = 1,
    max_providers: int = 0,
    products: Iterable[str] = ("45",),
    domain: str | None = None,
    **more: Any,
) -> Segment:
    """A segment; its domain follows its products (45: jeugd, else wmo) unless given."""
    products = tuple(products)
    if domain is None:
        domain = "jeugd" if products and products[0].startswith("45") else "wmo"
    return Segment(code, name or code, domain, funding_model, weight, max_providers, products, **more)


def catalog(
    segments: Iterable[Segment],
    contracts: Iterable[Contract],
    budgets: Iterable[Budget] = (),
    *,
    providers: Mapping[str, str] | None = None,
    municipalities: Iterable[Municipality] | None = None,
    region: str = "r",
) -> Catalog:
    """A catalog of these entries in Venlo; ``providers`` (AGB -> name) default to those the
    contracts name, each called "Aanbieder <AGB>"."""
    contracts = tuple(contracts)
    if providers is None:
        providers = {agb: f"Aanbieder {agb}" for agb in sorted({c.provider for c in contracts})}
    return Catalog(
        region=region,
        municipalities=tuple(municipalities or [Municipality(MUNI, "Venlo")]),
        segments=tuple(segments),
        providers=tuple(Provider(agb, name) for agb, name in providers.items()),
        contracts=contracts,
        budgets=tuple(budgets),
    )


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from ``first`` to ``last`` (both month starts), inclusive."""
    out, m = [], first
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def next_month(m: dt.date, day: int = 1) -> dt.date:
    """Day ``day`` of the month after ``m``."""
    return dt.date(m.year + (m.month == 12), m.month % 12 + 1, day)


def episode(
    i: int, start: dt.date, *, provider: str = AGB, segment: str, municipality: str = MUNI, **more: Any
) -> dict[str, Any]:
    """The episode row of client ``c<i>`` (episode ``e<i>``), reported the day it started."""
    row = {
        "episode_id": f"e{i}",
        "client": f"c{i}",
        "provider": provider,
        "segment": segment,
        "municipality": municipality,
        "start": start,
        "start_arrival": start,
    }
    return row | more


def declaration(
    line_id: str,
    client: str,
    care_month: dt.date,
    arrival: dt.date,
    amount_cents: int,
    *,
    provider: str = AGB,
    segment: str,
    product: str,
    unit: str = "04",
    volume: int = 1,
    municipality: str = MUNI,
    **more: Any,
) -> dict[str, Any]:
    """An accepted declaration row: ``volume`` units of ``product`` for ``care_month``."""
    row = {
        "line_id": line_id,
        "provider": provider,
        "segment": segment,
        "municipality": municipality,
        "client": client,
        "product_category": product[:2],
        "product_code": product,
        "care_month": care_month,
        "arrival": arrival,
        "volume": volume,
        "unit": unit,
        "amount_cents": amount_cents,
        "accepted": True,
    }
    return row | more


def steady_pxq(
    clients: int = 10, budget: int = 1_000_000, tariff: int = 10_000, arrival_day: Callable[[int], int] = lambda i: 5
) -> tuple[Catalog, pl.DataFrame, pl.DataFrame]:
    """A steady price-times-volume region: ``clients`` clients of :data:`AGB` in care since
    2022 who never leave, nobody new; client i declares one unit a month at ``tariff`` cents,
    arriving on day ``arrival_day(i)`` of the next month."""
    since = dt.date(2022, 1, 1)
    contract = Contract("k", AGB, "JGD", (MUNI,), since, dt.date(2025, 12, 31), tariffs={"45A01": tariff})
    budgets = [Budget(MUNI, "JGD", 2025, budget)]
    cat = catalog([segment("JGD", "pxq", name="Jeugd")], [contract], budgets, providers={AGB: "Zorg"})
    episodes = frames.frame("episodes", [episode(i, since, segment="JGD") for i in range(clients)])
    rows = [
        declaration(f"{AGB}:{i}:{m}", f"c{i}", m, next_month(m, arrival_day(i)), tariff, segment="JGD", product="45A01")
        for i in range(clients)
        for m in months(since, dt.date(2025, 12, 1))
    ]
    return cat, episodes, frames.frame("declarations", rows)
