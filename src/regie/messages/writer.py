"""Writing the model as standard XML: :func:`write`.

The element tree is built with lxml in the order the standard defines; the bytes are UTF-8
with an XML declaration, indented, and depend only on the model (same object, same bytes).
Nothing is validated here: :func:`regie.messages.read` is the place for that, and the tests
check that everything written validates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TypeAlias, TypeVar

from lxml import etree

from regie.messages.composites import TYPE_OF, layout
from regie.messages.model import (
    BERICHT_SUBVERSIE,
    BERICHT_VERSIE,
    AllocationClient,
    Answer,
    AnswerBody,
    ChangeRequestClient,
    Contact,
    Declaration,
    DeclarationAnswer,
    Header,
    Message,
    Performance,
    Relation,
    RequestAnswer,
    RequestClient,
    RequestReply,
    StartClient,
    StopClient,
    basis_namespace,
)

_Element: TypeAlias = etree._Element
CodeLookup = Callable[[str], Sequence[str]]
T = TypeVar("T")


def _index(name: str, i: int, count: int) -> str:
    """A path step: ``name[i]`` (1-based) when the element repeats, else ``name``."""
    return f"{name}[{i + 1}]" if count > 1 else name


class _Builder:
    """Builds one message: knows the message (``m``) and basisschema (``b``) namespaces."""

    __slots__ = ("b", "codes", "m")

    def __init__(self, message_ns: str, basis_ns: str, codes: CodeLookup | None) -> None:
        self.m = "{" + message_ns + "}"
        self.b = "{" + basis_ns + "}"
        self.codes = codes

    # -- leaves -------------------------------------------------------------------------------

    def m_text(self, parent: _Element, name: str, value: str | int | dt.date | dt.time | None) -> None:
        if value is not None:
            etree.SubElement(parent, self.m + name).text = _text(value)

    def b_text(self, parent: _Element, name: str, value: str | int | dt.date | dt.time | None) -> None:
        if value is not None:
            etree.SubElement(parent, self.b + name).text = _text(value)

    def m_el(self, parent: _Element, name: str) -> _Element:
        return etree.SubElement(parent, self.m + name)

    def b_el(self, parent: _Element, name: str) -> _Element:
        return etree.SubElement(parent, self.b + name)

    def retour_codes(self, parent: _Element, codes: Sequence[str]) -> None:
        if codes:
            box = self.m_el(parent, "RetourCodes")
            for code in codes:
                self.m_text(box, "RetourCode", code)

    def record_codes(self, parent: _Element, path: str) -> None:
        """In an answer, the RetourCodes of the record at ``path`` (default 0200)."""
        if self.codes is not None:
            self.retour_codes(parent, list(self.codes(path)) or ["0200"])

    def records(
        self,
        parent: _Element,
        container: str,
        item: str,
        base: str,
        objects: Sequence[T],
        fill: Callable[[_Element, T, str], None],
        *,
        optional: bool = False,
    ) -> None:
        """The element ``container`` with an element ``item`` per object, filled by
        ``fill(element, object, path)`` and closed by the record's RetourCodes (in an answer);
        an ``optional`` container is left out when there are no objects."""
        if optional and not objects:
            return
        box = self.m_el(parent, container)
        for i, obj in enumerate(objects):
            path = f"{base}/{container}/{_index(item, i, len(objects))}"
            element = self.m_el(box, item)
            fill(element, obj, path)
            self.record_codes(element, path)

    def objects(
        self,
        parent: _Element,
        container: str,
        item: str,
        base: str,
        objects: Sequence[object],
        *,
        optional: bool = False,
    ) -> None:
        """:meth:`records` of objects the model holds as one each, filled by :meth:`fill`."""
        self.records(parent, container, item, base, objects, lambda e, o, _: self.fill(e, o), optional=optional)

    # -- composite data types (basisschema) ---------------------------------------------------

    def part(self, parent: _Element, name: str, value: object, cdt: str | None = None, *, basis: bool = False) -> None:
        """The composite ``value`` (a model object of :data:`regie.messages.composites.MODEL`) as
        the element ``name``, in the message namespace (the ``basis`` one inside a composite);
        nothing when ``value`` is None. ``cdt`` names the type where its class stands for two
        (an amount or a total)."""
        if value is not None:
            self.fill(etree.SubElement(parent, (self.b if basis else self.m) + name), value, cdt)

    def fill(self, box: _Element, value: object, name: str | None = None) -> None:
        """The elements of ``value``, a model object of :data:`regie.messages.composites.MODEL`,
        inside ``box``, in the order of its type (``name``, by default its class's)."""
        for slot in layout(name or TYPE_OF[type(value)]):
            field = getattr(value, slot.field)
            if slot.part is not None:
                self.part(box, slot.name, field, slot.part, basis=slot.basis)
            elif field is not None:
                etree.SubElement(box, (self.b if slot.basis else self.m) + slot.name).text = _text(field)

    def identification(self, parent: _Element, name: str, identification: str, dagtekening: dt.date) -> None:
        box = self.m_el(parent, name)
        self.b_text(box, "Identificatie", identification)
        self.b_text(box, "Dagtekening", dagtekening)

    def contact(self, parent: _Element, value: Contact, path: str) -> None:
        box = self.m_el(parent, "Contact")
        self.m_text(box, "Soort", value.kind)
        self.part(box, "Adres", value.address)
        self.m_text(box, "Organisatie", value.organisation)
        if value.phones:
            phones = self.m_el(box, "Telefoon")
            for i, phone in enumerate(value.phones):
                self.part(phones, f"Telefoon0{i + 1}", phone, basis=True)
        self.m_text(box, "Emailadres", value.email)
        self.part(box, "Periode", value.period)
        self.record_codes(box, path)


def _text(value: str | int | dt.date | dt.time) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # never in the model, but keep True from becoming "True"
        raise TypeError("bool is not a message value")
    if isinstance(value, int):
        return str(value)
    return value.isoformat()


# --- headers ----------------------------------------------------------------------------------


def _header(w: _Builder, root: _Element, header: Header) -> _Element:
    box = w.m_el(root, "Header")
    w.m_text(box, "BerichtCode", header.code)
    w.m_text(box, "BerichtVersie", BERICHT_VERSIE)
    w.m_text(box, "BerichtSubversie", BERICHT_SUBVERSIE)
    w.m_text(box, "Afzender", header.sender)
    w.m_text(box, "Ontvanger", header.receiver)
    w.identification(box, "BerichtIdentificatie", header.identification, header.dagtekening)
    w.part(box, "XsdVersie", header.xsd)
    return box


# --- clients ----------------------------------------------------------------------------------


def _allocation_client(w: _Builder, root: _Element, client: AllocationClient) -> None:
    box = w.m_el(root, "Client")
    base = "/Bericht/Client"
    _person(w, box, client)
    w.part(box, "Communicatie", client.communication)
    w.m_text(box, "JuridischeStatus", client.legal_status)
    w.m_text(box, "WettelijkeVertegenwoordiging", client.legal_representation)
    w.m_text(box, "Commentaar", client.comment)
    w.records(
        box, "Relaties", "Relatie", base, client.relations, lambda e, r, path: _relation(w, e, r, path), optional=True
    )
    contacts = w.m_el(box, "Contactgegevens")
    for i, contact in enumerate(client.contacts):
        w.contact(contacts, contact, f"{base}/Contactgegevens/{_index('Contact', i, len(client.contacts))}")
    w.objects(box, "ToegewezenProducten", "ToegewezenProduct", base, client.products)
    w.record_codes(box, base)


def _relation(w: _Builder, box: _Element, relation: Relation, path: str) -> None:
    w.m_text(box, "Nummer", relation.number)
    w.m_text(box, "Volgorde", relation.order)
    w.m_text(box, "Soort", relation.kind)
    w.part(box, "Geboortedatum", relation.birth_date)
    w.m_text(box, "Geslacht", relation.gender)
    w.part(box, "Naam", relation.name)
    w.contact(box, relation.contact, f"{path}/Contact")


def _person(w: _Builder, box: _Element, client: AllocationClient | StartClient | StopClient | RequestClient) -> None:
    """The Bsn, Geboortedatum, Geslacht and Naam (the full one in a 301) a client starts with."""
    w.m_text(box, "Bsn", client.bsn)
    w.part(box, "Geboortedatum", client.birth_date)
    w.m_text(box, "Geslacht", client.gender)
    w.part(box, "Naam", client.name)


#: Where the client record of a message sits.
_CLIENT = "/Bericht/Client"


def _care_client(w: _Builder, root: _Element, client: StartClient | StopClient) -> None:
    """The client of a start (305) or a stop (307) of care, with its products."""
    box = w.m_el(root, "Client")
    _person(w, box, client)
    kind = "Start" if isinstance(client, StartClient) else "Stop"
    w.objects(box, f"{kind}Producten", f"{kind}Product", _CLIENT, client.products)
    w.record_codes(box, _CLIENT)


def _request_client(w: _Builder, root: _Element, client: RequestClient) -> None:
    box = w.m_el(root, "Client")
    _person(w, box, client)
    w.m_text(box, "GezagsdragerBekend", client.guardian_known)
    w.m_text(box, "Commentaar", client.comment)
    w.objects(box, "AangevraagdeProducten", "AangevraagdProduct", _CLIENT, client.products)
    w.record_codes(box, _CLIENT)


def _change_request_client(w: _Builder, root: _Element, client: ChangeRequestClient) -> None:
    box = w.m_el(root, "Client")
    w.m_text(box, "Bsn", client.bsn)
    request = w.m_el(box, "Verzoek")
    base = "/Bericht/Client/Verzoek"
    w.m_text(request, "ReferentieAanbieder", client.provider_reference)
    w.m_text(request, "RedenVerzoek", client.reason)
    w.records(
        request,
        "OngewijzigdeProducten",
        "OngewijzigdProduct",
        base,
        client.unchanged,
        lambda e, number, _: w.m_text(e, "ToewijzingNummer", number),
        optional=True,
    )
    w.objects(request, "TeWijzigenProducten", "TeWijzigenProduct", base, client.changed, optional=True)
    w.objects(request, "NieuweProducten", "NieuwProduct", base, client.new, optional=True)
    w.record_codes(request, base)
    w.record_codes(box, _CLIENT)


def _request_answer(w: _Builder, root: _Element, answer: RequestAnswer) -> None:
    box = w.m_el(root, "Antwoord")
    base = "/Bericht/Antwoord"
    w.m_text(box, "ReferentieAanbieder", answer.provider_reference)
    w.m_text(box, "VerzoekAntwoord", answer.answer)
    w.m_text(box, "RedenAfwijzingVerzoek", answer.refusal_reason)
    if answer.responsible_municipality is not None:
        residence = w.m_el(box, "Woonplaatsbeginsel")
        w.m_text(residence, "Gemeente", answer.responsible_municipality)
        w.record_codes(residence, f"{base}/Woonplaatsbeginsel")
    w.record_codes(box, base)


_CLIENT_WRITERS: Mapping[type, Callable[[_Builder, _Element, AnswerBody], None]] = {
    AllocationClient: _allocation_client,  # type: ignore[dict-item]
    StartClient: _care_client,  # type: ignore[dict-item]
    StopClient: _care_client,  # type: ignore[dict-item]
    RequestClient: _request_client,  # type: ignore[dict-item]
    ChangeRequestClient: _change_request_client,  # type: ignore[dict-item]
    RequestAnswer: _request_answer,  # type: ignore[dict-item]
}


# --- declarations -----------------------------------------------------------------------------


def _declaration(w: _Builder, root: _Element, message: Declaration) -> None:
    box = w.m_el(root, "Declaratie")
    w.m_text(box, "DeclaratieNummer", message.number)
    w.part(box, "DeclaratiePeriode", message.period)
    w.m_text(box, "DeclaratieDagtekening", message.declaration_date)
    w.part(box, "TotaalIngediendBedrag", message.total, "CDT_TotaalBedragMetDC")
    clients = w.m_el(box, "Clienten")
    for client in message.clients:
        item = w.m_el(clients, "Client")
        w.m_text(item, "Bsn", client.bsn)
        performances = w.m_el(item, "Prestaties")
        for performance in client.performances:
            _performance(w, performances, performance, None)


def _performance(w: _Builder, parent: _Element, p: Performance, codes: Sequence[str] | None) -> None:
    """A Prestatie; in a 325 (``codes`` given) followed by its RetourCodes."""
    box = w.m_el(parent, "Prestatie")
    reference = w.m_el(box, "ProductReferentie")
    w.b_text(reference, "ReferentieNummer", p.reference)
    w.b_text(reference, "VorigReferentieNummer", p.previous_reference)
    w.m_text(box, "ToewijzingNummer", p.allocation_number)
    w.m_text(box, "ProductCategorie", p.category)
    w.m_text(box, "ProductCode", p.code)
    w.part(box, "ProductPeriode", p.period)
    w.m_text(box, "GeleverdVolume", p.volume)
    w.m_text(box, "Eenheid", p.unit)
    w.m_text(box, "ProductTarief", p.tariff)
    w.part(box, "IngediendBedrag", p.amount)
    if codes is not None:
        w.retour_codes(box, codes)


def _declaration_answer(w: _Builder, root: _Element, message: DeclarationAnswer) -> None:
    header = _header(w, root, message.header)
    w.identification(
        header, "DeclaratieIdentificatie", message.declaration_identification, message.declaration_dagtekening
    )
    w.m_text(header, "XsltVersie", message.xslt_version)
    w.part(header, "XsdVersieDeclaratie", message.xsd_declaration)
    w.retour_codes(header, message.codes or ("0200",))
    body = message.body
    if body is None:
        return
    box = w.m_el(root, "DeclaratieAntwoord")
    w.m_text(box, "DeclaratieNummer", body.number)
    w.part(box, "TotaalIngediendBedrag", body.total_submitted, "CDT_TotaalBedragMetDC")
    w.part(box, "TotaalToegekendBedrag", body.total_granted, "CDT_TotaalBedragMetDC")
    if body.clients:
        clients = w.m_el(box, "Clienten")
        for client in body.clients:
            item = w.m_el(clients, "Client")
            w.m_text(item, "Bsn", client.bsn)
            performances = w.m_el(item, "Prestaties")
            for answered in client.performances:
                _performance(w, performances, answered.performance, answered.codes or ("0200",))
            w.retour_codes(item, client.codes or ("0200",))
    w.retour_codes(box, body.codes or ("0200",))


# --- entry point ------------------------------------------------------------------------------


def build(message: Message) -> _Element:
    """The lxml element tree of ``message`` (the root ``Bericht``)."""
    header = message.header
    message_ns = header.namespace
    basis_ns = basis_namespace(header.law)
    prefix = f"{header.law}{header.message}"
    nsmap = {"ijw" if header.law == "jw" else "iwmo": basis_ns, prefix: message_ns}
    if isinstance(message, Answer):
        codes = dict(message.record_codes)
        w = _Builder(message_ns, basis_ns, lambda path: codes.get(path, ()))
    else:
        w = _Builder(message_ns, basis_ns, None)
    root = etree.Element(w.m + "Bericht", nsmap=nsmap)
    if isinstance(message, Declaration):
        _header(w, root, header)
        _declaration(w, root, message)
    elif isinstance(message, DeclarationAnswer):
        _declaration_answer(w, root, message)
    elif isinstance(message, Answer):
        box = _header(w, root, header)
        retour = message.retour
        w.m_text(box, "IdentificatieRetour", retour.identification)
        w.m_text(box, "DagtekeningRetour", retour.dagtekening)
        w.m_text(box, "XsltVersie", retour.xslt_version)
        w.part(box, "XsdVersieRetour", retour.xsd)
        w.retour_codes(box, retour.codes)
        if message.client is not None:
            _CLIENT_WRITERS[type(message.client)](w, root, message.client)
    elif isinstance(message, RequestReply):
        _header(w, root, header)
        _request_answer(w, root, message.answer)
    else:
        _header(w, root, header)
        _CLIENT_WRITERS[type(message.client)](w, root, message.client)
    return root


def record_paths(message: Answer) -> tuple[str, ...]:
    """The paths of the records of ``message`` that carry RetourCodes (each record once).

    These are the keys of :attr:`Answer.record_codes`.
    """
    seen: list[str] = []

    def capture(path: str) -> Sequence[str]:
        seen.append(path)
        return ()

    if message.client is not None:
        header = message.header
        w = _Builder(header.namespace, basis_namespace(header.law), capture)
        _CLIENT_WRITERS[type(message.client)](w, etree.Element("Bericht"), message.client)
    return tuple(seen)


def write(message: Message) -> bytes:
    """The standard XML of ``message``: UTF-8, namespaces and element order as the standard defines.

    Deterministic: the same message gives the same bytes.
    """
    root = build(message)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result
