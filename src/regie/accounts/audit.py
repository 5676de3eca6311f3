"""Recording who did what, when and why (the audit log)."""

from __future__ import annotations

from typing import Any

from regie.accounts.models import AuditEvent


def actor(user: Any) -> Any:
    """The user to store as the one who acted: None for an anonymous or absent one (a command, the demo)."""
    return user if getattr(user, "is_authenticated", False) else None


def audit(user: Any, action: str, subject: str, reason: str = "", **detail: Any) -> AuditEvent:
    """Store one audit event; ``detail`` must be JSON-able."""
    return AuditEvent.objects.create(
        user=actor(user),
        action=action,
        subject=subject[:200],
        reason=reason,
        detail=detail,
    )
