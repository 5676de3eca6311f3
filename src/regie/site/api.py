"""API conventions: errors as RFC 9457 problem+json."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from regie.accounts.api import OTHER_TITLE, TITLES


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as ``application/problem+json`` with a title per status
    (:data:`regie.accounts.api.TITLES`) and a detail; a refused input names its fields in
    ``invalid_params`` (``[{"name", "reason"}]``)."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    detail: Any = data.get("detail", data) if isinstance(data, dict) else data
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": gettext(TITLES.get(response.status_code, OTHER_TITLE)),
        "status": response.status_code,
        "detail": str(detail) if not isinstance(detail, (dict, list)) else detail,
    }
    if isinstance(exc, ValidationError) and isinstance(data, dict) and "detail" not in data:
        params = list(_invalid_params(data))
        body["invalid_params"] = [{"name": name, "reason": reason} for name, reason in params]
        body["detail"] = " ".join(f"{name}: {reason}" if name else reason for name, reason in params)
    response.data = body
    response.content_type = "application/problem+json"
    return response


def _invalid_params(errors: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(field name, reason) of DRF's nested validation errors; ``non_field_errors`` has no name."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "non_field_errors":
                name = prefix
            elif isinstance(key, int) or str(key).isdigit():
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            yield from _invalid_params(value, name)
    elif isinstance(errors, list) and all(not isinstance(v, (dict, list)) for v in errors):
        yield prefix, " ".join(str(v) for v in errors)
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            if isinstance(value, (dict, list)):
                yield from _invalid_params(value, f"{prefix}[{i}]")
            else:
                yield prefix, str(value)
    else:
        yield prefix, str(errors)


#: Integer limits that come from the database backend, not from Regie: a positive integer is
#: 32 bits on PostgreSQL and 64 bits on SQLite, a small one 16 bits on PostgreSQL (none on SQLite).
_BACKEND_LIMITS = (2**15 - 1, 2**31 - 1, 2**63 - 1)


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


#: The problem+json body of every error (RFC 9457, domain.md section 12).
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Een fout als application/problem+json (RFC 9457).",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {
            "type": "string",
            "description": "De soort fout, per status steeds dezelfde (de fout zelf staat in detail): "
            + "; ".join(f"{k}: {v}" for k, v in TITLES.items())
            + " In het Engels bij Accept-Language: en.",
            "example": TITLES[400],
        },
        "status": {"type": "integer", "example": 400},
        "detail": {
            "description": "Uitleg; bij een fout zonder veldnamen soms de velden met hun redenen.",
            "oneOf": [{"type": "string"}, {"type": "object"}, {"type": "array", "items": {}}],
            "example": "bsn: Geen geldig BSN (elfproef).",
        },
        "invalid_params": {
            "type": "array",
            "description": "De geweigerde velden (alleen bij 400).",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
                "required": ["name", "reason"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

#: status -> when an endpoint answers it; see :func:`with_problem_responses`.
PROBLEMS = {
    "400": "Ongeldige invoer of parameter; invalid_params noemt de velden.",
    "401": "Niet aangemeld: geen, een onbekend of een verlopen token (header WWW-Authenticate: Token).",
    "403": "Niet toegestaan voor de rol van de gebruiker.",
    "404": "Bestaat niet, of is van een andere aanbieder; bij een lijst: een pagina die er niet is.",
}


def with_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: document the errors every endpoint can answer, as
    problem+json (``#/components/schemas/Problem``): 401 and 403 everywhere; 400 and 404 where
    the endpoint takes parameters or a body (404: an object of another provider, one that does
    not exist, a page beyond the last, no figures for the year and as-of date asked)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            params = operation.get("parameters", [])
            codes = ["401", "403"]
            if params or "requestBody" in operation:
                codes += ["400", "404"]
            for code in sorted(codes):
                operation["responses"].setdefault(code, {"content": ref, "description": PROBLEMS[code]})
    return result
