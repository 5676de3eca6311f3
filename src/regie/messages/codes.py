"""Code lists of iJw / iWmo release 3.2, with their Dutch descriptions.

Source: the information model of the iStandaarden (iJw and iWmo 3.2 code lists, as copied in
the public repository ``i-Sociaal-Lab/jaapjunior`` under ``packages/api/{jw,wmo}/bronnen``).
Codes are kept as the standard's strings ("04", "0200"). Lists that differ per law are keyed
by law: ``"jw"`` (Jeugdwet, iJw) or ``"wmo"`` (Wmo, iWmo).

The schema generator (:mod:`regie.messages.structure`) turns these lists into XSD
enumerations, so a code that is not in a list is a schema fault.

>>> UNITS["14"]
'Etmaal'
>>> PRODUCT_CATEGORIES["wmo"]["15"]
'Beschermd wonen'
>>> message_code("jw", "323")
'490'
"""

from __future__ import annotations

from typing import Final, Literal

Law = Literal["jw", "wmo"]
LAWS: Final[tuple[Law, ...]] = ("jw", "wmo")

#: Standard name and namespace segment per law.
STANDARD: Final[dict[Law, str]] = {"jw": "ijw", "wmo": "iwmo"}

#: COD002-VEKT: BerichtCode per law and message (laid out by hand, fmt: skip: a message and its
#: answer side by side, three pairs to a line, as the code list gives them).
MESSAGE_CODES: Final[dict[Law, dict[str, str]]] = {
    "jw": {
        "301": "436", "302": "437", "305": "438", "306": "439", "307": "440", "308": "441",
        "315": "446", "316": "447", "317": "486", "318": "487", "319": "488", "320": "489",
        "323": "490", "325": "491",
    },
    "wmo": {
        "301": "414", "302": "415", "305": "418", "306": "419", "307": "420", "308": "421",
        "315": "444", "316": "445", "317": "480", "318": "481", "319": "482", "320": "483",
        "323": "484", "325": "485",
    },
}  # fmt: skip

#: The message types Regie reads and writes (every message of release 3.2), and the answer
#: (retourbericht) to each request message.
REQUEST_MESSAGES: Final[tuple[str, ...]] = ("301", "305", "307", "315", "317", "319", "323")
ANSWER_MESSAGES: Final[dict[str, str]] = {
    "301": "302",
    "305": "306",
    "307": "308",
    "315": "316",
    "317": "318",
    "319": "320",
    "323": "325",
}
ALL_MESSAGES: Final[tuple[str, ...]] = (
    "301",
    "302",
    "305",
    "306",
    "307",
    "308",
    "315",
    "316",
    "317",
    "318",
    "319",
    "320",
    "323",
    "325",
)


def message_code(law: Law, message: str) -> str:
    """The BerichtCode (COD002-VEKT) of ``message`` ("301", ...) under ``law``."""
    return MESSAGE_CODES[law][message]


#: WJ756: Eenheid.
UNITS: Final[dict[str, str]] = {
    "01": "Minuut",
    "04": "Uur",
    "14": "Etmaal",
    "16": "Dagdeel (4 uur)",
    "82": "Stuks (output)",
    "83": "Euro's",
    "84": "Stuks (inspanning)",
}
UNIT_EURO: Final = "83"

#: WMO757: Frequentie.
FREQUENCIES: Final[dict[str, str]] = {
    "1": "Per dag",
    "2": "Per week",
    "4": "Per maand",
    "6": "Totaal binnen geldigheidsduur toewijzing",
}

#: JZ020 (iJw) and WMO020 (iWmo): Productcategorie.
PRODUCT_CATEGORIES: Final[dict[Law, dict[str, str]]] = {
    "jw": {
        "31": "(2015) Zonder verblijf: uitgevoerd door wijk- of buurtteam",
        "32": "(2015) Zonder verblijf: ambulante jeugdhulp op locatie van de aanbieder",
        "33": "(2015) Zonder verblijf: daghulp op locatie van de aanbieder",
        "34": "(2015) Zonder verblijf: jeugdhulp in het netwerk van de jeugdige",
        "35": "(2015) Met verblijf: pleegzorg",
        "36": "(2015) Met verblijf: gezinsgericht",
        "37": "(2015) Met verblijf: gesloten plaatsing",
        "38": "(2015) Met verblijf: overig residentieel",
        "40": "Persoonlijke verzorging",
        "41": "Dagbehandeling",
        "42": "Vervoerdiensten",
        "43": "Jeugdhulp verblijf (incl. behandeling)",
        "44": "Jeugdhulp verblijf (excl. behandeling)",
        "45": "Jeugdhulp ambulant",
        "46": "Jeugdhulp crisis",
        "47": "Jeugdreclassering",
        "48": "Jeugdbescherming",
        "49": "Activiteiten in het preventief justitieel kader",
        "50": "Maatwerkarrangementen jeugd",
        "51": "Generalistische basis-ggz",
        "52": "Specialistische ggz",
        "53": "Kindergeneeskunde",
        "54": "Jeugd-ggz",
        "55": "Landelijk ingekochte zorg",
    },
    "wmo": {
        "01": "Hulp bij het huishouden",
        "02": "Begeleiding",
        "03": "Persoonlijke verzorging",
        "04": "Kortdurend verblijf",
        "05": "Woondiensten",
        "06": "Overige ondersteuning gericht op het individu of huishouden/gezin",
        "07": "Dagbesteding",
        "08": "Vervoerdiensten",
        "09": "Overige groepsgerichte ondersteuning",
        "10": "Overige maatwerk arrangementen",
        "11": "Rolstoelen",
        "12": "Vervoervoorzieningen",
        "13": "Woonvoorzieningen",
        "14": "Overige hulpmiddelen",
        "15": "Beschermd wonen",
        "16": "Opvang",
        "17": "Spoedopvang",
        "18": "Overige beschermd wonen en opvang",
    },
}

#: JZ588 (iJw) and WMO588 (iWmo): Reden beeindiging.
END_REASONS: Final[dict[Law, dict[str, str]]] = {
    "jw": {
        "02": "Overlijden",
        "20": "Levering is tijdelijk beeindigd",
        "31": "Levering is volgens plan beeindigd",
        "32": "Voortijdig afgesloten, door client",
        "33": "Voortijdig afgesloten, door aanbieder",
        "34": "Voortijdig afgesloten, in overleg",
        "35": "Voortijdig afgesloten, externe oorzaak",
        "36": "Geinitieerd door de gemeente",
        "37": "In verband met wijzigingsverzoek",
        "38": "Overstap naar andere aanbieder",
        "39": "Uitstroom naar ander domein",
    },
    "wmo": {
        "02": "Overlijden",
        "19": "Levering volgens plan beeindigd",
        "20": "Levering is tijdelijk beeindigd",
        "21": "Levering is eenzijdig door client beeindigd",
        "22": "Levering is eenzijdig door aanbieder beeindigd",
        "23": "Levering is in overeenstemming voortijdig beeindigd",
        "31": "Verhuizing naar een andere gemeente",
        "36": "Geinitieerd door de gemeente",
        "37": "In verband met wijzigingsverzoek",
        "38": "Overstap naar andere aanbieder",
        "39": "Uitstroom naar ander domein",
    },
}

_CHANGE_REASONS: Final[dict[str, str]] = {
    "01": "Administratieve correctie (vervallen)",
    "02": "Client overleden",
    "03": "Contractwijziging",
    "04": "Herbeoordeling: verlenging toewijzing",
    "05": "Herbeoordeling: verkorting toewijzing",
    "06": "Uitstroom naar ander domein",
    "07": "Verhuizing naar een andere gemeente",
    "08": "Wijziging leveringsvorm",
    "09": "Overstap naar andere aanbieder",
    "10": "Overgang naar nieuwe bekostigingssystematiek",
    "11": "Gemeentelijke herindeling",
    "12": "Geinitieerd door de aanbieder",
    "13": "Verwijderd",
    "14": "Administratieve correctie",
}
#: JZ002 (iJw) and WMO002 (iWmo): Reden wijziging toewijzing (the same codes under both laws).
CHANGE_REASONS: Final[dict[Law, dict[str, str]]] = {"jw": _CHANGE_REASONS, "wmo": _CHANGE_REASONS}
CHANGE_REASON_DELETED: Final = "13"

#: COD467: Status aanlevering.
DELIVERY_STATUS: Final[dict[str, str]] = {
    "1": "Eerste aanlevering",
    "2": "Gewijzigde aanlevering",
    "3": "Verwijderen aanlevering",
    "9": "Niet van toepassing (ongewijzigd)",
}

#: COD043: Indicatie debet/credit.
DEBIT_CREDIT: Final[dict[str, str]] = {"C": "Creditbedrag en aantal", "D": "Debetbedrag en aantal"}

#: COD046: Geslacht.
GENDERS: Final[dict[str, str]] = {"0": "Onbekend", "1": "Mannelijk", "2": "Vrouwelijk"}

#: COD170: Datumgebruik.
DATE_USE: Final[dict[str, str]] = {
    "1": "dag onbekend; alleen maand en jaar gebruiken",
    "2": "dag en maand onbekend; alleen jaar gebruiken",
    "3": "dag, maand en jaar onbekend; onbekende datum",
}

#: COD260: Ja of nee.
YES_NO: Final[dict[str, str]] = {"1": "Ja", "2": "Nee"}

#: COD327: Code verwijzer.
REFERRER_TYPES: Final[dict[str, str]] = {
    "01": "Gemeente",
    "02": "Huisarts",
    "03": "Jeugdarts",
    "04": "Gecertificeerde instelling",
    "05": "Medisch specialist",
    "06": "Zelfverwijzer/geen verwijzer",
    "08": "Rechter, Officier van Justitie, functionaris Justitiele jeugdinrichting",
}
#: Referrer types that may carry a ZorgverlenerCode (CD066-CD068).
REFERRER_TYPES_WITH_AGB: Final[frozenset[str]] = frozenset({"02", "03", "04", "05"})

#: COD472: Soort relatie.
RELATION_KINDS: Final[dict[str, str]] = {
    "03": "Curator (juridisch)",
    "04": "Financieel (gemachtigd)",
    "05": "Financieel (toetsing)",
    "06": "Leefeenheid",
    "07": "Hulpverlener",
    "08": "Specialist",
    "09": "Anders",
    "10": "Ouder",
    "11": "Voogd",
    "12": "Partner/echtgeno(o)t(e)",
    "13": "Pleegouder",
    "14": "Bewindvoerder",
    "15": "Mentor",
    "16": "Zoon/dochter",
    "17": "Familielid",
    "18": "Gezinslid",
    "19": "Buur",
    "20": "Vriend(in)/kennis",
    "21": "Clientondersteuner",
    "22": "Huisarts",
    "23": "Erven van",
    "24": "Werkgever",
    "25": "Wijkcoach",
}

#: COD700: Naamgebruik.
NAME_USE: Final[dict[str, str]] = {
    "1": "Eigen naam",
    "2": "Naam echtgenoot of geregistreerd partner of alternatieve naam",
    "3": "Naam echtgenoot of geregistreerd partner gevolgd door eigen naam",
    "4": "Eigen naam gevolgd door naam echtgenoot of geregistreerd partner",
    "5": "Pseudoniem",
    "6": "Niet-natuurlijk persoon",
}

#: COD747: Communicatievorm.
COMMUNICATION_FORMS: Final[dict[str, str]] = {"1": "Tolk taal", "2": "Doventolk", "3": "Doofblindentolk"}

#: COD757: Soort adres.
ADDRESS_KINDS: Final[dict[str, str]] = {
    "01": "BRP-adres",
    "02": "Correspondentie-adres",
    "03": "Verblijfadres",
    "04": "Tijdelijk verblijfadres",
}

#: NUM061: Aanduiding woonadres.
ADDRESS_INDICATIONS: Final[dict[str, str]] = {"AB": "Aan boord", "BY": "Bij", "TO": "Tegenover", "WW": "Woonwagen"}

#: WJ003: Wettelijke vertegenwoordiging.
LEGAL_REPRESENTATION: Final[dict[str, str]] = {
    "06": "Voogdij",
    "07": "Bewindvoering",
    "08": "Mentorschap",
    "09": "Onder curatele stelling",
    "10": "Zaakwaarneming",
}

#: WJ232: Juridische status.
LEGAL_STATUS: Final[dict[str, str]] = {
    "01": "Rechterlijke machtiging (rm) voorlopig / voortgezette machtiging",
    "02": "RM op eigen verzoek",
    "03": "RM met voorwaardelijk ontslag",
    "04": "Onder toezichtstelling (ots)",
    "05": "In bewaring stelling (ibs)",
    "11": "Strafrechterlijke justitiele contacten: tbs",
    "12": "Strafrechterlijke justitiele contacten: overig",
}

#: WJ758: Reden verzoek.
REQUEST_REASONS: Final[dict[str, str]] = {"1": "Verandering clientsituatie", "2": "Wijziging zorgplan"}

#: WJ760: Verzoek antwoord, the answer a 319 gives to a request (315 AangevraagdProduct or 317
#: Verzoek). There is no "granted": a request is granted by a 301 that names its
#: ReferentieAanbieder (TR379); it is pending until that 301 or a refusal arrives (TR374).
REQUEST_ANSWERS: Final[dict[str, str]] = {"1": "Verzoek afgewezen", "2": "Aanvraag in onderzoek"}
ANSWER_REFUSED: Final = "1"
ANSWER_INVESTIGATING: Final = "2"

#: WJ759: Reden afwijzing verzoek (the same list under both laws).
REFUSAL_REASONS: Final[dict[str, str]] = {
    "1": "Geen wijziging, maar nieuwe aanvraag",
    "2": "Past niet binnen budget",
    "3": "Geen contract",
    "4": "Past niet binnen contract",
    "5": "Andere gemeente",
    "6": "Stapeling",
    "7": "Zorginhoudelijke afkeur",
    "8": "Woonplaatsbeginsel",
    "9": "Leeftijdsgrens is bereikt",
}
REFUSAL_RESIDENCE: Final = "8"

#: WJ001: Retourcode.
RETOUR_CODES: Final[dict[str, str]] = {
    "0001": "Bericht is afgekeurd om technische redenen.",
    "0200": "Geen opmerking over deze berichtklasse.",
    "0233": "Berichtklasse is niet beoordeeld.",
    "0611": "Het ingediende tarief komt niet overeen met het contractuele tarief.",
    "8001": "Declaratie is volledig toegewezen.",
    "8017": "Van deze credit prestatie is geen debet prestatie bekend.",
    "8021": "Referentienummer prestatie is reeds aangeleverd.",
    "8187": "De prestatie hoort niet bij deze client.",
    "8214": "DeclaratiePeriode is niet de kalendermaand die volgt op voorgaande DeclaratiePeriode terwijl "
    "iedere declaratieperiode zorg geleverd is.",
    "8848": "Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen.",
    "9019": "Het regiebericht kan niet gekoppeld worden aan een toewijzing.",
    "9056": "Identificatie moet per berichtsoort uniek zijn voor de verzendende partij.",
    "9063": "Het bericht kan niet verwerkt worden omdat geen eerder bericht ontvangen is.",
    "9069": "Er is geen actueel startbericht met dezelfde sleutel.",
    "9071": "Het eerdere startbericht kan niet verwijderd worden omdat de zorg al beeindigd is.",
    "9074": "Er is al een eerder bericht ontvangen met dezelfde sleutel.",
    "9307": "Begindatum prestatie ligt niet tussen de ingangsdatum en einddatum toewijzing.",
    "9308": "Einddatum prestatie ligt niet tussen de ingangsdatum en einddatum toewijzing.",
    "9319": "De ProductPeriode valt niet geheel binnen een DeclaratiePeriode.",
    "9321": "Het ingediende volume overschrijdt het toegewezen volume.",
    "9322": "De som van de ingediende volumes overschrijdt het toegewezen volume.",
    "9326": "De actuele levering is nog niet gestopt met een Stopbericht.",
    "9332": "Toewijzing heeft geen uniek nummer binnen wettelijk domein.",
    "9333": "Declaratienummer is niet uniek.",
    "9338": "Niet iedere prestatie in een declaratiebericht is gerelateerd aan een toegewezen product op basis "
    "van het toewijzingnummer.",
    "9339": "ProductCategorie in de prestatie is niet gelijk aan ProductCategorie in het ToegewezenProduct.",
    "9340": "ProductCode in de Prestatie is niet gelijk aan ProductCode in het ToegewezenProduct.",
    "9341": "Eenheid in de Prestatie past niet bij Eenheid in het ToegewezenProduct.",
    "9346": "Eenheid is ongelijk aan waarde 83 (Euro's), maar IngediendBedrag is niet gelijk aan GeleverdVolume "
    "vermenigvuldigd met (het onafgeronde) ProductTarief.",
    "9347": "ReferentieAanbieder is niet uniek voor de aanbieder binnen het wettelijk domein.",
    "9349": "Het VOW bericht bevat niet alle actuele toegewezen producten van de client, hetzij in "
    "OngewijzigdProduct, hetzij in TeWijzigenProduct.",
    "9350": "OngewijzigdProduct is niet gerelateerd aan een actueel toegewezen product op basis van het "
    "toewijzingnummer.",
    "9351": "TeWijzigenProduct is niet gerelateerd aan een actuele toewijzing op basis van ToewijzingNummer.",
    "9355": "ReferentieAanbieder in het antwoordbericht komt niet voor in een eerder verzoek om toewijzing of "
    "verzoek om wijziging.",
    "9357": "GewensteIngangsdatum is kleiner dan of gelijk aan de dagtekening, maar niet gelijk aan de "
    "ingangsdatum van het originele ToegewezenProduct.",
    "9359": "Er is al een toewijzing gestuurd met deze ReferentieAanbieder.",
    "9360": "Er is al een antwoordbericht met deze ReferentieAanbieder, terwijl antwoordbericht in "
    "VerzoekAntwoord waarde 2 (aanvraag in onderzoek) heeft.",
    "9361": "Het product komt vaker voor met overlappende zorgperiodes.",
    "9365": "Er is al een antwoordbericht met dezelfde ReferentieAanbieder waar VerzoekAntwoord niet de waarde "
    "'Aanvraag in onderzoek' heeft.",
    "9366": "ProductReferentie komt niet voor in een Declaratiebericht.",
    "9367": "De waarde komt niet overeen met de waarde uit heenbericht met gelijke ProductReferentie.",
    "9369": "Budget is meegegeven, maar de som van GeleverdVolume in alle ingediende Prestaties past niet binnen "
    "het toegewezen Budget.",
    "9373": "Budget is gewijzigd, maar GewensteIngangsdatum is niet gelijk aan die in de actuele toewijzing.",
    "9374": "Er is al een verzoek onderhanden.",
    "9375": "Omvang is gevuld, terwijl Product in toewijzing met ToewijzingNummer leeg is en Einddatum groter dan "
    "31-12-2020 of leeg is.",
    "9379": "ReferentieAanbieder refereert niet naar een verzoek om toewijzing of verzoek om wijziging, is "
    "onterecht gevuld.",
    "9384": "Declaratie op toewijzing met RedenWijziging 13 (Verwijderd).",
    "9385": "Toewijzing heeft goedgekeurde declaratieregels.",
    "9387": "Begindatum van de ProductPeriode is niet eerste dag van de kalendermaand waarop ProductPeriode "
    "betrekking heeft en Ingangsdatum van de toewijzing ligt niet later in deze betreffende maand.",
    "9388": "Einddatum van de ProductPeriode is niet laatste dag van de kalendermaand waarop ProductPeriode "
    "betrekking heeft en Einddatum van de toewijzing ligt niet eerder in deze betreffende maand.",
    "9389": "Deze prestatie heeft een debetprestatie zonder bijbehorende creditprestatie.",
    "9390": "Er is al een Prestatie met gelijk ProductReferentie met waarde Credit.",
    "9411": "Omvang is leeg, terwijl Code in Product bij de toewijzing met ToewijzingNummer gevuld is.",
    "9412": "Omvang is niet leeg, terwijl Code in Product bij de toewijzing met ToewijzingNummer leeg is en "
    "einddatum groter dan 31-12-2020 of leeg is.",
    "9413": "StatusAanlevering is waarde 1 of 2 en RedenBeeindiging heeft waarde 20, terwijl er al een ander "
    "StopProduct met hetzelfde Bsn, ToewijzingNummer, Begindatum en RedenBeeindiging waarde 20 is.",
    "9414": "Einddatum is niet >= aan Einddatum uit actuele StopProduct met gelijk Bsn, ToewijzingNummer en "
    "Begindatum.",
    "9415": "Er is al een StopProduct met gelijk Bsn, ToewijzingNummer, Begindatum en RedenBeeindiging <> waarde "
    "20 en StatusAanlevering heeft waarde 1 of 2.",
    "S300": "Gemeentecode komt niet voor in de lijst van CBS.",
    "S329": "ProductCode hoort niet bij de ProductCategorie.",
}
ACCEPTED: Final = "0200"
TECHNICAL: Final = "0001"
FULLY_GRANTED: Final = "8001"
#: Retour codes that mean "accepted" in an answer message.
ACCEPTING_CODES: Final[frozenset[str]] = frozenset({ACCEPTED, FULLY_GRANTED})

#: Regie's own fault codes, used where the standard has no retour code for a fault found before a
#: message can be judged under the standard at all (it is then answered with 0001).
OWN_CODES: Final[dict[str, str]] = {
    "RG01": "Bestand is groter dan de toegestane omvang.",
    "RG02": "Bestand bevat een DOCTYPE of entiteit; die zijn niet toegestaan.",
    "RG03": "Bestand is geen goedgevormde XML.",
    "RG04": "Onbekend bericht: naamruimte of rootelement hoort niet bij een iJw/iWmo 3.2-bericht.",
    "RG05": "Bestand kan niet gelezen worden.",
    "RG06": "Bestand is niet van de aanleverende aanbieder (afzender of aanbieder is een ander).",
}

#: COD032: Land (ISO 3166 alpha-2 as used by the standard).
COUNTRIES: Final[frozenset[str]] = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
    BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET
    FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM
    IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD
    ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST
    SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS
    YE YT ZA ZM ZW""".split()
)


def describe(code: str) -> str:
    """The Dutch description of a retour code or one of Regie's own fault codes.

    >>> describe("9346")[:24]
    'Eenheid is ongelijk aan '
    >>> describe("XXXX")
    'Onbekende code XXXX'
    """
    return RETOUR_CODES.get(code) or OWN_CODES.get(code) or f"Onbekende code {code}"
