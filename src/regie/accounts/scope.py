"""Access rules: what each role may see.

- ``gemeente``: everything of its region.
- ``aanbieder``: only its own provider's data (contracts, clients, declarations, figures).
- ``raad``: aggregated figures of the region, read-only; no provider-level client data.
- ``relatiebeheerder``: municipality staff for the providers it looks after
  (``managed_agbs``): their scorecards, signals, dialogues and agreements, and the region's
  aggregated figures otherwise (issue 14).

Pages, the API and the CLI ask :func:`scope_for` once and filter with it; nothing else
decides access.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from regie.accounts.models import Role, UserRole


@dataclass(frozen=True)
class Scope:
    role: str
    region_id: int | None
    provider_id: int | None
    provider_agb: str | None
    #: a relationship manager's providers (ids and AGB codes, in the same order)
    managed_ids: tuple[int, ...] = ()
    managed_agbs: tuple[str, ...] = ()

    @property
    def is_municipality(self) -> bool:
        return self.role == Role.MUNICIPALITY

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER

    @property
    def is_council(self) -> bool:
        return self.role == Role.COUNCIL

    @property
    def is_relationship_manager(self) -> bool:
        return self.role == Role.RELATIONSHIP_MANAGER

    @property
    def is_staff(self) -> bool:
        """Municipality staff: the municipality's users, and a relationship manager (within its
        providers)."""
        return self.role in (Role.MUNICIPALITY, Role.RELATIONSHIP_MANAGER)

    def sees_provider(self, agb: str) -> bool:
        """Whether this scope sees the provider-level data of ``agb`` (not the council)."""
        return not self.is_council and bool(self.role) and bool(self.provider_agbs([agb]))

    def provider_codes(self, qs: QuerySet[Any], field: str = "provider") -> QuerySet[Any]:
        """Like :meth:`providers` for a ``field`` that holds the provider's AGB code."""
        return self._restrict(qs, field, self.provider_agb, self.managed_agbs)

    def providers(self, qs: QuerySet[Any], field: str = "provider") -> QuerySet[Any]:
        """Restrict ``qs`` to this scope's provider(s) (no-op for the municipality and council)."""
        return self._restrict(qs, field, self.provider_id, self.managed_ids)

    def provider_level(self, qs: QuerySet[Any], field: str = "provider") -> QuerySet[Any]:
        """Like :meth:`providers`, and none for a scope without provider-level data (the
        council, no role)."""
        if not (self.is_staff or self.is_provider):
            return qs.none()
        return self.providers(qs, field)

    def _restrict(self, qs: QuerySet[Any], field: str, own: Any, managed: tuple[Any, ...]) -> QuerySet[Any]:
        if self.is_provider:
            return qs.filter(**{field: own})
        if self.is_relationship_manager:
            return qs.filter(**{f"{field}__in": managed})
        return qs

    def provider_agbs(self, agbs: list[str]) -> list[str]:
        """Restrict a list of AGB codes to what this scope may see."""
        if self.is_provider:
            return [a for a in agbs if a == self.provider_agb]
        if self.is_relationship_manager:
            return [a for a in agbs if a in self.managed_agbs]
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
    managed: list[tuple[int, str]] = []
    if r.role == Role.RELATIONSHIP_MANAGER:
        managed = list(r.providers.order_by("agb").values_list("pk", "agb"))
    return Scope(
        r.role,
        r.region_id,
        r.provider_id,
        r.provider.agb if r.provider else None,
        tuple(pk for pk, _ in managed),
        tuple(agb for _, agb in managed),
    )
