"""The intake state rebuilt from what is stored, for the next ingest run.

Every kind of stored row goes back through the state's own ``restore_*`` method
(:class:`regie.intake.state.IntakeState`), in arrival order, read as plain rows
(:func:`regie.traffic.store.select`): allocation versions, accepted declaration lines,
episodes, requests and their answers, objections, signals and message identifications.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection

from regie.catalog.loader import stored_catalog
from regie.intake.answers import RequestState
from regie.intake.records import AllocationRec, DeclarationRec
from regie.intake.state import EpisodeRow, IntakeState
from regie.traffic import models as m
from regie.traffic import store

#: Record field -> stored column, per kind of record read back (the others share their name).
_ALLOCATION = {
    "municipality": "municipality", "provider": "provider", "client": "client", "number": "number",
    "category": "product_category", "code": "product_code", "begin": "begin", "end": "end", "volume": "volume",
    "unit": "unit", "frequency": "frequency", "budget": "budget", "change_reason": "change_reason",
    "allocated_on": "allocated_on",
}  # fmt: skip
_DECLARATION = {
    "reference": "reference", "municipality": "municipality", "provider": "provider", "client": "client",
    "declaration_number": "declaration_number", "previous_reference": "previous_reference",
    "allocation_number": "allocation_number", "category": "product_category", "code": "product_code",
    "period_begin": "period_begin", "period_end": "period_end", "volume": "volume", "unit": "unit",
    "tariff": "tariff", "amount_cents": "amount_cents",
}  # fmt: skip
_REQUEST = {
    "request_id": "request_id", "kind": "kind", "municipality": "municipality", "provider": "provider",
    "client": "client", "segment": "segment", "registered": "registered", "outcome": "outcome",
    "refusal_reason": "refusal_reason", "answered": "answered",
}  # fmt: skip
#: The record's fields stored as "" when it has none, per kind.
_OPTIONAL = {
    m.AllocationVersion: ("code", "unit", "frequency", "change_reason"),
    m.DeclarationLine: ("code", "previous_reference"),
    m.Request: (),
}


def _records(
    model: type[m.AllocationVersion | m.DeclarationLine | m.Request],
    fields: dict[str, str],
    extra: Sequence[str] = (),
    where: str = "",
) -> Iterator[tuple[dict[str, Any], tuple[Any, ...]]]:
    """The stored rows of ``model`` in arrival order: the record's fields by name (an empty
    optional one as None), and the ``extra`` columns."""
    names = tuple(fields)
    optional = [i for i, name in enumerate(names) if name in _OPTIONAL[model]]
    for row in store.select(model, (*fields.values(), *extra), where=where, order=("arrival", "id")):
        values = dict(zip(names, row, strict=False))
        for i in optional:
            values[names[i]] = row[i] or None
        yield values, row[len(names) :]


def load_state() -> IntakeState:
    """Rebuild the intake state from what is stored (in arrival order), from plain rows."""
    state = IntakeState(stored_catalog())
    for values, (arrival, area) in _records(m.AllocationVersion, _ALLOCATION, ("arrival", "area")):
        state.restore_allocation(AllocationRec(ref=values["number"], **values), arrival, area)
    accepted = "accepted = " + ("1" if connection.vendor == "sqlite" else "true")
    for values, _ in _records(m.DeclarationLine, _DECLARATION, where=accepted):
        state.restore_declaration(DeclarationRec(ref=values["reference"], **values))
    for row in store.select(m.Episode, ("id", *store.COLUMNS[m.Episode])):
        state.restore_episode(EpisodeRow(*row[1:-2], start_message=row[-2], stop_message=row[-1], db_id=row[0]))
    for values, (area,) in _records(m.Request, _REQUEST, ("area",)):
        state.restore_request(RequestState(**values), area)
    for (objection,) in store.select(m.Objection, ("objection_id",)):
        state.restore_objection(objection)
    for (key,) in store.select(m.Signal, ("key",)):
        state.restore_signal(key)
    for sender, kind, identification in (
        m.Message.objects.exclude(law="").exclude(identification="").values_list("sender", "kind", "identification")
    ):
        state.restore_identification(sender, kind, identification)
    return state
