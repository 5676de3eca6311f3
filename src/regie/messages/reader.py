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
    AnswerClient,
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
    RequestClient,
    RequestedProduct,
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


class _Reader:
    """Reads one message: knows its message (``m``) and basisschema (``b``) namespaces."""

    __slots__ = ("b", "codes", "m")

    def __init__(self, message_ns: str, basis_ns: str) -> None:
        self.m = "{" + message_ns + "}"
        self.b = "{" + basis_ns + "}"
        self.codes: list[tuple[str, tuple[str, ...]]] = []

    # -- leaves -------------------------------------------------------------------------------

    def me(self, el: _Element, name: str) -> _Element | None:
        return el.find(self.m + name)

    def mes(self, el: _Element, name: str) -> list[_Element]:
        return list(el.findall(self.m + name))

    def need(self, el: _Element | None, name: str) -> _Element:
        child = None if el is None else el.find(self.m + name)
        if child is None:
            raise ValueError(f"{name} ontbreekt")
        return child

    def mt(self, el: _Element, name: str) -> str | None:
        child = el.find(self.m + name)
        return None if child is None else (child.text or "")

    def bt(self, el: _Element, name: str) -> str | None:
        child = el.find(self.b + name)
        return None if child is None else (child.text or "")

    def mt1(self, el: _Element, name: str) -> str:
        value = self.mt(el, name)
        if value is None:
            raise ValueError(f"{name} ontbreekt")
        return value

    def bt1(self, el: _Element, name: str) -> str:
        value = self.bt(el, name)
        if value is None:
            raise ValueError(f"{name} ontbreekt")
        return value

    def retour_codes(self, el: _Element) -> tuple[str, ...]:
        box = el.find(self.m + "RetourCodes")
        if box is None:
            return ()
        return tuple((code.text or "") for code in box.findall(self.m + "RetourCode"))

    def record(self, el: _Element, path: str) -> None:
        codes = self.retour_codes(el)
        if codes:
            self.codes.append((path, codes))

    # -- composite data types -----------------------------------------------------------------

    def xsd_versions(self, el: _Element) -> XsdVersions:
        return XsdVersions(self.bt1(el, "BasisschemaXsdVersie"), self.bt1(el, "BerichtXsdVersie"))

    def birth_date(self, el: _Element | None) -> BirthDate | None:
        if el is None:
            return None
        return BirthDate(_date(self.bt1(el, "Datum")), self.bt(el, "DatumGebruik"))

    def surname(self, el: _Element | None) -> Surname | None:
        if el is None:
            return None
        return Surname(self.bt1(el, "Achternaam"), self.bt(el, "Voorvoegsel"))

    def short_name(self, el: _Element) -> ShortName:
        surname = self.surname(el.find(self.b + "Geslachtsnaam"))
        if surname is None:
            raise ValueError("Geslachtsnaam ontbreekt")
        return ShortName(surname, self.bt(el, "Voornamen"), self.bt(el, "Voorletters"))

    def full_name(self, el: _Element) -> FullName:
        surname = self.surname(el.find(self.b + "Geslachtsnaam"))
        if surname is None:
            raise ValueError("Geslachtsnaam ontbreekt")
        return FullName(
            surname=surname,
            name_use=self.bt1(el, "NaamGebruik"),
            partner_name=self.surname(el.find(self.b + "Partnernaam")),
            first_names=self.bt(el, "Voornamen"),
            initials=self.bt(el, "Voorletters"),
        )

    def product(self, el: _Element | None) -> Product | None:
        if el is None:
            return None
        return Product(self.bt1(el, "Categorie"), self.bt(el, "Code"))

    def extent(self, el: _Element | None) -> Extent | None:
        if el is None:
            return None
        return Extent(_int(self.bt1(el, "Volume")), self.bt1(el, "Eenheid"), self.bt1(el, "Frequentie"))

    def period(self, el: _Element) -> Period:
        return Period(_date(self.bt1(el, "Begindatum")), _date(self.bt1(el, "Einddatum")))

    def amount(self, el: _Element, total: bool = False) -> Amount:
        return Amount(_int(self.bt1(el, "TotaalBedrag" if total else "Bedrag")), self.bt1(el, "DebetCredit"))

    def address(self, el: _Element | None) -> Address | None:
        if el is None:
            return None
        house_el = el.find(self.b + "Huis")
        house = None
        if house_el is not None:
            house = House(
                _int(self.bt1(house_el, "Huisnummer")),
                self.bt(house_el, "Huisletter"),
                self.bt(house_el, "HuisnummerToevoeging"),
                self.bt(house_el, "AanduidingWoonadres"),
            )
        return Address(
            house,
            self.bt(el, "Postcode"),
            self.bt(el, "Straatnaam"),
            self.bt(el, "Plaatsnaam"),
            self.bt(el, "LandCode"),
        )

    def contact(self, el: _Element, path: str) -> Contact:
        phones: list[Phone] = []
        phone_box = self.me(el, "Telefoon")
        if phone_box is not None:
            for name in ("Telefoon01", "Telefoon02"):
                item = phone_box.find(self.b + name)
                if item is not None:
                    phones.append(Phone(self.bt1(item, "Telefoonnummer"), self.bt(item, "Landnummer")))
        period_el = self.me(el, "Periode")
        period = None
        if period_el is not None:
            begin, end = self.bt(period_el, "Begindatum"), self.bt(period_el, "Einddatum")
            period = OpenPeriod(_date(begin) if begin is not None else None, _date(end) if end is not None else None)
        self.record(el, path)
        return Contact(
            kind=self.mt1(el, "Soort"),
            address=self.address(self.me(el, "Adres")),
            organisation=self.mt(el, "Organisatie"),
            phones=tuple(phones),
            email=self.mt(el, "Emailadres"),
            period=period,
        )

    def referrer(self, el: _Element) -> Referrer:
        return Referrer(self.bt1(el, "Type"), self.bt(el, "Naam"), self.bt(el, "ZorgverlenerCode"))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


def _opt_date(text: str | None) -> dt.date | None:
    return None if text is None else _date(text)


def _int(text: str) -> int:
    return int(text.strip())


def _opt_int(text: str | None) -> int | None:
    return None if text is None else _int(text)


# --- header -----------------------------------------------------------------------------------


def _header(r: _Reader, root: _Element, law: Law, message: str) -> tuple[Header, _Element]:
    box = r.need(root, "Header")
    ident = r.need(box, "BerichtIdentificatie")
    header = Header(
        law=law,
        message=message,
        sender=r.mt1(box, "Afzender"),
        receiver=r.mt1(box, "Ontvanger"),
        identification=r.bt1(ident, "Identificatie"),
        dagtekening=_date(r.bt1(ident, "Dagtekening")),
        xsd=r.xsd_versions(r.need(box, "XsdVersie")),
    )
    return header, box


# --- clients ----------------------------------------------------------------------------------


def _allocation_client(r: _Reader, box: _Element) -> AllocationClient:
    base = "/Bericht/Client"
    communication_el = r.me(box, "Communicatie")
    communication = None
    if communication_el is not None:
        communication = Communication(r.bt1(communication_el, "Vorm"), r.bt(communication_el, "Taal"))
    relations: list[Relation] = []
    relations_box = r.me(box, "Relaties")
    if relations_box is not None:
        items = r.mes(relations_box, "Relatie")
        for i, item in enumerate(items):
            path = f"{base}/Relaties/{_index('Relatie', i, len(items))}"
            order = r.mt(item, "Volgorde")
            relations.append(
                Relation(
                    number=r.mt1(item, "Nummer"),
                    kind=r.mt1(item, "Soort"),
                    name=r.full_name(r.need(item, "Naam")),
                    contact=r.contact(r.need(item, "Contact"), f"{path}/Contact"),
                    order=_opt_int(order),
                    birth_date=r.birth_date(r.me(item, "Geboortedatum")),
                    gender=r.mt(item, "Geslacht"),
                )
            )
            r.record(item, path)
    contact_items = r.mes(r.need(box, "Contactgegevens"), "Contact")
    contacts = tuple(
        r.contact(item, f"{base}/Contactgegevens/{_index('Contact', i, len(contact_items))}")
        for i, item in enumerate(contact_items)
    )
    product_items = r.mes(r.need(box, "ToegewezenProducten"), "ToegewezenProduct")
    products: list[AllocatedProduct] = []
    for i, item in enumerate(product_items):
        products.append(
            AllocatedProduct(
                allocation_number=r.mt1(item, "ToewijzingNummer"),
                allocation_date=_date(r.mt1(item, "Toewijzingsdatum")),
                allocation_time=dt.time.fromisoformat(r.mt1(item, "Toewijzingstijd").strip()),
                start=_date(r.mt1(item, "Ingangsdatum")),
                product=r.product(r.me(item, "Product")),
                end=_opt_date(r.mt(item, "Einddatum")),
                provider_reference=r.mt(item, "ReferentieAanbieder"),
                change_reason=r.mt(item, "RedenWijziging"),
                extent=r.extent(r.me(item, "Omvang")),
                budget=_opt_int(r.mt(item, "Budget")),
                comment=r.mt(item, "Commentaar"),
            )
        )
        r.record(item, f"{base}/ToegewezenProducten/{_index('ToegewezenProduct', i, len(product_items))}")
    birth_date = r.birth_date(r.need(box, "Geboortedatum"))
    assert birth_date is not None
    r.record(box, base)
    return AllocationClient(
        bsn=r.mt1(box, "Bsn"),
        birth_date=birth_date,
        gender=r.mt1(box, "Geslacht"),
        name=r.full_name(r.need(box, "Naam")),
        contacts=contacts,
        products=tuple(products),
        communication=communication,
        legal_status=r.mt(box, "JuridischeStatus"),
        legal_representation=r.mt(box, "WettelijkeVertegenwoordiging"),
        comment=r.mt(box, "Commentaar"),
        relations=tuple(relations),
    )


def _person(r: _Reader, box: _Element) -> tuple[str, BirthDate, str, ShortName]:
    birth_date = r.birth_date(r.need(box, "Geboortedatum"))
    assert birth_date is not None
    return r.mt1(box, "Bsn"), birth_date, r.mt1(box, "Geslacht"), r.short_name(r.need(box, "Naam"))


def _start_client(r: _Reader, box: _Element) -> StartClient:
    items = r.mes(r.need(box, "StartProducten"), "StartProduct")
    products = []
    for i, item in enumerate(items):
        products.append(
            StartProduct(
                start=_date(r.mt1(item, "Begindatum")),
                status=r.mt1(item, "StatusAanlevering"),
                allocation_number=r.mt(item, "ToewijzingNummer"),
                product=r.product(r.me(item, "Product")),
                allocation_start=_opt_date(r.mt(item, "ToewijzingIngangsdatum")),
            )
        )
        r.record(item, f"/Bericht/Client/StartProducten/{_index('StartProduct', i, len(items))}")
    r.record(box, "/Bericht/Client")
    return StartClient(*_person(r, box), products=tuple(products))


def _stop_client(r: _Reader, box: _Element) -> StopClient:
    items = r.mes(r.need(box, "StopProducten"), "StopProduct")
    products = []
    for i, item in enumerate(items):
        products.append(
            StopProduct(
                start=_date(r.mt1(item, "Begindatum")),
                end_reason=r.mt1(item, "RedenBeeindiging"),
                end=_date(r.mt1(item, "Einddatum")),
                status=r.mt1(item, "StatusAanlevering"),
                allocation_number=r.mt(item, "ToewijzingNummer"),
                product=r.product(r.me(item, "Product")),
                allocation_start=_opt_date(r.mt(item, "ToewijzingIngangsdatum")),
            )
        )
        r.record(item, f"/Bericht/Client/StopProducten/{_index('StopProduct', i, len(items))}")
    r.record(box, "/Bericht/Client")
    return StopClient(*_person(r, box), products=tuple(products))


def _request_client(r: _Reader, box: _Element) -> RequestClient:
    items = r.mes(r.need(box, "AangevraagdeProducten"), "AangevraagdProduct")
    products = []
    for i, item in enumerate(items):
        products.append(
            RequestedProduct(
                provider_reference=r.mt1(item, "ReferentieAanbieder"),
                allocation_start=_date(r.mt1(item, "ToewijzingIngangsdatum")),
                referrer=r.referrer(r.need(item, "Verwijzer")),
                decision_number=r.mt(item, "BeschikkingNummer"),
                product=r.product(r.me(item, "Product")),
                decision_start=_opt_date(r.mt(item, "BeschikkingIngangsdatum")),
                allocation_end=_opt_date(r.mt(item, "ToewijzingEinddatum")),
                extent=r.extent(r.me(item, "Omvang")),
                budget=_opt_int(r.mt(item, "Budget")),
                framework_contract=r.mt(item, "Raamcontract"),
                comment=r.mt(item, "Commentaar"),
            )
        )
        r.record(item, f"/Bericht/Client/AangevraagdeProducten/{_index('AangevraagdProduct', i, len(items))}")
    r.record(box, "/Bericht/Client")
    return RequestClient(
        *_person(r, box),
        products=tuple(products),
        guardian_known=r.mt(box, "GezagsdragerBekend"),
        comment=r.mt(box, "Commentaar"),
    )


def _change_request_client(r: _Reader, box: _Element) -> ChangeRequestClient:
    request = r.need(box, "Verzoek")
    base = "/Bericht/Client/Verzoek"
    unchanged: list[str] = []
    group = r.me(request, "OngewijzigdeProducten")
    if group is not None:
        items = r.mes(group, "OngewijzigdProduct")
        for i, item in enumerate(items):
            unchanged.append(r.mt1(item, "ToewijzingNummer"))
            r.record(item, f"{base}/OngewijzigdeProducten/{_index('OngewijzigdProduct', i, len(items))}")
    changed: list[ChangedProduct] = []
    group = r.me(request, "TeWijzigenProducten")
    if group is not None:
        items = r.mes(group, "TeWijzigenProduct")
        for i, item in enumerate(items):
            changed.append(
                ChangedProduct(
                    allocation_number=r.mt1(item, "ToewijzingNummer"),
                    desired_start=_date(r.mt1(item, "GewensteIngangsdatum")),
                    end=_opt_date(r.mt(item, "Einddatum")),
                    extent=r.extent(r.me(item, "Omvang")),
                    budget=_opt_int(r.mt(item, "Budget")),
                )
            )
            r.record(item, f"{base}/TeWijzigenProducten/{_index('TeWijzigenProduct', i, len(items))}")
    new: list[NewProduct] = []
    group = r.me(request, "NieuweProducten")
    if group is not None:
        items = r.mes(group, "NieuwProduct")
        for i, item in enumerate(items):
            new.append(
                NewProduct(
                    desired_start=_date(r.mt1(item, "GewensteIngangsdatum")),
                    product=r.product(r.me(item, "Product")),
                    end=_opt_date(r.mt(item, "Einddatum")),
                    extent=r.extent(r.me(item, "Omvang")),
                    budget=_opt_int(r.mt(item, "Budget")),
                )
            )
            r.record(item, f"{base}/NieuweProducten/{_index('NieuwProduct', i, len(items))}")
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


_CLIENT_READERS: dict[str, Callable[[_Reader, _Element], AnswerClient]] = {
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
}


# --- declarations -----------------------------------------------------------------------------


def _performance(r: _Reader, el: _Element) -> Performance:
    reference = r.need(el, "ProductReferentie")
    return Performance(
        reference=r.bt1(reference, "ReferentieNummer"),
        allocation_number=r.mt1(el, "ToewijzingNummer"),
        category=r.mt1(el, "ProductCategorie"),
        code=r.mt1(el, "ProductCode"),
        period=r.period(r.need(el, "ProductPeriode")),
        volume=_int(r.mt1(el, "GeleverdVolume")),
        unit=r.mt1(el, "Eenheid"),
        amount=r.amount(r.need(el, "IngediendBedrag")),
        tariff=_opt_int(r.mt(el, "ProductTarief")),
        previous_reference=r.bt(reference, "VorigReferentieNummer"),
    )


def _declaration(r: _Reader, root: _Element, header: Header) -> Declaration:
    box = r.need(root, "Declaratie")
    clients = []
    for client in r.mes(r.need(box, "Clienten"), "Client"):
        performances = tuple(_performance(r, p) for p in r.mes(r.need(client, "Prestaties"), "Prestatie"))
        clients.append(DeclarationClient(r.mt1(client, "Bsn"), performances))
    return Declaration(
        header=header,
        number=r.mt1(box, "DeclaratieNummer"),
        period=r.period(r.need(box, "DeclaratiePeriode")),
        declaration_date=_date(r.mt1(box, "DeclaratieDagtekening")),
        total=r.amount(r.need(box, "TotaalIngediendBedrag"), total=True),
        clients=tuple(clients),
    )


def _declaration_answer(r: _Reader, root: _Element, header: Header, header_el: _Element) -> DeclarationAnswer:
    ident = r.need(header_el, "DeclaratieIdentificatie")
    body_el = r.me(root, "DeclaratieAntwoord")
    body = None
    if body_el is not None:
        clients = []
        clients_box = r.me(body_el, "Clienten")
        for client in [] if clients_box is None else r.mes(clients_box, "Client"):
            performances = tuple(
                AnsweredPerformance(_performance(r, p), r.retour_codes(p))
                for p in r.mes(r.need(client, "Prestaties"), "Prestatie")
            )
            clients.append(AnsweredClient(r.mt1(client, "Bsn"), performances, r.retour_codes(client)))
        body = DeclarationAnswerBody(
            number=r.mt1(body_el, "DeclaratieNummer"),
            total_submitted=r.amount(r.need(body_el, "TotaalIngediendBedrag"), total=True),
            total_granted=r.amount(r.need(body_el, "TotaalToegekendBedrag"), total=True),
            codes=r.retour_codes(body_el),
            clients=tuple(clients),
        )
    return DeclarationAnswer(
        header=header,
        declaration_identification=r.bt1(ident, "Identificatie"),
        declaration_dagtekening=_date(r.bt1(ident, "Dagtekening")),
        codes=r.retour_codes(header_el),
        xsd_declaration=r.xsd_versions(r.need(header_el, "XsdVersieDeclaratie")),
        xslt_version=r.mt(header_el, "XsltVersie"),
        body=body,
    )


# --- entry point ------------------------------------------------------------------------------


def to_model(root: _Element, law: Law, message: str) -> Message:
    """The model of a message tree whose root namespace names ``law`` and ``message``.

    Raises ``ValueError`` (or ``KeyError``) when the tree lacks what the model needs; a tree
    that passed the schema never does.
    """
    r = _Reader(etree.QName(root).namespace or "", basis_namespace(law))
    header, header_el = _header(r, root, law, message)
    if message == "323":
        return _declaration(r, root, header)
    if message == "325":
        return _declaration_answer(r, root, header, header_el)
    if message in ("302", "306", "308", "316", "318"):
        retour = ReturnInfo(
            identification=r.mt1(header_el, "IdentificatieRetour"),
            dagtekening=_date(r.mt1(header_el, "DagtekeningRetour")),
            xsd=r.xsd_versions(r.need(header_el, "XsdVersieRetour")),
            xslt_version=r.mt(header_el, "XsltVersie"),
            codes=r.retour_codes(header_el),
        )
        client_el = r.me(root, "Client")
        client = None if client_el is None else _CLIENT_READERS[message](r, client_el)
        return Answer(header=header, retour=retour, client=client, record_codes=tuple(sorted(r.codes)))
    client = _CLIENT_READERS[message](r, r.need(root, "Client"))
    if message == "301":
        assert isinstance(client, AllocationClient)
        return Allocation(header, client)
    if message == "305":
        assert isinstance(client, StartClient)
        return CareStart(header, client)
    if message == "307":
        assert isinstance(client, StopClient)
        return CareStop(header, client)
    if message == "315":
        assert isinstance(client, RequestClient)
        return AllocationRequest(header, client)
    assert isinstance(client, ChangeRequestClient)
    return ChangeRequest(header, client)
