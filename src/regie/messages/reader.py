"""Mapping a (schema-valid) message tree onto the model.

:func:`identify` names the message from the root's namespace; :func:`to_model` turns the
element tree into the model objects of :mod:`regie.messages.model`. The public entry point
that parses bytes safely and validates first is :func:`regie.messages.read`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TypeAlias

from lxml import etree

from regie.messages.codes import ALL_MESSAGES, Law
from regie.messages.model import (
    Address,
    AllocatedProduct,
    Allocation,
    AllocationClient,
    AllocationRequest,
    Amount,
    Answer,
    AnswerBody,
    AnsweredClient,
    AnsweredPerformance,
    BirthDate,
    CareStart,
    CareStop,
    ChangedProduct,
    ChangeRequest,
    ChangeRequestClient,
    Communication,
    Contact,
    Declaration,
    DeclarationAnswer,
    DeclarationAnswerBody,
    DeclarationClient,
    Extent,
    FullName,
    Header,
    House,
    Message,
    NewProduct,
    OpenPeriod,
    Performance,
    Period,
    Phone,
    Product,
    Referrer,
    Relation,
    RequestAnswer,
    RequestClient,
    RequestedProduct,
    RequestReply,
    ReturnInfo,
    ShortName,
    StartClient,
    StartProduct,
    StopClient,
    StopProduct,
    Surname,
    XsdVersions,
    basis_namespace,
)

_Element: TypeAlias = etree._Element

_NAMESPACE = re.compile(r"^http://www\.istandaarden\.nl/(ijw|iwmo)/3_2/(jw|wmo)(\d{3})/schema$")


def identify(namespace: str | None) -> tuple[Law, str] | None:
    """The law and message number of a message namespace, or None when it is not one of ours.

    >>> identify("http://www.istandaarden.nl/ijw/3_2/jw301/schema")
    ('jw', '301')
    >>> identify("http://www.istandaarden.nl/ijw/3_2/wmo301/schema") is None
    True
    """
    match = _NAMESPACE.match(namespace or "")
    if match is None:
        return None
    standard, law, number = match.groups()
    if (standard, law) not in (("ijw", "jw"), ("iwmo", "wmo")) or number not in ALL_MESSAGES:
        return None
    return ("jw" if law == "jw" else "wmo"), number


def _index(name: str, i: int, count: int) -> str:
    return f"{name}[{i + 1}]" if count > 1 else name


Kids: TypeAlias = dict[str, _Element]


def _kids(el: _Element) -> Kids:
    """The children of ``el`` by tag. In a schema-valid message every child named here occurs
    once; repeated records sit alone in their container and are read with :meth:`_Reader.items`."""
    return {child.tag: child for child in el}


def _text(el: _Element) -> str:
    return el.text or ""


class _Reader:
    """Reads one message: knows its message (``m``) and basisschema (``b``) namespaces.

    Accessors take the children of an element as made by :func:`_kids`; the small composite
    types of the basisschema are read by position, as the schema fixes their order.
    """

    __slots__ = ("b", "codes", "m")

    def __init__(self, message_ns: str, basis_ns: str) -> None:
        self.m = "{" + message_ns + "}"
        self.b = "{" + basis_ns + "}"
        self.codes: list[tuple[str, tuple[str, ...]]] = []

    # -- leaves -------------------------------------------------------------------------------

    def me(self, k: Kids, name: str) -> _Element | None:
        return k.get(self.m + name)

    def mk(self, k: Kids, name: str) -> Kids | None:
        found = k.get(self.m + name)
        return None if found is None else _kids(found)

    def need_el(self, k: Kids, name: str) -> _Element:
        found = k.get(self.m + name)
        if found is None:
            raise ValueError(f"{name} ontbreekt")
        return found

    def need(self, k: Kids, name: str) -> Kids:
        return _kids(self.need_el(k, name))

    def items(self, k: Kids, container: str) -> list[_Element]:
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
        return None if found is None else _kids(found)

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

    # -- composite data types (by position: the schema fixes their order) ---------------------

    def xsd_versions(self, el: _Element) -> XsdVersions:
        return XsdVersions(_text(el[0]), _text(el[1]))

    def birth_date(self, el: _Element | None) -> BirthDate | None:
        if el is None:
            return None
        return BirthDate(_date(_text(el[0])), _text(el[1]) if len(el) > 1 else None)

    def surname(self, el: _Element | None) -> Surname | None:
        if el is None:
            return None
        return Surname(_text(el[0]), _text(el[1]) if len(el) > 1 else None)

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

    def product(self, el: _Element | None) -> Product | None:
        if el is None:
            return None
        return Product(_text(el[0]), _text(el[1]) if len(el) > 1 else None)

    def extent(self, el: _Element | None) -> Extent | None:
        if el is None:
            return None
        return Extent(_int(_text(el[0])), _text(el[1]), _text(el[2]))

    def period(self, el: _Element) -> Period:
        return Period(_date(_text(el[0])), _date(_text(el[1])))

    def amount(self, el: _Element) -> Amount:
        return Amount(_int(_text(el[0])), _text(el[1]))

    def address(self, k: Kids | None) -> Address | None:
        if k is None:
            return None
        house_k = self.bk(k, "Huis")
        house = None
        if house_k is not None:
            house = House(
                _int(self.bt1(house_k, "Huisnummer")),
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
                phones.append(Phone(_text(item[0]), _text(item[1]) if len(item) > 1 else None))
        period_k = self.mk(k, "Periode")
        period = None
        if period_k is not None:
            period = OpenPeriod(_opt_date(self.bt(period_k, "Begindatum")), _opt_date(self.bt(period_k, "Einddatum")))
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


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


def _opt_date(text: str | None) -> dt.date | None:
    return None if text is None else _date(text)


def _int(text: str) -> int:
    return int(text.strip())


def _opt_int(text: str | None) -> int | None:
    return None if text is None else _int(text)


# --- header -----------------------------------------------------------------------------------


def _header(r: _Reader, root: Kids, law: Law, message: str) -> tuple[Header, Kids]:
    box = r.need(root, "Header")
    ident = r.need_el(box, "BerichtIdentificatie")
    header = Header(
        law=law,
        message=message,
        sender=r.mt1(box, "Afzender"),
        receiver=r.mt1(box, "Ontvanger"),
        identification=_text(ident[0]),
        dagtekening=_date(_text(ident[1])),
        xsd=r.xsd_versions(r.need_el(box, "XsdVersie")),
    )
    return header, box


# --- clients ----------------------------------------------------------------------------------


def _allocation_client(r: _Reader, box: Kids) -> AllocationClient:
    base = "/Bericht/Client"
    communication_el = r.me(box, "Communicatie")
    communication = None
    if communication_el is not None:
        language = _text(communication_el[1]) if len(communication_el) > 1 else None
        communication = Communication(_text(communication_el[0]), language)
    relations: list[Relation] = []
    items = r.items(box, "Relaties")
    if items:
        for i, item in enumerate(items):
            k = _kids(item)
            path = f"{base}/Relaties/{_index('Relatie', i, len(items))}"
            relations.append(
                Relation(
                    number=r.mt1(k, "Nummer"),
                    kind=r.mt1(k, "Soort"),
                    name=r.full_name(r.need(k, "Naam")),
                    contact=r.contact(r.need(k, "Contact"), f"{path}/Contact"),
                    order=_opt_int(r.mt(k, "Volgorde")),
                    birth_date=r.birth_date(r.me(k, "Geboortedatum")),
                    gender=r.mt(k, "Geslacht"),
                )
            )
            r.record(k, path)
    contact_items = r.items(box, "Contactgegevens")
    contacts = tuple(
        r.contact(_kids(item), f"{base}/Contactgegevens/{_index('Contact', i, len(contact_items))}")
        for i, item in enumerate(contact_items)
    )
    product_items = r.items(box, "ToegewezenProducten")
    products: list[AllocatedProduct] = []
    for i, item in enumerate(product_items):
        k = _kids(item)
        products.append(
            AllocatedProduct(
                allocation_number=r.mt1(k, "ToewijzingNummer"),
                allocation_date=_date(r.mt1(k, "Toewijzingsdatum")),
                allocation_time=dt.time.fromisoformat(r.mt1(k, "Toewijzingstijd").strip()),
                start=_date(r.mt1(k, "Ingangsdatum")),
                product=r.product(r.me(k, "Product")),
                end=_opt_date(r.mt(k, "Einddatum")),
                provider_reference=r.mt(k, "ReferentieAanbieder"),
                change_reason=r.mt(k, "RedenWijziging"),
                extent=r.extent(r.me(k, "Omvang")),
                budget=_opt_int(r.mt(k, "Budget")),
                comment=r.mt(k, "Commentaar"),
            )
        )
        r.record(k, f"{base}/ToegewezenProducten/{_index('ToegewezenProduct', i, len(product_items))}")
    r.record(box, base)
    bsn, birth_date, gender = _identity(r, box)
    return AllocationClient(
        bsn=bsn,
        birth_date=birth_date,
        gender=gender,
        name=r.full_name(r.need(box, "Naam")),
        contacts=contacts,
        products=tuple(products),
        communication=communication,
        legal_status=r.mt(box, "JuridischeStatus"),
        legal_representation=r.mt(box, "WettelijkeVertegenwoordiging"),
        comment=r.mt(box, "Commentaar"),
        relations=tuple(relations),
    )


def _identity(r: _Reader, box: Kids) -> tuple[str, BirthDate, str]:
    birth_date = r.birth_date(r.need_el(box, "Geboortedatum"))
    if birth_date is None:
        raise ValueError("Geboortedatum ontbreekt")
    return r.mt1(box, "Bsn"), birth_date, r.mt1(box, "Geslacht")


def _person(r: _Reader, box: Kids) -> tuple[str, BirthDate, str, ShortName]:
    bsn, birth_date, gender = _identity(r, box)
    return bsn, birth_date, gender, r.short_name(r.need(box, "Naam"))


def _start_client(r: _Reader, box: Kids) -> StartClient:
    items = r.items(box, "StartProducten")
    products = []
    for i, item in enumerate(items):
        k = _kids(item)
        products.append(
            StartProduct(
                start=_date(r.mt1(k, "Begindatum")),
                status=r.mt1(k, "StatusAanlevering"),
                allocation_number=r.mt(k, "ToewijzingNummer"),
                product=r.product(r.me(k, "Product")),
                allocation_start=_opt_date(r.mt(k, "ToewijzingIngangsdatum")),
            )
        )
        r.record(k, f"/Bericht/Client/StartProducten/{_index('StartProduct', i, len(items))}")
    r.record(box, "/Bericht/Client")
    return StartClient(*_person(r, box), products=tuple(products))


def _stop_client(r: _Reader, box: Kids) -> StopClient:
    items = r.items(box, "StopProducten")
    products = []
    for i, item in enumerate(items):
        k = _kids(item)
        products.append(
            StopProduct(
                start=_date(r.mt1(k, "Begindatum")),
                end_reason=r.mt1(k, "RedenBeeindiging"),
                end=_date(r.mt1(k, "Einddatum")),
                status=r.mt1(k, "StatusAanlevering"),
                allocation_number=r.mt(k, "ToewijzingNummer"),
                product=r.product(r.me(k, "Product")),
                allocation_start=_opt_date(r.mt(k, "ToewijzingIngangsdatum")),
            )
        )
        r.record(k, f"/Bericht/Client/StopProducten/{_index('StopProduct', i, len(items))}")
    r.record(box, "/Bericht/Client")
    return StopClient(*_person(r, box), products=tuple(products))


def _request_client(r: _Reader, box: Kids) -> RequestClient:
    items = r.items(box, "AangevraagdeProducten")
    products = []
    for i, item in enumerate(items):
        k = _kids(item)
        products.append(
            RequestedProduct(
                provider_reference=r.mt1(k, "ReferentieAanbieder"),
                allocation_start=_date(r.mt1(k, "ToewijzingIngangsdatum")),
                referrer=r.referrer(r.need(k, "Verwijzer")),
                decision_number=r.mt(k, "BeschikkingNummer"),
                product=r.product(r.me(k, "Product")),
                decision_start=_opt_date(r.mt(k, "BeschikkingIngangsdatum")),
                allocation_end=_opt_date(r.mt(k, "ToewijzingEinddatum")),
                extent=r.extent(r.me(k, "Omvang")),
                budget=_opt_int(r.mt(k, "Budget")),
                framework_contract=r.mt(k, "Raamcontract"),
                comment=r.mt(k, "Commentaar"),
            )
        )
        r.record(k, f"/Bericht/Client/AangevraagdeProducten/{_index('AangevraagdProduct', i, len(items))}")
    r.record(box, "/Bericht/Client")
    return RequestClient(
        *_person(r, box),
        products=tuple(products),
        guardian_known=r.mt(box, "GezagsdragerBekend"),
        comment=r.mt(box, "Commentaar"),
    )


def _change_request_client(r: _Reader, box: Kids) -> ChangeRequestClient:
    request = r.need(box, "Verzoek")
    base = "/Bericht/Client/Verzoek"
    unchanged: list[str] = []
    items = r.items(request, "OngewijzigdeProducten")
    if items:
        for i, item in enumerate(items):
            k = _kids(item)
            unchanged.append(r.mt1(k, "ToewijzingNummer"))
            r.record(k, f"{base}/OngewijzigdeProducten/{_index('OngewijzigdProduct', i, len(items))}")
    changed: list[ChangedProduct] = []
    items = r.items(request, "TeWijzigenProducten")
    if items:
        for i, item in enumerate(items):
            k = _kids(item)
            changed.append(
                ChangedProduct(
                    allocation_number=r.mt1(k, "ToewijzingNummer"),
                    desired_start=_date(r.mt1(k, "GewensteIngangsdatum")),
                    end=_opt_date(r.mt(k, "Einddatum")),
                    extent=r.extent(r.me(k, "Omvang")),
                    budget=_opt_int(r.mt(k, "Budget")),
                )
            )
            r.record(k, f"{base}/TeWijzigenProducten/{_index('TeWijzigenProduct', i, len(items))}")
    new: list[NewProduct] = []
    items = r.items(request, "NieuweProducten")
    if items:
        for i, item in enumerate(items):
            k = _kids(item)
            new.append(
                NewProduct(
                    desired_start=_date(r.mt1(k, "GewensteIngangsdatum")),
                    product=r.product(r.me(k, "Product")),
                    end=_opt_date(r.mt(k, "Einddatum")),
                    extent=r.extent(r.me(k, "Omvang")),
                    budget=_opt_int(r.mt(k, "Budget")),
                )
            )
            r.record(k, f"{base}/NieuweProducten/{_index('NieuwProduct', i, len(items))}")
    r.record(request, base)
    r.record(box, "/Bericht/Client")
    return ChangeRequestClient(
        bsn=r.mt1(box, "Bsn"),
        provider_reference=r.mt1(request, "ReferentieAanbieder"),
        reason=r.mt1(request, "RedenVerzoek"),
        unchanged=tuple(unchanged),
        changed=tuple(changed),
        new=tuple(new),
    )


def _request_answer(r: _Reader, box: Kids) -> RequestAnswer:
    """The Antwoord of a 319 (and, with its retour codes, of a 320)."""
    base = "/Bericht/Antwoord"
    residence = r.mk(box, "Woonplaatsbeginsel")
    if residence is not None:
        r.record(residence, f"{base}/Woonplaatsbeginsel")
    r.record(box, base)
    return RequestAnswer(
        provider_reference=r.mt1(box, "ReferentieAanbieder"),
        answer=r.mt1(box, "VerzoekAntwoord"),
        refusal_reason=r.mt(box, "RedenAfwijzingVerzoek"),
        responsible_municipality=None if residence is None else r.mt1(residence, "Gemeente"),
    )


_CLIENT_READERS: dict[str, Callable[[_Reader, Kids], AnswerBody]] = {
    "301": _allocation_client,
    "302": _allocation_client,
    "305": _start_client,
    "306": _start_client,
    "307": _stop_client,
    "308": _stop_client,
    "315": _request_client,
    "316": _request_client,
    "317": _change_request_client,
    "318": _change_request_client,
    "319": _request_answer,
    "320": _request_answer,
}
#: The element below Header that holds the body read by ``_CLIENT_READERS`` (Client unless named).
_BODY: dict[str, str] = {"319": "Antwoord", "320": "Antwoord"}


# --- declarations -----------------------------------------------------------------------------


def _performance(r: _Reader, k: Kids) -> Performance:
    reference = r.need_el(k, "ProductReferentie")
    return Performance(
        reference=_text(reference[0]),
        allocation_number=r.mt1(k, "ToewijzingNummer"),
        category=r.mt1(k, "ProductCategorie"),
        code=r.mt1(k, "ProductCode"),
        period=r.period(r.need_el(k, "ProductPeriode")),
        volume=_int(r.mt1(k, "GeleverdVolume")),
        unit=r.mt1(k, "Eenheid"),
        amount=r.amount(r.need_el(k, "IngediendBedrag")),
        tariff=_opt_int(r.mt(k, "ProductTarief")),
        previous_reference=_text(reference[1]) if len(reference) > 1 else None,
    )


def _declaration(r: _Reader, root: Kids, header: Header) -> Declaration:
    box = r.need(root, "Declaratie")
    clients = []
    for client in r.items(box, "Clienten"):
        k = _kids(client)
        performances = tuple(_performance(r, _kids(p)) for p in r.items(k, "Prestaties"))
        clients.append(DeclarationClient(r.mt1(k, "Bsn"), performances))
    return Declaration(
        header=header,
        number=r.mt1(box, "DeclaratieNummer"),
        period=r.period(r.need_el(box, "DeclaratiePeriode")),
        declaration_date=_date(r.mt1(box, "DeclaratieDagtekening")),
        total=r.amount(r.need_el(box, "TotaalIngediendBedrag")),
        clients=tuple(clients),
    )


def _declaration_answer(r: _Reader, root: Kids, header: Header, header_k: Kids) -> DeclarationAnswer:
    ident = r.need_el(header_k, "DeclaratieIdentificatie")
    body_k = r.mk(root, "DeclaratieAntwoord")
    body = None
    if body_k is not None:
        clients = []
        for client in r.items(body_k, "Clienten"):
            k = _kids(client)
            answered = []
            for item in r.items(k, "Prestaties"):
                pk = _kids(item)
                answered.append(AnsweredPerformance(_performance(r, pk), r.retour_codes(pk)))
            clients.append(AnsweredClient(r.mt1(k, "Bsn"), tuple(answered), r.retour_codes(k)))
        body = DeclarationAnswerBody(
            number=r.mt1(body_k, "DeclaratieNummer"),
            total_submitted=r.amount(r.need_el(body_k, "TotaalIngediendBedrag")),
            total_granted=r.amount(r.need_el(body_k, "TotaalToegekendBedrag")),
            codes=r.retour_codes(body_k),
            clients=tuple(clients),
        )
    return DeclarationAnswer(
        header=header,
        declaration_identification=_text(ident[0]),
        declaration_dagtekening=_date(_text(ident[1])),
        codes=r.retour_codes(header_k),
        xsd_declaration=r.xsd_versions(r.need_el(header_k, "XsdVersieDeclaratie")),
        xslt_version=r.mt(header_k, "XsltVersie"),
        body=body,
    )


# --- entry point ------------------------------------------------------------------------------


def to_model(root: _Element, law: Law, message: str) -> Message:
    """The model of a message tree whose root namespace names ``law`` and ``message``.

    Raises ``ValueError`` when the tree lacks what the model needs; a tree that passed the
    schema never does.
    """
    r = _Reader(etree.QName(root).namespace or "", basis_namespace(law))
    top = _kids(root)
    header, header_k = _header(r, top, law, message)
    if message == "323":
        return _declaration(r, top, header)
    if message == "325":
        return _declaration_answer(r, top, header, header_k)
    body_name = _BODY.get(message, "Client")
    if message in ("302", "306", "308", "316", "318", "320"):
        retour = ReturnInfo(
            identification=r.mt1(header_k, "IdentificatieRetour"),
            dagtekening=_date(r.mt1(header_k, "DagtekeningRetour")),
            xsd=r.xsd_versions(r.need_el(header_k, "XsdVersieRetour")),
            xslt_version=r.mt(header_k, "XsltVersie"),
            codes=r.retour_codes(header_k),
        )
        client_k = r.mk(top, body_name)
        client = None if client_k is None else _CLIENT_READERS[message](r, client_k)
        return Answer(header=header, retour=retour, client=client, record_codes=tuple(r.codes))
    client = _CLIENT_READERS[message](r, r.need(top, body_name))
    if isinstance(client, RequestAnswer):
        return RequestReply(header, client)
    if isinstance(client, AllocationClient):
        return Allocation(header, client)
    if isinstance(client, StartClient):
        return CareStart(header, client)
    if isinstance(client, StopClient):
        return CareStop(header, client)
    if isinstance(client, RequestClient):
        return AllocationRequest(header, client)
    return ChangeRequest(header, client)
