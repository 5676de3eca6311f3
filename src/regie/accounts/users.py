"""Users and their roles, as ``regie users add`` makes them (domain.md section 12).

A user is found by name: adding one that exists updates its role and providers (idempotent),
and sets its password only when one is given. The region is the catalog's (one region per
database); providers are named by AGB code and must be in the catalog. The catalog's models are reached through :class:`UserRole`'s
foreign keys: accounts is the bottom layer of the shell and imports no other app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from regie.accounts.models import Role, UserRole


class UserError(ValueError):
    """Input that cannot make a user: the reason, in Dutch, for the person at the terminal."""


@dataclass(frozen=True)
class AddedUser:
    name: str
    role: str
    provider: str | None
    providers: tuple[str, ...] = field(default=())
    created: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "user": self.name,
            "role": self.role,
            "provider": self.provider,
            "providers": list(self.providers),
            "created": self.created,
        }


def check_role_arguments(role: str, provider: str | None, providers: Sequence[str]) -> str | None:
    """What is wrong with this combination of role and providers (None: nothing).

    >>> check_role_arguments("aanbieder", None, [])
    '--role aanbieder vraagt --provider AGB'
    >>> check_role_arguments("gemeente", None, ["12345678"]) is None
    False
    """
    if role not in Role.values:
        return f"onbekende rol '{role}' (kies uit {', '.join(Role.values)})"
    if role == Role.PROVIDER and not provider:
        return "--role aanbieder vraagt --provider AGB"
    if role != Role.PROVIDER and provider:
        return "--provider hoort alleen bij --role aanbieder"
    if role != Role.RELATIONSHIP_MANAGER and providers:
        return "--providers hoort alleen bij --role relatiebeheerder"
    return None


def _related(field_name: str) -> Any:
    """The model a :class:`UserRole` field points at (the catalog's, known by its label only)."""
    return UserRole._meta.get_field(field_name).related_model


def _providers(agbs: Sequence[str]) -> list[Any]:
    found = {p.agb: p for p in _related("provider").objects.filter(agb__in=list(agbs))}
    missing = [a for a in agbs if a not in found]
    if missing:
        raise UserError(f"aanbieder(s) niet in de catalogus: {', '.join(missing)}")
    return [found[a] for a in dict.fromkeys(agbs)]


@transaction.atomic
def add_user(
    name: str,
    role: str,
    *,
    provider: str | None = None,
    providers: Sequence[str] = (),
    password: str | None = None,
) -> AddedUser:
    """Make or update the user ``name`` with ``role`` (see the module docstring)."""
    problem = check_role_arguments(role, provider, providers)
    if problem:
        raise UserError(problem)
    if not name.strip():
        raise UserError("een gebruikersnaam mag niet leeg zijn")
    region = _related("region").objects.order_by("pk").first()
    if region is None:
        raise UserError("de database heeft nog geen regio: laad eerst een catalogus (regie catalog load FILE)")
    own = _providers([provider])[0] if provider else None
    managed = _providers(providers)
    User = get_user_model()
    user, created = User.objects.get_or_create(username=name)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise UserError("wachtwoord afgekeurd: " + " ".join(exc.messages)) from None
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.is_staff = role == Role.MUNICIPALITY
    user.save()
    user_role, _ = UserRole.objects.update_or_create(
        user=user, defaults={"role": role, "region": region, "provider": own}
    )
    user_role.providers.set(managed)
    return AddedUser(name, role, provider, tuple(p.agb for p in managed), created)


def find_user(name: str) -> Any:
    """The user ``name`` with a Regie role; :class:`UserError` when there is none."""
    try:
        user = get_user_model().objects.get(username=name)
    except get_user_model().DoesNotExist:
        raise UserError(f"gebruiker '{name}' bestaat niet (maak hem met regie users add)") from None
    if not UserRole.objects.filter(user=user).exists() and not user.is_superuser:
        raise UserError(f"gebruiker '{name}' heeft geen rol (geef hem een met regie users add)")
    return user
