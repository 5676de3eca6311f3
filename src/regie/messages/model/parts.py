"""The parts every message is made of: the :class:`Header`, the namespaces, and the
composite data types (CDT_*) the message bodies share: names, addresses, periods, products,
extents and amounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
