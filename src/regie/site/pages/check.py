"""Check message files in the browser before sending them (``regie check`` for people).

Providers and municipality staff upload one or more iJw / iWmo 3.2 XML files; each is read
with :func:`regie.messages.checking.check_bytes` (safe parsing: no DTD, no entities, no
network, at most 20 MB) and the faults are shown with their place in the message. Nothing
is stored; a BSN never appears in a fault.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from regie.accounts.models import Role
from regie.messages.checking import check_bytes, too_large
from regie.messages.reading import DEFAULT_MAX_BYTES
from regie.site.roles import require_role

MAX_FILES = 50


def check_uploads(files: list[UploadedFile]) -> dict[str, Any]:
    """The ``regie check`` document for uploaded files; a file over the size limit is not read
    and its fault states its real size."""
    return {"files": [_check_upload(f) for f in files[:MAX_FILES]]}


def _check_upload(upload: UploadedFile) -> dict[str, Any]:
    name = upload.name or "bestand.xml"
    if upload.size is not None and upload.size > DEFAULT_MAX_BYTES:
        return too_large(name, upload.size)
    return check_bytes(name, upload.read(DEFAULT_MAX_BYTES + 1))


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def check(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        files = request.FILES.getlist("files")
        result = check_uploads(files) if files else {"files": []}
    return render(request, "regie/check.html", {"result": result, "max_files": MAX_FILES})
