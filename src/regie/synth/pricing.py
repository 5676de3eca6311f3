"""Contract terms of a synthetic region: periods, prices and tariffs.

- Venlo's per-client contracts (individuele begeleiding, beschermd wonen) are renewed every
  year with a price per client per provider, indexed yearly. Its price x volume contract
  (jeugd ambulant) runs two years from the history start and is then extended twice by a
  year (seed 000: "al twee keer verlengd"), with tariffs indexed at each extension.
- Amsterdam's lump sums are agreed per year; its residential contracts (per etmaal) run six
  years including extensions from each municipality's first contract day (seed 003).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from regie.synth.profiles import ProfileSpec, SegmentSpec
from regie.synth.rng import stream


@dataclass(frozen=True)
class Terms:
    spec: ProfileSpec
    year: int
    #: (provider, segment, year) -> price per client per year in cents
    prices: dict[tuple[str, str, int], int]

    def periods(self, segment: SegmentSpec, first_year: int) -> list[tuple[int, int]]:
        """Contract periods (first year, last year) of a segment for a municipality."""
        y = self.year
        if segment.funding_model == "pxq" and self.spec.core_partners:
            return [(first_year, first_year + 5)]
        if segment.funding_model == "pxq":
            return [(first_year, first_year + 1)] + [(k, k) for k in range(first_year + 2, y + 1)]
        return [(k, k) for k in range(first_year, y + 1)]

    def period_of(self, segment: SegmentSpec, first_year: int, year: int) -> tuple[int, int]:
        return next(p for p in self.periods(segment, first_year) if p[0] <= year <= p[1])

    def tariff(self, segment: SegmentSpec, product: str, first_year: int, year: int) -> int:
        """Tariff in cents per unit of a price x volume product for care in ``year``."""
        base = next(p.tariff for p in segment.products if p.code == product)
        start, _ = self.period_of(segment, first_year, year)
        return int(round(base * (1 + self.spec.indexation) ** (start - first_year)))

    def reference_tariff(self, segment: SegmentSpec, product: str, first_year: int, year: int) -> int:
        """Reference tariff of a task-based product per client-year, indexed from the first year."""
        base = next(p.tariff for p in segment.products if p.code == product)
        return int(round(base * (1 + self.spec.indexation) ** (year - first_year)))

    def monthly_price(self, provider: str, segment: str, year: int) -> int:
        """Monthly declaration tariff of a per-client product: the price per client / 12."""
        return int(round(self.prices[(provider, segment, year)] / 12))


def make_terms(spec: ProfileSpec, year: int, seed: int, offers: list[tuple[str, str]]) -> Terms:
    """Prices per client for every (provider, segment) offer of a per-client segment."""
    rng = stream(seed, spec.name, "prices")
    prices: dict[tuple[str, str, int], int] = {}
    segments = {s.code: s for s in spec.segments}
    for agb, code in offers:
        seg = segments[code]
        if seg.funding_model != "per_client":
            continue
        lo, hi = seg.price_range
        base = float(rng.uniform(lo, hi))
        for k, y in enumerate(range(year - 3, year + 1)):
            drift = float(np.exp(rng.normal(0, 0.01)))
            prices[(agb, code, y)] = int(round(base * (1 + spec.indexation) ** k * drift, -2))
    return Terms(spec=spec, year=year, prices=prices)
