"""Chain-ladder IBNR: published reference figures (RAA, Mack 1993), a triangle computed by
hand, and the money-due rules of the triangle."""

from __future__ import annotations

import datetime as dt
import warnings

import chainladder as cl
import numpy as np
import polars as pl
import pytest

from regie.engine import frames
from regie.engine.catalog import Catalog, Contract, Municipality, Provider, Segment
from regie.engine.forecast.base import month_index
from regie.engine.forecast.ibnr import ChainLadder, payable_rows, triangle

# Mack (1993), "Distribution-free calculation of the standard error of chain ladder reserve
# estimates", ASTIN Bulletin 23(2), on the RAA triangle (Historical Loss Development Study,
# 1991): IBNR and standard error per origin year 1982..1990, and in total (whole units; the
# same figures as R's ChainLadder::MackChainLadder(RAA)).
PUBLISHED_IBNR = [154, 617, 1_636, 2_747, 3_649, 5_435, 10_907, 10_650, 16_339]
PUBLISHED_SE = [206, 623, 747, 1_469, 2_002, 2_209, 5_358, 6_333, 24_566]
PUBLISHED_TOTAL_IBNR = 52_135
PUBLISHED_TOTAL_SE = 26_909
#: The published figures are rounded to whole units: we must be within half a unit.
TOLERANCE = 0.5


def raa_mack() -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raa = cl.load_sample("raa")
        dev = cl.Development(sigma_interpolation="mack").fit_transform(raa)
        return cl.MackChainladder().fit(dev)


def test_chainladder_library_reproduces_mack_1993_on_raa() -> None:
    mack = raa_mack()
    ibnr = np.asarray(mack.ibnr_.values[0, 0, 1:, -1])  # type: ignore[attr-defined]
    se = np.asarray(mack.mack_std_err_.values[0, 0, 1:, -1])  # type: ignore[attr-defined]
    total_se = float(np.asarray(mack.total_mack_std_err_.values).reshape(-1)[0])  # type: ignore[attr-defined]
    assert ibnr == pytest.approx(PUBLISHED_IBNR, abs=TOLERANCE)
    assert se == pytest.approx(PUBLISHED_SE, abs=TOLERANCE)
    assert float(np.nansum(ibnr)) == pytest.approx(PUBLISHED_TOTAL_IBNR, abs=TOLERANCE)
    assert total_se == pytest.approx(PUBLISHED_TOTAL_SE, abs=TOLERANCE)
    # what chainladder 0.10 gives exactly, pinned so a change of the library shows
    assert float(np.nansum(ibnr)) == pytest.approx(52_135.228261, rel=1e-9)
    assert total_se == pytest.approx(26_909.011156, rel=1e-9)


def raa_frame() -> pl.DataFrame:
    """The RAA triangle as our incremental triangle frame (each year stands in for a month)."""
    raa = cl.load_sample("raa")
    cum = np.asarray(raa.values[0, 0])
    base = month_index(dt.date(2000, 1, 1))
    rows = []
    for o in range(cum.shape[0]):
        previous = 0.0
        for a in range(cum.shape[1]):
            if np.isnan(cum[o, a]):
                break
            rows.append({"segment": "RAA", "origin_m": base + o, "arrival_m": base + o + a, "v": cum[o, a] - previous})
            previous = cum[o, a]
    return pl.DataFrame(rows)


def test_our_chain_ladder_gives_the_published_raa_figures() -> None:
    base = month_index(dt.date(2000, 1, 1))
    model = ChainLadder(min_reported=0.0).fit(raa_frame(), by=("segment",), value="v", valuation=base + 9)
    origins = model.origins_.sort("origin_m")
    assert origins["mature"].all()
    ibnr = origins["ibnr"].to_list()[1:]
    se = origins["se"].to_list()[1:]
    assert ibnr == pytest.approx(PUBLISHED_IBNR, abs=TOLERANCE)
    assert se == pytest.approx(PUBLISHED_SE, abs=TOLERANCE)
    assert sum(ibnr) == pytest.approx(PUBLISHED_TOTAL_IBNR, abs=TOLERANCE)
    assert model.total_se_[("RAA",)] == pytest.approx(PUBLISHED_TOTAL_SE, abs=TOLERANCE)
    # Mack's development factors of RAA (12-24 .. 108-120)
    assert model.ldf_[("RAA",)][:9] == pytest.approx(
        [2.999, 1.624, 1.271, 1.172, 1.113, 1.042, 1.033, 1.017, 1.009], abs=0.0005
    )


#: Month index of January 2020: the hand triangles' first origin.
M0 = month_index(dt.date(2020, 1, 1))


def hand_frame() -> pl.DataFrame:
    """Cumulative: origin 0: 100, 150, 165; origin 1: 110, 170; origin 2: 120."""
    incremental = {(0, 0): 100, (0, 1): 50, (0, 2): 15, (1, 0): 110, (1, 1): 60, (2, 0): 120}
    return pl.DataFrame(
        [{"g": "x", "origin_m": M0 + o, "arrival_m": M0 + o + a, "v": float(v)} for (o, a), v in incremental.items()]
    )


def test_development_factors_by_hand() -> None:
    # f0 = (150 + 170) / (100 + 110) = 32/21; f1 = 165 / 150 = 1.1
    # IBNR: origin 1 = 170 x (1.1 - 1) = 17; origin 2 = 120 x (32/21 x 1.1 - 1) = 81.142857
    model = ChainLadder(min_reported=0.0).fit(hand_frame(), by=("g",), value="v", valuation=M0 + 2)
    assert model.ldf_[("x",)][:2] == pytest.approx([32 / 21, 1.1])
    assert model.cdf_[("x",)] == pytest.approx([32 / 21 * 1.1, 1.1, 1.0])
    assert model.reported_share_[("x",)] == pytest.approx([21 / 32 / 1.1, 1 / 1.1, 1.0])
    ibnr = dict(zip(model.origins_["origin_m"], model.origins_["ibnr"], strict=True))
    assert ibnr == pytest.approx({M0: 0.0, M0 + 1: 17.0, M0 + 2: 120 * (32 / 21 * 1.1 - 1)})


def test_an_origin_with_little_reported_is_left_to_bornhuetter_ferguson() -> None:
    # with at least half reported required, origin 2 (reported share 0.60) is mature, but
    # not when 2/3 is required
    model = ChainLadder(min_reported=0.5).fit(hand_frame(), by=("g",), value="v", valuation=M0 + 2)
    assert model.mature_age_ == 0
    strict = ChainLadder(min_reported=2 / 3).fit(hand_frame(), by=("g",), value="v", valuation=M0 + 2)
    assert strict.mature_age_ == 1
    young = strict.origins_.filter(pl.col("origin_m") == M0 + 2).row(0, named=True)
    assert young["mature"] is False and young["ibnr"] is None


def test_undefined_factors_nothing_at_age_zero_and_origins_before_the_start() -> None:
    # nothing ever arrives in the care month itself (age 0), and the first two origins lie
    # before the contract started (all zero): age 0 reports nothing, the rest is defined
    rows = []
    for o in range(M0 + 2, M0 + 8):
        rows += [
            {"g": "x", "care_m": o, "arrival_m": o + 1, "v": 90.0},
            {"g": "x", "care_m": o, "arrival_m": o + 2, "v": 10.0},
        ]
    tri = triangle(pl.DataFrame(rows), by=("g",), values=["v"], first=M0, last=M0 + 8)
    model = ChainLadder().fit(tri, by=("g",), value="v", valuation=M0 + 8)
    share = model.reported_share_[("x",)]
    assert share[0] == 0.0
    assert share[1] == pytest.approx(0.9)
    assert share[2:] == pytest.approx(1.0)


def catalog(rule: str = "second-month-15") -> Catalog:
    contract = Contract(
        "k",
        "12345678",
        "S",
        ("0983",),
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        tariffs={"45": 1},
        declaration_deadline=rule,
    )
    return Catalog(
        "r",
        (Municipality("0983", "Venlo"),),
        (Segment("S", "s", "jeugd", "pxq", 1, 0, ("45",)),),
        (Provider("12345678", "Zorg"),),
        (contract,),
        (),
    )


def decl(line: str, care: dt.date, arrival: dt.date, amount: int, provider: str = "12345678") -> dict[str, object]:
    return {
        "line_id": line,
        "provider": provider,
        "segment": "S",
        "municipality": "0983",
        "care_month": care,
        "arrival": arrival,
        "amount_cents": amount,
        "accepted": True,
    }


def test_money_due_follows_the_deadline_rule() -> None:
    jan = dt.date(2025, 1, 1)
    rows = frames.frame(
        "declarations",
        [
            decl("in-time", jan, dt.date(2025, 3, 15), 100),
            decl("late", jan, dt.date(2025, 3, 16), 200),
            decl("late-credit", jan, dt.date(2025, 4, 1), -30),
            decl("no-contract", jan, dt.date(2025, 2, 1), 400, provider="87654321"),
            decl("after-as-of", jan, dt.date(2025, 6, 2), 800),
            {**decl("rejected", jan, dt.date(2025, 2, 1), 1600), "accepted": False},
        ],
    )
    due = payable_rows(catalog(), rows, as_of=dt.date(2025, 6, 1))
    assert dict(zip(due["line_id"], due["due_cents"], strict=True)) == {
        "in-time": 100,
        "late": 0,  # stored and shown, never paid
        "late-credit": -30,  # a credit always counts
        "no-contract": 0,
    }
    assert dict(zip(due["line_id"], due["delay"], strict=True))["late-credit"] == 3
    without = payable_rows(catalog("none"), rows, as_of=dt.date(2025, 6, 1))
    assert dict(zip(without["line_id"], without["due_cents"], strict=True))["late"] == 200


def test_triangle_grid_is_complete_and_sums_by_arrival_month() -> None:
    rows = pl.DataFrame({"g": ["x", "x", "x"], "care_m": [10, 10, 12], "arrival_m": [11, 11, 13], "v": [1.0, 2.0, 4.0]})
    tri = triangle(rows, by=("g",), values=["v"], first=10, last=13)  # (month indices; no dates needed)
    cells = {(o, a): v for _, o, a, v in tri.iter_rows()}
    assert cells[(10, 11)] == 3.0
    assert cells[(12, 13)] == 4.0
    assert {o for o, _ in cells} == {10, 11, 12, 13}  # an origin with nothing still has a row
    assert cells[(11, 11)] == 0.0
