"""Fields that name a person on a record of any app: the user who did something, and a client.

- :func:`by_user`: the user who created, decided, recorded or changed a record. The record
  outlives the account: when the user is deleted the reference becomes empty
  (``SET_NULL``). A decision that must keep who took it (money: an inflow request, a
  reallocation; a four-eyes assessment) protects its user instead and does not use this.
- :func:`pseudonym`: a client, by pseudonym only (design.md, personal data): the keyed
  HMAC-SHA256 of :func:`regie.messages.bsn.pseudonym`, 64 hexadecimal digits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: The length of a client's pseudonym (a SHA-256 digest in hexadecimal).
PSEUDONYM_LENGTH = 64


def by_user(verbose_name: Any = None, *, related_name: str | None = None, blank: bool = True) -> models.ForeignKey:
    """The user who did something to the record; empty when unknown or the account is gone."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def pseudonym(**options: Any) -> models.CharField:
    """A client's pseudonym (``options``: ``blank`` where a record may name no client)."""
    return models.CharField(_("cliënt (pseudoniem)"), max_length=PSEUDONYM_LENGTH, **options)
