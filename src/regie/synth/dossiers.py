"""The innovation fund of a synthetic region and the demo's opportunity and risk dossiers
(issue 15), so the demo shows them: per year a fund (Venlo: 100,000 euro, as in 2019), in the
current year two awarded dossiers, one rejected on its scores, one refused as regular service
and one awaiting its assessment; per provider its own number of risks (none to seven), of
varying likelihood, impact and status, some high, some past their review.

Pure functions of the providers, contracts and day (no randomness): the same region on the
same day gives the same dossiers. The shell stores them through its services
(:mod:`regie.dossiers.history`), so every rule applies as it does for people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from regie.engine.catalog import InnovationFund

#: The fund a year per profile (cents); Venlo had about 100,000 euro in 2019 (seed 002).
FUND_CENTS = {"venlo": 10_000_000, "amsterdam": 40_000_000}
DEFAULT_FUND_CENTS = 10_000_000


def funds(profile: str, years: Sequence[int]) -> tuple[InnovationFund, ...]:
    """One fund for each of ``years``."""
    amount = FUND_CENTS.get(profile, DEFAULT_FUND_CENTS)
    return tuple(InnovationFund(y, amount) for y in sorted(set(years)))


@dataclass(frozen=True)
class PlannedDossier:
    title: str
    providers: tuple[str, ...]
    requested_share: float  # of the year's fund
    goals: str
    client_group: str
    approach: str
    indicators: tuple[str, ...]
    #: None: awaiting its assessment; else (cooperation, innovation, acceleration, regular
    #: service, decision, share of the request awarded, reason)
    decision: tuple[int, int, int, bool, str, float, str] | None


#: title, goals, client group, approach, requested share of the fund, indicators, decision
_DOSSIERS: tuple[
    tuple[str, str, str, str, float, tuple[str, ...], tuple[int, int, int, bool, str, float, str] | None], ...
] = (
    (
        "Samen naar het voorliggend veld",
        "Cliënten met lichte ondersteuningsvragen warm overdragen aan wijkteam en vrijwilligers.",
        "Volwassenen met individuele begeleiding die bijna klaar zijn",
        "Een gezamenlijk koppelteam met het wijkteam; overdracht in drie gesprekken.",
        0.4,
        ("sustainable_outflow_rate", "step_down", "outflow"),
        (5, 4, 4, False, "awarded", 1.0, "Sterke samenwerking en een aanpak die de afschaling versnelt."),
    ),
    (
        "Gezinscoach in de wijk",
        "Eerder hulp in het gezin, zodat zwaardere zorg niet nodig is.",
        "Gezinnen met jeugdhulp in meer dan één segment",
        "Eén gezinscoach van twee aanbieders samen, in het wijkteam.",
        0.3,
        ("inflow", "median_duration_days"),
        (4, 4, 3, False, "awarded", 0.8, "Vernieuwend; toegekend voor het eerste jaar, 80 % van het gevraagde."),
    ),
    (
        "Gezamenlijke inkoop van kantoorruimte",
        "Kosten besparen op huisvesting.",
        "Geen cliënten: bedrijfsvoering",
        "Samen een pand huren.",
        0.2,
        (),
        (2, 1, 1, False, "rejected", 0.0, "Geen innovatie in de zorg en geen versnelling van de transformatie."),
    ),
    (
        "Beeldbellen voor de dagstructuur",
        "Routinematige e-health in de begeleiding.",
        "Cliënten met dagbesteding",
        "Een app voor beeldbellen bij alle cliënten.",
        0.25,
        ("clients",),
        (4, 2, 2, True, "rejected", 0.0, "Reguliere dienstverlening (routinematige e-health): niet uit het fonds."),
    ),
    (
        "Ervaringsdeskundigen in het herstel",
        "Herstel na beschermd wonen ondersteunen met ervaringsdeskundigen.",
        "Cliënten die uitstromen uit beschermd wonen",
        "Ervaringsdeskundigen van twee aanbieders begeleiden het eerste half jaar thuis.",
        0.2,
        ("sustainable_outflow_rate",),
        None,
    ),
)


def dossiers(agbs: Sequence[str], lead: str | None = None) -> list[PlannedDossier]:
    """The demo's dossiers for the providers ``agbs`` (at least two), each a pair of them in
    turn; ``lead`` (the demo provider) takes part in the first, the second and the last."""
    order = sorted(set(agbs))
    if len(order) < 2:
        return []
    if lead in order:
        order.remove(lead)
        order.insert(0, lead)
    out = []
    for i, (title, goals, group, approach, share, indicators, decision) in enumerate(_DOSSIERS):
        first = order[0] if i in (0, 1, len(_DOSSIERS) - 1) else order[(i + 1) % len(order)]
        second = order[(i + 2) % len(order)] if order[(i + 2) % len(order)] != first else order[1]
        out.append(PlannedDossier(title, (first, second), share, goals, group, approach, indicators, decision))
    return out


@dataclass(frozen=True)
class PlannedRisk:
    provider: str
    contract: str
    risk: str
    owner: str
    likelihood: int
    impact: int
    measures: str
    status: str
    review_on: dt.date


#: risk, owner, likelihood, impact, measures: a provider's risk starts from these and is
#: moved up or down the scales (:func:`risks`).
_RISKS = (
    (
        "Personeelstekort: vacatures voor begeleiders blijven open",
        "provider",
        4,
        4,
        "Flexpool met collega-aanbieders; opleidingsplaatsen.",
    ),
    (
        "Instroom boven de afspraak door wachtlijst elders",
        "municipality",
        3,
        4,
        "Maandelijks de instroom bespreken; verzoek instroom boven afspraak.",
    ),
    (
        "Te late declaraties door overgang op een nieuw systeem",
        "provider",
        3,
        2,
        "Declaraties wekelijks controleren tot de overgang klaar is.",
    ),
    (
        "Cliënten zonder passend vervolg na beschermd wonen",
        "municipality",
        2,
        5,
        "Afspraken met woningcorporaties over uitstroomwoningen.",
    ),
    ("Stijgende huur van locaties", "provider", 2, 2, "Meerjarige huurcontracten."),
    (
        "Hoog ziekteverzuim in de teams",
        "provider",
        3,
        3,
        "Verzuimbegeleiding; kleinere caseload voor wie terugkomt.",
    ),
    (
        "Wachttijd voor de intake boven de norm",
        "municipality",
        4,
        3,
        "Wekelijkse wachtlijstbespreking met de toegang.",
    ),
    (
        "Afhankelijkheid van één zorgcoördinator per wijk",
        "provider",
        2,
        3,
        "Een tweede coördinator inwerken; dossiers overdraagbaar maken.",
    ),
    (
        "Stapeling van zorg bij gezinnen in meer segmenten",
        "municipality",
        3,
        5,
        "Eén plan per gezin met één regisseur.",
    ),
    (
        "Datalek door verouderde software",
        "provider",
        2,
        4,
        "Software vervangen; audit informatiebeveiliging.",
    ),
    ("Indexatie van tarieven lager dan de loonstijging", "municipality", 4, 2, "Tarieven jaarlijks herzien."),
)
#: Risks per provider, the providers in AGB order in turn: some none, some many.
_COUNTS = (4, 1, 6, 2, 0, 3, 5, 2, 7, 1, 3)
#: The status of a provider's k-th risk, in turn from the provider's own starting point.
_STATUSES = ("open", "open", "mitigated", "open", "closed", "open", "mitigated", "open", "closed")


def _scale(value: int) -> int:
    return min(5, max(1, value))


def risks(contracts: Sequence[tuple[str, str]], today: dt.date) -> list[PlannedRisk]:
    """The risks of each provider (``contracts``: (contract id, AGB) pairs; the contracts
    taken in turn): per provider a different number (:data:`_COUNTS`, some none, one up to
    seven), each risk from :data:`_RISKS` with its likelihood and impact moved up to two steps
    and one step, the status from :data:`_STATUSES` (about one in five closed, one in five
    mitigated) and a review date from 40 days ago to 110 days ahead (some past it)."""
    own: dict[str, list[str]] = {}
    for ident, agb in sorted(set(contracts)):
        own.setdefault(agb, []).append(ident)
    out = []
    for p, (agb, idents) in enumerate(sorted(own.items())):
        for k in range(_COUNTS[p % len(_COUNTS)]):
            risk, owner, likelihood, impact, measures = _RISKS[(3 * p + 2 * k) % len(_RISKS)]
            likelihood = _scale(likelihood + (7 * p + 3 * k) % 5 - 2)
            impact = _scale(impact + (5 * p + 4 * k) % 3 - 1)
            status = _STATUSES[(2 * p + k) % len(_STATUSES)]
            review = today + dt.timedelta(days=(11 * p + 17 * k) % 150 - 40)
            out.append(
                PlannedRisk(agb, idents[k % len(idents)], risk, owner, likelihood, impact, measures, status, review)
            )
    return out
