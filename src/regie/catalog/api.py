"""The catalog's API, scoped by role like the pages (../shared/domain.md section 12):

- ``municipalities``, ``areas``, ``segments``: the region's reference data, for every role;
- ``providers``: the municipality all, a provider its own (another answers 404), a
  relationship manager those it looks after, the council none (403: no provider one by one);
- ``contracts`` (with ``.../{id}/versions/``): as providers;
- ``budgets``: the municipality and the council (aggregates per municipality x segment x year).

Every list is paginated (:class:`regie.accounts.api.Pages`) and filters by natural keys
(:class:`regie.accounts.api.NaturalKeys`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from regie.accounts.api import HasRole, NaturalKeys, Pages
from regie.accounts.models import Role
from regie.accounts.scope import scope_for
from regie.catalog import models as m

EVERY_ROLE = (Role.MUNICIPALITY, Role.PROVIDER, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
PROVIDER_LEVEL = (Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)


def in_year(qs: QuerySet[Any], year: int) -> QuerySet[Any]:
    """Objects with a ``start``..``end`` span that overlaps ``year``."""
    return qs.filter(start__lte=dt.date(year, 12, 31), end__gte=dt.date(year, 1, 1))


class _Listed:
    """A read-only list of the catalog: the roles let in, paginated, filtered by natural keys."""

    roles: tuple[str, ...] = EVERY_ROLE
    permission_classes = [HasRole]
    pagination_class = Pages
    filter_backends = [NaturalKeys]
    key_lookups: dict[str, Any] = {}


class MunicipalitySerializer(serializers.ModelSerializer[m.Municipality]):
    code = serializers.CharField(help_text="CBS-code (4 cijfers).")
    areas = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True, help_text="Gebieden, op volgorde."
    )

    class Meta:
        model = m.Municipality
        fields = ["code", "name", "areas"]


class AreaSerializer(serializers.ModelSerializer[m.Area]):
    municipality = serializers.CharField(source="municipality.code", help_text="CBS-code van de gemeente.")

    class Meta:
        model = m.Area
        fields = ["id", "municipality", "name", "position"]


class ProviderSerializer(serializers.ModelSerializer[m.Provider]):
    agb = serializers.CharField(help_text="AGB-code (8 cijfers).")
    members = serializers.ListField(child=serializers.CharField(), help_text="AGB-codes van de leden (consortium).")

    class Meta:
        model = m.Provider
        fields = ["agb", "name", "members", "core_partner", "dialogue_every_weeks"]


class SegmentSerializer(serializers.ModelSerializer[m.Segment]):
    class Meta:
        model = m.Segment
        fields = ["code", "name", "domain", "funding_model", "execution", "weight", "max_providers", "products"]


class ContractSerializer(serializers.ModelSerializer[m.Contract]):
    id = serializers.CharField(source="ident")
    provider = serializers.CharField(source="provider.agb")
    segment = serializers.CharField(source="segment.code")
    municipalities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = m.Contract
        # the funding parameters, then areas, deadline and extensions, in the order the API has always had
        fields = ["id", "provider", "segment", "municipalities", "start", "end", *m.FUNDING_FIELDS[:-1], "areas"]
        fields += ["declaration_deadline", "extensions"]


class ContractVersionSerializer(serializers.ModelSerializer[m.ContractVersion]):
    """An earlier version of a contract: its values then, what changed, who, when and why."""

    changed_by = serializers.CharField(source="changed_by.username", default=None, allow_null=True)

    class Meta:
        model = m.ContractVersion
        fields = ["number", "values", "changes", "changed_by", "changed_at", "reason"]


class BudgetSerializer(serializers.ModelSerializer[m.Budget]):
    municipality = serializers.CharField(source="municipality.code")
    segment = serializers.CharField(source="segment.code")
    amount = serializers.IntegerField(help_text="Budget in centen.")
    reserve = serializers.IntegerField(help_text="Reserve in centen.")

    class Meta:
        model = m.Budget
        fields = ["id", "municipality", "segment", "year", "amount", "reserve"]


class MunicipalityViewSet(_Listed, viewsets.ReadOnlyModelViewSet[m.Municipality]):
    """The region's municipalities with their areas (every role)."""

    serializer_class = MunicipalitySerializer
    lookup_field = "code"
    queryset = m.Municipality.objects.prefetch_related("areas").order_by("code")


class AreaViewSet(_Listed, viewsets.ReadOnlyModelViewSet[m.Area]):
    """The areas of the municipalities (every role); ``?municipality=`` for one's."""

    serializer_class = AreaSerializer
    queryset = m.Area.objects.select_related("municipality").order_by("municipality__code", "position", "pk")
    key_lookups = {"municipality": "municipality__code"}


class SegmentViewSet(_Listed, viewsets.ReadOnlyModelViewSet[m.Segment]):
    """Segments of the region (every role)."""

    serializer_class = SegmentSerializer
    lookup_field = "code"
    queryset = m.Segment.objects.order_by("code")


def _contracting(field: str) -> Any:
    """Filter providers by a contract's ``field`` (a segment or municipality code)."""

    def lookup(qs: QuerySet[m.Provider], value: Any) -> QuerySet[m.Provider]:
        return qs.filter(pk__in=m.Contract.objects.filter(**{field: value}).values("provider"))

    return lookup


class ProviderViewSet(_Listed, viewsets.ReadOnlyModelViewSet[m.Provider]):
    """Providers: the municipality sees all, a provider only its own, a relationship manager
    those it looks after; ``?segment=`` and ``?municipality=`` give those with a contract there."""

    roles = PROVIDER_LEVEL
    serializer_class = ProviderSerializer
    lookup_field = "agb"
    key_lookups = {"segment": _contracting("segment__code"), "municipality": _contracting("municipalities__code")}

    def get_queryset(self) -> QuerySet[m.Provider]:
        return scope_for(self.request.user).providers(m.Provider.objects.order_by("agb"), "pk")


class ContractViewSet(_Listed, viewsets.ReadOnlyModelViewSet[m.Contract]):
    """Contracts: the municipality sees all, a provider only its own, a relationship manager
    those of the providers it looks after. ``?year=`` gives the contracts running that year."""

    roles = PROVIDER_LEVEL
    serializer_class = ContractSerializer
    lookup_field = "ident"
    key_lookups = {
        "provider": "provider__agb",
        "segment": "segment__code",
        "municipality": lambda qs, code: qs.filter(pk__in=m.Contract.objects.filter(municipalities__code=code)),
        "year": in_year,
    }

    def get_queryset(self) -> QuerySet[m.Contract]:
        qs = m.Contract.objects.select_related("provider", "segment").prefetch_related("municipalities")
        return scope_for(self.request.user).providers(qs).order_by("ident")

    @extend_schema(responses=ContractVersionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def versions(self, request: Request, ident: str | None = None) -> Response:
        """The contract's earlier versions, newest first (who, when, what changed, why)."""
        contract = self.get_object()
        rows = contract.versions.select_related("changed_by").order_by("-number")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ContractVersionSerializer(page, many=True).data)


class BudgetViewSet(_Listed, viewsets.ReadOnlyModelViewSet[m.Budget]):
    """Budgets per municipality x segment x year (the municipality and the council)."""

    roles = (Role.MUNICIPALITY, Role.COUNCIL)
    serializer_class = BudgetSerializer
    queryset = m.Budget.objects.select_related("municipality", "segment").order_by(
        "year", "municipality__code", "segment__code"
    )
    key_lookups = {"municipality": "municipality__code", "segment": "segment__code", "year": "year"}
