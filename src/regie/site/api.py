"""API conventions: errors as RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as ``application/problem+json`` with a title and a detail."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    detail: Any = data.get("detail", data) if isinstance(data, dict) else data
    body = {
        "type": "about:blank",
        "title": getattr(exc, "default_detail", str(exc)),
        "status": response.status_code,
        "detail": str(detail) if not isinstance(detail, (dict, list)) else detail,
    }
    response.data = body
    response.content_type = "application/problem+json"
    return response
