"""``POST /api/v1/ingest/`` and ``GET /api/v1/ingest/{id}/`` (domain.md section 12): files
delivered by a municipality's or a provider's system, ingested by a job (docs/adr/0029).

The POST answers 202 with the job's id, URL and status at once; the GET gives its status,
progress and, when it is done, the JSON of ``regie ingest --json``. A file a provider may not
deliver (not its own message or figures) is not read: it is listed among the rejections with
code RG06 and the reason (:mod:`regie.intake.ownership`); the files it may deliver are read
as the command line reads them, and a message that breaks the standard comes back with the
standard's retour codes. The municipality and a provider may upload; a provider sees only
its own provider's jobs (another's answers 404).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from regie.accounts.models import Role
from regie.accounts.scope import Scope, scope_for
from regie.uploads import jobs
from regie.uploads.models import IngestJob

UPLOADERS = (Role.MUNICIPALITY, Role.PROVIDER)


class UploadInput(serializers.Serializer[dict[str, Any]]):
    files = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        help_text="Berichten (.xml), CSV-bestanden (.csv) en zip-archieven (.zip); één of meer velden 'files'.",
    )


class Rejection(serializers.Serializer[dict[str, str]]):
    file = serializers.CharField(help_text="Bestand (een lid van een zip-archief als 'archief.zip!lid.xml').")
    message = serializers.CharField(help_text="Bericht, bijv. JW305, of CSV-episodes; 'onbekend' als niet gelezen.")
    record = serializers.CharField(allow_blank=True, help_text="Het record (leeg: het hele bestand).")
    code = serializers.CharField(help_text="Retourcode van de standaard (0001, 9xxx), CSV01-08 of RG01-RG06.")
    reason = serializers.CharField()


class IngestResult(serializers.Serializer[dict[str, Any]]):
    """The JSON of ``regie ingest --json``."""

    files = serializers.IntegerField(min_value=0, help_text="Gelezen bestanden (geweigerde niet meegeteld).")
    accepted = serializers.DictField(child=serializers.IntegerField(min_value=0), help_text="Records per bericht.")
    rejected = Rejection(many=True)
    duplicates = serializers.IntegerField(min_value=0)
    signals = serializers.DictField(child=serializers.IntegerField(min_value=0))


class FileOutcome(serializers.Serializer[dict[str, Any]]):
    file = serializers.CharField()
    message = serializers.CharField(allow_blank=True, help_text="Bericht, bijv. WMO305, of CSV-declarations.")
    status = serializers.ChoiceField(
        choices=["accepted", "partial", "rejected", "duplicate", "refused"],
        help_text="Geaccepteerd, deels of geheel afgekeurd, al eerder ingelezen, of niet ingelezen (zie result.rejected).",
    )
    records = serializers.IntegerField(min_value=0)
    rejected_records = serializers.IntegerField(min_value=0)


class JobCreated(serializers.Serializer[IngestJob]):
    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=IngestJob.Status.choices, read_only=True)

    def get_url(self, job: IngestJob) -> str:
        return reverse("api-ingest-job", args=[job.pk], request=self.context.get("request"))


class JobState(JobCreated):
    progress = serializers.IntegerField(min_value=0, max_value=100, read_only=True, help_text="Procent.")
    stage = serializers.CharField(read_only=True, allow_blank=True, help_text="Wat de opdracht nu doet.")
    result = IngestResult(allow_null=True, read_only=True, help_text="De uitkomst, als de status 'done' is.")
    files = FileOutcome(
        many=True, read_only=True, allow_null=True, source="outcomes", help_text="Wat er van elk bestand werd."
    )
    error = serializers.CharField(read_only=True, allow_blank=True, help_text="Waarom de opdracht mislukte.")
    created = serializers.DateTimeField(read_only=True)
    finished = serializers.DateTimeField(read_only=True, allow_null=True)


def _uploader(request: Request) -> Scope:
    scope = scope_for(request.user)
    if scope.role not in UPLOADERS:
        raise PermissionDenied("Alleen de gemeente en aanbieders leveren bestanden aan.")
    return scope


_DONE_EXAMPLE = {
    "id": 7,
    "url": "https://regie.example/api/v1/ingest/7/",
    "status": "done",
    "progress": 100,
    "stage": "",
    "result": {
        "files": 2,
        "accepted": {"305": 1},
        "rejected": [
            {
                "file": "0983-2025-03.zip!323-0001.xml",
                "message": "WMO323",
                "record": "P-2025-03-0001",
                "code": "9322",
                "reason": "De som van de ingediende volumes overschrijdt het toegewezen volume.",
            }
        ],
        "duplicates": 0,
        "signals": {},
    },
    "files": [
        {
            "file": "0983-2025-03.zip!305-0001.xml",
            "message": "WMO305",
            "status": "accepted",
            "records": 1,
            "rejected_records": 0,
        },
        {
            "file": "0983-2025-03.zip!323-0001.xml",
            "message": "WMO323",
            "status": "partial",
            "records": 4,
            "rejected_records": 1,
        },
    ],
    "error": "",
    "created": "2025-04-01T09:00:00+02:00",
    "finished": "2025-04-01T09:00:04+02:00",
}


_FAILED_EXAMPLE = {
    **_DONE_EXAMPLE,
    "status": "failed",
    "progress": 40,
    "result": None,
    "files": None,
    "error": "De verwerking is afgebroken (de server is gestopt). Wat al was ingelezen is heel opgeslagen; "
    "stuur de bestanden opnieuw: wat al binnen was telt dan als dubbel.",
}


class IngestView(APIView):
    """Deliver files: the job that ingests them starts at once; follow it at its URL."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadInput},
        responses={202: JobCreated, 400: OpenApiResponse(description="Geen, te veel of te grote bestanden.")},
        examples=[
            OpenApiExample(
                "aangenomen",
                response_only=True,
                status_codes=["202"],
                value={k: _DONE_EXAMPLE[k] for k in ("id", "url")} | {"status": "queued"},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        scope = _uploader(request)
        try:
            job = jobs.submit(request.user, scope, request.FILES.getlist("files"))
        except jobs.UploadError as exc:
            raise ValidationError({"files": [str(exc)]}) from None
        job.refresh_from_db()
        body = JobCreated(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class IngestJobView(APIView):
    """An upload's job: status (queued, running, done, failed), progress and the outcome."""

    @extend_schema(
        responses=JobState,
        examples=[
            OpenApiExample("klaar", value=_DONE_EXAMPLE),
            OpenApiExample(
                "bezig",
                value=_DONE_EXAMPLE
                | {"status": "running", "progress": 40, "stage": "inlezen", "result": None, "files": None}
                | {"finished": None},
            ),
            OpenApiExample("mislukt", value=_FAILED_EXAMPLE),
        ],
    )
    def get(self, request: Request, pk: int) -> Response:
        job = jobs.visible(_uploader(request)).filter(pk=pk).first()
        if job is None:
            raise NotFound("Deze inleesopdracht bestaat niet (of is niet van u).")
        if job.status in (IngestJob.Status.QUEUED, IngestJob.Status.RUNNING):
            jobs.kick()  # a restarted server takes its queued jobs up again; a dead run is failed
            job.refresh_from_db()
        return Response(JobState(job, context={"request": request}).data)
