"""Answer messages built by answer_for: per-record retour codes, valid XML, read back equal."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from regie.messages import Answer, DeclarationAnswer, Fault, read, write
from regie.messages.answers import answer_for
from regie.messages.codes import LAWS, Law
from regie.messages.crossrules import check_against_allocation

from .samples import allocation, care_start, declaration, request_reply

DAY = dt.date(2025, 4, 20)


@pytest.mark.parametrize("law", LAWS)
def test_a_clean_start_gets_0200_everywhere(law: Law) -> None:
    message = care_start(law)
    answer = answer_for(message, [], identification="R1", dagtekening=DAY)
    assert isinstance(answer, Answer)
    assert answer.header.message == "306" and answer.header.sender == message.header.sender
    assert answer.retour.codes == ("0200",)
    assert all(codes == ("0200",) for _, codes in answer.record_codes)
    result = read(write(answer))
    assert result.valid and result.message == answer


def test_a_fault_lands_on_its_record() -> None:
    message = care_start("jw")
    fault = Fault(
        "/Bericht/Client/StartProducten/StartProduct[2]/StatusAanlevering", "0001", "CS058: ...", "StartProduct[2]"
    )
    answer = answer_for(message, [fault], identification="R1", dagtekening=DAY)
    assert isinstance(answer, Answer)
    assert answer.codes_at("/Bericht/Client/StartProducten/StartProduct[2]") == ("0001",)
    assert answer.codes_at("/Bericht/Client/StartProducten/StartProduct[1]") == ("0200",)
    assert answer.codes_at("/Bericht/Client") == ("0200",)


def test_an_allocation_answer_echoes_relations_and_contacts() -> None:
    answer = answer_for(allocation("wmo"), [], identification="R2", dagtekening=DAY)
    assert isinstance(answer, Answer)
    paths = [path for path, _ in answer.record_codes]
    assert "/Bericht/Client/Relaties/Relatie/Contact" in paths
    assert "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]" in paths
    assert read(write(answer)).valid


@pytest.mark.parametrize("law", LAWS)
def test_a_319_is_answered_by_a_320_with_codes_on_its_antwoord(law: Law) -> None:
    message = request_reply(law)
    fault = Fault("/Bericht/Antwoord/RedenAfwijzingVerzoek", "0001", "CD085: ...", "VOT-2025-1")
    answer = answer_for(message, [fault], identification="R9", dagtekening=DAY)
    assert isinstance(answer, Answer) and answer.client == message.answer
    assert answer.header.message == "320" and answer.header.code == ("489" if law == "jw" else "483")
    assert answer.header.sender == message.header.sender  # the 319's own header stays
    assert answer.codes_at("/Bericht/Antwoord") == ("0001",)
    if law == "jw":  # the Woonplaatsbeginsel is a record of its own
        assert answer.codes_at("/Bericht/Antwoord/Woonplaatsbeginsel") == ("0200",)
    result = read(write(answer))
    assert result.valid and result.message == answer


def test_a_clean_declaration_is_fully_granted() -> None:
    message = declaration("jw")
    answer = answer_for(message, [], identification="A1", dagtekening=DAY)
    assert isinstance(answer, DeclarationAnswer) and answer.body is not None
    assert answer.header.sender == message.header.receiver and answer.header.message == "325"
    assert answer.body.codes == ("8001",) and answer.body.clients == ()
    assert answer.body.total_granted == message.total
    assert read(write(answer)).valid


def test_rejected_prestaties_are_echoed_and_not_granted() -> None:
    message = declaration("jw")
    _, first = message.performances()[0]
    faults = check_against_allocation(
        first, None, path="/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]"
    )
    answer = answer_for(message, faults, identification="A2", dagtekening=DAY)
    assert isinstance(answer, DeclarationAnswer) and answer.body is not None
    [client] = answer.body.clients
    [rejected] = client.performances
    assert rejected.performance == first and rejected.codes == ("9338",) and not rejected.accepted
    assert answer.body.total_granted.signed == message.total.signed - first.amount.signed
    assert answer.body.codes == ("0200",)
    result = read(write(answer))
    assert result.valid and result.message == answer  # TR342 holds: echoed = submitted - granted


def test_a_declaration_level_fault_rejects_the_whole_declaration() -> None:
    message = dataclasses.replace(declaration("wmo"), total=declaration("wmo").total.__class__(1))
    result = read(write(message))
    answer = answer_for(message, result.faults, identification="A3", dagtekening=DAY)
    assert isinstance(answer, DeclarationAnswer) and answer.body is not None
    assert answer.body.codes == ("0001",) and answer.body.clients == () and answer.body.total_granted.cents == 0
    assert read(write(answer)).valid


def test_an_answer_cannot_be_answered() -> None:
    answer = answer_for(care_start("jw"), [], identification="R1", dagtekening=DAY)
    with pytest.raises(ValueError, match="antwoordbericht"):
        answer_for(answer, [], identification="R2", dagtekening=DAY)
