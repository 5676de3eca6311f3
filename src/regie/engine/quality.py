"""Data-quality signals that need a period of traffic, not one message (domain.md section 7).

The signals of one message (care without allocation, late declaration, above the allocated
volume, repeated extension) are raised by :mod:`regie.intake.state` while a file is applied.
The two here look at a provider's traffic over months and are evaluated at a reference date
``at`` (the ingest evaluates them at every month end it passes, so a signal is raised in the
month the pattern becomes visible):

- :func:`upcoding`: a provider's mix of new care shifts to the most expensive products faster
  than its peers';
- :func:`silent_providers`: a provider under a task-based contract sends no start/stop
  messages at all.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from statistics import median

import polars as pl

from regie.engine.calendar import add_months
from regie.engine.catalog import Catalog

#: Windows, thresholds and minimum numbers of the upcoding test (see :func:`upcoding`).
UPCODING_WINDOW_MONTHS = 12
UPCODING_MIN_STARTS = 20
UPCODING_MIN_SHIFT = 0.20
UPCODING_MIN_Z = 3.5
UPCODING_MIN_PEERS = 2
SILENT_MONTHS = 3


@dataclass(frozen=True)
class QualitySignal:
    kind: str
    provider: str
    segment: str
    at: dt.date
    detail: dict[str, object]

    @property
    def key(self) -> str:
        return f"{self.kind}|{self.provider}|{self.segment}"


def window_start(day: dt.date, months: int) -> dt.date:
    """The day ``months`` months before ``day``, taking the 28th for a later day of the month
    (so the windows of a month-end date start on the same day every month).

    >>> window_start(dt.date(2025, 3, 31), 1), window_start(dt.date(2025, 3, 15), 12)
    (datetime.date(2025, 2, 28), datetime.date(2024, 3, 15))
    """
    return add_months(day.replace(day=min(day.day, 28)), -months)


def expensive_products(catalog: Catalog, segment: str, products: list[str]) -> set[str]:
    """The most expensive third of ``products`` (at least one), by the highest tariff any contract
    of the segment has for them; products without a tariff rank by code (a higher intensity or
    profile digit is heavier care in the product code schemes of iJw and iWmo).

    >>> from regie.engine.catalog import catalog_from_dict
    >>> c = catalog_from_dict({"region": {"name": "r"}, "segment": [{"code": "S", "name": "s",
    ...     "domain": "jeugd", "funding_model": "lump_sum", "products": ["45"]}]})
    >>> sorted(expensive_products(c, "S", ["45A01", "45A02", "45A03", "45A11", "45A12", "45A13"]))
    ['45A12', '45A13']
    """
    tariffs: dict[str, int] = {}
    for contract in catalog.contracts:
        if contract.segment == segment:
            for code, cents in contract.tariffs.items():
                tariffs[code] = max(cents, tariffs.get(code, 0))
    ranked = sorted(set(products), key=lambda code: (tariffs.get(code, 0), code), reverse=True)
    return set(ranked[: max(1, len(ranked) // 3)])


def upcoding(episodes: pl.DataFrame, catalog: Catalog, at: dt.date) -> list[QualitySignal]:
    """Providers whose mix of new care shifted to the most expensive products, against peers.

    Definition: for each segment and provider, take the care starts known at ``at`` (start
    and its arrival on or before ``at``) in the last 12 months, ``(at - 12 months, at]``, and
    in the 12 months before. The share of starts in the segment's most expensive third of
    products (:func:`expensive_products`) is compared between the two windows with a
    two-proportion z-test. A provider is flagged when it has at least 20 starts in each
    window, its share rose by at least 0.20 more than the median rise of its peers in the
    segment (at least two peers with enough starts), and z >= 3.5 (strict, because the test
    is repeated every month for every provider).

    The signal carries its evidence (``detail``): the provider's share of expensive starts in
    both windows, the peers' median rise, z, and the product mix beside the peers' (see
    :func:`product_mix`).
    """
    recent_from = window_start(at, UPCODING_WINDOW_MONTHS)
    before_from = window_start(at, 2 * UPCODING_WINDOW_MONTHS)
    known = episodes.filter(
        (pl.col("start_arrival") <= at) & (pl.col("start") <= at) & (pl.col("start") > before_from)
    ).with_columns((pl.col("start") > recent_from).alias("recent"))
    signals: list[QualitySignal] = []
    for segment in sorted(known["segment"].unique().to_list()):
        rows = known.filter(pl.col("segment") == segment)
        products = [p for p in rows["product_code"].unique().to_list() if p is not None]
        if len(products) < 2:
            continue
        top = expensive_products(catalog, segment, products)
        counts = (
            rows.with_columns(pl.col("product_code").is_in(sorted(top)).alias("top"))
            .group_by("provider", "recent")
            .agg(pl.len().alias("n"), pl.col("top").sum().alias("k"))
        )
        stats: dict[str, dict[bool, tuple[int, int]]] = {}
        for provider, recent, n, k in counts.iter_rows():
            stats.setdefault(provider, {})[recent] = (n, k)
        eligible = {
            p: s for p, s in stats.items() if all(s.get(w, (0, 0))[0] >= UPCODING_MIN_STARTS for w in (True, False))
        }
        if len(eligible) <= UPCODING_MIN_PEERS:
            continue
        shifts = {p: s[True][1] / s[True][0] - s[False][1] / s[False][0] for p, s in eligible.items()}
        per_product = rows.group_by("provider", "recent", "product_code").agg(pl.len().alias("n"))
        for provider in sorted(eligible):
            peers = median(v for p, v in shifts.items() if p != provider)
            (n1, k1), (n0, k0) = eligible[provider][True], eligible[provider][False]
            z = _two_proportion_z(k1, n1, k0, n0)
            excess = shifts[provider] - peers
            if excess >= UPCODING_MIN_SHIFT and z >= UPCODING_MIN_Z:
                signals.append(
                    QualitySignal(
                        "upcoding",
                        provider,
                        segment,
                        at,
                        {
                            "share_before": round(k0 / n0, 3),
                            "share_recent": round(k1 / n1, 3),
                            "peer_median_shift": round(peers, 3),
                            "z": round(z, 2),
                            "starts_before": n0,
                            "starts_recent": n1,
                            "expensive_products": sorted(top),
                            **product_mix(per_product, provider, sorted(p for p in eligible if p != provider), top),
                        },
                    )
                )
    return signals


def product_mix(counts: pl.DataFrame, provider: str, peers: list[str], expensive: set[str]) -> dict[str, object]:
    """The evidence of an upcoding signal: the provider's product mix beside its peers'.

    ``counts`` has a row per provider, window (``recent``) and product code with the number of
    starts ``n``. Per product (the expensive ones first, then by code) the share of the
    provider's starts in each window, and the same share over the peers' starts pooled; and
    the pooled peers' share of expensive starts in each window. Shares are rounded to three
    decimals; a window without starts has no share (None).

    >>> counts = pl.DataFrame({"provider": ["X", "X", "X", "Y", "Y"], "recent": [False, True, True, False, True],
    ...     "product_code": ["A", "A", "B", "A", "B"], "n": [4, 1, 3, 2, 2]})
    >>> mix = product_mix(counts, "X", ["Y"], {"B"})
    >>> mix["peer_share_before"], mix["peer_share_recent"], mix["peers"]
    (0.0, 1.0, 1)
    >>> mix["mix"][0]
    {'product': 'B', 'expensive': True, 'own_before': 0.0, 'own_recent': 0.75, 'peers_before': 0.0, 'peers_recent': 1.0}
    """
    table: dict[tuple[str, bool], dict[str, int]] = {}
    for who, recent, product, n in counts.iter_rows():
        group = "own" if who == provider else "peers" if who in peers else None
        if group is not None and product is not None:
            shares = table.setdefault((group, bool(recent)), {})
            shares[product] = shares.get(product, 0) + int(n)

    def share(group: str, recent: bool, products: set[str]) -> float | None:
        starts = table.get((group, recent), {})
        total = sum(starts.values())
        return round(sum(n for p, n in starts.items() if p in products) / total, 3) if total else None

    products = sorted({p for starts in table.values() for p in starts}, key=lambda p: (p not in expensive, p))
    mix = [
        {
            "product": p,
            "expensive": p in expensive,
            "own_before": share("own", False, {p}),
            "own_recent": share("own", True, {p}),
            "peers_before": share("peers", False, {p}),
            "peers_recent": share("peers", True, {p}),
        }
        for p in products
    ]
    return {
        "peer_share_before": share("peers", False, expensive),
        "peer_share_recent": share("peers", True, expensive),
        "peers": len(peers),
        "mix": mix,
    }


def _two_proportion_z(k1: int, n1: int, k0: int, n0: int) -> float:
    """The z statistic of the rise from k0/n0 to k1/n1 (pooled variance); 0 when undefined.

    >>> round(_two_proportion_z(30, 50, 10, 50), 2)
    4.08
    """
    pooled = (k1 + k0) / (n1 + n0)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n0)
    if variance <= 0:
        return 0.0
    return (k1 / n1 - k0 / n0) / math.sqrt(variance)


def silent_providers(traffic: pl.DataFrame, catalog: Catalog, at: dt.date) -> list[QualitySignal]:
    """Providers under a task-based contract that sent no start/stop message in 3 months.

    ``traffic`` has a row per received start (305) or stop (307) message with ``provider``
    (its sender) and ``arrival``. A provider is flagged for a taakgericht segment when one of
    its contracts there has run for the whole of the last 3 months before ``at`` and it sent
    no start or stop message in that time (for any segment: the messages do not always name
    one). Domain.md section 3a: for a task-based segment this is the "care without
    allocation" blind spot.
    """
    since = window_start(at, SILENT_MONTHS)
    active = traffic.filter((pl.col("arrival") > since) & (pl.col("arrival") <= at))
    talking = set(active["provider"].to_list())
    signals = []
    task_segments = {s.code for s in catalog.segments if s.effective_execution == "taakgericht"}
    seen: set[tuple[str, str]] = set()
    for contract in sorted(catalog.contracts, key=lambda c: (c.provider, c.segment, c.start)):
        key = (contract.provider, contract.segment)
        if contract.segment not in task_segments or key in seen:
            continue
        if contract.start <= since and contract.end >= at and contract.provider not in talking:
            seen.add(key)
            signals.append(
                QualitySignal(
                    "no_start_stop_traffic",
                    contract.provider,
                    contract.segment,
                    at,
                    {"months": SILENT_MONTHS, "contract": contract.id},
                )
            )
    return signals
