"""The message traffic as stored: the archive of received files, and what was read from them.

Every received file is one :class:`Message` (XML message or CSV file) with its raw bytes
compressed and its hash; every record read from it is stored, accepted or rejected
(:class:`Rejection` holds the retour code and the reason). Clients are pseudonyms only.

Derived state that the engine needs is kept in the shape of :mod:`regie.engine.frames`:
:class:`Episode` (start .. stop), :class:`DeclarationLine`, :class:`Request`,
:class:`Objection`; allocations keep every version (:class:`AllocationVersion`) so that "as
of" questions and repeated extensions can be answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import pseudonym
from regie.catalog.fields import agb_code, cbs_code, segment_code


class Message(models.Model):
    """One received file: an iJw/iWmo XML message or a CSV file of history."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("geaccepteerd")
        PARTIAL = "partial", _("deels afgekeurd")
        REJECTED = "rejected", _("afgekeurd")

    file_name = models.CharField(_("bestand"), max_length=500)
    kind = models.CharField(_("soort"), max_length=20, help_text="JW301 .. WMO325, or CSV-episodes etc.")
    law = models.CharField(_("wet"), max_length=3, blank=True)  # jw | wmo | "" for CSV
    code = models.CharField(_("berichtcode"), max_length=20, blank=True)
    sender = models.CharField(_("afzender"), max_length=12, blank=True)
    receiver = models.CharField(_("ontvanger"), max_length=12, blank=True)
    identification = models.CharField(_("berichtidentificatie"), max_length=64, blank=True)
    dagtekening = models.DateField(_("dagtekening"), null=True, blank=True)
    content_hash = models.CharField(_("hash (SHA-256)"), max_length=64, unique=True)
    raw = models.BinaryField(_("inhoud (gecomprimeerd)"))
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    records = models.PositiveIntegerField(_("records"), default=0)
    rejected_records = models.PositiveIntegerField(_("afgekeurde records"), default=0)
    received_at = models.DateTimeField(_("ontvangen"), auto_now_add=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["dagtekening", "pk"]
        indexes = [models.Index(fields=["sender", "kind", "identification"], name="message_ident")]

    def __str__(self) -> str:
        return f"{self.kind} {self.sender} {self.identification}"


class Rejection(models.Model):
    """A rejected record (or a whole rejected message when ``record`` is empty)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="rejections")
    record = models.CharField(_("record"), max_length=100, blank=True)
    path = models.CharField(_("plaats"), max_length=300, blank=True)
    code = models.CharField(_("retourcode"), max_length=10)
    reason = models.TextField(_("reden"))

    class Meta:
        verbose_name = _("afkeuring")
        verbose_name_plural = _("afkeuringen")


class AllocationVersion(models.Model):
    """One allocated product as one 301 stated it; the latest arrived version is current."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="allocations")
    municipality = cbs_code()
    provider = agb_code()
    client = pseudonym()
    number = models.CharField(_("toewijzingnummer"), max_length=20)
    segment = segment_code(blank=True)
    area = models.CharField(_("gebied"), max_length=100, blank=True)
    product_category = models.CharField(_("productcategorie"), max_length=2)
    product_code = models.CharField(_("productcode"), max_length=5, blank=True)
    begin = models.DateField(_("ingangsdatum"))
    end = models.DateField(_("einddatum"), null=True, blank=True)
    volume = models.BigIntegerField(_("volume"), null=True, blank=True)
    unit = models.CharField(_("eenheid"), max_length=2, blank=True)
    frequency = models.CharField(_("frequentie"), max_length=2, blank=True)
    budget = models.BigIntegerField(_("budget (cent)"), null=True, blank=True)
    change_reason = models.CharField(_("reden wijziging"), max_length=2, blank=True)
    allocated_on = models.DateField(_("toewijzingsdatum"))
    arrival = models.DateField(_("ontvangen op"))

    class Meta:
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        indexes = [models.Index(fields=["municipality", "number"], name="allocation_number")]


class Episode(models.Model):
    """A care episode (start .. stop), in the columns of ``regie.engine.frames.EPISODES``."""

    key = models.CharField(_("sleutel"), max_length=120, unique=True)
    client = pseudonym()
    provider = agb_code()
    segment = segment_code()
    domain = models.CharField(_("domein"), max_length=20)
    weight = models.IntegerField(_("gewicht"))
    municipality = cbs_code()
    area = models.CharField(_("gebied"), max_length=100, null=True, blank=True)
    product_category = models.CharField(_("productcategorie"), max_length=2)
    product_code = models.CharField(_("productcode"), max_length=5, null=True, blank=True)
    allocation_number = models.CharField(_("toewijzingnummer"), max_length=20, null=True, blank=True)
    start = models.DateField(_("begindatum"))
    end = models.DateField(_("einddatum"), null=True, blank=True)
    end_reason = models.CharField(_("reden beëindiging"), max_length=2, blank=True)
    start_arrival = models.DateField(_("start ontvangen op"))
    end_arrival = models.DateField(_("stop ontvangen op"), null=True, blank=True)
    request_date = models.DateField(_("aanvraagdatum"), null=True, blank=True)
    start_message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    stop_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("zorgperiode")
        verbose_name_plural = _("zorgperiodes")
        indexes = [
            models.Index(fields=["provider", "segment"], name="episode_provider"),
            models.Index(fields=["client"], name="episode_client"),
        ]


class DeclarationLine(models.Model):
    """One declared prestatie (a line of a 323 or a CSV row), accepted or rejected."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="declaration_lines")
    line_id = models.CharField(_("regel"), max_length=40)  # provider + ReferentieNummer
    declaration_number = models.CharField(_("declaratienummer"), max_length=20, blank=True)
    reference = models.CharField(_("referentienummer"), max_length=20)
    previous_reference = models.CharField(_("vorig referentienummer"), max_length=20, blank=True)
    provider = agb_code()
    municipality = cbs_code()
    segment = segment_code(blank=True)
    client = pseudonym()
    allocation_number = models.CharField(_("toewijzingnummer"), max_length=20, null=True, blank=True)
    product_category = models.CharField(_("productcategorie"), max_length=2)
    product_code = models.CharField(_("productcode"), max_length=5, blank=True)
    period_begin = models.DateField(_("begin productperiode"))
    period_end = models.DateField(_("einde productperiode"))
    care_month = models.DateField(_("zorgmaand"))
    volume = models.BigIntegerField(_("geleverd volume"))
    unit = models.CharField(_("eenheid"), max_length=2)
    tariff = models.BigIntegerField(_("tarief (cent)"), null=True, blank=True)
    amount_cents = models.BigIntegerField(_("bedrag (cent, credit negatief)"))
    arrival = models.DateField(_("ontvangen op"))
    accepted = models.BooleanField(_("geaccepteerd"))
    retour_code = models.CharField(_("retourcode"), max_length=4)
    reason = models.TextField(_("reden"), blank=True)

    class Meta:
        verbose_name = _("declaratieregel")
        verbose_name_plural = _("declaratieregels")
        indexes = [
            models.Index(fields=["provider", "care_month"], name="declaration_provider"),
            models.Index(fields=["line_id"], name="declaration_line"),
        ]


class Request(models.Model):
    """A request for care: a 315 / 317, or a registration on the shared waiting list (CSV).

    A 315/317 is decided by a 301 naming its ReferentieAanbieder (granted) or a 319 refusing
    it with a reason (``regie.intake.answers``); ``answered`` is the arrival of that message.
    """

    class Outcome(models.TextChoices):
        OPEN = "open", _("onbeantwoord")
        INVESTIGATING = "investigating", _("in onderzoek")
        GRANTED = "granted", _("toegewezen")
        REFUSED = "refused", _("afgewezen")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="requests")
    request_id = models.CharField(_("aanvraag"), max_length=60)
    kind = models.CharField(_("soort"), max_length=20)  # 315 | 317 | waiting_list
    client = pseudonym()
    provider = agb_code(null=True, blank=True)
    municipality = cbs_code()
    segment = segment_code(blank=True)
    area = models.CharField(_("gebied"), max_length=100, null=True, blank=True)
    urgency = models.IntegerField(_("urgentie"), null=True, blank=True)
    referrer = models.CharField(_("verwijzer (COD327)"), max_length=2, blank=True)
    registered = models.DateField(_("aangemeld op"))
    arrival = models.DateField(_("ontvangen op"))
    outcome = models.CharField(_("antwoord"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    refusal_reason = models.CharField(_("reden afwijzing (WJ759)"), max_length=2, blank=True)
    answered = models.DateField(_("beantwoord op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")


class Objection(models.Model):
    """An objection (bezwaar) or appeal (beroep), from the municipality's register (CSV)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="objections")
    objection_id = models.CharField(_("kenmerk"), max_length=60, unique=True)
    client = pseudonym()
    municipality = cbs_code()
    segment = segment_code()
    provider = agb_code(null=True, blank=True)
    kind = models.CharField(_("soort"), max_length=10)
    filed = models.DateField(_("ingediend"))
    arrival = models.DateField(_("ontvangen op"))
    decided = models.DateField(_("besloten"), null=True, blank=True)
    upheld = models.BooleanField(_("gegrond"), null=True, blank=True)

    class Meta:
        verbose_name = _("bezwaar of beroep")
        verbose_name_plural = _("bezwaren en beroepen")


class PgbBudget(models.Model):
    """A PGB budget from the municipality's register (CSV, docs/csv-formats.md); a later row
    with the same municipality, segment, client and start replaces its end and amount."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="pgb_budgets")
    municipality = cbs_code()
    segment = segment_code()
    client = pseudonym()
    start = models.DateField(_("begin"))
    end = models.DateField(_("einde"), null=True, blank=True)
    amount_cents = models.BigIntegerField(_("budget (centen)"))
    arrival = models.DateField(_("ontvangen op"))

    class Meta:
        verbose_name = _("pgb-budget")
        verbose_name_plural = _("pgb-budgetten")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "segment", "client", "start"], name="pgb_budget_key")
        ]


class Trajectory(models.Model):
    """A participation trajectory (Participatiewet: one module for a client at a provider) from
    the municipality's register (CSV, docs/csv-formats.md), in the columns of
    ``regie.engine.frames.TRAJECTORIES``. A later row with the same municipality, provider,
    client, module and start gives its end and end reason; ``end_arrival`` is the arrival of
    the first row that named the end it has."""

    class EndReason(models.TextChoices):
        WORK = "work", _("werk")
        EDUCATION = "education", _("opleiding")
        CARE = "care", _("zorg")
        OTHER = "other", _("overig")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="trajectories")
    municipality = cbs_code()
    provider = agb_code()
    segment = segment_code()
    client = pseudonym()
    module = models.CharField(_("module"), max_length=20)
    start = models.DateField(_("begindatum"))
    end = models.DateField(_("einddatum"), null=True, blank=True)
    end_reason = models.CharField(_("reden beëindiging"), max_length=10, choices=EndReason.choices, blank=True)
    start_arrival = models.DateField(_("start ontvangen op"))
    end_arrival = models.DateField(_("einde ontvangen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "provider", "client", "module", "start"], name="trajectory_key"
            )
        ]
        indexes = [models.Index(fields=["client"], name="trajectory_client")]


class Signal(models.Model):
    """A data-quality signal raised at the door (domain.md section 7), with its source message."""

    class Kind(models.TextChoices):
        CARE_WITHOUT_ALLOCATION = "care_without_allocation", _("Zorg zonder geldige toewijzing")
        LATE_DECLARATION = "late_declaration", _("Declaratie na de termijn")
        ABOVE_ALLOCATED_VOLUME = "above_allocated_volume", _("Boven het toegewezen volume")
        REPEATED_EXTENSION = "repeated_extension", _("Steeds opnieuw verlengd zonder afschaling")
        UPCODING = "upcoding", _("Opwaardering (upcoding)")
        NO_START_STOP_TRAFFIC = "no_start_stop_traffic", _("Geen start/stop-berichten van aanbieder")
        PGB_SHIFT = "pgb_shift", _("Stijgend pgb-aandeel")
        REQUEST_UNANSWERED = "request_unanswered", _("Verzoek niet binnen de termijn beantwoord")
        WAITING_NORM = "waiting_norm", _("Aanmelding wacht langer dan de norm")
        CONTRACT_EXPIRY = "contract_expiry", _("Contract loopt binnen zes maanden af")
        SUBCONTRACTING = "subcontracting", _("Aandeel onderaanneming boven het maximum")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        EXPLAINED = "explained", _("verklaard")
        RESOLVED = "resolved", _("opgelost")

    kind = models.CharField(_("soort"), max_length=40, choices=Kind.choices)
    key = models.CharField(_("sleutel"), max_length=200, unique=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="signals")
    provider = agb_code(blank=True)
    municipality = cbs_code(blank=True)
    segment = segment_code(blank=True)
    client = pseudonym(blank=True)
    record = models.CharField(_("record"), max_length=100, blank=True)
    care_month = models.DateField(_("zorgmaand"), null=True, blank=True)
    raised_on = models.DateField(_("gesignaleerd op"))
    detail = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-raised_on", "kind"]
        indexes = [models.Index(fields=["kind", "provider"], name="signal_kind")]

    @classmethod
    def raise_once(cls, key: str, kind: str, **fields: Any) -> int:
        """Store the signal ``key`` of ``kind`` with ``fields`` unless it is stored already
        (a signal judged over all the traffic is raised once); 1 when stored, else 0."""
        _signal, created = cls.objects.get_or_create(key=key, defaults={"kind": kind, **fields})
        return int(created)

    @classmethod
    def raise_per_quarter(cls, kind: str, found: Iterable[tuple[str, str, dt.date, dt.date, dict[str, Any]]]) -> int:
        """:meth:`raise_once` for each (key, segment, quarter, raised on, detail) of a signal
        judged per segment and quarter over all the traffic; the number stored."""
        return sum(
            cls.raise_once(key, kind, segment=segment, care_month=quarter, raised_on=raised, detail=detail)
            for key, segment, quarter, raised, detail in found
        )


class QualityCheck(models.Model):
    """A day on which the signals over months of traffic were evaluated (upcoding, silence).

    An ingest evaluates every month end between the first and the last stored arrival that
    has no check yet, so an ingest that was stopped before its evaluation is made good by the
    next one.
    """

    at = models.DateField(_("peildatum"), unique=True)

    class Meta:
        verbose_name = _("controle op signalen")
        verbose_name_plural = _("controles op signalen")


class RefreshTodo(models.Model):
    """A year whose payment ledger and snapshots must still be recomputed (docs/adr/0005).

    Written in the same transaction as the batch of files that can change the year's figures,
    and deleted in the same transaction as the year's new ledger lines and snapshots: so an
    ingest (or its refresh) that is stopped at any moment leaves exactly what is still to do,
    and the next ingest or ``regie-manage monitor_refresh`` finishes it.
    """

    year = models.PositiveIntegerField(_("jaar"), unique=True)
    noted_at = models.DateTimeField(_("genoteerd"), auto_now_add=True)

    class Meta:
        verbose_name = _("nog bij te werken jaar")
        verbose_name_plural = _("nog bij te werken jaren")
        ordering = ["year"]
