"""Roles on the pages: the view decorator that checks them and the navigation each role sees.

Who may see what is decided in :mod:`regie.accounts.scope`; this module only applies it to
the site's views.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from regie.accounts.models import Role
from regie.accounts.scope import scope_for
from regie.site.errors import forbidden


def require_role(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """View decorator: the user must be logged in with one of ``roles``; sets ``request.scope``.

    Anyone else gets the 403 page (:func:`regie.site.errors.forbidden`): an ordinary answer,
    logged as one line without a traceback."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = scope_for(request.user)
            if scope.role not in roles:
                return forbidden(request)
            request.scope = scope  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


ALL_ROLES = (Role.MUNICIPALITY, Role.PROVIDER, Role.COUNCIL)
#: Every role, the relationship manager too: for pages that filter what they show by the
#: scope themselves (home, reports). A new page names its roles; the relationship manager
#: is only let in where the page limits it to its providers.
EVERY_ROLE = (*ALL_ROLES, Role.RELATIONSHIP_MANAGER)
RM = Role.RELATIONSHIP_MANAGER

#: The main navigation: (url name, label, roles that see it). Pages are added as they are built.
NAVIGATION: list[tuple[str, Any, tuple[str, ...]]] = [
    ("home", _("Overzicht"), EVERY_ROLE),
    ("grip", _("Budgetgrip"), (Role.MUNICIPALITY, Role.COUNCIL, RM)),
    ("areas", _("Gebieden"), (Role.MUNICIPALITY, Role.COUNCIL, RM)),
    ("cross-domain", _("Cliënt over domeinen"), (Role.MUNICIPALITY,)),
    ("providers", _("Aanbieders"), (Role.MUNICIPALITY, RM)),
    ("providers", _("Mijn scorekaart"), (Role.PROVIDER,)),
    ("dialogues", _("Gesprekken"), (Role.MUNICIPALITY, Role.PROVIDER, RM)),
    ("signals", _("Signalen"), (Role.MUNICIPALITY, Role.PROVIDER, RM)),
    ("opportunity-dossiers", _("Kansen en risico's"), EVERY_ROLE),
    ("waiting-list", _("Wachtlijst"), ALL_ROLES),
    ("funding", _("Bekostiging"), (Role.MUNICIPALITY, Role.PROVIDER)),
    ("tenders", _("Inkoop"), (Role.MUNICIPALITY, Role.PROVIDER)),
    ("scenarios", _("Scenario's"), (Role.MUNICIPALITY, Role.COUNCIL)),
    ("long-stays", _("Langdurige zorg"), (Role.MUNICIPALITY, Role.PROVIDER)),
    ("reports", _("Rapportages"), EVERY_ROLE),
    ("check", _("Bestand controleren"), (Role.MUNICIPALITY, Role.PROVIDER)),
    ("upload", _("Bestanden aanleveren"), (Role.MUNICIPALITY, Role.PROVIDER)),
]


def role_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the user's scope and the navigation entries it may use."""
    scope = scope_for(getattr(request, "user", None))
    items = []
    for name, label, roles in NAVIGATION:
        if scope.role in roles:
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            active = request.path == url or (url != "/" and request.path.startswith(url))
            items.append({"url": url, "label": label, "active": active})
    return {"scope": scope, "navigation": items}
