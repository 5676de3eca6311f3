"""Reading the parts of a message tree: :class:`TreeReader` finds elements in the message and
basisschema namespaces, reads leaves and the small composite data types the messages share,
and notes the retour codes of each record; :mod:`regie.messages.reader` maps whole messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from lxml import etree

from regie.messages.codes import Law
from regie.messages.composites import MODEL, as_date, as_int, layout
from regie.messages.model import Contact, Header

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

    Accessors take the children of an element as made by :func:`kids`; the composite types of
    the basisschema and the records the model holds as one object are read by
    :meth:`fill`, from the layout of :mod:`regie.messages.composites`.
    """

    __slots__ = ("b", "codes", "m")

    def __init__(self, message_ns: str, basis_ns: str) -> None:
        self.m = "{" + message_ns + "}"
        self.b = "{" + basis_ns + "}"
        self.codes: list[tuple[str, tuple[str, ...]]] = []

    # -- leaves -------------------------------------------------------------------------------

    def me(self, k: Kids, name: str) -> Element | None:
        """The element ``name`` of the message namespace among ``k`` (None when absent)."""
        return k.get(self.m + name)

    def need_el(self, k: Kids, name: str) -> Element:
        """The element ``name`` of the message namespace among ``k``; a ValueError when absent."""
        found = self.me(k, name)
        if found is None:
            raise ValueError(f"{name} ontbreekt")
        return found

    def mk(self, k: Kids, name: str) -> Kids | None:
        found = self.me(k, name)
        return None if found is None else kids(found)

    def need(self, k: Kids, name: str) -> Kids:
        return kids(self.need_el(k, name))

    def mt(self, k: Kids, name: str) -> str | None:
        found = self.me(k, name)
        return None if found is None else text_of(found)

    def mt1(self, k: Kids, name: str) -> str:
        return text_of(self.need_el(k, name))

    def items(self, k: Kids, container: str) -> list[Element]:
        """The records inside the (optional) container element ``container``."""
        found = self.me(k, container)
        return [] if found is None else list(found)

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

    def objects(self, k: Kids, container: str, item: str, base: str) -> tuple[Any, ...]:
        """The records ``item`` inside ``container`` that the model holds as one object each
        (its type is named as the element: see :mod:`regie.messages.composites`)."""
        return self.records(k, container, item, base, lambda record, _: self.fill(record, item))

    # -- composite and record types (the layout of regie.messages.composites) ------------------

    def part(self, el: Element | None, name: str) -> Any:
        """The model object of the composite type ``name`` held by ``el`` (None when absent)."""
        return None if el is None else self.fill(kids(el), name)

    def fill(self, k: Kids, name: str) -> Any:
        """The model object of the composite or record type ``name`` from the children ``k``."""
        values: dict[str, Any] = {}
        for slot in layout(name):
            found = k.get((self.b if slot.basis else self.m) + slot.name)
            if found is None:
                if slot.required:
                    raise ValueError(f"{slot.name} ontbreekt")
                values[slot.field] = None
            elif slot.part is None:
                values[slot.field] = slot.parse(found.text or "")
            else:
                values[slot.field] = self.part(found, slot.part)
        cls, _ = MODEL[name]
        return cls(**values)

    def contact(self, k: Kids, path: str) -> Contact:
        phones = self.me(k, "Telefoon")
        self.record(k, path)
        return Contact(
            kind=self.mt1(k, "Soort"),
            address=self.part(self.me(k, "Adres"), "CDT_Adres"),
            organisation=self.mt(k, "Organisatie"),
            phones=() if phones is None else tuple(self.part(item, "CDT_Telefoon") for item in phones),
            email=self.mt(k, "Emailadres"),
            period=self.part(self.me(k, "Periode"), "CDT_OpenPeriode"),
        )


def as_opt_date(text: str | None) -> dt.date | None:
    return None if text is None else as_date(text)


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
        xsd=r.part(r.need_el(box, "XsdVersie"), "CDT_XsdVersie"),
    )
    return header, box
