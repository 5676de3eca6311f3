"""The realised care of a year replayed under each funding model (``regie funding compare``).

For every segment the question is the controller's: *what would this year have cost under
each of the five funding models, how well could we have known that at the start of the
year, and who carried the surprise: the municipality or the providers?*

Realised care
-------------
Measured per segment and year t (the compared year Y and the prior year Y-1) from the
episodes (client-level start/stop traffic, also for task-based segments) and the
declarations (accepted, standing, in time; :mod:`regie.engine.funding.positions`):

- ``clients[t]``: distinct clients with an episode overlapping year t;
- ``client_months[t]``: distinct (client, month) pairs of t in which the client was in care;
- ``trajectories[t]``: episodes starting in t;
- ``declared[t]``: the net amount declared in time for care months of t (volume x the
  providers' tariffs);
- ``paid[t]``: what the segment's own funding model paid for the care of t
  (:func:`regie.engine.funding.ledger`, everything known by ``as_of``).

A segment without episodes counts its clients and client-months from the declarations.

The value of the care ``V[t]`` is what price x volume would pay for it: ``declared[t]`` when
the segment declares, otherwise ``client_months[t]`` x the prior year's paid amount per
client-month. The **care change** ``D = V[Y] - V[Y-1]`` is the surprise to share out.

Parameters of each model
------------------------
The segment's own model (marked *native*) is not replayed: its cost is ``paid[Y]`` and its
forecast what its contracts promised at the start of the year (per-client: the sum of
N_p x P_p; lump sum and population: the fixed amounts; price x volume and outcome: the
prior year's cost). The other models get parameters derived from the year's contracts and
the prior year, all at the prior year's prices (``paid[Y-1]`` divided by a volume of Y-1):

============  ======================================================  ==========================
model         parameters                                              cost / forecast
============  ======================================================  ==========================
pxq           the providers' declared tariffs; without declarations   V[Y] / V[Y-1]
              a price per client-month = paid / client-months
outcome       price per trajectory q = paid / trajectories            trajectories[Y] x q /
              (the trajectory's price booked in its start year)       trajectories[Y-1] x q
per_client    agreed clients N = clients[Y-1], price per client        min(clients[Y], N) x P /
              P = paid / clients (prior cost per client), band 0,     N x P
              agreed for the segment as a whole
lump_sum      expected clients[Y-1] x tariff (paid / clients),         A / A
              savings target 0: A = paid[Y-1]
population    B = the segment's budgets minus reserves for Y           B / B
              (paid[Y-1] when it has none)
============  ======================================================  ==========================

Predictability is the spread between the forecast F (at the start of the year) and the
cost C: ``C - F`` and ``(C - F) / F``. The **risk split** shares out the care change D: the
municipality carries ``C - F`` (what it pays beyond what it expected), the providers the
rest, ``D - (C - F)`` (care they delivered beyond what they were paid, or kept when care
fell). Under price x volume the municipality carries all of D; under a lump sum none. The
municipality's share ``(C - F) / D`` is given only when D is at least 1 % of ``V[Y-1]``: a
smaller change is noise, and a share of it means nothing.

Without a prior year (no ledger or no clients in Y-1) the derived prices come from the
year itself and forecast, spread and risk split are null: they cannot be known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import polars as pl

from regie.engine import frames
from regie.engine.catalog import Catalog, declaration_deadline
from regie.engine.funding import agreement, ledger, lump_sum_lines, positions
from regie.engine.funding.base import round_half_up
from regie.formatting import euro, number, percent, signed_euro

MODELS = ("pxq", "outcome", "per_client", "lump_sum", "population")
#: The totals row of each segment's own model (see :func:`totals`).
CURRENT = "current"

#: How a model is called in what a user reads.
MODEL_NAMES = {
    "current": "Huidige bekostiging (per perceel)",
    "pxq": "P x Q (inspanningsgericht)",
    "outcome": "Resultaat per arrangement",
    "per_client": "Prijs per cliënt",
    "lump_sum": "Lumpsum (taakgericht)",
    "population": "Populatiebekostiging",
}


@dataclass(frozen=True)
class SegmentFacts:
    """The realised care and money of one segment in the prior year and the compared year."""

    segment: str
    name: str
    native_model: str
    clients: tuple[int, int]
    client_months: tuple[int, int]
    trajectories: tuple[int, int]
    declared_cents: tuple[int, int]
    paid_cents: tuple[int, int]
    budget_cents: int | None
    value_cents: tuple[int, int]
    basis: str  # "declared" | "client_months"


@dataclass(frozen=True)
class ModelOutcome:
    """One model replayed on one segment's year."""

    model: str
    native: bool
    cost_cents: int
    forecast_cents: int | None
    spread_cents: int | None
    spread_share: float | None
    municipality_risk_cents: int | None
    provider_risk_cents: int | None
    municipality_risk_share: float | None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SegmentComparison:
    facts: SegmentFacts
    care_change_cents: int | None
    models: tuple[ModelOutcome, ...]


@dataclass(frozen=True)
class Comparison:
    region: str
    year: int
    segments: tuple[SegmentComparison, ...]
    as_of: dt.date | None = None

    @property
    def year_to_date(self) -> bool:
        """True while the year is running on the as-of date: the year's care, clients and cost
        are those up to that day, compared with the whole prior year and with a forecast for
        the whole year."""
        return self.as_of is not None and self.as_of < dt.date(self.year, 12, 31)


# --------------------------------------------------------------------------- realised care


def _episode_facts(episodes: pl.DataFrame, segment: str, year: int) -> tuple[int, int, int]:
    """clients, client-months and trajectories of ``segment`` in ``year`` from episodes."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    eps = episodes.filter(pl.col("segment") == segment)
    overlap = eps.filter((pl.col("start") <= last) & (pl.col("end").is_null() | (pl.col("end") >= first)))
    if overlap.height == 0:
        return 0, 0, 0
    months = (
        overlap.select(
            "client",
            pl.date_ranges(
                pl.max_horizontal(pl.col("start"), pl.lit(first)).dt.month_start(),
                pl.min_horizontal(pl.col("end").fill_null(last), pl.lit(last)).dt.month_start(),
                interval="1mo",
            ).alias("month"),
        )
        .explode("month")
        .unique()
    )
    starts = eps.filter((pl.col("start") >= first) & (pl.col("start") <= last))["episode_id"].n_unique()
    return overlap["client"].n_unique(), months.height, starts


def _declared(table: pl.DataFrame, catalog: Catalog, segment: str, year: int) -> pl.DataFrame:
    """Standing positions of ``segment`` for care months of ``year`` that arrived in time."""
    no_deadline = sorted(
        {
            c.provider
            for c in catalog.contracts
            if c.segment == segment and c.active_in(year) and c.declaration_deadline == "none"
        }
    )
    rows = table.filter(
        (pl.col("segment") == segment)
        & (pl.col("care_month").dt.year() == year)
        & (pl.col("debits") > pl.col("credits"))
    )
    if rows.height == 0:
        return rows
    deadlines = {m: declaration_deadline(m) for m in rows["care_month"].unique().to_list()}
    rows = rows.with_columns(pl.col("care_month").replace_strict(deadlines, return_dtype=pl.Date).alias("_deadline"))
    return rows.filter((pl.col("arrival") <= pl.col("_deadline")) | pl.col("provider").is_in(no_deadline))


def segment_facts(
    catalog: Catalog,
    declarations: pl.DataFrame,
    episodes: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date | None = None,
) -> list[SegmentFacts]:
    """The realised care of every segment with care or money in ``year - 1`` or ``year``."""
    cutoff = as_of or dt.date.max
    decl = frames.conform("declarations", declarations)
    eps = frames.conform("episodes", episodes)
    if as_of is not None:
        eps = frames.as_of(eps, "episodes", as_of)
    table = positions(decl, as_of=cutoff)
    paid: dict[tuple[str, int], int] = {}
    for t in (year - 1, year):
        for line in ledger(catalog, decl, year=t, as_of=cutoff):
            paid[(line.segment, t)] = paid.get((line.segment, t), 0) + line.amount_cents
    out = []
    for segment in sorted(catalog.segments, key=lambda s: s.code):
        clients, months, starts, declared = [], [], [], []
        for t in (year - 1, year):
            c, m, s = _episode_facts(eps, segment.code, t)
            rows = _declared(table, catalog, segment.code, t)
            if c == 0 and rows.height:
                c = rows["client"].n_unique()
                m = rows.select("client", "care_month").unique().height
            clients.append(c)
            months.append(m)
            starts.append(s)
            declared.append(int(rows["amount_cents"].sum()) if rows.height else 0)
        money = (paid.get((segment.code, year - 1), 0), paid.get((segment.code, year), 0))
        if not any(clients) and not any(money):
            continue
        budgets = [b.amount - b.reserve for b in catalog.budgets if b.segment == segment.code and b.year == year]
        if declared[0] > 0 and declared[1] > 0:
            basis, value = "declared", (declared[0], declared[1])
        else:
            base_year = 0 if money[0] and months[0] else 1
            per_month = Fraction(money[base_year], months[base_year]) if months[base_year] else Fraction(0)
            basis, value = "client_months", (round_half_up(months[0] * per_month), round_half_up(months[1] * per_month))
        out.append(
            SegmentFacts(
                segment=segment.code,
                name=segment.name,
                native_model=segment.funding_model,
                clients=(clients[0], clients[1]),
                client_months=(months[0], months[1]),
                trajectories=(starts[0], starts[1]),
                declared_cents=(declared[0], declared[1]),
                paid_cents=money,
                budget_cents=sum(budgets) if budgets else None,
                value_cents=value,
                basis=basis,
            )
        )
    return out


# --------------------------------------------------------------------------- replay


def native_forecast(catalog: Catalog, facts: SegmentFacts, year: int) -> int:
    """What the segment's own contracts promised at the start of ``year`` (see the module docstring)."""
    start = dt.date(year - 1, 12, 31)
    contracts = [c for c in catalog.contracts if c.segment == facts.segment and c.active_in(year)]
    if facts.native_model == "per_client":
        return sum(agreement(c, year=year, as_of=start).budget for c in contracts)
    if facts.native_model == "lump_sum":
        return sum(line.amount_cents for c in contracts for line in lump_sum_lines(c, year=year, as_of=dt.date.max))
    if facts.native_model == "population":
        return facts.paid_cents[1]
    return facts.paid_cents[0]


def material(change: int, prior_value: int) -> bool:
    """True when the care change is large enough to share out: at least 1 % of the prior value."""
    return change != 0 and abs(change) * 100 >= abs(prior_value)


def _ratio(a: int, b: int) -> float | None:
    return None if b == 0 else round(a / b, 4)


def replay(catalog: Catalog, facts: SegmentFacts, year: int) -> SegmentComparison:
    """Every model's cost, forecast, spread and risk split for one segment (module docstring)."""
    prior = facts.paid_cents[0] > 0 and facts.clients[0] > 0
    i = 0 if prior else 1
    paid = facts.paid_cents[i]

    def per(volume: int) -> Fraction:
        return Fraction(paid, volume) if volume else Fraction(0)

    price_client, price_trajectory = per(facts.clients[i]), per(facts.trajectories[i])
    change = facts.value_cents[1] - facts.value_cents[0] if prior else None
    derived: dict[str, tuple[Fraction, Fraction, dict[str, Any]]] = {
        "pxq": (
            Fraction(facts.value_cents[1]),
            Fraction(facts.value_cents[0]),
            {"basis": facts.basis}
            | (
                {}
                if facts.basis == "declared"
                else {"price_per_client_month_cents": round_half_up(per(facts.client_months[i]))}
            ),
        ),
        "outcome": (
            facts.trajectories[1] * price_trajectory,
            facts.trajectories[0] * price_trajectory,
            {"price_per_trajectory_cents": round_half_up(price_trajectory)},
        ),
        "per_client": (
            min(facts.clients[1], facts.clients[i]) * price_client,
            facts.clients[i] * price_client,
            {"agreed_clients": facts.clients[i], "price_per_client_cents": round_half_up(price_client), "band": 0.0},
        ),
        "lump_sum": (
            facts.clients[i] * price_client,
            facts.clients[i] * price_client,
            {"expected_clients": facts.clients[i], "tariff_cents": round_half_up(price_client), "savings_target": 0.0},
        ),
    }
    budget = facts.budget_cents if facts.budget_cents is not None else paid
    derived["population"] = (Fraction(budget), Fraction(budget), {"budget_cents": budget})
    outcomes = []
    for model in MODELS:
        native = model == facts.native_model
        if native:
            cost, forecast, parameters = (
                facts.paid_cents[1],
                native_forecast(catalog, facts, year),
                {"source": "ledger"},
            )
        else:
            exact_cost, exact_forecast, parameters = derived[model]
            cost, forecast = round_half_up(exact_cost), round_half_up(exact_forecast)
        if not prior:
            outcomes.append(ModelOutcome(model, native, cost, None, None, None, None, None, None, parameters))
            continue
        spread = cost - forecast
        provider = None if change is None else change - spread
        outcomes.append(
            ModelOutcome(
                model=model,
                native=native,
                cost_cents=cost,
                forecast_cents=forecast,
                spread_cents=spread,
                spread_share=_ratio(spread, forecast),
                municipality_risk_cents=spread,
                provider_risk_cents=provider,
                municipality_risk_share=(
                    _ratio(spread, change) if change is not None and material(change, facts.value_cents[0]) else None
                ),
                parameters=parameters,
            )
        )
    return SegmentComparison(facts, change, tuple(outcomes))


def compare_models(
    catalog: Catalog,
    declarations: pl.DataFrame,
    episodes: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date | None = None,
) -> Comparison:
    """The realised care of ``year`` replayed under each funding model, per segment.

    ``as_of`` limits everything to what had arrived by then (default: all of it). See the
    module docstring for every definition and derivation.
    """
    facts = segment_facts(catalog, declarations, episodes, year=year, as_of=as_of)
    return Comparison(catalog.region, year, tuple(replay(catalog, f, year) for f in facts), as_of)


def totals(comparison: Comparison) -> tuple[ModelOutcome, ...]:
    """The comparison over all segments together: per model the segments' figures added up,
    as if every segment were funded that way, and first (model ``current``, marked native)
    each segment under its own model, what the region pays now.

    Cost, forecast, spread and both risks are sums; the spread share and the municipality's
    share of the care change are those of the sums (the share only when the summed change is
    material, :func:`material`, against the summed prior value). A forecast or risk is null
    when any segment's is (no prior year there).
    """
    if not comparison.segments:
        return ()
    changes = [s.care_change_cents for s in comparison.segments]
    change = None if any(c is None for c in changes) else sum(c for c in changes if c is not None)
    prior_value = sum(s.facts.value_cents[0] for s in comparison.segments)
    out = []
    for model in (CURRENT, *MODELS):
        picked = [
            next(m for m in s.models if (m.native if model == CURRENT else m.model == model))
            for s in comparison.segments
        ]
        cost = sum(m.cost_cents for m in picked)
        forecasts = [m.forecast_cents for m in picked]
        parameters: dict[str, Any] = {"segments": len(picked)}
        if change is None or any(f is None for f in forecasts):
            out.append(ModelOutcome(model, model == CURRENT, cost, None, None, None, None, None, None, parameters))
            continue
        forecast = sum(f for f in forecasts if f is not None)
        spread = cost - forecast
        out.append(
            ModelOutcome(
                model=model,
                native=model == CURRENT,
                cost_cents=cost,
                forecast_cents=forecast,
                spread_cents=spread,
                spread_share=_ratio(spread, forecast),
                municipality_risk_cents=spread,
                provider_risk_cents=change - spread,
                municipality_risk_share=_ratio(spread, change) if material(change, prior_value) else None,
                parameters=parameters,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------- presenting


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The JSON document of ``regie funding compare --json``.

    ``{"region", "year", "segments": [{"segment", "name", "native_model", "facts": {...},
    "care_change_cents", "models": [{"model", "native", "cost_cents", "forecast_cents",
    "spread_cents", "spread_share", "municipality_risk_cents", "provider_risk_cents",
    "municipality_risk_share", "parameters"}]}], "totals": [the same per model over all
    segments, :func:`totals`]}``; facts give each measure for the prior year and the year as
    ``{"prior": n, "year": n}``.
    """

    def pair(values: tuple[int, int]) -> dict[str, int]:
        return {"prior": values[0], "year": values[1]}

    def outcome(m: ModelOutcome) -> dict[str, Any]:
        return {
            "model": m.model,
            "native": m.native,
            "cost_cents": m.cost_cents,
            "forecast_cents": m.forecast_cents,
            "spread_cents": m.spread_cents,
            "spread_share": m.spread_share,
            "municipality_risk_cents": m.municipality_risk_cents,
            "provider_risk_cents": m.provider_risk_cents,
            "municipality_risk_share": m.municipality_risk_share,
            "parameters": m.parameters,
        }

    return {
        "region": comparison.region,
        "year": comparison.year,
        "as_of": None if comparison.as_of is None else comparison.as_of.isoformat(),
        "year_to_date": comparison.year_to_date,
        "totals": [outcome(m) for m in totals(comparison)],
        "segments": [
            {
                "segment": s.facts.segment,
                "name": s.facts.name,
                "native_model": s.facts.native_model,
                "facts": {
                    "clients": pair(s.facts.clients),
                    "client_months": pair(s.facts.client_months),
                    "trajectories": pair(s.facts.trajectories),
                    "declared_cents": pair(s.facts.declared_cents),
                    "paid_cents": pair(s.facts.paid_cents),
                    "value_cents": pair(s.facts.value_cents),
                    "value_basis": s.facts.basis,
                    "budget_cents": s.facts.budget_cents,
                },
                "care_change_cents": s.care_change_cents,
                "models": [outcome(m) for m in s.models],
            }
            for s in comparison.segments
        ],
    }


HEADINGS = (
    "Model",
    "Kosten",
    "Prognose begin jaar",
    "Afwijking",
    "Afwijking %",
    "Risico gemeente",
    "Risico aanbieders",
)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for k, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def render_comparison(comparison: Comparison) -> str:
    """The comparison as a plain-text table a controller can read (Dutch)."""
    lines = [f"Vergelijking van bekostigingsmodellen {comparison.year} — {comparison.region}", ""]
    if comparison.year_to_date and comparison.as_of is not None:
        lines += [
            f"Het jaar loopt nog: {comparison.year} tot en met {comparison.as_of:%d-%m-%Y} (year-to-date) "
            f"tegenover heel {comparison.year - 1}; de prognose geldt voor het hele jaar.",
            "",
        ]
    if not comparison.segments:
        return "\n".join([*lines, "Geen zorg of betalingen gevonden voor dit jaar."]) + "\n"

    def model_rows(outcomes: Sequence[ModelOutcome]) -> list[list[str]]:
        rows: list[list[str]] = [list(HEADINGS)]
        for m in outcomes:
            risk = signed_euro(m.municipality_risk_cents)
            if m.municipality_risk_share is not None:
                risk += f" ({percent(m.municipality_risk_share)})"
            rows.append(
                [
                    MODEL_NAMES[m.model] + (" *" if m.native and m.model != CURRENT else ""),
                    euro(m.cost_cents),
                    euro(m.forecast_cents),
                    signed_euro(m.spread_cents),
                    percent(m.spread_share),
                    risk,
                    signed_euro(m.provider_risk_cents),
                ]
            )
        return rows

    for s in comparison.segments:
        f = s.facts
        y0, y1 = comparison.year - 1, comparison.year
        lines.append(f"Perceel {f.segment} — {f.name} (huidig model: {MODEL_NAMES[f.native_model]})")
        lines.append(
            f"  cliënten {y0}: {number(f.clients[0])}, {y1}: {number(f.clients[1])}; "
            f"zorgmaanden {number(f.client_months[0])} → {number(f.client_months[1])}; "
            f"betaald {euro(f.paid_cents[0])} → {euro(f.paid_cents[1])}; "
            f"budget {y1}: {euro(f.budget_cents)}"
        )
        basis = "gedeclareerd" if f.basis == "declared" else "zorgmaanden x prijs vorig jaar"
        lines.append(
            f"  waarde van de zorg ({basis}): {euro(f.value_cents[0])} → {euro(f.value_cents[1])}; "
            f"verschil {signed_euro(s.care_change_cents)}"
        )
        lines += ["", *("  " + row for row in _table(model_rows(s.models))), ""]
    if len(comparison.segments) > 1:
        lines.append("Alle percelen samen (totaal)")
        lines += ["", *("  " + row for row in _table(model_rows(totals(comparison)))), ""]
    lines.append(
        "* huidig model: kosten uit het betaalgrootboek, prognose uit de contracten aan het begin van het jaar."
    )
    lines.append(
        "Afwijking = kosten - prognose. Risico gemeente = afwijking; risico aanbieders = verschil in waarde van de zorg - afwijking."
    )
    return "\n".join(lines) + "\n"
