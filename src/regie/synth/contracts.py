"""The catalog of a synthetic region: municipalities, segments, providers, contracts, budgets.

Contract parameters come from the scenario the way a municipality would set them:

- per-client contracts (Venlo): agreed clients = the provider's realised unique clients of
  that year times a negotiated factor (0.95-1.08), price per client from
  :mod:`regie.synth.pricing`;
- price x volume contracts: the tariffs of the contract period; in a region without core
  partners (Venlo) the last period runs to 30 June of the next year with two extension
  options of a year-end each (Venlo extended twice; domain.md section 10a), so the region's
  last day falls within its notice period (``contract_expiry``);
- lump sums (Amsterdam): expected clients (realised unique clients times 0.95-1.05) x the
  segment's reference tariff per client-year (its product mix) x (1 - savings target)
  (domain.md section 4.4).

Budgets per municipality x segment x year are set from the expected spending
(:func:`spending`): a few percent above it for every segment and year, except the deficit
segment in the reference year, whose budget follows the previous year's spending plus
indexation but lies 6-15 % below the outcome.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl

from regie.engine.catalog import Budget, Catalog, Contract, Municipality, Provider, Segment
from regie.engine.consortia import attribute
from regie.synth import calendar as cal
from regie.synth.dossiers import funds
from regie.synth.pricing import Terms
from regie.synth.rng import stream
from regie.synth.simulate import World
from regie.synth.tenders import with_history
from regie.synth.traffic import Traffic


def _years(world: World, municipality: str) -> range:
    return range(cal.date_of(world.contract_start[municipality]).year, world.year + 1)


def realised_clients(traffic: Traffic, year: int, members: dict[str, str] | None = None) -> pl.DataFrame:
    """Distinct clients per provider, segment and municipality with an episode in ``year``
    (a consortium member's counted for its consortium, ``members``: member -> consortium)."""
    a, b = cal.day(dt.date(year, 1, 1)), cal.day(dt.date(year, 12, 31))
    e = attribute(traffic.episodes, members or {}).filter(
        (pl.col("start") <= b) & (pl.col("end").is_null() | (pl.col("end") >= a))
    )
    return e.group_by(["provider", "segment", "municipality"]).agg(pl.col("client").n_unique().alias("clients"))


def paid_lines(traffic: Traffic) -> pl.DataFrame:
    """Accepted declaration lines that arrived in time, with a signed amount."""
    return traffic.lines.filter((pl.col("fault") == "") & (pl.col("arrival") <= pl.col("deadline"))).with_columns(
        pl.when(pl.col("credit")).then(-pl.col("amount")).otherwise(pl.col("amount")).alias("signed"),
        cal.as_dates("care_month").dt.year().alias("year"),
    )


def spending(catalog: Catalog, traffic: Traffic) -> dict[tuple[str, str, int], int]:
    """Expected spending in cents per (municipality, segment, year) under the funding rules.

    - price x volume: accepted lines that arrived by the deadline (credits subtract);
    - per client: per contract min(realised unique clients, agreed clients) x price, where
      realised clients have an accepted debit line for a care month of the year that arrived
      by the deadline (domain.md section 4.3, band 0);
    - lump sum: the contracts' lump sums.
    """
    models = {s.code: s.funding_model for s in catalog.segments}
    out: dict[tuple[str, str, int], int] = {}
    paid = paid_lines(traffic)
    pxq = paid.filter(pl.col("segment").is_in([c for c, m in models.items() if m == "pxq"]))
    for m, s, y, total in pxq.group_by(["municipality", "segment", "year"]).agg(pl.col("signed").sum()).iter_rows():
        out[(m, s, y)] = out.get((m, s, y), 0) + int(total)
    realised = (
        paid.filter(~pl.col("credit"))
        .group_by(["provider", "segment", "municipality", "year"])
        .agg(pl.col("client").n_unique().alias("n"))
    )
    n_of = {(p, s, m, y): n for p, s, m, y, n in realised.iter_rows()}
    for c in catalog.contracts:
        model = models[c.segment]
        for y in range(c.start.year, c.end.year + 1):
            for m in c.municipalities:
                key = (m, c.segment, y)
                if model == "per_client":
                    n = n_of.get((c.provider, c.segment, m, y), 0)
                    out[key] = out.get(key, 0) + min(n, c.agreed_clients) * c.price_per_client
                elif model == "lump_sum":
                    out[key] = out.get(key, 0) + c.lump_sum
    return out


def _round_up(cents: float, step: int = 100_000) -> int:
    return int(np.ceil(cents / step) * step)


def build_catalog(world: World, terms: Terms, traffic: Traffic) -> tuple[Catalog, dict[str, object]]:
    """The catalog, and the figures it was set from (for ``scenario.json``)."""
    spec = world.spec
    rng = stream(world.seed, spec.name, "catalog")
    municipalities, segments, providers = _parties(world)
    contracts = _contracts(world, terms, traffic, rng)
    # the tender history: former providers' contracts in the period before the tender
    contracts, providers, tenders = with_history(spec, world.seed, world.year, contracts, providers)
    draft = Catalog(spec.region, municipalities, segments, providers, tuple(contracts), ())
    spent = spending(draft, traffic)
    budgets = _budgets(world, contracts, spent, rng)
    years = [y for c in contracts for y in range(c.start.year, c.end.year + 1)]
    catalog = Catalog(
        spec.region,
        municipalities,
        segments,
        providers,
        tuple(contracts),
        tuple(budgets),
        innovation_funds=funds(spec.name, years),
    )
    notes: dict[str, object] = {"tenders": tenders}
    notes["spending"] = [
        {
            "municipality": m,
            "segment": s,
            "year": y,
            "expected_spending_cents": v,
            "budget_cents": next(b.amount for b in budgets if (b.municipality, b.segment, b.year) == (m, s, y)),
        }
        for (m, s, y), v in sorted(spent.items())
        if any((b.municipality, b.segment, b.year) == (m, s, y) for b in budgets)
    ]
    return catalog, notes


def _parties(world: World) -> tuple[tuple[Municipality, ...], tuple[Segment, ...], tuple[Provider, ...]]:
    """The region's municipalities, segments and providers as the catalog names them."""
    spec = world.spec
    municipalities = tuple(
        Municipality(m.code, m.name, m.areas, postcodes=dict(zip(m.postcodes, m.areas, strict=True)))
        for m in spec.municipalities
    )
    segments = tuple(
        Segment(
            code=s.code,
            name=s.name,
            domain=s.domain,
            funding_model=s.funding_model,
            weight=s.weight,
            max_providers=s.max_providers,
            products=tuple(p.code for p in s.products),
            execution=s.execution,
            max_subcontracted_share=s.max_subcontracted_share,
        )
        for s in spec.segments
    )
    providers = tuple(
        Provider(r["agb"], r["name"], tuple(r["members"]), bool(r["core_partner"]))
        for r in world.providers.iter_rows(named=True)
    )
    return municipalities, segments, providers


#: The performance targets of every per-client contract (domain.md section 10): Venlo's
#: performance contracts steer on sustainable outflow and duration. Fixed, so they draw no
#: random numbers and leave the rest of the region as it was.
PER_CLIENT_TARGETS: dict[str, float] = {"sustainable_outflow_rate": 0.6, "max_median_duration_days": 365}


def _contracts(world: World, terms: Terms, traffic: Traffic, rng: np.random.Generator) -> list[Contract]:
    """A contract per offer, municipality and contract period, with the terms of its segment's
    funding model (agreed clients and lump sums set from the clients the traffic realises)."""
    spec, year = world.spec, world.year
    offers = sorted(zip(world.offers["segment"].to_list(), world.offers["agb"].to_list(), strict=True))
    segs = {s.code: s for s in spec.segments}
    members = {m: r["agb"] for r in world.providers.iter_rows(named=True) for m in r["members"]}
    realised = {
        y: {(p, s, m): n for p, s, m, n in realised_clients(traffic, y, members).iter_rows()}
        for y in range(year - 3, year + 1)
    }
    paid = paid_lines(traffic).filter(~pl.col("credit"))
    realised_paid = {
        (p, s, m, y): n
        for p, s, m, y, n in paid.group_by(["provider", "segment", "municipality", "year"])
        .agg(pl.col("client").n_unique())
        .iter_rows()
    }
    contracts: list[Contract] = []
    for seg_code, agb in offers:
        seg = segs[seg_code]
        for m in spec.municipalities:
            first_year = cal.date_of(world.contract_start[m.code]).year
            for y0, y1 in terms.periods(seg, first_year):
                cid = f"{y0}-{seg_code}-{agb}" + (f"-{m.code}" if len(spec.municipalities) > 1 else "")
                start, end = dt.date(y0, 1, 1), dt.date(y1, 12, 31)
                options: tuple[dt.date, ...] = ()
                if seg.funding_model == "pxq" and not spec.core_partners and y1 == year:
                    end, options = dt.date(year + 1, 6, 30), (dt.date(year + 1, 12, 31), dt.date(year + 2, 12, 31))
                # the terms of the segment's funding model (no contract for other models)
                model_terms: dict[str, Any]
                if seg.funding_model == "per_client":
                    n = realised_paid.get((agb, seg_code, m.code, y0), 0)
                    model_terms = {
                        "agreed_clients": max(1, int(round(n * float(rng.uniform(0.95, 1.08))))),
                        "price_per_client": terms.prices[(agb, seg_code, y0)],
                        "targets": dict(PER_CLIENT_TARGETS),
                    }
                elif seg.funding_model == "pxq":
                    model_terms = {"tariffs": {p.code: terms.tariff(seg, p.code, first_year, y0) for p in seg.products}}
                elif seg.funding_model == "lump_sum":
                    n = realised[y0].get((agb, seg_code, m.code), 0)
                    expected = max(1, int(round(n * float(rng.uniform(0.95, 1.05)))))
                    shares = np.array([p.share for p in seg.products])
                    reference = np.array([terms.reference_tariff(seg, p.code, first_year, y0) for p in seg.products])
                    tariff = float((shares * reference).sum() / shares.sum())
                    model_terms = {
                        "lump_sum": int(round(expected * tariff * (1 - spec.savings_target), -2)),
                        "expected_clients": expected,
                        "savings_target": spec.savings_target,
                    }
                else:
                    continue
                contracts.append(Contract(cid, agb, seg_code, (m.code,), start, end, **model_terms, extensions=options))
    contracts.sort(key=lambda c: c.id)
    return contracts


def _budgets(
    world: World, contracts: list[Contract], spent: dict[tuple[str, str, int], int], rng: np.random.Generator
) -> list[Budget]:
    """A budget per municipality, segment and year, set from what the contracts spend: ample,
    except in the deficit segment in the current year."""
    spec, year = world.spec, world.year
    budgets: list[Budget] = []
    for m in spec.municipalities:
        for seg in spec.segments:
            for y in _years(world, m.code):
                outcome = spent.get((m.code, seg.code, y), 0)
                if seg.funding_model == "per_client":
                    ceiling = sum(
                        c.agreed_clients * c.price_per_client
                        for c in contracts
                        if c.segment == seg.code and m.code in c.municipalities and c.active_in(y)
                    )
                    amount = _round_up(max(outcome, ceiling) * float(rng.uniform(1.01, 1.04)))
                elif seg.funding_model == "lump_sum":
                    amount = _round_up(outcome * float(rng.uniform(1.0, 1.02)))
                elif seg.code == spec.deficit_segment and y == year:
                    previous = spent.get((m.code, seg.code, y - 1), outcome)
                    planned = previous * (1 + spec.indexation) * 1.02
                    amount = _round_up(min(max(planned, outcome / 1.15), outcome / 1.06), 1000)
                else:
                    amount = _round_up(outcome * float(rng.uniform(1.04, 1.08)))
                budgets.append(Budget(m.code, seg.code, y, amount))
    return budgets


def contract_for(catalog: Catalog) -> dict[tuple[str, str, str, int], Contract]:
    """(provider, segment, municipality, year) -> the contract in force."""
    out: dict[tuple[str, str, str, int], Contract] = {}
    for c in catalog.contracts:
        for y in range(c.start.year, c.end.year + 1):
            for m in c.municipalities:
                out[(c.provider, c.segment, m, y)] = c
    return out
