"""The region's set-up: municipalities, segments, providers, contracts and budgets.

The fields mirror :mod:`regie.engine.catalog` (the ``catalog.toml`` format); the natural keys
are the TOML keys (CBS code, segment code, AGB code, contract id, municipality + segment +
year). :mod:`regie.catalog.loader` turns a parsed catalog into these rows.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from regie.accounts.fields import by_user
from regie.catalog.fields import AGB_CODE_LENGTH, CBS_CODE_LENGTH, CONTRACT_IDENT_LENGTH, SEGMENT_CODE_LENGTH
from regie.engine import catalog as core


class Region(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    answer_term_days = models.PositiveIntegerField(
        _("antwoordtermijn (dagen)"),
        default=56,
        help_text=_("Binnen deze termijn moet een verzoek om toewijzing of wijziging beantwoord zijn."),
    )

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("regio"))
    code = models.CharField(_("CBS-code"), max_length=CBS_CODE_LENGTH, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    population = models.JSONField(_("populatiekenmerken per gebied"), default=dict, blank=True)
    postcodes = models.JSONField(_("gebied per postcode (4 cijfers)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Area(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="areas", verbose_name=_("gemeente")
    )
    name = models.CharField(_("naam"), max_length=200)
    position = models.PositiveIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("gebied")
        verbose_name_plural = _("gebieden")
        ordering = ["municipality", "position"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="area_unique_name")]

    def __str__(self) -> str:
        return self.name


class Domain(models.TextChoices):
    JEUGD = "jeugd", _("Jeugd")
    WMO = "wmo", _("Wmo")
    PARTICIPATIE = "participatie", _("Participatie")


class FundingModel(models.TextChoices):
    PXQ = "pxq", _("Inspanningsgericht (prijs x volume)")
    OUTCOME = "outcome", _("Outputgericht (arrangement)")
    PER_CLIENT = "per_client", _("Prestatiegericht (prijs per cliënt)")
    LUMP_SUM = "lump_sum", _("Taakgericht (lumpsum)")
    POPULATION = "population", _("Populatiebekostiging")


class Execution(models.TextChoices):
    EFFORT = "inspanningsgericht", _("Inspanningsgericht")
    OUTPUT = "outputgericht", _("Outputgericht")
    TASK = "taakgericht", _("Taakgericht")


class Segment(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="segments", verbose_name=_("regio"))
    code = models.CharField(_("code"), max_length=SEGMENT_CODE_LENGTH, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    domain = models.CharField(_("domein"), max_length=20, choices=Domain.choices)
    funding_model = models.CharField(_("bekostiging"), max_length=20, choices=FundingModel.choices)
    execution = models.CharField(_("uitvoeringsvariant"), max_length=30, choices=Execution.choices)
    weight = models.PositiveIntegerField(_("gewicht (zwaarte)"), default=1)
    max_providers = models.PositiveIntegerField(_("maximum aantal aanbieders"), default=0)
    products = models.JSONField(_("productcodes"), default=list)
    population_weights = models.JSONField(_("gewichten populatiekenmerken"), default=dict, blank=True)
    core_partners = models.JSONField(
        _("kernpartners (AGB-codes)"),
        default=list,
        blank=True,
        help_text=_("Leeg: de aanbieders met core_partner = true en een contract in het segment."),
    )
    waiting_norm_days = models.PositiveIntegerField(_("wachttijdnorm regulier (dagen)"), default=42)
    review_after_days = models.PositiveIntegerField(_("heroverwegen na (dagen in zorg)"), default=365)
    max_subcontracted_share = models.FloatField(_("maximaal aandeel onderaanneming"), null=True, blank=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segmenten")
        ordering = ["domain", "-weight", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Provider(models.Model):
    agb = models.CharField(_("AGB-code"), max_length=AGB_CODE_LENGTH, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    members = models.JSONField(_("leden (AGB-codes)"), default=list, blank=True)
    core_partner = models.BooleanField(_("kernpartner"), default=False)
    dialogue_every_weeks = models.PositiveIntegerField(_("gesprek elke zoveel weken"), default=8)

    class Meta:
        verbose_name = _("aanbieder")
        verbose_name_plural = _("aanbieders")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agb})"

    @property
    def is_consortium(self) -> bool:
        return bool(self.members)


class DeadlineRule(models.TextChoices):
    SECOND_MONTH_15 = "second-month-15", _("15e van de tweede maand na de zorgmaand")
    NONE = "none", _("geen termijn")


class InstalmentRule(models.TextChoices):
    MONTHLY = "monthly", _("maandelijkse termijnen")
    AT_ONCE = "at_once", _("in één keer")


#: A contract's funding-model parameters (the ``catalog.toml`` keys of domain.md section 12): what
#: a tender sets for the contracts its award writes, and what a contract change may edit.
FUNDING_FIELDS = (
    "agreed_clients",
    "price_per_client",
    "band",
    "tariffs",
    "ceiling",
    "lump_sum",
    "expected_clients",
    "savings_target",
    "instalments",
    "declaration_deadline",
)


class Contract(models.Model):
    ident = models.CharField(_("contractnummer"), max_length=CONTRACT_IDENT_LENGTH, unique=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("aanbieder")
    )
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("segment"))
    municipalities = models.ManyToManyField(Municipality, related_name="contracts", verbose_name=_("gemeenten"))
    start = models.DateField(_("ingangsdatum"))
    end = models.DateField(_("einddatum"))
    agreed_clients = models.PositiveIntegerField(_("afgesproken aantal cliënten"), default=0)
    price_per_client = models.BigIntegerField(_("prijs per cliënt (cent)"), default=0)
    band = models.FloatField(_("bandbreedte"), default=0.0)
    tariffs = models.JSONField(_("tarieven (cent)"), default=dict, blank=True)
    ceiling = models.BigIntegerField(_("plafond per jaar (cent)"), default=0)
    lump_sum = models.BigIntegerField(_("lumpsum per jaar (cent)"), default=0)
    expected_clients = models.PositiveIntegerField(_("verwacht aantal cliënten"), default=0)
    savings_target = models.FloatField(_("besparingsopgave"), default=0.0)
    instalments = models.CharField(_("termijnen"), max_length=20, choices=InstalmentRule.choices, default="monthly")
    areas = models.JSONField(_("gebieden"), default=list, blank=True)
    declaration_deadline = models.CharField(
        _("declaratietermijn"), max_length=30, choices=DeadlineRule.choices, default="second-month-15"
    )
    targets = models.JSONField(_("doelen (indicator: norm; max_ voor een maximum)"), default=dict, blank=True)
    extensions = models.JSONField(_("opties tot verlenging (einddata)"), default=list, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracten")
        ordering = ["segment__code", "provider__name", "start"]

    def __str__(self) -> str:
        return self.ident

    def to_core(self) -> core.Contract:
        """The contract as the engine's plain dataclass."""
        return core.Contract(
            id=self.ident,
            provider=self.provider.agb,
            segment=self.segment.code,
            municipalities=tuple(m.code for m in self.municipalities.all()),
            start=self.start,
            end=self.end,
            agreed_clients=self.agreed_clients,
            price_per_client=self.price_per_client,
            band=self.band,
            tariffs=dict(self.tariffs),
            ceiling=self.ceiling,
            lump_sum=self.lump_sum,
            expected_clients=self.expected_clients,
            savings_target=self.savings_target,
            instalments=self.instalments,
            areas=tuple(self.areas),
            declaration_deadline=self.declaration_deadline,
            extensions=self.extension_dates,
            targets=dict(self.targets),
        )

    @property
    def extension_dates(self) -> tuple[dt.date, ...]:
        """The extension options as dates (stored as ISO text)."""
        return tuple(dt.date.fromisoformat(d) for d in self.extensions)


class Budget(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("gemeente")
    )
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("segment"))
    year = models.PositiveIntegerField(_("jaar"))
    amount = models.BigIntegerField(_("budget (cent)"))
    reserve = models.BigIntegerField(_("reserve (cent)"), default=0)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgetten")
        ordering = ["year", "municipality__code", "segment__code"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "segment", "year"], name="budget_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality.code}/{self.segment.code}/{self.year}"


class InnovationFund(models.Model):
    """The region's innovation fund of one year (catalog ``[[innovation_fund]]``; issue 15):
    what opportunity dossiers of that year may be awarded together."""

    year = models.PositiveIntegerField(_("jaar"), unique=True)
    amount = models.BigIntegerField(_("fonds (cent)"))

    class Meta:
        verbose_name = _("innovatiefonds")
        verbose_name_plural = _("innovatiefondsen")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class ContractVersion(models.Model):
    """An earlier version of a contract: its values before a change, who changed it, when,
    what changed (field -> [old, new]) and why. Written by every change of a contract (the
    web app, the API, taking an option, loading a catalog file that changes it)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="versions", verbose_name=_("contract")
    )
    number = models.PositiveIntegerField(_("versie"))
    values = models.JSONField(_("waarden van deze versie"))
    changes = models.JSONField(_("wijzigingen"), default=dict)
    changed_by = by_user(_("gewijzigd door"))
    changed_at = models.DateTimeField(_("gewijzigd op"), auto_now_add=True)
    reason = models.TextField(_("reden"), blank=True)

    class Meta:
        verbose_name = _("eerdere versie van een contract")
        verbose_name_plural = _("eerdere versies van contracten")
        ordering = ["contract", "-number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="contract_version_number")]

    def __str__(self) -> str:
        return f"{self.contract.ident} v{self.number}"
