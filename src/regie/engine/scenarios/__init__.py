"""What if: scenarios on the year-end forecast and the outlook of the next years
(domain.md section 12, ``regie forecast --scenario FILE --years N``). Pure core.

- :mod:`~regie.engine.scenarios.changes` — a scenario: named changes from a month on
  (TOML in, TOML and JSON out);
- :mod:`~regie.engine.scenarios.profile` — the monthly stock-and-flow recursion a scenario
  changes, per provider of a budget group;
- :mod:`~regie.engine.scenarios.build` — that profile from a fitted
  :class:`~regie.engine.forecast.YearEndForecast`, calibrated on its figures;
- :mod:`~regie.engine.scenarios.apply` — the scenario applied: every row with its baseline
  and the difference split by change, to the cent, and the outlook with its range;
- :mod:`~regie.engine.scenarios.population` — population projections scaling inflow.

docs/scenarios.md explains the method.
"""

from regie.engine.scenarios.apply import Group, Profile, apply_scenario, outlook_document, split
from regie.engine.scenarios.changes import (
    KIND_LABELS,
    KINDS,
    Change,
    Scenario,
    ScenarioError,
    change_from_dict,
    dumps_scenario,
    parse_scenario,
    scenario_from_dict,
)
from regie.engine.scenarios.population import Population, parse_population
from regie.engine.scenarios.profile import Cell, Plan, run

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "Cell",
    "Change",
    "Group",
    "Plan",
    "Population",
    "Profile",
    "Scenario",
    "ScenarioError",
    "apply_scenario",
    "change_from_dict",
    "dumps_scenario",
    "outlook_document",
    "parse_population",
    "parse_scenario",
    "run",
    "scenario_from_dict",
    "split",
]
