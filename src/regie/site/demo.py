"""The demo's users, one per role (domain.md section 12), password ``regie-demo``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from regie.accounts.models import Role, UserRole
from regie.accounts.users import add_user
from regie.catalog.models import Provider, Region

DEMO_PASSWORD = "regie-demo"
DEMO_USERS = ("gemeente", "aanbieder", "raad")


@transaction.atomic
def create_demo_users(provider_agb: str | None = None) -> dict[str, str]:
    """Create (or reset) ``gemeente``, ``aanbieder`` and ``raad``; return login -> description.

    Made as ``regie users add`` makes users (:func:`regie.accounts.users.add_user`). The
    provider user is bound to ``provider_agb``, or else to the provider with the most
    contracts (ties broken by AGB code), so that it has something to see.
    """
    region = Region.objects.order_by("pk").first()
    if region is None:
        raise ValueError("load a catalog before creating the demo users")
    if provider_agb:
        provider = Provider.objects.get(agb=provider_agb)
    else:
        provider = Provider.objects.annotate(n=Count("contracts")).order_by("-n", "agb").first()
    if provider is None:
        raise ValueError("the catalog has no providers")
    users = {
        "gemeente": (Role.MUNICIPALITY, None, "Gea", "Gemeente"),
        "aanbieder": (Role.PROVIDER, provider, "Aart", "Aanbieder"),
        "raad": (Role.COUNCIL, None, "Roos", "Raadslid"),
    }
    out = {}
    for username, (role, prov, first, last) in users.items():
        add_user(username, role, provider=prov.agb if prov else None, password=DEMO_PASSWORD)
        get_user_model().objects.filter(username=username).update(first_name=first, last_name=last, is_superuser=False)
        out[username] = _description(role, prov)
    return out


def _description(role: str, provider: Provider | None) -> str:
    if role == Role.PROVIDER and provider is not None:
        return f"Aanbieder {provider.name}"
    return {Role.MUNICIPALITY: "Gemeente (contractmanager)", Role.COUNCIL: "Gemeenteraad (alleen lezen)"}.get(
        role, str(role)
    )


def demo_users() -> dict[str, str]:
    """The demo's users as they are stored (login -> description), without changing them."""
    rows = UserRole.objects.filter(user__username__in=DEMO_USERS).select_related("user", "provider")
    found = {r.user.username: _description(r.role, r.provider) for r in rows}
    return {name: found[name] for name in DEMO_USERS if name in found}
