"""Opportunity and risk dossiers (domain.md section 9; issue 15).

- ``/kansendossiers/``: the innovation fund per year (amount, awarded, paid, left: every role,
  the council too) and the dossiers the caller sees (not the council: it gets the numbers);
- ``/kansendossiers/nieuw/``: submit a dossier (a provider for a cooperation it is part of,
  or staff on behalf of providers);
- ``/kansendossiers/<id>/``: one dossier: business case, assessment (staff decide), results
  (indicators at award and now, the clients it reached) and the CSV of its clients;
- ``/risicodossiers/``: the risks per provider and contract with the risk matrix, risks past
  their review date flagged; a provider records its own, staff any they see; the council sees
  the counts and the matrix only.

Who may do what is decided in :mod:`regie.dossiers.services`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regie.accounts.models import Role
from regie.catalog import models as cat
from regie.dossiers import services as ds
from regie.dossiers.models import OpportunityDossier, Risk
from regie.engine import dossiers as rules
from regie.engine.registry import INDICATORS
from regie.reports.charts import risk_matrix_chart
from regie.site.pages.common import charts, indicator_label, url_with
from regie.site.pages.dialogues import acting, seen
from regie.site.roles import EVERY_ROLE, require_role

WRITERS = (Role.MUNICIPALITY, Role.RELATIONSHIP_MANAGER, Role.PROVIDER)


def _cents(text: str | None) -> int | None:
    """An amount in euros as people type it (``40000``, ``40.000``, ``40.000,50``) in cents."""
    value = (text or "").strip().replace("€", "").replace(" ", "")
    if not re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d{1,2})?|\d+(,\d{1,2})?", value):
        return None
    whole, _sep, fraction = value.replace(".", "").partition(",")
    return int(whole) * 100 + int((fraction + "00")[:2])


def _dossier(request: HttpRequest, pk: int) -> OpportunityDossier:
    return seen(lambda: ds.dossier(request.scope, pk))  # type: ignore[attr-defined]


def _providers(request: HttpRequest) -> Any:
    """The providers the caller may pick by name (its own, or those it sees); others are named
    by AGB code (a provider does not see the names of the others)."""
    return request.scope.providers(cat.Provider.objects.all(), field="pk").order_by("name")  # type: ignore[attr-defined]


@require_role(*EVERY_ROLE)
def dossier_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    context = {
        "funds": ds.fund_years(),
        "counts": ds.dossier_counts(),
        "dossiers": ds.dossiers(scope) if not scope.is_council else None,
        "can_submit": scope.is_staff or scope.is_provider,
    }
    return render(request, "regie/dossiers/list.html", context)


@require_role(*WRITERS)
def dossier_new(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    form = request.POST if request.method == "POST" else None
    if form is not None:
        try:
            d = _submit(request, scope)
        except ds.Refused as exc:
            flash.error(request, str(exc))
        else:
            flash.success(request, _("Kansendossier ingediend."))
            return HttpResponseRedirect(reverse("opportunity-dossier", args=[d.pk]))
    context = {
        "providers": _providers(request),
        "own": scope.provider_agb,
        "indicators": [(i.key, indicator_label(i.key)) for i in INDICATORS],
        "year": timezone.localdate().year,
        "form": form or {},
        "chosen": form.getlist("providers") if form is not None else [scope.provider_agb],
        "chosen_indicators": form.getlist("indicators") if form is not None else [],
    }
    return render(request, "regie/dossiers/new.html", context)


def _submit(request: HttpRequest, scope: Any) -> OpportunityDossier:
    post = request.POST
    requested = _cents(post.get("requested"))
    if requested is None:
        raise ds.Refused("requested_amount", _("Vul het gevraagde bedrag in euro in, bijvoorbeeld 40.000."))
    year = post.get("year", "")
    if not year.isdigit():
        raise ds.Refused("year", _("Kies het jaar van het fonds."))
    case = {k: post.get(k, "") for k in ("goals", "client_group", "approach", "period")}
    others = re.split(r"[\s,;]+", post.get("others", ""))
    agbs = [a for a in [*post.getlist("providers"), *others] if a]
    return ds.submit(
        scope, request.user, post.get("title", ""), agbs, int(year), requested, case, post.getlist("indicators")
    )


@require_role(*WRITERS)
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    d = _dossier(request, pk)
    results = ds.results(d)
    names = dict(cat.Provider.objects.values_list("agb", "name"))
    left = rules.fund_left(ds.fund_amount(d.year), ds.awarded_in(d.year))
    context = {
        "d": d,
        "providers": [(p.agb, p.name) for p in d.providers.order_by("name")],
        "names": names,
        "indicator_labels": [indicator_label(k) for k in d.indicators],
        "results": results,
        "can_assess": scope.is_staff and d.status == OpportunityDossier.Status.SUBMITTED,
        "can_upload": d.status == OpportunityDossier.Status.AWARDED,
        "left": left,
        "rejected": request.session.pop("dossier_rejected", None),
    }
    return render(request, "regie/dossiers/detail.html", context)


@require_role(Role.MUNICIPALITY, Role.RELATIONSHIP_MANAGER)
@require_POST
def dossier_assess(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    d = _dossier(request, pk)
    back = reverse("opportunity-dossier", args=[d.pk])
    post = request.POST

    def score(name: str) -> int:
        value = post.get(name, "")
        return int(value) if value.isdigit() else 0

    decision = post.get("decision", "")
    awarded = _cents(post.get("awarded")) if decision == "awarded" else 0
    a = rules.Assessment(
        score("cooperation"),
        score("innovation"),
        score("acceleration"),
        post.get("regular_service") == "ja",
        decision,
        awarded if awarded is not None else -1,
        post.get("reason", ""),
    )
    done = _("Kansendossier toegekend.") if decision == "awarded" else _("Kansendossier afgewezen.")
    return acting(
        request, lambda: ds.assess(scope, request.user, d, a, post.get("regular_service_reason", "")), back, done
    )


@require_role(*WRITERS)
@require_POST
def dossier_clients(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    d = _dossier(request, pk)
    back = reverse("opportunity-dossier", args=[d.pk])
    upload = request.FILES.get("file")
    if upload is None:
        flash.error(request, _("Kies een CSV-bestand."))
        return HttpResponseRedirect(back)
    try:
        result = ds.upload_clients(scope, request.user, d, upload.read(), upload.name or "clienten.csv")
    except ds.Refused as exc:
        flash.error(request, str(exc))
        return HttpResponseRedirect(back)
    flash.success(request, _("%(n)s cliënt(en) opgeslagen.") % {"n": result["stored"]})
    if result["rejected"]:
        request.session["dossier_rejected"] = result["rejected"]
    return HttpResponseRedirect(back)


#: Risks a page of the risk list shows.
RISK_PAGE_SIZE = 25


@require_role(*EVERY_ROLE)
def risk_list(request: HttpRequest) -> HttpResponse:
    """The risks the caller sees, filtered by provider (not the council: it sees no names),
    status and level (in the URL: ``aanbieder``, ``status``, ``niveau``), 25 a page; the
    counts and the risk matrix are those of the whole filtered set."""
    scope = request.scope  # type: ignore[attr-defined]
    today = timezone.localdate()
    visible = ds.risks(scope) if not scope.is_council else Risk.objects.all()
    levels = [("high", _("hoog")), ("medium", _("middel")), ("low", _("laag"))]
    chosen = {
        "aanbieder": request.GET.get("aanbieder", "") if not scope.is_council else "",
        "status": request.GET.get("status", "") if request.GET.get("status") in Risk.Status.values else "",
        "niveau": request.GET.get("niveau", "") if request.GET.get("niveau") in dict(levels) else "",
    }
    qs = visible.filter(provider__agb=chosen["aanbieder"]) if chosen["aanbieder"] else visible
    qs = ds.risks_at_level(qs.filter(status=chosen["status"]) if chosen["status"] else qs, chosen["niveau"])
    cells = rules.matrix([r.as_rule() for r in qs])
    specs = charts(matrix=risk_matrix_chart(cells, _("Risicomatrix")))
    page = Paginator(qs, RISK_PAGE_SIZE).get_page(request.GET.get("pagina"))
    with_risks = cat.Provider.objects.filter(pk__in=visible.values("provider")).order_by("name")
    writable = scope.providers(cat.Provider.objects.all(), field="pk").order_by("name") if not scope.is_council else []
    context = {
        "summary": ds.risk_summary(qs, today),
        "rows": ds.risk_rows(page.object_list, today) if not scope.is_council else [],
        "page": page,
        "prev_url": url_with(request, pagina=page.previous_page_number()) if page.has_previous() else None,
        "next_url": url_with(request, pagina=page.next_page_number()) if page.has_next() else None,
        "chosen": {k: v for k, v in chosen.items() if v},
        "provider_options": [(p.agb, p.name) for p in with_risks] if not scope.is_council else [],
        "levels": levels,
        "chart_specs": specs,
        "has_charts": True,
        "can_write": scope.is_staff or scope.is_provider,
        "providers": writable,
        "contract_groups": _contract_groups(writable, today) if writable else [],
        "owners": Risk.Owner.choices,
        "statuses": Risk.Status.choices,
        "scale": range(1, 6),
        "default_review": today + dt.timedelta(days=91),
    }
    return render(request, "regie/dossiers/risks.html", context)


def _contract_groups(providers: Any, today: dt.date) -> list[tuple[str, list[cat.Contract]]]:
    """The contracts of ``providers`` a new risk can be named for, as option groups: those
    still running on ``today`` first, then the ended ones (history, still choosable), each by
    provider and newest first; a group without contracts is left out."""
    qs = cat.Contract.objects.filter(provider__in=providers).select_related("provider")
    ordered = list(qs.order_by("provider__name", "-start", "ident"))
    groups = [
        (_("Lopende contracten"), [c for c in ordered if c.end >= today]),
        (_("Afgelopen contracten"), [c for c in ordered if c.end < today]),
    ]
    return [(label, contracts) for label, contracts in groups if contracts]


def _risk_fields(post: Any) -> dict[str, Any]:
    def scale(name: str) -> int:
        value = post.get(name, "")
        return int(value) if value.isdigit() else 0

    return {
        "risk": post.get("risk", ""),
        "owner": post.get("owner", ""),
        "likelihood": scale("likelihood"),
        "impact": scale("impact"),
        "measures": post.get("measures", ""),
        "status": post.get("status") or "open",
        "review_on": _review_on(post),
    }


def _review_on(post: Any) -> dt.date:
    """The review date as the form sends it (``jjjj-mm-dd``); refused when it is not a date."""
    try:
        return dt.date.fromisoformat(post.get("review_on", ""))
    except ValueError:
        raise ds.Refused("review_on", _("Kies de datum waarop het risico wordt herzien.")) from None


@require_role(*WRITERS)
@require_POST
def risk_add(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    contract = cat.Contract.objects.filter(ident=request.POST.get("contract", "")).select_related("provider").first()
    if contract is None:
        raise Http404
    return acting(
        request,
        lambda: ds.add_risk(scope, request.user, contract.provider.agb, contract.ident, _risk_fields(request.POST)),
        reverse("risk-dossiers"),
        _("Risico vastgelegd."),
    )


@require_role(*WRITERS)
@require_POST
def risk_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a risk's status and, when the form sends one, its review date (a date that is
    not one is refused: nothing changes)."""
    scope = request.scope  # type: ignore[attr-defined]
    r = seen(lambda: ds.risk(scope, pk))

    def change() -> Risk:
        changes: dict[str, Any] = {"status": request.POST.get("status", r.status)}
        if request.POST.get("review_on"):
            changes["review_on"] = _review_on(request.POST)
        return ds.change_risk(scope, request.user, r, changes)

    return acting(
        request,
        change,
        reverse("risk-dossiers"),
        _("Risico bijgewerkt."),
    )
