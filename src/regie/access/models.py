"""The shared waiting list as stored: one :class:`Registration` per request for care.

A registration comes from the registration point (municipality staff or a core partner, on
the page or through the API), from a provider's request for allocation (315) or from the CSV
of an existing waiting list (both stored by ``regie.traffic`` as requests first). The client
is a pseudonym only: a BSN given on input is pseudonymised before anything is stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import by_user, pseudonym
from regie.engine import access as rules
from regie.messages.codes import REFERRER_TYPES


class Urgency(models.TextChoices):
    CRISIS = rules.CRISIS, _("crisis")
    URGENT = rules.URGENT, _("urgent")
    NORMAL = rules.NORMAL, _("regulier")


class Status(models.TextChoices):
    WAITING = rules.WAITING, _("wachtend")
    ASSIGNED = rules.ASSIGNED, _("toegewezen")
    STARTED = rules.STARTED, _("gestart")
    WITHDRAWN = rules.WITHDRAWN, _("ingetrokken")


class Source(models.TextChoices):
    REGISTRATION_POINT = "registration_point", _("aanmeldpunt")
    REQUEST_315 = "315", _("verzoek om toewijzing (315)")
    CSV = "csv", _("wachtlijstbestand (CSV)")


REFERRERS = [(code, f"{code} {label}") for code, label in REFERRER_TYPES.items()]


class Registration(models.Model):
    """One request for care on the shared waiting list of a segment."""

    municipality = models.ForeignKey(
        "catalog.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeente")
    )
    segment = models.ForeignKey(
        "catalog.Segment", on_delete=models.PROTECT, related_name="+", verbose_name=_("segment")
    )
    client = pseudonym()
    urgency = models.CharField(_("urgentie"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    area = models.CharField(_("gebied"), max_length=100, blank=True)
    referrer = models.CharField(_("verwijzer (COD327)"), max_length=2, choices=REFERRERS, blank=True)
    product_category = models.CharField(_("productcategorie"), max_length=2, blank=True)
    registered_on = models.DateField(_("aangemeld op"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    source = models.CharField(_("bron"), max_length=20, choices=Source.choices, default=Source.REGISTRATION_POINT)
    #: the stored request (315 or CSV row) it was taken from: ``<kind>|<municipality>|<request id>``
    source_key = models.CharField(_("bronsleutel"), max_length=100, null=True, blank=True, unique=True)
    provider = models.ForeignKey(
        "catalog.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aanbieder"),
    )
    confirmed = models.BooleanField(
        _("bevestigd"), default=True, help_text=_("Een claim van een kernpartner is bevestigd door de gemeente.")
    )
    note = models.TextField(_("toelichting"), blank=True)
    assigned_on = models.DateField(_("toegewezen op"), null=True, blank=True)
    started_on = models.DateField(_("gestart op"), null=True, blank=True)
    start_message = models.CharField(_("gestart met"), max_length=3, blank=True)  # "301" | "305"
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reden intrekking"), blank=True)
    registered_by = by_user(_("aangemeld door"), related_name="+")
    created_at = models.DateTimeField(_("vastgelegd"), auto_now_add=True)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["registered_on", "pk"]
        indexes = [
            models.Index(fields=["segment", "status"], name="registration_list"),
            models.Index(fields=["client"], name="registration_client"),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}/{self.pk} {self.registered_on:%Y-%m-%d} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATUSES

    def entry(self, segment_norm_days: int = rules.DEFAULT_NORM_DAYS) -> rules.Entry:
        """The registration as the rules see it (:class:`regie.engine.access.Entry`)."""
        return rules.Entry(
            id=self.pk,
            client=self.client,
            segment=self.segment.code,
            urgency=self.urgency,
            registered_on=self.registered_on,
            status=self.status,
            started_on=self.started_on,
            withdrawn_on=self.withdrawn_on,
            segment_norm_days=segment_norm_days,
            provider=self.provider.agb if self.provider_id else None,
        )
