"""The site's own records: failed logins (:mod:`regie.site.security`).

Roles, users' roles and the audit log live in :mod:`regie.accounts.models`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedLogin(models.Model):
    """A failed login: counted per user name and per client address to pause guessing
    (:mod:`regie.site.security`); removed for the user name by a successful login."""

    username = models.CharField(_("gebruikersnaam"), max_length=150, db_index=True)
    address = models.CharField(_("adres"), max_length=45, db_index=True)
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("mislukte inlogpoging")
        verbose_name_plural = _("mislukte inlogpogingen")
