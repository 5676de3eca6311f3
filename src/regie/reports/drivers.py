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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

#: Driver key -> what a controller reads (the amount says whether it pushed up or down).
LABELS = {
    "inflow": gettext_noop("instroom"),
    "outflow": gettext_noop("uitstroom"),
    "duration": gettext_noop("verblijfsduur"),
    "plan": gettext_noop("begroting tegenover vorig jaar"),
    "cost_per_client": gettext_noop("kosten per cliënt"),
    "price": gettext_noop("kosten per cliënt"),
    "late_declarations": gettext_noop("late declaraties"),
    "late": gettext_noop("late declaraties"),
    "ibnr": gettext_noop("late declaraties"),
    "volume": gettext_noop("volume"),
    "stock": gettext_noop("cliënten in zorg aan het begin"),
    "other": gettext_noop("overig"),
    "residual": gettext_noop("overig"),
}


def driver_label(key: str) -> str | None:
    """A known driver's name in the user's language (Dutch by default), or None.

    >>> driver_label("inflow"), driver_label("cost_per_client"), driver_label("weather")
    ('instroom', 'kosten per cliënt', None)
    """
    label = LABELS.get(key, LABELS.get(key.removesuffix("_cents")))
    return _(label) if label else None


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
    [{'key': 'duration', 'label': 'verblijfsduur', 'amount': 50}, {'key': 'late', 'label': 'late declaraties', 'amount': 0}]
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
