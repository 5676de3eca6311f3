"""The long-stay review from the stored data: the work list (:func:`regie.engine.longstay.work_list`)
as a role may see it, review outcomes recorded (audited) and followed.

A provider sees only its own clients; a relationship manager those of its providers; the
council nothing at client level. Only the municipality records an outcome.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from regie.accounts.scope import Scope
from regie.engine import frames
from regie.engine.longstay import OUTCOMES, follow_up, work_list
from regie.monitor.services import Inputs, load_inputs
from regie.scenarios.models import ReviewOutcome
from regie.scenarios.services import InvalidScenario


def _visible(scope: Scope, provider: str) -> bool:
    if scope.is_provider:
        return provider == scope.provider_agb
    if scope.is_relationship_manager:
        return provider in scope.managed_agbs
    return scope.is_municipality


def long_stays(scope: Scope, as_of: dt.date, *, inputs: Inputs | None = None, **where: str) -> list[dict[str, Any]]:
    """The work list on ``as_of`` within ``scope``, filtered by ``where`` (municipality,
    segment, provider), each row with its latest recorded review (``review``) if any."""
    inputs = inputs or load_inputs()
    rows = work_list(inputs.catalog, inputs.episodes, inputs.declarations, as_of=as_of)
    latest: dict[tuple[str, str, str], ReviewOutcome] = {}
    for r in ReviewOutcome.objects.order_by("recorded_at", "pk"):
        latest[(r.client, r.segment, r.provider)] = r
    out = []
    for row in rows:
        if not _visible(scope, row["provider"]) or any(where.get(k) and row[k] != where[k] for k in where):
            continue
        review = latest.get((row["client"], row["segment"], row["provider"]))
        row["review"] = None if review is None else {"id": review.pk, "outcome": review.outcome, "due": review.due}
        out.append(frames.jsonable(row))
    return out


def record_review(user: Any, data: dict[str, Any], *, today: dt.date) -> ReviewOutcome:
    """Store a review's outcome (``client``, ``segment``, ``provider``, ``episode``,
    ``municipality``, ``outcome``, ``due``, ``note``, ``reviewed_on``); audited.
    :class:`InvalidScenario` names the fields that are wrong."""
    from regie.accounts.audit import actor, audit  # noqa: PLC0415

    errors = []
    for key in ("client", "segment", "provider"):
        if not str(data.get(key) or "").strip():
            errors.append({"name": key, "reason": "verplicht"})
    if data.get("outcome") not in OUTCOMES:
        errors.append({"name": "outcome", "reason": f"een van {', '.join(OUTCOMES)}"})
    dates: dict[str, dt.date] = {}
    for key, default in (("due", None), ("reviewed_on", today)):
        value = data.get(key) or default
        try:
            dates[key] = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            errors.append({"name": key, "reason": "een datum (JJJJ-MM-DD)"})
    if not errors and dates["due"] < dates["reviewed_on"]:
        errors.append({"name": "due", "reason": "niet vóór de datum van de bespreking"})
    if errors:
        raise InvalidScenario(errors)
    review = ReviewOutcome.objects.create(
        client=str(data["client"]),
        episode=str(data.get("episode") or ""),
        municipality=str(data.get("municipality") or ""),
        segment=str(data["segment"]),
        provider=str(data["provider"]),
        outcome=data["outcome"],
        due=dates["due"],
        note=str(data.get("note") or ""),
        reviewed_on=dates["reviewed_on"],
        recorded_by=actor(user),
    )
    audit(
        user,
        "longstay.review",
        f"heroverweging {review.pk}: {review.client} {review.segment}",
        reason=review.note,
        outcome=review.outcome,
        due=review.due.isoformat(),
        provider=review.provider,
    )
    return review


def review_rows(scope: Scope, as_of: dt.date, *, inputs: Inputs | None = None) -> list[dict[str, Any]]:
    """The recorded outcomes within ``scope``, newest first, each with its ``follow_up`` on
    ``as_of`` (``not_applicable``, ``done``, ``pending``, ``overdue``)."""
    reviews = [r for r in ReviewOutcome.objects.all() if _visible(scope, r.provider)]
    if not reviews:
        return []
    inputs = inputs or load_inputs()
    weights = {s.code: s.weight for s in inputs.catalog.segments}
    out = []
    for r in reviews:
        row = {
            "id": r.pk,
            "client": r.client,
            "episode": r.episode,
            "municipality": r.municipality,
            "segment": r.segment,
            "provider": r.provider,
            "outcome": r.outcome,
            "due": r.due,
            "reviewed_on": r.reviewed_on,
            "note": r.note,
        }
        row["follow_up"] = follow_up(row, inputs.episodes, as_of=as_of, weights=weights)
        out.append(frames.jsonable(row))
    return out
