"""Venlo's tender history (seed 000: "from over 100 providers to 21"; domain.md sections 10a
and 13): the price x volume segment had more providers before a tender than after it.

- **Before**: in the first contract period (the two history years before the tender) the
  segment's providers are the ones the traffic knows plus a few *former providers*
  (:func:`former_providers`; at most the segment's ``max_providers`` together). Their care is
  not simulated: they hold a contract in the catalog and send nothing, so every figure of the
  region stays as it was (a contract with tariffs only costs nothing without declarations).
- **The tender** for the segment and the year the single-year periods begin
  (:func:`tender_history`): every provider of the period before bids, two municipality users
  assess every bid (four eyes), at most N (the providers the traffic knows) are selected; the
  former providers fail a pass/fail requirement, fall under a minimum or rank below the cut.
  The outcome is checked with :func:`regie.engine.procurement.award`, so the history is one the
  rules give.
- **After**: the contracts of the following periods go to the selected providers only: a
  period with fewer providers than the one before, which the PGB budgets react to
  (:mod:`regie.synth.pgb`, ``pgb_shift``).

Written to ``DIR/truth/tenders.json``; the demo stores it (:mod:`regie.procurement.history`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from regie.engine import procurement as rules
from regie.engine.catalog import Contract, Provider
from regie.synth.people import agb_codes, provider_names
from regie.synth.profiles import ProfileSpec, SegmentSpec
from regie.synth.rng import stream

#: The two assessors of the history (the demo maps them to municipality users).
ASSESSORS = ("gemeente", "inkoper")

REQUIREMENTS: tuple[rules.Requirement, ...] = (
    rules.Requirement("organisation", "Organisatie en bestuur op orde", "pass_fail"),
    rules.Requirement("legal_structure", "Juridische structuur (holding of groep benoemd)", "pass_fail"),
    rules.Requirement("staff_qualified", "Aandeel gekwalificeerd personeel", "score", 3, 6),
    rules.Requirement("care_share", "Aandeel van de omzet besteed aan zorg", "score", 2, 5),
    rules.Requirement("financial_health", "Financiële gezondheid", "score", 2, 5),
)


def tender_segment(spec: ProfileSpec) -> SegmentSpec | None:
    """The segment with a tender history: the price x volume segment of a region without
    core partners (Venlo), or none."""
    if spec.core_partners:
        return None
    return next((s for s in spec.segments if s.funding_model == "pxq"), None)


def tender_year(year: int) -> int:
    """The year of the tender: the first single-year period (the history's third year)."""
    return year - 1


def former_count(current: int, max_providers: int) -> int:
    """How many former providers the period before the tender had beside the ``current`` ones.

    >>> former_count(15, 20), former_count(4, 20), former_count(20, 20)
    (5, 3, 0)
    """
    return max(0, min(max_providers - current, max(3, math.ceil(current / 3))))


def former_providers(spec: ProfileSpec, seed: int, current: list[str], taken: set[str]) -> list[Provider]:
    """The former providers of the tender segment (none without one): AGB codes starting
    with 86 (the traffic's providers start with 87), names not ``taken``."""
    seg = tender_segment(spec)
    if seg is None:
        return []
    rng = stream(seed, spec.name, "tender", "providers")
    n = former_count(len(current), seg.max_providers)
    codes = agb_codes(n, rng, prefix=86)
    names = provider_names(n, seg.domain, rng, set(taken))
    return [Provider(agb, name) for agb, name in zip(codes, names, strict=True)]


def former_contracts(before: list[Contract], formers: list[Provider]) -> list[Contract]:
    """The former providers' contracts: each as the period before's first contract (same
    period, municipalities and tariffs), under its own id."""
    if not before or not formers:
        return []
    model = min(before, key=lambda c: c.id)
    out = []
    for p in formers:
        ident = model.id.replace(model.provider, p.agb)
        out.append(
            Contract(
                ident, p.agb, model.segment, model.municipalities, model.start, model.end, tariffs=dict(model.tariffs)
            )
        )
    return out


def with_history(
    spec: ProfileSpec, seed: int, year: int, contracts: list[Contract], providers: tuple[Provider, ...]
) -> tuple[list[Contract], tuple[Provider, ...], list[dict[str, Any]]]:
    """The catalog's contracts and providers with the former providers of the tender segment
    added (nothing changes in a region without one), and the tender history."""
    seg = tender_segment(spec)
    if seg is None:
        return contracts, providers, []
    mine = [c for c in contracts if c.segment == seg.code]
    first = min(c.start for c in mine)
    before = [c for c in mine if c.start == first]
    formers = former_providers(spec, seed, sorted({c.provider for c in before}), {p.name for p in providers})
    contracts = sorted([*contracts, *former_contracts(before, formers)], key=lambda c: c.id)
    tenders = tender_history(spec, seed, year, contracts, formers)
    return contracts, tuple(sorted([*providers, *formers], key=lambda p: p.agb)), tenders


def _marks(rng: np.random.Generator, lo: int, hi: int) -> dict[str, Any]:
    return {
        "organisation": True,
        "legal_structure": True,
        "staff_qualified": int(rng.integers(lo, hi + 1)),
        "care_share": int(rng.integers(lo, hi + 1)),
        "financial_health": int(rng.integers(lo, hi + 1)),
    }


def _answers(rng: np.random.Generator, care_share: int) -> dict[str, str]:
    return {
        "organisation": "Raad van toezicht en bestuur gescheiden; jaarverslag openbaar",
        "legal_structure": "Stichting, geen holding of groep",
        "staff_qualified": f"{int(rng.integers(70, 96))} % SKJ/BIG-geregistreerd",
        "care_share": str(care_share),
        "financial_health": "Positief eigen vermogen, liquiditeit boven 1",
    }


def bids(spec: ProfileSpec, seed: int, selected: list[str], formers: list[str]) -> list[rules.Bid]:
    """Every bid with its two assessments: the ``selected`` providers score 7-9 on every
    scored requirement; of the ``formers`` the first is failed on organisation by one
    assessor, the second falls under the minimum on care share, the rest score 6 (under the
    cut, whatever the tie-break)."""
    rng = stream(seed, spec.name, "tender", "bids")
    out = []
    for agb in sorted([*selected, *formers]):
        first, second = _marks(rng, 7, 9), _marks(rng, 7, 9)
        if agb in formers:
            k = formers.index(agb)
            first, second = _marks(rng, 6, 6), _marks(rng, 6, 6)
            if k == 0:
                second["organisation"] = False
            elif k == 1:
                first["care_share"] = second["care_share"] = 4
        share = int(rng.integers(84, 93)) if agb in selected else int(rng.integers(72, 84))
        marks = (rules.Assessment(ASSESSORS[0], first), rules.Assessment(ASSESSORS[1], second))
        out.append(rules.Bid(agb, _answers(rng, share), marks))
    return out


def tender_history(
    spec: ProfileSpec, seed: int, year: int, contracts: list[Contract], formers: list[Provider]
) -> list[dict[str, Any]]:
    """The tenders of the region (``truth/tenders.json``): for the tender segment, the tender
    of :func:`tender_year`, its requirements, bids, assessments and outcome. The award by the
    rules must select exactly the providers of the contracts that start with the tender."""
    seg = tender_segment(spec)
    if seg is None:
        return []
    y = tender_year(year)
    after = sorted((c for c in contracts if c.segment == seg.code and c.start == dt.date(y, 1, 1)), key=lambda c: c.id)
    selected = sorted({c.provider for c in after})
    made = bids(spec, seed, selected, [p.agb for p in formers])
    result = rules.award(REQUIREMENTS, made, len(selected))
    if sorted(result.selected) != selected:
        raise AssertionError(f"tender history: the award selects {result.selected}, the catalog has {selected}")
    return [
        {
            "segment": seg.code,
            "year": y,
            "max_providers": len(selected),
            "start": after[0].start.isoformat(),
            "end": max(c.end for c in after).isoformat(),
            "municipalities": list(after[0].municipalities),
            "requirements": [
                {"code": r.code, "text": r.text, "kind": r.kind, "weight": r.weight, "minimum": r.minimum}
                for r in REQUIREMENTS
            ],
            "bids": [
                {
                    "provider": b.provider,
                    "answers": dict(b.answers),
                    "assessments": [{"assessor": a.assessor, "scores": dict(a.scores)} for a in b.assessments],
                }
                for b in made
            ],
            "selected": list(result.selected),
            "ranking": [
                {
                    "provider": r.provider,
                    "score": r.score,
                    "passed": r.passed,
                    "rank": r.rank,
                    "reasons": list(r.reasons),
                }
                for r in result.ranking
            ],
            "contracts": {c.provider: c.id for c in after},
            "providers_before": len(selected) + len(formers),
        }
    ]
