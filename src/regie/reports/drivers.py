"""The drivers of a forecast's difference from budget, named for people to read.

The forecast engine reports the drivers of an early warning as a decomposition of the
difference between forecast and budget (more inflow, less outflow, longer duration, higher
cost per client, late declarations). :func:`driver_lines` turns what it reports, a mapping of
driver -> cents or a list of ``{"driver", "amount_cents"}`` rows, into labelled lines, largest
first, without changing an amount; a driver this module knows is named in the user's language,
another by the engine's own label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from regie.engine import registry


def driver_label(key: str) -> str | None:
    """A known driver's name (:data:`regie.engine.registry.FORECAST_DRIVERS`) in the user's
    language (Dutch by default), or None.

    >>> driver_label("inflow"), driver_label("cost_per_client"), driver_label("weather")
    ('instroom', 'kosten per cliënt', None)
    """
    return registry.driver_label(key, get_language())


def _amount(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(round(value))
    return None


def driver_lines(drivers: Any) -> list[dict[str, Any]]:
    """Labelled driver amounts (cents), largest effect first; non-numeric entries are left out.

    >>> driver_lines({"inflow": 1200, "outflow": -300})
    [{'key': 'inflow', 'label': 'instroom', 'amount': 1200}, {'key': 'outflow', 'label': 'uitstroom', 'amount': -300}]
    >>> driver_lines([{"driver": "duration", "label": "verblijfsduur", "cents": 50}, {"driver": "late", "cents": 0}])
    [{'key': 'duration', 'label': 'doorlooptijd', 'amount': 50}, {'key': 'late', 'label': 'late declaraties', 'amount': 0}]
    >>> driver_lines(None)
    []
    """
    found: list[tuple[str, int, str]] = []
    if isinstance(drivers, Mapping):
        for key, value in drivers.items():
            amount = _amount(value.get("amount_cents", value.get("cents")) if isinstance(value, Mapping) else value)
            if amount is not None:
                found.append((str(key), amount, driver_label(str(key)) or str(key).replace("_", " ")))
    elif isinstance(drivers, list):
        for item in drivers:
            if not isinstance(item, Mapping):
                continue
            key = item.get("driver", item.get("name", item.get("key")))
            amount = _amount(item.get("amount_cents", item.get("cents", item.get("amount"))))
            if key is not None and amount is not None:
                label = driver_label(str(key)) or item.get("label") or str(key).replace("_", " ")
                found.append((str(key), amount, str(label)))
    found.sort(key=lambda kv: (-abs(kv[1]), kv[0]))
    return [{"key": k, "label": label, "amount": a} for k, a, label in found]


def over_budget(row: Mapping[str, Any]) -> int | None:
    """A forecast row's difference from budget: ``forecast - budget`` in cents (what the drivers
    decompose), or None for a row without a budget (a provider's row, a segment without one).

    >>> over_budget({"forecast": 1200, "budget": 1000}), over_budget({"forecast": 5, "budget": None})
    (200, None)
    """
    budget, forecast = row.get("budget"), row.get("forecast")
    if budget is None or forecast is None:
        return None
    return int(forecast) - int(budget)


#: What a provider's forecast is compared with (its "budget" in the forecast's rows), by the
#: rule of :mod:`regie.engine.forecast.model`: the ceiling of its contract when it has one;
#: under a per-client price its agreement (agreed clients x price); under a lump sum or
#: population funding the fixed amount; otherwise its share of the municipality's budget in
#: proportion to its spending last year.
BASES = {
    "ceiling": (
        gettext_noop("het plafond van het contract"),
        gettext_noop("plafond tegenover vorig jaar"),
        gettext_noop("plafond"),
    ),
    "agreement": (
        gettext_noop("de afspraak (afgesproken cliënten × prijs)"),
        gettext_noop("afspraak tegenover vorig jaar"),
        gettext_noop("afspraak"),
    ),
    "fixed": (gettext_noop("de lumpsum"), gettext_noop("lumpsum tegenover vorig jaar"), gettext_noop("lumpsum")),
    "share": (
        gettext_noop("het aandeel in het budget (naar de uitgaven van vorig jaar)"),
        gettext_noop("aandeel in het budget tegenover vorig jaar"),
        gettext_noop("aandeel in budget"),
    ),
}


def budget_basis(funding_model: str | None, has_ceiling: bool) -> str:
    """Which amount a provider row's ``budget`` is (a key of :data:`BASES`).

    >>> budget_basis("per_client", False), budget_basis("pxq", True), budget_basis("pxq", False)
    ('agreement', 'ceiling', 'share')
    >>> budget_basis("lump_sum", False), budget_basis("population", False)
    ('fixed', 'fixed')
    """
    if funding_model == "per_client":
        return "agreement"
    if funding_model in ("lump_sum", "population"):
        return "fixed"
    return "ceiling" if has_ceiling else "share"


def basis_name(basis: str, short: bool = False) -> str:
    """What a provider's forecast is compared with, in the user's language (``short``: one
    or two words, for a table cell)."""
    return _(BASES[basis][2 if short else 0])


def compared_lines(lines: list[dict[str, Any]], budget: Any, basis: str | None = None) -> list[dict[str, Any]]:
    """Driver lines as a row should show them: without the plan driver ("budget versus last
    year") where the row has no budget, and for a provider with the plan named after what it
    is compared with (its agreement, ceiling, lump sum or share of the budget, ``basis``)."""
    if budget is None:
        return [d for d in lines if d["key"] != "plan"]
    if basis is None:
        return lines
    return [{**d, "label": _(BASES[basis][1])} if d["key"] == "plan" else d for d in lines]
