"""The tender API (domain.md section 12), scoped by role like the pages.

- ``POST /api/v1/tenders/`` ``{"segment", "year", "max_providers", "requirements": [{"code",
  "text", "kind", "weight", "minimum"}]}`` (and optionally ``start``, ``end``,
  ``municipalities``, ``funding``: the contracts' parameters) -> 201; ``GET`` lists (paginated,
  ``?segment=&year=``) and ``GET .../{id}/``;
- ``POST /api/v1/tenders/{id}/bids/`` ``{"provider", "answers": {code: value}}`` -> 201;
  ``POST .../bids/{bid}/evidence/`` (multipart ``files``, ``requirement``) -> 201;
- ``POST /api/v1/tenders/{id}/bids/{bid}/assessments/`` ``{"scores": {code: value},
  "reason"}`` -> 201; 400 when the same user assessed the bid before;
- ``POST /api/v1/tenders/{id}/award/`` -> 400 while a bid lacks its two assessments; else
  ``{"selected", "ranking": [{"provider", "score", "passed", "reasons"}], "contracts"}``.

Who: the municipality (``gemeente``) does everything; a provider sees the tenders, bids for
its own provider and sees its own bid and outcome only (another provider's bid answers
404); a relationship manager reads the bids of its providers; the council nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regie.accounts.api import HasRole, NaturalKeys, Pages, valid
from regie.accounts.models import Role
from regie.accounts.scope import Scope, scope_for
from regie.catalog.api import ContractSerializer
from regie.catalog.models import Contract, Provider
from regie.catalog.versions import ContractError
from regie.engine.contracts import NoOption
from regie.procurement import contract_life, services
from regie.procurement import models as m
from regie.procurement.services import ProcurementError

READERS = (Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)


def invalid(exc: ProcurementError) -> ValidationError:
    """A refused write as a 400 whose body names each field (``invalid_params``)."""
    return ValidationError({name or "non_field_errors": [reason] for name, reason in exc.problems.items()})


def _municipality(scope: Scope) -> None:
    if not scope.is_municipality:
        raise PermissionDenied("Alleen de gemeente doet dit.")


# --------------------------------------------------------------------------------------------
# Serializers


class RequirementSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=40)
    text = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=m.Requirement.Kind.choices)
    weight = serializers.FloatField(required=False, default=1.0, min_value=0)
    minimum = serializers.FloatField(required=False, allow_null=True, default=None)


class RankingSerializer(serializers.Serializer[Any]):
    provider = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    selected = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class TenderSerializer(serializers.Serializer[Any]):
    """A tender; on output also its bids (count), outcome and contracts as the caller may see."""

    id = serializers.IntegerField(read_only=True)
    segment = serializers.CharField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    max_providers = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    requirements = RequirementSerializer(many=True)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    municipalities = serializers.ListField(child=serializers.CharField(), required=False)
    funding = serializers.DictField(required=False)
    status = serializers.ChoiceField(choices=m.Tender.Status.choices, read_only=True)
    bids = serializers.IntegerField(read_only=True)
    selected = serializers.ListField(child=serializers.CharField(), read_only=True)
    ranking = RankingSerializer(many=True, read_only=True)
    contracts = serializers.ListField(child=serializers.CharField(), read_only=True)

    def to_representation(self, instance: m.Tender) -> dict[str, Any]:
        scope: Scope = self.context["scope"]
        bids = [
            b
            for b in instance.bids.select_related("provider", "contract").order_by("rank", "provider__agb")
            if scope.provider_agbs([b.provider.agb])
        ]
        awarded = instance.status == m.Tender.Status.AWARDED
        return {
            "id": instance.pk,
            "segment": instance.segment.code,
            "year": instance.year,
            "max_providers": instance.max_providers,
            "requirements": [
                {"code": r.code, "text": r.text, "kind": r.kind, "weight": r.weight, "minimum": r.minimum}
                for r in instance.requirements.all()
            ],
            "start": instance.start.isoformat(),
            "end": instance.end.isoformat(),
            "municipalities": [mu.code for mu in instance.municipalities.all()],
            "funding": instance.funding,
            "status": instance.status,
            "bids": len(bids),
            "selected": [b.provider.agb for b in bids if b.selected],
            "ranking": [ranking_row(b) for b in bids] if awarded else [],
            "contracts": [b.contract.ident for b in bids if b.contract],
        }


def ranking_row(bid: m.Bid) -> dict[str, Any]:
    """A bid's outcome as the award wrote it."""
    return {
        "provider": bid.provider.agb,
        "score": bid.score,
        "passed": bid.passed,
        "rank": bid.rank,
        "selected": bid.selected,
        "reasons": bid.reasons,
    }


def evidence_row(evidence: m.Evidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "requirement": evidence.requirement,
        "name": evidence.name,
        "content_type": evidence.content_type,
        "size": evidence.size,
    }


class EvidenceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    requirement = serializers.CharField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class AssessmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    assessor = serializers.CharField(read_only=True)
    scores = serializers.DictField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: m.Assessment) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "assessor": instance.assessor.get_username(),
            "scores": instance.scores,
            "reason": instance.reason,
            "at": instance.at.isoformat(),
        }


class BidSerializer(serializers.Serializer[Any]):
    """A bid; ``assessments`` only for the municipality, ``result`` once the tender is awarded."""

    id = serializers.IntegerField(read_only=True)
    tender = serializers.IntegerField(read_only=True)
    provider = serializers.CharField()
    answers = serializers.DictField()
    evidence = EvidenceSerializer(many=True, read_only=True)
    assessed = serializers.BooleanField(read_only=True)
    assessments = AssessmentSerializer(many=True, read_only=True)
    result = RankingSerializer(read_only=True, allow_null=True)

    def to_representation(self, instance: m.Bid) -> dict[str, Any]:
        scope: Scope = self.context["scope"]
        assessments = list(instance.assessments.select_related("assessor"))
        return {
            "id": instance.pk,
            "tender": instance.tender_id,
            "provider": instance.provider.agb,
            "answers": instance.answers,
            "evidence": [evidence_row(e) for e in instance.evidence.all()],
            "assessed": len({a.assessor_id for a in assessments}) >= 2,
            "assessments": [AssessmentSerializer(a).data for a in assessments] if scope.is_municipality else [],
            "result": ranking_row(instance) if instance.tender.status == m.Tender.Status.AWARDED else None,
        }


AwardResponse = inline_serializer(
    "Award",
    {
        "selected": serializers.ListField(child=serializers.CharField()),
        "ranking": RankingSerializer(many=True),
        "contracts": serializers.ListField(child=serializers.CharField()),
    },
)


# --------------------------------------------------------------------------------------------
# Views


class _Scoped:
    roles = READERS
    permission_classes = [HasRole]
    pagination_class = Pages
    request: Request

    @property
    def scope(self) -> Scope:
        return scope_for(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {"scope": self.scope, "request": self.request}


class TenderViewSet(_Scoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[m.Tender]):
    """Tenders per segment and year: the municipality creates and awards them; providers see
    them and their own outcome."""

    serializer_class = TenderSerializer
    filter_backends = [NaturalKeys]
    key_lookups = {"segment": "segment__code", "year": "year"}

    def get_queryset(self) -> QuerySet[m.Tender]:
        qs = m.Tender.objects.select_related("segment").prefetch_related("requirements", "municipalities")
        return qs.order_by("-year", "segment__code", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _municipality(self.scope)
        data = valid(TenderSerializer(data=request.data, context=self.get_serializer_context()))
        try:
            tender = services.create_tender(
                request.user,
                data["segment"],
                data["year"],
                data.get("max_providers"),
                data["requirements"],
                start=data.get("start"),
                end=data.get("end"),
                municipalities=data.get("municipalities"),
                funding=data.get("funding"),
            )
        except ProcurementError as exc:
            raise invalid(exc) from None
        body = TenderSerializer(tender, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AwardResponse)
    @action(detail=True, methods=["post"])
    def award(self, request: Request, pk: str | None = None) -> Response:
        """Award the tender: 400 while a bid lacks its two assessments."""
        _municipality(self.scope)
        tender = self.get_object()
        try:
            result, contracts = services.award(request.user, tender)
        except ProcurementError as exc:
            raise invalid(exc) from None
        bids = {b.provider.agb: b for b in tender.bids.select_related("provider")}
        return Response(
            {
                "selected": list(result.selected),
                "ranking": [ranking_row(bids[r.provider]) for r in result.ranking],
                "contracts": [c.ident for c in contracts],
            }
        )


@extend_schema(
    parameters=[
        OpenApiParameter("tender_pk", int, OpenApiParameter.PATH),
        OpenApiParameter("id", int, OpenApiParameter.PATH),
    ]
)
class BidViewSet(_Scoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[m.Bid]):
    """The bids of a tender: a provider writes and sees only its own."""

    serializer_class = BidSerializer
    queryset = m.Bid.objects.none()  # for the schema; the bids come from get_queryset

    def tender(self) -> m.Tender:
        return get_object_or_404(m.Tender, pk=self.kwargs["tender_pk"])

    def get_queryset(self) -> QuerySet[m.Bid]:
        qs = m.Bid.objects.filter(tender=self.tender()).select_related("provider", "tender")
        return self.scope.providers(qs).prefetch_related("evidence", "assessments").order_by("provider__agb")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = self.scope
        if not (scope.is_municipality or scope.is_provider):
            raise PermissionDenied("Alleen een aanbieder of de gemeente schrijft in.")
        tender = self.tender()
        data = valid(BidSerializer(data=request.data, context=self.get_serializer_context()))
        agb = data["provider"]
        if scope.is_provider and agb != scope.provider_agb:
            raise PermissionDenied("U schrijft alleen in voor uw eigen organisatie.")
        provider = Provider.objects.filter(agb=agb).first()
        if provider is None:
            raise ValidationError({"provider": ["Onbekende aanbieder."]})
        try:
            bid = services.submit_bid(request.user, tender, provider, data["answers"])
        except ProcurementError as exc:
            raise invalid(exc) from None
        return Response(BidSerializer(bid, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentSerializer, responses={201: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def assessments(self, request: Request, tender_pk: str | None = None, pk: str | None = None) -> Response:
        """Assess the bid (municipality users; each at most once, two per bid)."""
        bid = self.get_object()  # another provider's bid: 404 before anything else
        _municipality(self.scope)
        data = valid(AssessmentSerializer(data=request.data))
        try:
            done = services.assess(request.user, bid, data["scores"], data["reason"])
        except ProcurementError as exc:
            raise invalid(exc) from None
        return Response(AssessmentSerializer(done).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer(
            "EvidenceUpload",
            {"files": serializers.ListField(child=serializers.FileField()), "requirement": serializers.CharField()},
        ),
        responses={201: EvidenceSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        pagination_class=None,  # answers the added files as a list, not a page
    )
    def evidence(self, request: Request, tender_pk: str | None = None, pk: str | None = None) -> Response:
        """Add evidence files (multipart field ``files``, optional ``requirement`` code)."""
        bid = self.get_object()
        scope = self.scope
        if not (scope.is_municipality or scope.is_provider):
            raise PermissionDenied("Alleen de aanbieder of de gemeente voegt bewijsstukken toe.")
        files = request.FILES.getlist("files")
        if not files:
            raise ValidationError({"files": ["Kies minstens één bestand."]})
        try:
            added = services.add_evidence(request.user, bid, request.data.get("requirement", ""), files)
        except ProcurementError as exc:
            raise invalid(exc) from None
        return Response([evidence_row(e) for e in added], status=status.HTTP_201_CREATED)


class OptionSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class ContractOptionView(APIView):
    """``POST /api/v1/contracts/{id}/extend/`` ``{"reason"}``: take the contract's next
    extension option (municipality); 400 when it has none left. Answers the contract."""

    @extend_schema(request=OptionSerializer, responses=ContractSerializer)
    def post(self, request: Request, ident: str) -> Response:
        scope = scope_for(request.user)
        if not scope.role:
            raise PermissionDenied("Inloggen met een rol is nodig.")
        contract = get_object_or_404(scope.providers(Contract.objects.all()), ident=ident)
        _municipality(scope)
        reason = valid(OptionSerializer(data=request.data))["reason"]
        try:
            contract_life.take_option(request.user, contract, reason)
        except (NoOption, ContractError) as exc:
            raise ValidationError({"end": [str(exc)]}) from None
        contract.refresh_from_db()
        return Response(ContractSerializer(contract).data)
