"""The API of the computed figures: the rows of the stored snapshots the pages show, scoped by
role, and the data-quality signals.

- ``GET /api/v1/indicators/?year=Y&as_of=DATE&by=KEYS``: the rows of ``regie indicators
  --by KEYS`` for a stored grouping (:data:`regie.monitor.services.GROUPINGS`);
- ``GET /api/v1/forecast/?year=Y&as_of=DATE[&level=provider]``: the rows of ``regie forecast``
  (municipality x segment), or per provider; ``GET /api/v1/forecast/history/``: how the
  forecast moved, per month end;
- ``GET /api/v1/scorecards/``: the provider scorecards; ``.../scorecards/{AGB}/`` one provider's;
- ``GET /api/v1/signals/?status=&kind=``, ``GET /api/v1/signals/{id}/``, ``PATCH
  /api/v1/signals/{id}/`` ``{"status", "note"}`` (audited, as on the signal's page).

A snapshot's rows are paginated like every list (``{"count", "next", "previous",
"results"}``) with the snapshot's ``year``, ``as_of`` and ``computed_at`` beside them, and
filter by the natural keys their rows carry (``?provider=``, ``?segment=``,
``?municipality=``). Without ``year``/``as_of`` the latest stored snapshot answers.

A provider only gets rows of its own provider (and groupings by provider), a relationship
manager the aggregated rows and those of its providers; the council only aggregated rows (no
grouping by provider, no scorecards, no signals). Errors are problem+json.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regie.accounts.api import HasRole, NaturalKeys, Pages, paginated, valid
from regie.accounts.models import Role
from regie.accounts.scope import Scope, scope_for
from regie.monitor import services
from regie.monitor.models import Snapshot
from regie.traffic import models as tm
from regie.traffic.signal_status import can_change, change, refusal

EVERY_ROLE = (Role.MUNICIPALITY, Role.PROVIDER, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
PROVIDER_LEVEL = (Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
AGGREGATES = (Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)


def role_scope(request: Request, roles: tuple[str, ...]) -> Scope:
    """The caller's scope; 403 (problem+json) without a role or with a role not in ``roles``."""
    scope = scope_for(request.user)
    if not scope.role:
        raise PermissionDenied("Inloggen met een rol is nodig.")
    if scope.role not in roles:
        raise PermissionDenied("Uw rol mag deze gegevens niet zien.")
    return scope


class SnapshotParams(serializers.Serializer[Any]):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    as_of = serializers.DateField(required=False)


YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Jaar (standaard: het laatste met cijfers).")
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Peildatum (standaard: de laatste met cijfers).")


def stored(request: Request, kind: str, key: str = "") -> Snapshot:
    """The snapshot of ``kind`` for ``?year=`` and ``?as_of=`` (default: the latest); 400
    naming the parameter when one is not a year or a date, 404 when there is none."""
    params = valid(SnapshotParams(data={k: v for k, v in request.query_params.items() if k in ("year", "as_of") and v}))
    year = params.get("year")
    if year is None:
        years = sorted(services.available(), reverse=True)
        if not years:
            raise NotFound("Er zijn nog geen berekende cijfers.")
        year = years[0]
    snap = services.latest(kind, year, params.get("as_of"), key)
    if snap is None:
        raise NotFound("Geen cijfers voor dit jaar en deze peildatum.")
    return snap


def visible_rows(scope: Scope, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows a provider or relationship manager may see: those of its provider(s); rows
    without a provider (totals) for the relationship manager only."""
    if scope.is_provider:
        return [r for r in rows if r.get("provider") == scope.provider_agb]
    if scope.is_relationship_manager:
        return [r for r in rows if "provider" not in r or r.get("provider") in scope.managed_agbs]
    return list(rows)


class SnapshotPages(Pages):
    """A snapshot's rows a page at a time, with the snapshot's year, as-of date and time."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        out["properties"].update(
            {
                "year": {"type": "integer", "example": 2025},
                "as_of": {"type": "string", "format": "date", "example": "2025-09-30"},
                "computed_at": {"type": "string", "format": "date-time"},
            }
        )
        out["required"] = [*out.get("required", []), "year", "as_of", "computed_at"]
        return out


class SnapshotRows(APIView):
    """A list of one stored snapshot's rows: scoped, filtered by natural keys, paginated."""

    pagination_class = SnapshotPages
    filter_backends = [NaturalKeys]
    key_lookups: dict[str, Any] = {"provider": "provider", "segment": "segment", "municipality": "municipality"}
    roles: tuple[str, ...] = EVERY_ROLE

    def snapshot(self, request: Request, scope: Scope) -> Snapshot:
        """The stored snapshot whose rows this list shows; each list (subclass) names its own."""
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        scope = role_scope(request, self.roles)
        snap = self.snapshot(request, scope)
        rows = NaturalKeys().filter_queryset(request, visible_rows(scope, snap.rows), self)  # type: ignore[arg-type]
        return paginated(request, self, rows, **meta(snap))


def meta(snap: Snapshot) -> dict[str, Any]:
    return {"year": snap.year, "as_of": snap.as_of.isoformat(), "computed_at": snap.computed_at.isoformat()}


# --------------------------------------------------------------------------------------------
# What the rows hold (documentation: the rows are answered as the engines made them)

GROUP_KEYS = {
    "provider": "AGB-code (bij een groepering per aanbieder).",
    "segment": "Segmentcode (bij een groepering per segment).",
    "municipality": "CBS-code (bij een groepering per gemeente).",
    "area": "Gebied (bij een groepering per gebied).",
    "month": "Maand, JJJJ-MM-01 (bij een groepering per maand).",
}


def _count(text: str) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=text)


def _number(text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=f"{text} null als het niet te berekenen is.")


def cents(text: str) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=f"{text}, in centen.")


def _key(text: str) -> serializers.CharField:
    return serializers.CharField(required=False, help_text=text)


class IndicatorRow(serializers.Serializer[Any]):
    """One row of ``regie indicators --json``: the grouping's keys, then the indicators."""

    provider = _key("AGB-code (bij een groepering per aanbieder).")
    segment = _key("Segmentcode (bij een groepering per segment).")
    municipality = _key("CBS-code (bij een groepering per gemeente).")
    area = _key("Gebied (bij een groepering per gebied).")
    month = _key("Maand, JJJJ-MM-01 (bij een groepering per maand).")
    clients = _count("Cliënten in zorg in de periode.")
    inflow = _count("Nieuwe cliënten.")
    outflow = _count("Beëindigde zorg.")
    median_duration_days = _number("Mediane duur in dagen (Kaplan-Meier).")
    step_down = _count("Overgangen naar lichtere zorg.")
    sustainable_outflow_rate = _number("Aandeel duurzame uitstroom.")
    waiting_median_days = _number("Mediane wachttijd in dagen.")
    waiting_within_norm_share = _number("Aandeel binnen de wachttijdnorm.")
    cost_per_client_cents = _number("Kosten per cliënt in centen.")
    agreed_clients = _number("Afgesproken cliënten.")
    objections = _count("Bezwaren.")
    objections_upheld_share = _number("Aandeel gegronde bezwaren.")


class ForecastRow(serializers.Serializer[Any]):
    """One row of ``regie forecast --json`` (per municipality x segment, or per provider)."""

    municipality = serializers.CharField(help_text="CBS-code.")
    segment = serializers.CharField(help_text="Segmentcode.")
    provider = _key("AGB-code (level=provider).")
    funding_model = _key("Bekostigingsmodel van het segment.")
    budget = cents("Budget")
    realised = cents("Gerealiseerd: wat de bekostigingsregels verschuldigd maken")
    ibnr = cents("Nog te verwachten voor de begonnen zorgmaanden")
    remaining = cents("Verwacht voor de nog niet begonnen zorgmaanden")
    forecast = cents("Prognose jaareinde")
    low = cents("Ondergrens van de 80%-bandbreedte")
    high = cents("Bovengrens van de 80%-bandbreedte")
    warning = serializers.BooleanField(help_text="Prognose of bovengrens boven het budget.")
    drivers = serializers.ListField(child=serializers.DictField(), help_text="Waardoor de prognose afwijkt.")


class HistoryRow(ForecastRow):
    """A forecast row as of one month end, and why it moved since the one before."""

    as_of = serializers.DateField(help_text="Peildatum van dit punt (een maandeinde of de peildatum).")
    change = serializers.IntegerField(allow_null=True, help_text="Verschil met het punt ervoor, in centen.")
    change_drivers = serializers.ListField(child=serializers.DictField(), help_text="Waarom de prognose bewoog.")


class ScorecardRow(serializers.Serializer[Any]):
    provider = serializers.CharField(help_text="AGB-code.")
    segment = serializers.CharField(help_text="Segmentcode.")
    indicators = serializers.DictField(
        child=serializers.DictField(),
        help_text="Per indicator: value, peer_median, peer_p25, peer_p75, peers, position.",
    )
    trend = serializers.ListField(child=serializers.DictField(), help_text="Per kwartaal: period en de indicatoren.")
    agreed = serializers.DictField(help_text="agreed_clients, realised_clients, realised_share.")


class SnapshotMeta(serializers.Serializer[Any]):
    """Which computation answered: its year, as-of date and when it was computed."""

    year = serializers.IntegerField()
    as_of = serializers.DateField()
    computed_at = serializers.DateTimeField()


class Scorecard(SnapshotMeta):
    provider = serializers.CharField(help_text="AGB-code.")
    cards = ScorecardRow(many=True, help_text="Eén kaart per segment waarin de aanbieder zorg levert.")


# --------------------------------------------------------------------------------------------
# Views

BY = OpenApiParameter("by", OpenApiTypes.STR, description="Groepering, bijv. provider,segment of leeg.")
LEVEL = OpenApiParameter("level", OpenApiTypes.STR, enum=["segment", "provider"], description="Niveau.")


@extend_schema_view(get=extend_schema(parameters=[YEAR, AS_OF, BY], responses=IndicatorRow(many=True)))
class IndicatorsView(SnapshotRows):
    """Indicators of a stored grouping (the rows of ``regie indicators --json``)."""

    key_lookups = {**SnapshotRows.key_lookups, "area": "area"}

    def snapshot(self, request: Request, scope: Scope) -> Snapshot:
        by = tuple(k for k in request.query_params.get("by", "").split(",") if k)
        if by not in services.GROUPINGS:
            choices = "; ".join(",".join(g) or "(leeg)" for g in services.GROUPINGS)
            raise ValidationError({"by": [f"Deze groepering wordt niet bewaard. Kies uit: {choices}."]})
        if scope.is_provider and "provider" not in by:
            raise PermissionDenied("Een aanbieder ziet alleen cijfers per aanbieder.")
        if scope.is_council and "provider" in by:
            raise PermissionDenied("De raad ziet alleen totalen, niet per aanbieder.")
        return stored(request, Snapshot.Kind.INDICATORS, services.grouping_key(by))


@extend_schema_view(get=extend_schema(parameters=[YEAR, AS_OF, LEVEL], responses=ForecastRow(many=True)))
class ForecastView(SnapshotRows):
    """The forecast per municipality x segment (``regie forecast --json``), or per provider."""

    def snapshot(self, request: Request, scope: Scope) -> Snapshot:
        level = request.query_params.get("level", "segment")
        if level not in ("segment", "provider"):
            raise ValidationError({"level": ["Kies segment of provider."]})
        if level == "segment" and scope.is_provider:
            raise PermissionDenied("Een aanbieder ziet alleen de prognose van de eigen aanbieder (level=provider).")
        if level == "provider" and scope.is_council:
            raise PermissionDenied("De raad ziet alleen totalen, niet per aanbieder.")
        return stored(request, Snapshot.Kind.FORECAST if level == "segment" else Snapshot.Kind.FORECAST_PROVIDERS)


@extend_schema_view(get=extend_schema(parameters=[YEAR, AS_OF], responses=HistoryRow(many=True)))
class ForecastHistoryView(SnapshotRows):
    """How the forecast per municipality x segment moved: one row per month end of the year up
    to the as-of date (and the as-of date itself), with why it moved (aggregates)."""

    roles = AGGREGATES
    key_lookups = {"segment": "segment", "municipality": "municipality"}

    def snapshot(self, request: Request, scope: Scope) -> Snapshot:
        return stored(request, Snapshot.Kind.FORECAST_HISTORY)


@extend_schema_view(get=extend_schema(parameters=[YEAR, AS_OF], responses=ScorecardRow(many=True)))
class ScorecardsView(SnapshotRows):
    """Provider scorecards: each provider against its segment's peers (a provider sees its own,
    a relationship manager those of its providers)."""

    roles = PROVIDER_LEVEL
    key_lookups = {"provider": "provider", "segment": "segment"}

    def snapshot(self, request: Request, scope: Scope) -> Snapshot:
        return stored(request, Snapshot.Kind.SCORECARDS)


class ScorecardView(APIView):
    """One provider's scorecards (one card per segment); another provider's answers 404."""

    @extend_schema(parameters=[YEAR, AS_OF], responses=Scorecard)
    def get(self, request: Request, agb: str) -> Response:
        scope = role_scope(request, PROVIDER_LEVEL)
        if not scope.provider_agbs([agb]):
            raise NotFound("Deze aanbieder bestaat niet (of is niet voor u).")
        snap = stored(request, Snapshot.Kind.SCORECARDS)
        cards = [r for r in snap.rows if r.get("provider") == agb]
        if not cards:
            raise NotFound("Geen scorekaart voor deze aanbieder in dit jaar.")
        return Response({"provider": agb, **meta(snap), "cards": cards})


class CrossDomainRow(serializers.Serializer[Any]):
    """The client across domains for the region (``municipality`` null) or one municipality."""

    municipality = serializers.CharField(allow_null=True, help_text="CBS-code; null voor de hele regio.")
    start = serializers.DateField(help_text="Begin van de periode.")
    last = serializers.DateField(help_text="Laatste dag van de periode.")
    as_of = serializers.DateField(help_text="Peildatum.")
    domains = serializers.ListField(child=serializers.CharField(), help_text="De domeinen van de catalogus.")
    clients = serializers.IntegerField(help_text="Cliënten met zorg of een traject in de periode.")
    by_count = serializers.DictField(child=serializers.IntegerField(), help_text="Cliënten per aantal domeinen.")
    combinations = serializers.ListField(
        child=serializers.DictField(),
        help_text="Per combinatie van domeinen: combination, domains, clients, total_cents, cost_per_client_cents.",
    )
    overlaps = serializers.ListField(child=serializers.DictField(), help_text="Overlap per paar segmenten.")
    domain_overlaps = serializers.ListField(child=serializers.DictField(), help_text="Overlap per paar domeinen.")
    overlap_clients = serializers.IntegerField(help_text="Cliënten met overlappende zorg in twee domeinen.")


@extend_schema_view(get=extend_schema(parameters=[YEAR, AS_OF], responses=CrossDomainRow(many=True)))
class CrossDomainView(SnapshotRows):
    """The client across domains (ADR 0025): per region and municipality the clients per
    number of domains, the combinations with their cost per client across domains, and the
    overlaps per pair of segments and of domains. Aggregates of pseudonymised clients, for
    municipality staff only."""

    roles = (Role.MUNICIPALITY,)
    key_lookups = {"municipality": "municipality"}

    def snapshot(self, request: Request, scope: Scope) -> Snapshot:
        return stored(request, Snapshot.Kind.CROSS_DOMAIN)


# --------------------------------------------------------------------------------------------
# Signals


class SignalSerializer(serializers.ModelSerializer[tm.Signal]):
    message = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Het bericht waaruit het signaal komt."
    )

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


class StatusChange(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=tm.Signal.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Verplicht, behalve bij open.")


#: A signal after its PATCH (the OpenAPI document's example).
SIGNAL_EXAMPLE = {
    "id": 412,
    "kind": "late_declaration",
    "status": "explained",
    "provider": "12345678",
    "municipality": "0983",
    "segment": "WMO-IB",
    "record": "D-2025-04-0117",
    "care_month": "2025-03-01",
    "raised_on": "2025-05-20",
    "message": 1893,
    "note": "Nagezonden na de systeemwissel van april; akkoord gemeente.",
    "detail": {"deadline": "2025-05-15", "arrival": "2025-05-20", "days_late": 5, "amount_cents": 65500},
}


class SignalViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[tm.Signal]):
    """The data-quality work list (without client pseudonyms): the municipality all signals,
    a provider and a relationship manager those of their provider(s), the council none.
    ``PATCH`` changes the status with a note, as on the signal's page (audited): a provider
    only explains its own signals, and not once the municipality resolved one."""

    roles = PROVIDER_LEVEL
    permission_classes = [HasRole]
    serializer_class = SignalSerializer
    pagination_class = Pages
    filter_backends = [NaturalKeys]
    key_lookups = {
        "provider": "provider",
        "segment": "segment",
        "municipality": "municipality",
        "year": "care_month__year",
        "status": "status",
        "kind": "kind",
    }
    key_choices = {"status": tm.Signal.Status.values, "kind": tm.Signal.Kind.values}
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[tm.Signal]:
        return scope_for(self.request.user).provider_codes(tm.Signal.objects.order_by("-raised_on", "-pk"))

    @extend_schema(
        request=StatusChange,
        responses=SignalSerializer,
        examples=[
            OpenApiExample(
                "verklaren",
                request_only=True,
                value={"status": "explained", "note": "Nagezonden na de systeemwissel van april; akkoord gemeente."},
            ),
            OpenApiExample("verklaard", response_only=True, value=SIGNAL_EXAMPLE),
        ],
    )
    @transaction.atomic
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = scope_for(request.user)
        signal = self.get_object()
        signal = self.get_queryset().select_for_update(of=("self",)).get(pk=signal.pk)
        data = valid(StatusChange(data=request.data))
        status, note = data["status"], data["note"].strip()
        why = refusal(scope, status, note)
        if why:
            raise ValidationError({why[0]: [why[1]]})
        if not can_change(scope, signal):
            raise ValidationError({"status": ["De gemeente heeft dit signaal al opgelost."]})
        change(request.user, signal, status, note)
        return Response(SignalSerializer(signal).data)
