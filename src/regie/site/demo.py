"""The demo's users, one per role (domain.md section 12), password ``regie-demo``.

``relatiebeheer`` is a relationship manager (issue 14) who looks after the demo provider's
provider and the provider with the highest AGB code, so the demo shows both sides of a
dialogue and a manager who does not see every provider. ``inkoper`` is a second municipality
user: the other pair of eyes on every bid of the tender history (regie.procurement.history),
with which one can assess and award a tender of one's own beside ``gemeente``."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from regie.accounts.models import Role, UserRole
from regie.accounts.users import add_user
from regie.catalog.models import Provider, Region

DEMO_PASSWORD = "regie-demo"
DEMO_USERS = ("gemeente", "inkoper", "aanbieder", "raad", "relatiebeheer")

#: Descriptions of a demo user that its role alone does not give.
_DESCRIBED = {"inkoper": "Gemeente (inkoper, tweede beoordelaar van de aanbestedingen)"}


@transaction.atomic
def create_demo_users(provider_agb: str | None = None) -> dict[str, str]:
    """Create (or reset) ``gemeente``, ``inkoper``, ``aanbieder``, ``raad`` and
    ``relatiebeheer``; return login -> description.

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
        "inkoper": (Role.MUNICIPALITY, None, "Ingrid", "Inkoper"),
        "aanbieder": (Role.PROVIDER, provider, "Aart", "Aanbieder"),
        "raad": (Role.COUNCIL, None, "Roos", "Raadslid"),
    }
    out = {}
    for username, (role, prov, first, last) in users.items():
        add_user(username, role, provider=prov.agb if prov else None, password=DEMO_PASSWORD)
        get_user_model().objects.filter(username=username).update(first_name=first, last_name=last, is_superuser=False)
        out[username] = _DESCRIBED.get(username) or _description(role, prov)
    last_agb = Provider.objects.order_by("-agb").values_list("agb", flat=True).first()
    managed = sorted({provider.agb, last_agb or provider.agb})
    add_user("relatiebeheer", Role.RELATIONSHIP_MANAGER, providers=managed, password=DEMO_PASSWORD)
    get_user_model().objects.filter(username="relatiebeheer").update(
        first_name="Rik", last_name="Relatiebeheerder", is_superuser=False
    )
    out["relatiebeheer"] = _description(Role.RELATIONSHIP_MANAGER, None, Provider.objects.filter(agb__in=managed))
    return out


def give_demo_password() -> list[str]:
    """Give the demo password to the demo users that have no usable one (``inkoper`` of a demo
    database built before it was a demo user: the tender history made it without); a password
    that was set is left alone. Returns their names."""
    given = []
    for user in get_user_model().objects.filter(username__in=DEMO_USERS).order_by("username"):
        if not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            given.append(user.username)
    return given


def _description(role: str, provider: Provider | None, managed: Iterable[Provider] = ()) -> str:
    if role == Role.PROVIDER and provider is not None:
        return f"Aanbieder {provider.name}"
    if role == Role.RELATIONSHIP_MANAGER:
        return "Relatiebeheerder van " + " en ".join(p.name for p in managed)
    return {Role.MUNICIPALITY: "Gemeente (contractmanager)", Role.COUNCIL: "Gemeenteraad (alleen lezen)"}.get(
        role, str(role)
    )


def demo_users() -> dict[str, str]:
    """The demo's users as they are stored (login -> description), without changing them."""
    rows = (
        UserRole.objects.filter(user__username__in=DEMO_USERS)
        .select_related("user", "provider")
        .prefetch_related("providers")
    )
    found = {
        r.user.username: _DESCRIBED.get(r.user.username)
        or _description(r.role, r.provider, r.providers.order_by("agb"))
        for r in rows
    }
    return {name: found[name] for name in DEMO_USERS if name in found}
