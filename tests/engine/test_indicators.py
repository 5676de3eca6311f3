"""Each indicator of domain.md section 5 from a small hand-computed case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from regie.engine import frames
from regie.engine.catalog import Catalog, Contract
from regie.engine.indicators import (
    COLUMNS,
    Query,
    agreed_clients,
    agreed_from_catalog,
    clients,
    cost_per_client,
    indicators,
    inflow,
    median_duration,
    objections,
    outflow,
    prepare_episodes,
    step_down,
    sustainable_outflow_rate,
    waiting_time,
)

D = dt.date
SEGMENTS = {
    # code: (domain, weight)
    "A": ("jeugd", 1),
    "B": ("jeugd", 2),
    "C": ("jeugd", 3),
    "IB": ("wmo", 2),
    "BW": ("wmo", 3),
}


def ep(
    client: str,
    start: dt.date,
    end: dt.date | None = None,
    *,
    provider: str = "P1",
    segment: str = "B",
    municipality: str = "0363",
    area: str | None = None,
    start_arrival: dt.date | None = None,
    end_arrival: dt.date | None = None,
    request_date: dt.date | None = None,
) -> dict[str, Any]:
    """An episode row; arrivals default to the dates themselves (messages sent on the day)."""
    domain, weight = SEGMENTS[segment]
    return {
        "episode_id": f"{client}|{provider}|{segment}|{start}",
        "client": client,
        "provider": provider,
        "segment": segment,
        "domain": domain,
        "weight": weight,
        "municipality": municipality,
        "area": area,
        "product_category": "45",
        "start": start,
        "end": end,
        "start_arrival": start_arrival or start,
        "end_arrival": (end_arrival or end) if end else None,
        "request_date": request_date,
    }


def episodes(*rows: dict[str, Any]) -> pl.DataFrame:
    return frames.frame("episodes", rows)


def year(y: int, as_of: dt.date, *by: str) -> Query:
    return Query.of(year=y, as_of=as_of, by=by)


# --- Query and periods -------------------------------------------------------------------------


def test_periods_of_a_year_by_month_quarter_and_year() -> None:
    s = year(2025, D(2026, 1, 1), "month")
    assert [p.value for p in s.periods()] == [D(2025, m, 1) for m in range(1, 13)]
    assert [p.value for p in year(2025, D(2026, 1, 1), "quarter").periods()] == [D(2025, m, 1) for m in (1, 4, 7, 10)]
    span = Query.of(period=(D(2023, 7, 1), D(2026, 1, 1)), as_of=D(2026, 1, 1), by=("year",))
    assert [(p.value, p.start, p.end) for p in span.periods()] == [
        (2023, D(2023, 7, 1), D(2024, 1, 1)),
        (2024, D(2024, 1, 1), D(2025, 1, 1)),
        (2025, D(2025, 1, 1), D(2026, 1, 1)),
    ]


def test_periods_stop_at_as_of() -> None:
    s = year(2025, D(2025, 5, 10), "quarter")
    assert [(p.start, p.end) for p in s.periods()] == [(D(2025, 1, 1), D(2025, 4, 1)), (D(2025, 4, 1), D(2025, 5, 11))]
    assert year(2025, D(2024, 12, 31)).periods() == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"year": 2025, "by": ("month", "quarter")},
        {"year": 2025, "by": ("provider", "provider")},
        {"year": 2025, "by": ("client",)},
        {"year": 2025, "period": (D(2025, 1, 1), D(2026, 1, 1))},
        {},
        {"period": (D(2025, 1, 1), D(2025, 1, 1))},
    ],
)
def test_bad_queries_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Query.of(as_of=D(2026, 1, 1), **kwargs)


def test_prepare_episodes_keeps_only_what_had_arrived_and_happened() -> None:
    df = episodes(
        ep("a", D(2025, 1, 1), D(2025, 2, 1), end_arrival=D(2025, 3, 1)),  # stop arrives later: open
        ep("b", D(2025, 1, 1), start_arrival=D(2025, 2, 15)),  # start arrives later: absent
        ep("c", D(2025, 1, 1), D(2025, 3, 1), end_arrival=D(2025, 1, 20)),  # stop sent ahead: not an end yet
        ep("d", D(2025, 2, 20), start_arrival=D(2025, 1, 20)),  # starts after as_of: absent
        ep("e", D(2025, 1, 10), D(2025, 1, 5)),  # ends before it starts: cannot be computed
    )
    out = prepare_episodes(df, D(2025, 2, 10))
    assert out.select("client", "end").rows() == [("a", None), ("c", None)]


# --- clients, inflow, outflow --------------------------------------------------------------------

SPAN = episodes(
    ep("a", D(2024, 10, 1), D(2025, 1, 15)),  # spans the year boundary
    ep("b", D(2024, 3, 1), D(2025, 1, 1)),  # ends on the first day of 2025: still a client in 2025
    ep("c", D(2024, 3, 1), D(2024, 12, 31)),  # ends on the last day of 2024
    ep("d", D(2025, 2, 1), D(2025, 2, 20), provider="P2"),
    ep("d", D(2025, 3, 1), provider="P2"),  # second episode of the same client
    ep("d", D(2025, 4, 1), provider="P1"),  # and a third at another provider
    ep("e", D(2025, 12, 1), start_arrival=D(2026, 1, 10)),  # its start arrives after as_of
)


def test_clients_overlapping_the_period() -> None:
    as_of = D(2025, 12, 31)
    assert clients(SPAN, year(2025, as_of)).rows() == [(3,)]  # a, b, d
    assert clients(SPAN, year(2025, as_of, "provider")).rows() == [("P1", 3), ("P2", 1)]
    assert clients(SPAN, year(2024, as_of)).rows() == [(3,)]  # a, b, c
    by_month = dict(clients(SPAN, year(2025, as_of, "month")).rows())
    assert by_month[D(2025, 1, 1)] == 2 and by_month[D(2025, 2, 1)] == 1 and by_month[D(2025, 12, 1)] == 1
    # As of 10 January 2026 the start of e has arrived.
    assert clients(SPAN, year(2025, D(2026, 1, 10))).rows() == [(4,)]


def test_inflow_and_outflow_around_a_year_boundary() -> None:
    as_of = D(2025, 12, 31)
    assert inflow(SPAN, year(2024, as_of)).rows() == [(3,)]  # a, b, c
    assert outflow(SPAN, year(2024, as_of)).rows() == [(1,)]  # c
    assert inflow(SPAN, year(2025, as_of, "provider")).rows() == [("P1", 1), ("P2", 2)]
    assert outflow(SPAN, year(2025, as_of, "provider")).rows() == [("P1", 2), ("P2", 1)]
    months = outflow(SPAN, year(2025, as_of, "month")).rows()
    assert months[0] == (D(2025, 1, 1), 2) and months[1] == (D(2025, 2, 1), 1) and sum(n for _, n in months) == 3


def test_outflow_needs_the_stop_to_have_arrived() -> None:
    df = episodes(ep("a", D(2025, 1, 1), D(2025, 3, 31), end_arrival=D(2025, 5, 2)))
    assert outflow(df, year(2025, D(2025, 5, 1))).rows() == [(0,)]
    assert clients(df, year(2025, D(2025, 5, 1), "month")).rows()[-1] == (D(2025, 5, 1), 1)  # still in care
    assert outflow(df, year(2025, D(2025, 5, 2))).rows() == [(1,)]


# --- duration ----------------------------------------------------------------------------------


def test_duration_is_the_kaplan_meier_median_with_open_episodes_censored() -> None:
    as_of = D(2025, 12, 31)
    df = episodes(
        ep("a", D(2025, 1, 1), D(2025, 1, 11)),  # 10 days
        ep("b", D(2025, 12, 1)),  # open: censored at 30 days
        ep("c", D(2025, 2, 1), D(2025, 3, 13)),  # 40 days
        ep("d", D(2025, 3, 1), D(2025, 5, 20)),  # 80 days
        ep("e", D(2025, 9, 22)),  # open: censored at 100 days
    )
    # S(10) = 4/5; 30 censored; S(40) = 4/5 * 2/3 = 8/15 > 1/2; S(80) = 8/15 * 1/2 = 4/15.
    # (The median of the closed ones alone would be 40, and 40 too if open ones counted as ended.)
    assert median_duration(df, year(2025, as_of)).rows() == [(80,)]


def test_duration_counts_a_stop_arriving_later_as_open() -> None:
    df = episodes(
        ep("a", D(2025, 1, 1), D(2025, 1, 31)),  # 30 days
        ep("b", D(2025, 1, 1), D(2025, 1, 11), end_arrival=D(2025, 3, 1)),  # 10 days, reported late
    )
    # As of 1 March both ended: S(10) = 1/2, median 10.
    assert median_duration(df, year(2025, D(2025, 3, 1))).rows() == [(10,)]
    # As of 15 February b is open, censored at 45 days: S(30) = 1/2, median 30.
    assert median_duration(df, year(2025, D(2025, 2, 15))).rows() == [(30,)]


def test_duration_of_an_episode_spanning_a_year_boundary_is_its_whole_length() -> None:
    df = episodes(ep("a", D(2024, 10, 1), D(2025, 1, 15)))  # 106 days
    query = Query.of(period=(D(2024, 1, 1), D(2026, 1, 1)), as_of=D(2025, 12, 31), by=("year",))
    assert median_duration(df, query).rows() == [(2024, 106), (2025, 106)]


def test_duration_is_null_when_the_median_is_not_reached_or_nothing_overlaps() -> None:
    df = episodes(ep("a", D(2025, 1, 1), D(2025, 1, 11)), ep("b", D(2025, 1, 1)), ep("c", D(2025, 1, 1)))
    assert median_duration(df, year(2025, D(2025, 12, 31))).rows() == [(None,)]  # S(10) = 2/3
    by_month = dict(
        median_duration(episodes(ep("a", D(2025, 1, 1), D(2025, 1, 11))), year(2025, D(2025, 12, 31), "month")).rows()
    )
    assert by_month[D(2025, 1, 1)] == 10 and by_month[D(2025, 2, 1)] is None


# --- step-down -----------------------------------------------------------------------------------


def test_step_down_within_30_days_to_a_lower_weight_in_the_same_domain() -> None:
    df = episodes(
        # a: beschermd wonen -> individuele begeleiding 30 days later: a step-down.
        ep("a", D(2024, 5, 1), D(2025, 3, 1), provider="P1", segment="BW"),
        ep("a", D(2025, 3, 31), provider="P2", segment="IB"),
        # b: C -> B after 31 days: not a step-down.
        ep("b", D(2024, 5, 1), D(2025, 3, 1), provider="P1", segment="C"),
        ep("b", D(2025, 4, 1), provider="P1", segment="B"),
        # c: C -> C elsewhere: not lower.
        ep("c", D(2024, 5, 1), D(2025, 3, 1), provider="P1", segment="C"),
        ep("c", D(2025, 3, 5), provider="P2", segment="C"),
        # d: beschermd wonen -> jeugd A the next day: another domain.
        ep("d", D(2024, 5, 1), D(2025, 3, 1), provider="P1", segment="BW"),
        ep("d", D(2025, 3, 2), provider="P2", segment="A"),
        # e: B -> A on the day B ends: a step-down (0 days).
        ep("e", D(2024, 5, 1), D(2025, 6, 30), provider="P2", segment="B"),
        ep("e", D(2025, 6, 30), provider="P2", segment="A"),
        # f: C -> B started before C ended: no start after the end.
        ep("f", D(2024, 5, 1), D(2025, 3, 1), provider="P1", segment="C"),
        ep("f", D(2025, 2, 1), provider="P1", segment="B"),
    )
    as_of = D(2025, 12, 31)
    assert step_down(df, year(2025, as_of)).rows() == [(2,)]
    # Counted with the ended episode: a's at P1, e's at P2 (the following start is not counted).
    assert step_down(df, year(2025, as_of, "provider")).rows() == [("P1", 1), ("P2", 1)]
    assert step_down(df, year(2025, as_of, "segment")).rows() == [("A", 0), ("B", 1), ("BW", 1), ("C", 0), ("IB", 0)]
    months = dict(step_down(df, year(2025, as_of, "month")).rows())
    assert months[D(2025, 3, 1)] == 1 and months[D(2025, 6, 1)] == 1


def test_step_down_only_sees_starts_that_had_arrived() -> None:
    df = episodes(
        ep("a", D(2024, 5, 1), D(2025, 3, 1), segment="C"),
        ep("a", D(2025, 3, 20), segment="B", start_arrival=D(2025, 4, 15)),
    )
    assert step_down(df, year(2025, D(2025, 4, 1))).rows() == [(0,)]
    assert step_down(df, year(2025, D(2025, 4, 15))).rows() == [(1,)]


def test_step_down_follow_up_looks_beyond_the_filter() -> None:
    df = episodes(
        ep("a", D(2024, 5, 1), D(2025, 3, 1), provider="P1", segment="C"),
        ep("a", D(2025, 3, 2), provider="P2", segment="B"),
    )
    out = step_down(df, year(2025, D(2025, 12, 31)), where={"provider": "P1"})
    assert out.rows() == [(1,)]


# --- sustainable outflow -------------------------------------------------------------------------


def sustainable_case() -> pl.DataFrame:
    return episodes(
        # a: back in the same domain after 181 days: a re-entry within 182 days.
        ep("a", D(2024, 1, 1), D(2025, 1, 31)),
        ep("a", D(2025, 7, 31), provider="P2", segment="A"),
        # b: back after 183 days: sustainable.
        ep("b", D(2024, 1, 1), D(2025, 1, 31)),
        ep("b", D(2025, 8, 2)),
        # c: goes on in another domain after 10 days: sustainable (for jeugd).
        ep("c", D(2024, 1, 1), D(2025, 2, 28)),
        ep("c", D(2025, 3, 10), segment="IB"),
        # d: ended 181 days before as_of: no full follow-up yet, left out.
        ep("d", D(2024, 1, 1), D(2025, 12, 31)),
        # e: ended exactly 182 days before as_of: counted, sustainable.
        ep("e", D(2024, 1, 1), D(2025, 12, 30)),
        # f: a one-day episode (start = end), nothing after it: sustainable.
        ep("f", D(2025, 5, 5), D(2025, 5, 5)),
    )


def test_sustainable_outflow_rate_with_a_re_entry_and_full_follow_up() -> None:
    as_of = D(2026, 6, 30)
    # Counted: a (re-entry), b, c, e, f (sustainable); d lacks follow-up. 4 / 5.
    assert sustainable_outflow_rate(sustainable_case(), year(2025, as_of)).rows() == [(0.8,)]
    # The ended episode's group counts it; the re-entry at P2 does not make P2's rate.
    assert sustainable_outflow_rate(sustainable_case(), year(2025, as_of, "provider")).rows() == [
        ("P1", 0.8),
        ("P2", None),
    ]


def test_sustainable_outflow_rate_is_null_without_full_follow_up() -> None:
    assert sustainable_outflow_rate(sustainable_case(), year(2025, D(2025, 7, 30))).rows() == [(None,)]
    # As of 2025-07-31 a and b have 181 days of follow-up... and on 2025-08-01 182: a is back
    # (181 days), b is not yet back (183 days later): 1 of 2.
    assert sustainable_outflow_rate(sustainable_case(), year(2025, D(2025, 8, 1))).rows() == [(0.5,)]


# --- waiting time --------------------------------------------------------------------------------


def test_waiting_time_median_and_share_within_the_norm() -> None:
    df = episodes(
        ep("a", D(2025, 3, 11), request_date=D(2025, 3, 1)),  # 10 days
        ep("b", D(2025, 3, 1), request_date=D(2025, 1, 18)),  # 42 days: within the norm
        ep("c", D(2025, 3, 1), request_date=D(2025, 1, 17)),  # 43 days: outside
        ep("d", D(2025, 4, 11), request_date=D(2025, 1, 1)),  # 100 days
        ep("e", D(2025, 4, 1)),  # no request: no waiting time
        ep("f", D(2024, 12, 1), request_date=D(2024, 11, 1)),  # started before the period
        ep("g", D(2025, 4, 1), request_date=D(2025, 4, 3)),  # request after the start: ignored
    )
    assert waiting_time(df, year(2025, D(2025, 12, 31))).rows() == [(42.5, 0.5)]
    assert waiting_time(df, year(2025, D(2025, 12, 31)), norm_days=10).rows() == [(42.5, 0.25)]
    months = waiting_time(df, year(2025, D(2025, 12, 31), "month")).rows()
    assert months[0] == (D(2025, 1, 1), None, None) and months[2] == (D(2025, 3, 1), 42.0, 2 / 3)


def test_waiting_time_from_the_requests_frame() -> None:
    df = episodes(
        ep("a", D(2025, 3, 1), segment="B"),
        ep("b", D(2025, 3, 1), segment="B"),
        ep("c", D(2025, 3, 1), segment="B", request_date=D(2025, 2, 27)),  # own date wins
        ep("d", D(2025, 3, 1), segment="B"),
    )
    req = frames.frame(
        "requests",
        [
            {"request_id": "1", "client": "a", "segment": "B", "registered": D(2025, 1, 1), "arrival": D(2025, 1, 1)},
            {"request_id": "2", "client": "a", "segment": "B", "registered": D(2025, 2, 1), "arrival": D(2025, 2, 1)},
            {"request_id": "3", "client": "b", "segment": "A", "registered": D(2025, 2, 1), "arrival": D(2025, 2, 1)},
            {"request_id": "4", "client": "c", "segment": "B", "registered": D(2025, 1, 1), "arrival": D(2025, 1, 1)},
            {"request_id": "5", "client": "d", "segment": "B", "registered": D(2025, 2, 1), "arrival": D(2025, 6, 1)},
            {"request_id": "6", "client": "b", "segment": "B", "registered": D(2025, 3, 2), "arrival": D(2025, 3, 2)},
        ],
    )
    # a: the latest registration before the start (28 days); b: other segment, and one after
    # the start: none; c: its own date (2 days); d: the registration arrived after as_of.
    assert waiting_time(df, year(2025, D(2025, 5, 1)), requests=req).rows() == [(15.0, 1.0)]
    # Once d's registration has arrived: 28, 2, 28 -> median 28.
    assert waiting_time(df, year(2025, D(2025, 6, 1)), requests=req).rows() == [(28.0, 1.0)]


def test_a_refused_request_does_not_wait() -> None:
    df = episodes(ep("a", D(2025, 3, 1), segment="B"))
    req = frames.frame(
        "requests",
        [
            {
                "request_id": "1",
                "client": "a",
                "segment": "B",
                "registered": D(2025, 1, 1),
                "arrival": D(2025, 1, 1),
                "outcome": "granted",
                "answered": D(2025, 1, 20),
            },
            {
                "request_id": "2",
                "client": "a",
                "segment": "B",
                "registered": D(2025, 2, 1),
                "arrival": D(2025, 2, 1),
                "outcome": "refused",
                "answered": D(2025, 4, 1),
            },
        ],
    )
    # as of 1 March the refusal of request 2 had not arrived: it waits 28 days
    assert waiting_time(df, year(2025, D(2025, 3, 31)), requests=req).rows() == [(28.0, 1.0)]
    # once it has, the start waited since request 1 (59 days)
    assert waiting_time(df, year(2025, D(2025, 4, 30)), requests=req).rows() == [(59.0, 0.0)]
    refused_only = req.filter(pl.col("request_id") == "2")
    assert waiting_time(df, year(2025, D(2025, 4, 30)), requests=refused_only).rows() == [(None, None)]


def test_waiting_time_is_null_without_requests() -> None:
    df = episodes(ep("a", D(2025, 3, 1)))
    assert waiting_time(df, year(2025, D(2025, 12, 31))).rows() == [(None, None)]


# --- cost per client -------------------------------------------------------------------------------


def payments(*rows: tuple[str, str, dt.date, int]) -> pl.DataFrame:
    return frames.frame(
        "payments",
        [
            {
                "contract": f"c-{p}-{s}",
                "provider": p,
                "segment": s,
                "municipality": "0363",
                "month": m,
                "amount_cents": a,
            }
            for p, s, m, a in rows
        ],
    )


def test_cost_per_client_is_paid_over_clients_in_cents() -> None:
    df = episodes(
        ep("a", D(2025, 1, 1)), ep("b", D(2025, 1, 1)), ep("c", D(2025, 2, 1)), ep("x", D(2025, 1, 1), provider="P2")
    )
    pay = payments(
        ("P1", "B", D(2025, 1, 1), 10000), ("P1", "B", D(2025, 2, 1), 10000), ("P3", "B", D(2025, 1, 1), 500)
    )
    out = cost_per_client(df, year(2025, D(2025, 12, 31), "provider"), payments=pay).rows()
    # P1: 20000 / 3 = 6666.67 -> 6667; P2: clients but nothing paid -> 0; P3: paid, no clients -> null.
    assert out == [("P1", 6667), ("P2", 0), ("P3", None)]
    months = cost_per_client(df, year(2025, D(2025, 12, 31), "provider", "month"), payments=pay).rows()
    assert months[0] == ("P1", D(2025, 1, 1), 5000) and months[1] == ("P1", D(2025, 2, 1), 3333)


def test_cost_per_client_is_null_without_payments_or_by_area() -> None:
    df = episodes(ep("a", D(2025, 1, 1), area="Centrum"))
    pay = payments(("P1", "B", D(2025, 1, 1), 10000))
    assert cost_per_client(df, year(2025, D(2025, 12, 31)), payments=None).rows() == [(None,)]
    assert cost_per_client(df, year(2025, D(2025, 12, 31), "area"), payments=pay).rows() == [("Centrum", None)]


# --- agreed vs realised ----------------------------------------------------------------------------

AGREED = pl.DataFrame(
    {
        "provider": ["P1", "P1", "P2", "P1"],
        "segment": ["B", "C", "B", "B"],
        "year": [2025, 2025, 2025, 2024],
        "agreed_clients": [10, 5, 7, 9],
    }
)


def test_agreed_clients_per_provider_and_segment() -> None:
    df = episodes(ep("a", D(2025, 1, 1)), ep("b", D(2025, 1, 1), segment="C"), ep("c", D(2025, 1, 1), provider="P3"))
    out = agreed_clients(df, year(2025, D(2025, 12, 31), "provider", "segment"), agreed=AGREED).rows()
    assert out == [("P1", "B", 1, 10), ("P1", "C", 1, 5), ("P3", "B", 1, None)]
    assert agreed_clients(df, year(2025, D(2025, 12, 31), "provider"), agreed=AGREED).rows() == [
        ("P1", 2, 15),
        ("P3", 1, None),
    ]
    assert agreed_clients(df, year(2025, D(2025, 12, 31)), agreed=AGREED).rows() == [(3, 22)]
    assert agreed_clients(df, year(2024, D(2025, 12, 31)), agreed=AGREED).rows() == []  # no episodes in 2024


def test_agreed_clients_where_no_agreement_applies() -> None:
    df = episodes(ep("a", D(2025, 1, 1)))
    by_month = agreed_clients(df, year(2025, D(2025, 12, 31), "provider", "month"), agreed=AGREED).rows()
    assert by_month[0] == ("P1", D(2025, 1, 1), 1, 15) and len(by_month) == 12  # the year's agreement
    assert agreed_clients(df, year(2025, D(2025, 12, 31), "municipality"), agreed=AGREED).rows() == [("0363", 1, None)]
    two_years = Query.of(period=(D(2024, 7, 1), D(2025, 7, 1)), as_of=D(2025, 12, 31))
    assert agreed_clients(df, two_years, agreed=AGREED).rows() == [(1, None)]
    assert agreed_clients(df, year(2025, D(2025, 12, 31)), agreed=None).rows() == [(1, None)]


def test_agreed_from_catalog_uses_agreed_or_expected_clients() -> None:
    contracts = (
        Contract("c1", "11111111", "IB", ("0983",), D(2024, 1, 1), D(2025, 12, 31), agreed_clients=120),
        Contract("c2", "22222222", "A", ("0363",), D(2025, 1, 1), D(2025, 12, 31), lump_sum=1, expected_clients=300),
        Contract("c3", "33333333", "J", ("0983",), D(2025, 1, 1), D(2025, 12, 31)),
    )
    cat = Catalog("R", (), (), (), contracts, ())
    assert agreed_from_catalog(cat, [2024, 2025]).rows() == [
        ("11111111", "IB", 2024, 120),
        ("11111111", "IB", 2025, 120),
        ("22222222", "A", 2025, 300),
    ]


# --- objections --------------------------------------------------------------------------------------


def objection(i: int, provider: str | None, filed: dt.date, **kw: Any) -> dict[str, Any]:
    row = {
        "objection_id": str(i),
        "client": f"c{i}",
        "municipality": "0363",
        "segment": "B",
        "provider": provider,
        "kind": "bezwaar",
        "filed": filed,
        "arrival": filed,
    }
    row.update(kw)
    return row


OBJECTIONS = frames.frame(
    "objections",
    [
        objection(1, "P1", D(2025, 2, 1), decided=D(2025, 4, 1), upheld=True),
        objection(2, "P1", D(2025, 3, 1), decided=D(2025, 5, 1), upheld=False, kind="beroep"),
        objection(3, "P1", D(2025, 3, 1)),  # pending
        objection(4, None, D(2025, 6, 1), decided=D(2025, 9, 1), upheld=True),  # no provider
        objection(5, "P2", D(2025, 11, 1), decided=D(2026, 1, 15), upheld=True),  # decided after as_of
        objection(6, "P2", D(2025, 12, 1), arrival=D(2026, 1, 5)),  # arrives after as_of
        objection(7, "P1", D(2024, 12, 1), decided=D(2025, 1, 10), upheld=True),  # filed before 2025
    ],
)


def test_objections_count_and_share_upheld() -> None:
    eps = episodes(ep("a", D(2025, 1, 1)))
    as_of = D(2025, 12, 31)
    assert objections(eps, year(2025, as_of), objections=OBJECTIONS).rows() == [(5, 2 / 3)]
    assert objections(eps, year(2025, as_of, "provider"), objections=OBJECTIONS).rows() == [
        ("P1", 3, 0.5),
        ("P2", 1, None),
        (None, 1, 1.0),
    ]
    later = objections(eps, year(2025, D(2026, 1, 31), "provider"), objections=OBJECTIONS).rows()
    assert later[1] == ("P2", 2, 1.0)


def test_objections_are_null_without_a_frame_or_by_area() -> None:
    eps = episodes(ep("a", D(2025, 1, 1), area="Centrum"))
    assert objections(eps, year(2025, D(2025, 12, 31)), objections=None).rows() == [(None, None)]
    assert objections(eps, year(2025, D(2025, 12, 31), "area"), objections=OBJECTIONS).rows() == [
        ("Centrum", None, None)
    ]
    empty = frames.frame("objections")
    assert objections(eps, year(2025, D(2025, 12, 31)), objections=empty).rows() == [(0, None)]


# --- the entry point -------------------------------------------------------------------------------


def test_indicators_columns_are_the_group_keys_and_the_json_keys() -> None:
    out = indicators(SPAN, year=2025, as_of=D(2025, 12, 31), by=["segment", "provider", "month"])
    assert out.columns == [
        "segment",
        "provider",
        "month",
        *COLUMNS,
        "objections_upheld_share",
        "work_or_education_share",
    ]
    assert out.height == 2 * 12
    assert out.schema["month"] == pl.Date and out.schema["clients"] == pl.Int64


def test_indicators_of_nothing_is_an_empty_frame_with_the_columns() -> None:
    out = indicators(frames.frame("episodes"), year=2025, as_of=D(2025, 12, 31), by=["provider"])
    assert out.height == 0 and out.columns == [
        "provider",
        *COLUMNS,
        "objections_upheld_share",
        "work_or_education_share",
    ]


def test_indicators_of_a_small_region() -> None:
    df = pl.concat([sustainable_case(), episodes(ep("z", D(2025, 1, 1), request_date=D(2024, 12, 1)))])
    out = indicators(
        df,
        year=2025,
        as_of=D(2026, 6, 30),
        objections=OBJECTIONS,
        payments=payments(("P1", "B", D(2025, 1, 1), 700000)),
        agreed=AGREED,
    ).to_dicts()
    assert out == [
        {
            "clients": 7,  # a..f, z
            "inflow": 5,  # a, b, c re-entries, f, z
            "outflow": 6,  # a, b, c, d, e, f
            # 0 (f), 332 and 334 (open), 396 (a, b), 424 (c), 477 and 545 (open), 729 (e), 730 (d):
            # S = 9/10 * 5/7 * 4/5 = 0.514 after 424, then * 1/2 at 729.
            "median_duration_days": 729,
            "step_down": 0,
            "sustainable_outflow_rate": 0.8,
            "waiting_median_days": 31.0,
            "waiting_within_norm_share": 1.0,
            "cost_per_client_cents": 100000,
            "agreed_clients": 22,
            "objections": 6,
            "objections_upheld_share": 0.75,
            "work_or_education_share": None,  # no participation trajectories
        }
    ]


def test_where_filters_the_counted_records() -> None:
    out = indicators(SPAN, year=2025, as_of=D(2025, 12, 31), where={"provider": "P2"}, objections=OBJECTIONS)
    assert out.select("clients", "inflow", "outflow", "objections").rows() == [(1, 2, 1, 1)]
    with pytest.raises(ValueError):
        indicators(SPAN, year=2025, as_of=D(2025, 12, 31), where={"client": "a"})


def test_where_on_an_area_leaves_figures_without_areas_empty() -> None:
    df = episodes(ep("a", D(2025, 1, 1), area="Noord"), ep("b", D(2025, 1, 1), area="Zuid"))
    pay = payments(("P1", "B", D(2025, 1, 1), 10000))
    out = indicators(
        df,
        year=2025,
        as_of=D(2025, 12, 31),
        where={"area": "Noord"},
        payments=pay,
        objections=OBJECTIONS,
        agreed=AGREED,
    )
    assert out.select("clients", "cost_per_client_cents", "objections", "agreed_clients").rows() == [
        (1, None, None, None)
    ]
    out = indicators(df, year=2025, as_of=D(2025, 12, 31), where={"segment": ["B", "C"]}, payments=pay, agreed=AGREED)
    assert out.select("clients", "cost_per_client_cents", "agreed_clients").rows() == [
        (2, 5000, 22)
    ]  # agreements of B and C: 10 + 5 + 7
