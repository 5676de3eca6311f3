"""The entry point :func:`indicators`, and one function per indicator that computes it alone.

:func:`indicators` prepares the :class:`~regie.engine.indicators.context.Context` of a query
and adds each asked column with the function that holds its definition (the ``add_*``
functions of the theme modules). The one-indicator functions below (:func:`clients`,
:func:`inflow`, ...) take the episodes, a :class:`~regie.engine.indicators.query.Query` and
the optional ``where`` filter (as for :func:`indicators`) and return the query's group keys
and that indicator's columns, one row per group and period; each example is a hand-computed
case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from regie.engine import frames  # noqa: F401 - the examples build their frames with it
from regie.engine.indicators.agreed import add_agreed_clients
from regie.engine.indicators.appeals import add_objections, objections_in_periods
from regie.engine.indicators.context import Context, Where
from regie.engine.indicators.cost import add_cost_per_client, payments_in_periods
from regie.engine.indicators.counts import add_clients, add_inflow, add_outflow
from regie.engine.indicators.duration import add_median_duration
from regie.engine.indicators.follow_up import add_step_down, add_sustainable_outflow, follow_ended
from regie.engine.indicators.query import Query
from regie.engine.indicators.towards_work import add_work_or_education_share
from regie.engine.indicators.waiting import WAITING_NORM_DAYS, add_waiting_time
from regie.engine.registry import INDICATOR, keys

#: The indicator columns of ``regie indicators`` (domain.md section 12), in order.
COLUMNS = keys(contract=True)
#: Extra columns beyond the contract.
EXTRA_COLUMNS = keys(contract=False)


def indicators(
    episodes: pl.DataFrame,
    *,
    as_of: dt.date | None = None,
    year: int | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    by: Iterable[str] = (),
    query: Query | None = None,
    requests: pl.DataFrame | None = None,
    objections: pl.DataFrame | None = None,
    payments: pl.DataFrame | None = None,
    agreed: pl.DataFrame | None = None,
    waiting_norm_days: int = WAITING_NORM_DAYS,
    where: Where | None = None,
    columns: Sequence[str] = COLUMNS + EXTRA_COLUMNS,
) -> pl.DataFrame:
    """All indicators of domain.md section 5 for ``year`` (or ``period``) as of ``as_of``.

    Parameters
    ----------
    episodes, requests, objections, payments
        Frames of :mod:`regie.engine.frames` (``requests``, ``objections`` and ``payments`` are
        optional; without them waiting times come from ``episodes.request_date`` alone and
        the objections and cost per client are null).
    agreed
        Agreed clients per provider, segment and year
        (:data:`~regie.engine.indicators.agreed.AGREED`), or None.
    as_of, year, period, by
        The :class:`~regie.engine.indicators.query.Query` (or pass ``query`` itself): the
        reference date, the calendar year or explicit half-open ``(start, end)``, and the group
        keys.
    waiting_norm_days
        The waiting time norm (default 42 days).
    where
        Filters on group keys, e.g. ``{"provider": "12345678"}`` or ``{"segment": ["A", "B"]}``
        (``regie indicators --provider``/``--segment``): only matching episodes, requests,
        objections, payments and agreements are counted, but the follow-up of step-down and
        sustainable outflow still sees every episode.
    columns
        The indicator columns to compute (default: all, :data:`regie.engine.registry.INDICATORS`).

    Returns
    -------
    pl.DataFrame
        The group keys of ``by`` (in order, the time key last), then the ``columns``: by default
        :data:`COLUMNS` (the JSON keys of ``regie indicators``) and ``objections_upheld_share``.
        One row per group and period (see :mod:`regie.engine.indicators.query`), sorted by them.

    Examples
    --------
    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "provider": "P", "segment": "S", "domain": "wmo", "weight": 2,
    ...      "start": dt.date(2025, 1, 6), "start_arrival": dt.date(2025, 1, 8), "request_date": dt.date(2024, 12, 2),
    ...      "end": dt.date(2025, 2, 27), "end_arrival": dt.date(2025, 3, 3)}])
    >>> out = indicators(eps, year=2025, as_of=dt.date(2025, 12, 31), by=["provider"])
    >>> out.select("provider", "clients", "inflow", "outflow", "median_duration_days", "waiting_median_days").rows()
    [('P', 1, 1, 1, 52, 35.0)]
    >>> out["sustainable_outflow_rate"].to_list(), out["cost_per_client_cents"].to_list()
    ([1.0], [None])
    """
    if query is None:
        if as_of is None:
            raise ValueError("give as_of (or a query)")
        query = Query.of(as_of=as_of, year=year, period=period, by=by)
    unknown = [c for c in columns if c not in INDICATOR]
    if unknown:
        raise ValueError(f"unknown indicator column {unknown[0]!r}")
    ctx = Context(episodes, query, where or {})
    frames_in = _Frames(requests, objections, payments, agreed, waiting_norm_days)
    return ctx.finish(_add_columns(ctx, set(columns), frames_in), columns)


@dataclass(frozen=True)
class _Frames:
    """The frames besides the episodes, and the waiting norm, as given to :func:`indicators`."""

    requests: pl.DataFrame | None
    objections: pl.DataFrame | None
    payments: pl.DataFrame | None
    agreed: pl.DataFrame | None
    waiting_norm_days: int


def _add_columns(ctx: Context, want: set[str], given: _Frames) -> pl.DataFrame:
    """The rows of ``ctx`` with the columns in ``want``, each added by the function that holds
    its definition."""
    # Objections and payments of the periods; their groups join the episodes' groups.
    filed = objections_in_periods(ctx, given.objections)
    paid = payments_in_periods(ctx, given.payments)
    extra = [f for f, c in ((filed, "objections"), (paid, "cost_per_client_cents")) if f is not None and c in want]
    rows = ctx.rows(extra)
    if "clients" in want:
        rows = add_clients(ctx, rows)
    if "inflow" in want:
        rows = add_inflow(ctx, rows)
    if "outflow" in want:
        rows = add_outflow(ctx, rows)
    if "median_duration_days" in want:
        rows = add_median_duration(ctx, rows)
    if want & {"step_down", "sustainable_outflow_rate"}:
        follow = follow_ended(ctx)
        rows = add_sustainable_outflow(ctx, add_step_down(ctx, rows, follow), follow)
    if want & {"waiting_median_days", "waiting_within_norm_share"}:
        rows = add_waiting_time(ctx, rows, given.requests, given.waiting_norm_days)
    if "cost_per_client_cents" in want:
        rows = add_cost_per_client(ctx, rows, paid)
    if "agreed_clients" in want:
        rows = add_agreed_clients(ctx, rows, given.agreed)
    if want & {"objections", "objections_upheld_share"}:
        rows = add_objections(ctx, rows, filed)
    if "work_or_education_share" in want:
        rows = add_work_or_education_share(ctx, rows)
    return rows


# --------------------------------------------------------------------------------------------
# One function per indicator of domain.md section 5 (the definitions are on the add_* functions)


def clients(episodes: pl.DataFrame, query: Query, *, where: Where | None = None) -> pl.DataFrame:
    """``clients`` alone (:func:`~regie.engine.indicators.counts.add_clients`).

    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "provider": "P", "start": dt.date(2024, 11, 1), "start_arrival": dt.date(2024, 11, 1),
    ...      "end": dt.date(2025, 1, 1), "end_arrival": dt.date(2025, 1, 2)},
    ...     {"client": "a", "provider": "P", "start": dt.date(2025, 3, 1), "start_arrival": dt.date(2025, 3, 1)},
    ...     {"client": "b", "provider": "P", "start": dt.date(2024, 1, 1), "start_arrival": dt.date(2024, 1, 1),
    ...      "end": dt.date(2024, 12, 31), "end_arrival": dt.date(2025, 1, 5)}])
    >>> clients(eps, Query.of(year=2025, as_of=dt.date(2025, 12, 31), by=("provider",))).rows()
    [('P', 1)]
    """
    return indicators(episodes, query=query, where=where, columns=("clients",))


def inflow(episodes: pl.DataFrame, query: Query, *, where: Where | None = None) -> pl.DataFrame:
    """``inflow`` alone (:func:`~regie.engine.indicators.counts.add_inflow`).

    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "start": dt.date(2024, 12, 31), "start_arrival": dt.date(2025, 1, 2)},
    ...     {"client": "b", "start": dt.date(2025, 1, 1), "start_arrival": dt.date(2025, 1, 2)},
    ...     {"client": "b", "start": dt.date(2025, 2, 1), "start_arrival": dt.date(2025, 2, 2)}])
    >>> inflow(eps, Query.of(year=2025, as_of=dt.date(2025, 12, 31), by=("month",))).head(2).rows()
    [(datetime.date(2025, 1, 1), 1), (datetime.date(2025, 2, 1), 1)]
    """
    return indicators(episodes, query=query, where=where, columns=("inflow",))


def outflow(episodes: pl.DataFrame, query: Query, *, where: Where | None = None) -> pl.DataFrame:
    """``outflow`` alone (:func:`~regie.engine.indicators.counts.add_outflow`).

    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "start": dt.date(2024, 6, 1), "start_arrival": dt.date(2024, 6, 1),
    ...      "end": dt.date(2025, 3, 31), "end_arrival": dt.date(2025, 4, 2)},
    ...     {"client": "b", "start": dt.date(2024, 6, 1), "start_arrival": dt.date(2024, 6, 1),
    ...      "end": dt.date(2025, 3, 31), "end_arrival": dt.date(2025, 8, 1)}])
    >>> outflow(eps, Query.of(year=2025, as_of=dt.date(2025, 6, 30))).rows()
    [(1,)]
    """
    return indicators(episodes, query=query, where=where, columns=("outflow",))


def median_duration(episodes: pl.DataFrame, query: Query, *, where: Where | None = None) -> pl.DataFrame:
    """``median_duration_days`` alone (:func:`~regie.engine.indicators.duration.add_median_duration`).

    >>> rows = [("a", dt.date(2025, 1, 1), dt.date(2025, 1, 31)), ("b", dt.date(2025, 1, 1), dt.date(2025, 3, 2)),
    ...         ("c", dt.date(2025, 1, 1), None), ("d", dt.date(2025, 1, 1), None)]
    >>> eps = frames.frame("episodes", [{"client": c, "start": s, "end": e, "start_arrival": s,
    ...                                 "end_arrival": e} for c, s, e in rows])
    >>> median_duration(eps, Query.of(year=2025, as_of=dt.date(2025, 7, 20))).rows()
    [(60,)]
    """
    return indicators(episodes, query=query, where=where, columns=("median_duration_days",))


def step_down(episodes: pl.DataFrame, query: Query, *, where: Where | None = None) -> pl.DataFrame:
    """``step_down`` alone (:func:`~regie.engine.indicators.follow_up.add_step_down`).

    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "provider": "P", "domain": "wmo", "weight": 3, "start": dt.date(2024, 1, 1),
    ...      "start_arrival": dt.date(2024, 1, 1), "end": dt.date(2025, 3, 1), "end_arrival": dt.date(2025, 3, 1)},
    ...     {"client": "a", "provider": "Q", "domain": "wmo", "weight": 2, "start": dt.date(2025, 3, 31),
    ...      "start_arrival": dt.date(2025, 4, 1)}])
    >>> step_down(eps, Query.of(year=2025, as_of=dt.date(2025, 12, 31), by=("provider",))).rows()
    [('P', 1), ('Q', 0)]
    """
    return indicators(episodes, query=query, where=where, columns=("step_down",))


def sustainable_outflow_rate(episodes: pl.DataFrame, query: Query, *, where: Where | None = None) -> pl.DataFrame:
    """``sustainable_outflow_rate`` alone (:func:`~regie.engine.indicators.follow_up.add_sustainable_outflow`).

    >>> rows = [("a", dt.date(2024, 1, 1), dt.date(2025, 1, 31)), ("a", dt.date(2025, 7, 1), None),
    ...         ("b", dt.date(2024, 1, 1), dt.date(2025, 2, 28))]
    >>> eps = frames.frame("episodes", [{"client": c, "domain": "jeugd", "start": s, "start_arrival": s, "end": e,
    ...                                 "end_arrival": e} for c, s, e in rows])
    >>> sustainable_outflow_rate(eps, Query.of(year=2025, as_of=dt.date(2025, 12, 31))).rows()
    [(0.5,)]
    >>> sustainable_outflow_rate(eps, Query.of(year=2025, as_of=dt.date(2025, 6, 30))).rows()
    [(None,)]
    """
    return indicators(episodes, query=query, where=where, columns=("sustainable_outflow_rate",))


def waiting_time(
    episodes: pl.DataFrame,
    query: Query,
    *,
    requests: pl.DataFrame | None = None,
    norm_days: int = WAITING_NORM_DAYS,
    where: Where | None = None,
) -> pl.DataFrame:
    """``waiting_median_days`` and ``waiting_within_norm_share`` alone, with the ``requests``
    and the norm (:func:`~regie.engine.indicators.waiting.add_waiting_time`).

    >>> rows = [("a", dt.date(2025, 1, 10), dt.date(2025, 2, 9)), ("b", dt.date(2025, 1, 1), dt.date(2025, 3, 2)),
    ...         ("c", None, dt.date(2025, 3, 3))]
    >>> eps = frames.frame("episodes", [{"client": c, "request_date": r, "start": s, "start_arrival": s}
    ...                                 for c, r, s in rows])
    >>> waiting_time(eps, Query.of(year=2025, as_of=dt.date(2025, 12, 31))).rows()
    [(45.0, 0.5)]
    """
    return indicators(
        episodes,
        query=query,
        requests=requests,
        waiting_norm_days=norm_days,
        where=where,
        columns=("waiting_median_days", "waiting_within_norm_share"),
    )


def cost_per_client(
    episodes: pl.DataFrame, query: Query, *, payments: pl.DataFrame | None, where: Where | None = None
) -> pl.DataFrame:
    """``cost_per_client_cents`` alone, with the ``payments``
    (:func:`~regie.engine.indicators.cost.add_cost_per_client`).

    >>> eps = frames.frame("episodes", [{"client": c, "provider": "P", "start": dt.date(2025, 1, 1),
    ...                                 "start_arrival": dt.date(2025, 1, 1)} for c in "abc"])
    >>> pay = frames.frame("payments", [{"provider": "P", "month": dt.date(2025, m, 1), "amount_cents": 10000}
    ...                                 for m in (1, 2)])
    >>> cost_per_client(eps, Query.of(year=2025, as_of=dt.date(2025, 12, 31)), payments=pay).rows()
    [(6667,)]
    """
    return indicators(episodes, query=query, payments=payments, where=where, columns=("cost_per_client_cents",))


def agreed_clients(
    episodes: pl.DataFrame, query: Query, *, agreed: pl.DataFrame | None, where: Where | None = None
) -> pl.DataFrame:
    """``clients`` and ``agreed_clients``, with the ``agreed`` frame
    (:func:`~regie.engine.indicators.agreed.add_agreed_clients`).

    >>> eps = frames.frame("episodes", [{"client": c, "provider": "P", "segment": "S", "start": dt.date(2025, 1, 1),
    ...                                 "start_arrival": dt.date(2025, 1, 1)} for c in "abc"])
    >>> ag = pl.DataFrame({"provider": ["P"], "segment": ["S"], "year": [2025], "agreed_clients": [4]})
    >>> agreed_clients(eps, Query.of(year=2025, as_of=dt.date(2025, 12, 31), by=("provider",)), agreed=ag).rows()
    [('P', 3, 4)]
    """
    return indicators(episodes, query=query, agreed=agreed, where=where, columns=("clients", "agreed_clients"))


def objections(
    episodes: pl.DataFrame, query: Query, *, objections: pl.DataFrame | None, where: Where | None = None
) -> pl.DataFrame:
    """``objections`` and ``objections_upheld_share`` alone, with the ``objections`` frame
    (:func:`~regie.engine.indicators.appeals.add_objections`).

    >>> obj = frames.frame("objections", [
    ...     {"objection_id": "1", "kind": "bezwaar", "filed": dt.date(2025, 2, 1), "arrival": dt.date(2025, 2, 1),
    ...      "decided": dt.date(2025, 4, 1), "upheld": True},
    ...     {"objection_id": "2", "kind": "beroep", "filed": dt.date(2025, 3, 1), "arrival": dt.date(2025, 3, 1),
    ...      "decided": dt.date(2025, 5, 1), "upheld": False},
    ...     {"objection_id": "3", "kind": "bezwaar", "filed": dt.date(2025, 3, 1), "arrival": dt.date(2025, 3, 1)}])
    >>> objections(frames.frame("episodes"), Query.of(year=2025, as_of=dt.date(2025, 12, 31)), objections=obj).rows()
    [(3, 0.5)]
    """
    return indicators(
        episodes, query=query, objections=objections, where=where, columns=("objections", "objections_upheld_share")
    )


def work_or_education_share(episodes: pl.DataFrame, query: Query, *, where: Where | None = None) -> pl.DataFrame:
    """``work_or_education_share`` alone
    (:func:`~regie.engine.indicators.towards_work.add_work_or_education_share`).

    >>> rows = [("a", "work", dt.date(2025, 3, 14)), ("b", "care", dt.date(2025, 5, 2)),
    ...         ("c", "education", dt.date(2025, 8, 20)), ("d", "other", dt.date(2026, 1, 5))]
    >>> eps = frames.frame("episodes", [{"client": c, "domain": "participatie", "start": dt.date(2024, 9, 1),
    ...     "start_arrival": dt.date(2024, 9, 2), "end": e, "end_arrival": e, "end_reason": r} for c, r, e in rows])
    >>> work_or_education_share(eps, Query.of(year=2025, as_of=dt.date(2026, 2, 1))).rows()
    [(0.6666666666666666,)]
    """
    return indicators(episodes, query=query, where=where, columns=("work_or_education_share",))
