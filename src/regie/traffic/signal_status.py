"""Changing a data-quality signal's status, for the pages and the API alike.

The municipality (and a relationship manager, within its providers) sets any status; a
provider only explains (``explained``) its own signals, and not once the municipality has
resolved one. A status other than ``open`` needs a note. Every change is audited.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from regie.accounts.audit import audit
from regie.traffic import models as tm


def allowed_statuses(scope: Any) -> list[tuple[str, str]]:
    """The statuses ``scope`` may choose: (value, label)."""
    if scope.is_staff:
        return list(tm.Signal.Status.choices)
    return [(k, label) for k, label in tm.Signal.Status.choices if k == tm.Signal.Status.EXPLAINED]


def can_change(scope: Any, signal: tm.Signal) -> bool:
    """The municipality changes any signal; a provider explains its own until it is resolved."""
    return bool(scope.is_staff or signal.status != tm.Signal.Status.RESOLVED)


def refusal(scope: Any, status: str, note: str) -> tuple[str, str] | None:
    """Why a change to ``status`` with ``note`` is refused: (the field at fault, the reason),
    or ``None``."""
    if status not in dict(allowed_statuses(scope)):
        return "status", _("Deze status kunt u niet kiezen.")
    if status != tm.Signal.Status.OPEN and not note:
        return "note", _("Geef een toelichting.")
    return None


def change(user: Any, signal: tm.Signal, status: str, note: str, **extra: Any) -> None:
    """Set the status and note of one signal and audit it (the caller holds its row lock)."""
    before = signal.status
    signal.status = status
    signal.note = note
    signal.save(update_fields=["status", "note"])
    audit(user, "signal.status", f"{signal.kind} {signal.key}", note, was=before, now=status, signal=signal.pk, **extra)
