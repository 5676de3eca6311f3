"""The request messages: 301 allocation, 305/307 care start and stop, 315/317 requests,
319 answer to a request, 323 declaration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Generic, TypeVar

from regie.messages.model.parts import (
    Amount,
    BirthDate,
    Communication,
    Contact,
    Extent,
    FullName,
    Header,
    Period,
    Product,
    Relation,
    ShortName,
)

C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class _ClientMessage(Generic[C]):
    """A request message whose body is its Client (301, 305, 307, 315, 317): header and client."""

    header: Header
    client: C


@dataclass(frozen=True, slots=True)
class _Person:
    """The Bsn, Geboortedatum, Geslacht and (short) Naam a client of a 305, 307 and 315 starts with."""

    bsn: str  # Bsn
    birth_date: BirthDate  # Geboortedatum
    gender: str  # Geslacht
    name: ShortName  # Naam


# --- 301 allocation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllocatedProduct:
    """ToegewezenProduct: a product the municipality allocates to the provider."""

    allocation_number: str  # ToewijzingNummer
    allocation_date: dt.date  # Toewijzingsdatum
    allocation_time: dt.time  # Toewijzingstijd
    start: dt.date  # Ingangsdatum
    product: Product | None = None  # Product
    end: dt.date | None = None  # Einddatum
    provider_reference: str | None = None  # ReferentieAanbieder
    change_reason: str | None = None  # RedenWijziging (JZ002 / WMO002)
    extent: Extent | None = None  # Omvang
    budget: int | None = None  # Budget (cents)
    comment: str | None = None  # Commentaar


@dataclass(frozen=True, slots=True)
class AllocationClient:
    """Client of a 301."""

    bsn: str  # Bsn
    birth_date: BirthDate  # Geboortedatum
    gender: str  # Geslacht (COD046)
    name: FullName  # Naam
    contacts: tuple[Contact, ...]  # Contactgegevens/Contact (one or more)
    products: tuple[AllocatedProduct, ...]  # ToegewezenProducten/ToegewezenProduct (one or more)
    communication: Communication | None = None  # Communicatie
    legal_status: str | None = None  # JuridischeStatus (WJ232)
    legal_representation: str | None = None  # WettelijkeVertegenwoordiging (WJ003)
    comment: str | None = None  # Commentaar
    relations: tuple[Relation, ...] = ()  # Relaties/Relatie


@dataclass(frozen=True, slots=True)
class Allocation(_ClientMessage[AllocationClient]):
    """301: allocation (toewijzing), municipality -> provider."""


# --- 305 / 307 care start and stop ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartProduct:
    """StartProduct: the start of care for one (allocated) product."""

    start: dt.date  # Begindatum
    status: str = "1"  # StatusAanlevering (COD467)
    allocation_number: str | None = None  # ToewijzingNummer (empty when task-based)
    product: Product | None = None  # Product
    allocation_start: dt.date | None = None  # ToewijzingIngangsdatum


@dataclass(frozen=True, slots=True)
class StopProduct:
    """StopProduct: the end of care for one (allocated) product."""

    start: dt.date  # Begindatum
    end_reason: str  # RedenBeeindiging (JZ588 / WMO588)
    end: dt.date  # Einddatum
    status: str = "1"  # StatusAanlevering (COD467)
    allocation_number: str | None = None  # ToewijzingNummer
    product: Product | None = None  # Product
    allocation_start: dt.date | None = None  # ToewijzingIngangsdatum


@dataclass(frozen=True, slots=True)
class StartClient(_Person):
    """Client of a 305."""

    products: tuple[StartProduct, ...]  # StartProducten/StartProduct


@dataclass(frozen=True, slots=True)
class StopClient(_Person):
    """Client of a 307."""

    products: tuple[StopProduct, ...]  # StopProducten/StopProduct


@dataclass(frozen=True, slots=True)
class CareStart(_ClientMessage[StartClient]):
    """305: start of care (start zorg), provider -> municipality."""


@dataclass(frozen=True, slots=True)
class CareStop(_ClientMessage[StopClient]):
    """307: stop of care (stop zorg), provider -> municipality."""


# --- 315 request for allocation ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Referrer:
    """CDT_Verwijzer: who referred the client."""

    type: str  # Type (COD327)
    name: str | None = None  # Naam
    care_provider_code: str | None = None  # ZorgverlenerCode (AGB)


@dataclass(frozen=True, slots=True)
class RequestedProduct:
    """AangevraagdProduct: a product the provider asks to be allocated."""

    provider_reference: str  # ReferentieAanbieder
    allocation_start: dt.date  # ToewijzingIngangsdatum
    referrer: Referrer  # Verwijzer
    decision_number: str | None = None  # BeschikkingNummer
    product: Product | None = None  # Product
    decision_start: dt.date | None = None  # BeschikkingIngangsdatum
    allocation_end: dt.date | None = None  # ToewijzingEinddatum
    extent: Extent | None = None  # Omvang
    budget: int | None = None  # Budget (cents)
    framework_contract: str | None = None  # Raamcontract (COD260)
    comment: str | None = None  # Commentaar


@dataclass(frozen=True, slots=True)
class RequestClient(_Person):
    """Client of a 315."""

    products: tuple[RequestedProduct, ...]  # AangevraagdeProducten/AangevraagdProduct
    guardian_known: str | None = None  # GezagsdragerBekend (COD260, iJw only)
    comment: str | None = None  # Commentaar


@dataclass(frozen=True, slots=True)
class AllocationRequest(_ClientMessage[RequestClient]):
    """315: request for allocation (verzoek om toewijzing), provider -> municipality."""


# --- 317 request for change -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangedProduct:
    """TeWijzigenProduct: an allocated product the provider asks to change."""

    allocation_number: str  # ToewijzingNummer
    desired_start: dt.date  # GewensteIngangsdatum
    end: dt.date | None = None  # Einddatum
    extent: Extent | None = None  # Omvang
    budget: int | None = None  # Budget (cents)


@dataclass(frozen=True, slots=True)
class NewProduct:
    """NieuwProduct: a product the provider asks to add."""

    desired_start: dt.date  # GewensteIngangsdatum
    product: Product | None = None  # Product
    end: dt.date | None = None  # Einddatum
    extent: Extent | None = None  # Omvang
    budget: int | None = None  # Budget (cents)


@dataclass(frozen=True, slots=True)
class ChangeRequestClient:
    """Client of a 317 with its Verzoek."""

    bsn: str  # Bsn
    provider_reference: str  # Verzoek/ReferentieAanbieder
    reason: str  # Verzoek/RedenVerzoek (WJ758)
    unchanged: tuple[str, ...] = ()  # Verzoek/OngewijzigdeProducten/OngewijzigdProduct/ToewijzingNummer
    changed: tuple[ChangedProduct, ...] = ()  # Verzoek/TeWijzigenProducten/TeWijzigenProduct
    new: tuple[NewProduct, ...] = ()  # Verzoek/NieuweProducten/NieuwProduct


@dataclass(frozen=True, slots=True)
class ChangeRequest(_ClientMessage[ChangeRequestClient]):
    """317: request for change (verzoek om wijziging), provider -> municipality."""


# --- 319 answer to a request ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestAnswer:
    """Antwoord: the municipality's answer to one request, named by the provider's reference.

    The request is a 315's AangevraagdProduct or a 317's Verzoek with that ReferentieAanbieder
    (unique per provider within the law, TR347). ``answer`` is "1" (refused, with
    ``refusal_reason``) or "2" (under investigation); a request is granted by a 301 naming its
    ReferentieAanbieder, not by a 319. ``responsible_municipality`` (iJw only) is the
    municipality that is responsible instead, when the reason is 8 (woonplaatsbeginsel).
    """

    provider_reference: str  # ReferentieAanbieder
    answer: str  # VerzoekAntwoord (WJ760)
    refusal_reason: str | None = None  # RedenAfwijzingVerzoek (WJ759)
    responsible_municipality: str | None = None  # Woonplaatsbeginsel/Gemeente (iJw only)


@dataclass(frozen=True, slots=True)
class RequestReply:
    """319: answer to a request for allocation (315) or change (317), municipality -> provider."""

    header: Header
    answer: RequestAnswer


# --- 323 declaration --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Performance:
    """Prestatie: one declared line of a 323."""

    reference: str  # ProductReferentie/ReferentieNummer
    allocation_number: str  # ToewijzingNummer
    category: str  # ProductCategorie
    code: str  # ProductCode
    period: Period  # ProductPeriode
    volume: int  # GeleverdVolume
    unit: str  # Eenheid (WJ756)
    amount: Amount  # IngediendBedrag
    tariff: int | None = None  # ProductTarief (cents per unit)
    previous_reference: str | None = None  # ProductReferentie/VorigReferentieNummer


@dataclass(frozen=True, slots=True)
class DeclarationClient:
    """Client of a 323 with its prestaties."""

    bsn: str  # Bsn
    performances: tuple[Performance, ...]  # Prestaties/Prestatie


@dataclass(frozen=True, slots=True)
class Declaration:
    """323: declaration (declaratie), provider -> municipality."""

    header: Header
    number: str  # DeclaratieNummer
    period: Period  # DeclaratiePeriode
    declaration_date: dt.date  # DeclaratieDagtekening
    total: Amount  # TotaalIngediendBedrag
    clients: tuple[DeclarationClient, ...]  # Clienten/Client

    def performances(self) -> tuple[tuple[DeclarationClient, Performance], ...]:
        """Every prestatie with its client, in message order."""
        return tuple((client, p) for client in self.clients for p in client.performances)
