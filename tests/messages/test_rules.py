"""The rules inside one message, each on a hand-made case, checked through write -> read."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from regie.messages import (
    Allocation,
    Amount,
    BirthDate,
    ChangeRequest,
    Declaration,
    Extent,
    Fault,
    Message,
    Performance,
    Period,
    Product,
    Referrer,
    RequestAnswer,
    RequestReply,
    read,
    write,
)
from regie.messages.rules import amount_matches, amount_tolerance, birth_date_consistent, is_calendar_month

from .samples import (
    allocation,
    allocation_request,
    care_start,
    care_stop,
    change_request,
    declaration,
    header,
    request_reply,
)

D = dt.date


def faults(message: Message) -> list[Fault]:
    result = read(write(message))
    assert result.message is not None, result.faults
    return list(result.faults)


def rules_of(message: Message) -> set[str]:
    return {f.reason.split(":")[0] for f in faults(message)}


def _with_performance(message: Declaration, index: int, **changes: object) -> Declaration:
    """The declaration with prestatie ``index`` (message order) changed, and the total kept right."""
    flat = [(ci, pi) for ci, c in enumerate(message.clients) for pi, _ in enumerate(c.performances)]
    ci, pi = flat[index]
    client = message.clients[ci]
    performances = list(client.performances)
    performances[pi] = dataclasses.replace(performances[pi], **changes)  # type: ignore[arg-type]
    clients = list(message.clients)
    clients[ci] = dataclasses.replace(client, performances=tuple(performances))
    changed = dataclasses.replace(message, clients=tuple(clients))
    total = sum(p.amount.signed for _, p in changed.performances())
    return dataclasses.replace(changed, total=Amount.of(total))


def test_the_samples_keep_every_rule() -> None:
    for message in (allocation("jw"), care_start("wmo"), care_stop("jw"), allocation_request("jw")):
        assert faults(message) == []
    assert faults(change_request("wmo")) == [] and faults(declaration("jw")) == []
    assert faults(request_reply("jw")) == [] and faults(request_reply("wmo")) == []


# --- definitions, hand computed --------------------------------------------------------------


def test_calendar_month() -> None:
    assert is_calendar_month(Period(D(2024, 2, 1), D(2024, 2, 29)))
    assert not is_calendar_month(Period(D(2024, 2, 1), D(2024, 2, 28)))
    assert not is_calendar_month(Period(D(2024, 2, 2), D(2024, 2, 29)))


def test_birth_date_use() -> None:
    assert birth_date_consistent(BirthDate(D(1900, 1, 1), "3"))
    assert not birth_date_consistent(BirthDate(D(1901, 1, 1), "3"))
    assert birth_date_consistent(BirthDate(D(2001, 1, 1), "2"))
    assert birth_date_consistent(BirthDate(D(2001, 7, 9)))


def test_amount_is_volume_times_tariff() -> None:
    march = Period(D(2025, 3, 1), D(2025, 3, 31))
    hours = Performance("R", "1", "45", "45A03", march, 16, "04", Amount(104800), tariff=6550)
    assert amount_matches(hours)  # 16 x 65.50 = 1048.00
    assert not amount_matches(dataclasses.replace(hours, amount=Amount(104801)))
    # 300 minutes under an hourly tariff of 65.50: per minute 109 cents (1.0916..), amount 32750
    minutes = Performance("R", "1", "45", "45A03", march, 300, "01", Amount(32750), tariff=109)
    assert amount_tolerance(300, "01") == 150 and abs(32750 - 300 * 109) == 50
    assert amount_matches(minutes)
    euros = Performance("R", "1", "45", "45A03", march, 12000, "83", Amount(12000))
    assert amount_matches(euros)


# --- 323 --------------------------------------------------------------------------------------


def test_amount_not_volume_times_tariff_is_9346_on_that_record_only() -> None:
    message = _with_performance(declaration("jw"), 0, amount=Amount(104000))
    [fault] = faults(message)
    assert (fault.code, fault.record) == ("9346", "REF-0001")
    assert fault.path == "/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]/IngediendBedrag"


def test_total_must_be_the_signed_sum() -> None:
    message = dataclasses.replace(declaration("wmo"), total=Amount(104800 + 32750 + 13100))  # credit added
    [fault] = faults(message)
    assert fault.reason.startswith("TR358") and fault.record is None


def test_declaration_period_is_one_calendar_month() -> None:
    message = dataclasses.replace(declaration("jw"), period=Period(D(2025, 3, 1), D(2025, 4, 30)))
    assert "CS340" in rules_of(message)


def test_product_period_in_one_month_and_not_after_the_declaration_period() -> None:
    spanning = _with_performance(declaration("jw"), 0, period=Period(D(2025, 3, 20), D(2025, 4, 2)))
    assert {"CS337", "TR319"} <= rules_of(spanning)
    later = _with_performance(declaration("jw"), 0, period=Period(D(2025, 4, 1), D(2025, 4, 5)))
    [fault] = [f for f in faults(later) if f.code == "9319"]
    assert fault.record == "REF-0001"


def test_earlier_months_may_be_declared() -> None:
    # REF-0003 credits February in the March declaration: allowed (TR319: current or earlier period)
    assert faults(declaration("wmo")) == []


def test_credit_needs_a_previous_reference_and_a_debit_must_not_have_one() -> None:
    credit = _with_performance(declaration("jw"), 1, previous_reference=None)
    assert rules_of(credit) == {"CD060"}
    debit = _with_performance(declaration("jw"), 0, previous_reference="REF-X")
    assert rules_of(debit) == {"CD060"}


def test_tariff_only_without_euro_unit() -> None:
    euro = _with_performance(declaration("jw"), 0, unit="83", volume=104800, tariff=6550)
    assert rules_of(euro) == {"CD087"}
    missing = _with_performance(declaration("jw"), 0, tariff=None)
    assert rules_of(missing) == {"CD087"}


def test_euro_amount_equals_volume() -> None:
    euro = _with_performance(declaration("jw"), 0, unit="83", volume=100, tariff=None)
    assert rules_of(euro) == {"CS339"}


def test_two_debits_for_the_same_client_period_and_product_are_refused() -> None:
    message = declaration("jw")
    first = message.clients[0].performances[0]
    twin = dataclasses.replace(first, reference="REF-0009")
    clients = (dataclasses.replace(message.clients[0], performances=(first, twin)), message.clients[1])
    message = dataclasses.replace(message, clients=clients)
    message = dataclasses.replace(message, total=Amount.of(sum(p.amount.signed for _, p in message.performances())))
    assert rules_of(message) == {"TR416"}


def test_crediting_in_the_same_message_is_refused() -> None:
    message = _with_performance(declaration("jw"), 1, previous_reference="REF-0001")
    assert "TR316" in rules_of(message)


# --- 301 --------------------------------------------------------------------------------------


def _with_product(message: Allocation, index: int, **changes: object) -> Allocation:
    products = list(message.client.products)
    products[index] = dataclasses.replace(products[index], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(message, client=dataclasses.replace(message.client, products=tuple(products)))


def test_allocation_end_before_start() -> None:
    message = _with_product(allocation("jw"), 0, end=D(2025, 2, 1))
    [fault] = faults(message)
    assert fault.reason.startswith("CS003") and fault.record == "100001"


def test_allocation_extent_and_budget_exclude_each_other() -> None:
    message = _with_product(allocation("wmo"), 1, extent=Extent(4, "04", "2"))
    assert "CD078" in rules_of(message)


def test_allocation_with_a_product_code_needs_an_extent() -> None:
    message = _with_product(allocation("jw"), 0, extent=None)
    assert rules_of(message) == {"CD041"}


def test_allocation_in_days_needs_a_period_frequency() -> None:
    message = _with_product(allocation("jw"), 0, extent=Extent(1, "14", "1"))
    assert rules_of(message) == {"CS338"}


def test_overlapping_allocation_of_the_same_product() -> None:
    message = _with_product(
        allocation("jw"), 1, product=Product("45", "45A03"), budget=None, extent=Extent(2, "04", "2")
    )
    [fault] = faults(message)
    assert fault.reason.startswith("TR302") and fault.record == "100002"


def test_deleted_allocation_must_have_end_equal_to_start() -> None:
    message = _with_product(allocation("jw"), 0, change_reason="13")
    assert rules_of(message) == {"CS335"}


# --- 305 / 307 / 315 / 317 --------------------------------------------------------------------


def test_stop_before_start_and_wrong_status() -> None:
    message = care_stop("wmo")
    product = dataclasses.replace(message.client.products[0], end=D(2025, 3, 1), status="2")
    message = dataclasses.replace(message, client=dataclasses.replace(message.client, products=(product,)))
    assert rules_of(message) == {"TR018", "CS058"}
    assert all(f.record == "100001" for f in faults(message))


def test_start_without_allocation_number_is_named_by_its_place() -> None:
    message = care_start("jw")
    product = dataclasses.replace(message.client.products[1], status="2")
    message = dataclasses.replace(
        message, client=dataclasses.replace(message.client, products=(message.client.products[0], product))
    )
    [fault] = faults(message)
    assert fault.record == "StartProduct[2]"
    assert fault.path == "/Bericht/Client/StartProducten/StartProduct[2]/StatusAanlevering"


def test_referrer_with_agb_code_has_no_name() -> None:
    message = allocation_request("jw")
    product = dataclasses.replace(message.client.products[0], referrer=Referrer("02", "Dr. Jansen", "01123456"))
    message = dataclasses.replace(
        message, client=dataclasses.replace(message.client, products=(product, message.client.products[1]))
    )
    [fault] = faults(message)
    assert fault.reason.startswith("CD066") and fault.record == "VOT-2025-1"


def test_change_request_needs_something_to_change() -> None:
    message = change_request("jw")
    empty: ChangeRequest = dataclasses.replace(message, client=dataclasses.replace(message.client, changed=(), new=()))
    assert rules_of(empty) == {"TR353"}


@pytest.mark.parametrize("name_use", ["2", "5"])
def test_name_use_without_partner_name(name_use: str) -> None:
    message = allocation("jw")
    name = dataclasses.replace(message.client.name, name_use=name_use)
    message = dataclasses.replace(message, client=dataclasses.replace(message.client, name=name))
    assert rules_of(message) == {"CS050"}


def _reply(law: str, answer: str, reason: str | None, municipality: str | None = None) -> RequestReply:
    h = header(law, "319", from_municipality=True)  # type: ignore[arg-type]
    return RequestReply(h, RequestAnswer("VOT-9", answer, reason, municipality))


@pytest.mark.parametrize("law", ["jw", "wmo"])
def test_a_refusal_names_its_reason_and_an_investigation_none(law: str) -> None:
    assert faults(_reply(law, "1", "2")) == [] and faults(_reply(law, "2", None)) == []
    [missing] = faults(_reply(law, "1", None))
    assert (missing.reason[:5], missing.code, missing.record) == ("CD085", "0001", "VOT-9")
    assert missing.path == "/Bericht/Antwoord/RedenAfwijzingVerzoek"
    [extra] = faults(_reply(law, "2", "7"))
    assert (extra.reason[:5], extra.record) == ("CD086", "VOT-9")


def test_woonplaatsbeginsel_names_the_responsible_municipality_only_for_reason_8() -> None:
    assert faults(_reply("jw", "1", "8", "0384")) == []
    assert rules_of(_reply("jw", "1", "8")) == {"TR377"}
    assert rules_of(_reply("jw", "1", "5", "0384")) == {"TR409"}
    assert rules_of(_reply("jw", "2", None, "0384")) == {"TR409"}
    # the iWmo 319 has no Woonplaatsbeginsel: reason 8 stands on its own
    assert faults(_reply("wmo", "1", "8")) == []


def test_a_woonplaatsbeginsel_in_an_iwmo_319_breaks_the_schema() -> None:
    data = write(_reply("jw", "1", "8", "0384")).replace(b"ijw", b"iwmo").replace(b"jw319", b"wmo319")
    data = data.replace(b"<wmo319:BerichtCode>488<", b"<wmo319:BerichtCode>482<")
    result = read(data)
    assert result.message is None
    assert result.faults[0].path == "/Bericht/Antwoord/Woonplaatsbeginsel"


def test_an_unknown_answer_or_reason_is_not_in_the_code_list() -> None:
    for answer, reason in (("3", None), ("1", "10")):
        result = read(write(_reply("wmo", answer, reason)))
        assert result.message is None and result.faults[0].code == "0001"
        assert "codelijst" in result.faults[0].reason
