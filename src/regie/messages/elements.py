"""The element structure of the iJw / iWmo 3.2 messages: one compact description serves both
laws and all fourteen messages of release 3.2.

It holds the logical data types of the basisschema (:func:`simple_types`,
:data:`COMPLEX_TYPES`), the body of each request message (:data:`MESSAGES`) and how an
answer message is derived from its request (header extended with the retour fields, every
record followed by its ``RetourCodes``); the 325 is described on its own. The description
follows the standard's published structure: element names, order, cardinality, the
restrictions (RS rules: lengths, value ranges, formats, "no empty elements") and the code
lists of :mod:`regie.messages.codes`. :mod:`regie.messages.structure` generates our XSDs from it.

Two places where the published material does not fix the detail and we chose the lenient
reading: the order of ``ZorgverlenerCode`` and ``Naam`` inside ``Verwijzer`` (either order is
accepted; the standard's rules never allow both), and ``Voorletters`` may be empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from regie.messages import codes
from regie.messages.codes import ANSWER_MESSAGES, LAWS, Law

#: At least one character that is not white space (RS033 "geen lege elementen", RS031).
NOT_EMPTY = r"[\s\S]*\S[\s\S]*"


@dataclass(frozen=True)
class Simple:
    """A logical data type (LDT): a restriction of an XSD built-in type."""

    base: str  # xs:string | xs:integer | xs:date | xs:time
    doc: str
    min_length: int | None = None
    max_length: int | None = None
    patterns: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    codes: dict[str, str] | None = None  # enumeration: code -> Dutch description


@dataclass(frozen=True)
class El:
    """An element in a sequence: name, type, cardinality, and the laws it exists under."""

    name: str
    type: str  # LDT_/CDT_ names live in the basisschema, others in the message schema
    min: int = 1
    max: int | None = 1  # None: unbounded
    laws: tuple[Law, ...] = LAWS


def _text(max_length: int, doc: str) -> Simple:
    return Simple("xs:string", doc, min_length=1, max_length=max_length, patterns=(NOT_EMPTY,))


def _code(table: dict[str, str], doc: str) -> Simple:
    return Simple("xs:string", doc, codes=table)


def _int(maximum: int, doc: str) -> Simple:
    return Simple("xs:integer", doc, min_value=0, max_value=maximum)


def simple_types(law: Law) -> dict[str, Simple]:
    """The logical data types of the basisschema of ``law``."""
    return {
        "LDT_AanduidingWoonadres": _code(codes.ADDRESS_INDICATIONS, "Aanduiding woonadres (NUM061)."),
        "LDT_AdresSoort": _code(codes.ADDRESS_KINDS, "Soort adres (COD757)."),
        "LDT_AgbCode": Simple("xs:string", "AGB-code: 8 cijfers (RS036).", patterns=("[0-9]{8}",)),
        "LDT_Bedrag": _int(99999999, "Bedrag in eurocenten (RS001, RS005)."),
        "LDT_BerichtCode": _int(999, "Berichtcode (COD002-VEKT, RS010)."),
        "LDT_BerichtSubversie": _int(99, "Berichtsubversie (RS001, RS002)."),
        "LDT_BerichtVersie": _int(99, "Berichtversie (RS001, RS002)."),
        "LDT_Budget": _int(99999999, "Budget in eurocenten (RS001, RS005)."),
        "LDT_BurgerServicenummer": Simple("xs:string", "BSN: 9 cijfers (RS015, RS037).", patterns=("[0-9]{9}",)),
        "LDT_Commentaar": _text(4000, "Vrije tekst, niet leeg (RS031)."),
        "LDT_Communicatievorm": _code(codes.COMMUNICATION_FORMS, "Communicatievorm (COD747)."),
        "LDT_Datum": Simple("xs:date", "Datum zonder tijdzone (RS032).", patterns=("[0-9]{4}-[0-9]{2}-[0-9]{2}",)),
        "LDT_DatumGebruik": _code(codes.DATE_USE, "Datumgebruik (COD170)."),
        "LDT_DebetCredit": _code(codes.DEBIT_CREDIT, "Indicatie debet/credit (COD043)."),
        "LDT_Eenheid": _code(codes.UNITS, "Eenheid (WJ756)."),
        "LDT_Emailadres": _text(80, "E-mailadres (RS026)."),
        "LDT_Frequentie": _code(codes.FREQUENCIES, "Frequentie (WMO757)."),
        "LDT_Gemeente": Simple("xs:string", "CBS-gemeentecode: 4 cijfers (RS035).", patterns=("[0-9]{4}",)),
        "LDT_Geslacht": _code(codes.GENDERS, "Geslacht (COD046)."),
        "LDT_Huisletter": Simple("xs:string", "Huisletter (RS008).", min_length=1, max_length=1),
        "LDT_Huisnummer": _int(99999, "Huisnummer (RS001, RS004)."),
        "LDT_HuisnummerToevoeging": _text(4, "Huisnummertoevoeging (RS011)."),
        "LDT_IdentificatieBericht": _text(12, "Berichtidentificatie (RS017)."),
        "LDT_IdentificatieDeclaratie": _text(12, "Declaratienummer (RS017)."),
        "LDT_JaNee": _code(codes.YES_NO, "Ja of nee (COD260)."),
        "LDT_JuridischeStatus": _code(codes.LEGAL_STATUS, "Juridische status (WJ232)."),
        "LDT_LandCode": _code({c: c for c in sorted(codes.COUNTRIES)}, "Landcode (COD032)."),
        "LDT_Landnummer": _text(4, "Landnummer telefoon (RS011)."),
        "LDT_Naam": _text(200, "Naam (RS028)."),
        "LDT_NaamGebruik": _code(codes.NAME_USE, "Naamgebruik (COD700)."),
        "LDT_NaamVerwijzer": _text(64, "Naam verwijzer (RS025)."),
        "LDT_Nummer": _int(999999999, "Nummer (RS001, RS006)."),
        "LDT_Organisatienaam": _text(35, "Organisatienaam (RS023)."),
        "LDT_Persoonsid": _text(20, "Nummer van een relatie (RS019)."),
        "LDT_Plaatsnaam": _text(80, "Plaatsnaam (RS026)."),
        "LDT_Postcode": _text(8, "Postcode (RS014)."),
        "LDT_ProductCategorie": _code(codes.PRODUCT_CATEGORIES[law], "Productcategorie (JZ020 / WMO020)."),
        "LDT_ProductCode": _text(5, "Productcode (RS012)."),
        "LDT_RedenAfwijzingVerzoek": _code(codes.REFUSAL_REASONS, "Reden afwijzing verzoek (WJ759)."),
        "LDT_RedenBeeindiging": _code(codes.END_REASONS[law], "Reden beeindiging (JZ588 / WMO588)."),
        "LDT_RedenVerzoek": _code(codes.REQUEST_REASONS, "Reden verzoek (WJ758)."),
        "LDT_RedenWijziging": _code(codes.CHANGE_REASONS[law], "Reden wijziging toewijzing (JZ002 / WMO002)."),
        "LDT_Referentie": _text(36, "Referentie (RS024)."),
        "LDT_ReferentieNummer": _text(20, "Referentienummer prestatie (RS019)."),
        "LDT_RelatieVolgorde": _int(99, "Volgorde relatie (RS001, RS002)."),
        "LDT_RetourCode": _code(codes.RETOUR_CODES, "Retourcode (WJ001, RS011)."),
        "LDT_SoortRelatie": _code(codes.RELATION_KINDS, "Soort relatie (COD472)."),
        "LDT_StatusAanlevering": _code(codes.DELIVERY_STATUS, "Status aanlevering (COD467)."),
        "LDT_Straatnaam": _text(24, "Straatnaam (RS020)."),
        "LDT_Taal": _text(25, "Taal (RS021)."),
        "LDT_Telefoonnummer": Simple("xs:string", "Telefoonnummer: cijfers (RS018, RS046).", patterns=("[0-9]{1,15}",)),
        "LDT_Tijd": Simple(
            "xs:time", "Tijd zonder tijdzone (RS034).", patterns=("[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?",)
        ),
        "LDT_TotaalBedrag": _int(999999999999, "Totaalbedrag in eurocenten (RS001, RS040)."),
        "LDT_TypeVerwijzer": _code(codes.REFERRER_TYPES, "Code verwijzer (COD327)."),
        "LDT_VerzoekAntwoord": _code(codes.REQUEST_ANSWERS, "Verzoek antwoord (WJ760)."),
        "LDT_Versie": Simple(
            "xs:string", "Versie: drie getallen met punten (RS048).", patterns=("[0-9]+\\.[0-9]+\\.[0-9]+",)
        ),
        "LDT_Volume": _int(99999999, "Volume (RS001, RS005)."),
        "LDT_Voorletters": Simple(
            "xs:string", "Voorletters, aaneengesloten (RS013, RS045).", max_length=6, patterns=("[^\\s.]*",)
        ),
        "LDT_Voorvoegsel": _text(10, "Voorvoegsel (RS016)."),
        "LDT_WettelijkeVertegenwoordiging": _code(codes.LEGAL_REPRESENTATION, "Wettelijke vertegenwoordiging (WJ003)."),
    }


#: The composite data types (CDT) of the basisschema: sequences of elements in its namespace.
COMPLEX_TYPES: dict[str, tuple[El, ...]] = {
    "CDT_Achternaam": (El("Achternaam", "LDT_Naam"), El("Voorvoegsel", "LDT_Voorvoegsel", 0)),
    "CDT_Adres": (
        El("Huis", "CDT_Huis", 0),
        El("Postcode", "LDT_Postcode", 0),
        El("Straatnaam", "LDT_Straatnaam", 0),
        El("Plaatsnaam", "LDT_Plaatsnaam", 0),
        El("LandCode", "LDT_LandCode", 0),
    ),
    "CDT_BedragMetDC": (El("Bedrag", "LDT_Bedrag"), El("DebetCredit", "LDT_DebetCredit")),
    "CDT_BerichtIdentificatie": (El("Identificatie", "LDT_IdentificatieBericht"), El("Dagtekening", "LDT_Datum")),
    "CDT_Communicatie": (El("Vorm", "LDT_Communicatievorm"), El("Taal", "LDT_Taal", 0)),
    "CDT_Geboortedatum": (El("Datum", "LDT_Datum"), El("DatumGebruik", "LDT_DatumGebruik", 0)),
    "CDT_GeslotenPeriode": (El("Begindatum", "LDT_Datum"), El("Einddatum", "LDT_Datum")),
    "CDT_Huis": (
        El("Huisnummer", "LDT_Huisnummer"),
        El("Huisletter", "LDT_Huisletter", 0),
        El("HuisnummerToevoeging", "LDT_HuisnummerToevoeging", 0),
        El("AanduidingWoonadres", "LDT_AanduidingWoonadres", 0),
    ),
    "CDT_Omvang": (El("Volume", "LDT_Volume"), El("Eenheid", "LDT_Eenheid"), El("Frequentie", "LDT_Frequentie")),
    "CDT_OpenPeriode": (El("Begindatum", "LDT_Datum", 0), El("Einddatum", "LDT_Datum", 0)),
    "CDT_Product": (El("Categorie", "LDT_ProductCategorie"), El("Code", "LDT_ProductCode", 0)),
    "CDT_Referentie": (
        El("ReferentieNummer", "LDT_ReferentieNummer"),
        El("VorigReferentieNummer", "LDT_ReferentieNummer", 0),
    ),
    "CDT_Telefoon": (El("Telefoonnummer", "LDT_Telefoonnummer"), El("Landnummer", "LDT_Landnummer")),
    "CDT_Telefoonnummers": (El("Telefoon01", "CDT_Telefoon"), El("Telefoon02", "CDT_Telefoon", 0)),
    "CDT_TotaalBedragMetDC": (El("TotaalBedrag", "LDT_TotaalBedrag"), El("DebetCredit", "LDT_DebetCredit")),
    "CDT_VerkorteNaam": (
        El("Geslachtsnaam", "CDT_Achternaam"),
        El("Voornamen", "LDT_Naam", 0),
        El("Voorletters", "LDT_Voorletters", 0),
    ),
    # Type, then ZorgverlenerCode and/or Naam in any order (see the module docstring)
    "CDT_Verwijzer": (
        El("Type", "LDT_TypeVerwijzer"),
        El("ZorgverlenerCode", "LDT_AgbCode", 0),
        El("Naam", "LDT_NaamVerwijzer", 0),
    ),
    "CDT_VolledigeNaam": (
        El("Geslachtsnaam", "CDT_Achternaam"),
        El("Partnernaam", "CDT_Achternaam", 0),
        El("Voornamen", "LDT_Naam", 0),
        El("Voorletters", "LDT_Voorletters", 0),
        El("NaamGebruik", "LDT_NaamGebruik"),
    ),
    "CDT_XsdVersie": (El("BasisschemaXsdVersie", "LDT_Versie"), El("BerichtXsdVersie", "LDT_Versie")),
}
#: Composite types whose children after the first may come in any order (xs:all).
UNORDERED_TAIL = frozenset({"CDT_Verwijzer"})


@dataclass(frozen=True)
class MessageSpec:
    """A request message: its body below Header, its local types and the records an answer echoes."""

    number: str
    doc: str
    from_municipality: bool
    body: tuple[El, ...]
    types: dict[str, tuple[El, ...]]
    records: tuple[str, ...]  # local types that carry RetourCodes in the answer


_CONTACT = (
    El("Soort", "LDT_AdresSoort"),
    El("Adres", "CDT_Adres", 0),
    El("Organisatie", "LDT_Organisatienaam", 0),
    El("Telefoon", "CDT_Telefoonnummers", 0),
    El("Emailadres", "LDT_Emailadres", 0),
    El("Periode", "CDT_OpenPeriode", 0),
)
_PERSON = (
    El("Bsn", "LDT_BurgerServicenummer"),
    El("Geboortedatum", "CDT_Geboortedatum"),
    El("Geslacht", "LDT_Geslacht"),
    El("Naam", "CDT_VerkorteNaam"),
)
#: What a 317 asks for a product to change or to add (TeWijzigenProduct, NieuwProduct).
_WISH = (
    El("GewensteIngangsdatum", "LDT_Datum"),
    El("Einddatum", "LDT_Datum", 0),
    El("Omvang", "CDT_Omvang", 0),
    El("Budget", "LDT_Budget", 0),
)
_PERFORMANCE = (
    El("ProductReferentie", "CDT_Referentie"),
    El("ToewijzingNummer", "LDT_Nummer"),
    El("ProductCategorie", "LDT_ProductCategorie"),
    El("ProductCode", "LDT_ProductCode"),
    El("ProductPeriode", "CDT_GeslotenPeriode"),
    El("GeleverdVolume", "LDT_Volume"),
    El("Eenheid", "LDT_Eenheid"),
    El("ProductTarief", "LDT_Bedrag", 0),
    El("IngediendBedrag", "CDT_BedragMetDC"),
)


def _care_message(number: str, doc: str, kind: str, ending: tuple[El, ...]) -> MessageSpec:
    """The 305 (``kind`` "Start") or the 307 ("Stop"): the same client and product records, a
    StopProduct with its reason and end (``ending``) before its StatusAanlevering."""
    item = f"{kind}Product"
    product = (
        El("ToewijzingNummer", "LDT_Nummer", 0),
        El("Product", "CDT_Product", 0),
        El("ToewijzingIngangsdatum", "LDT_Datum", 0),
        El("Begindatum", "LDT_Datum"),
        *ending,
        El("StatusAanlevering", "LDT_StatusAanlevering"),
    )
    types = {
        "Client": (*_PERSON, El(f"{item}en", f"{item}en")),
        f"{item}en": (El(item, item, 1, None),),
        item: product,
    }
    return MessageSpec(number, doc, False, (El("Client", "Client"),), types, ("Client", item))


MESSAGES: dict[str, MessageSpec] = {
    "301": MessageSpec(
        "301",
        "Toewijzing: de gemeente wijst een aanbieder producten toe voor een client.",
        True,
        (El("Client", "Client"),),
        {
            "Client": (
                El("Bsn", "LDT_BurgerServicenummer"),
                El("Geboortedatum", "CDT_Geboortedatum"),
                El("Geslacht", "LDT_Geslacht"),
                El("Naam", "CDT_VolledigeNaam"),
                El("Communicatie", "CDT_Communicatie", 0),
                El("JuridischeStatus", "LDT_JuridischeStatus", 0),
                El("WettelijkeVertegenwoordiging", "LDT_WettelijkeVertegenwoordiging", 0),
                El("Commentaar", "LDT_Commentaar", 0),
                El("Relaties", "Relaties", 0),
                El("Contactgegevens", "Contactgegevens"),
                El("ToegewezenProducten", "ToegewezenProducten"),
            ),
            "Relaties": (El("Relatie", "Relatie", 1, None),),
            "Relatie": (
                El("Nummer", "LDT_Persoonsid"),
                El("Volgorde", "LDT_RelatieVolgorde", 0),
                El("Soort", "LDT_SoortRelatie"),
                El("Geboortedatum", "CDT_Geboortedatum", 0),
                El("Geslacht", "LDT_Geslacht", 0),
                El("Naam", "CDT_VolledigeNaam"),
                El("Contact", "Contact"),
            ),
            "Contact": _CONTACT,
            "Contactgegevens": (El("Contact", "Contact", 1, None),),
            "ToegewezenProducten": (El("ToegewezenProduct", "ToegewezenProduct", 1, None),),
            "ToegewezenProduct": (
                El("ToewijzingNummer", "LDT_Nummer"),
                El("ReferentieAanbieder", "LDT_Referentie", 0),
                El("Product", "CDT_Product", 0),
                El("Toewijzingsdatum", "LDT_Datum"),
                El("Toewijzingstijd", "LDT_Tijd"),
                El("Ingangsdatum", "LDT_Datum"),
                El("Einddatum", "LDT_Datum", 0),
                El("RedenWijziging", "LDT_RedenWijziging", 0),
                El("Omvang", "CDT_Omvang", 0),
                El("Budget", "LDT_Budget", 0),
                El("Commentaar", "LDT_Commentaar", 0),
            ),
        },
        ("Client", "Relatie", "Contact", "ToegewezenProduct"),
    ),
    "305": _care_message("305", "Start zorg: de aanbieder meldt de start van de levering.", "Start", ()),
    "307": _care_message(
        "307",
        "Stop zorg: de aanbieder meldt het einde van de levering.",
        "Stop",
        (El("RedenBeeindiging", "LDT_RedenBeeindiging"), El("Einddatum", "LDT_Datum")),
    ),
    "315": MessageSpec(
        "315",
        "Verzoek om toewijzing: de aanbieder vraagt de gemeente producten toe te wijzen.",
        False,
        (El("Client", "Client"),),
        {
            "Client": (
                *_PERSON,
                El("GezagsdragerBekend", "LDT_JaNee", 0, laws=("jw",)),
                El("Commentaar", "LDT_Commentaar", 0),
                El("AangevraagdeProducten", "AangevraagdeProducten"),
            ),
            "AangevraagdeProducten": (El("AangevraagdProduct", "AangevraagdProduct", 1, None),),
            "AangevraagdProduct": (
                El("ReferentieAanbieder", "LDT_Referentie"),
                El("BeschikkingNummer", "LDT_Nummer", 0),
                El("Product", "CDT_Product", 0),
                El("BeschikkingIngangsdatum", "LDT_Datum", 0),
                El("ToewijzingIngangsdatum", "LDT_Datum"),
                El("ToewijzingEinddatum", "LDT_Datum", 0),
                El("Omvang", "CDT_Omvang", 0),
                El("Budget", "LDT_Budget", 0),
                El("Verwijzer", "CDT_Verwijzer"),
                El("Raamcontract", "LDT_JaNee", 0),
                El("Commentaar", "LDT_Commentaar", 0),
            ),
        },
        ("Client", "AangevraagdProduct"),
    ),
    "317": MessageSpec(
        "317",
        "Verzoek om wijziging: de aanbieder vraagt de toewijzingen van een client te wijzigen.",
        False,
        (El("Client", "Client"),),
        {
            "Client": (El("Bsn", "LDT_BurgerServicenummer"), El("Verzoek", "Verzoek")),
            "Verzoek": (
                El("ReferentieAanbieder", "LDT_Referentie"),
                El("RedenVerzoek", "LDT_RedenVerzoek"),
                El("OngewijzigdeProducten", "OngewijzigdeProducten", 0),
                El("TeWijzigenProducten", "TeWijzigenProducten", 0),
                El("NieuweProducten", "NieuweProducten", 0),
            ),
            "OngewijzigdeProducten": (El("OngewijzigdProduct", "OngewijzigdProduct", 1, None),),
            "OngewijzigdProduct": (El("ToewijzingNummer", "LDT_Nummer"),),
            "TeWijzigenProducten": (El("TeWijzigenProduct", "TeWijzigenProduct", 1, None),),
            "TeWijzigenProduct": (El("ToewijzingNummer", "LDT_Nummer"), *_WISH),
            "NieuweProducten": (El("NieuwProduct", "NieuwProduct", 1, None),),
            "NieuwProduct": (El("Product", "CDT_Product", 0), *_WISH),
        },
        ("Client", "Verzoek", "OngewijzigdProduct", "TeWijzigenProduct", "NieuwProduct"),
    ),
    "319": MessageSpec(
        "319",
        "Antwoordbericht: de gemeente wijst een verzoek om toewijzing of wijziging af, of meldt dat het in "
        "onderzoek is.",
        True,
        (El("Antwoord", "Antwoord"),),
        {
            "Antwoord": (
                El("ReferentieAanbieder", "LDT_Referentie"),
                El("VerzoekAntwoord", "LDT_VerzoekAntwoord"),
                El("RedenAfwijzingVerzoek", "LDT_RedenAfwijzingVerzoek", 0),
                El("Woonplaatsbeginsel", "Woonplaatsbeginsel", 0, laws=("jw",)),
            ),
            "Woonplaatsbeginsel": (El("Gemeente", "LDT_Gemeente"),),
        },
        ("Antwoord", "Woonplaatsbeginsel"),
    ),
    "323": MessageSpec(
        "323",
        "Declaratie: de aanbieder declareert de prestaties van een kalendermaand.",
        False,
        (El("Declaratie", "Declaratie"),),
        {
            "Declaratie": (
                El("DeclaratieNummer", "DeclaratieNummer"),
                El("DeclaratiePeriode", "CDT_GeslotenPeriode"),
                El("DeclaratieDagtekening", "LDT_Datum"),
                El("TotaalIngediendBedrag", "CDT_TotaalBedragMetDC"),
                El("Clienten", "Clienten"),
            ),
            "Clienten": (El("Client", "Client", 1, None),),
            "Client": (El("Bsn", "LDT_BurgerServicenummer"), El("Prestaties", "Prestaties")),
            "Prestaties": (El("Prestatie", "Prestatie", 1, None),),
            "Prestatie": _PERFORMANCE,
        },
        (),
    ),
}

#: The 325 (answer to a declaration): only the prestaties that were rejected are echoed.
DECLARATION_ANSWER_TYPES: dict[str, tuple[El, ...]] = {
    "DeclaratieAntwoord": (
        El("DeclaratieNummer", "LDT_IdentificatieDeclaratie"),
        El("TotaalIngediendBedrag", "CDT_TotaalBedragMetDC"),
        El("TotaalToegekendBedrag", "CDT_TotaalBedragMetDC"),
        El("Clienten", "Clienten", 0),
        El("RetourCodes", "RetourCodes"),
    ),
    "Clienten": (El("Client", "Client", 1, None),),
    "Client": (El("Bsn", "LDT_BurgerServicenummer"), El("Prestaties", "Prestaties"), El("RetourCodes", "RetourCodes")),
    "Prestaties": (El("Prestatie", "Prestatie", 1, None),),
    "Prestatie": (*_PERFORMANCE, El("RetourCodes", "RetourCodes")),
}

_RETOUR_CODES_TYPE = (El("RetourCode", "LDT_RetourCode", 1, None),)
_REQUEST_FOR: dict[str, str] = {answer: request for request, answer in ANSWER_MESSAGES.items()}


def header_type(law: Law, number: str) -> tuple[El, ...]:
    """The Header of message ``number``: the common part, plus the retour part of an answer."""
    if number == "325":
        from_municipality = True
    else:
        from_municipality = MESSAGES[_REQUEST_FOR.get(number, number)].from_municipality
    sender, receiver = ("LDT_Gemeente", "LDT_AgbCode") if from_municipality else ("LDT_AgbCode", "LDT_Gemeente")
    common = (
        El("BerichtCode", "BerichtCode"),
        El("BerichtVersie", "BerichtVersie"),
        El("BerichtSubversie", "BerichtSubversie"),
        El("Afzender", sender),
        El("Ontvanger", receiver),
        El("BerichtIdentificatie", "CDT_BerichtIdentificatie"),
        El("XsdVersie", "CDT_XsdVersie"),
    )
    if number == "325":
        return (
            *common,
            El("DeclaratieIdentificatie", "CDT_BerichtIdentificatie"),
            El("XsltVersie", "LDT_Versie", 0),
            El("XsdVersieDeclaratie", "CDT_XsdVersie"),
            El("RetourCodes", "RetourCodes"),
        )
    if number in _REQUEST_FOR:
        return (
            *common,
            El("IdentificatieRetour", "LDT_IdentificatieBericht"),
            El("DagtekeningRetour", "LDT_Datum"),
            El("XsltVersie", "LDT_Versie", 0),
            El("XsdVersieRetour", "CDT_XsdVersie"),
            El("RetourCodes", "RetourCodes", 0),
        )
    return common


def message_types(law: Law, number: str) -> tuple[tuple[El, ...], dict[str, tuple[El, ...]]]:
    """The root children and the local complex types of message ``number`` under ``law``."""
    if number == "325":
        types = dict(DECLARATION_ANSWER_TYPES)
        root: tuple[El, ...] = (El("Header", "Header"), El("DeclaratieAntwoord", "DeclaratieAntwoord", 0))
    elif number in _REQUEST_FOR:
        spec = MESSAGES[_REQUEST_FOR[number]]
        types = {
            name: (*children, El("RetourCodes", "RetourCodes")) if name in spec.records else children
            for name, children in spec.types.items()
        }
        root = (El("Header", "Header"), *(El(e.name, e.type, 0, e.max, e.laws) for e in spec.body))
    else:
        spec = MESSAGES[number]
        types = dict(spec.types)
        root = (El("Header", "Header"), *spec.body)
    types = {name: tuple(e for e in children if law in e.laws) for name, children in types.items()}
    types = _referenced(root, types)
    types["Header"] = header_type(law, number)
    if any(e.type == "RetourCodes" for children in types.values() for e in children):
        types["RetourCodes"] = _RETOUR_CODES_TYPE
    return root, types


def _referenced(root: tuple[El, ...], types: dict[str, tuple[El, ...]]) -> dict[str, tuple[El, ...]]:
    """``types`` without the local types no element of the law refers to (e.g. the 319's
    Woonplaatsbeginsel, which only iJw has), in their original order."""
    used: set[str] = set()
    pending = [e.type for e in root]
    while pending:
        name = pending.pop()
        if name in types and name not in used:
            used.add(name)
            pending.extend(e.type for e in types[name])
    return {name: children for name, children in types.items() if name in used}


def message_doc(number: str) -> str:
    """The one-line description of message ``number``."""
    if number == "325":
        return "Declaratie-antwoord: de gemeente meldt welke prestaties zijn afgewezen."
    if number in _REQUEST_FOR:
        return f"Retourbericht op het {_REQUEST_FOR[number]}-bericht, met retourcodes per berichtklasse."
    return MESSAGES[number].doc
