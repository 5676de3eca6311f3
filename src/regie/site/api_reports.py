"""The reports as API resources (../shared/domain.md section 12), the same files as the
reports page:

- ``GET /api/v1/reports/``: the reports the caller may download, each with its formats and
  download URLs; ``GET /api/v1/reports/{id}/`` one of them;
- ``GET /api/v1/reports/{id}/{format}/``: the file itself, a binary response with its content
  type (``application/pdf``, the Excel type, ``text/csv``) and a file name; ``?year=`` and
  ``?as_of=`` choose the stored figures (default: the latest).

Reports: ``council`` (PDF, Excel) and ``gmsd`` (the Monitor Sociaal Domein, CSV and Excel)
for the municipality, the council and a relationship manager; ``scorecard-<AGB>`` (PDF,
Excel) for the municipality, the provider itself and its relationship manager (another
provider's answers 404, the council 403). Every download is audited as on the page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regie.accounts.api import Pages, paginated
from regie.accounts.models import Role
from regie.accounts.scope import Scope
from regie.catalog import models as cat
from regie.monitor.api import AS_OF, YEAR, role_scope, stored
from regie.monitor.models import Snapshot
from regie.site.pages import reports as pages

AGGREGATE_READERS = (Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
EVERY_ROLE = (*AGGREGATE_READERS, Role.PROVIDER)
FORMATS = {"council": ("pdf", "xlsx"), "gmsd": ("csv", "xlsx"), "scorecard": ("pdf", "xlsx")}
TITLES = {"council": "Raadsrapportage", "gmsd": "Monitor Sociaal Domein", "scorecard": "Scorekaart"}


class ReportSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="council, gmsd of scorecard-<AGB>.")
    title = serializers.CharField()
    provider = serializers.CharField(allow_null=True, help_text="AGB-code bij een scorekaart.")
    formats = serializers.ListField(child=serializers.CharField(), help_text="pdf, xlsx of csv.")
    downloads = serializers.DictField(child=serializers.URLField(), help_text="Per formaat de URL van het bestand.")


def _entries(request: Request, scope: Scope) -> list[dict[str, Any]]:
    """The reports ``scope`` may download."""
    ids: list[tuple[str, str | None]] = []
    if not scope.is_provider:
        ids += [("council", None), ("gmsd", None)]
    if not scope.is_council:
        agbs = scope.provider_agbs(list(cat.Provider.objects.order_by("agb").values_list("agb", flat=True)))
        ids += [(f"scorecard-{agb}", agb) for agb in agbs]
    return [_entry(request, ident, agb) for ident, agb in ids]


def _entry(request: Request, ident: str, agb: str | None) -> dict[str, Any]:
    kind = "scorecard" if agb else ident
    title = f"{TITLES[kind]} {agb}" if agb else TITLES[kind]
    urls = {fmt: request.build_absolute_uri(reverse("api-report-file", args=[ident, fmt])) for fmt in FORMATS[kind]}
    return {"id": ident, "title": title, "provider": agb, "formats": list(FORMATS[kind]), "downloads": urls}


def _report(request: Request, ident: str) -> tuple[Scope, str, str | None]:
    """(scope, kind, AGB) of report ``ident``: 404 when it does not exist for the caller, 403
    when the caller's role may not download it."""
    scope = role_scope(request, EVERY_ROLE)
    kind, _dash, agb = ident.partition("-")
    if kind not in FORMATS or (kind == "scorecard") != bool(agb):
        raise NotFound("Dit rapport bestaat niet.")
    if kind == "scorecard":
        if scope.is_council:
            raise PermissionDenied("De raad ziet geen scorekaart per aanbieder.")
        if not scope.sees_provider(agb) or not cat.Provider.objects.filter(agb=agb).exists():
            raise NotFound("Deze aanbieder bestaat niet (of is niet voor u).")
        return scope, kind, agb
    if scope.is_provider:
        raise PermissionDenied("Een aanbieder downloadt alleen de eigen scorekaart.")
    return scope, kind, None


class ReportListView(APIView):
    """The reports the caller may download."""

    pagination_class = Pages

    @extend_schema(responses=ReportSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated(request, self, _entries(request, role_scope(request, EVERY_ROLE)))


class ReportView(APIView):
    """One report: its formats and download URLs."""

    @extend_schema(responses=ReportSerializer)
    def get(self, request: Request, ident: str) -> Response:
        _scope, _kind, agb = _report(request, ident)
        return Response(_entry(request, ident, agb))


class _Binary(renderers.BaseRenderer):
    """Lets a client ask for the file's type in ``Accept``; the view answers the file itself."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return renderers.JSONRenderer().render(data)


class PdfRenderer(_Binary):
    media_type, format = "application/pdf", "pdf"


class XlsxRenderer(_Binary):
    media_type, format = pages.XLSX, "xlsx"


class CsvRenderer(_Binary):
    media_type, format = "text/csv", "csv"


FILE = OpenApiResponse(OpenApiTypes.BINARY, description="Het bestand (Content-Disposition: attachment).")


class ReportFileView(APIView):
    """The report's file in a format (``pdf``, ``xlsx``, ``csv``), for the stored figures of
    ``?year=`` as of ``?as_of=`` (default: the latest)."""

    renderer_classes = [renderers.JSONRenderer, PdfRenderer, XlsxRenderer, CsvRenderer]

    @extend_schema(
        operation_id="reports_file",
        parameters=[
            YEAR,
            AS_OF,
            OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["pdf", "xlsx", "csv"]),
        ],
        responses={
            (200, "application/pdf"): FILE,
            (200, pages.XLSX): FILE,
            (200, "text/csv"): FILE,
        },
    )
    def get(self, request: Request, ident: str, fmt: str) -> HttpResponse:
        _scope, kind, agb = _report(request, ident)
        if fmt not in FORMATS[kind]:
            raise NotFound(f"Dit rapport is er als {', '.join(FORMATS[kind])}.")
        user = request.user
        if kind == "gmsd":
            snap = stored(request, Snapshot.Kind.GMSD)
            file = pages.gmsd_file(user, snap.rows, snap.year, snap.as_of, fmt)
        else:
            snap = stored(request, Snapshot.Kind.FORECAST)
            if agb:
                file = pages.scorecard_file(user, agb, snap.year, snap.as_of, fmt)
            else:
                file = pages.council_file(user, snap.year, snap.as_of, fmt)
        return pages.served(file)
