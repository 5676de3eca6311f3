"""Relationship management: the rules of the dialogues with providers (domain.md section 10).

The shell (:mod:`regie.relations`) stores dialogues and agreements and shows them; the rules
that decide something are here, as plain functions over plain values:

- **Cadence** (:func:`cadence`): a provider is spoken to every ``every_weeks`` weeks (catalog
  ``dialogue_every_weeks``, default :data:`DEFAULT_EVERY_WEEKS`). Its next dialogue is due
  ``every_weeks * 7`` days after the last one held (on or before today). The state on a day:

  - ``"planned"``: a dialogue is planned after today, on or before that due day (or, with no
    dialogue held yet, any planned one);
  - ``"overdue"``: otherwise, when the due day is before today;
  - ``"due"``: otherwise, when the due day is within :data:`DUE_SOON_DAYS` days from today, or
    when the provider was never spoken to (no due day: ``due_on`` is None);
  - ``"ok"``: otherwise (the next dialogue is not due yet).

  A planned dialogue after the due day does not meet the cadence: the state is then judged as
  if it were not planned. The list on the home pages and ``GET /api/v1/dialogues/due/`` holds
  the providers in state ``"due"`` or ``"overdue"``.
- **Agreements** (:func:`agreement_state`): made in a dialogue, owned by the provider or the
  municipality, with a due day. An agreement is ``"open"`` until it is marked done; the
  provider marks its own done and the municipality confirms, the municipality's own marking is
  a confirmation at once. An open agreement whose due day has passed is ``"overdue"``. One
  marked done but not confirmed is ``"done"`` (awaiting confirmation); confirmed it is
  ``"confirmed"``.
- **Carry-over** (:func:`carried_over`): the agenda of a dialogue lists the agreements of the
  provider's earlier dialogues that are not confirmed, so an agreement comes back until the
  municipality has confirmed it done.
- **Targets** (:func:`target_results`): a contract's ``targets`` name indicator keys with a
  minimum, or with the ``max_`` prefix a maximum (``max_median_duration_days = 180``); a
  target is met when the value reaches it (at least the minimum, at most the maximum), not
  met otherwise, and unknown (None) when the indicator has no value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

#: Weeks between two dialogues when the catalog names none (Venlo: every two months).
DEFAULT_EVERY_WEEKS = 8

#: A dialogue due within this many days is listed as due.
DUE_SOON_DAYS = 14

#: The prefix of a target that is a ceiling (at most), not a minimum (at least).
MAX_PREFIX = "max_"

CadenceState = Literal["planned", "overdue", "due", "ok"]
AgreementState = Literal["open", "overdue", "done", "confirmed"]

#: The cadence states that put a provider on the list of dialogues to plan.
TO_PLAN: tuple[str, ...] = ("due", "overdue")


@dataclass(frozen=True)
class Cadence:
    """A provider's dialogue cadence on a day: the last dialogue held, the next one planned,
    the day the next one is due and the state (see the module's docstring)."""

    every_weeks: int
    last_held: dt.date | None
    next_planned: dt.date | None
    due_on: dt.date | None
    state: CadenceState

    def overdue_days(self, today: dt.date) -> int:
        """Days from the due day to ``today`` (0 when not past due or without a due day)."""
        if self.due_on is None or self.due_on >= today:
            return 0
        return (today - self.due_on).days


def cadence(dialogue_dates: Iterable[dt.date], every_weeks: int, today: dt.date) -> Cadence:
    """The cadence of one provider on ``today`` from the dates of its dialogues.

    Dialogues on or before ``today`` count as held; the first one after ``today`` as planned.

    >>> d = dt.date
    >>> cadence([d(2025, 1, 6)], 8, d(2025, 2, 1)).state          # due 3 March, 30 days ahead
    'ok'
    >>> c = cadence([d(2025, 1, 6)], 8, d(2025, 2, 20))           # within 14 days of 3 March
    >>> c.due_on, c.state
    (datetime.date(2025, 3, 3), 'due')
    >>> cadence([d(2025, 1, 6)], 8, d(2025, 3, 4)).state
    'overdue'
    >>> cadence([d(2025, 1, 6), d(2025, 3, 3)], 8, d(2025, 2, 27)).state
    'planned'
    >>> cadence([d(2025, 1, 6), d(2025, 3, 3)], 8, d(2025, 3, 4)).state    # held: next due 28 April
    'ok'
    >>> cadence([d(2025, 1, 6), d(2025, 3, 10)], 8, d(2025, 3, 4)).state   # planned too late
    'overdue'
    >>> cadence([], 8, d(2025, 3, 4)).state, cadence([d(2025, 5, 1)], 8, d(2025, 3, 4)).state
    ('due', 'planned')
    """
    if every_weeks < 1:
        raise ValueError("a cadence is at least one week")
    dates = sorted(set(dialogue_dates))
    held = [x for x in dates if x <= today]
    planned = next((x for x in dates if x > today), None)
    last = held[-1] if held else None
    due_on = last + dt.timedelta(weeks=every_weeks) if last else None
    state: CadenceState
    if planned is not None and (due_on is None or planned <= due_on):
        state = "planned"
    elif due_on is None:
        state = "due"
    elif due_on < today:
        state = "overdue"
    elif (due_on - today).days <= DUE_SOON_DAYS:
        state = "due"
    else:
        state = "ok"
    return Cadence(every_weeks, last, planned, due_on, state)


def agreement_state(done: bool, confirmed: bool, due: dt.date, today: dt.date) -> AgreementState:
    """The state of an agreement on ``today`` (see the module's docstring).

    >>> d = dt.date
    >>> agreement_state(False, False, d(2025, 3, 1), d(2025, 3, 1))   # due today: not yet overdue
    'open'
    >>> agreement_state(False, False, d(2025, 3, 1), d(2025, 3, 2))
    'overdue'
    >>> agreement_state(True, False, d(2025, 3, 1), d(2025, 4, 1)), agreement_state(True, True, d(2025, 3, 1), d(2025, 4, 1))
    ('done', 'confirmed')
    """
    if confirmed:
        return "confirmed"
    if done:
        return "done"
    return "overdue" if due < today else "open"


def carried_over(agreements: Iterable[Mapping[str, Any]], dialogue_date: dt.date) -> list[dict[str, Any]]:
    """The agreements a dialogue on ``dialogue_date`` carries on its agenda: those made in an
    earlier dialogue of the provider (``made_on`` before ``dialogue_date``) and not confirmed,
    each with its ``state`` on the dialogue's day; by due day, then by ``id``.

    Each agreement is a mapping with at least ``id``, ``made_on``, ``due``, ``done`` and
    ``confirmed``.

    >>> d = dt.date
    >>> rows = [
    ...     {"id": 1, "made_on": d(2025, 1, 6), "due": d(2025, 2, 1), "done": False, "confirmed": False},
    ...     {"id": 2, "made_on": d(2025, 1, 6), "due": d(2025, 4, 1), "done": True, "confirmed": False},
    ...     {"id": 3, "made_on": d(2025, 1, 6), "due": d(2025, 2, 1), "done": True, "confirmed": True},
    ...     {"id": 4, "made_on": d(2025, 3, 3), "due": d(2025, 5, 1), "done": False, "confirmed": False},
    ... ]
    >>> [(r["id"], r["state"]) for r in carried_over(rows, d(2025, 3, 3))]
    [(1, 'overdue'), (2, 'done')]
    """
    out = [
        {**a, "state": agreement_state(bool(a["done"]), bool(a["confirmed"]), a["due"], dialogue_date)}
        for a in agreements
        if a["made_on"] < dialogue_date and not a["confirmed"]
    ]
    return sorted(out, key=lambda a: (a["due"], a["id"]))


def target_indicator(key: str) -> tuple[str, bool]:
    """The indicator a target key names and whether the target is a ceiling.

    >>> target_indicator("max_median_duration_days"), target_indicator("sustainable_outflow_rate")
    (('median_duration_days', True), ('sustainable_outflow_rate', False))
    """
    if key.startswith(MAX_PREFIX):
        return key[len(MAX_PREFIX) :], True
    return key, False


def target_met(target: float, value: float | None, ceiling: bool) -> bool | None:
    """Whether ``value`` meets ``target``: at most it for a ceiling, at least it otherwise;
    None without a value.

    >>> target_met(0.6, 0.6, False), target_met(0.6, 0.59, False), target_met(180, 181, True)
    (True, False, False)
    >>> target_met(180, 180, True), target_met(180, None, True) is None
    (True, True)
    """
    if value is None:
        return None
    return value <= target if ceiling else value >= target


def target_results(targets: Mapping[str, float], values: Mapping[str, float | None]) -> list[dict[str, Any]]:
    """Each target of a contract against the provider's indicator ``values`` (key -> value):
    ``{"key", "indicator", "ceiling", "target", "value", "met"}``, in the order of ``targets``.

    >>> target_results({"sustainable_outflow_rate": 0.6, "max_median_duration_days": 180},
    ...                {"sustainable_outflow_rate": 0.5, "median_duration_days": 150})
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'key': 'sustainable_outflow_rate', 'indicator': 'sustainable_outflow_rate', 'ceiling': False,
      'target': 0.6, 'value': 0.5, 'met': False},
     {'key': 'max_median_duration_days', 'indicator': 'median_duration_days', 'ceiling': True,
      'target': 180, 'value': 150, 'met': True}]
    """
    out = []
    for key, target in targets.items():
        indicator, ceiling = target_indicator(key)
        value = values.get(indicator)
        out.append(
            {
                "key": key,
                "indicator": indicator,
                "ceiling": ceiling,
                "target": target,
                "value": value,
                "met": target_met(target, value, ceiling),
            }
        )
    return out


def unmet(results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The results of :func:`target_results` that are not met (an unknown one is not listed).

    >>> unmet([{"key": "a", "met": True}, {"key": "b", "met": False}, {"key": "c", "met": None}])
    [{'key': 'b', 'met': False}]
    """
    return [dict(r) for r in results if r["met"] is False]
