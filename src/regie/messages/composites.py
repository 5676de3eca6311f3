"""The composite data types of the basisschema as the model holds them: one table for the writer
and the reader.

:data:`MODEL` names, for each composite type (``CDT_*`` of
:data:`regie.messages.elements.COMPLEX_TYPES`) that one model class stands for, that class and the
field each element of the type fills, in the type's order. The element names, their order and
their types come from ``COMPLEX_TYPES`` alone; how a text becomes a value (a date, an integer)
from the element's logical data type. The writer (:meth:`regie.messages.writer._Builder.part`)
and the tree reader (:meth:`regie.messages.tree.TreeReader.part`) both go through
:func:`layout`.

>>> [(slot.name, slot.field, slot.required) for slot in layout("CDT_Product")]
[('Categorie', 'category', True), ('Code', 'code', False)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from regie.messages.elements import COMPLEX_TYPES, simple_types
from regie.messages.model import (
    Address,
    Amount,
    BirthDate,
    Communication,
    Extent,
    FullName,
    House,
    OpenPeriod,
    Period,
    Phone,
    Product,
    Referrer,
    ShortName,
    Surname,
    XsdVersions,
)

#: The model class of a composite type and the field each of its elements fills, in order.
MODEL: dict[str, tuple[type, tuple[str, ...]]] = {
    "CDT_Achternaam": (Surname, ("name", "prefix")),
    "CDT_Adres": (Address, ("house", "postcode", "street", "city", "country")),
    "CDT_BedragMetDC": (Amount, ("cents", "debit_credit")),
    "CDT_Communicatie": (Communication, ("form", "language")),
    "CDT_Geboortedatum": (BirthDate, ("date", "date_use")),
    "CDT_GeslotenPeriode": (Period, ("begin", "end")),
    "CDT_Huis": (House, ("number", "letter", "addition", "indication")),
    "CDT_Omvang": (Extent, ("volume", "unit", "frequency")),
    "CDT_OpenPeriode": (OpenPeriod, ("begin", "end")),
    "CDT_Product": (Product, ("category", "code")),
    "CDT_Telefoon": (Phone, ("number", "country_code")),
    "CDT_TotaalBedragMetDC": (Amount, ("cents", "debit_credit")),
    "CDT_VerkorteNaam": (ShortName, ("surname", "first_names", "initials")),
    "CDT_Verwijzer": (Referrer, ("type", "care_provider_code", "name")),
    "CDT_VolledigeNaam": (FullName, ("surname", "partner_name", "first_names", "initials", "name_use")),
    "CDT_XsdVersie": (XsdVersions, ("basisschema", "message")),
}

#: The composite type of each class, where a class stands for one type (an amount is written as
#: CDT_BedragMetDC unless the caller names CDT_TotaalBedragMetDC).
TYPE_OF: dict[type, str] = {cls: name for name, (cls, _) in reversed(MODEL.items())}


def as_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


def as_int(text: str) -> int:
    return int(text.strip())


def as_time(text: str) -> dt.time:
    return dt.time.fromisoformat(text.strip())


def _as_text(text: str) -> str:
    return text


#: How the text of an element becomes a model value, by the XSD base of its logical data type.
_PARSE: dict[str, Callable[[str], Any]] = {
    "xs:date": as_date,
    "xs:integer": as_int,
    "xs:time": as_time,
    "xs:string": _as_text,
}


@dataclass(frozen=True, slots=True)
class Slot:
    """One element of a composite type: its name, the model field it fills, whether the type
    requires it, and either the composite type it is (``part``) or how its text is read."""

    name: str
    field: str
    required: bool
    part: str | None
    parse: Callable[[str], Any]


@cache
def layout(cdt: str) -> tuple[Slot, ...]:
    """The elements of composite type ``cdt`` with the model field each one fills."""
    bases = {name: simple.base for name, simple in simple_types("jw").items()}
    _, fields = MODEL[cdt]
    return tuple(
        Slot(el.name, field, el.min > 0, el.type if el.type in MODEL else None, _PARSE[bases.get(el.type, "xs:string")])
        for el, field in zip(COMPLEX_TYPES[cdt], fields, strict=True)
    )
