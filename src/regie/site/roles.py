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

#: The main navigation: menus of (url name, label, roles that see it, other paths of the page's
#: section). A menu is (label, entries, labels for a role where the menu is named otherwise).
#: A role sees a menu when it sees one of its entries; a menu with one entry for the role is
#: shown as that link. Pages are added as they are built; who may open a page is decided by
#: its view, the menu only offers it to the roles that may.
Entry = tuple[str, Any, tuple[str, ...], tuple[str, ...]]
MENUS: list[tuple[Any, tuple[Entry, ...], dict[str, Any]]] = [
    (_("Overzicht"), (("home", _("Overzicht"), EVERY_ROLE, ()),), {}),
    (
        _("Sturing"),
        (
            ("grip", _("Budgetgrip"), (Role.MUNICIPALITY, Role.COUNCIL, RM), ()),
            ("areas", _("Gebieden"), (Role.MUNICIPALITY, Role.COUNCIL, RM), ()),
            ("scenarios", _("Scenario's"), (Role.MUNICIPALITY, Role.COUNCIL), ()),
        ),
        {},
    ),
    (
        _("Cliënten"),
        (
            ("waiting-list", _("Wachtlijst"), ALL_ROLES, ()),
            ("long-stays", _("Langdurige zorg"), (Role.MUNICIPALITY, Role.PROVIDER), ()),
            ("cross-domain", _("Cliënt over domeinen"), (Role.MUNICIPALITY,), ()),
        ),
        {},
    ),
    (
        _("Aanbieders"),
        (
            ("providers", _("Aanbieders"), (Role.MUNICIPALITY, RM), ()),
            ("providers", _("Mijn scorekaart"), (Role.PROVIDER,), ()),
            ("dialogues", _("Gesprekken"), (Role.MUNICIPALITY, Role.PROVIDER, RM), ("/afspraken",)),
            ("opportunity-dossiers", _("Kansen en risico's"), EVERY_ROLE, ("/risicodossiers/",)),
        ),
        {Role.PROVIDER.value: _("Samenwerking")},
    ),
    (
        _("Inkoop en bekostiging"),
        (
            ("tenders", _("Inkoop"), (Role.MUNICIPALITY, Role.PROVIDER), ()),
            ("funding", _("Bekostiging"), (Role.MUNICIPALITY, Role.PROVIDER), ()),
        ),
        {},
    ),
    (
        _("Gegevens"),
        (
            ("signals", _("Signalen"), (Role.MUNICIPALITY, Role.PROVIDER, RM), ("/berichten/",)),
            ("upload", _("Bestanden aanleveren"), (Role.MUNICIPALITY, Role.PROVIDER), ()),
            ("check", _("Bestand controleren"), (Role.MUNICIPALITY, Role.PROVIDER), ()),
        ),
        {},
    ),
    (_("Rapportages"), (("reports", _("Rapportages"), EVERY_ROLE, ()),), {}),
]


def _matches(path: str, url: str, also: tuple[str, ...]) -> int:
    """How long the prefix of ``path`` is that makes ``url`` (or one of ``also``) its section;
    0 when it is not (the home page only for itself)."""
    if path == url:
        return len(url) + 1
    return max((len(p) for p in (url, *also) if p != "/" and path.startswith(p)), default=0)


def navigation(role: str | None, path: str) -> list[dict[str, Any]]:
    """The menus ``role`` sees on the page at ``path``: each with its label, its links (url,
    label, active) and whether the page is in it; the page is the entry whose address is the
    longest start of ``path`` (``/inkoop/contracten/`` is Inkoop's)."""
    menus = []
    for label, entries, labels in MENUS:
        items = []
        for name, text, roles, also in entries:
            if role not in roles:
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": text, "match": _matches(path, url, also), "active": False})
        if items:
            menus.append({"label": labels.get(str(role), label), "items": items, "active": False})
    best = max((item["match"] for menu in menus for item in menu["items"]), default=0)
    for menu in menus:
        for item in menu["items"]:
            if best and item["match"] == best:
                item["active"] = menu["active"] = True
    return menus


def role_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the user's scope and the menus of the navigation it may use."""
    scope = scope_for(getattr(request, "user", None))
    return {"scope": scope, "navigation": navigation(scope.role, request.path)}
