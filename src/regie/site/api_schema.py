"""The served OpenAPI document and its docs page (docs/adr/0009): for any signed-in caller,
a browser with its session or an integrating system with its token
(``Authorization: Token <t>``), whatever the role; the document describes endpoints, not data.
A caller without credentials goes to the login page, as on the pages; a wrong or expired
token is a 401 problem, as everywhere in the API.

Who may read them is the views' own (``SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]`` and the
API's authentication classes), not a decorator around them: Django's ``login_required`` sees
only the session.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBase
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.renderers import JSONRenderer


class _SignedIn:
    """A call without any credentials is sent to the login page instead of a 401; another
    refusal is the API's problem+json (in JSON, not in the document's YAML)."""

    request: Any

    def handle_exception(self, exc: Exception) -> HttpResponseBase:
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)  # type: ignore[misc]


class SchemaView(_SignedIn, SpectacularAPIView):
    """The OpenAPI document (the same as docs/openapi.yaml)."""


class DocsView(_SignedIn, SpectacularRedocView):
    """The document rendered by Redoc from Regie's own static files."""

    url_name = "api-schema"
    template_name = "regie/api_docs.html"
