"""An upload's ingest job and the files it received (docs/adr/0029)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import by_user
from regie.monitor.models import Progress


class IngestJob(Progress):
    """One upload: who sent it, how far its ingest is, and its outcome (the JSON of
    ``regie ingest --json``). Kept in the database, so its state is the same for every
    request and process; ``owner`` names the thread that runs it (host, process, thread),
    ``heartbeat_at`` is its lease (renewed while it runs; :data:`regie.uploads.jobs.LEASE`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    user = by_user(_("gebruiker"))
    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("aanbieder")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(_("uitkomst"), null=True, blank=True)
    outcomes = models.JSONField(_("uitkomst per bestand"), null=True, blank=True)
    owner = models.CharField(_("verwerkt door"), max_length=200, blank=True, default="")
    heartbeat_at = models.DateTimeField(
        _("laatste teken van leven"),
        null=True,
        blank=True,
        help_text=_("Bijgewerkt door de werker zolang hij de opdracht uitvoert; blijft het uit, dan is ze mislukt."),
    )
    created = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    started = models.DateTimeField(_("begonnen"), null=True, blank=True)
    updated = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    finished = models.DateTimeField(_("klaar"), null=True, blank=True)

    noted_field = "updated"

    class Meta:
        verbose_name = _("inleesopdracht")
        verbose_name_plural = _("inleesopdrachten")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "id"], name="ingestjob_queue")]

    def __str__(self) -> str:
        return f"inleesopdracht {self.pk} ({self.status})"

    @property
    def progress(self) -> int:
        """How far the job is, in percent (100 only when it is done)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.steps:
            return 0
        return min(99, self.step * 100 // self.steps)


class IngestFile(models.Model):
    """A file of an upload, kept until its job has run (then deleted: the ingest archived it)."""

    job = models.ForeignKey(IngestJob, on_delete=models.CASCADE, related_name="files", verbose_name=_("opdracht"))
    name = models.CharField(_("bestandsnaam"), max_length=255)
    content = models.BinaryField(_("inhoud"))

    class Meta:
        verbose_name = _("aangeleverd bestand")
        verbose_name_plural = _("aangeleverde bestanden")
        ordering = ["pk"]
