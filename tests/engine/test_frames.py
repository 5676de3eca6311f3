"""The engine's frames as JSON-able rows."""

from __future__ import annotations

import datetime as dt

import polars as pl

from regie.engine.frames import json_rows


def test_json_rows_keeps_nulls_and_dates() -> None:
    df = pl.DataFrame(
        {"month": [dt.date(2025, 1, 1)], "x": [None], "y": [float("nan")]},
        schema={"month": pl.Date, "x": pl.Int64, "y": pl.Float64},
    )
    assert json_rows(df) == [{"month": "2025-01-01", "x": None, "y": None}]
