"""Read-only API of the computed figures: the snapshots the pages show, scoped by role.

- ``GET /api/v1/indicators/?year=Y&as_of=DATE&by=KEYS``: the rows of ``regie indicators
  --by KEYS`` for a stored grouping (:data:`regie.monitor.services.GROUPINGS`);
- ``GET /api/v1/forecast/?year=Y&as_of=DATE[&level=provider]``: the rows of ``regie forecast``
  (municipality x segment), or per provider;
- ``GET /api/v1/scorecards/?year=Y&as_of=DATE``: the provider scorecards;
- ``GET /api/v1/signals/?status=&kind=``: the data-quality work list;
- ``GET /api/v1/cross-domain/?year=Y&as_of=DATE[&municipality=CODE]``: the client across
  domains (aggregates; the region's row has ``municipality`` null), municipality staff only.

Without ``year``/``as_of`` the latest stored snapshot answers. A provider only gets rows of
its own provider (and groupings by provider), a relationship manager the aggregated rows and
those of its providers; the council only aggregated rows (no grouping
by provider, no scorecards, no signals). Errors are problem+json.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regie.accounts.models import Role
from regie.accounts.scope import Scope, scope_for
from regie.monitor import services
from regie.monitor.models import Snapshot
from regie.traffic import models as tm

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Jaar (standaard: het laatste met cijfers).")
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Peildatum (standaard: de laatste met cijfers).")

SnapshotResponse = inline_serializer(
    "SnapshotRows",
    {
        "year": serializers.IntegerField(),
        "as_of": serializers.DateField(),
        "computed_at": serializers.DateTimeField(),
        "rows": serializers.ListField(child=serializers.DictField()),
    },
)


def role_scope(request: Request, roles: tuple[str, ...]) -> Scope:
    """The caller's scope; 403 (problem+json) without a role or with a role not in ``roles``."""
    scope = scope_for(request.user)
    if not scope.role:
        raise PermissionDenied("Inloggen met een rol is nodig.")
    if scope.role not in roles:
        raise PermissionDenied("Uw rol mag deze gegevens niet zien.")
    return scope


_scope = role_scope


def _snapshot(request: Request, kind: str, key: str = "") -> Snapshot:
    year_text = request.query_params.get("year")
    as_of_text = request.query_params.get("as_of")
    try:
        year = int(year_text) if year_text else None
        as_of = dt.date.fromisoformat(as_of_text) if as_of_text else None
    except ValueError as exc:
        raise ValidationError("year is een jaartal, as_of een datum (JJJJ-MM-DD).") from exc
    if year is None:
        years = sorted(services.available(), reverse=True)
        if not years:
            raise NotFound("Er zijn nog geen berekende cijfers.")
        year = years[0]
    snap = services.latest(kind, year, as_of, key)
    if snap is None:
        raise NotFound("Geen cijfers voor dit jaar en deze peildatum.")
    return snap


def _scoped(scope: Scope, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows a provider or relationship manager may see: those of its provider(s); rows
    without a provider (totals) for the relationship manager only."""
    if scope.is_provider:
        return [r for r in rows if r.get("provider") == scope.provider_agb]
    if scope.is_relationship_manager:
        return [r for r in rows if "provider" not in r or r.get("provider") in scope.managed_agbs]
    return list(rows)


def _body(snap: Snapshot, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "year": snap.year,
        "as_of": snap.as_of.isoformat(),
        "computed_at": snap.computed_at.isoformat(),
        "rows": rows,
    }


class IndicatorsView(APIView):
    """Indicators of a stored grouping (the rows of ``regie indicators --json``)."""

    @extend_schema(
        parameters=[
            YEAR,
            AS_OF,
            OpenApiParameter("by", OpenApiTypes.STR, description="Groepering, bijv. provider,segment of leeg."),
        ],
        responses=SnapshotResponse,
    )
    def get(self, request: Request) -> Response:
        scope = _scope(request, (Role.MUNICIPALITY, Role.PROVIDER, Role.COUNCIL, Role.RELATIONSHIP_MANAGER))
        by = tuple(k for k in request.query_params.get("by", "").split(",") if k)
        if by not in services.GROUPINGS:
            choices = "; ".join(",".join(g) or "(leeg)" for g in services.GROUPINGS)
            raise ValidationError(f"Deze groepering wordt niet bewaard. Kies uit: {choices}.")
        if scope.is_provider and "provider" not in by:
            raise PermissionDenied("Een aanbieder ziet alleen cijfers per aanbieder.")
        if scope.is_council and "provider" in by:
            raise PermissionDenied("De raad ziet alleen totalen, niet per aanbieder.")
        snap = _snapshot(request, Snapshot.Kind.INDICATORS, services.grouping_key(by))
        return Response(_body(snap, _scoped(scope, snap.rows)))


class ForecastView(APIView):
    """The forecast per municipality x segment (``regie forecast --json``), or per provider."""

    @extend_schema(
        parameters=[
            YEAR,
            AS_OF,
            OpenApiParameter("level", OpenApiTypes.STR, enum=["segment", "provider"], description="Niveau."),
        ],
        responses=SnapshotResponse,
    )
    def get(self, request: Request) -> Response:
        scope = _scope(request, (Role.MUNICIPALITY, Role.PROVIDER, Role.COUNCIL, Role.RELATIONSHIP_MANAGER))
        level = request.query_params.get("level", "segment")
        if level not in ("segment", "provider"):
            raise ValidationError("level is segment of provider.")
        if level == "segment" and scope.is_provider:
            raise PermissionDenied("Een aanbieder ziet alleen de prognose van de eigen aanbieder (level=provider).")
        if level == "provider" and scope.is_council:
            raise PermissionDenied("De raad ziet alleen totalen, niet per aanbieder.")
        kind = Snapshot.Kind.FORECAST if level == "segment" else Snapshot.Kind.FORECAST_PROVIDERS
        snap = _snapshot(request, kind)
        return Response(_body(snap, _scoped(scope, snap.rows)))


class ScorecardsView(APIView):
    """Provider scorecards: each provider against its segment's peers (a provider sees its own,
    a relationship manager those of its providers)."""

    @extend_schema(parameters=[YEAR, AS_OF], responses=SnapshotResponse)
    def get(self, request: Request) -> Response:
        scope = _scope(request, (Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER))
        snap = _snapshot(request, Snapshot.Kind.SCORECARDS)
        rows = [r for r in snap.rows if scope.provider_agbs([r.get("provider")])]
        return Response(_body(snap, rows))


class CrossDomainView(APIView):
    """The client across domains (ADR 0025): per region and municipality the clients per
    number of domains, the combinations with their cost per client across domains, and the
    overlaps per pair of segments and of domains. Aggregates of pseudonymised clients, for
    municipality staff only."""

    @extend_schema(
        parameters=[
            YEAR,
            AS_OF,
            OpenApiParameter(
                "municipality", OpenApiTypes.STR, description="CBS-code van één gemeente (standaard: alle rijen)."
            ),
        ],
        responses=SnapshotResponse,
    )
    def get(self, request: Request) -> Response:
        _scope(request, (Role.MUNICIPALITY,))
        snap = _snapshot(request, Snapshot.Kind.CROSS_DOMAIN)
        code = request.query_params.get("municipality")
        rows = [r for r in snap.rows if not code or r["municipality"] == code]
        if code and not rows:
            raise NotFound(f"Gemeente {code} heeft geen cliënten in deze cijfers.")
        return Response(_body(snap, rows))


class SignalSerializer(serializers.ModelSerializer[tm.Signal]):
    message = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = tm.Signal
        fields = [
            "id",
            "kind",
            "status",
            "provider",
            "municipality",
            "segment",
            "record",
            "care_month",
            "raised_on",
            "message",
            "note",
            "detail",
        ]


class SignalsView(APIView):
    """The data-quality work list (without client pseudonyms)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=[k for k, _l in tm.Signal.Status.choices]),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=[k for k, _l in tm.Signal.Kind.choices]),
        ],
        responses=SignalSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = _scope(request, (Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER))
        qs = scope.provider_codes(tm.Signal.objects.order_by("-raised_on", "-pk"))
        for param in ("status", "kind"):
            value = request.query_params.get(param)
            if value:
                qs = qs.filter(**{param: value})
        return Response(SignalSerializer(qs[:5000], many=True).data)
