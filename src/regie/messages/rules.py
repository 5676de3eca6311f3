"""The rules inside one message: conditions (CD), constraints (CS) and technical rules (TR)
that the standard checks on a message on its own ("bericht inhoud").

:func:`check` runs every rule that applies to a (schema-valid) message and returns its
faults. Each rule is one small function whose docstring states it as the standard does; the
code is ``0001`` unless the standard gives the rule its own retour code (TR319 -> 9319,
TR346 -> 9346). Rules that need other messages (an allocation for a declaration, earlier
starts, uniqueness over time) are in :mod:`regie.messages.crossrules`.

Not implemented here (they need data outside the message): TR302/TR361/TR386/TR410 overlap
of products is implemented for 301 only (TR302); TR380 is not applied (its element is not
named in the published rule table).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator

from regie.messages.bsn import is_valid_bsn
from regie.messages.codes import (
    ANSWER_INVESTIGATING,
    ANSWER_REFUSED,
    CHANGE_REASON_DELETED,
    REFERRER_TYPES_WITH_AGB,
    REFUSAL_RESIDENCE,
    TECHNICAL,
    UNIT_EURO,
)
from regie.messages.faults import Fault, record_ref, step
from regie.messages.model import (
    AllocatedProduct,
    Allocation,
    AllocationRequest,
    Answer,
    BirthDate,
    CareStart,
    CareStop,
    ChangeRequest,
    Communication,
    Contact,
    Declaration,
    DeclarationAnswer,
    Extent,
    FullName,
    Header,
    Message,
    Performance,
    Period,
    RequestAnswer,
    RequestReply,
)

END_OF_2020 = dt.date(2020, 12, 31)
START_OF_2021 = dt.date(2021, 1, 1)
#: CS339/CD087 units: euro; CS338 units that need a period frequency.
UNITS_NEEDING_PERIOD_FREQUENCY = frozenset({"14", "16", "83", "84"})
PERIOD_FREQUENCIES = frozenset({"2", "4", "6"})
MINUTE = "01"
_DUTCH_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")


# --- definitions --------------------------------------------------------------------------------


def is_calendar_month(period: Period) -> bool:
    """CS340: the period is exactly one whole calendar month.

    >>> is_calendar_month(Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
    True
    >>> is_calendar_month(Period(dt.date(2025, 2, 1), dt.date(2025, 3, 1)))
    False
    """
    last = calendar.monthrange(period.begin.year, period.begin.month)[1]
    return period.begin.day == 1 and period.end == period.begin.replace(day=last)


def in_one_month(period: Period) -> bool:
    """CS337: the end lies in the same calendar month and year as the begin."""
    return (period.begin.year, period.begin.month) == (period.end.year, period.end.month)


def birth_date_consistent(birth: BirthDate) -> bool:
    """CS139: Datum agrees with DatumGebruik.

    DatumGebruik 1 (day unknown) -> the day is the 1st; 2 (day and month unknown) -> 1 January;
    3 (date unknown) -> 1900-01-01.

    >>> birth_date_consistent(BirthDate(dt.date(2010, 5, 1), "1"))
    True
    >>> birth_date_consistent(BirthDate(dt.date(2010, 5, 7), "2"))
    False
    """
    date = birth.date
    if birth.date_use == "1":
        return date.day == 1
    if birth.date_use == "2":
        return (date.month, date.day) == (1, 1)
    if birth.date_use == "3":
        return date == dt.date(1900, 1, 1)
    return True


def amount_tolerance(volume: int, unit: str) -> int:
    """TR346 tolerance in cents between IngediendBedrag and GeleverdVolume x ProductTarief.

    Exact (0) for every unit but minutes. Declared in minutes under an hourly contract, the
    tariff per minute is the hourly tariff / 60 rounded to a cent, while the amount is
    hourly tariff x minutes / 60 rounded once (IV081): they differ by at most half a cent per
    minute plus the final rounding, (volume + 1) // 2 cents.

    >>> amount_tolerance(300, "01"), amount_tolerance(300, "04")
    (150, 0)
    """
    return (volume + 1) // 2 if unit == MINUTE else 0


def amount_matches(p: Performance) -> bool:
    """TR346 (9346): when Eenheid is not 83 (euro), IngediendBedrag = GeleverdVolume x ProductTarief.

    >>> from regie.messages.model import Amount
    >>> p = Performance("R", "1", "45", "45A03", Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    ...                 16, "04", Amount(104800), tariff=6550)
    >>> amount_matches(p)
    True
    """
    if p.unit == UNIT_EURO or p.tariff is None:
        return True
    return abs(p.amount.cents - p.volume * p.tariff) <= amount_tolerance(p.volume, p.unit)


def declared_total(message: Declaration) -> int:
    """TR358: the signed sum of the prestaties (debit added, credit subtracted), in cents."""
    return sum(p.amount.signed for _, p in message.performances())


# --- rule runner ------------------------------------------------------------------------------


class _Faults:
    """Collects faults with the message's context (its header for date checks)."""

    def __init__(self, header: Header) -> None:
        self.header = header
        self.items: list[Fault] = []

    def add(self, path: str, rule: str, reason: str, record: str | None = None, code: str = TECHNICAL) -> None:
        self.items.append(Fault(path, code, f"{rule}: {reason}", record))


def _check_bsn(out: _Faults, bsn: str, path: str, records: tuple[str | None, ...] = (None,)) -> None:
    """CS002: the BSN passes the eleven-test (reported without its value)."""
    if not is_valid_bsn(bsn):
        for record in records:
            out.add(path, "CS002", "het BSN voldoet niet aan de elfproef.", record)


def _check_birth(out: _Faults, birth: BirthDate | None, path: str) -> None:
    """CS139 (DatumGebruik), TR134 (not after Dagtekening), TR002 (at most 120 years before)."""
    if birth is None:
        return
    if not birth_date_consistent(birth):
        out.add(f"{path}/DatumGebruik", "CS139", "DatumGebruik en Datum van de geboortedatum komen niet overeen.")
    day = out.header.dagtekening
    if birth.date > day:
        out.add(f"{path}/Datum", "TR134", "de geboortedatum ligt na de dagtekening van het bericht.")
    unknown = birth.date_use == "3" and birth.date == dt.date(1900, 1, 1)
    if not unknown and birth.date < _years_before(day, 120):
        out.add(f"{path}/Datum", "TR002", "de geboortedatum ligt meer dan 120 jaar voor de dagtekening.")


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _check_full_name(out: _Faults, name: FullName, path: str, client: bool) -> None:
    """CS050: with a Partnernaam NaamGebruik is 1-4, without it 1 or 6; CS318: not 6 for a client."""
    if name.partner_name is not None and name.name_use not in {"1", "2", "3", "4"}:
        out.add(f"{path}/NaamGebruik", "CS050", "bij een partnernaam moet NaamGebruik 1, 2, 3 of 4 zijn.")
    if name.partner_name is None and name.name_use not in {"1", "6"}:
        out.add(f"{path}/NaamGebruik", "CS050", "zonder partnernaam moet NaamGebruik 1 of 6 zijn.")
    if client and name.name_use == "6":
        out.add(
            f"{path}/NaamGebruik",
            "CS318",
            "NaamGebruik 6 (niet-natuurlijk persoon) is voor een client niet toegestaan.",
        )


def _check_communication(out: _Faults, communication: Communication | None, path: str) -> None:
    """CD007: Taal is filled when Vorm is 1 (tolk taal), and empty otherwise."""
    if communication is None:
        return
    if communication.form == "1" and communication.language is None:
        out.add(f"{path}/Taal", "CD007", "bij Vorm 1 (tolk taal) is Taal verplicht.")
    if communication.form != "1" and communication.language is not None:
        out.add(f"{path}/Taal", "CD007", "Taal mag alleen gevuld zijn bij Vorm 1 (tolk taal).")


def _check_contact(out: _Faults, contact: Contact, path: str) -> None:
    """TR006, CD009, CS003, CD025, CD034, CD005, CS089 on one Contact."""
    address = contact.address
    house = address.house if address else None
    postcode = address.postcode if address else None
    country = address.country if address else None
    if not contact.phones and (house is None or postcode is None):
        out.add(path, "TR006", "een contact moet een telefoonnummer of een huis met postcode bevatten.")
    if contact.period is not None:
        if contact.kind != "04":
            out.add(f"{path}/Periode", "CD009", "een periode mag alleen bij een tijdelijk verblijfadres (04).")
        begin, end = contact.period.begin, contact.period.end
        if begin is not None and end is not None and end < begin:
            out.add(f"{path}/Periode/Einddatum", "CS003", "de einddatum ligt voor de begindatum.")
    if country == "NL" and house is None:
        out.add(f"{path}/Adres/Huis", "CD025", "bij een Nederlands adres is Huis verplicht.")
    if contact.kind in {"01", "03"} and postcode is None:
        out.add(f"{path}/Adres/Postcode", "CD034", "bij een BRP- of verblijfadres is de postcode verplicht.")
    if (postcode is None) != (country is None):
        out.add(f"{path}/Adres/LandCode", "CD005", "LandCode moet gevuld zijn als (en alleen als) Postcode gevuld is.")
    if country == "NL" and postcode is not None and not _DUTCH_POSTCODE.match(postcode):
        out.add(f"{path}/Adres/Postcode", "CS089", "een Nederlandse postcode bestaat uit 4 cijfers en 2 letters.")


def _check_extent_budget(
    out: _Faults,
    path: str,
    record: str | None,
    *,
    product_code: str | None,
    product_present: bool,
    end: dt.date | None,
    end_name: str,
    extent: Extent | None,
    budget: int | None,
    require_product: bool = True,
    require_extent_for_code: bool = True,
    empty_extent_without_code: bool = True,
) -> None:
    """The product/extent/budget conditions shared by 301, 315 and 317.

    CD079 Product required when Budget is empty; CD077/CD078 Omvang and Budget exclude each
    other; CD075 the end date is required with a Budget; CD076 the end date is required with
    Frequentie 2 (per week); CD041 Omvang required when the product has a Code;
    CD080/CD095/CD096 no Omvang when the product has no Code and the end is after 2020 or
    open; CS338/CS343 units 14, 16, 83 and 84 with an end after 2020 (or open) need Frequentie
    2, 4 or 6.
    """
    if require_product and budget is None and not product_present:
        out.add(f"{path}/Product", "CD079", "Product is verplicht als er geen budget is.", record)
    if extent is not None and budget is not None:
        out.add(f"{path}/Budget", "CD078", "Omvang en Budget mogen niet allebei gevuld zijn.", record)
    if budget is not None and end is None:
        out.add(f"{path}/{end_name}", "CD075", f"{end_name} is verplicht bij een budget.", record)
    if extent is not None and extent.frequency == "2" and end is None:
        out.add(f"{path}/{end_name}", "CD076", f"{end_name} is verplicht bij frequentie per week.", record)
    if require_extent_for_code and product_code is not None and extent is None and budget is None:
        out.add(f"{path}/Omvang", "CD041", "Omvang is verplicht als de productcode gevuld is.", record)
    open_or_after_2020 = end is None or end > END_OF_2020
    if empty_extent_without_code and product_present and product_code is None and extent is not None:
        if open_or_after_2020:
            out.add(f"{path}/Omvang", "CD080", "zonder productcode mag Omvang niet gevuld zijn.", record)
    if extent is not None and extent.unit in UNITS_NEEDING_PERIOD_FREQUENCY and open_or_after_2020:
        if extent.frequency not in PERIOD_FREQUENCIES:
            out.add(
                f"{path}/Omvang/Frequentie",
                "CS338",
                "bij eenheid 14, 16, 83 of 84 moet de frequentie 2, 4 of 6 zijn.",
                record,
            )


def _check_end_after_begin(out: _Faults, begin: dt.date, end: dt.date | None, path: str, record: str | None) -> None:
    """CS003 / TR018: an end date is on or after its begin (Ingangsdatum, Begindatum)."""
    if end is not None and end < begin:
        out.add(path, "CS003", "de einddatum ligt voor de begindatum.", record)


# --- per message ----------------------------------------------------------------------------


def _allocation(out: _Faults, message: Allocation) -> None:
    client = message.client
    base = "/Bericht/Client"
    _check_bsn(out, client.bsn, f"{base}/Bsn")
    _check_birth(out, client.birth_date, f"{base}/Geboortedatum")
    _check_full_name(out, client.name, f"{base}/Naam", client=True)
    _check_communication(out, client.communication, f"{base}/Communicatie")
    for i, relation in enumerate(client.relations):
        path = f"{base}/Relaties/{step('Relatie', i, len(client.relations))}"
        _check_birth(out, relation.birth_date, f"{path}/Geboortedatum")
        _check_full_name(out, relation.name, f"{path}/Naam", client=False)
        _check_contact(out, relation.contact, f"{path}/Contact")
    for i, contact in enumerate(client.contacts):
        _check_contact(out, contact, f"{base}/Contactgegevens/{step('Contact', i, len(client.contacts))}")
    if not any(contact.kind in {"01", "02", "03"} for contact in client.contacts):
        out.add(f"{base}/Contactgegevens", "TR061", "de client heeft geen BRP-, correspondentie- of verblijfadres.")
    for i, product in enumerate(client.products):
        path = f"{base}/ToegewezenProducten/{step('ToegewezenProduct', i, len(client.products))}"
        record = product.allocation_number
        _check_end_after_begin(out, product.start, product.end, f"{path}/Einddatum", record)
        _check_extent_budget(
            out,
            path,
            record,
            product_code=product.product.code if product.product else None,
            product_present=product.product is not None,
            end=product.end,
            end_name="Einddatum",
            extent=product.extent,
            budget=product.budget,
        )
        if product.change_reason == CHANGE_REASON_DELETED and product.end != product.start:
            out.add(
                f"{path}/RedenWijziging",
                "CS335",
                "reden 13 (verwijderd) alleen als einddatum gelijk is aan ingangsdatum.",
                record,
            )
        if product.change_reason == "01":
            out.add(
                f"{path}/RedenWijziging",
                "CS336",
                "reden 01 (administratieve correctie, vervallen) niet gebruiken.",
                record,
            )
    for path, record in _overlapping_products(client.products):
        out.add(path, "TR302", "hetzelfde product komt vaker voor met overlappende perioden.", record)


def _overlapping_products(products: tuple[AllocatedProduct, ...]) -> Iterator[tuple[str, str]]:
    """TR302: a product occurs more than once in a 301 only when the periods do not overlap.

    Products are the same by code, else by category; a product without a category overlaps
    with any. Deleted allocations (end = start with reason 13 or 01) do not count.
    """

    def live(p: AllocatedProduct) -> bool:
        return not (p.change_reason in {CHANGE_REASON_DELETED, "01"} and p.end == p.start)

    def key(p: AllocatedProduct) -> tuple[str, str] | None:
        if p.product is None:
            return None
        return (p.product.category, p.product.code or "")

    count = len(products)
    for i, a in enumerate(products):
        for j in range(i + 1, count):
            b = products[j]
            if not (live(a) and live(b)):
                continue
            ka, kb = key(a), key(b)
            same = ka is None or kb is None or ka == kb or ((not ka[1] or not kb[1]) and ka[0] == kb[0])
            if same and a.start <= (b.end or dt.date.max) and b.start <= (a.end or dt.date.max):
                path = f"/Bericht/Client/ToegewezenProducten/{step('ToegewezenProduct', j, count)}"
                yield path, b.allocation_number


def _care_start(out: _Faults, message: CareStart) -> None:
    client = message.client
    _check_bsn(out, client.bsn, "/Bericht/Client/Bsn")
    _check_birth(out, client.birth_date, "/Bericht/Client/Geboortedatum")
    n = len(client.products)
    for i, product in enumerate(client.products):
        path = f"/Bericht/Client/StartProducten/{step('StartProduct', i, n)}"
        record = record_ref(product.allocation_number, i, n, "StartProduct")
        if product.status not in {"1", "3"}:
            out.add(f"{path}/StatusAanlevering", "CS058", "StatusAanlevering moet 1 of 3 zijn.", record)


def _care_stop(out: _Faults, message: CareStop) -> None:
    client = message.client
    _check_bsn(out, client.bsn, "/Bericht/Client/Bsn")
    _check_birth(out, client.birth_date, "/Bericht/Client/Geboortedatum")
    n = len(client.products)
    for i, product in enumerate(client.products):
        path = f"/Bericht/Client/StopProducten/{step('StopProduct', i, n)}"
        record = record_ref(product.allocation_number, i, n, "StopProduct")
        if product.status not in {"1", "3"}:
            out.add(f"{path}/StatusAanlevering", "CS058", "StatusAanlevering moet 1 of 3 zijn.", record)
        if product.end < product.start:
            out.add(f"{path}/Einddatum", "TR018", "de einddatum ligt voor de begindatum.", record)


def _allocation_request(out: _Faults, message: AllocationRequest) -> None:
    client = message.client
    _check_bsn(out, client.bsn, "/Bericht/Client/Bsn")
    _check_birth(out, client.birth_date, "/Bericht/Client/Geboortedatum")
    n = len(client.products)
    references = Counter(p.provider_reference for p in client.products)
    for i, product in enumerate(client.products):
        path = f"/Bericht/Client/AangevraagdeProducten/{step('AangevraagdProduct', i, n)}"
        record = product.provider_reference
        _check_end_after_begin(
            out, product.allocation_start, product.allocation_end, f"{path}/ToewijzingEinddatum", record
        )
        _check_extent_budget(
            out,
            path,
            record,
            product_code=product.product.code if product.product else None,
            product_present=product.product is not None,
            end=product.allocation_end,
            end_name="ToewijzingEinddatum",
            extent=product.extent,
            budget=product.budget,
        )
        if (product.decision_number is None) != (product.decision_start is None):
            out.add(
                f"{path}/BeschikkingIngangsdatum",
                "CD043",
                "BeschikkingIngangsdatum moet gevuld zijn als (en alleen als) BeschikkingNummer gevuld is.",
                record,
            )
        referrer = product.referrer
        if referrer.type in REFERRER_TYPES_WITH_AGB:
            if referrer.care_provider_code is not None and referrer.name is not None:
                out.add(f"{path}/Verwijzer/Naam", "CD066", "met een zorgverlenercode blijft de naam leeg.", record)
            if referrer.care_provider_code is None and referrer.name is None:
                out.add(f"{path}/Verwijzer/Naam", "CD067", "zonder zorgverlenercode is de naam verplicht.", record)
        elif referrer.care_provider_code is not None:
            out.add(
                f"{path}/Verwijzer/ZorgverlenerCode",
                "CD068",
                "een zorgverlenercode mag alleen bij verwijzer 02, 03, 04 of 05.",
                record,
            )
        if references[product.provider_reference] > 1:
            out.add(
                f"{path}/ReferentieAanbieder", "TR383", "ReferentieAanbieder komt vaker voor in het bericht.", record
            )


def _change_request(out: _Faults, message: ChangeRequest) -> None:
    client = message.client
    base = "/Bericht/Client/Verzoek"
    record = client.provider_reference
    _check_bsn(out, client.bsn, "/Bericht/Client/Bsn", (record,))
    if not client.unchanged and not client.changed:
        out.add(base, "TR352", "een verzoek om wijziging bevat minstens 1 ongewijzigd of te wijzigen product.", record)
    if not client.changed and not client.new:
        out.add(base, "TR353", "een verzoek om wijziging bevat minstens 1 te wijzigen of nieuw product.", record)
    for i, changed in enumerate(client.changed):
        path = f"{base}/TeWijzigenProducten/{step('TeWijzigenProduct', i, len(client.changed))}"
        _check_end_after_begin(out, changed.desired_start, changed.end, f"{path}/Einddatum", record)
        _check_extent_budget(
            out,
            path,
            record,
            product_code=None,
            product_present=False,
            end=changed.end,
            end_name="Einddatum",
            extent=changed.extent,
            budget=changed.budget,
            require_product=False,
            require_extent_for_code=False,
            empty_extent_without_code=False,
        )
    for i, new in enumerate(client.new):
        path = f"{base}/NieuweProducten/{step('NieuwProduct', i, len(client.new))}"
        _check_end_after_begin(out, new.desired_start, new.end, f"{path}/Einddatum", record)
        _check_extent_budget(
            out,
            path,
            record,
            product_code=new.product.code if new.product else None,
            product_present=new.product is not None,
            end=new.end,
            end_name="Einddatum",
            extent=new.extent,
            budget=new.budget,
        )


def _request_reply(out: _Faults, message: RequestReply) -> None:
    """The rules on the Antwoord of a 319.

    CD085: with VerzoekAntwoord 1 (verzoek afgewezen) RedenAfwijzingVerzoek is filled; CD086:
    with VerzoekAntwoord 2 (aanvraag in onderzoek) it is empty. iJw only (the iWmo 319 has no
    Woonplaatsbeginsel): TR377 with reason 8 (woonplaatsbeginsel) the Woonplaatsbeginsel names
    the responsible municipality; TR409 with any other reason (or none) it is left out.
    """
    answer: RequestAnswer = message.answer
    base = "/Bericht/Antwoord"
    record = answer.provider_reference
    if answer.answer == ANSWER_REFUSED and answer.refusal_reason is None:
        out.add(
            f"{base}/RedenAfwijzingVerzoek",
            "CD085",
            "bij VerzoekAntwoord 1 (verzoek afgewezen) is RedenAfwijzingVerzoek verplicht.",
            record,
        )
    if answer.answer == ANSWER_INVESTIGATING and answer.refusal_reason is not None:
        out.add(
            f"{base}/RedenAfwijzingVerzoek",
            "CD086",
            "bij VerzoekAntwoord 2 (aanvraag in onderzoek) blijft RedenAfwijzingVerzoek leeg.",
            record,
        )
    if message.header.law != "jw":
        return
    if answer.refusal_reason == REFUSAL_RESIDENCE and answer.responsible_municipality is None:
        out.add(
            f"{base}/Woonplaatsbeginsel",
            "TR377",
            "bij reden 8 (woonplaatsbeginsel) is Woonplaatsbeginsel met de verantwoordelijke gemeente verplicht.",
            record,
        )
    if answer.refusal_reason != REFUSAL_RESIDENCE and answer.responsible_municipality is not None:
        out.add(
            f"{base}/Woonplaatsbeginsel",
            "TR409",
            "Woonplaatsbeginsel alleen bij reden 8 (woonplaatsbeginsel).",
            record,
        )


def _declaration(out: _Faults, message: Declaration) -> None:
    base = "/Bericht/Declaratie"
    period = message.period
    if period.begin < START_OF_2021:
        out.add(f"{base}/DeclaratiePeriode/Begindatum", "CS100", "de declaratieperiode ligt voor 1 januari 2021.")
    if not is_calendar_month(period):
        out.add(f"{base}/DeclaratiePeriode", "CS340", "de declaratieperiode is niet precies één kalendermaand.")
    if declared_total(message) != message.total.signed:
        out.add(
            f"{base}/TotaalIngediendBedrag",
            "TR358",
            "TotaalIngediendBedrag is niet gelijk aan de som van de ingediende bedragen van de prestaties.",
        )
    if message.total.cents == 0 and message.total.debit_credit != "D":
        out.add(f"{base}/TotaalIngediendBedrag/DebetCredit", "CS325", "bij bedrag 0 moet DebetCredit D zijn.")
    performances = [p for _, p in message.performances()]
    references = {p.reference for p in performances}
    previous = Counter(p.previous_reference for p in performances if p.previous_reference is not None)
    debits = Counter(
        (client.bsn, p.period, p.category, p.code, p.allocation_number)
        for client, p in message.performances()
        if p.amount.debit_credit == "D"
    )
    for ci, client in enumerate(message.clients):
        client_path = f"{base}/Clienten/{step('Client', ci, len(message.clients))}"
        _check_bsn(out, client.bsn, f"{client_path}/Bsn", tuple(p.reference for p in client.performances))
        for pi, p in enumerate(client.performances):
            path = f"{client_path}/Prestaties/{step('Prestatie', pi, len(client.performances))}"
            _check_performance(out, message, client.bsn, p, path, previous, references, debits)


def _check_performance(
    out: _Faults,
    message: Declaration,
    bsn: str,
    p: Performance,
    path: str,
    previous: Counter[str],
    references: set[str],
    debits: Counter[tuple[str, Period, str, str, str]],
) -> None:
    """The rules on one Prestatie of a 323."""
    record = p.reference
    period = p.period
    if period.begin < START_OF_2021:
        out.add(f"{path}/ProductPeriode/Begindatum", "CS100", "de productperiode ligt voor 1 januari 2021.", record)
    if period.end < period.begin:
        out.add(f"{path}/ProductPeriode/Einddatum", "TR137", "de einddatum ligt voor de begindatum.", record)
    elif not in_one_month(period):
        out.add(
            f"{path}/ProductPeriode/Einddatum", "CS337", "de productperiode valt niet binnen één kalendermaand.", record
        )
    if period.end > out.header.dagtekening:
        out.add(
            f"{path}/ProductPeriode/Einddatum",
            "TR137",
            "de productperiode eindigt na de dagtekening van het bericht.",
            record,
        )
    if period.end > message.period.end:
        out.add(
            f"{path}/ProductPeriode",
            "TR319",
            "de productperiode valt niet in de huidige of een eerdere declaratieperiode.",
            record,
            code="9319",
        )
    if period.end < _years_before(message.declaration_date, 5):
        out.add(
            f"{path}/ProductPeriode/Einddatum",
            "TR335",
            "de einddatum ligt meer dan 5 jaar voor de declaratiedagtekening.",
            record,
        )
    if p.unit == UNIT_EURO and p.tariff is not None:
        out.add(f"{path}/ProductTarief", "CD087", "bij eenheid 83 (euro's) blijft ProductTarief leeg.", record)
    if p.unit != UNIT_EURO and p.tariff is None:
        out.add(f"{path}/ProductTarief", "CD087", "ProductTarief is verplicht als de eenheid geen euro's is.", record)
    if p.unit == UNIT_EURO and p.amount.cents != p.volume:
        out.add(
            f"{path}/IngediendBedrag",
            "CS339",
            "bij eenheid 83 (euro's) moet het bedrag gelijk zijn aan het volume.",
            record,
        )
    if not amount_matches(p):
        out.add(
            f"{path}/IngediendBedrag",
            "TR346",
            "het ingediende bedrag is niet gelijk aan geleverd volume maal producttarief.",
            record,
            code="9346",
        )
    if p.amount.cents == 0 and p.amount.debit_credit != "D":
        out.add(f"{path}/IngediendBedrag/DebetCredit", "CS325", "bij bedrag 0 moet DebetCredit D zijn.", record)
    credit = p.amount.debit_credit == "C"
    if credit and p.previous_reference is None:
        out.add(
            f"{path}/ProductReferentie", "CD060", "bij een creditprestatie is VorigReferentieNummer verplicht.", record
        )
    if not credit and p.previous_reference is not None:
        out.add(f"{path}/ProductReferentie", "CD060", "VorigReferentieNummer alleen bij een creditprestatie.", record)
    if p.previous_reference is not None:
        if previous[p.previous_reference] > 1:
            out.add(
                f"{path}/ProductReferentie", "TR315", "VorigReferentieNummer komt vaker voor in het bericht.", record
            )
        if p.previous_reference in references:
            out.add(
                f"{path}/ProductReferentie",
                "TR316",
                "een debetprestatie mag niet in hetzelfde bericht gecrediteerd worden.",
                record,
            )
    if not credit and debits[(bsn, p.period, p.category, p.code, p.allocation_number)] > 1:
        out.add(path, "TR416", "voor deze periode, dit product en deze toewijzing is al een debetprestatie.", record)


def _declaration_answer(out: _Faults, message: DeclarationAnswer) -> None:
    body = message.body
    if body is None:
        return
    for ci, client in enumerate(body.clients):
        path = f"/Bericht/DeclaratieAntwoord/Clienten/{step('Client', ci, len(body.clients))}/Bsn"
        _check_bsn(out, client.bsn, path)
    echoed = sum(a.performance.amount.signed for c in body.clients for a in c.performances)
    if body.clients and echoed != body.total_submitted.signed - body.total_granted.signed:
        out.add(
            "/Bericht/DeclaratieAntwoord/TotaalToegekendBedrag",
            "TR342",
            "het verschil tussen ingediend en toegekend totaal is niet de som van de afgewezen prestaties.",
        )


def _answer(out: _Faults, message: Answer) -> None:
    client = message.client
    if client is not None and not isinstance(client, RequestAnswer):
        _check_bsn(out, client.bsn, "/Bericht/Client/Bsn")


_RULES: dict[type, Callable[[_Faults, object], None]] = {
    Allocation: _allocation,  # type: ignore[dict-item]
    CareStart: _care_start,  # type: ignore[dict-item]
    CareStop: _care_stop,  # type: ignore[dict-item]
    AllocationRequest: _allocation_request,  # type: ignore[dict-item]
    ChangeRequest: _change_request,  # type: ignore[dict-item]
    RequestReply: _request_reply,  # type: ignore[dict-item]
    Declaration: _declaration,  # type: ignore[dict-item]
    DeclarationAnswer: _declaration_answer,  # type: ignore[dict-item]
    Answer: _answer,  # type: ignore[dict-item]
}


def check(message: Message) -> list[Fault]:
    """Every fault against the rules inside ``message`` (empty when it keeps them all)."""
    out = _Faults(message.header)
    _RULES[type(message)](out, message)
    return out.items
