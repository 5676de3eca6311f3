"""Tender selection rules (regie.engine.procurement) from hand-worked cases, and properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regie.engine.procurement import (
    Assessment,
    AwardRefused,
    Bid,
    Requirement,
    award,
    check_scores,
    evaluate,
    is_assessed,
)

#: Organisation pass/fail; staff (weight 2, minimum 5) and financial health (weight 1, no minimum).
REQS = [
    Requirement("ORG", "Organisatie op orde", "pass_fail"),
    Requirement("STAFF", "Aandeel gekwalificeerd personeel", "score", 2, 5),
    Requirement("FIN", "Financiële gezondheid", "score", 1, None),
]


def bid(agb: str, a: dict[str, Any], b: dict[str, Any] | None = None, care: Any = 0.8) -> Bid:
    marks = [Assessment("anna", a), Assessment("bert", b if b is not None else a)]
    return Bid(agb, {"care_share": care}, tuple(marks))


def marks(org: bool, staff: float, fin: float) -> dict[str, Any]:
    return {"ORG": org, "STAFF": staff, "FIN": fin}


def test_weighted_mean_of_both_assessors_by_hand() -> None:
    # STAFF: (6 + 8) / 2 = 7, FIN: (4 + 5) / 2 = 4.5; (2 x 7 + 1 x 4.5) / 3 = 18.5 / 3 = 6.1667
    passed, score, out = evaluate(REQS, bid("11111111", marks(True, 6, 4), marks(True, 8, 5)))
    assert passed and out == []
    assert float(score) == pytest.approx(18.5 / 3)


def test_a_failed_pass_fail_is_out_even_when_one_assessor_passed_it() -> None:
    bids = [
        bid("11111111", marks(True, 9, 9), marks(False, 9, 9)),  # bert fails ORG: out despite 9s
        bid("22222222", marks(True, 6, 6)),
    ]
    result = award(REQS, bids, 5)
    assert result.selected == ("22222222",)
    out = next(r for r in result.ranking if r.provider == "11111111")
    assert not out.passed and not out.selected and out.rank is None
    assert any("ORG" in reason for reason in out.reasons)


def test_under_a_minimum_is_out() -> None:
    # STAFF mean (4 + 5) / 2 = 4.5 < 5: out, although the weighted score (2x4.5 + 10)/3 = 6.33 is high
    result = award(REQS, [bid("11111111", marks(True, 4, 10), marks(True, 5, 10))], 3)
    assert result.selected == ()
    (row,) = result.ranking
    assert not row.passed and row.score == pytest.approx(19 / 3, abs=1e-4)
    assert any("minimum 5" in r for r in row.reasons)


def test_a_tie_at_the_cut_goes_to_the_higher_care_share_then_the_lower_agb() -> None:
    # All three score (2 x 7 + 7) / 3 = 7; one place left after the best (score 8).
    bids = [
        bid("44444444", marks(True, 7, 7), care=0.85),
        bid("33333333", marks(True, 7, 7), care=0.90),
        bid("22222222", marks(True, 7, 7), care=0.90),
        bid("11111111", marks(True, 8, 8), care=0.50),
    ]
    result = award(REQS, bids, 2)
    assert result.selected == ("11111111", "22222222")
    assert [r.provider for r in result.ranking] == ["11111111", "22222222", "33333333", "44444444"]
    assert [r.rank for r in result.ranking] == [1, 2, 3, 4]
    by = {r.provider: r for r in result.ranking}
    assert any("Gelijke score op de grens: gegund" in r for r in by["22222222"].reasons)
    assert any("Gelijke score op de grens: niet gegund" in r for r in by["33333333"].reasons)
    assert not any("Gelijke score" in r for r in by["11111111"].reasons)


def test_one_assessor_only_refuses_the_award() -> None:
    once = Bid("22222222", {}, (Assessment("anna", marks(True, 6, 6)),))
    twice_the_same = Bid("33333333", {}, (Assessment("anna", marks(True, 6, 6)), Assessment("anna", marks(True, 6, 6))))
    assert not is_assessed(once) and not is_assessed(twice_the_same)
    with pytest.raises(AwardRefused) as refused:
        award(REQS, [bid("11111111", marks(True, 6, 6)), once, twice_the_same], 5)
    assert refused.value.unassessed == ("22222222", "33333333")


def test_n_larger_than_the_passing_bids_selects_all_that_pass() -> None:
    bids = [bid("11111111", marks(True, 6, 6)), bid("22222222", marks(True, 5, 9)), bid("33333333", marks(False, 9, 9))]
    result = award(REQS, bids, 20)
    assert result.selected == ("22222222", "11111111")  # 19/3 = 6.33 before 6
    assert not any("Gelijke score" in r for row in result.ranking for r in row.reasons)


def test_a_tender_that_scores_nothing_ranks_on_care_share() -> None:
    only_pass_fail = [REQS[0]]
    bids = [bid("11111111", {"ORG": True}, care="0.7"), bid("22222222", {"ORG": True}, care=None)]
    assert award(only_pass_fail, bids, 1).selected == ("11111111",)


def test_check_scores_names_what_is_wrong() -> None:
    assert check_scores(REQS, marks(True, 6, 6)) == {}
    assert check_scores(REQS, {"ORG": "ja", "STAFF": -1, "FIN": "x", "EXTRA": 1}) == {
        "ORG": "Voldoet (true) of voldoet niet (false).",
        "STAFF": "Een score van 0 of meer.",
        "FIN": "Een getal.",
        "EXTRA": "Geen eis van deze aanbesteding.",
    }
    assert check_scores(REQS, {"ORG": True})["STAFF"] == "Ontbreekt."


scored = st.builds(
    lambda agb, org, staff, fin, care: bid(f"{agb:08d}", marks(org, staff, fin), care=care),
    st.integers(0, 99),
    st.booleans(),
    st.integers(0, 10),
    st.integers(0, 10),
    st.sampled_from([0.5, 0.7, 0.9]),
)


@given(st.lists(scored, max_size=12, unique_by=lambda b: b.provider), st.integers(0, 8), st.randoms())
def test_selection_properties(bids: list[Bid], n: int, rnd: Any) -> None:
    result = award(REQS, bids, n)
    passing = [r for r in result.ranking if r.passed]
    # at most N (0 = no maximum), and never fewer than N when enough pass
    assert len(result.selected) == (len(passing) if n == 0 else min(n, len(passing)))
    # no selected bid scores lower than a passing bid left out
    left_out = [r.score for r in passing if not r.selected]
    assert all(r.score >= max(left_out, default=-1) for r in passing if r.selected)
    # the order of the bids does not matter
    shuffled = list(bids)
    rnd.shuffle(shuffled)
    assert award(REQS, shuffled, n) == result
