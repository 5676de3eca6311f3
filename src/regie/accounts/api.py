"""What the apps' APIs share (../shared/domain.md section 12):

- :class:`Pages`: lists paginated as ``{"count", "next", "previous", "results"}``
  (``?page=`` and ``?page_size=``), also for lists that are not querysets (:func:`paginated`);
- :func:`valid`: a serializer's validated data, or a 400 problem naming the refused fields;
- :class:`NaturalKeys`: the list filters by natural key (``?provider=AGB``, ``?segment=``,
  ``?municipality=``, ``?year=``, and a view's own choices such as ``?status=``): a value of
  the wrong form answers 400 problem+json with the parameter in ``invalid_params``; the
  filters are documented in the OpenAPI document as query parameters;
- :class:`HasRole`: the roles a view lets in (``view.roles``), 403 for the others;
  :func:`allowed_scope`: the same for a view that goes on with the caller's scope, its refusal
  in its own words.
- :func:`refusal`: a 400 problem+json documented with an example of a real refusal;
  :data:`TITLES`: the problems' titles (the handler in regie.site.api sends them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from regie.accounts.scope import Scope, scope_for

#: A problem's title per status: the kind of problem, in Dutch (the API's language), the same
#: at every occurrence (RFC 9457; the occurrence is in ``detail``). Not DRF's default details:
#: its Dutch catalogue lacks "Invalid input." and leaves placeholders in others.
TITLES = {
    400: gettext_noop("Ongeldige invoer."),
    401: gettext_noop("Niet aangemeld."),
    403: gettext_noop("Geen toegang."),
    404: gettext_noop("Niet gevonden."),
    405: gettext_noop("Methode niet toegestaan."),
    406: gettext_noop("Gevraagd antwoordformaat niet beschikbaar."),
    413: gettext_noop("Verzoek te groot."),
    415: gettext_noop("Mediatype niet ondersteund."),
    429: gettext_noop("Te veel verzoeken."),
}
#: The title of a status :data:`TITLES` does not name.
OTHER_TITLE = gettext_noop("Verzoek geweigerd.")


class Pages(PageNumberPagination):
    """50 a page by default; the caller may ask up to 500 with ``?page_size=``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def paginated(request: Request, view: Any, rows: Sequence[Any], **extra: Any) -> Response:
    """One page of ``rows`` (already serialised) as ``{"count", "next", "previous", "results"}``;
    ``extra`` keys (e.g. the snapshot's ``year`` and ``as_of``) go beside them."""
    pager = Pages()
    page = pager.paginate_queryset(rows, request, view=view)  # type: ignore[arg-type]
    response = pager.get_paginated_response(page)
    response.data.update(extra)
    return response


def refusal(description: str, summary: str, name: str, reason: str) -> dict[tuple[int, str], OpenApiResponse]:
    """The OpenAPI response of a 400 refusal as :func:`valid` and the problem handler
    (regie.site.api) answer it, with an example refusing the field ``name`` for ``reason``;
    for ``@extend_schema(responses={..., **refusal(...)})``. The schema is the ``Problem``
    component the document's post-processing adds."""
    body = {
        "type": "about:blank",
        "title": TITLES[400],
        "status": 400,
        "detail": f"{name}: {reason}",
        "invalid_params": [{"name": name, "reason": reason}],
    }
    example = OpenApiExample(summary, value=body, status_codes=["400"], response_only=True)
    problem = {"$ref": "#/components/schemas/Problem"}
    return {(400, "application/problem+json"): OpenApiResponse(problem, description=description, examples=[example])}


def valid(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    """The validated data of ``serializer``; a refusal is a 400 problem naming its fields."""
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def natural(source: str, text: str, *, null: bool = False) -> serializers.CharField:
    """A related object answered by its natural key (``"contract.provider.agb"``), read-only."""
    if null:
        return serializers.CharField(source=source, help_text=text, read_only=True, allow_null=True, default=None)
    return serializers.CharField(source=source, help_text=text, read_only=True)


class HasRole(permissions.BasePermission):
    """Logged in with a Regie role, and one of the view's ``roles``."""

    def has_permission(self, request: Any, view: Any) -> bool:
        scope = scope_for(request.user)
        return bool(scope.role) and scope.role in getattr(view, "roles", ())


def allowed_scope(request: Request, roles: Sequence[str], refusal: str) -> Scope:
    """The caller's scope when its role is one of ``roles``; otherwise (no role either) a 403
    problem that says ``refusal``."""
    scope = scope_for(request.user)
    if scope.role not in roles:
        raise PermissionDenied(refusal)
    return scope


#: The natural keys' forms: name -> (pattern, description, why a value is refused).
KEY_FORMS: dict[str, tuple[str, str, str]] = {
    "provider": (r"^\d{8}$", "AGB-code van de aanbieder (8 cijfers).", "Een AGB-code is 8 cijfers."),
    "segment": (
        r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$",
        "Segmentcode, bijv. WMO-IB.",
        "Een segmentcode is 1 tot 40 letters, cijfers, '-', '_' of '.'.",
    ),
    "municipality": (r"^\d{4}$", "CBS-code van de gemeente (4 cijfers).", "Een CBS-code is 4 cijfers."),
    "area": (r"^\S.{0,199}$", "Naam van het gebied.", "Een gebied is een naam van 1 tot 200 tekens."),
}
YEARS = (1900, 2999)


def _key_field(name: str, choices: Mapping[str, Sequence[str]]) -> serializers.Field[Any, Any, Any, Any]:
    if name in choices:
        return serializers.ChoiceField(choices=list(choices[name]), required=False)
    if name == "year":
        return serializers.IntegerField(required=False, min_value=YEARS[0], max_value=YEARS[1])
    pattern, text, refused = KEY_FORMS[name]
    return serializers.RegexField(pattern, required=False, help_text=text, error_messages={"invalid": refused})


#: A filter's lookup: an ORM lookup (``"provider__agb"``) or a function of queryset and value.
Lookup = str | Callable[[QuerySet[Any], Any], QuerySet[Any]]


def filter_values(
    params: Mapping[str, Any], names: Iterable[str], choices: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """The given filters among ``names`` (natural keys, or ``choices``' names with their
    allowed values), validated: 400 problem+json naming the parameter when a value is wrong."""
    wanted = {name: _key_field(name, choices or {}) for name in names}
    given = {k: params.get(k) for k in wanted if params.get(k) not in (None, "")}
    return valid(_Filters(wanted, data=given))


class _Filters(serializers.Serializer[Any]):
    """A serializer of the filters a view has (its fields given, not declared)."""

    def __init__(self, wanted: dict[str, serializers.Field[Any, Any, Any, Any]], **kwargs: Any) -> None:
        self.wanted = wanted
        super().__init__(**kwargs)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return dict(self.wanted)


class NaturalKeys(BaseFilterBackend):
    """Filter a list view's queryset by ``view.key_lookups`` (name -> :data:`Lookup`), with
    ``view.key_choices`` (name -> allowed values) for filters that are not natural keys."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        """Filter a queryset, or a list of rows (dicts: a lookup is then the row's key)."""
        lookups: dict[str, Lookup] = getattr(view, "key_lookups", {})
        for name, value in filter_values(request.query_params, lookups, getattr(view, "key_choices", {})).items():
            lookup = lookups[name]
            if isinstance(queryset, list):
                queryset = [row for row in queryset if row.get(lookup) == value]  # type: ignore[assignment]
            elif callable(lookup):
                queryset = lookup(queryset, value)
            else:
                queryset = queryset.filter(**{lookup: value})
        return queryset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return key_parameters(getattr(view, "key_lookups", {}), getattr(view, "key_choices", {}))


def key_parameters(names: Iterable[str], choices: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, Any]]:
    """The OpenAPI query parameters of the filters ``names``."""
    out: list[dict[str, Any]] = []
    for name in names:
        if name in (choices or {}):
            schema: dict[str, Any] = {"type": "string", "enum": list((choices or {})[name])}
            text = f"Alleen met deze {name}."
        elif name == "year":
            schema, text = {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}, "Jaar."
        else:
            pattern, text, _refused = KEY_FORMS[name]
            schema = {"type": "string", "pattern": pattern}
        out.append({"name": name, "in": "query", "required": False, "description": text, "schema": schema})
    return out
