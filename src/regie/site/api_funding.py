"""The funding API (../shared/domain.md section 12), the same decisions as the funding pages:

- ``GET /api/v1/ledger/``: the booked payment ledger's lines (``regie funding ledger``'s
  ``lines``), ``.../{id}/``; ``GET /api/v1/ledger/totals/``: per provider, segment and
  municipality advances, settlement and paid (the ledger page's rows, ``totals``);
- ``/api/v1/inflow-requests/``: a provider files a request to raise the agreed clients of one
  of its per-client contracts (``POST``), the municipality decides
  (``POST .../{id}/decision/`` ``{"decision": "approve" | "reject", "reason"}``);
- ``/api/v1/reallocations/``: the municipality moves capacity between two contracts of one
  segment within its ceiling (``POST``), and lists what was moved.

The municipality sees everything, a provider its own lines and requests (another provider's
answers 404); the council and a relationship manager see none of it (403), as on the pages.
Every decision is audited by :mod:`regie.funding.services` and refreshes the figures of today.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from regie.accounts.api import HasRole, NaturalKeys, Pages, natural, valid
from regie.accounts.models import Role
from regie.accounts.scope import Scope, scope_for
from regie.catalog import models as cat
from regie.funding import models as fm
from regie.funding.services import LINE_FIELDS, DecisionError, decide_request, file_request, reallocate
from regie.monitor import services as monitor
from regie.monitor.api import AS_OF, YEAR, SnapshotRows, cents, stored
from regie.monitor.models import Snapshot
from regie.site.pages.funding import ledger_columns

FUNDING_ROLES = (Role.MUNICIPALITY, Role.PROVIDER)


class _Funding:
    roles: tuple[str, ...] = FUNDING_ROLES
    permission_classes = [HasRole]
    pagination_class = Pages
    filter_backends = [NaturalKeys]
    request: Request

    @property
    def scope(self) -> Scope:
        return scope_for(self.request.user)


def _decided(act: Any) -> Any:
    """Run a funding decision; a refusal by the rules is a 400 problem."""
    try:
        return act()
    except DecisionError as exc:
        raise ValidationError({"non_field_errors": [str(exc)]}) from exc


# --------------------------------------------------------------------------------------------
# The ledger


class LedgerLineSerializer(serializers.ModelSerializer[fm.LedgerLine]):
    amount_cents = serializers.IntegerField(help_text="Bedrag in centen (een correctie is negatief).")
    detail = serializers.DictField(help_text="De berekening achter de regel.")

    class Meta:
        model = fm.LedgerLine
        fields = ["id", "year", *LINE_FIELDS, "detail", "booked_on"]


class LedgerViewSet(_Funding, viewsets.ReadOnlyModelViewSet[fm.LedgerLine]):
    """The booked lines of the payment ledger, never changed once booked (a change is booked
    as a correction line). ``?year=`` is the year of care."""

    serializer_class = LedgerLineSerializer
    key_lookups = {"provider": "provider", "segment": "segment", "municipality": "municipality", "year": "year"}

    def get_queryset(self) -> QuerySet[fm.LedgerLine]:
        return self.scope.provider_codes(
            fm.LedgerLine.objects.order_by("year", "contract", "municipality", "month", "pk")
        )


def _ledger_total() -> type[serializers.Serializer[Any]]:
    """The ledger page's amounts (its columns' labels), per provider, segment and municipality."""
    keys = (("provider", "AGB-code."), ("segment", "Segmentcode."), ("municipality", "CBS-code."))
    fields: dict[str, Any] = {key: serializers.CharField(help_text=text) for key, text in keys}
    fields.update({c.field: cents(str(c.label)) for c in ledger_columns() if c.numeric})
    fields["corrections_cents"] = cents("Correcties")
    return type("LedgerTotal", (serializers.Serializer,), fields)


LedgerTotal = _ledger_total()


@extend_schema_view(get=extend_schema(parameters=[YEAR, AS_OF], responses=LedgerTotal(many=True)))
class LedgerTotalsView(SnapshotRows):
    """The ledger's totals per provider, segment and municipality (the funding page's rows)."""

    roles = FUNDING_ROLES

    def snapshot(self, request: Request, scope: Scope) -> Snapshot:
        return stored(request, Snapshot.Kind.LEDGER)


# --------------------------------------------------------------------------------------------
# Inflow-above-agreement requests


class InflowRequestSerializer(serializers.ModelSerializer[fm.InflowRequest]):
    contract = natural("contract.ident", "Contractnummer.")
    provider = natural("contract.provider.agb", "AGB-code.")
    segment = natural("contract.segment.code", "Segmentcode.")
    agreed_clients = serializers.IntegerField(source="contract.agreed_clients", help_text="Afgesproken nu.")
    filed_by = natural("filed_by.username", "Wie het verzoek indiende.")
    decided_by = natural("decided_by.username", "Wie besloot (null zolang er geen besluit is).", null=True)

    class Meta:
        model = fm.InflowRequest
        fields = [
            "id",
            "contract",
            "provider",
            "segment",
            "month",
            "agreed_clients",
            "current_clients",
            "expected_clients",
            "requested_clients",
            "justification",
            "status",
            "filed_by",
            "filed_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]


class FileInput(serializers.Serializer[Any]):
    contract = serializers.CharField(help_text="Contractnummer van een eigen contract met prijs per cliënt.")
    month = serializers.DateField(help_text="Vanaf welke maand (de eerste dag telt).")
    current_clients = serializers.IntegerField(min_value=0)
    expected_clients = serializers.IntegerField(min_value=0)
    requested_clients = serializers.IntegerField(min_value=1)
    justification = serializers.CharField()


class DecisionInput(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    reason = serializers.CharField()


FILE_EXAMPLE = OpenApiExample(
    "Verzoek",
    request_only=True,
    value={
        "contract": "2025-WMO-IB-11111111",
        "month": "2025-10-01",
        "current_clients": 14,
        "expected_clients": 16,
        "requested_clients": 16,
        "justification": "Meer aanmeldingen via de wijkteams sinds de zomer.",
    },
)


class InflowRequestViewSet(_Funding, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[fm.InflowRequest]):
    """Requests to raise a per-client contract's agreed clients: a provider files one for its
    own contracts and sees its own, the municipality sees all and decides."""

    serializer_class = InflowRequestSerializer
    key_lookups = {
        "provider": "contract__provider__agb",
        "segment": "contract__segment__code",
        "year": "month__year",
        "status": "status",
    }
    key_choices = {"status": fm.InflowRequest.Status.values}

    def get_queryset(self) -> QuerySet[fm.InflowRequest]:
        qs = fm.InflowRequest.objects.select_related(
            "contract__provider", "contract__segment", "filed_by", "decided_by"
        ).order_by("-filed_at", "-pk")
        return self.scope.providers(qs, "contract__provider")

    @extend_schema(request=FileInput, responses={201: InflowRequestSerializer}, examples=[FILE_EXAMPLE])
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = self.scope
        if not scope.is_provider:
            raise PermissionDenied("Een verzoek dient de aanbieder in.")
        data = valid(FileInput(data=request.data))
        contract = cat.Contract.objects.filter(provider_id=scope.provider_id, ident=data.pop("contract")).first()
        if contract is None:
            raise ValidationError({"contract": ["Geen contract van uw organisatie met dit nummer."]})
        filed = _decided(lambda: file_request(request.user, contract, **data))
        return Response(
            InflowRequestSerializer(self.get_queryset().get(pk=filed.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=DecisionInput, responses=InflowRequestSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        """Approve or reject a pending request, with a reason (the municipality)."""
        inflow = self.get_object()
        if not self.scope.is_municipality:
            raise PermissionDenied("Over een verzoek besluit de gemeente.")
        data = valid(DecisionInput(data=request.data))
        _decided(lambda: decide_request(request.user, inflow, data["decision"] == "approve", data["reason"]))
        monitor.refresh_current(inflow.month.year)
        return Response(InflowRequestSerializer(self.get_queryset().get(pk=inflow.pk)).data)


# --------------------------------------------------------------------------------------------
# Capacity reallocations


class ReallocationSerializer(serializers.ModelSerializer[fm.CapacityReallocation]):
    segment = natural("segment.code", "Segmentcode.")
    from_contract = natural("from_contract.ident", "Contract dat capaciteit afstaat.")
    to_contract = natural("to_contract.ident", "Contract dat capaciteit krijgt.")
    from_provider = natural("from_contract.provider.agb", "AGB-code van wie afstaat.")
    to_provider = natural("to_contract.provider.agb", "AGB-code van wie krijgt.")
    amount_cents = cents("Bedrag (lumpsum of plafond)")
    decided_by = natural("decided_by.username", "Wie besloot.")

    class Meta:
        model = fm.CapacityReallocation
        fields = [
            "id",
            "segment",
            "from_contract",
            "to_contract",
            "from_provider",
            "to_provider",
            "month",
            "clients",
            "amount_cents",
            "reason",
            "decided_by",
            "decided_at",
        ]


class ReallocationInput(serializers.Serializer[Any]):
    from_contract = serializers.SlugRelatedField(slug_field="ident", queryset=cat.Contract.objects.all())
    to_contract = serializers.SlugRelatedField(slug_field="ident", queryset=cat.Contract.objects.all())
    month = serializers.DateField(help_text="Vanaf welke maand.")
    clients = serializers.IntegerField(min_value=0, default=0, help_text="Cliënten (prijs per cliënt).")
    amount_cents = serializers.IntegerField(min_value=0, default=0, help_text="Bedrag (lumpsum of plafond), centen.")
    reason = serializers.CharField()


class ReallocationViewSet(_Funding, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[fm.CapacityReallocation]):
    """Capacity moved between two contracts of one segment (the municipality)."""

    roles = (Role.MUNICIPALITY,)
    serializer_class = ReallocationSerializer
    key_lookups = {
        "segment": "segment__code",
        "provider": lambda qs, agb: qs.filter(Q(from_contract__provider__agb=agb) | Q(to_contract__provider__agb=agb)),
        "year": "month__year",
    }

    def get_queryset(self) -> QuerySet[fm.CapacityReallocation]:
        return fm.CapacityReallocation.objects.select_related(
            "segment", "from_contract__provider", "to_contract__provider", "decided_by"
        ).order_by("-decided_at", "-pk")

    @extend_schema(request=ReallocationInput, responses={201: ReallocationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid(ReallocationInput(data=request.data))
        moved = _decided(lambda: reallocate(request.user, **data))
        monitor.refresh_current(moved.month.year)
        return Response(
            ReallocationSerializer(self.get_queryset().get(pk=moved.pk)).data, status=status.HTTP_201_CREATED
        )
