"""The catalog's data: a region's municipalities, segments, providers, contracts and budgets
as frozen dataclasses, the closed vocabularies of the ``catalog.toml`` format (domain.md
section 12) and the declaration-deadline rule.

Reading and checking a file is :mod:`regie.engine.catalog.parse`, writing one
:mod:`regie.engine.catalog.dump`; a new catalog key gets its field here (with its default),
its type and rule in ``parse`` and nothing in ``dump`` (which writes every field not at its
default).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from regie.engine.calendar import add_months, month_start
from regie.engine.relations import DEFAULT_EVERY_WEEKS

#: A participation module's code: the catalog's ``products`` of a ``participatie`` segment,
#: the trajectories CSV's ``module``.
MODULE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,19}$")

DOMAINS = ("jeugd", "wmo", "participatie")
FUNDING_MODELS = ("pxq", "outcome", "per_client", "lump_sum", "population")
EXECUTIONS = ("inspanningsgericht", "outputgericht", "taakgericht")
DEFAULT_EXECUTION = {
    "pxq": "inspanningsgericht",
    "outcome": "outputgericht",
    "per_client": "outputgericht",
    "lump_sum": "taakgericht",
    "population": "taakgericht",
}
DEADLINE_RULES = ("second-month-15", "none")
INSTALMENT_RULES = ("monthly", "at_once")


class CatalogError(ValueError):
    """A catalog broke a rule; ``str()`` names the file, the entry and the rule."""

    def __init__(self, file: str, entry: str, rule: str) -> None:
        self.file = file
        self.entry = entry
        self.rule = rule
        super().__init__(f"{file}: {entry}: {rule}")


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    areas: tuple[str, ...] = ()
    #: area -> characteristic -> count, for population-based funding (optional)
    population: dict[str, dict[str, float]] = field(default_factory=dict)
    #: the four digits of a postcode -> area, to place a client by the address in a 301 (optional)
    postcodes: dict[str, str] = field(default_factory=dict)

    def area_of(self, postcode: str | None) -> str | None:
        """The area of a postcode (its first four digits), or None."""
        return self.postcodes.get((postcode or "")[:4])


#: The waiting-time norm in days (domain.md section 5: default 42 days), a segment's own
#: norm for normal registrations unless its ``waiting_norm_days`` says otherwise.
WAITING_NORM_DAYS = 42


@dataclass(frozen=True)
class Segment:
    code: str
    name: str
    domain: str
    funding_model: str
    weight: int
    max_providers: int
    products: tuple[str, ...]
    execution: str = ""
    #: characteristic -> weight, for population-based funding (optional)
    population_weights: dict[str, float] = field(default_factory=dict)
    #: the AGB codes of the segment's core partners (the shared waiting list, domain.md
    #: section 8); empty: the providers with ``core_partner = true`` and a contract in it
    core_partners: tuple[str, ...] = ()
    #: the waiting norm of a normal registration, from registration to start (days)
    waiting_norm_days: int = WAITING_NORM_DAYS
    #: days in care after which a client's stay is reviewed (the long-stay work list)
    review_after_days: int = 365
    #: the most of the segment's care subcontractors may deliver (share 0..1; None: no limit)
    max_subcontracted_share: float | None = None

    @property
    def effective_execution(self) -> str:
        return self.execution or DEFAULT_EXECUTION[self.funding_model]

    def covers(self, category: str, code: str | None) -> bool:
        """True when a product (category, optional code) belongs to this segment."""
        return any(p == category or (code is not None and p == code) for p in self.products)


@dataclass(frozen=True)
class Provider:
    agb: str
    name: str
    members: tuple[str, ...] = ()
    core_partner: bool = False
    #: weeks between two dialogues with the provider (domain.md section 10)
    dialogue_every_weeks: int = DEFAULT_EVERY_WEEKS


@dataclass(frozen=True)
class Contract:
    id: str
    provider: str
    segment: str
    municipalities: tuple[str, ...]
    start: dt.date
    end: dt.date
    agreed_clients: int = 0
    price_per_client: int = 0
    band: float = 0.0
    tariffs: dict[str, int] = field(default_factory=dict)
    ceiling: int = 0
    lump_sum: int = 0
    expected_clients: int = 0
    savings_target: float = 0.0
    instalments: str = "monthly"
    areas: tuple[str, ...] = ()
    declaration_deadline: str = "second-month-15"
    #: extension options: the end dates the contract may be extended to, ascending (those up
    #: to ``end`` are taken; the next option is the first after it)
    extensions: tuple[dt.date, ...] = ()
    #: performance targets: indicator key -> minimum, ``max_`` + key -> maximum (section 10)
    targets: dict[str, float] = field(default_factory=dict)

    def active_in(self, year: int) -> bool:
        return self.start <= dt.date(year, 12, 31) and self.end >= dt.date(year, 1, 1)

    def deadline_for(self, care_month: dt.date) -> dt.date | None:
        """Last arrival date on which a declaration for ``care_month`` is paid, or None.

        The default rule ``second-month-15`` is "the 15th of the second month after the care
        month" (domain.md section 4): care in January 2025 must arrive by 15 March 2025.

        >>> c = Contract("c", "12345678", "S", ("0983",), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        >>> c.deadline_for(dt.date(2025, 1, 1))
        datetime.date(2025, 3, 15)
        >>> c.deadline_for(dt.date(2025, 12, 1))
        datetime.date(2026, 2, 15)
        """
        return declaration_deadline(care_month, self.declaration_deadline)


#: The default answer term of a region (days): 8 weeks.
ANSWER_TERM_DAYS = 56


@dataclass(frozen=True)
class Budget:
    municipality: str
    segment: str
    year: int
    amount: int
    reserve: int = 0


@dataclass(frozen=True)
class InnovationFund:
    """The region's innovation fund of one year (opportunity dossiers, domain.md section 9)."""

    year: int
    amount: int


@dataclass(frozen=True)
class Catalog:
    region: str
    municipalities: tuple[Municipality, ...]
    segments: tuple[Segment, ...]
    providers: tuple[Provider, ...]
    contracts: tuple[Contract, ...]
    budgets: tuple[Budget, ...]
    #: Days within which a request (315/317) must be decided (a 301 or a refusing 319) before
    #: the signal ``request_unanswered`` (catalog ``[region] answer_term_days``; default 8
    #: weeks, the legal term for a decision on an application).
    answer_term_days: int = ANSWER_TERM_DAYS
    #: the innovation fund per year (catalog ``[[innovation_fund]] year, amount``; issue 15)
    innovation_funds: tuple[InnovationFund, ...] = ()

    def segment(self, code: str) -> Segment:
        return next(s for s in self.segments if s.code == code)

    def segment_for_product(self, domain: str, category: str, code: str | None) -> Segment | None:
        """The segment of ``domain`` a product belongs to; an exact code wins over a category."""
        candidates = [s for s in self.segments if s.domain == domain]
        for s in candidates:
            if code is not None and code in s.products:
                return s
        for s in candidates:
            if category in s.products:
                return s
        return None


def declaration_deadline(care_month: dt.date, rule: str = "second-month-15") -> dt.date | None:
    """The deadline of :meth:`Contract.deadline_for` for a rule name; None for ``"none"``."""
    if rule == "none":
        return None
    return add_months(month_start(care_month), 2).replace(day=15)
