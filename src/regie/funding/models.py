"""The stored payment ledger and the decisions that change what is due.

:class:`LedgerLine` rows are written once and never changed: when new messages or decisions
change what the funding rules make due, :func:`regie.funding.services.refresh_ledger` books
the difference as correction lines (``regie.engine.funding.reconcile``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.catalog.fields import CONTRACT_IDENT_LENGTH, agb_code, cbs_code, segment_code
from regie.catalog.models import Contract, Segment


class LedgerLine(models.Model):
    """One booked payment line (``regie.engine.funding.PaymentLine``)."""

    year = models.PositiveIntegerField(_("jaar"))
    contract = models.CharField(_("contract"), max_length=CONTRACT_IDENT_LENGTH)
    provider = agb_code()
    segment = segment_code()
    municipality = cbs_code()
    month = models.DateField(_("maand"))
    kind = models.CharField(_("soort"), max_length=20)
    rule = models.CharField(_("regel"), max_length=60)
    amount_cents = models.BigIntegerField(_("bedrag (cent)"))
    ref = models.CharField(_("kenmerk"), max_length=120, blank=True)
    detail = models.JSONField(_("berekening"), default=dict, blank=True)
    booked_on = models.DateField(_("geboekt op"))

    class Meta:
        verbose_name = _("regel van het betaalgrootboek")
        verbose_name_plural = _("betaalgrootboek")
        ordering = ["year", "contract", "municipality", "month", "pk"]
        indexes = [
            models.Index(fields=["year", "provider"], name="ledger_year_provider"),
            models.Index(fields=["year", "segment"], name="ledger_year_segment"),
        ]


class InflowRequest(models.Model):
    """A provider's request to raise its agreed clients (instroom boven afspraak, Venlo)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in behandeling")
        APPROVED = "approved", _("goedgekeurd")
        REJECTED = "rejected", _("afgewezen")

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="inflow_requests", verbose_name=_("contract")
    )
    month = models.DateField(_("vanaf maand"))
    current_clients = models.PositiveIntegerField(_("cliënten nu in zorg"))
    expected_clients = models.PositiveIntegerField(_("verwachte cliënten dit jaar"))
    requested_clients = models.PositiveIntegerField(_("gevraagd afgesproken aantal"))
    justification = models.TextField(_("onderbouwing"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("ingediend"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("besloten"), null=True, blank=True)
    decision_reason = models.TextField(_("reden besluit"), blank=True)

    class Meta:
        verbose_name = _("verzoek instroom boven afspraak")
        verbose_name_plural = _("verzoeken instroom boven afspraak")
        ordering = ["-filed_at"]


class CapacityReallocation(models.Model):
    """Capacity moved between two providers within a segment (herverdeling, Tilburg)."""

    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, verbose_name=_("segment"))
    from_contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="+", verbose_name=_("van contract")
    )
    to_contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="+", verbose_name=_("naar contract")
    )
    month = models.DateField(_("vanaf maand"))
    clients = models.PositiveIntegerField(_("cliënten"), default=0)
    amount_cents = models.BigIntegerField(_("bedrag (cent)"), default=0)
    reason = models.TextField(_("reden"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("besloten"), auto_now_add=True)

    class Meta:
        verbose_name = _("herverdeling van capaciteit")
        verbose_name_plural = _("herverdelingen van capaciteit")
        ordering = ["-decided_at"]
