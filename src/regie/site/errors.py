"""The pages for "no access" (403) and "not found" (404), in the app's layout.

Both say in Dutch what happened, what the user's role may see, and the way back: the page
the user came from (when it is a page of this site) and the overview. A 403 that a role check
gives is an ordinary answer, not an error: it is rendered here and logged as one line
("Forbidden: /grip/"), without a traceback.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from regie.site.api import TITLES


def back_link(request: HttpRequest) -> str | None:
    """The page the user came from, when it is a page of this site other than this one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.get_host():
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//") or path == request.path:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _problem(status: int, detail: str) -> HttpResponse:
    """An API path's error as problem+json (domain.md section 12), not a page; titled as the
    API's own problems (:data:`regie.site.api.TITLES`)."""
    body = {"type": "about:blank", "title": _(TITLES[status]), "status": status, "detail": detail}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _render(request: HttpRequest, template: str, status: int, context: dict[str, Any]) -> HttpResponse:
    body = loader.get_template(template).render({"back": back_link(request), **context}, request)
    return HttpResponse(body, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: this page is not for the user's role (or the user has no role at all)."""
    if request.path.startswith("/api/"):
        return _problem(403, _("Niet toegestaan voor uw rol."))
    return _render(request, "regie/403.html", 403, {"title": _("Geen toegang")})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the page does not exist, or not for this user (another provider's data); under
    /api/ (a path the API does not know, e.g. ``/api/v1/tenders/-1/bids/``) as problem+json."""
    if request.path.startswith("/api/"):
        return _problem(404, _("Deze URL bestaat niet in de API."))
    return _render(request, "regie/404.html", 404, {"title": _("Pagina niet gevonden")})
