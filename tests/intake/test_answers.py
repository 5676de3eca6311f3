"""Requests (315/317) decided by a 301 or a 319, and ``request_unanswered``: hand-made records.

Worked by hand: term 56 days. A 315 that arrives on 2025-01-02 is due by 2025-02-27 (2 + 56
days: January has 29 days left after the 2nd, February 27 more); a decision arriving on the
27th is in time, one arriving on the 28th (or any later arrival while undecided) is late.
"""

from __future__ import annotations

import dataclasses

from regie.engine.catalog import catalog_from_dict
from regie.intake import answers
from regie.intake.state import IntakeState
from tests.intake.factories import MUN, OTHER, PROV, D, alloc, catalog, granting, incoming, reply, request, start


def test_a_319_refuses_the_request_with_its_reason() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), request()))
    out = s.apply(incoming(D(2025, 1, 10), reply(reason="3")))
    assert out.accepted == 1 and not out.rejected
    (r,) = out.decided
    assert (r.outcome, r.refusal_reason, r.answered, r.client) == ("refused", "3", D(2025, 1, 10), "c1")
    assert answers.refusal_label(r.refusal_reason) == "Geen contract"


def test_a_301_naming_the_reference_grants_the_request() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), request()))
    out = s.apply(incoming(D(2025, 1, 20), granting()))
    (r,) = out.decided
    assert (r.outcome, r.answered, r.refusal_reason) == ("granted", D(2025, 1, 20), "")


def test_a_301_for_another_client_does_not_grant() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), request()))
    out = s.apply(incoming(D(2025, 1, 20), granting(client="c2")))
    assert out.accepted == 1 and out.decided == []
    assert s.book.requests[f"{PROV}|V1"].outcome == "open"


def test_a_319_in_investigation_answers_but_does_not_decide() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), request()))
    (r,) = s.apply(incoming(D(2025, 1, 6), reply(answer="2", reason=None))).decided
    assert r.outcome == "investigating"
    # a second "in onderzoek" is refused (9360); the refusal that follows decides
    assert [f.code for f in s.apply(incoming(D(2025, 1, 7), reply(answer="2", reason=None))).rejected] == ["9360"]
    assert s.apply(incoming(D(2025, 2, 1), reply(reason="7"))).decided[0].outcome == "refused"


def test_an_unmatched_reference_is_rejected_naming_record_and_rule() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), request()))
    out = s.apply(incoming(D(2025, 1, 10), reply(ref="ONBEKEND")))
    (fault,) = out.rejected
    assert (fault.code, fault.record) == ("9355", "ONBEKEND")
    assert "ONBEKEND" in fault.reason and "9355" in fault.reason and PROV in fault.reason
    # the same reference of another provider is another request
    assert [f.code for f in s.apply(incoming(D(2025, 1, 10), reply(provider=OTHER))).rejected] == ["9355"]


def test_a_second_answer_after_a_decision_is_rejected() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), request("V1"), request("V2")))
    s.apply(incoming(D(2025, 1, 10), reply("V1")))
    s.apply(incoming(D(2025, 1, 10), granting("V2")))
    assert [f.code for f in s.apply(incoming(D(2025, 1, 11), reply("V1"))).rejected] == ["9365"]
    assert [f.code for f in s.apply(incoming(D(2025, 1, 11), reply("V2"))).rejected] == ["9359"]
    assert s.book.requests[f"{PROV}|V1"].answered == D(2025, 1, 10)


def test_unanswered_past_the_term_is_signalled_once() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), request("V1"), request("V2"), request("V3")))
    s.apply(incoming(D(2025, 2, 27), reply("V1")))  # on the last day of the term: in time
    assert s.apply(incoming(D(2025, 2, 27), alloc("X"))).signals == []
    out = s.apply(incoming(D(2025, 2, 28), granting("V2")))  # the day after: late, but granted
    assert sorted(sig.record for sig in out.signals) == ["V2", "V3"]
    sig = next(sig for sig in out.signals if sig.record == "V3")
    assert (sig.kind, sig.key, sig.provider, sig.client, sig.segment) == (
        "request_unanswered",
        f"request_unanswered|{PROV}|V3",
        PROV,
        "c1",
        "IB",
    )
    assert sig.raised_on == D(2025, 2, 28) and not sig.of_file
    assert sig.detail == {
        "kind": "315",
        "registered": "2025-01-02",
        "due": "2025-02-27",
        "term_days": 56,
        "status": "open",
    }
    assert s.apply(incoming(D(2025, 6, 1), alloc("Y"))).signals == []


def test_the_term_comes_from_the_region() -> None:
    data = {"region": {"name": "Test", "answer_term_days": 10}, "municipality": [{"code": MUN, "name": "V"}]}
    assert catalog_from_dict(data).answer_term_days == 10
    assert catalog_from_dict({"region": {"name": "Test"}}).answer_term_days == 56
    s = IntakeState(dataclasses.replace(catalog(), answer_term_days=10))
    s.apply(incoming(D(2025, 1, 2), request()))
    assert s.apply(incoming(D(2025, 1, 12), alloc("X"))).signals == []
    assert [sig.kind for sig in s.apply(incoming(D(2025, 1, 13), alloc("Y"))).signals] == ["request_unanswered"]


def test_a_refused_request_does_not_wait() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2024, 11, 20), request("V0", D(2024, 11, 20))))
    s.apply(incoming(D(2024, 12, 2), request("V1", D(2024, 12, 2))))
    s.apply(incoming(D(2024, 12, 10), reply("V1")))
    s.apply(incoming(D(2025, 1, 2), alloc()))
    s.apply(incoming(D(2025, 1, 7), start()))
    # the later request was refused: the wait counts from the one before it
    assert s.episodes[f"{MUN}|A1"].request_date == D(2024, 11, 20)
    s2 = IntakeState(catalog())
    s2.apply(incoming(D(2024, 12, 2), request("V1", D(2024, 12, 2))))
    s2.apply(incoming(D(2024, 12, 10), reply("V1")))
    s2.apply(incoming(D(2025, 1, 2), alloc()))
    s2.apply(incoming(D(2025, 1, 7), start()))
    assert s2.episodes[f"{MUN}|A1"].request_date is None
