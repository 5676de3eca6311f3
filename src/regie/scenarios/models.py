"""Saved scenarios with their computed document, and the outcomes of long-stay reviews."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import by_user, pseudonym
from regie.catalog.fields import agb_code, cbs_code, segment_code


class SavedScenario(models.Model):
    """A scenario a controller saved: its changes (the JSON of
    :meth:`regie.engine.scenarios.Scenario.as_dict`) and the document computed for a year
    as of a date (``regie forecast --scenario --years``)."""

    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)
    year = models.PositiveIntegerField(_("jaar"))
    as_of = models.DateField(_("peildatum"))
    years = models.PositiveSmallIntegerField(_("jaren vooruit"), default=0)
    changes = models.JSONField(_("wijzigingen"), default=list)
    result = models.JSONField(_("uitkomst"), default=dict, blank=True)
    created_by = by_user(_("gemaakt door"))
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenario's")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class ReviewOutcome(models.Model):
    """The outcome of a long-stay review of one client's episode (pseudonym only)."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Voortzetten")
        STEP_DOWN = "step_down", _("Afschalen")
        END = "end", _("Beëindigen")

    client = pseudonym()
    episode = models.CharField(_("zorgperiode"), max_length=200)
    municipality = cbs_code()
    segment = segment_code()
    provider = agb_code(_("aanbieder (AGB)"))
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices)
    due = models.DateField(_("uiterlijk op"))
    note = models.TextField(_("toelichting"), blank=True)
    reviewed_on = models.DateField(_("besproken op"))
    recorded_by = by_user(_("vastgelegd door"))
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("uitkomst heroverweging")
        verbose_name_plural = _("uitkomsten heroverweging")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.client} {self.segment}: {self.outcome}"
