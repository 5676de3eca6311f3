"""A scenario: a named set of changes, each from a month on (domain.md section 12).

A scenario file is TOML::

    name = "Indexatie en groei"
    description = "Tarieven +3 % vanaf oktober, instroom jeugd +10 %"

    [[change]]
    kind = "tariff"          # all tariffs and prices of a segment x factor
    segment = "WMO-IB"       # optional: every segment when left out
    factor = 1.03
    from = 2025-10-01        # a date or "2025-10": the change holds from that month on

The kinds and their keys (``from`` and an optional ``label`` on every change):

============== ==================================================================
kind           keys
============== ==================================================================
tariff         ``factor``; optional ``segment``
inflow         ``factor``; optional ``segment``, ``municipality``
duration       ``factor`` (the mean stay x factor); optional ``segment``
funding_model  ``segment``, ``model`` (pxq, outcome, per_client, lump_sum, population)
new_segment    ``segment`` (a new code), ``clients``, ``price_per_client`` (cents a
               client a year); optional ``name``, ``municipalities``
capacity       ``from_provider``, ``to_provider``, ``clients``; optional ``segment``,
               ``municipality``
provider_exit  ``provider``; optional ``segment``
============== ==================================================================

An unknown kind, an unknown key, a missing key or a value of the wrong type is a
:class:`ScenarioError` naming the change and the rule.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from regie.engine import calendar

#: Funding models a segment may be moved to.
MODELS = ("pxq", "outcome", "per_client", "lump_sum", "population")

#: Per kind: the keys it needs (besides ``kind`` and ``from``), and those it may have.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "tariff": (("factor",), ("segment",)),
    "inflow": (("factor",), ("segment", "municipality")),
    "duration": (("factor",), ("segment",)),
    "funding_model": (("segment", "model"), ()),
    "new_segment": (("segment", "clients", "price_per_client"), ("name", "municipalities")),
    "capacity": (("from_provider", "to_provider", "clients"), ("segment", "municipality")),
    "provider_exit": (("provider",), ("segment",)),
}

#: How a kind of change is called in what a user reads.
KIND_LABELS = {
    "tariff": "Tarief",
    "inflow": "Instroom",
    "duration": "Verblijfsduur",
    "funding_model": "Bekostigingsmodel",
    "new_segment": "Nieuwe taak",
    "capacity": "Capaciteit verschoven",
    "provider_exit": "Aanbieder stopt",
}


def _dutch(value: float) -> str:
    """A factor or a number of clients as a Dutch reader writes it: ``1,03``, ``2``."""
    return f"{value:g}".replace(".", ",")


_NUMBERS = {"factor": float, "clients": float, "price_per_client": int}
_TEXTS = ("segment", "municipality", "model", "name", "from_provider", "to_provider", "provider", "label")


class ScenarioError(ValueError):
    """A scenario that cannot be read: which change, and which rule it breaks."""

    def __init__(self, where: str, rule: str) -> None:
        super().__init__(f"{where}: {rule}")
        self.where = where
        self.rule = rule


@dataclass(frozen=True)
class Change:
    """One change of a scenario, holding from the month of ``start`` on.

    ``factor`` (tariff, inflow, duration), ``model`` (funding_model), ``clients`` and
    ``price_per_client`` (new_segment, capacity), the providers (capacity, provider_exit)
    and the scope (``segment``, ``municipality``, ``municipalities``) as the kind needs them.
    """

    kind: str
    start: dt.date
    segment: str | None = None
    municipality: str | None = None
    municipalities: tuple[str, ...] = ()
    factor: float = 1.0
    model: str | None = None
    clients: float = 0.0
    price_per_client: int = 0
    name: str | None = None
    from_provider: str | None = None
    to_provider: str | None = None
    provider: str | None = None
    label: str | None = None

    @property
    def month(self) -> int:
        """The first month the change holds in (index)."""
        return calendar.month_index(self.start)

    def title(self) -> str:
        """What the change is, in Dutch, for a table's row: its label or a description."""
        if self.label:
            return self.label
        scope = f" {self.segment}" if self.segment else ""
        since = f" vanaf {self.start:%m-%Y}"
        if self.kind in ("tariff", "inflow", "duration"):
            return f"{KIND_LABELS[self.kind]}{scope} x {_dutch(self.factor)}{since}"
        if self.kind == "funding_model":
            return f"{KIND_LABELS[self.kind]}{scope} naar {self.model}{since}"
        if self.kind == "new_segment":
            return f"{KIND_LABELS[self.kind]} {self.name or self.segment}: {_dutch(self.clients)} cliënten{since}"
        if self.kind == "capacity":
            return f"{_dutch(self.clients)} cliënten{scope} van {self.from_provider} naar {self.to_provider}{since}"
        return f"{KIND_LABELS[self.kind]}: {self.provider}{scope}{since}"

    def as_dict(self) -> dict[str, Any]:
        """The change as its TOML / JSON entry (``from`` as an ISO date; defaults left out)."""
        out: dict[str, Any] = {"kind": self.kind, "from": self.start.isoformat()}
        required, optional = KINDS[self.kind]
        for key in (*required, *optional, "label"):
            value = getattr(self, key)
            if value is None or value == () or (key == "label" and not value):
                continue
            out[key] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class Scenario:
    """A named set of changes, applied in their order (the decomposition follows it)."""

    name: str
    changes: tuple[Change, ...]
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "changes": [c.as_dict() for c in self.changes],
        }


def parse_month(value: Any, where: str) -> dt.date:
    """``from``: a date (TOML or ISO text) or a month ``"YYYY-MM"``, as the month's first day.

    >>> parse_month("2025-10", "x"), parse_month("2025-10-15", "x")
    (datetime.date(2025, 10, 1), datetime.date(2025, 10, 1))
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value.strip())
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3] or 1)).replace(day=1)
            except ValueError:
                pass
    raise ScenarioError(where, f"'from' moet een datum of maand zijn (JJJJ-MM), niet {value!r}")


def _value(key: str, value: Any, where: str) -> Any:
    """One key's value, checked for its type."""
    if key in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScenarioError(where, f"'{key}' moet een getal zijn")
        if _NUMBERS[key] is int and value != int(value):
            raise ScenarioError(where, f"'{key}' moet een geheel aantal centen zijn")
        number = _NUMBERS[key](value)
        if number < 0 or (key == "factor" and number == 0):
            raise ScenarioError(where, f"'{key}' moet groter dan 0 zijn")
        return number
    if key == "municipalities":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ScenarioError(where, "'municipalities' moet een lijst van gemeentecodes zijn")
        return tuple(value)
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(where, f"'{key}' moet tekst zijn")
    if key == "model" and value not in MODELS:
        raise ScenarioError(where, f"onbekend bekostigingsmodel {value!r} (een van {', '.join(MODELS)})")
    return value.strip()


def change_from_dict(raw: Any, index: int = 0) -> Change:
    """One ``[[change]]`` entry as a :class:`Change` (:class:`ScenarioError` when invalid)."""
    where = f"wijziging {index + 1}"
    if not isinstance(raw, dict):
        raise ScenarioError(where, "een wijziging is een tabel met sleutels")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ScenarioError(where, f"onbekende soort {kind!r} (een van {', '.join(KINDS)})")
    required, optional = KINDS[kind]
    allowed = {"kind", "from", "label", *required, *optional}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ScenarioError(where, f"onbekende sleutel {unknown[0]!r} voor soort {kind!r}")
    missing = [k for k in ("from", *required) if k not in raw]
    if missing:
        raise ScenarioError(where, f"sleutel {missing[0]!r} ontbreekt")
    values = {k: _value(k, v, where) for k, v in raw.items() if k not in ("kind", "from")}
    if kind == "capacity" and values["from_provider"] == values["to_provider"]:
        raise ScenarioError(where, "'from_provider' en 'to_provider' moeten verschillen")
    return Change(kind=kind, start=parse_month(raw["from"], where), **values)


def scenario_from_dict(data: Any) -> Scenario:
    """A scenario from its parsed TOML or JSON: ``name``, ``description``, ``change``
    (TOML's ``[[change]]``) or ``changes`` (JSON)."""
    if not isinstance(data, dict):
        raise ScenarioError("scenario", "een scenario is een tabel")
    unknown = sorted(set(data) - {"name", "description", "change", "changes"})
    if unknown:
        raise ScenarioError("scenario", f"onbekende sleutel {unknown[0]!r}")
    name = data.get("name", "Scenario")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError("scenario", "'name' moet tekst zijn")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError("scenario", "'description' moet tekst zijn")
    raw = data.get("change", data.get("changes", []))
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("scenario", "een scenario heeft minstens één [[change]]")
    changes = tuple(change_from_dict(c, i) for i, c in enumerate(raw))
    return Scenario(name=name.strip(), changes=changes, description=description.strip())


def parse_scenario(text: str) -> Scenario:
    """A scenario from the text of its TOML file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError("scenario", f"geen geldige TOML: {exc}") from exc
    return scenario_from_dict(data)


def dumps_scenario(scenario: Scenario) -> str:
    """The TOML text of a scenario (:func:`parse_scenario` reads it back)."""
    lines = [f"name = {_toml(scenario.name)}"]
    if scenario.description:
        lines.append(f"description = {_toml(scenario.description)}")
    for change in scenario.changes:
        lines += ["", "[[change]]"]
        lines += [f"{k} = {_toml(v)}" for k, v in change.as_dict().items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)
