"""Changing a contract and keeping its earlier versions (domain.md section 10a).

Every change of a stored contract goes through :func:`change_contract`: the new values are
checked with the catalog's own rules (:func:`regie.engine.catalog.catalog_from_dict`, on the
contract with its provider's other contracts in the segment), the values before the change
are kept as a :class:`~regie.catalog.models.ContractVersion` with who, when, what and why,
and the change is audited. Loading a catalog file that changes a contract keeps a version
too (:func:`record_version`, by nobody: "catalogus").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from regie.accounts.audit import audit
from regie.catalog import models as m
from regie.catalog.history import EDITABLE, record_version, snapshot
from regie.catalog.loader import stored_catalog
from regie.engine import catalog as core


class ContractError(ValueError):
    """A change the catalog's rules do not allow (the rule in the catalog's words)."""


def check(contract: m.Contract, values: Mapping[str, Any]) -> core.Contract:
    """The contract with ``values`` applied, checked with the catalog's rules against its
    provider's other contracts in the same segment; :class:`ContractError` when it breaks one."""
    catalog = stored_catalog()
    changed = dataclasses.replace(contract.to_core(), **values)
    siblings = [
        c
        for c in catalog.contracts
        if c.provider == changed.provider and c.segment == changed.segment and c.id != changed.id
    ]
    mini = dataclasses.replace(
        catalog,
        segments=tuple(s for s in catalog.segments if s.code == changed.segment),
        providers=tuple(p for p in catalog.providers if p.agb == changed.provider),
        contracts=(changed, *siblings),
        budgets=(),
    )
    try:
        core.catalog_from_dict(core.catalog_to_dict(mini), file="contract")
    except core.CatalogError as exc:
        raise ContractError(exc.rule) from None
    return changed


@transaction.atomic
def change_contract(
    user: Any, contract: m.Contract, values: Mapping[str, Any], reason: str, action: str = "contract_changed"
) -> m.ContractVersion | None:
    """Change ``values`` (names of :data:`EDITABLE`, in the engine's types: dates, tuples of
    dates for ``extensions``) of ``contract``; keeps the earlier version and audits it."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ContractError("not a contract field that can be changed: " + ", ".join(unknown))
    if not reason.strip():
        raise ContractError("Geef een reden voor de wijziging.")
    checked = check(contract, values)
    before = snapshot(contract)
    for name in values:
        value = getattr(checked, name)
        if name == "extensions":
            value = [d.isoformat() for d in value]
        elif isinstance(value, tuple):
            value = list(value)
        setattr(contract, name, value)
    contract.save(update_fields=list(values))
    version = record_version(contract, before, user, reason)
    if version is not None:
        audit(user, action, f"contract {contract.ident}", reason, changes=version.changes, version=version.number)
    return version
