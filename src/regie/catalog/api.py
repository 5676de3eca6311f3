"""Read-only API of the catalog, scoped by role like the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from regie.accounts.scope import scope_for
from regie.catalog import models as m


class HasRole(permissions.BasePermission):
    """Logged in with a Regie role; providers and the council only where the view allows them."""

    def has_permission(self, request: Any, view: Any) -> bool:
        scope = scope_for(request.user)
        return bool(scope.role) and scope.role in getattr(view, "roles", ())


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

    class Meta:
        model = m.Budget
        fields = ["municipality", "segment", "year", "amount", "reserve"]


class SegmentViewSet(viewsets.ReadOnlyModelViewSet[m.Segment]):
    """Segments of the region (all roles)."""

    roles = ("gemeente", "aanbieder", "raad", "relatiebeheerder")
    permission_classes = [HasRole]
    serializer_class = SegmentSerializer
    lookup_field = "code"
    queryset = m.Segment.objects.all()


class ContractViewSet(viewsets.ReadOnlyModelViewSet[m.Contract]):
    """Contracts: the municipality sees all, a provider only its own, a relationship manager
    those of the providers it looks after."""

    roles = ("gemeente", "aanbieder", "relatiebeheerder")
    permission_classes = [HasRole]
    serializer_class = ContractSerializer
    lookup_field = "ident"

    def get_queryset(self) -> QuerySet[m.Contract]:
        qs = m.Contract.objects.select_related("provider", "segment").prefetch_related("municipalities")
        return scope_for(self.request.user).providers(qs)

    @extend_schema(responses=ContractVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, ident: str | None = None) -> Response:
        """The contract's earlier versions, newest first (who, when, what changed, why)."""
        contract = self.get_object()
        rows = contract.versions.select_related("changed_by").order_by("-number")
        return Response(ContractVersionSerializer(rows, many=True).data)


class BudgetViewSet(viewsets.ReadOnlyModelViewSet[m.Budget]):
    """Budgets per municipality x segment x year (municipality and council)."""

    roles = ("gemeente", "raad")
    permission_classes = [HasRole]
    serializer_class = BudgetSerializer
    queryset = m.Budget.objects.select_related("municipality", "segment")
