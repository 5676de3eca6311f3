"""The message model: one frozen dataclass per part of an iJw / iWmo 3.2 message.

Field names are English snake_case; the XML element each one holds is named in the comment
beside it. Codes stay the standard's strings ("04", "0200"), dates are ``datetime.date``,
amounts and tariffs integer euro cents (the standard's LDT_Bedrag is in cents), volumes
integers. An optional element that is absent is ``None`` (or an empty tuple for a list).
Identifiers (ToewijzingNummer, ReferentieNummer, ...) are kept as the text of the message.

Request messages carry a :class:`Header` and a body: :class:`Allocation` (301),
:class:`CareStart` (305), :class:`CareStop` (307), :class:`AllocationRequest` (315),
:class:`ChangeRequest` (317), :class:`RequestReply` (319), :class:`Declaration` (323). Their
answers 302/306/308/316/318/320 are :class:`Answer` (the echoed client, or for a 320 the echoed
:class:`RequestAnswer`, with retour codes per record) and 325 is :class:`DeclarationAnswer`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeAlias

from regie.messages.codes import STANDARD, Law, message_code

BERICHT_VERSIE = "3"
BERICHT_SUBVERSIE = "2"
DEFAULT_XSD_VERSION = "1.0.0"


@dataclass(frozen=True, slots=True)
class XsdVersions:
    """CDT_XsdVersie: the versions of the XSDs a message was made with."""

    basisschema: str = DEFAULT_XSD_VERSION  # BasisschemaXsdVersie
    message: str = DEFAULT_XSD_VERSION  # BerichtXsdVersie


@dataclass(frozen=True, slots=True)
class Header:
    """The header every message starts with (BerichtVersie 3, BerichtSubversie 2 are implied).

    ``sender``/``receiver``: a municipality is a 4-digit CBS code, a provider an 8-digit AGB code.
    ``identification`` is at most 12 characters, unique per sender and message type;
    ``dagtekening`` is the date the message was sent (it "arrives" on that date).
    """

    law: Law  # "jw" | "wmo"
    message: str  # "301", "323", ...
    sender: str  # Afzender
    receiver: str  # Ontvanger
    identification: str  # BerichtIdentificatie/Identificatie
    dagtekening: dt.date  # BerichtIdentificatie/Dagtekening
    xsd: XsdVersions = XsdVersions()  # XsdVersie

    @property
    def code(self) -> str:
        """The BerichtCode (COD002-VEKT), e.g. "436" for a JW301."""
        return message_code(self.law, self.message)

    @property
    def name(self) -> str:
        """The message's short name, e.g. "JW301" or "WMO323"."""
        return f"{'JW' if self.law == 'jw' else 'WMO'}{self.message}"

    @property
    def namespace(self) -> str:
        """The message's XML namespace."""
        return message_namespace(self.law, self.message)


def message_namespace(law: Law, message: str) -> str:
    """``http://www.istandaarden.nl/{ijw|iwmo}/3_2/{jw|wmo}NNN/schema``.

    >>> message_namespace("wmo", "323")
    'http://www.istandaarden.nl/iwmo/3_2/wmo323/schema'
    """
    return f"http://www.istandaarden.nl/{STANDARD[law]}/3_2/{law}{message}/schema"


def basis_namespace(law: Law) -> str:
    """``http://www.istandaarden.nl/{ijw|iwmo}/3_2/basisschema/schema``."""
    return f"http://www.istandaarden.nl/{STANDARD[law]}/3_2/basisschema/schema"


# --- shared parts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BirthDate:
    """CDT_Geboortedatum."""

    date: dt.date  # Datum
    date_use: str | None = None  # DatumGebruik (COD170)


@dataclass(frozen=True, slots=True)
class Surname:
    """CDT_Achternaam."""

    name: str  # Achternaam
    prefix: str | None = None  # Voorvoegsel


@dataclass(frozen=True, slots=True)
class ShortName:
    """CDT_VerkorteNaam (305, 307, 315)."""

    surname: Surname  # Geslachtsnaam
    first_names: str | None = None  # Voornamen
    initials: str | None = None  # Voorletters


@dataclass(frozen=True, slots=True)
class FullName:
    """CDT_VolledigeNaam (301)."""

    surname: Surname  # Geslachtsnaam
    name_use: str = "1"  # NaamGebruik (COD700)
    partner_name: Surname | None = None  # Partnernaam
    first_names: str | None = None  # Voornamen
    initials: str | None = None  # Voorletters


@dataclass(frozen=True, slots=True)
class Communication:
    """CDT_Communicatie."""

    form: str  # Vorm (COD747)
    language: str | None = None  # Taal


@dataclass(frozen=True, slots=True)
class House:
    """CDT_Huis."""

    number: int  # Huisnummer
    letter: str | None = None  # Huisletter
    addition: str | None = None  # HuisnummerToevoeging
    indication: str | None = None  # AanduidingWoonadres (NUM061)


@dataclass(frozen=True, slots=True)
class Address:
    """CDT_Adres."""

    house: House | None = None  # Huis
    postcode: str | None = None  # Postcode
    street: str | None = None  # Straatnaam
    city: str | None = None  # Plaatsnaam
    country: str | None = None  # LandCode (COD032)


@dataclass(frozen=True, slots=True)
class Phone:
    """CDT_Telefoon."""

    number: str  # Telefoonnummer
    country_code: str | None = None  # Landnummer


@dataclass(frozen=True, slots=True)
class OpenPeriod:
    """CDT_OpenPeriode: a period with a begin and/or an end."""

    begin: dt.date | None = None  # Begindatum
    end: dt.date | None = None  # Einddatum


@dataclass(frozen=True, slots=True)
class Period:
    """CDT_GeslotenPeriode: a period with both ends, inclusive as the standard writes them."""

    begin: dt.date  # Begindatum
    end: dt.date  # Einddatum


@dataclass(frozen=True, slots=True)
class Contact:
    """Contact: an address or other contact details of a client or relation (301)."""

    kind: str  # Soort (COD757)
    address: Address | None = None  # Adres
    organisation: str | None = None  # Organisatie
    phones: tuple[Phone, ...] = ()  # Telefoon/Telefoon01, Telefoon02 (at most two)
    email: str | None = None  # Emailadres
    period: OpenPeriod | None = None  # Periode


@dataclass(frozen=True, slots=True)
class Relation:
    """Relatie: a person related to the client (301)."""

    number: str  # Nummer
    kind: str  # Soort (COD472)
    name: FullName  # Naam
    contact: Contact  # Contact
    order: int | None = None  # Volgorde
    birth_date: BirthDate | None = None  # Geboortedatum
    gender: str | None = None  # Geslacht (COD046)


@dataclass(frozen=True, slots=True)
class Product:
    """CDT_Product: category and optionally a product code."""

    category: str  # Categorie (JZ020 / WMO020)
    code: str | None = None  # Code


@dataclass(frozen=True, slots=True)
class Extent:
    """CDT_Omvang: volume per unit per frequency."""

    volume: int  # Volume
    unit: str  # Eenheid (WJ756)
    frequency: str  # Frequentie (WMO757)


@dataclass(frozen=True, slots=True)
class Amount:
    """CDT_BedragMetDC / CDT_TotaalBedragMetDC: a non-negative amount in cents and its sign."""

    cents: int  # Bedrag / TotaalBedrag
    debit_credit: str = "D"  # DebetCredit (COD043)

    @property
    def signed(self) -> int:
        """The amount with its sign: negative for a credit."""
        return -self.cents if self.debit_credit == "C" else self.cents

    @staticmethod
    def of(signed_cents: int) -> Amount:
        """The amount for a signed number of cents (zero is a debit, CS325).

        >>> Amount.of(-250)
        Amount(cents=250, debit_credit='C')
        """
        return Amount(abs(signed_cents), "C" if signed_cents < 0 else "D")


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
class Allocation:
    """301: allocation (toewijzing), municipality -> provider."""

    header: Header
    client: AllocationClient


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
class StartClient:
    """Client of a 305."""

    bsn: str  # Bsn
    birth_date: BirthDate  # Geboortedatum
    gender: str  # Geslacht
    name: ShortName  # Naam
    products: tuple[StartProduct, ...]  # StartProducten/StartProduct


@dataclass(frozen=True, slots=True)
class StopClient:
    """Client of a 307."""

    bsn: str  # Bsn
    birth_date: BirthDate  # Geboortedatum
    gender: str  # Geslacht
    name: ShortName  # Naam
    products: tuple[StopProduct, ...]  # StopProducten/StopProduct


@dataclass(frozen=True, slots=True)
class CareStart:
    """305: start of care (start zorg), provider -> municipality."""

    header: Header
    client: StartClient


@dataclass(frozen=True, slots=True)
class CareStop:
    """307: stop of care (stop zorg), provider -> municipality."""

    header: Header
    client: StopClient


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
class RequestClient:
    """Client of a 315."""

    bsn: str  # Bsn
    birth_date: BirthDate  # Geboortedatum
    gender: str  # Geslacht
    name: ShortName  # Naam
    products: tuple[RequestedProduct, ...]  # AangevraagdeProducten/AangevraagdProduct
    guardian_known: str | None = None  # GezagsdragerBekend (COD260, iJw only)
    comment: str | None = None  # Commentaar


@dataclass(frozen=True, slots=True)
class AllocationRequest:
    """315: request for allocation (verzoek om toewijzing), provider -> municipality."""

    header: Header
    client: RequestClient


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
class ChangeRequest:
    """317: request for change (verzoek om wijziging), provider -> municipality."""

    header: Header
    client: ChangeRequestClient


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


# --- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReturnInfo:
    """The part an answer message (302/306/308/316/318) adds to the original header."""

    identification: str  # IdentificatieRetour
    dagtekening: dt.date  # DagtekeningRetour
    xsd: XsdVersions = XsdVersions()  # XsdVersieRetour
    xslt_version: str | None = None  # XsltVersie
    codes: tuple[str, ...] = ()  # Header/RetourCodes (absent when empty)


AnswerClient: TypeAlias = AllocationClient | StartClient | StopClient | RequestClient | ChangeRequestClient
#: What an answer message echoes: the client of a 302-318, or the Antwoord of a 320.
AnswerBody: TypeAlias = AnswerClient | RequestAnswer


@dataclass(frozen=True, slots=True)
class Answer:
    """302/306/308/316/318/320: the answer to a 301/305/307/315/317/319.

    ``header`` is the original message's header with ``message`` set to the answer's number
    (the original sender, receiver, identification and dagtekening stay). ``client`` is the
    echoed client (for a 320: the echoed Antwoord, a :class:`RequestAnswer`), or ``None`` when
    the whole message was rejected. ``record_codes`` gives the retour codes of each echoed
    record (Client, Relatie, Contact, ToegewezenProduct, StartProduct, Antwoord, ...) by its
    path in the message, e.g. ``/Bericht/Client`` or
    ``/Bericht/Client/StartProducten/StartProduct[2]`` (an index only when the record repeats).
    """

    header: Header
    retour: ReturnInfo
    client: AnswerBody | None = None
    record_codes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        # one canonical order, so equal answers compare equal however they were built
        object.__setattr__(self, "record_codes", tuple(sorted((p, tuple(c)) for p, c in self.record_codes)))

    def codes_at(self, path: str) -> tuple[str, ...]:
        """The retour codes of the record at ``path`` (empty when there are none)."""
        for record_path, codes in self.record_codes:
            if record_path == path:
                return codes
        return ()


@dataclass(frozen=True, slots=True)
class AnsweredPerformance:
    """A prestatie in a 325 with its retour codes."""

    performance: Performance
    codes: tuple[str, ...]  # RetourCodes

    @property
    def accepted(self) -> bool:
        """True when none of the codes rejects the prestatie."""
        return all(code in ("0200", "8001") for code in self.codes)


@dataclass(frozen=True, slots=True)
class AnsweredClient:
    """A client in a 325 with its prestaties and retour codes."""

    bsn: str  # Bsn
    performances: tuple[AnsweredPerformance, ...]  # Prestaties/Prestatie
    codes: tuple[str, ...]  # RetourCodes


@dataclass(frozen=True, slots=True)
class DeclarationAnswerBody:
    """DeclaratieAntwoord of a 325."""

    number: str  # DeclaratieNummer
    total_submitted: Amount  # TotaalIngediendBedrag
    total_granted: Amount  # TotaalToegekendBedrag
    codes: tuple[str, ...]  # RetourCodes
    clients: tuple[AnsweredClient, ...] = ()  # Clienten/Client


@dataclass(frozen=True, slots=True)
class DeclarationAnswer:
    """325: answer to a declaration, municipality -> provider.

    Unlike the other answers its header is its own (sender = municipality); the declaration it
    answers is named by ``declaration_identification`` and ``declaration_dagtekening``.
    """

    header: Header
    declaration_identification: str  # DeclaratieIdentificatie/Identificatie
    declaration_dagtekening: dt.date  # DeclaratieIdentificatie/Dagtekening
    codes: tuple[str, ...]  # Header/RetourCodes
    xsd_declaration: XsdVersions = XsdVersions()  # XsdVersieDeclaratie
    xslt_version: str | None = None  # XsltVersie
    body: DeclarationAnswerBody | None = None  # DeclaratieAntwoord


Message: TypeAlias = (
    Allocation
    | CareStart
    | CareStop
    | AllocationRequest
    | ChangeRequest
    | RequestReply
    | Declaration
    | Answer
    | DeclarationAnswer
)

#: The model class of each request message number.
REQUEST_TYPES: dict[str, type] = {
    "301": Allocation,
    "305": CareStart,
    "307": CareStop,
    "315": AllocationRequest,
    "317": ChangeRequest,
    "319": RequestReply,
    "323": Declaration,
}
