"""Recording who did what, when and why (the audit log)."""

from __future__ import annotations

from typing import Any

from regie.accounts.models import AuditEvent


def audit(user: Any, action: str, subject: str, reason: str = "", **detail: Any) -> AuditEvent:
    """Store one audit event; ``detail`` must be JSON-able."""
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        subject=subject[:200],
        reason=reason,
        detail=detail,
    )
