"""Participation (domain.md section 10a): a participatie segment's modules in the catalog, and
trajectories read as episodes of the domain ``participatie``."""

from __future__ import annotations

import datetime as dt
import tomllib

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regie.engine import frames
from regie.engine.catalog.model import CatalogError
from regie.engine.catalog.parse import catalog_from_dict
from regie.engine.consortia import per_member
from regie.engine.forecast import YearEndForecast
from regie.engine.funding import ledger, payments_frame
from regie.engine.indicators import indicators
from regie.engine.participation import as_declarations, as_episodes

D = dt.date


def _catalog(products: str, tariffs: str = '{ "WERKFIT" = 360000 }') -> object:
    """:data:`MONTHLY` with other modules and tariffs."""
    toml = MONTHLY.replace('["WERKFIT", "SCHOLING"]', products).replace('{ "WERKFIT" = 360000 }', tariffs)
    return catalog_from_dict(tomllib.loads(toml))


def test_a_participation_segment_names_modules_with_a_tariff_each() -> None:
    catalog = _catalog('["WERKFIT", "scholing-1"]', '{ "WERKFIT" = 360000, "scholing-1" = 240000 }')
    (segment,) = catalog.segments  # type: ignore[attr-defined]
    assert segment.products == ("WERKFIT", "scholing-1")
    assert catalog.segment_for_product("participatie", "", "scholing-1") is segment  # type: ignore[attr-defined]
    assert catalog.contracts[0].tariffs == {"WERKFIT": 360000, "scholing-1": 240000}  # type: ignore[attr-defined]
    with pytest.raises(CatalogError, match="module codes"):
        _catalog('["WERK FIT"]')
    with pytest.raises(CatalogError, match="not in segment"):
        _catalog('["WERKFIT"]', '{ "SCHOLING" = 240000 }')


def test_trajectories_are_episodes_of_the_participation_domain() -> None:
    trajectories = frames.frame(
        "trajectories",
        [
            {
                "municipality": "0983",
                "provider": "12345678",
                "segment": "PART",
                "client": "c1",
                "module": "WERKFIT",
                "start": D(2025, 3, 1),
                "end": D(2025, 6, 30),
                "end_reason": "work",
                "start_arrival": D(2025, 3, 5),
                "end_arrival": D(2025, 7, 2),
            },
            {
                "municipality": "0983",
                "provider": "12345678",
                "segment": "OTHER",
                "client": "c2",
                "module": "SCHOLING",
                "start": D(2025, 1, 1),
                "start_arrival": D(2025, 1, 3),
            },
        ],
    )
    episodes = as_episodes(trajectories, {"PART": 2})
    assert episodes.schema == frames.frame("episodes").schema
    assert episodes.select("episode_id", "weight", "end", "end_arrival").rows() == [
        ("c1|12345678|WERKFIT|2025-03-01", 2, D(2025, 6, 30), D(2025, 7, 2)),
        ("c2|12345678|SCHOLING|2025-01-01", 1, None, None),
    ]
    assert set(episodes["domain"]) == {"participatie"} and episodes["allocation_number"].null_count() == 2


#: One provider paid monthly for Werkfit ...
MONTHLY = """
[region]
name = "R"

[[municipality]]
code = "0983"
name = "Venlo"

[[segment]]
code = "PART"
name = "Participatie"
domain = "participatie"
funding_model = "outcome"
products = ["WERKFIT", "SCHOLING"]

[[provider]]
agb = "12345678"
name = "Werkbedrijf"

[[contract]]
id = "MONTHLY"
provider = "12345678"
segment = "PART"
municipalities = ["0983"]
start = 2025-01-01
end = 2025-12-31
tariffs = { "WERKFIT" = 360000 }
"""
#: ... and another at once for Scholing.
FUNDED = (
    MONTHLY
    + """
[[provider]]
agb = "87654321"
name = "Leerwerkplek"

[[contract]]
id = "AT-ONCE"
provider = "87654321"
segment = "PART"
municipalities = ["0983"]
start = 2025-01-01
end = 2025-12-31
tariffs = { "SCHOLING" = 240000 }
instalments = "at_once"
"""
)


def _funded() -> pl.DataFrame:
    return frames.frame(
        "trajectories",
        [
            {
                "municipality": "0983",
                "provider": "12345678",
                "segment": "PART",
                "client": "c1",
                "module": "WERKFIT",
                "start": D(2025, 3, 10),
                "end": D(2025, 6, 20),
                "end_reason": "work",
                "start_arrival": D(2025, 3, 12),
                "end_arrival": D(2025, 6, 25),
            },
            {
                "municipality": "0983",
                "provider": "87654321",
                "segment": "PART",
                "client": "c2",
                "module": "SCHOLING",
                "start": D(2025, 11, 20),
                "start_arrival": D(2025, 11, 21),
            },
        ],
    )


def _paid(as_of: dt.date) -> dict[tuple[str, int], int]:
    catalog = catalog_from_dict(tomllib.loads(FUNDED))
    t = _funded()
    lines = ledger(catalog, as_declarations(t, catalog), year=2025, as_of=as_of)
    out: dict[tuple[str, int], int] = {}
    for line in lines:
        out[(line.contract, line.month.month)] = out.get((line.contract, line.month.month), 0) + line.amount_cents
    return out


def test_a_trajectory_is_paid_per_module_under_the_outcome_rules() -> None:
    # Werkfit, 3,600 euro, monthly, starting 10 March. As of 15 May the end is not known: the
    # tariff over the first 12 calendar months (March 2025 .. February 2026) = 300 euro a
    # month, for March and April (a month's instalment arrives when it is over).
    assert _paid(D(2025, 5, 15)) == {("MONTHLY", 3): 30000, ("MONTHLY", 4): 30000}
    # It ended 20 June (known 25 June): the rest of the tariff in June, 2,700 euro.
    # Scholing, 2,400 euro at once, starting 20 November: all of it in November.
    assert _paid(D(2025, 12, 31)) == {
        ("MONTHLY", 3): 30000,
        ("MONTHLY", 4): 30000,
        ("MONTHLY", 5): 30000,
        ("MONTHLY", 6): 270000,
        ("AT-ONCE", 11): 240000,
    }


def test_a_trajectory_running_on_is_never_paid_more_than_its_tariff() -> None:
    t = _funded().filter(pl.col("client") == "c1").with_columns(pl.lit(None, pl.Date).alias("end"))
    catalog = catalog_from_dict(tomllib.loads(FUNDED.replace("end = 2025-12-31", "end = 2026-12-31")))
    paid = 0
    for year in (2025, 2026):
        lines = ledger(catalog, as_declarations(t, catalog), year=year, as_of=D(2026, 12, 31))
        paid += sum(line.amount_cents for line in lines)
    assert paid == 360000  # 12 instalments of 300 euro, March 2025 .. February 2026


#: The indicators' case: one provider, segment PART, as of 30 June 2026 (full follow-up for
#: ends up to 30 December 2025). Each row: client, module, start, end, end reason.
CASE = [
    ("a", "WERKFIT", D(2024, 10, 1), D(2025, 3, 14), "work"),  # 164 days; no new trajectory
    ("b", "WERKFIT", D(2025, 2, 1), D(2025, 5, 31), "other"),  # 119 days; back on 1 September
    ("c", "SCHOLING", D(2025, 4, 7), D(2025, 10, 6), "education"),  # 182 days; no new trajectory
    ("b", "SCHOLING", D(2025, 9, 1), None, None),  # open: censored at the as-of date, 302 days
    ("d", "WERKFIT", D(2025, 11, 17), None, None),  # open: 225 days
]
AS_OF = D(2026, 6, 30)


def _case(rows: list[tuple[str, str, dt.date, dt.date | None, str | None]] = CASE) -> pl.DataFrame:
    return frames.frame(
        "trajectories",
        [
            {
                "municipality": "0983",
                "provider": "12345678",
                "segment": "PART",
                "client": client,
                "module": module,
                "start": start,
                "end": end,
                "end_reason": reason,
                "start_arrival": start + dt.timedelta(days=2),
                "end_arrival": None if end is None else end + dt.timedelta(days=3),
            }
            for client, module, start, end, reason in rows
        ],
    )


def _indicators(t: pl.DataFrame) -> list[dict[str, object]]:
    catalog = catalog_from_dict(
        tomllib.loads(
            FUNDED.replace('tariffs = { "WERKFIT" = 360000 }', 'tariffs = { "WERKFIT" = 360000, "SCHOLING" = 240000 }')
            .replace("start = 2025-01-01", "start = 2024-01-01")
            .replace("end = 2025-12-31", "end = 2026-12-31")
        )
    )
    lines = ledger(catalog, as_declarations(t, catalog), year=2025, as_of=AS_OF)
    out = indicators(
        as_episodes(t, {"PART": 1}), year=2025, as_of=AS_OF, by=["segment"], payments=payments_frame(lines)
    )
    return out.to_dicts()


def test_participation_indicators_of_a_hand_computed_case() -> None:
    (row,) = _indicators(_case())
    assert {k: row[k] for k in ("segment", "clients", "inflow", "outflow", "median_duration_days")} == {
        "segment": "PART",
        "clients": 4,  # a, b, c, d
        "inflow": 4,  # b twice, c, d
        "outflow": 3,  # a, b, c
        # Kaplan-Meier: 119, 164, 182 ended, 225 and 302 censored: S = 4/5, 3/5, 2/5 <= 0.5 at 182
        "median_duration_days": 182,
    }
    assert row["work_or_education_share"] == pytest.approx(2 / 3)  # a work, c education; b other
    assert row["sustainable_outflow_rate"] == pytest.approx(2 / 3)  # b came back within 182 days
    # Paid for 2025 (300 euro a month for Werkfit, 200 for Scholing, the rest of the tariff in
    # the month a trajectory ends): a January, February and in March 3,600 - 5 x 300; b all
    # 3,600 (February .. May); c all 2,400 (April .. October); b's Scholing September ..
    # December; d November and December: 10,100 euro over 4 clients.
    assert row["cost_per_client_cents"] == (60000 + 210000 + 360000 + 240000 + 80000 + 60000) // 4


@settings(max_examples=25, deadline=None)
@given(order=st.permutations(range(len(CASE))))
def test_participation_indicators_never_depend_on_the_order_of_the_rows(order: list[int]) -> None:
    assert _indicators(_case([CASE[i] for i in order])) == _indicators(_case())


def test_participation_segments_have_a_forecast_and_an_early_warning_on_any_day() -> None:
    # Ten Werkfit trajectories (3,600 euro, 300 a month) from 15 January 2025, running on; a
    # budget of 10,000 euro. As of 17 July (not a month end) January .. June are realised.
    catalog = catalog_from_dict(
        tomllib.loads(FUNDED + '[[budget]]\nmunicipality = "0983"\nsegment = "PART"\nyear = 2025\namount = 1000000\n')
    )
    rows = [
        {
            "municipality": "0983",
            "provider": "12345678",
            "segment": "PART",
            "client": f"c{i}",
            "module": "WERKFIT",
            "start": D(2025, 1, 15),
            "start_arrival": D(2025, 1, 17),
        }
        for i in range(10)
    ]
    t = frames.frame("trajectories", rows)
    episodes, declarations = as_episodes(t, {}), as_declarations(t, catalog)
    for day in (D(2025, 7, 1), D(2025, 7, 17), D(2025, 7, 31)):
        fitted = YearEndForecast(n_paths=200).fit(catalog, episodes, declarations, year=2025, as_of=day)
        (row,) = fitted.rows_
        assert (row.segment, row.as_dict()["funding_model"], row.realised) == ("PART", "outcome", 10 * 6 * 30000)
        assert row.forecast == row.realised + row.ibnr + row.remaining
        assert row.low <= 10 * 360000 <= row.high  # all ten stay: the whole tariff of each
        assert row.warning and row.budget == 1000000
        assert [p.provider for p in fitted.providers_] == ["12345678"]


MEMBER = "22222222"


def test_a_consortium_members_trajectory_is_paid_under_the_consortiums_contract() -> None:
    # The Werkbedrijf (12345678, contract MONTHLY: Werkfit 3,600 euro, monthly) is a
    # consortium with the member 22222222, which reports trajectories under its own code.
    # The member's Werkfit from 10 March, ended 20 June (known 25 June): 300 euro for March,
    # April and May, the rest, 2,700 euro, in June (arriving 1 July): 3,600 euro. The
    # consortium's own Werkfit from 1 April, running on: April, May and June, 300 euro each.
    # As of 31 July, per sender (as sent): the member 3,600 euro, the consortium 900 euro.
    catalog = catalog_from_dict(
        tomllib.loads(MONTHLY.replace('name = "Werkbedrijf"', f'name = "Werkbedrijf"\nmembers = ["{MEMBER}"]'))
    )
    own = {
        "municipality": "0983",
        "provider": "12345678",
        "segment": "PART",
        "client": "c3",
        "module": "WERKFIT",
        "start": D(2025, 4, 1),
        "start_arrival": D(2025, 4, 3),
    }
    sent = _funded().filter(pl.col("client") == "c1").with_columns(pl.lit(MEMBER).alias("provider"))
    t = pl.concat([sent, frames.frame("trajectories", [own])])
    as_of = D(2025, 7, 31)
    declarations = frames.as_of(as_declarations(t, catalog), "declarations", as_of)
    by_sender = declarations.group_by("provider").agg(pl.col("amount_cents").sum())
    assert dict(by_sender.iter_rows()) == {MEMBER: 360000, "12345678": 90000}
    rows = per_member(as_episodes(t, {}), declarations, "12345678", {MEMBER: "12345678"}, D(2025, 1, 1), as_of)
    assert [(r["agb"], r["clients"], r["declared_cents"]) for r in rows] == [
        ("12345678", 1, 90000),
        (MEMBER, 1, 360000),
    ]
    # counted for the consortium (the contract's view), the ledger pays both under MONTHLY
    attributed = t.with_columns(pl.lit("12345678").alias("provider"))
    lines = ledger(catalog, as_declarations(attributed, catalog), year=2025, as_of=as_of)
    assert sum(line.amount_cents for line in lines if line.contract == "MONTHLY") == 450000
