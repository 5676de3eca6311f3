"""Who may see what (roles), and what was done by whom (audit log).

The tables were created by the ``site`` app and moved here without copying a row
(migration ``accounts.0001_move_from_site``; ADR 0010).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import by_user


class Role(models.TextChoices):
    MUNICIPALITY = "gemeente", _("Gemeente")
    PROVIDER = "aanbieder", _("Aanbieder")
    COUNCIL = "raad", _("Gemeenteraad (alleen lezen)")
    RELATIONSHIP_MANAGER = "relatiebeheerder", _("Relatiebeheerder")


class UserRole(models.Model):
    """A user's role: municipality staff of a region, a provider's user, the council, or a
    relationship manager of the municipality who looks after some providers (``providers``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regie_role", verbose_name=_("gebruiker")
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    region = models.ForeignKey("catalog.Region", on_delete=models.CASCADE, verbose_name=_("regio"))
    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("aanbieder")
    )
    providers = models.ManyToManyField(
        "catalog.Provider", blank=True, related_name="relationship_managers", verbose_name=_("aanbieders in beheer")
    )

    class Meta:
        verbose_name = _("rol van gebruiker")
        verbose_name_plural = _("rollen van gebruikers")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role="aanbieder", provider__isnull=False) | ~models.Q(role="aanbieder")),
                name="provider_role_has_provider",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AuditEvent(models.Model):
    """One action somebody took that changes money or data: who, when, what, why."""

    when = models.DateTimeField(_("tijdstip"), auto_now_add=True)
    user = by_user(_("gebruiker"))
    action = models.CharField(_("actie"), max_length=80)
    subject = models.CharField(_("onderwerp"), max_length=200)
    reason = models.TextField(_("reden"), blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")
        ordering = ["-when"]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.action} {self.subject}"


class ApiToken(models.Model):
    """An API token of a user (``Authorization: Token <t>``), stored as its SHA-256 hash only.

    A user may hold several, each with a name: ``regie users token NAME`` makes the one named
    :data:`regie.accounts.tokens.COMMAND_TOKEN` (a new one replaces it), the account page
    makes others and revokes any. The token itself is shown once, when it is made
    (:func:`regie.accounts.tokens.issue_token`); ``prefix`` (its first characters) lets the
    owner tell which one a system uses, ``last_used`` when it was last used (to the minute).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker")
    )
    name = models.CharField(_("naam"), max_length=100)
    prefix = models.CharField(_("begin van het token"), max_length=12, blank=True)
    digest = models.CharField(_("hash van het token"), max_length=64, unique=True)
    created = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    expires = models.DateTimeField(_("verloopt"))
    last_used = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["user", "-created"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="one_token_name_per_user")]

    def __str__(self) -> str:
        return f"{self.user}: {self.name} (tot {self.expires:%Y-%m-%d})"
