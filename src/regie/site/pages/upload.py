"""Delivering files in the browser ("Bestanden aanleveren"): the upload of ``POST
/api/v1/ingest/`` for people (docs/adr/0029).

The municipality and providers choose one or more files (messages, zips, CSV); the upload
becomes an ingest job (:mod:`regie.uploads.jobs`) and the page of the job shows a progress bar
that HTMX polls every second (without JavaScript the page reloads itself) until the job is
done; then it shows what became of each file (accepted, partly or wholly rejected, read
before, not read), the accepted records per message, and every rejection with its retour
code, the code's meaning in the standard and the reason. A provider may deliver only
its own files (what is not is listed with RG06) and sees only its own provider's jobs (another's:
404). Checking a file without storing it is "Bestand controleren" (:mod:`regie.site.pages.check`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from regie.accounts.models import Role
from regie.messages.codes import describe
from regie.site.roles import require_role
from regie.uploads import jobs
from regie.uploads.models import IngestJob

UPLOADERS = (Role.MUNICIPALITY, Role.PROVIDER)
#: The jobs listed under the form.
RECENT = 10
#: What HTMX's polling is told to stop with (htmx: 286 stops polling).
STOP_POLLING = 286
#: What became of a file (:func:`regie.uploads.jobs.outcomes`), as the page says it.
OUTCOMES = {
    "accepted": _("geaccepteerd"),
    "partial": _("deels afgekeurd"),
    "rejected": _("afgekeurd"),
    "duplicate": _("al eerder ingelezen"),
    "refused": _("niet ingelezen"),
}


@require_http_methods(["GET", "POST"])
@require_role(*UPLOADERS)
def deliver(request: HttpRequest) -> HttpResponse:
    """The form; a POST stores the upload as a job and goes to the job's page."""
    scope = request.scope  # type: ignore[attr-defined]
    error = ""
    if request.method == "POST":
        try:
            job = jobs.submit(request.user, scope, request.FILES.getlist("files"))
        except jobs.UploadError as exc:
            error = str(exc)
        else:
            return redirect("upload-job", pk=job.pk)
    context = {
        "error": error,
        "recent": jobs.visible(scope).select_related("user")[:RECENT],
        "max_files": jobs.MAX_FILES,
        "max_mb": jobs.MAX_BYTES // (1024 * 1024),
    }
    return render(request, "regie/upload/deliver.html", context, status=400 if error else 200)


def _job(request: HttpRequest, pk: int) -> IngestJob:
    job = jobs.visible(request.scope).filter(pk=pk).first()  # type: ignore[attr-defined]
    if job is None:
        raise Http404
    if job.status in (IngestJob.Status.QUEUED, IngestJob.Status.RUNNING):
        jobs.kick()  # a restarted server takes its queued jobs up again; a dead run is failed
        job.refresh_from_db()
    return job


def _state(job: IngestJob) -> dict[str, Any]:
    result = job.result or {}
    rejected = [{**row, "meaning": describe(row["code"])} for row in result.get("rejected", [])]
    return {
        "job": job,
        "running": job.status in (IngestJob.Status.QUEUED, IngestJob.Status.RUNNING),
        "result": result,
        "rejected": rejected,
        "accepted": sorted(result.get("accepted", {}).items()),
        "files": [{**row, "label": OUTCOMES.get(row["status"], row["status"])} for row in job.outcomes or []],
    }


@require_GET
@require_role(*UPLOADERS)
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One upload's job: its progress while it runs, its outcome when it is done."""
    return render(request, "regie/upload/job.html", _state(_job(request, pk)))


@require_GET
@require_role(*UPLOADERS)
def job_state(request: HttpRequest, pk: int) -> HttpResponse:
    """What the job page polls: the progress, or the outcome (which stops the polling)."""
    context = _state(_job(request, pk))
    status = 200 if context["running"] else STOP_POLLING
    return render(request, "regie/upload/state.html", context, status=status)
