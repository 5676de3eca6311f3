"""API tokens: made for a user by ``regie users token NAME`` or on the account page, sent as
``Authorization: Token <t>`` (domain.md section 12), stored only as a SHA-256 hash.

A token is 32 random bytes (URL-safe base64): guessing one is hopeless, so a plain hash is
enough to make a stolen database useless for calling the API (no slow password hash needed,
and a lookup by hash is one indexed query). A token lasts ``REGIE_TOKEN_DAYS`` days (default
90). A user may hold several, each with a name; the command makes the one named
:data:`COMMAND_TOKEN` (a new one replaces it), the account page makes others by name and
revokes any. Besides the hash only the token's first :data:`PREFIX_LENGTH` characters are
kept (so its owner can tell tokens apart; the rest still holds over 200 random bits), and
when it was last used (written at most once a minute per token). A wrong, expired or replaced token, or one of a user who is
no longer active, answers 401 with a problem+json body, like a call without one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from regie.accounts.models import ApiToken

KEYWORD = "Token"
#: The name of the token ``regie users token NAME`` makes (a new one replaces it).
COMMAND_TOKEN = "regie users token"
PREFIX_LENGTH = 8
#: How long a token's ``last_used`` may lag behind its use (one write a minute, not per call).
LAST_USED_STEP = dt.timedelta(minutes=1)


def digest(token: str) -> str:
    """The stored form of a token.

    >>> digest("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: Any, name: str = COMMAND_TOKEN, now: dt.datetime | None = None) -> tuple[str, dt.datetime]:
    """A new token ``name`` for ``user`` (the user's old token of that name stops working) and
    when it expires."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(days=settings.TOKEN_DAYS)
    ApiToken.objects.update_or_create(
        user=user,
        name=name,
        defaults={"digest": digest(token), "prefix": token[:PREFIX_LENGTH], "expires": expires, "last_used": None},
    )
    return token, expires


def revoke_token(user: Any, pk: int) -> ApiToken | None:
    """Delete ``user``'s token ``pk``; None when the user has no such token (another user's
    token is not found either)."""
    row = ApiToken.objects.filter(user=user, pk=pk).first()
    if row is not None:
        row.delete()
    return row


def user_for_token(token: str, now: dt.datetime | None = None) -> Any:
    """The active user whose valid token this is; :class:`AuthenticationFailed` otherwise.
    Notes when the token was used (at most once per :data:`LAST_USED_STEP`)."""
    now = now or timezone.now()
    try:
        row = ApiToken.objects.select_related("user").get(digest=digest(token))
    except ApiToken.DoesNotExist:
        raise exceptions.AuthenticationFailed(_("Onbekend, ingetrokken of vervangen token.")) from None
    if row.expires <= now:
        raise exceptions.AuthenticationFailed(_("Het token is verlopen; vraag een nieuw aan (regie users token)."))
    if not row.user.is_active:
        raise exceptions.AuthenticationFailed(_("Deze gebruiker is niet actief."))
    if row.last_used is None or row.last_used <= now - LAST_USED_STEP:
        try:
            ApiToken.objects.filter(pk=row.pk).update(last_used=now)
        except OperationalError:  # SQLite locked by a long write (an upload's ingest): the note can wait
            pass
    return row.user


class TokenAuthentication(authentication.BaseAuthentication):
    """DRF authentication by ``Authorization: Token <t>``; without that header it passes, so
    the session (the web app) can authenticate instead."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Ongeldige Authorization-header: verwacht 'Token <token>'."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Het token bevat ongeldige tekens.")) from None
        return user_for_token(token), None

    def authenticate_header(self, request: Any) -> str:
        """Makes DRF answer 401 (not 403) to a call without credentials."""
        return KEYWORD


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI document (``securitySchemes.tokenAuth``)."""

    target_class = "regie.accounts.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`; een token maakt u met `regie users token NAAM`.",
        }
