"""The client across domains (regie.engine.crossdomain, ADR 0025): a hand-computed case and
invariants (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from regie.engine import frames
from regie.engine.calendar import Span
from regie.engine.crossdomain import COST_GROUP, arrangements, clients_across_domains, cross_domain, effective
from regie.engine.indicators import indicators

D = dt.date
AS_OF = D(2025, 12, 31)
#: 10 March up to and including 19 June: neither end is a month end.
PERIOD = Span(D(2025, 3, 10), D(2025, 6, 20))
DOMAIN = {"JGD-AMB": "jeugd", "JGD-B": "jeugd", "WMO-IB": "wmo", "WMO-BW": "wmo", "PART-RE": "participatie"}


def ep(client: str, segment: str, start: dt.date, end: dt.date | None, **more: Any) -> dict[str, Any]:
    row = {
        "episode_id": f"{client}-{segment}-{start}",
        "client": client,
        "provider": "P1",
        "segment": segment,
        "domain": DOMAIN[segment],
        "municipality": "0983",
        "start": start,
        "start_arrival": start,
        "end": end,
        "end_arrival": end,
    }
    return row | more


#: client, segment, start, end (- while open): the case's episodes, reported the day they happen.
CASE = """
a JGD-AMB 2025-01-15 2025-04-30   youth care until 30 April, Wmo from 1 April: 30 days at once
a WMO-IB  2025-04-01 -
b WMO-IB  2025-06-20 2025-07-31   starts on 20 June, the first day after the period: not counted
c WMO-IB  2025-02-01 2025-03-10   Wmo ends on the period's first day, a one-day youth episode that day
c JGD-AMB 2025-03-10 2025-03-10
d JGD-AMB 2024-01-01 2025-03-09   youth care ended the day before the period
d WMO-BW  2025-01-01 2025-12-31   Wmo and participation from 1 May: 50 days at once
d PART-RE 2025-05-01 -
e JGD-AMB 2025-03-01 2025-04-10   two youth segments at once (not a cross-domain overlap),
e JGD-B   2025-04-05 2025-05-01   a two-day participation module during both,
e PART-RE 2025-04-08 2025-04-09   Wmo in June: three domains
e WMO-IB  2025-06-01 2025-06-30
"""


def case() -> pl.DataFrame:
    rows = []
    for line in CASE.strip().splitlines():
        client, segment, start, end = line.split()[:4]
        rows.append(ep(client, segment, D.fromisoformat(start), None if end == "-" else D.fromisoformat(end)))
    # f: its start arrived after the as-of date: unknown
    rows.append(ep("f", "JGD-AMB", D(2025, 4, 1), None, start_arrival=D(2026, 1, 5)))
    return frames.frame("episodes", rows)


def payments() -> pl.DataFrame:
    pay = [
        ("JGD-AMB", D(2025, 4, 1), 30000),  # a, c, e: 10000 each
        ("JGD-AMB", D(2025, 3, 1), 99999),  # care month March starts before the period: not in it
        ("WMO-IB", D(2025, 5, 1), 60000),  # a, c, e: 20000 each
        ("WMO-BW", D(2025, 6, 1), 5000),  # d alone
        ("PART-RE", D(2025, 4, 1), 9001),  # d, e: 4500.5, half up 4501
    ]
    return frames.frame(
        "payments",
        [{"provider": "P1", "segment": s, "municipality": "0983", "month": m, "amount_cents": a} for s, m, a in pay],
    )


def test_domains_and_combinations_by_hand() -> None:
    result = cross_domain(case(), period=PERIOD, as_of=AS_OF, payments=payments())
    assert result.clients == 4  # a, c, d, e
    assert result.by_count == {1: 0, 2: 3, 3: 1}
    combos = {r["combination"]: r for r in result.combinations}
    assert list(combos) == [
        "jeugd",
        "wmo",
        "participatie",
        "jeugd+wmo",
        "jeugd+participatie",
        "wmo+participatie",
        "jeugd+wmo+participatie",
    ]
    assert {k: r["clients"] for k, r in combos.items()} == {
        "jeugd": 0,
        "wmo": 0,
        "participatie": 0,
        "jeugd+wmo": 2,
        "jeugd+participatie": 0,
        "wmo+participatie": 1,
        "jeugd+wmo+participatie": 1,
    }


def test_overlaps_by_hand() -> None:
    result = cross_domain(case(), period=PERIOD, as_of=AS_OF, payments=payments())
    segments = {(r["segment_a"], r["segment_b"]): (r["clients"], r["days"]) for r in result.overlaps}
    assert segments == {
        ("JGD-AMB", "WMO-IB"): (2, 31),  # a 30 days (1-30 April), c 1 day (10 March)
        ("JGD-AMB", "PART-RE"): (1, 2),  # e, 8-9 April
        ("JGD-B", "PART-RE"): (1, 2),  # e, 8-9 April
        ("WMO-BW", "PART-RE"): (1, 50),  # d, 1 May - 19 June: 31 + 19
    }
    domains = {(r["domain_a"], r["domain_b"]): (r["clients"], r["days"]) for r in result.domain_overlaps}
    # e's two youth segments overlap the module on the same two days: they count once
    assert domains == {("jeugd", "wmo"): (2, 31), ("jeugd", "participatie"): (1, 2), ("wmo", "participatie"): (1, 50)}
    assert result.overlap_clients == 4


def test_cost_per_client_across_domains_by_hand() -> None:
    rows = clients_across_domains(case(), period=PERIOD, as_of=AS_OF, payments=payments())
    assert rows.select("client", "jeugd_cents", "wmo_cents", "participatie_cents", "total_cents").rows() == [
        ("a", 10000, 20000, None, 30000),
        ("c", 10000, 20000, None, 30000),
        ("d", None, 5000, 4501, 9501),
        ("e", 10000, 20000, 4501, 34501),  # JGD-B has no payments: 0 there
    ]
    combos = {
        r["combination"]: r for r in cross_domain(case(), period=PERIOD, as_of=AS_OF, payments=payments()).combinations
    }
    both = combos["jeugd+wmo"]
    assert (both["total_cents"], both["cost_per_client_cents"]) == (60000, 30000)
    assert (both["jeugd_per_client_cents"], both["wmo_per_client_cents"], both["participatie_per_client_cents"]) == (
        10000,
        20000,
        None,
    )
    assert combos["jeugd+wmo+participatie"]["cost_per_client_cents"] == 34501
    assert combos["jeugd"]["cost_per_client_cents"] is None  # no clients


def test_without_payments_the_costs_are_null() -> None:
    result = cross_domain(case(), period=PERIOD, as_of=AS_OF)
    assert {r["total_cents"] for r in result.combinations} == {None}
    assert clients_across_domains(case(), period=PERIOD, as_of=AS_OF)["total_cents"].null_count() == 4


def test_as_of_cuts_the_period_and_opens_episodes() -> None:
    # as of 31 March: a's Wmo (1 April), d's participation (1 May) and e's later ones do not exist yet
    result = cross_domain(case(), period=PERIOD, as_of=D(2025, 3, 31))
    combos = {r["combination"]: r["clients"] for r in result.combinations}
    assert result.clients == 4
    assert (combos["jeugd"], combos["wmo"], combos["jeugd+wmo"]) == (2, 1, 1)  # a, e; d; c
    assert result.domains == ("jeugd", "wmo")  # no participation known yet: its combinations are not listed
    assert [(r["segment_a"], r["segment_b"], r["days"]) for r in result.overlaps] == [("JGD-AMB", "WMO-IB", 1)]


def test_the_catalogs_domains_are_listed_without_clients() -> None:
    result = cross_domain(case(), period=PERIOD, as_of=D(2025, 3, 31), domains=["participatie"])
    assert result.domains == ("jeugd", "wmo", "participatie")
    assert len(result.combinations) == 7


def test_document_is_the_period_as_users_read_it() -> None:
    doc = cross_domain(case(), period=PERIOD, as_of=AS_OF).document()
    assert (doc["start"], doc["last"], doc["clients"], doc["by_count"]) == (
        "2025-03-10",
        "2025-06-19",
        4,
        {"1": 0, "2": 3, "3": 1},
    )


# --- invariants ------------------------------------------------------------------------------

BASE = D(2024, 1, 1)
SEGMENT_DOMAINS = {"A": "jeugd", "B": "jeugd", "IB": "wmo", "BW": "wmo", "PR": "participatie"}


@st.composite
def episode_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 25))):
        segment = draw(st.sampled_from(sorted(SEGMENT_DOMAINS)))
        start = draw(st.integers(0, 700))
        end = start + draw(st.integers(0, 300)) if draw(st.booleans()) else None
        rows.append(
            {
                "episode_id": f"e{i}",
                "client": draw(st.sampled_from(list("abcdefgh"))),
                "provider": draw(st.sampled_from(["P1", "P2"])),
                "segment": segment,
                "domain": SEGMENT_DOMAINS[segment],
                "municipality": "0983",
                "start": BASE + dt.timedelta(days=start),
                "start_arrival": BASE + dt.timedelta(days=start + draw(st.integers(0, 30))),
                "end": None if end is None else BASE + dt.timedelta(days=end),
                "end_arrival": None if end is None else BASE + dt.timedelta(days=end + draw(st.integers(0, 60))),
            }
        )
    return rows


def payment_rows(seed: int) -> pl.DataFrame:
    rows = [
        {"provider": p, "segment": s, "municipality": "0983", "month": D(2024 + m // 12, m % 12 + 1, 1)}
        | {"amount_cents": (seed * 7919 + 13 * m + len(s)) % 50000}
        for p in ("P1", "P2")
        for s in SEGMENT_DOMAINS
        for m in range(0, 24, 3)
    ]
    return frames.frame("payments", rows)


spans = st.tuples(st.integers(0, 700), st.integers(1, 400)).map(
    lambda t: Span(BASE + dt.timedelta(days=t[0]), BASE + dt.timedelta(days=t[0] + t[1]))
)
as_ofs = st.integers(0, 800).map(lambda n: BASE + dt.timedelta(days=n))


@settings(max_examples=60, deadline=None)
@given(episode_rows(), spans, as_ofs, st.integers(0, 1000), st.randoms(use_true_random=False))
def test_counts_add_up_and_order_does_not_matter(
    rows: list[dict[str, Any]], period: Span, as_of: dt.date, seed: int, rnd: Any
) -> None:
    pay = payment_rows(seed)
    result = cross_domain(frames.frame("episodes", rows), period=period, as_of=as_of, payments=pay)
    assert sum(result.by_count.values()) == result.clients
    assert sum(r["clients"] for r in result.combinations) == result.clients
    total = sum(r["total_cents"] or 0 for r in result.combinations)
    per_domain = pl.DataFrame(result.combinations)
    assert result.overlap_clients <= result.clients
    for r in result.domain_overlaps:
        assert 0 < r["clients"] and r["days"] <= r["clients"] * period.days
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    again = cross_domain(frames.frame("episodes", shuffled), period=period, as_of=as_of, payments=pay.reverse())
    assert again == result
    assert total == sum(r["total_cents"] or 0 for r in again.combinations)
    assert per_domain.height == len(result.combinations)


@settings(max_examples=40, deadline=None)
@given(episode_rows(), spans)
def test_the_users_of_a_domain_are_its_clients_indicator(rows: list[dict[str, Any]], period: Span) -> None:
    episodes = frames.frame("episodes", rows)
    as_of = D(2026, 6, 30)
    per_client = clients_across_domains(episodes, period=period, as_of=as_of)
    for domain in ("jeugd", "wmo", "participatie"):
        segments = [s for s, d in SEGMENT_DOMAINS.items() if d == domain]
        expected = indicators(
            episodes, period=(period.start, period.end), as_of=as_of, where={"segment": segments}, columns=("clients",)
        )
        n = int(expected["clients"][0]) if expected.height else 0
        assert per_client.filter(pl.col("combination").str.contains(domain)).height == n


@settings(max_examples=40, deadline=None)
@given(episode_rows(), spans, as_ofs, st.integers(0, 1000))
def test_the_costs_across_domains_share_out_what_is_paid(
    rows: list[dict[str, Any]], period: Span, as_of: dt.date, seed: int
) -> None:
    """Added over the clients, the costs are what the funding made due for the care months in
    the period to the groups with clients, up to the rounding of each group's cost per client
    (at most half a cent per client and group)."""
    episodes, pay = frames.frame("episodes", rows), payment_rows(seed)
    per_client = clients_across_domains(episodes, period=period, as_of=as_of, payments=pay)
    groups = arrangements(episodes, period, as_of).select("client", *COST_GROUP).unique()
    sizes = groups.group_by(COST_GROUP).len()
    span = effective(period, as_of)
    paid = pay.filter((pl.col("month") >= span.start) & (pl.col("month") < span.end)).join(sizes, on=list(COST_GROUP))
    slack = int(sizes["len"].sum() or 0)
    assert abs(2 * int(per_client["total_cents"].sum()) - 2 * int(paid["amount_cents"].sum())) <= slack
