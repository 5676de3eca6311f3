"""Hand-built sample messages of every type under both laws, used across the message tests."""

from __future__ import annotations

import datetime as dt

from regie.messages import (
    Address,
    AllocatedProduct,
    Allocation,
    AllocationClient,
    AllocationRequest,
    Amount,
    Answer,
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
)
from regie.messages.codes import Law
from regie.messages.writer import record_paths

MUNICIPALITY = "0983"
PROVIDER = "12345678"
BSN = "999900006"
BSN2 = "999900018"

#: A product (category, code, unit) per law used in the samples.
PRODUCTS: dict[Law, tuple[str, str]] = {"jw": ("45", "45A03"), "wmo": ("02", "02A01")}
#: A second category per law (for a budget allocation that must not overlap the first product).
OTHER_CATEGORY: dict[Law, str] = {"jw": "54", "wmo": "07"}


def header(law: Law, message: str, *, from_municipality: bool, day: dt.date = dt.date(2025, 3, 5)) -> Header:
    sender, receiver = (MUNICIPALITY, PROVIDER) if from_municipality else (PROVIDER, MUNICIPALITY)
    return Header(law, message, sender, receiver, f"ID{message}{law.upper()}", day)


def short_name() -> ShortName:
    return ShortName(Surname("Vries", "de"), first_names="Jan Peter", initials="JP")


def allocation(law: Law) -> Allocation:
    category, code = PRODUCTS[law]
    contact = Contact(
        kind="01",
        address=Address(House(12, "a", "bis"), "5911AB", "Markt", "Venlo", "NL"),
        phones=(Phone("0771234567", "0031"),),
        email="j.devries@example.nl",
    )
    relation = Relation(
        number="R1",
        kind="10",
        name=FullName(Surname("Vries", "de"), name_use="1", first_names="Anna", initials="A"),
        contact=Contact(kind="02", address=Address(House(3), "5912CD", "Kerkstraat", "Venlo", "NL")),
        order=1,
        birth_date=BirthDate(dt.date(1980, 5, 1)),
        gender="2",
    )
    products = (
        AllocatedProduct(
            allocation_number="100001",
            allocation_date=dt.date(2025, 3, 4),
            allocation_time=dt.time(10, 15, 0),
            start=dt.date(2025, 3, 1),
            product=Product(category, code),
            end=dt.date(2025, 12, 31),
            extent=Extent(4, "04", "2"),
            comment="Eerste toewijzing",
        ),
        AllocatedProduct(
            allocation_number="100002",
            allocation_date=dt.date(2025, 3, 4),
            allocation_time=dt.time(10, 15, 0),
            start=dt.date(2025, 3, 1),
            product=Product(OTHER_CATEGORY[law]),
            end=dt.date(2025, 12, 31),
            budget=250000,
        ),
    )
    client = AllocationClient(
        bsn=BSN,
        birth_date=BirthDate(dt.date(2010, 2, 14)),
        gender="1",
        name=FullName(Surname("Vries", "de"), name_use="1", first_names="Jan Peter", initials="JP"),
        contacts=(contact,),
        products=products,
        communication=Communication("1", "Pools"),
        relations=(relation,),
    )
    return Allocation(header(law, "301", from_municipality=True), client)


def care_start(law: Law) -> CareStart:
    category, code = PRODUCTS[law]
    products = (
        StartProduct(dt.date(2025, 3, 10), "1", "100001", Product(category, code), dt.date(2025, 3, 1)),
        StartProduct(dt.date(2025, 3, 12), "1"),
    )
    client = StartClient(BSN, BirthDate(dt.date(2010, 2, 14)), "1", short_name(), products)
    return CareStart(header(law, "305", from_municipality=False, day=dt.date(2025, 3, 14)), client)


def care_stop(law: Law) -> CareStop:
    category, code = PRODUCTS[law]
    reason = "31" if law == "jw" else "19"
    products = (
        StopProduct(dt.date(2025, 3, 10), reason, dt.date(2025, 6, 30), "1", "100001", Product(category, code)),
    )
    client = StopClient(BSN, BirthDate(dt.date(2010, 1, 1), "1"), "1", short_name(), products)
    return CareStop(header(law, "307", from_municipality=False, day=dt.date(2025, 7, 2)), client)


def allocation_request(law: Law) -> AllocationRequest:
    category, code = PRODUCTS[law]
    products = (
        RequestedProduct(
            provider_reference="VOT-2025-1",
            allocation_start=dt.date(2025, 4, 1),
            referrer=Referrer("02", care_provider_code="01123456"),
            product=Product(category, code),
            allocation_end=dt.date(2025, 9, 30),
            extent=Extent(3, "04", "2"),
        ),
        RequestedProduct(
            provider_reference="VOT-2025-2",
            allocation_start=dt.date(2025, 4, 1),
            referrer=Referrer("01", name="Wijkteam Noord"),
            decision_number="4711",
            decision_start=dt.date(2025, 3, 20),
            product=Product(category),
            allocation_end=dt.date(2025, 9, 30),
            budget=120000,
            framework_contract="2",
            comment="Met spoed",
        ),
    )
    client = RequestClient(
        BSN,
        BirthDate(dt.date(2010, 2, 14)),
        "1",
        short_name(),
        products,
        guardian_known="1" if law == "jw" else None,
        comment="Aanvraag na intake",
    )
    return AllocationRequest(header(law, "315", from_municipality=False), client)


def change_request(law: Law) -> ChangeRequest:
    category, code = PRODUCTS[law]
    client = ChangeRequestClient(
        bsn=BSN,
        provider_reference="VOW-2025-7",
        reason="2",
        unchanged=("100002",),
        changed=(ChangedProduct("100001", dt.date(2025, 5, 1), dt.date(2025, 12, 31), Extent(6, "04", "2")),),
        new=(NewProduct(dt.date(2025, 5, 1), Product(category, code), dt.date(2025, 8, 31), Extent(20, "04", "6")),),
    )
    return ChangeRequest(header(law, "317", from_municipality=False), client)


def request_reply(law: Law) -> RequestReply:
    """A refusal; under iJw on the woonplaatsbeginsel, naming the responsible municipality."""
    if law == "jw":
        answer = RequestAnswer("VOT-2025-1", "1", "8", "0384")
    else:
        answer = RequestAnswer("VOT-2025-1", "1", "7")
    return RequestReply(header(law, "319", from_municipality=True, day=dt.date(2025, 3, 20)), answer)


def declaration(law: Law) -> Declaration:
    category, code = PRODUCTS[law]
    march = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    p1 = Performance("REF-0001", "100001", category, code, march, 16, "04", Amount(104800), tariff=6550)
    p2 = Performance(
        "REF-0002",
        "100003",
        category,
        code,
        Period(dt.date(2025, 3, 10), dt.date(2025, 3, 20)),
        300,
        "01",
        Amount(32750),
        tariff=109,
    )
    p3 = Performance(
        "REF-0003",
        "100001",
        category,
        code,
        Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        2,
        "04",
        Amount(13100, "C"),
        tariff=6550,
        previous_reference="REF-0000",
    )
    total = Amount.of(p1.amount.signed + p2.amount.signed + p3.amount.signed)
    clients = (DeclarationClient(BSN, (p1, p3)), DeclarationClient(BSN2, (p2,)))
    return Declaration(
        header(law, "323", from_municipality=False, day=dt.date(2025, 4, 8)),
        number="D2025030001",
        period=march,
        declaration_date=dt.date(2025, 4, 8),
        total=total,
        clients=clients,
    )


def answer(law: Law, original: Message, answer_number: str) -> Answer:
    base = original.header
    h = Header(base.law, answer_number, base.sender, base.receiver, base.identification, base.dagtekening, base.xsd)
    assert not isinstance(original, (Declaration, DeclarationAnswer, Answer))
    body = original.answer if isinstance(original, RequestReply) else original.client
    bare = Answer(h, ReturnInfo("RET-1", dt.date(2025, 7, 3), codes=("0200",)), body)
    codes = tuple((path, ("0200",)) for path in record_paths(bare))
    return Answer(bare.header, bare.retour, bare.client, codes)


def declaration_answer(law: Law) -> DeclarationAnswer:
    d = declaration(law)
    client, rejected = d.performances()[1]
    body = DeclarationAnswerBody(
        number=d.number,
        total_submitted=d.total,
        total_granted=Amount.of(d.total.signed - rejected.amount.signed),
        codes=("0200",),
        clients=(AnsweredClient(client.bsn, (AnsweredPerformance(rejected, ("9338",)),), ("0200",)),),
    )
    return DeclarationAnswer(
        header=Header(law, "325", MUNICIPALITY, PROVIDER, "A325-1", dt.date(2025, 4, 20)),
        declaration_identification=d.header.identification,
        declaration_dagtekening=d.header.dagtekening,
        codes=("0200",),
        body=body,
    )


def all_messages(law: Law) -> dict[str, Message]:
    """One sample of every message type Regie reads and writes, for ``law``."""
    a301, a305, a307 = allocation(law), care_start(law), care_stop(law)
    a315, a317, a319 = allocation_request(law), change_request(law), request_reply(law)
    return {
        "301": a301,
        "302": answer(law, a301, "302"),
        "305": a305,
        "306": answer(law, a305, "306"),
        "307": a307,
        "308": answer(law, a307, "308"),
        "315": a315,
        "316": answer(law, a315, "316"),
        "317": a317,
        "318": answer(law, a317, "318"),
        "319": a319,
        "320": answer(law, a319, "320"),
        "323": declaration(law),
        "325": declaration_answer(law),
    }
