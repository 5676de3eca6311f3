"""Mapping a (schema-valid) message tree onto the model.

:func:`identify` names the message from the root's namespace; :func:`to_model` turns the
element tree into the model objects of :mod:`regie.messages.model`. The public entry point
that parses bytes safely and validates first is :func:`regie.messages.read`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from regie.messages.codes import ALL_MESSAGES, Law
from regie.messages.composites import as_date, as_int
from regie.messages.model import (
    REQUEST_TYPES,
    AllocationClient,
    Answer,
    AnswerBody,
    AnsweredClient,
    AnsweredPerformance,
    BirthDate,
    ChangeRequestClient,
    Declaration,
    DeclarationAnswer,
    DeclarationAnswerBody,
    DeclarationClient,
    Header,
    Message,
    Performance,
    Relation,
    RequestAnswer,
    RequestClient,
    ReturnInfo,
    ShortName,
    StartClient,
    StopClient,
    basis_namespace,
)
from regie.messages.tree import (
    Element,
    Kids,
    TreeReader,
    as_opt_int,
    child_path,
    kids,
    read_header,
    text_of,
)

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


# --- clients ----------------------------------------------------------------------------------

#: Where the client record of a message sits.
_CLIENT = "/Bericht/Client"


def _allocation_client(r: TreeReader, box: Kids) -> AllocationClient:
    base = "/Bericht/Client"
    relations = r.records(
        box,
        "Relaties",
        "Relatie",
        base,
        lambda k, path: Relation(
            number=r.mt1(k, "Nummer"),
            kind=r.mt1(k, "Soort"),
            name=r.part(r.need_el(k, "Naam"), "CDT_VolledigeNaam"),
            contact=r.contact(r.need(k, "Contact"), f"{path}/Contact"),
            order=as_opt_int(r.mt(k, "Volgorde")),
            birth_date=r.part(r.me(k, "Geboortedatum"), "CDT_Geboortedatum"),
            gender=r.mt(k, "Geslacht"),
        ),
    )
    contact_items = r.items(box, "Contactgegevens")
    contacts = tuple(
        r.contact(kids(item), f"{base}/Contactgegevens/{child_path('Contact', i, len(contact_items))}")
        for i, item in enumerate(contact_items)
    )
    products = r.objects(box, "ToegewezenProducten", "ToegewezenProduct", base)
    r.record(box, base)
    bsn, birth_date, gender = _identity(r, box)
    return AllocationClient(
        bsn=bsn,
        birth_date=birth_date,
        gender=gender,
        name=r.part(r.need_el(box, "Naam"), "CDT_VolledigeNaam"),
        contacts=contacts,
        products=products,
        communication=r.part(r.me(box, "Communicatie"), "CDT_Communicatie"),
        legal_status=r.mt(box, "JuridischeStatus"),
        legal_representation=r.mt(box, "WettelijkeVertegenwoordiging"),
        comment=r.mt(box, "Commentaar"),
        relations=relations,
    )


def _identity(r: TreeReader, box: Kids) -> tuple[str, BirthDate, str]:
    birth_date = r.part(r.need_el(box, "Geboortedatum"), "CDT_Geboortedatum")
    if birth_date is None:
        raise ValueError("Geboortedatum ontbreekt")
    return r.mt1(box, "Bsn"), birth_date, r.mt1(box, "Geslacht")


def _person(r: TreeReader, box: Kids) -> tuple[str, BirthDate, str, ShortName]:
    bsn, birth_date, gender = _identity(r, box)
    return bsn, birth_date, gender, r.part(r.need_el(box, "Naam"), "CDT_VerkorteNaam")


def _care_client(r: TreeReader, box: Kids) -> StartClient | StopClient:
    """The client of a start (305) or a stop (307) of care, with its products."""
    kind = "Start" if r.me(box, "StartProducten") is not None else "Stop"
    products = r.objects(box, f"{kind}Producten", f"{kind}Product", _CLIENT)
    r.record(box, _CLIENT)
    if kind == "Start":
        return StartClient(*_person(r, box), products=products)
    return StopClient(*_person(r, box), products=products)


def _request_client(r: TreeReader, box: Kids) -> RequestClient:
    products = r.objects(box, "AangevraagdeProducten", "AangevraagdProduct", _CLIENT)
    r.record(box, _CLIENT)
    return RequestClient(
        *_person(r, box),
        products=products,
        guardian_known=r.mt(box, "GezagsdragerBekend"),
        comment=r.mt(box, "Commentaar"),
    )


def _change_request_client(r: TreeReader, box: Kids) -> ChangeRequestClient:
    request = r.need(box, "Verzoek")
    base = "/Bericht/Client/Verzoek"
    unchanged = r.records(
        request, "OngewijzigdeProducten", "OngewijzigdProduct", base, lambda k, _: r.mt1(k, "ToewijzingNummer")
    )
    changed = r.objects(request, "TeWijzigenProducten", "TeWijzigenProduct", base)
    new = r.objects(request, "NieuweProducten", "NieuwProduct", base)
    r.record(request, base)
    r.record(box, _CLIENT)
    return ChangeRequestClient(
        bsn=r.mt1(box, "Bsn"),
        provider_reference=r.mt1(request, "ReferentieAanbieder"),
        reason=r.mt1(request, "RedenVerzoek"),
        unchanged=unchanged,
        changed=changed,
        new=new,
    )


def _request_answer(r: TreeReader, box: Kids) -> RequestAnswer:
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


_CLIENT_READERS: dict[str, Callable[[TreeReader, Kids], AnswerBody]] = {
    "301": _allocation_client,
    "302": _allocation_client,
    "305": _care_client,
    "306": _care_client,
    "307": _care_client,
    "308": _care_client,
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


def _performance(r: TreeReader, k: Kids) -> Performance:
    reference = r.need_el(k, "ProductReferentie")
    return Performance(
        reference=text_of(reference[0]),
        allocation_number=r.mt1(k, "ToewijzingNummer"),
        category=r.mt1(k, "ProductCategorie"),
        code=r.mt1(k, "ProductCode"),
        period=r.part(r.need_el(k, "ProductPeriode"), "CDT_GeslotenPeriode"),
        volume=as_int(r.mt1(k, "GeleverdVolume")),
        unit=r.mt1(k, "Eenheid"),
        amount=r.part(r.need_el(k, "IngediendBedrag"), "CDT_BedragMetDC"),
        tariff=as_opt_int(r.mt(k, "ProductTarief")),
        previous_reference=text_of(reference[1]) if len(reference) > 1 else None,
    )


def _declaration(r: TreeReader, root: Kids, header: Header) -> Declaration:
    box = r.need(root, "Declaratie")
    clients = []
    for client in r.items(box, "Clienten"):
        k = kids(client)
        performances = tuple(_performance(r, kids(p)) for p in r.items(k, "Prestaties"))
        clients.append(DeclarationClient(r.mt1(k, "Bsn"), performances))
    return Declaration(
        header=header,
        number=r.mt1(box, "DeclaratieNummer"),
        period=r.part(r.need_el(box, "DeclaratiePeriode"), "CDT_GeslotenPeriode"),
        declaration_date=as_date(r.mt1(box, "DeclaratieDagtekening")),
        total=r.part(r.need_el(box, "TotaalIngediendBedrag"), "CDT_TotaalBedragMetDC"),
        clients=tuple(clients),
    )


def _declaration_answer(r: TreeReader, root: Kids, header: Header, header_k: Kids) -> DeclarationAnswer:
    ident = r.need_el(header_k, "DeclaratieIdentificatie")
    body_k = r.mk(root, "DeclaratieAntwoord")
    body = None
    if body_k is not None:
        clients = []
        for client in r.items(body_k, "Clienten"):
            k = kids(client)
            answered = []
            for item in r.items(k, "Prestaties"):
                pk = kids(item)
                answered.append(AnsweredPerformance(_performance(r, pk), r.retour_codes(pk)))
            clients.append(AnsweredClient(r.mt1(k, "Bsn"), tuple(answered), r.retour_codes(k)))
        body = DeclarationAnswerBody(
            number=r.mt1(body_k, "DeclaratieNummer"),
            total_submitted=r.part(r.need_el(body_k, "TotaalIngediendBedrag"), "CDT_TotaalBedragMetDC"),
            total_granted=r.part(r.need_el(body_k, "TotaalToegekendBedrag"), "CDT_TotaalBedragMetDC"),
            codes=r.retour_codes(body_k),
            clients=tuple(clients),
        )
    return DeclarationAnswer(
        header=header,
        declaration_identification=text_of(ident[0]),
        declaration_dagtekening=as_date(text_of(ident[1])),
        codes=r.retour_codes(header_k),
        xsd_declaration=r.part(r.need_el(header_k, "XsdVersieDeclaratie"), "CDT_XsdVersie"),
        xslt_version=r.mt(header_k, "XsltVersie"),
        body=body,
    )


# --- entry point ------------------------------------------------------------------------------


def to_model(root: Element, law: Law, message: str) -> Message:
    """The model of a message tree whose root namespace names ``law`` and ``message``.

    Raises ``ValueError`` when the tree lacks what the model needs; a tree that passed the
    schema never does.
    """
    r = TreeReader(etree.QName(root).namespace or "", basis_namespace(law))
    top = kids(root)
    header, header_k = read_header(r, top, law, message)
    if message == "323":
        return _declaration(r, top, header)
    if message == "325":
        return _declaration_answer(r, top, header, header_k)
    body_name = _BODY.get(message, "Client")
    if message in ("302", "306", "308", "316", "318", "320"):
        retour = ReturnInfo(
            identification=r.mt1(header_k, "IdentificatieRetour"),
            dagtekening=as_date(r.mt1(header_k, "DagtekeningRetour")),
            xsd=r.part(r.need_el(header_k, "XsdVersieRetour"), "CDT_XsdVersie"),
            xslt_version=r.mt(header_k, "XsltVersie"),
            codes=r.retour_codes(header_k),
        )
        client_k = r.mk(top, body_name)
        client = None if client_k is None else _CLIENT_READERS[message](r, client_k)
        return Answer(header=header, retour=retour, client=client, record_codes=tuple(r.codes))
    message_type: Callable[[Header, AnswerBody], Message] = REQUEST_TYPES[message]
    return message_type(header, _CLIENT_READERS[message](r, r.need(top, body_name)))
