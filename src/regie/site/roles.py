"""Access rules: what each role may see.

- ``gemeente``: everything of its region.
- ``aanbieder``: only its own provider's data (contracts, clients, declarations, figures).
- ``raad``: aggregated figures of the region, read-only; no provider-level client data.

Views ask :func:`scope_for` once and filter with it; nothing else decides access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from regie.site.errors import forbidden
from regie.site.models import Role, UserRole


@dataclass(frozen=True)
class Scope:
    role: str
    region_id: int | None
    provider_id: int | None
    provider_agb: str | None

    @property
    def is_municipality(self) -> bool:
        return self.role == Role.MUNICIPALITY

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER

    @property
    def is_council(self) -> bool:
        return self.role == Role.COUNCIL

    def providers(self, qs: QuerySet[Any], field: str = "provider") -> QuerySet[Any]:
        """Restrict ``qs`` to this scope's provider (no-op for the municipality and council)."""
        if self.is_provider:
            return qs.filter(**{field: self.provider_id})
        return qs

    def provider_agbs(self, agbs: list[str]) -> list[str]:
        """Restrict a list of AGB codes to what this scope may see."""
        if self.is_provider:
            return [a for a in agbs if a == self.provider_agb]
        return agbs


NO_SCOPE = Scope(role="", region_id=None, provider_id=None, provider_agb=None)


def scope_for(user: Any) -> Scope:
    """The scope of a logged-in user; superusers without a role act as municipality staff."""
    if not getattr(user, "is_authenticated", False):
        return NO_SCOPE
    try:
        r = UserRole.objects.select_related("provider").get(user=user)
    except UserRole.DoesNotExist:
        if user.is_superuser:
            return Scope(Role.MUNICIPALITY, None, None, None)
        return NO_SCOPE
    return Scope(r.role, r.region_id, r.provider_id, r.provider.agb if r.provider else None)


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

#: The main navigation: (url name, label, roles that see it). Pages are added as they are built.
NAVIGATION: list[tuple[str, Any, tuple[str, ...]]] = [
    ("home", _("Overzicht"), ALL_ROLES),
    ("grip", _("Budgetgrip"), (Role.MUNICIPALITY, Role.COUNCIL)),
    ("areas", _("Gebieden"), (Role.MUNICIPALITY, Role.COUNCIL)),
    ("providers", _("Aanbieders"), (Role.MUNICIPALITY,)),
    ("providers", _("Mijn scorekaart"), (Role.PROVIDER,)),
    ("signals", _("Signalen"), (Role.MUNICIPALITY, Role.PROVIDER)),
    ("funding", _("Bekostiging"), (Role.MUNICIPALITY, Role.PROVIDER)),
    ("reports", _("Rapportages"), ALL_ROLES),
    ("check", _("Bestand controleren"), (Role.MUNICIPALITY, Role.PROVIDER)),
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
