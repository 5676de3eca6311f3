"""The scenario and outlook documents from the stored data (``regie forecast --scenario``,
``--years``; the API and the pages): the forecast fitted once, its profile built and the
scenario applied by :mod:`regie.engine.scenarios`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regie.engine import frames
from regie.engine.scenarios import Population, Scenario
from regie.monitor.services import Inputs, load_inputs

#: The most years the outlook reaches (domain.md section 12: ``--years N`` up to 5).
MAX_YEARS = 5


def funding_ratios(inputs: Inputs, year: int, as_of: dt.date) -> dict[tuple[str, str], float]:
    """(segment, model) -> what the segment's care of the last complete year would have cost
    under ``model`` over what it cost under its own (``regie funding compare``)."""
    from regie.engine.compare import compare_models  # noqa: PLC0415 - only for a funding_model change

    prior = year - 1 if as_of.year >= year else as_of.year - 1
    comparison = compare_models(inputs.catalog, inputs.declarations, inputs.episodes, year=prior, as_of=as_of)
    out: dict[tuple[str, str], float] = {}
    for seg in comparison.segments:
        native = next((m for m in seg.models if m.native), None)
        if native is None or native.cost_cents <= 0:
            continue
        for m in seg.models:
            out[(seg.facts.segment, m.model)] = m.cost_cents / native.cost_cents
    return out


def compute_scenario(
    year: int,
    as_of: dt.date,
    scenario: Scenario | None,
    *,
    years: int = 0,
    population: Population | None = None,
    inputs: Inputs | None = None,
) -> dict[str, Any]:
    """The forecast document of ``year`` as of ``as_of`` under ``scenario`` (every row with
    ``baseline`` and the parts per change), with ``years`` outlook years; without a scenario
    the plain forecast document with ``outlook`` per row."""
    from regie.engine.scenarios import apply_scenario, outlook_document  # noqa: PLC0415 - heavy import
    from regie.engine.scenarios.build import budget_weights, build_profile  # noqa: PLC0415

    inputs = inputs or load_inputs()
    model = inputs.fitted_forecast(year, as_of)
    needs_ratios = scenario is not None and any(c.kind == "funding_model" for c in scenario.changes)
    ratios = funding_ratios(inputs, year, as_of) if needs_ratios else {}
    profile = build_profile(model, years=min(years, MAX_YEARS), population=population, funding_ratios=ratios)
    if scenario is None:
        document = model.document()
        if years:
            outlook = {(r["municipality"], r["segment"]): r["outlook"] for r in outlook_document(profile)["rows"]}
            for row in document["rows"]:
                row["outlook"] = outlook.get((row["municipality"], row["segment"]), [])
        return dict(frames.jsonable(document))
    document = apply_scenario(profile, scenario, budget_weights(model))
    document["next_year"] = [r.as_dict() for r in model.next_year_]
    return dict(frames.jsonable(document))
