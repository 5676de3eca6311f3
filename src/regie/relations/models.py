"""Dialogues with providers, their agenda, notes and agreements (domain.md section 10).

A :class:`Dialogue` keeps the agenda it was planned with (``agenda``: the items built from
the stored snapshots of that day, :mod:`regie.relations.agenda`) and the scorecard snapshot it
came from, so it shows the figures of its day also when later data changes them. Agenda items
added by people, notes and agreements are rows of their own; an :class:`Agreement` is carried
to the provider's next agendas until the municipality has confirmed it done
(:func:`regie.engine.relations.carried_over`).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import by_user
from regie.engine import relations as rules


class Owner(models.TextChoices):
    """Who must act on an agreement of a dialogue, or on a risk of a risk dossier
    (:class:`regie.dossiers.models.Risk`): the provider or the municipality."""

    PROVIDER = "provider", _("aanbieder")
    MUNICIPALITY = "municipality", _("gemeente")


class Dialogue(models.Model):
    """One conversation with a provider on a day."""

    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.PROTECT, related_name="dialogues", verbose_name=_("aanbieder")
    )
    date = models.DateField(_("datum"))
    snapshot = models.ForeignKey(
        "monitor.Snapshot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scorekaart (momentopname)"),
    )
    agenda = models.JSONField(_("agenda (bij het plannen)"), default=list, blank=True)
    created_by = by_user(related_name="+")
    created_at = models.DateTimeField(_("gepland op"), auto_now_add=True)

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["provider", "date"], name="dialogue_provider_date")]

    def __str__(self) -> str:
        return f"{self.provider} {self.date:%Y-%m-%d}"


class AgendaItem(models.Model):
    """An item somebody put on a dialogue's agenda (the provider before the date, or staff)."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="items", verbose_name=_("gesprek"))
    text = models.TextField(_("onderwerp"))
    by_provider = models.BooleanField(_("door de aanbieder"), default=False)
    added_by = by_user(related_name="+")
    added_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["added_at", "pk"]


class Remark(models.Model):
    """A text somebody wrote, by whom and when: a :class:`Note` or a :class:`Comment`, listed
    in the order they were written."""

    author = by_user()
    written_at = models.DateTimeField(_("geschreven op"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["written_at", "pk"]


class Note(Remark):
    """A note of the municipality's staff on a dialogue."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="notes", verbose_name=_("gesprek"))
    text = models.TextField(_("notitie"))

    class Meta(Remark.Meta):
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")


class Agreement(models.Model):
    """An agreement made in a dialogue: what, who (provider or municipality), by when; marked
    done (by its owner or the municipality) and confirmed by the municipality."""

    Owner = Owner  # the module's choices, also by this name

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("gemaakt in gesprek")
    )
    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.PROTECT, related_name="agreements", verbose_name=_("aanbieder")
    )
    text = models.TextField(_("afspraak"))
    owner = models.CharField(_("eigenaar"), max_length=20, choices=Owner.choices)
    due = models.DateField(_("uiterlijk"))
    done_at = models.DateTimeField(_("gereed gemeld op"), null=True, blank=True)
    done_by = by_user(related_name="+")
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    confirmed_by = by_user(related_name="+")
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.due:%Y-%m-%d}: {self.text[:40]}"

    @property
    def status(self) -> str:
        """``"open"`` or ``"done"`` (the API's field; done also before the confirmation)."""
        return "done" if self.done_at else "open"

    def state(self, today: dt.date) -> str:
        """open, overdue, done (awaiting confirmation) or confirmed on ``today``."""
        return rules.agreement_state(self.done_at is not None, self.confirmed_at is not None, self.due, today)


class Comment(Remark):
    """A comment on an agreement, by the provider or the municipality's staff."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="comments", verbose_name=_("afspraak")
    )
    text = models.TextField(_("opmerking"))
    by_provider = models.BooleanField(_("door de aanbieder"), default=False)

    class Meta(Remark.Meta):
        verbose_name = _("opmerking")
        verbose_name_plural = _("opmerkingen")
