"""The monitor's plain helpers, from hand-computed cases (no database)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from regie.monitor.figures import totals_by


@settings(deadline=None)  # no timing assertions: the suite runs on a busy machine
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(-1000, 1000)), max_size=30))
def test_totals_by_conserves_the_sum(pairs: list[tuple[str, int]]) -> None:
    rows = [{"k": k, "v": v} for k, v in pairs]
    out = totals_by(rows, ["k"], ["v"])
    assert sum(r["v"] for r in out) == sum(v for _k, v in pairs)
    assert [r["k"] for r in out] == sorted({k for k, _v in pairs})
