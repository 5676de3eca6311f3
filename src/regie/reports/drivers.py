"""The drivers of a forecast's difference from budget, named in Dutch for people to read.

The forecast engine reports the drivers of an early warning as a decomposition of the
difference between forecast and budget (more inflow, less outflow, longer duration, higher
cost per client, late declarations). :func:`driver_lines` turns what it reports, a mapping of
driver -> cents or a list of ``{"driver", "amount_cents"}`` rows, into labelled lines, largest
first, without changing an amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Driver key -> what a controller reads (the amount says whether it pushed up or down).
LABELS = {
    "inflow": "instroom",
    "outflow": "uitstroom",
    "duration": "verblijfsduur",
    "plan": "begroting tegenover vorig jaar",
    "cost_per_client": "kosten per cliënt",
    "price": "kosten per cliënt",
    "late_declarations": "late declaraties",
    "late": "late declaraties",
    "ibnr": "late declaraties",
    "volume": "volume",
    "stock": "cliënten in zorg aan het begin",
    "other": "overig",
    "residual": "overig",
}


def driver_label(key: str) -> str:
    """A driver's Dutch name.

    >>> driver_label("inflow"), driver_label("cost_per_client"), driver_label("weather")
    ('instroom', 'kosten per cliënt', 'weather')
    """
    return LABELS.get(key, LABELS.get(key.removesuffix("_cents"), key.replace("_", " ")))


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
                found.append((str(key), amount, driver_label(str(key))))
    elif isinstance(drivers, list):
        for item in drivers:
            if not isinstance(item, Mapping):
                continue
            key = item.get("driver", item.get("name", item.get("key")))
            amount = _amount(item.get("amount_cents", item.get("cents", item.get("amount"))))
            if key is not None and amount is not None:
                found.append((str(key), amount, str(item.get("label") or driver_label(str(key)))))
    found.sort(key=lambda kv: (-abs(kv[1]), kv[0]))
    return [{"key": k, "label": label, "amount": a} for k, a, label in found]
