"""API conventions: errors as RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as ``application/problem+json`` with a title and a detail; a
    validation error of named fields lists them as ``invalid_params`` (``{"name", "reason"}``)."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    detail: Any = data.get("detail", data) if isinstance(data, dict) else data
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": getattr(exc, "default_detail", str(exc)),
        "status": response.status_code,
        "detail": str(detail) if not isinstance(detail, (dict, list)) else detail,
    }
    if isinstance(exc, ValidationError) and isinstance(data, dict) and "detail" not in data:
        body["invalid_params"] = [
            {"name": name, "reason": " ".join(str(r) for r in (reasons if isinstance(reasons, list) else [reasons]))}
            for name, reasons in data.items()
        ]
        body["detail"] = " ".join(f"{p['name']}: {p['reason']}" for p in body["invalid_params"])
    response.data = body
    response.content_type = "application/problem+json"
    return response


#: Integer limits that come from the database backend, not from Regie: a positive integer is
#: 32 bits on PostgreSQL and 64 bits on SQLite.
_BACKEND_LIMITS = (2**31 - 1, 2**63 - 1)


def without_backend_limits(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: drop the backend's integer maxima (and the int64
    format they imply), so the committed OpenAPI document is the same on every database."""

    def clean(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("maximum") in _BACKEND_LIMITS:
                del node["maximum"]
                if node.get("format") == "int64":
                    del node["format"]
            for value in node.values():
                clean(value)
        elif isinstance(node, list):
            for value in node:
                clean(value)

    clean(result)
    return result
