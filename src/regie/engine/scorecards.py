"""Provider scorecards: each provider's indicators against its segment's peers, its trend, and
agreed vs realised clients (domain.md sections 5 and 10).

A scorecard is what the relationship manager and the provider look at in their regular
dialogue ("monitoring is for the conversation, not to punish"). :func:`scorecards` returns a
plain, JSON-able snapshot (only ``str``, ``int``, ``float``, ``bool``, ``None``, lists and
dicts; dates as ISO text) with its ``as_of`` and ``computed_on`` dates, so the Django layer
can store it as it is and a dialogue can later show what the figures were on its day.

Every figure comes from :func:`regie.engine.indicators.indicators`; this module only arranges
them. The choices:

- **A card** is one provider in one segment with episodes in the year up to ``as_of`` (or an
  objection or payment there): its indicators for the year, computed as of ``as_of``.
- **Peers** are the *other* providers of the same segment that have a value for that
  indicator (the provider itself is left out, so it is compared with the rest and not partly
  with itself). For each indicator the card gives the peers' median and spread as the 25th and
  75th percentiles (linear interpolation between the sorted values, numpy's default), their
  number, and the provider's ``position``: ``"below"`` the 25th percentile, ``"above"`` the
  75th, or ``"within"``; null without a value or without peers. Whether higher is better
  depends on the indicator and is left to the reader.
- **Fewer than three peers, no statistics** (:data:`MIN_PEERS`): with one or two peers their
  median and percentiles would reveal a competitor's own value (with one peer the median *is*
  its value), so the card gives only their number, and no position.
- **Trend**: the same indicators for the provider in the segment over the last ``periods``
  months or quarters up to and including the one that holds ``as_of`` (that one runs to
  ``as_of``), oldest first, all computed as of ``as_of``.
- **Agreed vs realised**: the agreed clients of the year (the ``agreed`` frame,
  :data:`regie.engine.indicators.AGREED`) beside the realised clients of the year so far, and
  their ratio; null where there is no agreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from regie.engine.calendar import ONE_DAY, add_months, month_start, quarter_start
from regie.engine.indicators import WAITING_NORM_DAYS, indicators
from regie.engine.registry import keys

#: The snapshot format; raised when its shape changes, so stored snapshots stay readable.
SNAPSHOT_VERSION = 1

#: The indicators on a card, in order (the JSON keys of ``regie indicators`` that are
#: :attr:`~regie.engine.registry.Indicator.scored`).
SCORED = keys(scored=True)

TREND_UNITS = ("month", "quarter")

#: The fewest peers whose statistics a card shows (below it they would reveal a competitor's value).
MIN_PEERS = 3


def _json(value: Any) -> Any:
    """A plain JSON value: dates as ISO text, numpy scalars as Python numbers."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def peer_stats(values: Sequence[float]) -> dict[str, float | int | None]:
    """Median, 25th and 75th percentile (linear interpolation) and number of ``values``; only
    the number below :data:`MIN_PEERS` values.

    >>> peer_stats([4, 1, 3, 2])
    {'peer_median': 2.5, 'peer_p25': 1.75, 'peer_p75': 3.25, 'peers': 4}
    >>> peer_stats([7, 9])
    {'peer_median': None, 'peer_p25': None, 'peer_p75': None, 'peers': 2}
    >>> peer_stats([])
    {'peer_median': None, 'peer_p25': None, 'peer_p75': None, 'peers': 0}
    """
    if len(values) < MIN_PEERS:
        return {"peer_median": None, "peer_p25": None, "peer_p75": None, "peers": len(values)}
    q25, q50, q75 = np.percentile(np.asarray(values, dtype=np.float64), [25, 50, 75])
    return {"peer_median": float(q50), "peer_p25": float(q25), "peer_p75": float(q75), "peers": len(values)}


def position(value: float | None, stats: Mapping[str, float | int | None]) -> str | None:
    """Where ``value`` lies against its peers: ``"below"``, ``"within"`` or ``"above"`` the
    25th..75th percentile band; None without a value or without peers.

    >>> position(5, {"peer_p25": 1.0, "peer_p75": 3.0})
    'above'
    >>> position(1, {"peer_p25": 1.0, "peer_p75": 3.0})
    'within'
    >>> position(None, {"peer_p25": 1.0, "peer_p75": 3.0}) is None
    True
    """
    low, high = stats.get("peer_p25"), stats.get("peer_p75")
    if value is None or low is None or high is None:
        return None
    if value < low:
        return "below"
    if value > high:
        return "above"
    return "within"


def peer_comparison(table: pl.DataFrame, columns: Sequence[str] = SCORED) -> dict[tuple[str, str], dict[str, Any]]:
    """For each (provider, segment) row of ``table``: per indicator its value, the statistics
    of the other providers of the segment (:func:`peer_stats`) and its :func:`position`.

    >>> t = pl.DataFrame({"provider": list("abcde"), "segment": ["S"] * 5, "clients": [10, 20, 30, 40, None]})
    >>> card = peer_comparison(t, ["clients"])[("a", "S")]["clients"]
    >>> card["value"], card["peer_median"], card["peers"], card["position"]
    (10, 30.0, 3, 'below')
    """
    out: dict[tuple[str, str], dict[str, Any]] = {}
    rows = table.select("provider", "segment", *columns).to_dicts()
    by_segment: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_segment.setdefault(row["segment"], []).append(row)
    for segment, members in by_segment.items():
        for row in members:
            card: dict[str, Any] = {}
            for col in columns:
                peers = [m[col] for m in members if m is not row and m[col] is not None]
                stats = peer_stats(peers)
                card[col] = {"value": _json(row[col]), **stats, "position": position(row[col], stats)}
            out[(row["provider"], segment)] = card
    return out


def trend_span(as_of: dt.date, unit: str = "quarter", periods: int = 4) -> tuple[dt.date, dt.date]:
    """The half-open span of the last ``periods`` months or quarters up to the one of ``as_of``.

    >>> trend_span(dt.date(2025, 5, 10), "quarter", 4)
    (datetime.date(2024, 7, 1), datetime.date(2025, 5, 11))
    >>> trend_span(dt.date(2025, 2, 28), "month", 3)
    (datetime.date(2024, 12, 1), datetime.date(2025, 3, 1))
    """
    if unit not in TREND_UNITS:
        raise ValueError(f"trend unit must be one of {', '.join(TREND_UNITS)}")
    if periods < 1:
        raise ValueError("the trend needs at least one period")
    step, last = (3, quarter_start(as_of)) if unit == "quarter" else (1, month_start(as_of))
    return add_months(last, -step * (periods - 1)), as_of + ONE_DAY


def scorecards(
    episodes: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date,
    computed_on: dt.date,
    requests: pl.DataFrame | None = None,
    objections: pl.DataFrame | None = None,
    payments: pl.DataFrame | None = None,
    agreed: pl.DataFrame | None = None,
    trend: str = "quarter",
    periods: int = 4,
    waiting_norm_days: int = WAITING_NORM_DAYS,
    provider: str | None = None,
) -> dict[str, Any]:
    """The scorecards of every provider x segment of ``year`` as of ``as_of`` (a snapshot).

    Parameters
    ----------
    episodes, requests, objections, payments, agreed
        As for :func:`regie.engine.indicators.indicators`.
    year, as_of
        The year of the cards and the reference date (only what had arrived by then counts).
    computed_on
        The day the snapshot is made (stored with it; the pure core does not read the clock).
    trend, periods
        The trend's unit (``"month"`` or ``"quarter"``) and number of periods.
    provider
        Only this provider's cards (its peers are still all providers of its segments).

    Returns
    -------
    dict
        ``{"version", "year", "as_of", "computed_on", "trend": {"unit", "periods", "start",
        "end"}, "waiting_norm_days", "cards": [{"provider", "segment", "indicators": {name:
        {"value", "peer_median", "peer_p25", "peer_p75", "peers", "position"}}, "trend":
        [{"period", name: value, ...}], "agreed": {"agreed_clients", "realised_clients",
        "realised_share"}}]}``, cards sorted by segment and provider. JSON-able as it is.

    Examples
    --------
    >>> from regie.engine.frames import frame
    >>> eps = frame("episodes", [
    ...     {"client": c, "provider": p, "segment": "S", "domain": "wmo", "weight": 1,
    ...      "start": dt.date(2025, 1, 1), "start_arrival": dt.date(2025, 1, 1)}
    ...     for p, cs in (("P1", "ab"), ("P2", "cde"), ("P3", "f"), ("P4", "gh")) for c in cs])
    >>> snap = scorecards(eps, year=2025, as_of=dt.date(2025, 3, 31), computed_on=dt.date(2025, 4, 2))
    >>> card = snap["cards"][0]
    >>> card["provider"], card["indicators"]["clients"]["value"], card["indicators"]["clients"]["peer_median"]
    ('P1', 2, 2.0)
    >>> [(t["period"], t["clients"]) for t in card["trend"]]
    [('2024-04-01', 0), ('2024-07-01', 0), ('2024-10-01', 0), ('2025-01-01', 2)]
    """
    frames_kw: dict[str, Any] = dict(
        requests=requests, objections=objections, payments=payments, waiting_norm_days=waiting_norm_days
    )
    yearly = indicators(episodes, year=year, as_of=as_of, by=("provider", "segment"), agreed=agreed, **frames_kw)
    yearly = yearly.filter(pl.col("provider").is_not_null() & pl.col("segment").is_not_null())
    compared = peer_comparison(yearly)

    start, end = trend_span(as_of, trend, periods)
    series = indicators(episodes, period=(start, end), as_of=as_of, by=("provider", "segment", trend), **frames_kw)
    trends = _trends(series, trend, objections is not None)
    one_day = dt.timedelta(days=1)

    cards = [
        _card(row, compared[(row["provider"], row["segment"])], trends((row["provider"], row["segment"])))
        for row in yearly.sort("segment", "provider").to_dicts()
        if provider is None or row["provider"] == provider
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "year": year,
        "as_of": as_of.isoformat(),
        "computed_on": computed_on.isoformat(),
        "trend": {"unit": trend, "periods": periods, "start": start.isoformat(), "end": (end - one_day).isoformat()},
        "waiting_norm_days": waiting_norm_days,
        "cards": cards,
    }


def _card(row: Mapping[str, Any], compared: dict[str, Any], trend: list[dict[str, Any]]) -> dict[str, Any]:
    """One provider x segment's card from its row of the year, its peer comparison and trend."""
    agreed_n, realised = row["agreed_clients"], row["clients"]
    return {
        "provider": row["provider"],
        "segment": row["segment"],
        "indicators": compared,
        "trend": trend,
        "agreed": {
            "agreed_clients": agreed_n,
            "realised_clients": realised,
            "realised_share": realised / agreed_n if agreed_n else None,
        },
    }


def _trends(
    series: pl.DataFrame, unit: str, with_objections: bool
) -> Callable[[tuple[str, str]], list[dict[str, Any]]]:
    """Per (provider, segment), its points of the trend ``series`` (by ``unit``): one per period
    of the series, oldest first, with :func:`_empty` values where it had nothing."""
    history: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in series.to_dicts():
        point = {"period": _json(row[unit]), **{c: _json(row[c]) for c in SCORED}}
        history.setdefault((row["provider"], row["segment"]), []).append(point)
    all_periods = series[unit].unique().sort().to_list() if series.height else []

    def points(key: tuple[str, str]) -> list[dict[str, Any]]:
        found = {p["period"]: p for p in history.get(key, [])}
        return [
            found.get(_json(p), {"period": _json(p), **{c: _empty(c, with_objections) for c in SCORED}})
            for p in all_periods
        ]

    return points


def _empty(column: str, with_objections: bool) -> int | None:
    """A trend value for a period in which the provider had nothing in the segment."""
    if column in ("clients", "inflow", "outflow", "step_down") or (column == "objections" and with_objections):
        return 0
    return None
