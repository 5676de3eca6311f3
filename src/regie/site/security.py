"""Web security that is not Django's own: the Content-Security-Policy header, and login throttling.

- :class:`ContentSecurityPolicyMiddleware` sends ``settings.CONTENT_SECURITY_POLICY`` (from
  ``REGIE_CSP``) on every response that has none yet.
- :class:`ThrottledLoginView`: after ``LOGIN_FAILURES_ALLOWED`` failed logins for one user name,
  or four times as many from one client address, within ``LOGIN_PAUSE_SECONDS``, further
  attempts are refused (HTTP 429, without checking the password) until the oldest of them is
  that long ago. Failures are stored in the database (:class:`regie.site.models.FailedLogin`),
  so every server process and thread sees the same count; a successful login clears the user
  name's failures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from regie.site.models import FailedLogin


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")[:45]


def paused_for(username: str, address: str) -> int:
    """Seconds until a login for ``username`` from ``address`` may be tried again (0: now)."""
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_PAUSE_SECONDS)
    allowed = settings.LOGIN_FAILURES_ALLOWED
    recent = FailedLogin.objects.filter(at__gte=since)
    waits = []
    for qs, limit in ((recent.filter(username=username), allowed), (recent.filter(address=address), 4 * allowed)):
        times = list(qs.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            waits.append(int((times[-1] - since).total_seconds()) + 1)
    return max(waits, default=0)


class ThrottledLoginView(LoginView):
    template_name = "regie/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        address = client_address(request)
        wait = paused_for(username, address)
        if wait:
            form = AuthenticationForm(request, data=None)
            context = self.get_context_data(form=form, throttled_minutes=max(1, (wait + 59) // 60))
            return self.render_to_response(context, status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            FailedLogin.objects.filter(username=username).delete()
        else:
            FailedLogin.objects.create(username=username, address=address)
        return response
