"""Users with a role, and test clients logged in as them.

Users are made the way ``regie users add`` makes them (:func:`regie.accounts.users.add_user`),
so a catalog must be loaded first (see ``tests/catalog/factories.py``). Every user gets the
demo's password unless a test gives another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from regie.accounts.models import Role
from regie.accounts.users import add_user
from regie.site.demo import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "Role", "client_for", "user"]


def user(
    name: str,
    role: str = Role.MUNICIPALITY,
    *,
    provider: str | None = None,
    providers: Sequence[str] = (),
    password: str | None = DEMO_PASSWORD,
) -> Any:
    """The user ``name`` with ``role``: ``provider`` is the AGB code of an aanbieder's own
    provider, ``providers`` those a relatiebeheerder manages; ``password=None`` leaves the
    user without one (only a token logs in)."""
    add_user(name, role, provider=provider, providers=providers, password=password)
    return get_user_model().objects.get(username=name)


def client_for(username: str, password: str = DEMO_PASSWORD) -> Client:
    """A test client logged in as ``username`` (the login must succeed)."""
    client = Client()
    assert client.login(username=username, password=password), f"{username} cannot log in"
    return client
