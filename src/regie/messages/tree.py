"""Reading the parts of a message tree: :class:`TreeReader` finds elements in the message and
basisschema namespaces, reads leaves and the small composite data types the messages share,
and notes the retour codes of each record; :mod:`regie.messages.reader` maps whole messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeAlias, TypeVar

from lxml import etree

from regie.messages.codes import Law
from regie.messages.model import (
    Address,
    Amount,
    BirthDate,
    Contact,
    Extent,
    FullName,
    Header,
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

Element: TypeAlias = etree._Element
T = TypeVar("T")


def child_path(name: str, i: int, count: int) -> str:
    """The path step of record ``i`` of ``count`` named ``name``: indexed only when there are several."""
    return f"{name}[{i + 1}]" if count > 1 else name


Kids: TypeAlias = dict[str, Element]


def kids(el: Element) -> Kids:
    """The children of ``el`` by tag. In a schema-valid message every child named here occurs
    once; repeated records sit alone in their container and are read with :meth:`TreeReader.items`."""
    return {child.tag: child for child in el}


def text_of(el: Element) -> str:
    """The text of an element (empty when it has none)."""
    return el.text or ""


class TreeReader:
    """Reads one message: knows its message (``m``) and basisschema (``b``) namespaces.

    Accessors take the children of an element as made by :func:`kids`; the small composite
    types of the basisschema are read by position, as the schema fixes their order.
    """

    __slots__ = ("b", "codes", "m")

    def __init__(self, message_ns: str, basis_ns: str) -> None:
        self.m = "{" + message_ns + "}"
        self.b = "{" + basis_ns + "}"
        self.codes: list[tuple[str, tuple[str, ...]]] = []

    # -- leaves -------------------------------------------------------------------------------

    def me(self, k: Kids, name: str) -> Element | None:
        return k.get(self.m + name)

    def mk(self, k: Kids, name: str) -> Kids | None:
        found = k.get(self.m + name)
        return None if found is None else kids(found)

    def need_el(self, k: Kids, name: str) -> Element:
        found = k.get(self.m + name)
        if found is None:
            raise ValueError(f"{name} ontbreekt")
        return found

    def need(self, k: Kids, name: str) -> Kids:
        return kids(self.need_el(k, name))

    def items(self, k: Kids, container: str) -> list[Element]:
        """The records inside the (optional) container element ``container``."""
        found = k.get(self.m + container)
        return [] if found is None else list(found)

    def mt(self, k: Kids, name: str) -> str | None:
        found = k.get(self.m + name)
        return None if found is None else (found.text or "")

    def bt(self, k: Kids, name: str) -> str | None:
        found = k.get(self.b + name)
        return None if found is None else (found.text or "")

    def bk(self, k: Kids, name: str) -> Kids | None:
        found = k.get(self.b + name)
        return None if found is None else kids(found)

    def mt1(self, k: Kids, name: str) -> str:
        found = k.get(self.m + name)
        if found is None:
            raise ValueError(f"{name} ontbreekt")
        return found.text or ""

    def bt1(self, k: Kids, name: str) -> str:
        found = k.get(self.b + name)
        if found is None:
            raise ValueError(f"{name} ontbreekt")
        return found.text or ""

    def retour_codes(self, k: Kids) -> tuple[str, ...]:
        box = k.get(self.m + "RetourCodes")
        if box is None:
            return ()
        return tuple((code.text or "") for code in box)

    def record(self, k: Kids, path: str) -> None:
        codes = self.retour_codes(k)
        if codes:
            self.codes.append((path, codes))

    def records(self, k: Kids, container: str, item: str, base: str, build: Callable[[Kids, str], T]) -> tuple[T, ...]:
        """Every record ``item`` inside ``container``, built by ``build`` from its children and
        its path; its retour codes are noted under that path (``base/container/item[i]``)."""
        items = self.items(k, container)
        out = []
        for i, el in enumerate(items):
            record_k = kids(el)
            path = f"{base}/{container}/{child_path(item, i, len(items))}"
            out.append(build(record_k, path))
            self.record(record_k, path)
        return tuple(out)

    # -- composite data types (by position: the schema fixes their order) ---------------------

    def xsd_versions(self, el: Element) -> XsdVersions:
        return XsdVersions(text_of(el[0]), text_of(el[1]))

    def birth_date(self, el: Element | None) -> BirthDate | None:
        if el is None:
            return None
        return BirthDate(as_date(text_of(el[0])), text_of(el[1]) if len(el) > 1 else None)

    def surname(self, el: Element | None) -> Surname | None:
        if el is None:
            return None
        return Surname(text_of(el[0]), text_of(el[1]) if len(el) > 1 else None)

    def short_name(self, k: Kids) -> ShortName:
        surname = self.surname(k.get(self.b + "Geslachtsnaam"))
        if surname is None:
            raise ValueError("Geslachtsnaam ontbreekt")
        return ShortName(surname, self.bt(k, "Voornamen"), self.bt(k, "Voorletters"))

    def full_name(self, k: Kids) -> FullName:
        surname = self.surname(k.get(self.b + "Geslachtsnaam"))
        if surname is None:
            raise ValueError("Geslachtsnaam ontbreekt")
        return FullName(
            surname=surname,
            name_use=self.bt1(k, "NaamGebruik"),
            partner_name=self.surname(k.get(self.b + "Partnernaam")),
            first_names=self.bt(k, "Voornamen"),
            initials=self.bt(k, "Voorletters"),
        )

    def product(self, el: Element | None) -> Product | None:
        if el is None:
            return None
        return Product(text_of(el[0]), text_of(el[1]) if len(el) > 1 else None)

    def extent(self, el: Element | None) -> Extent | None:
        if el is None:
            return None
        return Extent(as_int(text_of(el[0])), text_of(el[1]), text_of(el[2]))

    def period(self, el: Element) -> Period:
        return Period(as_date(text_of(el[0])), as_date(text_of(el[1])))

    def amount(self, el: Element) -> Amount:
        return Amount(as_int(text_of(el[0])), text_of(el[1]))

    def address(self, k: Kids | None) -> Address | None:
        if k is None:
            return None
        house_k = self.bk(k, "Huis")
        house = None
        if house_k is not None:
            house = House(
                as_int(self.bt1(house_k, "Huisnummer")),
                self.bt(house_k, "Huisletter"),
                self.bt(house_k, "HuisnummerToevoeging"),
                self.bt(house_k, "AanduidingWoonadres"),
            )
        return Address(
            house, self.bt(k, "Postcode"), self.bt(k, "Straatnaam"), self.bt(k, "Plaatsnaam"), self.bt(k, "LandCode")
        )

    def contact(self, k: Kids, path: str) -> Contact:
        phones: list[Phone] = []
        phone_el = self.me(k, "Telefoon")
        if phone_el is not None:
            for item in phone_el:
                phones.append(Phone(text_of(item[0]), text_of(item[1]) if len(item) > 1 else None))
        period_k = self.mk(k, "Periode")
        period = None
        if period_k is not None:
            period = OpenPeriod(
                as_opt_date(self.bt(period_k, "Begindatum")), as_opt_date(self.bt(period_k, "Einddatum"))
            )
        self.record(k, path)
        return Contact(
            kind=self.mt1(k, "Soort"),
            address=self.address(self.mk(k, "Adres")),
            organisation=self.mt(k, "Organisatie"),
            phones=tuple(phones),
            email=self.mt(k, "Emailadres"),
            period=period,
        )

    def referrer(self, k: Kids) -> Referrer:
        return Referrer(self.bt1(k, "Type"), self.bt(k, "Naam"), self.bt(k, "ZorgverlenerCode"))


def as_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


def as_opt_date(text: str | None) -> dt.date | None:
    return None if text is None else as_date(text)


def as_int(text: str) -> int:
    return int(text.strip())


def as_opt_int(text: str | None) -> int | None:
    return None if text is None else as_int(text)


def read_header(r: TreeReader, root: Kids, law: Law, message: str) -> tuple[Header, Kids]:
    """The Header of a message, and its children (an answer's retour part is read from them)."""
    box = r.need(root, "Header")
    ident = r.need_el(box, "BerichtIdentificatie")
    header = Header(
        law=law,
        message=message,
        sender=r.mt1(box, "Afzender"),
        receiver=r.mt1(box, "Ontvanger"),
        identification=text_of(ident[0]),
        dagtekening=as_date(text_of(ident[1])),
        xsd=r.xsd_versions(r.need_el(box, "XsdVersie")),
    )
    return header, box
