"""A contract's earlier versions: its values as JSON and the version kept before a change.

Used by every writer of contracts: :mod:`regie.catalog.versions` (the web app, the API,
taking an option) and :mod:`regie.catalog.loader` (a catalog file that changes a contract).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Max

from regie.accounts.audit import actor
from regie.catalog import models as m
from regie.engine.contracts import changes

#: The fields of a contract that may be changed (the catalog's keys).
EDITABLE = ("start", "end", "extensions", *m.FUNDING_FIELDS)


def snapshot(contract: m.Contract) -> dict[str, Any]:
    """A contract's values as JSON (dates as ISO text), municipalities by code."""
    out: dict[str, Any] = {}
    for name in EDITABLE:
        value = getattr(contract, name)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    out["municipalities"] = sorted(mu.code for mu in contract.municipalities.all())
    return out


def record_version(contract: m.Contract, before: Mapping[str, Any], user: Any, reason: str) -> m.ContractVersion | None:
    """Keep ``before`` as the contract's latest earlier version, with what changed since;
    nothing when nothing changed."""
    diff = changes(before, snapshot(contract))
    if not diff:
        return None
    number = (contract.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return m.ContractVersion.objects.create(
        contract=contract,
        number=number,
        values=dict(before),
        changes={k: [old, new] for k, (old, new) in diff.items()},
        changed_by=actor(user),
        reason=reason,
    )
