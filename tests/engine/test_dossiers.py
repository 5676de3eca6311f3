"""The rules of opportunity and risk dossiers (regie.engine.dossiers) from hand-worked cases,
and the fund's invariant as a property."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regie.engine.dossiers import (
    Assessment,
    DossierClient,
    Refused,
    agenda_risks,
    check_risk,
    client_outcomes,
    client_outcomes_by_provider,
    cooperating,
    decide,
    fund_left,
    fund_year,
    indicator_results,
    indicator_values,
    matrix,
    overdue,
    risk_level,
)

A, B, C = "11111111", "22222222", "33333333"
D = dt.date


def award(
    cents: int, regular: bool = False, decision: str = "awarded", scores: tuple[int, int, int] = (4, 4, 3)
) -> Assessment:
    return Assessment(*scores, regular_service=regular, decision=decision, awarded_cents=cents, reason="past goed")


def rule_of(call: object) -> str:
    with pytest.raises(Refused) as exc:
        call()  # type: ignore[operator]
    return exc.value.rule


# --------------------------------------------------------------------------- eligibility


def test_two_distinct_providers_cooperate() -> None:
    assert cooperating([A, B]) == (A, B)
    assert cooperating([B, A, B, " "]) == (B, A)


@pytest.mark.parametrize("providers", [[], [A], [A, A], [A, " ", ""]])
def test_fewer_than_two_distinct_providers_is_refused_by_the_cooperation_rule(providers: list[str]) -> None:
    with pytest.raises(Refused) as exc:
        cooperating(providers)
    assert exc.value.rule == "cooperation"
    assert "ten minste 2 verschillende aanbieders" in str(exc.value)


# --------------------------------------------------------------------------- the fund


def test_fund_left_by_hand() -> None:
    # 100,000 euro; awards of 40,000 and 25,000 euro leave 35,000.
    assert fund_left(10_000_000, [4_000_000, 2_500_000]) == 3_500_000
    assert fund_left(10_000_000, []) == 10_000_000
    assert fund_left(0, []) == 0


def test_fund_year_sums_awards_and_payments() -> None:
    f = fund_year(2025, 10_000_000, [4_000_000, 2_500_000], [4_000_000], dossiers=5)
    assert (f.awarded_cents, f.paid_cents, f.left_cents, f.awards, f.dossiers) == (
        6_500_000,
        4_000_000,
        3_500_000,
        2,
        5,
    )


# --------------------------------------------------------------------------- award


def test_an_award_within_what_is_left_awards_its_amount() -> None:
    assert decide(award(3_500_000), [A, B], requested_cents=4_000_000, left_cents=3_500_000) == 3_500_000


def test_an_award_above_what_is_left_is_refused_by_fund_left() -> None:
    # 35,000 euro left; 35,000.01 euro is one cent too much.
    assert rule_of(lambda: decide(award(3_500_001), [A, B], 4_000_000, 3_500_000)) == "fund_left"
    # no fund that year: nothing is left
    assert rule_of(lambda: decide(award(1), [A, B], 4_000_000, 0)) == "fund_left"


def test_regular_service_is_never_awarded() -> None:
    assert rule_of(lambda: decide(award(100, regular=True), [A, B], 4_000_000, 10_000_000)) == "regular_service"


def test_regular_service_may_be_rejected() -> None:
    assert decide(award(0, regular=True, decision="rejected"), [A, B], 4_000_000, 10_000_000) == 0


def test_an_award_needs_cooperation() -> None:
    assert rule_of(lambda: decide(award(100), [A, A], 4_000_000, 10_000_000)) == "cooperation"


@pytest.mark.parametrize("cents", [0, -5, 4_000_001])
def test_an_award_is_above_zero_and_at_most_the_requested_amount(cents: int) -> None:
    assert rule_of(lambda: decide(award(cents), [A, B], 4_000_000, 10_000_000)) == "awarded_amount"


def test_a_rejection_awards_nothing() -> None:
    assert rule_of(lambda: decide(award(100, decision="rejected"), [A, B], 4_000_000, 10_000_000)) == "awarded_amount"


@pytest.mark.parametrize("scores", [(0, 3, 3), (3, 6, 3), (3, 3, True)])
def test_scores_lie_on_one_to_five(scores: tuple[int, int, int]) -> None:
    assert rule_of(lambda: decide(award(100, scores=scores), [A, B], 4_000_000, 10_000_000)) == "scores"


def test_a_decision_has_a_reason_and_a_known_outcome() -> None:
    no_reason = Assessment(3, 3, 3, False, "awarded", 100, "  ")
    assert rule_of(lambda: decide(no_reason, [A, B], 4_000_000, 10_000_000)) == "reason"
    assert rule_of(lambda: decide(award(100, decision="maybe"), [A, B], 4_000_000, 10_000_000)) == "decision"


@settings(deadline=None)
@given(
    fund=st.integers(min_value=0, max_value=20_000_000),
    asks=st.lists(st.tuples(st.integers(min_value=-10, max_value=8_000_000), st.booleans()), max_size=12),
)
def test_the_awards_of_a_year_never_exceed_its_fund(fund: int, asks: list[tuple[int, bool]]) -> None:
    awarded: list[int] = []
    for cents, regular in asks:
        try:
            awarded.append(decide(award(cents, regular), [A, B], 8_000_000, fund_left(fund, awarded)))
        except Refused as exc:
            assert exc.rule in ("fund_left", "regular_service", "awarded_amount")
            assert not regular or exc.rule in ("regular_service", "awarded_amount")
    assert sum(awarded) <= fund
    assert fund_left(fund, awarded) >= 0


# --------------------------------------------------------------------------- results


def test_indicator_results_at_award_and_now() -> None:
    cards_then = [{"segment": "WMO", "indicators": {"step_down": {"value": 4}, "inflow": {"value": 10}}}]
    cards_now = [{"segment": "WMO", "indicators": {"step_down": {"value": 7}}}]
    then = {A: indicator_values(cards_then, ["step_down", "sustainable_outflow_rate"])}
    now = {A: indicator_values(cards_now, ["step_down", "sustainable_outflow_rate"]), B: {}}
    rows = indicator_results(["step_down", "sustainable_outflow_rate"], then, now)
    assert rows == [
        {"provider": A, "segment": "WMO", "indicator": "step_down", "at_award": 4, "now": 7, "change": 3},
        {
            "provider": A,
            "segment": "WMO",
            "indicator": "sustainable_outflow_rate",
            "at_award": None,
            "now": None,
            "change": None,
        },
    ]


def test_client_outcomes_by_hand() -> None:
    as_of = D(2026, 1, 1)
    clients = [
        # ended 2025-03-01 (306 days before as-of: full follow-up), to community services, no return
        DossierClient("p1", A, D(2024, 6, 1), D(2025, 3, 1), "voorliggend_veld"),
        # ended 2025-04-01, step-down, but a new episode 2025-06-01 (61 days later): not sustainable
        DossierClient("p2", A, D(2024, 6, 1), D(2025, 4, 1), "afschaling"),
        # ended 2025-11-01: only 61 days of follow-up, warm handover counts, sustainability not yet
        DossierClient("p3", B, D(2025, 1, 1), D(2025, 11, 1), "voorliggend_veld"),
        # ended 2025-02-01 for another reason; came back after 200 days: sustainable
        DossierClient("p4", B, D(2024, 1, 1), D(2025, 2, 1), "overig"),
        # still in care; an end after as-of does not count yet
        DossierClient("p5", B, D(2025, 1, 1)),
        DossierClient("p6", B, D(2025, 1, 1), D(2026, 3, 1), "voorliggend_veld"),
    ]
    later = {"p2": [D(2025, 6, 1)], "p4": [D(2025, 8, 20)], "p1": [D(2024, 1, 1)]}
    total = client_outcomes(clients, later, as_of)
    assert total == {
        "clients": 6,
        "ended": 4,
        "warm_handover": 3,
        "warm_handover_share": 0.75,
        "followed_up": 3,
        "sustainable": 2,
        "sustainable_outflow_rate": 2 / 3,
    }
    rows = client_outcomes_by_provider(clients, later, as_of)
    assert [(r["provider"], r["clients"], r["warm_handover"]) for r in rows] == [(A, 2, 2), (B, 4, 1), (None, 6, 3)]
    assert client_outcomes([], {}, as_of)["sustainable_outflow_rate"] is None
    assert client_outcomes_by_provider([], {}, as_of) == []


# --------------------------------------------------------------------------- risks


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        (1, 1, "low"),
        (2, 2, "low"),
        (1, 5, "medium"),
        (5, 1, "medium"),
        (3, 3, "medium"),
        (2, 5, "medium"),
        (3, 4, "high"),
        (4, 3, "high"),
        (5, 5, "high"),
    ],
)
def test_risk_level_by_score(likelihood: int, impact: int, level: str) -> None:
    assert risk_level(likelihood, impact) == level


def test_a_risk_names_owner_scale_and_status() -> None:
    check_risk("provider", 3, 4, "open")
    assert rule_of(lambda: check_risk("gemeente", 3, 4)) == "owner"
    assert rule_of(lambda: check_risk("municipality", 0, 4)) == "scale"
    assert rule_of(lambda: check_risk("municipality", 3, 6)) == "scale"
    assert rule_of(lambda: check_risk("municipality", 3, 3, "gone")) == "status"


def test_overdue_after_the_review_date_unless_closed() -> None:
    today = D(2025, 6, 10)
    assert overdue(D(2025, 6, 9), "open", today)
    assert overdue(D(2025, 6, 9), "mitigated", today)
    assert not overdue(D(2025, 6, 10), "open", today)
    assert not overdue(D(2025, 1, 1), "closed", today)


def test_agenda_holds_open_high_risks_highest_first() -> None:
    today = D(2025, 6, 10)
    risks = [
        {"id": 1, "likelihood": 3, "impact": 4, "status": "open", "review_on": D(2025, 7, 1)},  # 12 high
        {"id": 2, "likelihood": 5, "impact": 5, "status": "mitigated", "review_on": D(2025, 6, 1)},  # 25 high, overdue
        {"id": 3, "likelihood": 5, "impact": 5, "status": "closed", "review_on": D(2025, 6, 1)},  # closed
        {"id": 4, "likelihood": 2, "impact": 5, "status": "open", "review_on": D(2025, 6, 1)},  # 10 medium
    ]
    items = agenda_risks(risks, today)
    assert [(i["id"], i["score"], i["overdue"]) for i in items] == [(2, 25, True), (1, 12, False)]


def test_matrix_counts_open_risks_per_cell() -> None:
    risks = [
        {"likelihood": 3, "impact": 4, "status": "open"},
        {"likelihood": 3, "impact": 4, "status": "mitigated"},
        {"likelihood": 3, "impact": 4, "status": "closed"},
        {"likelihood": 1, "impact": 2, "status": "open"},
    ]
    cells = matrix(risks)
    assert len(cells) == 25
    by = {(c["likelihood"], c["impact"]): c for c in cells}
    assert by[(3, 4)] == {"likelihood": 3, "impact": 4, "count": 2, "level": "high"}
    assert by[(1, 2)]["count"] == 1 and by[(5, 5)]["count"] == 0
    assert sum(c["count"] for c in cells) == 3
