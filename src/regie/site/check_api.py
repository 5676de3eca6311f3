"""``POST /api/v1/check/``: ``regie check`` over HTTP for providers' and municipalities' systems."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regie.accounts.models import Role
from regie.accounts.scope import scope_for
from regie.site.pages.check import MAX_FILES, check_uploads


class CheckView(APIView):
    """Validate uploaded iJw / iWmo 3.2 XML files against the standard alone; nothing is stored.

    Multipart form field ``files`` (one or more, at most 50, at most 20 MB each). The answer is
    the JSON document of ``regie check --json``; a request without a file is a 400.
    """

    parser_classes = [MultiPartParser]

    @extend_schema(
        request=inline_serializer("CheckUpload", {"files": serializers.ListField(child=serializers.FileField())}),
        responses=inline_serializer("CheckResult", {"files": serializers.ListField(child=serializers.DictField())}),
    )
    def post(self, request: Request) -> Response:
        if scope_for(request.user).role not in (Role.MUNICIPALITY, Role.PROVIDER):
            raise PermissionDenied("Uw rol mag geen bestanden controleren.")
        files = request.FILES.getlist("files")
        if not files:
            raise ValidationError("Stuur één of meer bestanden in het veld 'files'.")
        if len(files) > MAX_FILES:
            raise ValidationError(f"Stuur ten hoogste {MAX_FILES} bestanden tegelijk.")
        return Response(check_uploads(files))
