"""Opportunity dossiers, the clients they reached, and the risks providers name.

An :class:`OpportunityDossier` is a joint proposal of two or more providers for money from the
year's innovation fund (:class:`regie.catalog.models.InnovationFund`); its assessment and
decision are fields of its own (one decision a dossier), and an award keeps the values of the
named indicators for its providers on the day (``baseline``), so its results compare them
with now. A :class:`Risk` is one entry of a provider's risk dossier for one contract. The rules
are :mod:`regie.engine.dossiers`; who may do what :mod:`regie.dossiers.services`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import by_user, pseudonym
from regie.engine import dossiers as rules
from regie.relations.models import Owner


class OpportunityDossier(models.Model):
    """A kansendossier: title, business case, requested amount, indicators to follow."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("ingediend")
        AWARDED = "awarded", _("toegekend")
        REJECTED = "rejected", _("afgewezen")

    title = models.CharField(_("titel"), max_length=200)
    year = models.PositiveIntegerField(_("fondsjaar"))
    providers = models.ManyToManyField(
        "catalog.Provider", related_name="opportunity_dossiers", verbose_name=_("samenwerkende aanbieders")
    )
    #: the first provider named (penvoerder): the award is paid to it
    lead = models.ForeignKey(
        "catalog.Provider", on_delete=models.PROTECT, related_name="+", verbose_name=_("penvoerder")
    )
    goals = models.TextField(_("doelen"))
    client_group = models.TextField(_("doelgroep"), blank=True)
    approach = models.TextField(_("aanpak"), blank=True)
    period = models.CharField(_("looptijd"), max_length=200, blank=True)
    requested_cents = models.BigIntegerField(_("gevraagd bedrag (cent)"))
    indicators = models.JSONField(_("te volgen indicatoren"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = by_user(related_name="+")
    submitted_at = models.DateTimeField(_("ingediend op"), auto_now_add=True)
    # the assessment and decision
    cooperation = models.PositiveSmallIntegerField(_("score samenwerking"), null=True, blank=True)
    innovation = models.PositiveSmallIntegerField(_("score innovatie"), null=True, blank=True)
    acceleration = models.PositiveSmallIntegerField(_("score versnelling"), null=True, blank=True)
    regular_service = models.BooleanField(_("reguliere dienstverlening"), null=True, blank=True)
    regular_service_reason = models.TextField(_("toelichting innovatief of regulier"), blank=True)
    awarded_cents = models.BigIntegerField(_("toegekend bedrag (cent)"), default=0)
    reason = models.TextField(_("reden van het besluit"), blank=True)
    decided_by = by_user(related_name="+")
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    #: provider -> segment -> indicator key -> value, from the scorecard snapshot of the award day
    baseline = models.JSONField(_("indicatoren bij toekenning"), default=dict, blank=True)
    baseline_as_of = models.DateField(_("peildatum bij toekenning"), null=True, blank=True)

    class Meta:
        verbose_name = _("kansendossier")
        verbose_name_plural = _("kansendossiers")
        ordering = ["-year", "-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def decision(self) -> str | None:
        return None if self.status == self.Status.SUBMITTED else self.status

    @property
    def agbs(self) -> list[str]:
        return [p.agb for p in self.providers.all()]


class DossierClient(models.Model):
    """A client a dossier reached, as one of its providers reported it (pseudonym only)."""

    class EndReason(models.TextChoices):
        COMMUNITY = "voorliggend_veld", _("voorliggend veld")
        STEP_DOWN = "afschaling", _("afschaling")
        OTHER = "overig", _("overig")

    dossier = models.ForeignKey(OpportunityDossier, on_delete=models.CASCADE, related_name="clients")
    provider = models.ForeignKey("catalog.Provider", on_delete=models.PROTECT, related_name="+")
    client = pseudonym()
    start = models.DateField(_("begin"))
    end = models.DateField(_("einde"), null=True, blank=True)
    end_reason = models.CharField(_("reden einde"), max_length=20, choices=EndReason.choices, blank=True)
    reported_at = models.DateTimeField(_("gemeld op"), auto_now=True)

    class Meta:
        verbose_name = _("cliënt van een kansendossier")
        verbose_name_plural = _("cliënten van kansendossiers")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "provider", "client", "start"], name="dossier_client_key")
        ]

    def to_core(self) -> rules.DossierClient:
        return rules.DossierClient(self.client, self.provider.agb, self.start, self.end, self.end_reason or None)


class Risk(models.Model):
    """One risk of a provider's risk dossier for a contract (risicodossier)."""

    Owner = Owner  # the choices of regie.relations.models, also by this name

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MITIGATED = "mitigated", _("beheerst")
        CLOSED = "closed", _("afgesloten")

    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.PROTECT, related_name="risks", verbose_name=_("aanbieder")
    )
    contract = models.ForeignKey(
        "catalog.Contract", on_delete=models.PROTECT, related_name="risks", verbose_name=_("contract")
    )
    risk = models.TextField(_("risico"))
    owner = models.CharField(_("eigenaar"), max_length=20, choices=Owner.choices)
    likelihood = models.PositiveSmallIntegerField(_("kans (1-5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1-5)"))
    measures = models.TextField(_("beheersmaatregelen"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    review_on = models.DateField(_("herzien op"))
    created_by = by_user(related_name="+")
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("risico")
        verbose_name_plural = _("risico's")
        ordering = ["provider__name", "contract__ident", "-likelihood", "-impact", "pk"]

    def __str__(self) -> str:
        return f"{self.provider.agb} {self.contract.ident}: {self.risk[:40]}"

    @property
    def score(self) -> int:
        return rules.risk_score(self.likelihood, self.impact)

    @property
    def level(self) -> str:
        return rules.risk_level(self.likelihood, self.impact)

    def as_rule(self) -> dict[str, object]:
        """The fields the engine's risk rules read."""
        return {
            "id": self.pk,
            "contract": self.contract.ident,
            "risk": self.risk,
            "owner": self.owner,
            "likelihood": self.likelihood,
            "impact": self.impact,
            "measures": self.measures,
            "status": self.status,
            "review_on": self.review_on,
        }
