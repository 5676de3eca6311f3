"""Reports to download: the council report and a provider's scorecard (PDF and Excel) and the
Gemeentelijke Monitor Sociaal Domein export (CSV and Excel).

Who may download what: municipality staff everything; the council the council report and the
monitor export (aggregated figures only); a provider its own scorecard.
"""

from __future__ import annotations

from collections.abc import Callable
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
    }
    return render(request, "regie/reports/index.html", context)


def _stamp(period: YearAsOf) -> str:
    assert period.as_of is not None
    return f"{period.year}-per-{period.as_of:%Y%m%d}"


#: A document's content type by its file extension.
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX}


def _document(
    request: HttpRequest,
    data: documents.ReportData,
    render_as: Callable[[documents.ReportData], bytes],
    action: str,
    name: str,
    fmt: str,
) -> HttpResponse:
    """``data`` rendered by ``render_as`` as a download ``<name>.<fmt>``, the download audited
    as ``action``."""
    audit(request.user, action, data.title)
    return _download(render_as(data), CONTENT_TYPES[fmt], f"{name}.{fmt}")


def _council(request: HttpRequest, fmt: str) -> HttpResponse:
    period = _ready(period_for(request))
    assert period.year is not None and period.as_of is not None
    data = documents.council_data(period.year, period.as_of)
    render_as = documents.council_pdf if fmt == "pdf" else documents.council_xlsx
    return _document(request, data, render_as, f"report.council.{fmt}", f"raadsrapportage-{_stamp(period)}", fmt)


def _scorecard(request: HttpRequest, agb: str, fmt: str) -> HttpResponse:
    provider = _provider(request, agb)
    period = _ready(period_for(request))
    assert period.year is not None and period.as_of is not None
    data = documents.provider_data(provider.agb, period.year, period.as_of)
    render_as = documents.provider_pdf if fmt == "pdf" else documents.provider_xlsx
    return _document(request, data, render_as, f"report.scorecard.{fmt}", f"scorekaart-{agb}-{_stamp(period)}", fmt)


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
    rows = period.rows(Snapshot.Kind.GMSD)
    audit(request.user, f"report.gmsd.{fmt}", _("Monitor Sociaal Domein"))
    name = f"monitor-sociaal-domein-{_stamp(period)}"
    if fmt == "csv":
        return _download(documents.gmsd_csv(rows), "text/csv; charset=utf-8", f"{name}.csv")
    region = cat.Region.objects.order_by("pk").first()
    return _download(
        documents.gmsd_xlsx(rows, period.year, period.as_of, region.name if region else ""), XLSX, f"{name}.xlsx"
    )


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def provider_choose(request: HttpRequest) -> HttpResponse:
    """The scorecard form's target: send to the chosen provider's PDF or Excel."""
    agb = request.GET.get("aanbieder", "")
    fmt = "report-provider-xlsx" if request.GET.get("formaat") == "xlsx" else "report-provider-pdf"
    _provider(request, agb)
    query = {k: v for k, v in request.GET.items() if k in ("jaar", "peildatum")}
    return HttpResponseRedirect(reverse(fmt, args=[agb]) + ("?" + urlencode(query) if query else ""))
