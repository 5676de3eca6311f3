"""The rules on the request messages (301, 305, 307, 315, 317, 319) and their answers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TypeVar

from regie.messages.codes import (
    ANSWER_INVESTIGATING,
    ANSWER_REFUSED,
    CHANGE_REASON_DELETED,
    REFERRER_TYPES_WITH_AGB,
    REFUSAL_RESIDENCE,
)
from regie.messages.faults import record_ref, step
from regie.messages.model import (
    AllocatedProduct,
    Allocation,
    AllocationRequest,
    Answer,
    BirthDate,
    CareStart,
    CareStop,
    ChangeRequest,
    RequestAnswer,
    RequestReply,
    StartProduct,
    StopProduct,
)
from regie.messages.rules.common import (
    Faults,
    check_birth,
    check_bsn,
    check_communication,
    check_contact,
    check_end_after_begin,
    check_extent_budget,
    check_full_name,
    check_product_terms,
)

#: A product of a 305 or a 307.
P = TypeVar("P", StartProduct, StopProduct)


def allocation(out: Faults, message: Allocation) -> None:
    client = message.client
    base = "/Bericht/Client"
    check_bsn(out, client.bsn, f"{base}/Bsn")
    check_birth(out, client.birth_date, f"{base}/Geboortedatum")
    check_full_name(out, client.name, f"{base}/Naam", client=True)
    check_communication(out, client.communication, f"{base}/Communicatie")
    for i, relation in enumerate(client.relations):
        path = f"{base}/Relaties/{step('Relatie', i, len(client.relations))}"
        check_birth(out, relation.birth_date, f"{path}/Geboortedatum")
        check_full_name(out, relation.name, f"{path}/Naam", client=False)
        check_contact(out, relation.contact, f"{path}/Contact")
    for i, contact in enumerate(client.contacts):
        check_contact(out, contact, f"{base}/Contactgegevens/{step('Contact', i, len(client.contacts))}")
    if not any(contact.kind in {"01", "02", "03"} for contact in client.contacts):
        out.add(f"{base}/Contactgegevens", "TR061", "de client heeft geen BRP-, correspondentie- of verblijfadres.")
    for i, product in enumerate(client.products):
        path = f"{base}/ToegewezenProducten/{step('ToegewezenProduct', i, len(client.products))}"
        record = product.allocation_number
        check_end_after_begin(out, product.start, product.end, f"{path}/Einddatum", record)
        check_product_terms(
            out, path, record, product.product, product.end, "Einddatum", product.extent, product.budget
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


def care_start(out: Faults, message: CareStart) -> None:
    client = message.client
    for _ in _care_products(out, client.bsn, client.birth_date, client.products, "StartProducten", "StartProduct"):
        pass


def care_stop(out: Faults, message: CareStop) -> None:
    client = message.client
    for path, record, product in _care_products(
        out, client.bsn, client.birth_date, client.products, "StopProducten", "StopProduct"
    ):
        if product.end < product.start:
            out.add(f"{path}/Einddatum", "TR018", "de einddatum ligt voor de begindatum.", record)


def _care_products(
    out: Faults, bsn: str, birth_date: BirthDate, products: Sequence[P], container: str, item: str
) -> Iterator[tuple[str, str, P]]:
    """The rules a 305 and a 307 share (CS002, the birth date, CS058 StatusAanlevering 1 or 3);
    yields each product with its path and record, for the rules of the message itself to
    follow before the next product's."""
    check_bsn(out, bsn, "/Bericht/Client/Bsn")
    check_birth(out, birth_date, "/Bericht/Client/Geboortedatum")
    n = len(products)
    for i, product in enumerate(products):
        path = f"/Bericht/Client/{container}/{step(item, i, n)}"
        record = record_ref(product.allocation_number, i, n, item)
        if product.status not in {"1", "3"}:
            out.add(f"{path}/StatusAanlevering", "CS058", "StatusAanlevering moet 1 of 3 zijn.", record)
        yield path, record, product


def allocation_request(out: Faults, message: AllocationRequest) -> None:
    client = message.client
    check_bsn(out, client.bsn, "/Bericht/Client/Bsn")
    check_birth(out, client.birth_date, "/Bericht/Client/Geboortedatum")
    n = len(client.products)
    references = Counter(p.provider_reference for p in client.products)
    for i, product in enumerate(client.products):
        path = f"/Bericht/Client/AangevraagdeProducten/{step('AangevraagdProduct', i, n)}"
        record = product.provider_reference
        check_end_after_begin(
            out, product.allocation_start, product.allocation_end, f"{path}/ToewijzingEinddatum", record
        )
        check_product_terms(
            out,
            path,
            record,
            product.product,
            product.allocation_end,
            "ToewijzingEinddatum",
            product.extent,
            product.budget,
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


def change_request(out: Faults, message: ChangeRequest) -> None:
    client = message.client
    base = "/Bericht/Client/Verzoek"
    record = client.provider_reference
    check_bsn(out, client.bsn, "/Bericht/Client/Bsn", (record,))
    if not client.unchanged and not client.changed:
        out.add(base, "TR352", "een verzoek om wijziging bevat minstens 1 ongewijzigd of te wijzigen product.", record)
    if not client.changed and not client.new:
        out.add(base, "TR353", "een verzoek om wijziging bevat minstens 1 te wijzigen of nieuw product.", record)
    for i, changed in enumerate(client.changed):
        path = f"{base}/TeWijzigenProducten/{step('TeWijzigenProduct', i, len(client.changed))}"
        check_end_after_begin(out, changed.desired_start, changed.end, f"{path}/Einddatum", record)
        check_extent_budget(
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
        check_end_after_begin(out, new.desired_start, new.end, f"{path}/Einddatum", record)
        check_product_terms(out, path, record, new.product, new.end, "Einddatum", new.extent, new.budget)


def request_reply(out: Faults, message: RequestReply) -> None:
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


def answer(out: Faults, message: Answer) -> None:
    client = message.client
    if client is not None and not isinstance(client, RequestAnswer):
        check_bsn(out, client.bsn, "/Bericht/Client/Bsn")
