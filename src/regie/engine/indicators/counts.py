"""Counts of domain.md section 5: clients, inflow and outflow per group and period."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.engine.indicators.context import Context, attach_flat

# Combined integer sort keys are used while they stay below this; beyond, a sort on columns.
_KEY_LIMIT = 2**62


def add_clients(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """**clients** (cliënten): distinct clients with an episode overlapping the period.

    An episode overlaps the period ``[start, end)`` when it starts before the period's end and
    is open (as of the reference date) or ends on or after the period's first day; the end date
    is the last day of care. A client counts once per group, however many episodes. Column
    ``clients``.

    How: a client's episodes in a group are merged into runs of overlapping period ranges
    (sorted by group, client and first period; a run goes on while the next range starts at or
    before the furthest end so far). Each run adds one client to each period it covers,
    counted with a difference array per group, so no episode-period is ever listed.
    """
    return attach_flat(rows, "clients", _client_counts(ctx))


def _client_counts(ctx: Context) -> npt.NDArray[np.int64]:
    """Distinct clients per group and period as a flat array (see :func:`add_clients`)."""
    n_periods = ctx.n_periods
    if not len(ctx.g) or not n_periods:
        return np.zeros(ctx.size, dtype=np.int64)
    p0, p1 = ctx.period_range
    client = ctx.subject["_c"].fill_null(-1).to_numpy()
    clients_span = int(client.max()) + 2
    if ctx.n_groups * clients_span * (n_periods + 1) < _KEY_LIMIT:
        key = (ctx.g * clients_span + client + 1) * (n_periods + 1) + p0
        order = pl.Series(key).arg_sort().to_numpy()
    else:
        frame = pl.DataFrame({"g": ctx.g, "c": client, "p": p0})
        order = frame.select(pl.arg_sort_by("g", "c", "p")).to_series().to_numpy()
    g, c, p0, p1 = ctx.g[order], client[order], p0[order], p1[order]
    new_client = np.concatenate(([True], (g[1:] != g[:-1]) | (c[1:] != c[:-1])))
    # Lift each (group, client) above all before it, so one running maximum serves them all.
    lift = np.cumsum(new_client) * (n_periods + 1)
    furthest = np.maximum.accumulate(lift + p1)
    new_run = np.concatenate(([True], lift[1:] + p0[1:] > furthest[:-1]))
    first = np.flatnonzero(new_run)
    run_last = np.append(first[1:], len(g)) - 1
    run_g, run_p0, run_p1 = g[first], p0[first], furthest[run_last] - lift[first]
    stride = n_periods + 1
    size = ctx.n_groups * stride
    change = np.bincount(run_g * stride + run_p0, minlength=size) - np.bincount(
        run_g * stride + run_p1 + 1, minlength=size
    )
    counts = np.cumsum(change).reshape(ctx.n_groups, stride)[:, :n_periods]
    return counts.reshape(-1).astype(np.int64)


def add_inflow(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """**inflow** (instroom): episodes starting in the period. Column ``inflow``."""
    k, inside = ctx.keyed(ctx.s, np.ones(len(ctx.s), dtype=np.bool_))
    return attach_flat(rows, "inflow", ctx.count(k[inside]))


def add_outflow(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """**outflow** (uitstroom): episodes ending in the period (their stop arrived by ``as_of``).
    Column ``outflow``.
    """
    k, inside = ctx.keyed(ctx.e, ctx.ended)
    return attach_flat(rows, "outflow", ctx.count(k[inside]))
