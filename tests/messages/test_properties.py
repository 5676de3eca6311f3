"""Hypothesis: any message built from random valid field values round-trips and validates."""

from __future__ import annotations

import calendar
import datetime as dt
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regie.messages import (
    Address,
    AllocatedProduct,
    Allocation,
    AllocationClient,
    Amount,
    BirthDate,
    CareStart,
    CareStop,
    ChangedProduct,
    ChangeRequest,
    ChangeRequestClient,
    Contact,
    Declaration,
    DeclarationClient,
    Extent,
    FullName,
    Header,
    House,
    Message,
    NewProduct,
    Performance,
    Period,
    Product,
    RequestAnswer,
    RequestReply,
    ShortName,
    StartClient,
    StartProduct,
    StopClient,
    StopProduct,
    Surname,
    codes,
    read,
    write,
)
from regie.messages.bsn import is_valid_bsn
from regie.messages.codes import Law

LAWS: st.SearchStrategy[Law] = st.sampled_from(codes.LAWS)
WORD = st.text(alphabet=string.ascii_letters + "éëöü'-", min_size=1, max_size=20)
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
INITIALS = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=6)
IDENT = st.text(alphabet=string.ascii_letters + string.digits + "-", min_size=1, max_size=12)
REFERENCE = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20)
NUMBER = st.integers(min_value=1, max_value=999999999).map(str)
DAY = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2029, 12, 31))


@st.composite
def bsns(draw: st.DrawFn) -> str:
    digits = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    total = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True))
    last = total % 11
    if last > 9 or digits == [0] * 8:
        digits = [9, 9, 9, 9, 0, 0, 0, 0]
        last = 6
    bsn = "".join(map(str, digits)) + str(last)
    assert is_valid_bsn(bsn)
    return bsn


def header(draw: st.DrawFn, law: Law, number: str, day: dt.date, from_municipality: bool) -> Header:
    municipality = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    provider = draw(st.from_regex(r"[0-9]{8}", fullmatch=True))
    sender, receiver = (municipality, provider) if from_municipality else (provider, municipality)
    return Header(law, number, sender, receiver, draw(IDENT), day)


def product(draw: st.DrawFn, law: Law) -> Product:
    category = draw(st.sampled_from(sorted(codes.PRODUCT_CATEGORIES[law])))
    return Product(category, category + draw(st.from_regex(r"[A-Z][0-9]{2}", fullmatch=True)))


def short_name(draw: st.DrawFn) -> ShortName:
    prefix = draw(st.none() | st.sampled_from(["de", "van", "van der"]))
    return ShortName(Surname(draw(NAME), prefix), draw(st.none() | NAME), draw(st.none() | INITIALS))


def weekly_extent(draw: st.DrawFn) -> Extent:
    return Extent(draw(st.integers(1, 40)), draw(st.sampled_from(["01", "04", "14", "16"])), "2")


@st.composite
def care_starts(draw: st.DrawFn) -> CareStart:
    law = draw(LAWS)
    day = draw(DAY)
    items = []
    for _ in range(draw(st.integers(1, 3))):
        number = draw(st.none() | NUMBER)
        items.append(
            StartProduct(
                draw(st.dates(day - dt.timedelta(days=90), day)),
                draw(st.sampled_from(["1", "3"])),
                number,
                product(draw, law) if number or draw(st.booleans()) else None,
                draw(st.none() | st.dates(day - dt.timedelta(days=120), day)),
            )
        )
    birth = draw(st.dates(day.replace(year=day.year - 100), day))
    client = StartClient(
        draw(bsns()), BirthDate(birth), draw(st.sampled_from(["0", "1", "2"])), short_name(draw), tuple(items)
    )
    return CareStart(header(draw, law, "305", day, False), client)


@st.composite
def care_stops(draw: st.DrawFn) -> CareStop:
    law = draw(LAWS)
    day = draw(DAY)
    items = []
    for _ in range(draw(st.integers(1, 3))):
        begin = draw(st.dates(day - dt.timedelta(days=400), day))
        items.append(
            StopProduct(
                begin,
                draw(st.sampled_from(sorted(codes.END_REASONS[law]))),
                draw(st.dates(begin, day)),
                draw(st.sampled_from(["1", "3"])),
                draw(NUMBER),
                product(draw, law),
            )
        )
    birth = draw(st.dates(day.replace(year=day.year - 100), day))
    client = StopClient(
        draw(bsns()), BirthDate(birth), draw(st.sampled_from(["0", "1", "2"])), short_name(draw), tuple(items)
    )
    return CareStop(header(draw, law, "307", day, False), client)


@st.composite
def allocations(draw: st.DrawFn) -> Allocation:
    law = draw(LAWS)
    day = draw(DAY)
    categories = draw(
        st.lists(st.sampled_from(sorted(codes.PRODUCT_CATEGORIES[law])), min_size=1, max_size=3, unique=True)
    )
    items = []
    for i, category in enumerate(categories):
        start = draw(st.dates(day - dt.timedelta(days=60), day + dt.timedelta(days=60)))
        end = draw(st.dates(start, start + dt.timedelta(days=700)))
        with_budget = draw(st.booleans())
        items.append(
            AllocatedProduct(
                allocation_number=str(100000 + i),
                allocation_date=day,
                allocation_time=dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))),
                start=start,
                product=Product(category) if with_budget else Product(category, category + "X01"),
                end=end,
                extent=None if with_budget else weekly_extent(draw),
                budget=draw(st.integers(0, 99999999)) if with_budget else None,
                comment=draw(st.none() | NAME),
            )
        )
    contact = Contact("01", Address(House(draw(st.integers(1, 999))), "5911AB", draw(WORD), draw(NAME), "NL"))
    client = AllocationClient(
        bsn=draw(bsns()),
        birth_date=BirthDate(draw(st.dates(day.replace(year=day.year - 100), day))),
        gender=draw(st.sampled_from(["0", "1", "2"])),
        name=FullName(Surname(draw(NAME)), "1", None, draw(st.none() | NAME), draw(st.none() | INITIALS)),
        contacts=(contact,),
        products=tuple(items),
    )
    return Allocation(header(draw, law, "301", day, True), client)


@st.composite
def change_requests(draw: st.DrawFn) -> ChangeRequest:
    law = draw(LAWS)
    day = draw(DAY)
    start = draw(st.dates(day, day + dt.timedelta(days=90)))
    changed = tuple(
        ChangedProduct(draw(NUMBER), start, start + dt.timedelta(days=draw(st.integers(0, 365))), weekly_extent(draw))
        for _ in range(draw(st.integers(0, 2)))
    )
    new = tuple(
        NewProduct(start, product(draw, law), start + dt.timedelta(days=draw(st.integers(0, 365))), weekly_extent(draw))
        for _ in range(draw(st.integers(0 if changed else 1, 2)))
    )
    unchanged = tuple(draw(st.lists(NUMBER, min_size=0 if changed else 1, max_size=2)))
    client = ChangeRequestClient(
        draw(bsns()), draw(REFERENCE), draw(st.sampled_from(["1", "2"])), unchanged, changed, new
    )
    return ChangeRequest(header(draw, law, "317", day, False), client)


@st.composite
def declarations(draw: st.DrawFn) -> Declaration:
    law = draw(LAWS)
    year, month = draw(st.integers(2021, 2029)), draw(st.integers(1, 12))
    last = calendar.monthrange(year, month)[1]
    period = Period(dt.date(year, month, 1), dt.date(year, month, last))
    day = period.end + dt.timedelta(days=draw(st.integers(1, 60)))
    references = iter(draw(st.lists(REFERENCE, min_size=12, max_size=12, unique=True)))
    clients: list[DeclarationClient] = []
    # distinct clients: two entries of one BSN with the same allocation and period would be two
    # debits of one key (TR416), which hypothesis found
    for bsn in draw(st.lists(bsns(), min_size=1, max_size=3, unique=True)):
        lines = []
        for j in range(draw(st.integers(1, 3))):
            unit = draw(st.sampled_from(sorted(codes.UNITS)))
            volume = draw(st.integers(0, 5000))
            # an amount is at most 99,999,999 cents (the XSD's Bedrag), which hypothesis found
            tariff = None if unit == "83" else draw(st.integers(0, min(20000, 99_999_999 // max(volume, 1))))
            cents = volume if tariff is None else volume * tariff
            begin = dt.date(year, month, draw(st.integers(1, last)))
            credit = draw(st.booleans()) and cents > 0
            p = product(draw, law)
            lines.append(
                Performance(
                    next(references),
                    str(200000 + j),  # distinct allocation per line: no two debits share a key (TR416)
                    p.category,
                    p.code or "",
                    Period(begin, dt.date(year, month, draw(st.integers(begin.day, last)))),
                    volume,
                    unit,
                    Amount(cents, "C" if credit else "D"),
                    tariff,
                    f"OLD{j}{len(clients)}" if credit else None,
                )
            )
        clients.append(DeclarationClient(bsn, tuple(lines)))
    total = sum(p.amount.signed for c in clients for p in c.performances)
    return Declaration(
        header(draw, law, "323", day, False),
        draw(REFERENCE.map(lambda r: r[:12])),
        period,
        day,
        Amount.of(total),
        tuple(clients),
    )


@st.composite
def request_replies(draw: st.DrawFn) -> RequestReply:
    """A 319 keeping CD085/CD086 and (iJw) TR377/TR409: a refusal with its reason, or "in onderzoek"."""
    law = draw(LAWS)
    answer = draw(st.sampled_from(sorted(codes.REQUEST_ANSWERS)))
    reason = draw(st.sampled_from(sorted(codes.REFUSAL_REASONS))) if answer == "1" else None
    municipality = draw(st.from_regex(r"[0-9]{4}", fullmatch=True)) if law == "jw" and reason == "8" else None
    body = RequestAnswer(draw(REFERENCE), answer, reason, municipality)
    return RequestReply(header(draw, law, "319", draw(DAY), True), body)


MESSAGES = st.one_of(care_starts(), care_stops(), allocations(), change_requests(), request_replies(), declarations())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MESSAGES)
def test_any_valid_message_round_trips_and_validates(message: Message) -> None:
    data = write(message)
    result = read(data)
    assert result.faults == (), result.faults
    assert result.message == message
    assert write(result.message) == data
