"""Performance indicators (prestatie-indicatoren) of domain.md section 5, over engine frames.

:func:`indicators` computes them all at once and is what the command line (``regie
indicators``), the API, the pages and the scorecards (:mod:`regie.engine.scorecards`) show;
what people read about each (its heading, unit, definition in a sentence) is in
:data:`regie.engine.registry.INDICATORS`. The functions take the plain frames of
:mod:`regie.engine.frames` (episodes, requests, objections, payments) and an ``agreed`` frame
(:data:`AGREED`), never the database.

The modules, by theme; each definition of domain.md section 5 is the docstring of the
function that computes it (``add_*``):

==================  =========================================================================
``query``           what a computation covers: :class:`Query` (span, reference date, grouping)
                    and its :class:`RowPeriod` rows
``context``         the episodes as of a date (:func:`prepare_episodes`) and the
                    :class:`~regie.engine.indicators.context.Context` every computation shares
``counts``          clients, inflow, outflow
``duration``        duration (doorlooptijd), with ``kaplan_meier`` (the vectorised median)
``follow_up``       step-down (afschaling) and sustainable outflow (duurzame uitstroom)
``waiting``         waiting time (wachttijd)
``cost``            cost per client
``agreed``          agreed vs realised clients
``appeals``         objections and appeals (bezwaren en beroepen)
``compute``         the entry point :func:`indicators`, and one function per indicator
==================  =========================================================================

The group of an episode
-----------------------
Every count (clients, inflow, outflow, step-down, sustainable outflow, waiting time) is
counted in the group of the episode it is about: a step-down is counted with the ended
episode, not with the lighter episode that follows it, even when that one is at another
provider.

Nulls
-----
A value that cannot be computed is null, never 0: a median or share over no episodes, a cost
per client without clients or without a ``payments`` frame, agreed clients where no
agreement applies, objections without an ``objections`` frame. A count over no episodes is 0.
"""

from regie.engine.indicators.agreed import AGREED, agreed_from_catalog
from regie.engine.indicators.compute import (
    COLUMNS,
    EXTRA_COLUMNS,
    agreed_clients,
    clients,
    cost_per_client,
    indicators,
    inflow,
    median_duration,
    objections,
    outflow,
    step_down,
    sustainable_outflow_rate,
    waiting_time,
    work_or_education_share,
)
from regie.engine.indicators.context import prepare_episodes
from regie.engine.indicators.follow_up import FOLLOW_UP_DAYS, STEP_DOWN_DAYS
from regie.engine.indicators.kaplan_meier import km_median, km_median_table, km_medians
from regie.engine.indicators.query import BY_KEYS, GROUP_KEYS, TIME_KEYS, Query, RowPeriod
from regie.engine.indicators.waiting import WAITING_NORM_DAYS

__all__ = [
    "AGREED",
    "BY_KEYS",
    "COLUMNS",
    "EXTRA_COLUMNS",
    "FOLLOW_UP_DAYS",
    "GROUP_KEYS",
    "STEP_DOWN_DAYS",
    "TIME_KEYS",
    "WAITING_NORM_DAYS",
    "Query",
    "RowPeriod",
    "agreed_clients",
    "agreed_from_catalog",
    "clients",
    "cost_per_client",
    "indicators",
    "inflow",
    "km_median",
    "km_median_table",
    "km_medians",
    "median_duration",
    "objections",
    "outflow",
    "prepare_episodes",
    "step_down",
    "sustainable_outflow_rate",
    "waiting_time",
    "work_or_education_share",
]
