"""What people read about the engine's figures: one registry of indicators, one of drivers.

Every place that shows an indicator (the ``regie indicators`` table, the pages, the provider
scorecards, the reports, the GMSD export) takes its heading, unit and order from
:data:`INDICATORS`; every place that names a driver of a forecast's difference from budget
takes it from :data:`FORECAST_DRIVERS`. Nothing else spells them out, so a new indicator is
one entry here (and the function that computes it, :mod:`regie.engine.indicators`), and a
label is changed once.

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

from dataclasses import dataclass
from typing import Literal

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


#: The indicators, in the order of ``regie indicators`` (domain.md section 12), extras last.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "clients",
        Text("Cliënten", "Clients"),
        Text("Cliënten", "Clients"),
        "count",
        Text(
            "verschillende cliënten met een traject dat de periode overlapt",
            "distinct clients with an episode overlapping the period",
        ),
        gmsd="cliënten",
    ),
    Indicator(
        "inflow",
        Text("Instroom", "Inflow"),
        Text("Instroom", "Inflow"),
        "count",
        Text("trajecten die in de periode beginnen", "episodes starting in the period"),
        gmsd="gestarte trajecten",
    ),
    Indicator(
        "outflow",
        Text("Uitstroom", "Outflow"),
        Text("Uitstroom", "Outflow"),
        "count",
        Text("trajecten die in de periode eindigen", "episodes ending in the period"),
        gmsd="beëindigde trajecten",
    ),
    Indicator(
        "median_duration_days",
        Text("Doorlooptijd (mediaan, dagen)", "Duration (median, days)"),
        Text("Doorlooptijd (med., d)", "Duration (med., d)"),
        "days",
        Text(
            "Kaplan-Meier-mediaan van einde min start, lopende trajecten gecensureerd op de peildatum",
            "Kaplan-Meier median of end - start, open episodes censored at the as-of date",
        ),
        better="lower",
        gmsd="doorlooptijd mediaan (dagen)",
    ),
    Indicator(
        "step_down",
        Text("Afschaling", "Step-down"),
        Text("Afschaling", "Step-down"),
        "count",
        Text(
            "geëindigd traject gevolgd binnen 30 dagen door een start van dezelfde cliënt in een lichter "
            "perceel van hetzelfde domein",
            "an ended episode followed within 30 days by a start of the same client in a lighter segment of the "
            "same domain",
        ),
        better="higher",
    ),
    Indicator(
        "sustainable_outflow_rate",
        Text("Duurzame uitstroom", "Sustainable outflow"),
        Text("Duurzame uitstroom", "Sustainable outflow"),
        "share",
        Text(
            "aandeel geëindigde trajecten zonder nieuw traject in hetzelfde domein binnen 182 dagen (alleen met "
            "volledige nazorgperiode)",
            "share of ended episodes with no new episode in the same domain within 182 days (full follow-up only)",
        ),
        better="higher",
        integer=False,
        gmsd="duurzame uitstroom (aandeel)",
    ),
    Indicator(
        "waiting_median_days",
        Text("Wachttijd (mediaan, dagen)", "Waiting time (median, days)"),
        Text("Wachttijd (med., d)", "Waiting (med., d)"),
        "days",
        Text(
            "mediaan van de wachttijd van aanmelding tot start, voor de trajecten die in de periode beginnen",
            "median waiting time from request to start, of the episodes starting in the period",
        ),
        better="lower",
        integer=False,
        gmsd="wachttijd mediaan (dagen)",
    ),
    Indicator(
        "waiting_within_norm_share",
        Text("Binnen wachttijdnorm", "Within the waiting norm"),
        Text("Binnen norm", "Within norm"),
        "share",
        Text(
            "aandeel van de wachttijden binnen de norm (42 dagen)",
            "share of the waiting times within the norm (42 days)",
        ),
        better="higher",
        integer=False,
        gmsd="binnen wachttijdnorm (aandeel)",
    ),
    Indicator(
        "cost_per_client_cents",
        Text("Kosten per cliënt", "Cost per client"),
        Text("Kosten per cliënt", "Cost per client"),
        "cents",
        Text(
            "wat de bekostigingsregels verschuldigd maken, gedeeld door de cliënten",
            "what the funding rules make due, divided by the clients",
        ),
        gmsd="kosten per cliënt (euro)",
    ),
    Indicator(
        "agreed_clients",
        Text("Afgesproken cliënten", "Agreed clients"),
        Text("Afgesproken", "Agreed"),
        "count",
        Text(
            "het afgesproken aantal cliënten van het contract, naast de gerealiseerde cliënten",
            "the contract's agreed clients, beside the realised clients",
        ),
        scored=False,
    ),
    Indicator(
        "objections",
        Text("Bezwaren", "Objections"),
        Text("Bezwaren", "Objections"),
        "count",
        Text("bezwaren en beroepen ingediend in de periode", "objections and appeals filed in the period"),
        better="lower",
        gmsd="bezwaren en beroepen",
    ),
    Indicator(
        "objections_upheld_share",
        Text("Bezwaren gegrond", "Objections upheld"),
        Text("Gegrond", "Upheld"),
        "share",
        Text(
            "aandeel gegrond van de bezwaren en beroepen die per peildatum beslist zijn",
            "share upheld of the objections and appeals decided by the as-of date",
        ),
        better="lower",
        integer=False,
        contract=False,
    ),
    Indicator(
        "work_or_education_share",
        Text("Uitstroom naar werk of opleiding", "Outflow to work or education"),
        Text("Werk/opleiding", "Work/education"),
        "share",
        Text(
            "aandeel van de in de periode geëindigde participatietrajecten dat eindigt in werk of opleiding",
            "share of the participation trajectories ended in the period that end in work or education",
        ),
        better="higher",
        integer=False,
        contract=False,
    ),
)

#: The indicators by key.
INDICATOR: dict[str, Indicator] = {i.key: i for i in INDICATORS}

#: Indicators that are a breakdown (a share per kind), not one number per group: each is
#: computed by its own function and shown as a table of its own, not as a column of
#: ``regie indicators``. ``referrers``: :func:`regie.engine.access.referrers` (domain.md section 8);
#: ``pgb_share``: per segment, :func:`regie.engine.pgb.pgb_share`; ``subcontracted_share``: per
#: segment, :func:`regie.engine.subcontracting.subcontracted_share` (both domain.md section 10a).
BREAKDOWNS: tuple[Indicator, ...] = (
    Indicator(
        "referrers",
        Text("Verwijzers", "Referrers"),
        Text("Verwijzers", "Referrers"),
        "share",
        Text(
            "aandeel van de nieuwe zorg per soort verwijzer (COD327), en het aandeel verwezen naar aanbieders "
            "zonder contract in het segment",
            "share of new care per kind of referrer (COD327), and the share referred to providers without a "
            "contract in the segment",
        ),
        integer=False,
        contract=False,
        scored=False,
    ),
    Indicator(
        "pgb_share",
        Text("Pgb-aandeel", "PGB share"),
        Text("Pgb", "PGB"),
        "share",
        Text(
            "cliënten met een pgb gedeeld door alle cliënten van het perceel (in natura of met een pgb, elk één "
            "keer) in de periode",
            "clients with a PGB divided by all clients of the segment (in kind or with a PGB, each once) in the period",
        ),
        integer=False,
        contract=False,
        scored=False,
    ),
    Indicator(
        "subcontracted_share",
        Text("Aandeel onderaanneming", "Subcontracted share"),
        Text("Onderaanneming", "Subcontracted"),
        "share",
        Text(
            "trajecten van onderaannemers (aanbieders die zorg leveren in een perceel met kernpartners zonder er "
            "een te zijn) gedeeld door alle trajecten van het perceel in de periode",
            "episodes of subcontractors (providers delivering care in a segment with core partners without being "
            "one) divided by all episodes of the segment in the period",
        ),
        better="lower",
        integer=False,
        contract=False,
        scored=False,
    ),
)
BREAKDOWN: dict[str, Indicator] = {i.key: i for i in BREAKDOWNS}


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


#: The drivers in the order of the forecast's substitution (:mod:`regie.engine.forecast.warning`).
FORECAST_DRIVERS: tuple[Driver, ...] = (
    Driver("plan", Text("begroting tegenover vorig jaar", "budget against last year's rates"), cause=False),
    Driver("inflow", Text("instroom", "inflow")),
    Driver("outflow", Text("uitstroom", "outflow")),
    Driver("duration", Text("doorlooptijd", "duration")),
    Driver("cost_per_client", Text("kosten per cliënt", "cost per client"), aliases=("price",)),
    Driver("late_declarations", Text("late declaraties", "late declarations"), aliases=("late", "ibnr")),
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
