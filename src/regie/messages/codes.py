"""Code lists of iJw / iWmo release 3.2, with their Dutch descriptions.

Source: the information model of the iStandaarden (iJw and iWmo 3.2 code lists, as copied in
the public repository ``i-Sociaal-Lab/jaapjunior`` under ``packages/api/{jw,wmo}/bronnen``).
The lists are data: ``codes.toml`` beside this module holds them by the standard's list id
(read once, on import); this module names each one. Codes are kept as the standard's strings
("04", "0200"). Lists that differ per law are keyed by law: ``"jw"`` (Jeugdwet, iJw) or
``"wmo"`` (Wmo, iWmo).

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

import tomllib
from importlib import resources
from typing import Any, Final, Literal

Law = Literal["jw", "wmo"]
LAWS: Final[tuple[Law, ...]] = ("jw", "wmo")

#: Standard name and namespace segment per law.
STANDARD: Final[dict[Law, str]] = {"jw": "ijw", "wmo": "iwmo"}

#: The code lists themselves, by the standard's list id: data, in ``codes.toml`` beside this module.
_LISTS: Final[dict[str, Any]] = tomllib.loads(resources.files(__package__).joinpath("codes.toml").read_text("utf-8"))

#: COD002-VEKT: BerichtCode per law and message.
MESSAGE_CODES: Final[dict[Law, dict[str, str]]] = _LISTS["COD002-VEKT"]

#: The answer (retourbericht) to each request message of release 3.2; the request messages are
#: its keys, and every message Regie reads and writes is one of its keys or values.
ANSWER_MESSAGES: Final[dict[str, str]] = {
    "301": "302",
    "305": "306",
    "307": "308",
    "315": "316",
    "317": "318",
    "319": "320",
    "323": "325",
}
REQUEST_MESSAGES: Final[tuple[str, ...]] = tuple(ANSWER_MESSAGES)
ALL_MESSAGES: Final[tuple[str, ...]] = tuple(sorted((*ANSWER_MESSAGES, *ANSWER_MESSAGES.values())))


def message_code(law: Law, message: str) -> str:
    """The BerichtCode (COD002-VEKT) of ``message`` ("301", ...) under ``law``."""
    return MESSAGE_CODES[law][message]


#: WJ756: Eenheid.
UNITS: Final[dict[str, str]] = _LISTS["WJ756"]
UNIT_EURO: Final = "83"

#: WMO757: Frequentie.
FREQUENCIES: Final[dict[str, str]] = _LISTS["WMO757"]

#: JZ020 (iJw) and WMO020 (iWmo): Productcategorie.
PRODUCT_CATEGORIES: Final[dict[Law, dict[str, str]]] = {"jw": _LISTS["JZ020"], "wmo": _LISTS["WMO020"]}

#: JZ588 (iJw) and WMO588 (iWmo): Reden beeindiging.
END_REASONS: Final[dict[Law, dict[str, str]]] = {"jw": _LISTS["JZ588"], "wmo": _LISTS["WMO588"]}

#: JZ002 (iJw) and WMO002 (iWmo): Reden wijziging toewijzing (the same codes under both laws).
CHANGE_REASONS: Final[dict[Law, dict[str, str]]] = {"jw": _LISTS["JZ002"], "wmo": _LISTS["JZ002"]}
CHANGE_REASON_DELETED: Final = "13"

#: COD467: Status aanlevering.
DELIVERY_STATUS: Final[dict[str, str]] = _LISTS["COD467"]

#: COD043: Indicatie debet/credit.
DEBIT_CREDIT: Final[dict[str, str]] = _LISTS["COD043"]

#: COD046: Geslacht.
GENDERS: Final[dict[str, str]] = _LISTS["COD046"]

#: COD170: Datumgebruik.
DATE_USE: Final[dict[str, str]] = _LISTS["COD170"]

#: COD260: Ja of nee.
YES_NO: Final[dict[str, str]] = _LISTS["COD260"]

#: COD327: Code verwijzer.
REFERRER_TYPES: Final[dict[str, str]] = _LISTS["COD327"]
#: Referrer types that may carry a ZorgverlenerCode (CD066-CD068).
REFERRER_TYPES_WITH_AGB: Final[frozenset[str]] = frozenset({"02", "03", "04", "05"})

#: COD472: Soort relatie.
RELATION_KINDS: Final[dict[str, str]] = _LISTS["COD472"]

#: COD700: Naamgebruik.
NAME_USE: Final[dict[str, str]] = _LISTS["COD700"]

#: COD747: Communicatievorm.
COMMUNICATION_FORMS: Final[dict[str, str]] = _LISTS["COD747"]

#: COD757: Soort adres.
ADDRESS_KINDS: Final[dict[str, str]] = _LISTS["COD757"]

#: NUM061: Aanduiding woonadres.
ADDRESS_INDICATIONS: Final[dict[str, str]] = _LISTS["NUM061"]

#: WJ003: Wettelijke vertegenwoordiging.
LEGAL_REPRESENTATION: Final[dict[str, str]] = _LISTS["WJ003"]

#: WJ232: Juridische status.
LEGAL_STATUS: Final[dict[str, str]] = _LISTS["WJ232"]

#: WJ758: Reden verzoek.
REQUEST_REASONS: Final[dict[str, str]] = _LISTS["WJ758"]

#: WJ760: Verzoek antwoord, the answer a 319 gives to a request (315 AangevraagdProduct or 317
#: Verzoek). There is no "granted": a request is granted by a 301 that names its
#: ReferentieAanbieder (TR379); it is pending until that 301 or a refusal arrives (TR374).
REQUEST_ANSWERS: Final[dict[str, str]] = _LISTS["WJ760"]
ANSWER_REFUSED: Final = "1"
ANSWER_INVESTIGATING: Final = "2"

#: WJ759: Reden afwijzing verzoek (the same list under both laws).
REFUSAL_REASONS: Final[dict[str, str]] = _LISTS["WJ759"]
REFUSAL_RESIDENCE: Final = "8"

#: WJ001: Retourcode.
RETOUR_CODES: Final[dict[str, str]] = _LISTS["WJ001"]
ACCEPTED: Final = "0200"
TECHNICAL: Final = "0001"
FULLY_GRANTED: Final = "8001"
#: Retour codes that mean "accepted" in an answer message.
ACCEPTING_CODES: Final[frozenset[str]] = frozenset({ACCEPTED, FULLY_GRANTED})

#: Regie's own fault codes, used where the standard has no retour code for a fault found before a
#: message can be judged under the standard at all (it is then answered with 0001).
OWN_CODES: Final[dict[str, str]] = _LISTS["REGIE"]

#: COD032: Land (ISO 3166 alpha-2 as used by the standard).
COUNTRIES: Final[frozenset[str]] = frozenset(_LISTS["COD032"]["codes"])


def describe(code: str) -> str:
    """The Dutch description of a retour code or one of Regie's own fault codes.

    >>> describe("9346")[:24]
    'Eenheid is ongelijk aan '
    >>> describe("XXXX")
    'Onbekende code XXXX'
    """
    return RETOUR_CODES.get(code) or OWN_CODES.get(code) or f"Onbekende code {code}"
