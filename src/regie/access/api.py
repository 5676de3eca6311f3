"""The waiting list's API (domain.md section 12):

- ``POST /api/v1/waiting-list/`` ``{"municipality", "segment", "bsn", "urgency", "area",
  "referrer", "registered_on"}`` -> 201 with the registration (``client`` is the pseudonym;
  the BSN is never returned);
- ``GET /api/v1/waiting-list/?municipality=&segment=&status=`` -> paginated ``{"count",
  "next", "previous", "results"}`` in priority order (crisis, urgent, normal; within one
  urgency the longest waiting first), each with ``waiting_days`` (to today or to the start);
- ``GET /api/v1/waiting-list/{id}/``;
- ``POST /api/v1/waiting-list/{id}/assign/`` ``{"provider", "note"}`` -> status ``assigned``
  (by the municipality; a core partner of the segment may claim it for itself, ``confirmed``
  false until the municipality confirms: ``POST .../{id}/confirm/``);
- ``POST /api/v1/waiting-list/{id}/withdraw/`` ``{"reason"}`` -> status ``withdrawn``.

Roles as on the pages (:func:`regie.access.services.visible`): the municipality sees all, a
core partner the whole list of its segments, another provider only what is assigned to it
(another registration answers 404), the council nothing one by one (403). Errors are
problem+json.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regie.access import services
from regie.access.models import REFERRERS, Registration, Status, Urgency
from regie.accounts.api import NaturalKeys, Pages, allowed_scope, paginated, valid
from regie.accounts.models import Role
from regie.accounts.scope import Scope
from regie.catalog import models as cat


class RegistrationSerializer(serializers.Serializer[services.Shown]):
    """A registration as the API returns it (never a BSN: ``client`` is the pseudonym)."""

    id = serializers.IntegerField(source="registration.pk")
    client = serializers.CharField(source="registration.client")
    municipality = serializers.CharField(source="registration.municipality.code")
    segment = serializers.CharField(source="registration.segment.code")
    urgency = serializers.ChoiceField(source="registration.urgency", choices=Urgency.choices)
    area = serializers.CharField(source="registration.area")
    referrer = serializers.CharField(source="registration.referrer")
    product_category = serializers.CharField(source="registration.product_category")
    registered_on = serializers.DateField(source="registration.registered_on")
    status = serializers.ChoiceField(source="registration.status", choices=Status.choices)
    waiting_days = serializers.IntegerField()
    norm_days = serializers.IntegerField()
    past_norm = serializers.BooleanField()
    provider = serializers.CharField(source="registration.provider.agb", allow_null=True, default=None)
    confirmed = serializers.BooleanField(source="registration.confirmed")
    note = serializers.CharField(source="registration.note")
    assigned_on = serializers.DateField(source="registration.assigned_on", allow_null=True)
    started_on = serializers.DateField(source="registration.started_on", allow_null=True)
    withdrawn_on = serializers.DateField(source="registration.withdrawn_on", allow_null=True)
    withdrawal_reason = serializers.CharField(source="registration.withdrawal_reason")
    source = serializers.CharField(source="registration.source")


class RegisterInput(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.SlugRelatedField(slug_field="code", queryset=cat.Municipality.objects.all())
    segment = serializers.SlugRelatedField(slug_field="code", queryset=cat.Segment.objects.all())
    bsn = serializers.CharField(write_only=True, max_length=9, min_length=9)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    area = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    referrer = serializers.ChoiceField(choices=REFERRERS, required=False, allow_blank=True, default="")
    product_category = serializers.RegexField(r"^\d{2}$", required=False, allow_blank=True, default="")
    registered_on = serializers.DateField(required=False, help_text="Standaard: vandaag.")


class AssignInput(serializers.Serializer[dict[str, Any]]):
    provider = serializers.SlugRelatedField(slug_field="agb", queryset=cat.Provider.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NoteInput(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawInput(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField()


def _scope(request: Request) -> Scope:
    return allowed_scope(
        request,
        (Role.MUNICIPALITY, Role.PROVIDER),
        "De wachtlijst is per aanmelding alleen voor de gemeente en de aanbieders.",
    )


def _run(action: Any, *args: Any, **kwargs: Any) -> Registration:
    """Call a service; its refusals become 403 (role) or 400 (rule) problems."""
    try:
        return action(*args, **kwargs)  # type: ignore[no-any-return]
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.AccessError as exc:
        raise ValidationError({exc.field or "non_field_errors": [str(exc)]}) from exc


def _one(reg: Registration, code: int = status.HTTP_200_OK) -> Response:
    reg = Registration.objects.select_related("municipality", "segment", "provider").get(pk=reg.pk)
    return Response(RegistrationSerializer(services.shown([reg], timezone.localdate())[0]).data, status=code)


def _get(request: Request, pk: int) -> tuple[Scope, Registration]:
    scope = _scope(request)
    reg = services.visible(scope).select_related("municipality", "segment", "provider").filter(pk=pk).first()
    if reg is None:
        raise NotFound("Deze aanmelding bestaat niet (of is niet voor u).")
    return scope, reg


def _decide(request: Request, pk: int, form: type[serializers.Serializer[Any]], action: Any, *fields: str) -> Response:
    """A decision on one visible registration: ``action(user, scope, registration, *fields)``."""
    scope, reg = _get(request, pk)
    data = valid(form(data=request.data))
    return _one(_run(action, request.user, scope, reg, *(data[f] for f in fields)))


class WaitingListView(APIView):
    """The shared waiting list: register (POST) and the list in priority order (GET)."""

    pagination_class = Pages
    filter_backends = [NaturalKeys]
    key_lookups = {"municipality": "municipality__code", "segment": "segment__code", "status": "status"}
    key_choices = {"status": Status.values}

    @extend_schema(responses=RegistrationSerializer(many=True))
    def get(self, request: Request) -> Response:
        scope = _scope(request)
        qs = services.visible(scope).select_related("municipality", "segment", "provider")
        qs = NaturalKeys().filter_queryset(request, qs, self)
        rows = RegistrationSerializer(services.shown(qs, timezone.localdate()), many=True).data
        return paginated(request, self, rows)

    @extend_schema(request=RegisterInput, responses={201: RegistrationSerializer})
    def post(self, request: Request) -> Response:
        scope = _scope(request)
        data = valid(RegisterInput(data=request.data))
        registered_on: dt.date = data.pop("registered_on", None) or timezone.localdate()
        reg = _run(services.register, request.user, scope, registered_on=registered_on, **data)
        return _one(reg, status.HTTP_201_CREATED)


class RegistrationView(APIView):
    """One registration."""

    @extend_schema(responses=RegistrationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _one(_get(request, pk)[1])


class AssignView(APIView):
    """Assign a registration to a provider (the municipality), or claim it (a core partner)."""

    @extend_schema(request=AssignInput, responses=RegistrationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _decide(request, pk, AssignInput, services.assign, "provider", "note")


class ConfirmView(APIView):
    """The municipality confirms a core partner's claim."""

    @extend_schema(request=NoteInput, responses=RegistrationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _decide(request, pk, NoteInput, services.confirm, "note")


class WithdrawView(APIView):
    """Take a registration off the list, with a reason."""

    @extend_schema(request=WithdrawInput, responses=RegistrationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _decide(request, pk, WithdrawInput, services.withdraw, "reason")
