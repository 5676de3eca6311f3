"""``/api/v1/scenarios/``: saved scenarios and their documents (domain.md section 12).

- ``GET /api/v1/scenarios/?year=``: the saved scenarios, paginated ``{"count", "next",
  "previous", "results"}``, newest first (municipality, council, relationship manager);
- ``POST /api/v1/scenarios/`` ``{"name", "description", "year", "as_of", "years",
  "changes": [{"kind", "from", ...}]}`` -> 201 with the computed ``result`` (municipality
  only); a scenario that cannot be read -> 400 problem+json with ``invalid_params``;
- ``GET /api/v1/scenarios/{id}/``: one scenario with ``result``: the document of ``regie
  forecast --scenario --years`` (the council's without the provider rows).

Providers have no access (403): a scenario is the municipality's budget planning.

The long-stay review (docs/scenarios.md):

- ``GET /api/v1/long-stays/?as_of=&municipality=&segment=&provider=``: the work list,
  paginated (municipality; a provider its own clients; a relationship manager its
  providers'; not the council: client level);
- ``GET /api/v1/long-stay-reviews/?as_of=``: the recorded outcomes with ``follow_up``;
  ``POST`` ``{"client", "segment", "provider", "episode", "municipality", "outcome":
  "continue" | "step_down" | "end", "due", "reviewed_on", "note"}`` -> 201 (municipality).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regie.accounts.api import NaturalKeys, Pages, filter_values, paginated
from regie.accounts.models import Role
from regie.engine.scenarios.build import MAX_YEARS
from regie.monitor.api import role_scope
from regie.scenarios import review, services
from regie.scenarios.models import SavedScenario

READERS = (Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)


class ChangeSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(
        help_text="tariff | inflow | duration | funding_model | new_segment | capacity | provider_exit"
    )
    # "from" is a Python keyword: the field is declared below under its JSON name
    segment = serializers.CharField(required=False)
    municipality = serializers.CharField(required=False)
    municipalities = serializers.ListField(child=serializers.CharField(), required=False)
    factor = serializers.FloatField(required=False)
    model = serializers.CharField(required=False)
    clients = serializers.FloatField(required=False)
    price_per_client = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False)
    from_provider = serializers.CharField(required=False)
    to_provider = serializers.CharField(required=False)
    provider = serializers.CharField(required=False)
    label = serializers.CharField(required=False)


ChangeSerializer._declared_fields["from"] = serializers.CharField(help_text="Vanaf deze maand (JJJJ-MM-DD of JJJJ-MM).")


class ScenarioSerializer(serializers.ModelSerializer[SavedScenario]):
    changes = ChangeSerializer(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = SavedScenario
        fields = ["id", "url", "name", "description", "year", "as_of", "years", "changes", "created_at"]
        extra_kwargs = {"years": {"min_value": 0, "max_value": MAX_YEARS}}  # the outlook goes 5 years at most

    def get_url(self, obj: SavedScenario) -> str:
        return f"/api/v1/scenarios/{obj.pk}/"


class ScenarioDetailSerializer(ScenarioSerializer):
    result = serializers.DictField()

    class Meta(ScenarioSerializer.Meta):
        fields = [*ScenarioSerializer.Meta.fields, "result"]


def refused(exc: services.InvalidScenario) -> ValidationError:
    """A refused scenario or outcome as the API's 400 problem (its title that of every 400),
    each field in ``invalid_params`` with its reason."""
    fields: dict[str, list[str]] = {}
    for param in exc.params:
        fields.setdefault(param["name"], []).append(param["reason"])
    return ValidationError(fields)


def _body(request: Request) -> dict[str, Any]:
    """The request's JSON object (or form fields) as a plain dict."""
    data = request.data
    if hasattr(data, "dict"):
        return dict(data.dict())
    return dict(data) if isinstance(data, dict) else {}


class ScenarioListView(APIView):
    """Saved scenarios (list, newest first) and a new one (computed when saved)."""

    pagination_class = Pages
    filter_backends = [NaturalKeys]
    key_lookups = {"year": "year"}

    @extend_schema(responses=ScenarioSerializer(many=True))
    def get(self, request: Request) -> Response:
        role_scope(request, READERS)
        qs = NaturalKeys().filter_queryset(request, SavedScenario.objects.all(), self)
        return paginated(request, self, ScenarioSerializer(qs, many=True).data)

    @extend_schema(request=ScenarioSerializer, responses={201: ScenarioDetailSerializer})
    def post(self, request: Request) -> Response:
        role_scope(request, (Role.MUNICIPALITY,))
        try:
            saved = services.save_scenario(request.user, _body(request))
        except services.InvalidScenario as exc:
            raise refused(exc) from exc
        return Response(ScenarioDetailSerializer(saved).data, status=status.HTTP_201_CREATED)


class ScenarioDetailView(APIView):
    """One saved scenario with its document (``result``)."""

    @extend_schema(responses=ScenarioDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        scope = role_scope(request, READERS)
        saved = SavedScenario.objects.filter(pk=pk).first()
        if saved is None:
            raise NotFound("Geen scenario met dit nummer.")
        data = ScenarioDetailSerializer(saved).data
        data["result"] = services.visible_result(saved.result, scope.is_council)
        return Response(data)


# --------------------------------------------------------------------------------------------
# The long-stay review

#: Who sees the long-stay work list (client level: not the council).
CASEWORK = (Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)


def _as_of(request: Request) -> dt.date:
    text = request.query_params.get("as_of")
    try:
        return dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError as exc:
        raise ValidationError("as_of is een datum (JJJJ-MM-DD).") from exc


LongStay = inline_serializer(
    "LongStay",
    {
        "client": serializers.CharField(help_text="pseudoniem"),
        "episode": serializers.CharField(),
        "municipality": serializers.CharField(),
        "segment": serializers.CharField(),
        "provider": serializers.CharField(),
        "start": serializers.DateField(),
        "days": serializers.IntegerField(),
        "review_after_days": serializers.IntegerField(),
        "declared_cents": serializers.IntegerField(),
        "review": serializers.DictField(allow_null=True),
    },
    many=True,  # the rows of a page
)


class LongStayListView(APIView):
    """``GET /api/v1/long-stays/?as_of=&municipality=&segment=&provider=``: the clients
    (pseudonyms) in care longer than their segment's review threshold, longest first."""

    pagination_class = Pages
    filter_backends = [NaturalKeys]
    key_lookups = {"municipality": "municipality", "segment": "segment", "provider": "provider"}

    @extend_schema(parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE)], responses=LongStay)
    def get(self, request: Request) -> Response:
        scope = role_scope(request, CASEWORK)
        where = filter_values(request.query_params, self.key_lookups)
        return paginated(request, self, review.long_stays(scope, _as_of(request), **where))


class ReviewInputSerializer(serializers.Serializer[Any]):
    client = serializers.CharField(help_text="pseudoniem")
    segment = serializers.CharField()
    provider = serializers.CharField()
    episode = serializers.CharField(required=False)
    municipality = serializers.CharField(required=False)
    outcome = serializers.CharField(help_text="continue | step_down | end")
    due = serializers.DateField()
    reviewed_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False)


class ReviewSerializer(ReviewInputSerializer):
    """A recorded outcome as answered (``POST`` answers it without ``follow_up``)."""

    id = serializers.IntegerField()
    episode = serializers.CharField()
    municipality = serializers.CharField()
    reviewed_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)


class ReviewRowSerializer(ReviewSerializer):
    follow_up = serializers.ChoiceField(
        choices=["not_applicable", "done", "pending", "overdue"],
        help_text="Is de uitkomst opgevolgd (op de peildatum)?",
    )


class ReviewListView(APIView):
    """``GET /api/v1/long-stay-reviews/?as_of=``: recorded outcomes with their ``follow_up``
    (``not_applicable``, ``done``, ``pending``, ``overdue``); ``POST`` records one
    (municipality; audited) -> 201."""

    pagination_class = Pages

    @extend_schema(parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE)], responses=ReviewRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        scope = role_scope(request, CASEWORK)
        return paginated(request, self, review.review_rows(scope, _as_of(request)))

    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewSerializer})
    def post(self, request: Request) -> Response:
        role_scope(request, (Role.MUNICIPALITY,))
        try:
            saved = review.record_review(request.user, _body(request), today=timezone.localdate())
        except services.InvalidScenario as exc:
            raise refused(exc) from exc
        body = {
            "id": saved.pk,
            "client": saved.client,
            "segment": saved.segment,
            "provider": saved.provider,
            "episode": saved.episode,
            "municipality": saved.municipality,
            "outcome": saved.outcome,
            "due": saved.due.isoformat(),
            "reviewed_on": saved.reviewed_on.isoformat(),
            "note": saved.note,
        }
        return Response(body, status=status.HTTP_201_CREATED)
