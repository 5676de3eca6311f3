"""The parts of a message the model holds as one object each, as a table for the writer and the
reader: the composite data types of the basisschema and the records of the request messages.

:data:`MODEL` names, for each composite type (``CDT_*`` of
:data:`regie.messages.elements.COMPLEX_TYPES`) and each record type of a request message (its
local type in :data:`regie.messages.elements.MESSAGES`, e.g. ``ToegewezenProduct``) that one
model class stands for, that class and the field each element of the type fills, in the type's
order. The element names, their order and whether they are required come from ``elements``
alone; how a text becomes a value (a date, an integer, a time) from the model field's type. The
writer (:meth:`regie.messages.writer._Builder.fill`) and the tree reader
(:meth:`regie.messages.tree.TreeReader.fill`) both go through :func:`layout`.

>>> [(slot.name, slot.field, slot.required) for slot in layout("CDT_Product")]
[('Categorie', 'category', True), ('Code', 'code', False)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args, get_type_hints

from regie.messages.elements import COMPLEX_TYPES, MESSAGES, El
from regie.messages.model import (
    Address,
    AllocatedProduct,
    Amount,
    BirthDate,
    ChangedProduct,
    Communication,
    Extent,
    FullName,
    House,
    NewProduct,
    OpenPeriod,
    Period,
    Phone,
    Product,
    Referrer,
    RequestedProduct,
    ShortName,
    StartProduct,
    StopProduct,
    Surname,
    XsdVersions,
)

#: The model class of a composite or record type and the field each of its elements fills, in order.
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
    "ToegewezenProduct": (
        AllocatedProduct,
        (
            "allocation_number",
            "provider_reference",
            "product",
            "allocation_date",
            "allocation_time",
            "start",
            "end",
            "change_reason",
            "extent",
            "budget",
            "comment",
        ),
    ),
    "StartProduct": (StartProduct, ("allocation_number", "product", "allocation_start", "start", "status")),
    "StopProduct": (
        StopProduct,
        ("allocation_number", "product", "allocation_start", "start", "end_reason", "end", "status"),
    ),
    "AangevraagdProduct": (
        RequestedProduct,
        (
            "provider_reference",
            "decision_number",
            "product",
            "decision_start",
            "allocation_start",
            "allocation_end",
            "extent",
            "budget",
            "referrer",
            "framework_contract",
            "comment",
        ),
    ),
    "TeWijzigenProduct": (ChangedProduct, ("allocation_number", "desired_start", "end", "extent", "budget")),
    "NieuwProduct": (NewProduct, ("product", "desired_start", "end", "extent", "budget")),
}

#: The type of each class, where a class stands for one type (an amount is written as
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


#: How the text of an element becomes a model value, by the type of the field it fills.
_PARSE: dict[object, Callable[[str], Any]] = {dt.date: as_date, int: as_int, dt.time: as_time, str: _as_text}


@dataclass(frozen=True, slots=True)
class Slot:
    """One element of a type: its name, whether it is in the basisschema's namespace (the
    elements of a composite type are), the model field it fills, whether the type requires it,
    and either the composite type it is (``part``) or how its text is read."""

    name: str
    basis: bool
    field: str
    required: bool
    part: str | None
    parse: Callable[[str], Any]


def _elements(name: str) -> tuple[El, ...]:
    """The elements of a composite type, or of the record type of the request message that has it."""
    if name in COMPLEX_TYPES:
        return COMPLEX_TYPES[name]
    return next(spec.types[name] for spec in MESSAGES.values() if name in spec.types)


@cache
def layout(name: str) -> tuple[Slot, ...]:
    """The elements of the composite or record type ``name`` with the model field each one fills."""
    cls, fields = MODEL[name]
    hints = get_type_hints(cls)
    slots = []
    for el, field in zip(_elements(name), fields, strict=True):
        kind = next((t for t in get_args(hints[field]) if t is not type(None)), hints[field])
        part = el.type if el.type in MODEL else None
        parse = _as_text if part is not None else _PARSE[kind]
        slots.append(Slot(el.name, name in COMPLEX_TYPES, field, el.min > 0, part, parse))
    return tuple(slots)
