"""The scenario and outlook documents from the stored data (``regie forecast --scenario``,
``--years``; the API and the pages): the forecast fitted once, its profile built and the
scenario applied by :mod:`regie.engine.scenarios`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regie.engine import calendar, frames
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


# --------------------------------------------------------------------------------------------
# Saved scenarios


class InvalidScenario(ValueError):
    """A scenario or a review outcome that cannot be saved: ``params`` names each field and its reason."""

    def __init__(self, params: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{p['name']}: {p['reason']}" for p in params))
        self.params = params


def _period(data: dict[str, Any]) -> tuple[int, dt.date, int, list[dict[str, str]]]:
    """The year, as-of date and outlook years of a request, with the reasons they are wrong."""
    errors: list[dict[str, str]] = []
    year, as_of, years = 0, dt.date.min, 0
    try:
        year = int(data.get("year", 0))
        if not 1900 < year < 3000:
            raise ValueError
    except (TypeError, ValueError):
        errors.append({"name": "year", "reason": "een jaartal, bijvoorbeeld 2025"})
    try:
        as_of = dt.date.fromisoformat(str(data.get("as_of", "")))
    except ValueError:
        errors.append({"name": "as_of", "reason": "een datum (JJJJ-MM-DD)"})
    try:
        years = int(data.get("years", 0) or 0)
        if not 0 <= years <= MAX_YEARS:
            raise ValueError
    except (TypeError, ValueError):
        errors.append({"name": "years", "reason": f"0 tot en met {MAX_YEARS}"})
    return year, as_of, years, errors


def save_scenario(user: Any, data: dict[str, Any], *, inputs: Inputs | None = None) -> Any:
    """Check, compute and store a scenario (``name``, ``description``, ``year``, ``as_of``,
    ``years``, ``changes``); audited. :class:`InvalidScenario` when it cannot be read."""
    from regie.accounts.audit import actor, audit  # noqa: PLC0415
    from regie.engine.scenarios import ScenarioError, scenario_from_dict  # noqa: PLC0415
    from regie.scenarios.models import SavedScenario  # noqa: PLC0415

    year, as_of, years, errors = _period(data)
    scenario = None
    try:
        scenario = scenario_from_dict(
            {"name": data.get("name", ""), "description": data.get("description", ""), "changes": data.get("changes")}
        )
    except ScenarioError as exc:
        name = "name" if "'name'" in exc.rule else "changes"
        errors.append({"name": name, "reason": str(exc)})
    if errors or scenario is None:
        raise InvalidScenario(errors)
    result = compute_scenario(year, as_of, scenario, years=years, inputs=inputs)
    saved = SavedScenario.objects.create(
        name=scenario.name,
        description=scenario.description,
        year=year,
        as_of=as_of,
        years=years,
        changes=scenario.as_dict()["changes"],
        result=result,
        created_by=actor(user),
    )
    total = result["totals"]
    audit(
        user,
        "scenario.saved",
        f"scenario {saved.pk}: {saved.name}",
        year=year,
        as_of=as_of.isoformat(),
        changes=len(scenario.changes),
        difference_cents=total["difference"],
    )
    return saved


def visible_result(result: dict[str, Any], council: bool) -> dict[str, Any]:
    """A scenario's document as a role may see it: the council gets no provider rows."""
    if not council:
        return result
    return {k: v for k, v in result.items() if k != "providers"}


#: The name of the demo's saved scenario.
DEMO_SCENARIO = "Voorbeeld: indexatie en groei"


def demo_scenario(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> Any:
    """The demo's saved scenario (once per year and as-of date): tariffs indexed by 3 % from
    the month after the as-of date, the inflow of the first youth segment 10 % higher from
    then on, three years ahead."""
    from regie.scenarios.models import SavedScenario  # noqa: PLC0415

    found = SavedScenario.objects.filter(name=DEMO_SCENARIO, year=year, as_of=as_of).first()
    if found is not None:
        return found
    inputs = inputs or load_inputs()
    start = calendar.next_month(as_of)
    changes: list[dict[str, Any]] = [{"kind": "tariff", "factor": 1.03, "from": start.isoformat()}]
    youth = next((s.code for s in inputs.catalog.segments if s.domain == "jeugd"), None)
    if youth:
        changes.append({"kind": "inflow", "segment": youth, "factor": 1.1, "from": start.isoformat()})
    body = {
        "name": DEMO_SCENARIO,
        "year": year,
        "as_of": as_of.isoformat(),
        "years": 3,
        "changes": changes,
        "description": "Tarieven +3 % en instroom jeugd +10 % vanaf volgende maand",
    }
    return save_scenario(None, body, inputs=inputs)
