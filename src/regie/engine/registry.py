"""What people read about the engine's figures: one registry of indicators, one of drivers.

Every place that shows an indicator (the ``regie indicators`` table, the pages, the provider
scorecards, the reports, the GMSD export) takes its heading, unit and order from
:data:`INDICATORS`; every place that names a driver of a forecast's difference from budget
takes it from :data:`FORECAST_DRIVERS`. Nothing else spells them out, so a new indicator is
one entry in the registry's data file, ``registry.toml`` beside this module (and the function
that computes it, :mod:`regie.engine.indicators`), and a label is changed once. The entries
are data (texts, units, flags): the file holds them, this module reads and checks it once on
import and gives them their types.

The core does not know Django, so the texts are held in both languages of the user interface
as plain :class:`Text` pairs (Dutch, the default, and English); the shell picks one with the
active language (``text.get(get_language())``). See docs/adr/0006-indicator-registry.md.

>>> INDICATOR["waiting_median_days"].label.get("en"), INDICATOR["waiting_median_days"].unit
('Waiting time (median, days)', 'days')
>>> [i.key for i in INDICATORS if not i.contract]
['objections_upheld_share', 'work_or_education_share']
>>> driver_label("late"), driver_label("inflow", "en"), driver_label("weather")
('late declaraties', 'inflow', None)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from importlib.resources import files
from typing import Any, Literal, get_args

#: How an indicator's value is counted: a number of clients, episodes or objections; days; a
#: share between 0 and 1; euro cents.
Unit = Literal["count", "days", "share", "cents"]
#: Which way is better, where the domain says so (None: neither, it depends on the case).
Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class Text:
    """A text people read, in Dutch (the default) and English.

    >>> Text("Instroom", "Inflow").get(), Text("Instroom", "Inflow").get("en-gb")
    ('Instroom', 'Inflow')
    """

    nl: str
    en: str

    def get(self, language: str | None = None) -> str:
        """The text in ``language`` (a language code such as ``"en"``; Dutch for any other)."""
        return self.en if language and language.lower().startswith("en") else self.nl


@dataclass(frozen=True)
class Indicator:
    """One indicator of domain.md section 5 as the shell shows it.

    ``key`` is the column of :func:`regie.engine.indicators.indicators` and the JSON key of
    ``regie indicators``; ``label`` its heading on pages, scorecards and reports, ``short`` the
    heading where room is short (the command line's table); ``definition`` the rule in one
    sentence (the exact rule is in the docstring of the function that computes it and in
    docs/indicators.md). ``integer``: the values are whole numbers, an integer column (otherwise fractions, e.g. a median of an
    even number of days). ``contract``: one of the keys domain.md section 12 promises (the rest
    are extras after them). ``scored``: on a provider's scorecard beside its peers (agreed
    clients are shown as agreed vs realised instead). ``gmsd``: the column heading in the
    Gemeentelijke Monitor Sociaal Domein export (the monitor's own terms), None when the
    export leaves it out.
    """

    key: str
    label: Text
    short: Text
    unit: Unit
    definition: Text
    better: Direction | None = None
    integer: bool = True
    contract: bool = True
    scored: bool = True
    gmsd: str | None = None

    @property
    def kind(self) -> Literal["money", "share", "int"]:
        """How a value is written (:mod:`regie.formatting`): euro cents as ``"money"``, a share
        as a percentage (``"share"``), counts and durations as whole numbers (``"int"``; a
        median of days can be a half, it is shown as whole days)."""
        if self.unit == "cents":
            return "money"
        if self.unit == "share":
            return "share"
        return "int"


@dataclass(frozen=True)
class Driver:
    """One driver of a forecast's difference from budget (domain.md section 6), as people read it.

    ``key`` is the name in the forecast's ``drivers`` (:mod:`regie.engine.forecast.warning`);
    ``aliases`` are other names the same driver is reported under; ``cause``: whether it names a
    cause in the care itself (``plan``, the budget against last year, does not).
    """

    key: str
    label: Text
    cause: bool = True
    aliases: tuple[str, ...] = ()


def _text(raw: Any) -> Text:
    return Text(str(raw["nl"]), str(raw["en"]))


def _checked(kind: type, raw: dict[str, Any]) -> str:
    """How errors name the entry ``raw`` of ``kind`` (:class:`Indicator` or :class:`Driver`),
    after checking that it names only the fields of ``kind``."""
    entry = f"{kind.__name__} {raw.get('key')!r}"
    unknown = sorted(set(raw) - {f.name for f in fields(kind)})
    if unknown:
        raise ValueError(f"{_DATA}: {entry}: unknown key {unknown[0]!r}")
    return entry


def _choice(entry: str, name: str, value: Any, allowed: tuple[str | None, ...]) -> Any:
    if value not in allowed:
        raise ValueError(f"{_DATA}: {entry}: {name} must be one of {allowed}, not {value!r}")
    return value


def _indicator(raw: dict[str, Any]) -> Indicator:
    entry = _checked(Indicator, raw)
    return Indicator(
        key=raw["key"],
        label=_text(raw["label"]),
        short=_text(raw.get("short", raw["label"])),
        unit=_choice(entry, "unit", raw["unit"], get_args(Unit)),
        definition=_text(raw["definition"]),
        better=_choice(entry, "better", raw.get("better"), (*get_args(Direction), None)),
        integer=raw.get("integer", True),
        contract=raw.get("contract", True),
        scored=raw.get("scored", True),
        gmsd=raw.get("gmsd"),
    )


def _driver(raw: dict[str, Any]) -> Driver:
    _checked(Driver, raw)
    return Driver(raw["key"], _text(raw["label"]), raw.get("cause", True), tuple(raw.get("aliases", ())))


_DATA = "regie/engine/registry.toml"
_RAW = tomllib.loads(files("regie.engine").joinpath("registry.toml").read_text(encoding="utf-8"))

#: The indicators, in the order of ``regie indicators`` (domain.md section 12), extras last.
INDICATORS: tuple[Indicator, ...] = tuple(_indicator(raw) for raw in _RAW["indicator"])

#: The indicators by key.
INDICATOR: dict[str, Indicator] = {i.key: i for i in INDICATORS}

#: Indicators that are a breakdown (a share per kind), not one number per group: each is
#: computed by its own function and shown as a table of its own, not as a column of
#: ``regie indicators``. ``referrers``: :func:`regie.engine.access.referrers` (domain.md section 8);
#: ``pgb_share``: per segment, :func:`regie.engine.pgb.pgb_share`; ``subcontracted_share``: per
#: segment, :func:`regie.engine.subcontracting.subcontracted_share` (both domain.md section 10a).
BREAKDOWNS: tuple[Indicator, ...] = tuple(_indicator(raw) for raw in _RAW["breakdown"])
BREAKDOWN: dict[str, Indicator] = {i.key: i for i in BREAKDOWNS}

#: The drivers in the order of the forecast's substitution (:mod:`regie.engine.forecast.warning`).
FORECAST_DRIVERS: tuple[Driver, ...] = tuple(_driver(raw) for raw in _RAW["driver"])


def keys(*, contract: bool | None = None, scored: bool | None = None, gmsd: bool | None = None) -> tuple[str, ...]:
    """The indicator keys in order, optionally only those (not) in the contract, (not) on a
    scorecard, or (not) in the GMSD export.

    >>> keys(scored=False), len(keys()), keys(gmsd=True)[:3]
    (('agreed_clients',), 13, ('clients', 'inflow', 'outflow'))
    """
    return tuple(
        i.key
        for i in INDICATORS
        if (contract is None or i.contract == contract)
        and (scored is None or i.scored == scored)
        and (gmsd is None or (i.gmsd is not None) == gmsd)
    )


_DRIVER_NAMES: dict[str, Driver] = {name: d for d in FORECAST_DRIVERS for name in (d.key, *d.aliases)}


def driver(key: str) -> Driver | None:
    """The driver named ``key`` (its key, an alias, or either with ``_cents`` after it), or None.

    >>> driver("ibnr").key, driver("inflow_cents").key, driver("weather")
    ('late_declarations', 'inflow', None)
    """
    return _DRIVER_NAMES.get(key, _DRIVER_NAMES.get(key.removesuffix("_cents")))


def driver_label(key: str, language: str | None = None) -> str | None:
    """A known driver's label in ``language`` (Dutch by default), or None for an unknown one."""
    found = driver(key)
    return found.label.get(language) if found else None
