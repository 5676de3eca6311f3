"""Snapshots of computed figures: what the engines returned for a year, as of a date.

A :class:`Snapshot` holds the JSON rows of one computation (indicators by some grouping,
scorecards, the forecast, its monthly history, ledger totals, the model comparison) with the
parameters it was computed with and when. Pages read the latest snapshot for the chosen year
and as-of date, so they never recompute a region's figures per request; a dialogue keeps the
id of the snapshot it discussed, so it can show the figures of its day.

Snapshots are only ever added (:func:`regie.monitor.services.refresh`); the latest computed
one for a kind, year, as-of date and parameter key is the current one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.db import DatabaseError, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)
T = TypeVar("T")


class Snapshot(models.Model):
    """One computation's result rows (JSON), for a kind, year, as-of date and parameters."""

    class Kind(models.TextChoices):
        INDICATORS = "indicators", _("Indicatoren")
        SCORECARDS = "scorecards", _("Scorekaarten")
        FORECAST = "forecast", _("Prognose per gemeente en segment")
        FORECAST_PROVIDERS = "forecast_providers", _("Prognose per aanbieder")
        FORECAST_HISTORY = "forecast_history", _("Verloop van de prognose")
        LEDGER = "ledger", _("Betaalgrootboek (totalen)")
        PAYMENTS = "payments", _("Betalingen per maand")
        DECLARATIONS = "declarations", _("Declaraties (tijdig, te laat, afgekeurd)")
        COMPARE = "compare", _("Vergelijking van bekostigingsmodellen")
        GMSD = "gmsd", _("Monitor Sociaal Domein")
        CROSS_DOMAIN = "cross_domain", _("Cliënt over domeinen")

    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    year = models.PositiveIntegerField(_("jaar"))
    as_of = models.DateField(_("peildatum"))
    key = models.CharField(_("parameters (sleutel)"), max_length=200, blank=True, default="")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("berekend op"))
    rows = models.JSONField(_("rijen"), default=list)
    meta = models.JSONField(_("toelichting"), default=dict, blank=True)

    class Meta:
        verbose_name = _("momentopname")
        verbose_name_plural = _("momentopnamen")
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["kind", "year", "key", "as_of", "computed_at"], name="snapshot_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.key} per {self.as_of:%Y-%m-%d}"

    def filtered(self, **where: Any) -> list[dict[str, Any]]:
        """The rows whose fields equal ``where`` (``None`` values are ignored)."""
        wanted = {k: v for k, v in where.items() if v is not None}
        return [row for row in self.rows if all(row.get(k) == v for k, v in wanted.items())]


class Progress(models.Model):
    """How far a piece of background work is, as its worker notes it: what it does now
    (``stage``), ``step`` of ``steps`` done, and why it failed (``error``). A
    :class:`Computation` of snapshots and an upload's ingest job
    (:class:`regie.uploads.models.IngestJob`)."""

    stage = models.CharField(_("onderdeel"), max_length=200, blank=True, default="")
    step = models.PositiveIntegerField(_("stap"), default=0)
    steps = models.PositiveIntegerField(_("stappen"), default=0)
    error = models.TextField(_("fout"), blank=True, default="")

    #: The field that says when the worker was last heard of; every :meth:`note` sets it.
    noted_field: ClassVar[str] = "updated_at"

    class Meta:
        abstract = True

    @classmethod
    def note(cls, pk: int, **fields: Any) -> None:
        """Write how far the work ``pk`` is (``stage``, ``step``, ... and :attr:`noted_field`);
        never fails the work: a busy database (SQLite's write lock) only delays a note."""
        try:
            cls._default_manager.filter(pk=pk).update(**{cls.noted_field: timezone.now()}, **fields)
        except DatabaseError:
            log.warning("voortgang van %s %s niet bijgewerkt (database bezig)", cls._meta.verbose_name, pk)


def insist(write: Callable[[], T], attempts: int = 5, wait: float = 1.0) -> T | None:
    """``write()``, tried up to ``attempts`` times ``wait`` seconds apart while the database is
    busy: the end of a piece of :class:`Progress` work must be noted, or it looks busy until
    its lease runs out. What ``write`` returns; None when the database stayed busy."""
    for _attempt in range(attempts):
        try:
            return write()
        except DatabaseError:
            time.sleep(wait)
    return None


class Computation(Progress):
    """Who computes the snapshots of a year as of a date, and how far it is
    (:mod:`regie.monitor.ondemand`): one row per year and date, so the same date is never
    computed twice at once, in any thread or process, on SQLite or PostgreSQL."""

    class State(models.TextChoices):
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    year = models.PositiveIntegerField(_("jaar"))
    as_of = models.DateField(_("peildatum"))
    state = models.CharField(_("toestand"), max_length=10, choices=State.choices, default=State.RUNNING)
    owner = models.CharField(_("berekend door"), max_length=200, blank=True, default="")
    started_at = models.DateTimeField(_("begonnen op"))
    updated_at = models.DateTimeField(_("bijgewerkt op"))

    class Meta:
        verbose_name = _("berekening")
        verbose_name_plural = _("berekeningen")
        constraints = [models.UniqueConstraint(fields=["year", "as_of"], name="computation_once_per_date")]

    def __str__(self) -> str:
        return f"{self.year} per {self.as_of:%Y-%m-%d}: {self.state}"
