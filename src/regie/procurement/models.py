"""Tenders, their requirements, bids with answers and evidence, assessments and the outcome.

A tender buys one segment for one year (unique); the award stores each bid's outcome on the
bid (passed, score, place, selected, reasons) and links the contract it wrote.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import by_user
from regie.catalog.models import Contract, Municipality, Provider, Segment


class Tender(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open voor inschrijving")
        AWARDED = "awarded", _("gegund")

    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="tenders", verbose_name=_("segment"))
    year = models.PositiveIntegerField(_("jaar"))
    max_providers = models.PositiveIntegerField(_("maximum aantal aanbieders"))
    start = models.DateField(_("ingangsdatum contracten"))
    end = models.DateField(_("einddatum contracten"))
    municipalities = models.ManyToManyField(Municipality, related_name="tenders", verbose_name=_("gemeenten"))
    funding = models.JSONField(_("bekostigingsparameters van de contracten"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = by_user(_("aangemaakt door"), related_name="+", blank=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    awarded_by = by_user(_("gegund door"), related_name="+")
    awarded_at = models.DateTimeField(_("gegund op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aanbesteding")
        verbose_name_plural = _("aanbestedingen")
        ordering = ["-year", "segment__code"]
        constraints = [models.UniqueConstraint(fields=["segment", "year"], name="tender_segment_year")]

    def __str__(self) -> str:
        return f"{self.segment.code} {self.year}"


class Requirement(models.Model):
    class Kind(models.TextChoices):
        PASS_FAIL = "pass_fail", _("voldoet / voldoet niet")
        SCORE = "score", _("score")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    code = models.CharField(_("code"), max_length=40)
    text = models.CharField(_("eis"), max_length=300)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    weight = models.FloatField(_("gewicht"), default=1.0)
    minimum = models.FloatField(_("minimum"), null=True, blank=True)

    class Meta:
        verbose_name = _("eis")
        verbose_name_plural = _("eisen")
        ordering = ["tender", "position"]
        constraints = [models.UniqueConstraint(fields=["tender", "code"], name="requirement_code")]

    def __str__(self) -> str:
        return self.code


class Bid(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bids", verbose_name=_("aanbesteding"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="bids", verbose_name=_("aanbieder"))
    answers = models.JSONField(_("antwoorden"), default=dict)
    submitted_by = by_user(_("ingediend door"), related_name="+", blank=False)
    submitted_at = models.DateTimeField(_("ingediend"), auto_now_add=True)
    # The outcome, written by the award
    passed = models.BooleanField(_("door de eisen"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("plaats"), null=True, blank=True)
    selected = models.BooleanField(_("gegund"), default=False)
    reasons = models.JSONField(_("motivering"), default=list, blank=True)
    contract = models.ForeignKey(
        Contract, on_delete=models.SET_NULL, null=True, blank=True, related_name="bids", verbose_name=_("contract")
    )

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        ordering = ["tender", "provider__agb"]
        constraints = [models.UniqueConstraint(fields=["tender", "provider"], name="bid_one_per_provider")]

    def __str__(self) -> str:
        return f"{self.tender} {self.provider.agb}"


class Evidence(models.Model):
    """A file a provider gave as evidence for an answer (kept in the database, like messages)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("inschrijving"))
    requirement = models.CharField(_("eis"), max_length=40, blank=True)
    name = models.CharField(_("bestandsnaam"), max_length=200)
    content_type = models.CharField(_("soort bestand"), max_length=100)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    content = models.BinaryField(_("inhoud"))
    uploaded_by = by_user(related_name="+", blank=False)
    uploaded_at = models.DateTimeField(_("toegevoegd"), auto_now_add=True)

    class Meta:
        verbose_name = _("bewijsstuk")
        verbose_name_plural = _("bewijsstukken")
        ordering = ["bid", "requirement", "pk"]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """One municipality user's marks of a bid; a user assesses a bid at most once."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("inschrijving"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("beoordelaar")
    )
    scores = models.JSONField(_("scores"), default=dict)
    reason = models.TextField(_("motivering"), blank=True)
    at = models.DateTimeField(_("beoordeeld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")
        ordering = ["bid", "at", "pk"]
        constraints = [models.UniqueConstraint(fields=["bid", "assessor"], name="assessment_four_eyes")]

    def __str__(self) -> str:
        return f"{self.bid} / {self.assessor}"
