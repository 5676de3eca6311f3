"""The dialogues' API (domain.md section 12; issue 14):

- ``POST /api/v1/dialogues/`` ``{"provider", "date"}`` -> 201 ``{"id", "provider", "date",
  "snapshot", "agenda": [{"kind", "title", ...}], ...}``, the agenda pre-filled with the kinds
  ``scorecard``, ``forecast``, ``signals``, ``requests``, ``agreements`` (open agreements of
  earlier dialogues with this provider), ``risks`` and ``targets``, then the items people
  added (``item``);
- ``GET /api/v1/dialogues/?provider=AGB`` (paginated ``{"count", "next", "previous",
  "results"}``), ``GET /api/v1/dialogues/{id}/``;
- ``GET /api/v1/dialogues/due/``: the providers whose next dialogue is due or overdue by their
  cadence (catalog ``dialogue_every_weeks``, default 8), paginated;
- ``POST /api/v1/dialogues/{id}/items/`` ``{"text"}``: an agenda item (the provider before the
  date);
- ``POST /api/v1/dialogues/{id}/agreements/`` ``{"text", "owner": "provider" |
  "municipality", "due"}`` -> 201 ``{"id", "status": "open", ...}``;
- ``GET /api/v1/agreements/?provider=AGB&status=open|done``, ``GET /api/v1/agreements/{id}/``;
- ``PATCH /api/v1/agreements/{id}/`` ``{"status": "done"}`` (the owner, or the municipality),
  ``{"confirmed": true}`` (the municipality confirms what the provider marked done) or
  ``{"status": "open"}`` (the municipality reopens it);
- ``POST /api/v1/agreements/{id}/comments/`` ``{"text"}``.

Roles as on the pages (:mod:`regie.relations.services`): the municipality all providers, a
relationship manager its own, a provider its own dialogues (another's answers 404), the
council none (403). Every write is audited. Errors are problem+json.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from regie.accounts.api import NaturalKeys, Pages, allowed_scope, valid
from regie.accounts.models import Role
from regie.accounts.scope import Scope
from regie.relations import agenda as agendalib
from regie.relations import services
from regie.relations.models import Agreement, Dialogue


class CommentSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    by_provider = serializers.BooleanField()
    written_at = serializers.DateTimeField()


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    provider = serializers.CharField(source="provider.agb")
    dialogue = serializers.IntegerField(source="dialogue_id")
    status = serializers.CharField(help_text="open of done (gereed gemeld, ook voor de bevestiging).")
    confirmed = serializers.SerializerMethodField(help_text="De gemeente heeft bevestigd dat de afspraak gereed is.")
    state = serializers.SerializerMethodField(help_text="open, overdue, done (te bevestigen) of confirmed.")
    comments = CommentSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "dialogue",
            "provider",
            "text",
            "owner",
            "due",
            "status",
            "confirmed",
            "state",
            "done_at",
            "confirmed_at",
            "comments",
        ]

    def get_confirmed(self, obj: Agreement) -> bool:
        return obj.confirmed_at is not None

    def get_state(self, obj: Agreement) -> str:
        return obj.state(timezone.localdate())


class SnapshotRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    computed_at = serializers.DateTimeField()


class NoteSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    written_at = serializers.DateTimeField()


class DialogueSerializer(serializers.ModelSerializer[Dialogue]):
    provider = serializers.CharField(source="provider.agb")
    provider_name = serializers.CharField(source="provider.name")
    snapshot = SnapshotRef(allow_null=True, help_text="De scorekaart (momentopname) waaruit de agenda komt.")
    agenda = serializers.SerializerMethodField()
    notes = NoteSerializer(many=True, read_only=True)
    agreements = AgreementSerializer(many=True, read_only=True, help_text="De afspraken gemaakt in dit gesprek.")

    class Meta:
        model = Dialogue
        fields = ["id", "provider", "provider_name", "date", "snapshot", "agenda", "notes", "agreements"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_agenda(self, obj: Dialogue) -> list[dict[str, Any]]:
        added = [
            {"kind": "item", "title": i.text, "by_provider": i.by_provider, "added_at": i.added_at.isoformat()}
            for i in obj.items.all()
        ]
        return agendalib.titled(obj.agenda) + added


class PlanInput(serializers.Serializer[Any]):
    provider = serializers.CharField(help_text="AGB-code van de aanbieder.")
    date = serializers.DateField()


class TextInput(serializers.Serializer[Any]):
    text = serializers.CharField()


class AgreementInput(serializers.Serializer[Any]):
    text = serializers.CharField()
    owner = serializers.ChoiceField(choices=Agreement.Owner.choices)
    due = serializers.DateField()


class AgreementChange(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=[("open", "open"), ("done", "done")], required=False)
    confirmed = serializers.BooleanField(required=False)


class DueSerializer(serializers.Serializer[Any]):
    provider = serializers.CharField()
    name = serializers.CharField()
    every_weeks = serializers.IntegerField()
    last_dialogue = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=[("due", "due"), ("overdue", "overdue")])
    days_overdue = serializers.IntegerField()


def _scope(request: Request) -> Scope:
    return allowed_scope(
        request,
        (Role.MUNICIPALITY, Role.RELATIONSHIP_MANAGER, Role.PROVIDER),
        "Gesprekken en afspraken zijn voor de gemeente en de aanbieders.",
    )


def call_service(act: Callable[[], Any], field: str = "non_field_errors") -> Any:
    """Call a service; its refusals become 404, 403 or 400 problems. A refusal that names its
    rule and field (``rule``, ``field``: the dossiers') names them in the problem."""
    try:
        return act()
    except services.NotFound as exc:
        raise NotFound("Bestaat niet (of niet voor u).") from exc
    except services.NotAllowed as exc:
        raise PermissionDenied("Uw rol mag dit niet.") from exc
    except services.Refused as exc:
        rule = getattr(exc, "rule", "")
        reason = f"{rule}: {exc}" if rule else str(exc)
        raise ValidationError({getattr(exc, "field", "") or field: [reason]}) from exc


#: An agreement as made in a dialogue (the OpenAPI document's examples).
AGREEMENT_EXAMPLE = {
    "id": 31,
    "dialogue": 12,
    "provider": "12345678",
    "text": "Wachtlijst Wmo-begeleiding onder de 40 cliënten brengen.",
    "owner": "provider",
    "due": "2026-02-01",
    "status": "open",
    "confirmed": False,
    "state": "open",
    "done_at": None,
    "confirmed_at": None,
    "comments": [],
}
AGREEMENT_DONE = {
    **AGREEMENT_EXAMPLE,
    "status": "done",
    "state": "done",
    "done_at": "2026-01-20T10:15:00+01:00",
    "comments": [{"text": "Wachtlijst staat op 36.", "by_provider": True, "written_at": "2026-01-20T10:14:00+01:00"}],
}


def _add_text(request: Request, target: Any, add: Callable[[Scope, Any, Any, str], Any]) -> None:
    """The posted ``{"text"}`` (an agenda item, a comment) added to ``target`` by the service
    ``add(scope, user, target, text)``; a refusal names the field ``text``."""
    scope = _scope(request)
    text = valid(TextInput(data=request.data))["text"]
    call_service(lambda: add(scope, request.user, target, text), "text")


class DialogueViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Dialogue]
):
    """Dialogues with providers: plan one (its agenda pre-filled), list and read them."""

    serializer_class = DialogueSerializer
    pagination_class = Pages
    filter_backends = [NaturalKeys]
    key_lookups = {"provider": "provider__agb"}

    def get_queryset(self) -> QuerySet[Dialogue]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI document is made without a user
            return Dialogue.objects.none()
        return services.dialogues(_scope(self.request)).prefetch_related("items", "notes", "agreements__comments")

    @extend_schema(request=PlanInput, responses={201: DialogueSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = _scope(request)
        data = valid(PlanInput(data=request.data))
        d = call_service(lambda: services.plan(scope, request.user, data["provider"], data["date"]), "provider")
        return Response(DialogueSerializer(d).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=DueSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], pagination_class=Pages, filter_backends=[])
    def due(self, request: Request) -> Response:
        scope = _scope(request)
        if not scope.is_staff:
            raise PermissionDenied("Welke gesprekken te plannen zijn, ziet de gemeente.")
        rows = services.due_list(scope)
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        return self.get_paginated_response(DueSerializer(page, many=True).data)

    @extend_schema(request=TextInput, responses={201: DialogueSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str | None = None) -> Response:
        _add_text(request, self.get_object(), services.add_item)
        return Response(DialogueSerializer(self.get_object()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AgreementInput,
        responses={201: AgreementSerializer},
        examples=[
            OpenApiExample(
                "afspraak",
                request_only=True,
                value={k: AGREEMENT_EXAMPLE[k] for k in ("text", "owner", "due")},
            ),
            OpenApiExample("gemaakt", response_only=True, status_codes=["201"], value=AGREEMENT_EXAMPLE),
        ],
    )
    @action(detail=True, methods=["post"], url_path="agreements")
    def agreements(self, request: Request, pk: str | None = None) -> Response:
        scope = _scope(request)
        d = self.get_object()
        data = valid(AgreementInput(data=request.data))
        a = call_service(
            lambda: services.make_agreement(scope, request.user, d, data["text"], data["owner"], data["due"])
        )
        return Response(AgreementSerializer(a).data, status=status.HTTP_201_CREATED)


class AgreementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet[Agreement]
):
    """Agreements made in dialogues: list, read, mark done / confirm / reopen, comment."""

    serializer_class = AgreementSerializer
    pagination_class = Pages
    filter_backends = [NaturalKeys]
    key_lookups = {
        "provider": "provider__agb",
        "status": lambda qs, wanted: qs.filter(done_at__isnull=wanted == "open"),
    }
    key_choices = {"status": ("open", "done")}
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Agreement]:
        if getattr(self, "swagger_fake_view", False):
            return Agreement.objects.none()
        return services.agreements(_scope(self.request)).prefetch_related("comments").order_by("due", "pk")

    @extend_schema(
        request=AgreementChange,
        responses=AgreementSerializer,
        examples=[
            OpenApiExample("gereed melden", request_only=True, value={"status": "done"}),
            OpenApiExample("gereed gemeld", response_only=True, value=AGREEMENT_DONE),
        ],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = _scope(request)
        a = self.get_object()
        data = valid(AgreementChange(data=request.data))
        if not data:
            raise ValidationError({"status": ["Geef status (open of done) of confirmed (true)."]})
        if data.get("status") == "done":
            call_service(lambda: services.mark_done(scope, request.user, a), "status")
        if data.get("confirmed"):
            call_service(lambda: services.confirm(scope, request.user, a), "confirmed")
        if data.get("status") == "open":
            call_service(lambda: services.reopen(scope, request.user, a), "status")
        return Response(AgreementSerializer(self.get_queryset().get(pk=a.pk)).data)

    @extend_schema(request=TextInput, responses={201: AgreementSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        a = self.get_object()
        _add_text(request, a, services.comment)
        return Response(AgreementSerializer(self.get_queryset().get(pk=a.pk)).data, status=status.HTTP_201_CREATED)
