"""What the rules of every message share: :class:`Faults` collects the faults of one message,
and the checks of the parts several messages carry (BSN, birth date, name, contact, the
product/extent/budget conditions, an end after its begin)."""

from __future__ import annotations

import datetime as dt
import re

from regie.messages.bsn import is_valid_bsn
from regie.messages.codes import TECHNICAL
from regie.messages.faults import Fault
from regie.messages.model import BirthDate, Communication, Contact, Extent, FullName, Header, Product
from regie.messages.rules.definitions import (
    END_OF_2020,
    PERIOD_FREQUENCIES,
    UNITS_NEEDING_PERIOD_FREQUENCY,
    birth_date_consistent,
)

DUTCH_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")


class Faults:
    """Collects faults with the message's context (its header for date checks)."""

    def __init__(self, header: Header) -> None:
        self.header = header
        self.items: list[Fault] = []

    def add(self, path: str, rule: str, reason: str, record: str | None = None, code: str = TECHNICAL) -> None:
        self.items.append(Fault(path, code, f"{rule}: {reason}", record))


def check_bsn(out: Faults, bsn: str, path: str, records: tuple[str | None, ...] = (None,)) -> None:
    """CS002: the BSN passes the eleven-test (reported without its value)."""
    if not is_valid_bsn(bsn):
        for record in records:
            out.add(path, "CS002", "het BSN voldoet niet aan de elfproef.", record)


def check_birth(out: Faults, birth: BirthDate | None, path: str) -> None:
    """CS139 (DatumGebruik), TR134 (not after Dagtekening), TR002 (at most 120 years before)."""
    if birth is None:
        return
    if not birth_date_consistent(birth):
        out.add(f"{path}/DatumGebruik", "CS139", "DatumGebruik en Datum van de geboortedatum komen niet overeen.")
    day = out.header.dagtekening
    if birth.date > day:
        out.add(f"{path}/Datum", "TR134", "de geboortedatum ligt na de dagtekening van het bericht.")
    unknown = birth.date_use == "3" and birth.date == dt.date(1900, 1, 1)
    if not unknown and birth.date < years_before(day, 120):
        out.add(f"{path}/Datum", "TR002", "de geboortedatum ligt meer dan 120 jaar voor de dagtekening.")


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def check_full_name(out: Faults, name: FullName, path: str, client: bool) -> None:
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


def check_communication(out: Faults, communication: Communication | None, path: str) -> None:
    """CD007: Taal is filled when Vorm is 1 (tolk taal), and empty otherwise."""
    if communication is None:
        return
    if communication.form == "1" and communication.language is None:
        out.add(f"{path}/Taal", "CD007", "bij Vorm 1 (tolk taal) is Taal verplicht.")
    if communication.form != "1" and communication.language is not None:
        out.add(f"{path}/Taal", "CD007", "Taal mag alleen gevuld zijn bij Vorm 1 (tolk taal).")


def check_contact(out: Faults, contact: Contact, path: str) -> None:
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
    if country == "NL" and postcode is not None and not DUTCH_POSTCODE.match(postcode):
        out.add(f"{path}/Adres/Postcode", "CS089", "een Nederlandse postcode bestaat uit 4 cijfers en 2 letters.")


def check_extent_budget(
    out: Faults,
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


def check_end_after_begin(out: Faults, begin: dt.date, end: dt.date | None, path: str, record: str | None) -> None:
    """CS003 / TR018: an end date is on or after its begin (Ingangsdatum, Begindatum)."""
    if end is not None and end < begin:
        out.add(path, "CS003", "de einddatum ligt voor de begindatum.", record)


def check_product_terms(
    out: Faults,
    path: str,
    record: str | None,
    product: Product | None,
    end: dt.date | None,
    end_name: str,
    extent: Extent | None,
    budget: int | None,
) -> None:
    """:func:`check_extent_budget` with all its conditions, for a record with its own Product."""
    check_extent_budget(
        out,
        path,
        record,
        product_code=product.code if product else None,
        product_present=product is not None,
        end=end,
        end_name=end_name,
        extent=extent,
        budget=budget,
    )
