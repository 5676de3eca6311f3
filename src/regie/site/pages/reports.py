"""Reports to download: the council report and a provider's scorecard (PDF and Excel) and the
Gemeentelijke Monitor Sociaal Domein export (CSV and Excel).

Who may download what: municipality staff everything; the council the council report and the
monitor export (aggregated figures only); a provider its own scorecard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from regie.accounts.audit import audit
from regie.accounts.models import Role
from regie.catalog import models as cat
from regie.monitor.models import Snapshot
from regie.reports import documents
from regie.site.pages.common import YearAsOf, names, period_for, require
from regie.site.roles import EVERY_ROLE, require_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _ready(period: YearAsOf) -> YearAsOf:
    require(period.ready)
    return period


def region_reports() -> list[dict[str, Any]]:
    """The region's reports on the reports page (not a provider's): the id of the heading, the
    title, what the report holds and its downloads (URL, label, and the primary one)."""
    return [
        {
            "id": "raad",
            "title": _("Raadsrapportage"),
            "text": _(
                "Budget, realisatie en prognose per gemeente en segment met de waarschuwingen en hun oorzaken, en de indicatoren. Alleen totalen: geen cliënten of afzonderlijke aanbieders."
            ),
            "downloads": [
                {"url": reverse("report-council-pdf"), "label": _("Raadsrapportage (PDF)"), "primary": True},
                {"url": reverse("report-council-xlsx"), "label": _("Raadsrapportage (Excel)")},
            ],
        },
        {
            "id": "gmsd",
            "title": _("Monitor Sociaal Domein"),
            "text": _(
                "De cijfers voor de Gemeentelijke Monitor Sociaal Domein per gemeente, halfjaar en soort voorziening, uit het eigen berichtenverkeer: ook voor taakgerichte bekostiging (start- en stopberichten en CSV-aanleveringen)."
            ),
            "downloads": [
                {"url": reverse("report-gmsd", args=["csv"]), "label": _("Export (CSV)")},
                {"url": reverse("report-gmsd", args=["xlsx"]), "label": _("Export (Excel)")},
            ],
        },
    ]


@require_role(*EVERY_ROLE)
def reports(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    period = period_for(request)
    nm = names()
    providers = sorted(nm.providers.items(), key=lambda kv: kv[1])
    providers = [(a, n) for a, n in providers if scope.sees_provider(a)]
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.FORECAST) or period.snapshot(Snapshot.Kind.LEDGER),
        "keep": [],
        "providers": providers,
        "council": not scope.is_provider,
        "region_reports": region_reports(),
    }
    return render(request, "regie/reports/index.html", context)


def _stamp(year: int, as_of: dt.date) -> str:
    return f"{year}-per-{as_of:%Y%m%d}"


#: A document's content type by its file extension.
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX, "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class Download:
    """A report file: its bytes, content type and file name."""

    content: bytes
    content_type: str
    filename: str


#: How a report is rendered, per report and format.
RENDER = {
    "council": {"pdf": documents.council_pdf, "xlsx": documents.council_xlsx},
    "scorecard": {"pdf": documents.provider_pdf, "xlsx": documents.provider_xlsx},
}


def _file(user: Any, data: documents.ReportData, report: str, fmt: str, name: str) -> Download:
    """``data`` rendered as ``<name>.<fmt>`` (PDF or Excel), the download audited."""
    audit(user, f"report.{report}.{fmt}", data.title)
    return Download(RENDER[report][fmt](data), CONTENT_TYPES[fmt], f"{name}.{fmt}")


def council_file(user: Any, year: int, as_of: dt.date, fmt: str) -> Download:
    """The council report of ``year`` as of ``as_of`` (``pdf`` or ``xlsx``), audited."""
    data = documents.council_data(year, as_of)
    return _file(user, data, "council", fmt, f"raadsrapportage-{_stamp(year, as_of)}")


def scorecard_file(user: Any, agb: str, year: int, as_of: dt.date, fmt: str) -> Download:
    """A provider's scorecard (``pdf`` or ``xlsx``), audited."""
    data = documents.provider_data(agb, year, as_of)
    return _file(user, data, "scorecard", fmt, f"scorekaart-{agb}-{_stamp(year, as_of)}")


def gmsd_file(user: Any, rows: list[dict[str, Any]], year: int, as_of: dt.date, fmt: str) -> Download:
    """The Gemeentelijke Monitor Sociaal Domein export (``csv`` or ``xlsx``), audited."""
    audit(user, f"report.gmsd.{fmt}", _("Monitor Sociaal Domein"))
    name = f"monitor-sociaal-domein-{_stamp(year, as_of)}.{fmt}"
    if fmt == "csv":
        return Download(documents.gmsd_csv(rows), CONTENT_TYPES[fmt], name)
    region = cat.Region.objects.order_by("pk").first()
    return Download(documents.gmsd_xlsx(rows, year, as_of, region.name if region else ""), XLSX, name)


def served(file: Download) -> HttpResponse:
    return _download(file.content, file.content_type, file.filename)


def _council(request: HttpRequest, fmt: str) -> HttpResponse:
    period = _ready(period_for(request))
    assert period.year is not None and period.as_of is not None
    return served(council_file(request.user, period.year, period.as_of, fmt))


def _scorecard(request: HttpRequest, agb: str, fmt: str) -> HttpResponse:
    provider = _provider(request, agb)
    period = _ready(period_for(request))
    assert period.year is not None and period.as_of is not None
    return served(scorecard_file(request.user, provider.agb, period.year, period.as_of, fmt))


@require_role(Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
def council_pdf(request: HttpRequest) -> HttpResponse:
    return _council(request, "pdf")


@require_role(Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
def council_xlsx(request: HttpRequest) -> HttpResponse:
    return _council(request, "xlsx")


def _provider(request: HttpRequest, agb: str) -> cat.Provider:
    scope = request.scope  # type: ignore[attr-defined]
    require(scope.sees_provider(agb))
    return get_object_or_404(cat.Provider, agb=agb)


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def provider_pdf(request: HttpRequest, agb: str) -> HttpResponse:
    return _scorecard(request, agb, "pdf")


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def provider_xlsx(request: HttpRequest, agb: str) -> HttpResponse:
    return _scorecard(request, agb, "xlsx")


@require_role(Role.MUNICIPALITY, Role.COUNCIL, Role.RELATIONSHIP_MANAGER)
def gmsd_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(fmt in ("csv", "xlsx"))
    period = _ready(period_for(request))
    assert period.year is not None and period.as_of is not None
    return served(gmsd_file(request.user, period.rows(Snapshot.Kind.GMSD), period.year, period.as_of, fmt))


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def provider_choose(request: HttpRequest) -> HttpResponse:
    """The scorecard form's target: send to the chosen provider's PDF or Excel."""
    agb = request.GET.get("aanbieder", "")
    fmt = "report-provider-xlsx" if request.GET.get("formaat") == "xlsx" else "report-provider-pdf"
    _provider(request, agb)
    query = {k: v for k, v in request.GET.items() if k in ("jaar", "peildatum")}
    return HttpResponseRedirect(reverse(fmt, args=[agb]) + ("?" + urlencode(query) if query else ""))
