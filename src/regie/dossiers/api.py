"""The dossiers' API (domain.md section 12; issue 15):

- ``POST /api/v1/opportunity-dossiers/`` ``{"title", "providers": [AGB, ...], "year",
  "requested_cents", "business_case", "indicators": [indicator keys]}`` -> 201, or 400 when
  fewer than two distinct providers cooperate (rule ``cooperation``); ``business_case`` is
  ``{"goals", "client_group", "approach", "period"}`` or a text (the goals);
- ``GET /api/v1/opportunity-dossiers/?year=&provider=&status=`` (paginated), ``GET .../{id}/``
  with ``"results"``: the named indicators for the dossier's providers at award and now, and
  what the clients it reached show;
- ``POST .../{id}/assessment/`` ``{"cooperation", "innovation", "acceleration"`` (1-5)``,
  "regular_service": bool, "decision": "awarded" | "rejected", "awarded_cents", "reason"}`` ->
  400 when awarded although ``regular_service`` (rule ``regular_service``), when
  ``awarded_cents`` exceeds what is left of that year's fund (rule ``fund_left``), or breaks
  another rule of :mod:`regie.engine.dossiers`;
- ``POST .../{id}/clients/`` (multipart, field ``file``): the CSV of the clients an awarded
  dossier reached -> ``{"file", "stored", "rejected": [{"file", "record", "code", "reason"}]}``;
- ``GET /api/v1/innovation-funds/`` (paginated): per year the fund's amount, awarded, paid and
  left and the number of dossiers and awards (aggregates: every role, the council too);
- ``POST /api/v1/risk-dossiers/`` ``{"provider", "contract", "risk", "owner": "provider" |
  "municipality", "likelihood", "impact"`` (1-5)``, "measures", "review_on"}`` -> 201;
  ``GET`` (``?provider=&contract=&status=``, paginated) and ``GET/PATCH .../{id}/``.

A refusal is problem+json whose ``invalid_params`` name the field, the reason starting with
the rule (``fund_left: ...``). Roles as on the pages (:mod:`regie.dossiers.services`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regie.accounts.api import NaturalKeys, Pages, allowed_scope, paginated, refusal, valid
from regie.accounts.models import Role
from regie.accounts.scope import Scope
from regie.dossiers import services
from regie.dossiers.models import OpportunityDossier, Risk
from regie.engine import dossiers as rules
from regie.engine.registry import keys as indicator_keys
from regie.relations.api import call_service


def _scope(request: Request) -> Scope:
    return allowed_scope(
        request,
        (Role.MUNICIPALITY, Role.RELATIONSHIP_MANAGER, Role.PROVIDER),
        "Dossiers zijn voor de gemeente en de aanbieders; de raad ziet de totalen.",
    )


class BusinessCase(serializers.Serializer[Any]):
    goals = serializers.CharField()
    client_group = serializers.CharField(allow_blank=True)
    approach = serializers.CharField(allow_blank=True)
    period = serializers.CharField(allow_blank=True)


class DossierAssessment(serializers.Serializer[Any]):
    cooperation = serializers.IntegerField(allow_null=True)
    innovation = serializers.IntegerField(allow_null=True)
    acceleration = serializers.IntegerField(allow_null=True)
    regular_service = serializers.BooleanField(allow_null=True)
    regular_service_reason = serializers.CharField()
    decision = serializers.CharField(allow_null=True)
    awarded_cents = serializers.IntegerField()
    reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class DossierSerializer(serializers.ModelSerializer[OpportunityDossier]):
    providers = serializers.SerializerMethodField()
    lead = serializers.CharField(source="lead.agb", help_text="De penvoerder (de eerst genoemde aanbieder).")
    business_case = serializers.SerializerMethodField()
    decision = serializers.CharField(allow_null=True, help_text="awarded, rejected, of null zolang niet besloten.")
    assessment = serializers.SerializerMethodField()

    class Meta:
        model = OpportunityDossier
        fields = [
            "id",
            "title",
            "year",
            "providers",
            "lead",
            "requested_cents",
            "business_case",
            "indicators",
            "status",
            "decision",
            "awarded_cents",
            "assessment",
            "submitted_at",
        ]

    def get_providers(self, obj: OpportunityDossier) -> list[str]:
        return sorted(obj.agbs)

    @extend_schema_field(BusinessCase)
    def get_business_case(self, obj: OpportunityDossier) -> dict[str, str]:
        return {"goals": obj.goals, "client_group": obj.client_group, "approach": obj.approach, "period": obj.period}

    @extend_schema_field(DossierAssessment)
    def get_assessment(self, obj: OpportunityDossier) -> dict[str, Any]:
        names = list(DossierAssessment().fields)
        return DossierAssessment({**{n: getattr(obj, n, None) for n in names}, "decision": obj.decision}).data


class DossierDetail(DossierSerializer):
    results = serializers.SerializerMethodField(
        help_text="De genoemde indicatoren per aanbieder bij toekenning en nu (indicators), en wat de gemelde "
        "cliënten laten zien (clients: per aanbieder en in totaal, provider null)."
    )

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "results"]

    @extend_schema_field(serializers.DictField())
    def get_results(self, obj: OpportunityDossier) -> dict[str, Any]:
        out = services.results(obj)
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in out.items()}


class DossierInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    providers = serializers.ListField(
        child=serializers.CharField(), help_text="AGB-codes van de samenwerkende aanbieders."
    )
    year = serializers.IntegerField(min_value=1900, max_value=2200, help_text="Het jaar van het fonds.")
    requested_cents = serializers.IntegerField()
    business_case = serializers.JSONField(help_text="{goals, client_group, approach, period} of een tekst (de doelen).")
    indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=list(indicator_keys())), required=False, default=list
    )


class DossierAssessmentInput(serializers.Serializer[Any]):
    cooperation = serializers.IntegerField()
    innovation = serializers.IntegerField()
    acceleration = serializers.IntegerField()
    regular_service = serializers.BooleanField(help_text="Reguliere dienstverlening (zoals routinematige e-health)?")
    regular_service_reason = serializers.CharField(required=False, allow_blank=True, default="")
    decision = serializers.ChoiceField(choices=list(rules.DECISIONS))
    awarded_cents = serializers.IntegerField(required=False, default=0)
    reason = serializers.CharField()


class ClientsResult(serializers.Serializer[Any]):
    file = serializers.CharField()
    stored = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())


class ClientsInput(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="CSV: provider, bsn, start[, end, end_reason].")


class FundSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    amount_cents = serializers.IntegerField()
    awarded_cents = serializers.IntegerField()
    paid_cents = serializers.IntegerField()
    left_cents = serializers.IntegerField()
    dossiers = serializers.IntegerField()
    awards = serializers.IntegerField()


def _cooperating(qs: QuerySet[OpportunityDossier], agb: str) -> QuerySet[OpportunityDossier]:
    return qs.filter(pk__in=OpportunityDossier.objects.filter(providers__agb=agb).values("pk"))


class OpportunityDossierViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[OpportunityDossier],
):
    """Opportunity dossiers (kansendossiers): submit, list, read with results, assess, report clients."""

    pagination_class = Pages
    filter_backends = [NaturalKeys]
    key_lookups = {"year": "year", "provider": _cooperating, "status": "status"}
    key_choices = {"status": OpportunityDossier.Status.values}

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return DossierDetail if self.action == "retrieve" else DossierSerializer

    def get_queryset(self) -> QuerySet[OpportunityDossier]:
        if getattr(self, "swagger_fake_view", False):
            return OpportunityDossier.objects.none()
        return services.dossiers(_scope(self.request))

    @extend_schema(
        request=DossierInput,
        responses={
            201: DossierDetail,
            **refusal(
                "Geweigerd; invalid_params noemt het veld en de regel (bijv. cooperation, fund_left).",
                "minder dan twee aanbieders",
                "providers",
                "cooperation: Een kansendossier is een samenwerking van ten minste 2 verschillende aanbieders (nu 1).",
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = _scope(request)
        data = valid(DossierInput(data=request.data))
        case = data["business_case"]
        if not isinstance(case, (dict, str)):
            raise ValidationError(
                {"business_case": ["Een object {goals, client_group, approach, period} of een tekst."]}
            )
        d = call_service(
            lambda: services.submit(
                scope,
                request.user,
                data["title"],
                data["providers"],
                data["year"],
                data["requested_cents"],
                case,
                data["indicators"],
            )
        )
        return Response(DossierDetail(d).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DossierAssessmentInput, responses={200: DossierDetail})
    @action(detail=True, methods=["post"])
    def assessment(self, request: Request, pk: str | None = None) -> Response:
        scope = _scope(request)
        if not scope.is_staff:  # before reading the body: a provider is refused whatever it sends
            raise PermissionDenied("Alleen de gemeente beoordeelt een kansendossier.")
        d = self.get_object()
        data = valid(DossierAssessmentInput(data=request.data))
        a = rules.Assessment(
            data["cooperation"],
            data["innovation"],
            data["acceleration"],
            data["regular_service"],
            data["decision"],
            data["awarded_cents"],
            data["reason"],
        )
        d = call_service(lambda: services.assess(scope, request.user, d, a, data["regular_service_reason"]))
        return Response(DossierDetail(services.dossier(scope, d.pk)).data)

    @extend_schema(request={"multipart/form-data": ClientsInput}, responses={200: ClientsResult})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def clients(self, request: Request, pk: str | None = None) -> Response:
        scope = _scope(request)
        d = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Kies een CSV-bestand."]})
        result = call_service(
            lambda: services.upload_clients(scope, request.user, d, upload.read(), upload.name or "clients.csv")
        )
        return Response(ClientsResult(result).data)


class InnovationFundView(APIView):
    """The innovation fund per year: amount, awarded, paid, left (aggregates, every role)."""

    pagination_class = Pages

    @extend_schema(responses=FundSerializer(many=True))
    def get(self, request: Request) -> Response:
        allowed_scope(request, Role.values, "Geen rol.")
        rows = [{**vars(f), "left_cents": f.left_cents} for f in services.fund_years()]
        return paginated(request, self, FundSerializer(rows, many=True).data)


class RiskSerializer(serializers.ModelSerializer[Risk]):
    provider = serializers.CharField(source="provider.agb")
    contract = serializers.CharField(source="contract.ident")
    score = serializers.IntegerField(read_only=True, help_text="Kans x impact.")
    level = serializers.CharField(read_only=True, help_text="high (vanaf 12), medium (vanaf 5) of low.")
    overdue = serializers.SerializerMethodField(help_text="Niet afgesloten en de herzieningsdatum is voorbij.")

    class Meta:
        model = Risk
        fields = [
            "id",
            "provider",
            "contract",
            "risk",
            "owner",
            "likelihood",
            "impact",
            "score",
            "level",
            "measures",
            "status",
            "review_on",
            "overdue",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, obj: Risk) -> bool:
        return rules.overdue(obj.review_on, obj.status, timezone.localdate())


class RiskInput(serializers.Serializer[Any]):
    provider = serializers.CharField(help_text="AGB-code van de aanbieder.")
    contract = serializers.CharField(help_text="Het contract (id) van die aanbieder.")
    risk = serializers.CharField()
    owner = serializers.ChoiceField(choices=Risk.Owner.choices)
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=Risk.Status.choices, required=False, default="open")
    review_on = serializers.DateField()


class RiskChange(serializers.Serializer[Any]):
    risk = serializers.CharField(required=False)
    owner = serializers.ChoiceField(choices=Risk.Owner.choices, required=False)
    likelihood = serializers.IntegerField(required=False)
    impact = serializers.IntegerField(required=False)
    measures = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Risk.Status.choices, required=False)
    review_on = serializers.DateField(required=False)


class RiskViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Risk],
):
    """Risk dossiers (risicodossiers): the risks providers name per contract."""

    serializer_class = RiskSerializer
    pagination_class = Pages
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [NaturalKeys]
    key_lookups = {"provider": "provider__agb", "status": "status"}
    key_choices = {"status": Risk.Status.values}

    def get_queryset(self) -> QuerySet[Risk]:
        if getattr(self, "swagger_fake_view", False):
            return Risk.objects.none()
        qs = services.risks(_scope(self.request))
        contract = self.request.query_params.get("contract")
        return qs.filter(contract__ident=contract) if contract else qs

    @extend_schema(parameters=[OpenApiParameter("contract", OpenApiTypes.STR, description="Het contract (id).")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RiskInput, responses={201: RiskSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = _scope(request)
        data = valid(RiskInput(data=request.data))
        r = call_service(lambda: services.add_risk(scope, request.user, data["provider"], data["contract"], data))
        return Response(RiskSerializer(r).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RiskChange, responses=RiskSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = _scope(request)
        r = self.get_object()
        data = valid(RiskChange(data=request.data))
        r = call_service(lambda: services.change_risk(scope, request.user, r, data))
        return Response(RiskSerializer(r).data)
