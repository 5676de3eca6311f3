"""Funding pages: the ledger, the model comparison, inflow requests, capacity reallocation.

- ``/bekostiging/``: what the funding rules make due per provider, segment and municipality
  (advances, settlement, paid) for the chosen year and as-of date, and beside it the year's
  grants (innovation fund awards: no segment or municipality, so not under those filters),
  with the paid total including them; a provider sees its own rows and grants;
- ``/bekostiging/vergelijking/``: the year replayed under each funding model (municipality);
- ``/bekostiging/verzoeken/``: inflow-above-agreement requests; a provider files one for its
  own per-client contracts, the municipality approves or rejects with a reason (audited by
  :mod:`regie.funding.services`);
- ``/bekostiging/herverdeling/``: the municipality moves capacity between two contracts of
  one segment within the segment's ceiling.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages as flash
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from regie.accounts.models import Role
from regie.catalog import models as cat
from regie.engine.calendar import month_start, next_month
from regie.engine.compare import MODEL_NAMES
from regie.formatting import count
from regie.funding import models as fm
from regie.funding.services import DecisionError, decide_request, file_request, grants, reallocate
from regie.monitor import services as monitor
from regie.monitor.figures import total_of
from regie.monitor.models import Snapshot
from regie.site.pages.common import Column, choice, headers, label_rows, names, only, period_for, sort_rows
from regie.site.roles import require_role


def ledger_columns() -> list[Column]:
    return [
        Column("provider_name", _("Aanbieder")),
        Column("segment", _("Segment")),
        Column("municipality_name", _("Gemeente")),
        Column("advances_cents", _("Voorschotten"), True),
        Column("settlement_cents", _("Afrekening"), True),
        Column("instalments_cents", _("Termijnen"), True),
        Column("declarations_cents", _("Declaraties"), True),
        Column("ceiling_cut_cents", _("Boven plafond"), True),
        Column("late_declared_cents", _("Te laat (niet betaald)"), True),
        Column("paid_cents", _("Betaald"), True),
    ]


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def ledger(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    period = period_for(request)
    nm = names()
    rows = period.rows(Snapshot.Kind.LEDGER)
    if scope.is_provider:
        rows = only(rows, provider=scope.provider_agb)
    segment = choice(request, "segment", nm.segments)
    municipality = choice(request, "gemeente", nm.municipalities)
    provider = None if scope.is_provider else choice(request, "aanbieder", nm.providers)
    rows = label_rows(only(rows, segment=segment, municipality=municipality, provider=provider), nm)
    columns = ledger_columns()
    rows, sort = sort_rows(request, rows, columns, default="provider_name")
    total = total_of(rows, [c.field for c in columns if c.numeric])
    keep = [(k, v) for k, v in (("segment", segment), ("gemeente", municipality), ("aanbieder", provider)) if v]
    given = _grants(period, scope, provider, nm) if not (segment or municipality) else None
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.LEDGER),
        "keep": keep,
        "rows": rows,
        "total": total if rows else None,
        "headers": headers(request, columns, sort),
        "segments": sorted(nm.segments.items()),
        "municipalities": sorted(nm.municipalities.items()),
        "providers": [] if scope.is_provider else sorted(nm.providers.items(), key=lambda kv: kv[1]),
        "chosen": {"segment": segment, "gemeente": municipality, "aanbieder": provider},
        **_grant_totals(given, total if rows else None),
    }
    return render(request, "regie/funding/ledger.html", context)


def _grants(period: Any, scope: Any, provider: str | None, nm: Any) -> list[dict[str, Any]] | None:
    """The year's grants known by the as-of date that the page shows: a provider's own, the
    chosen provider's, or all (None before the year's figures are there)."""
    if not period.ready:
        return None
    only_of = [scope.provider_agb] if scope.is_provider else ([provider] if provider else None)
    return label_rows(grants(period.year, period.as_of, only_of), nm)


def _grant_totals(given: list[dict[str, Any]] | None, total: dict[str, Any] | None) -> dict[str, Any]:
    """The grants, their total and the ledger's paid total including them."""
    grant_total = sum(g["amount_cents"] for g in given or [])
    paid = (total or {}).get("paid_cents")
    return {
        "grants": given,
        "grants_total": grant_total,
        "paid_with_grants": None if paid is None else paid + grant_total,
    }


@require_role(Role.MUNICIPALITY)
def compare(request: HttpRequest) -> HttpResponse:
    period = period_for(request)
    snapshot = period.snapshot(Snapshot.Kind.COMPARE)
    segments = period.rows(Snapshot.Kind.COMPARE)
    meta = snapshot.meta if snapshot else {}
    totals = list(meta.get("totals") or [])
    for model in [m for seg in segments for m in seg.get("models", [])] + totals:
        model["name"] = MODEL_NAMES.get(model["model"], model["model"])
    running = meta.get("year_to_date")
    if running is None and period.ready:
        assert period.as_of is not None and period.year is not None
        running = period.as_of < dt.date(period.year, 12, 31)
    earlier = [y for y in period.years if period.year is not None and y < period.year]
    context = {
        "period": period,
        "snapshot": snapshot,
        "keep": [],
        "segments": segments,
        "totals": totals if len(segments) > 1 else [],
        "year_to_date": bool(running),
        "full_year": earlier[0] if earlier else None,
    }
    return render(request, "regie/funding/compare.html", context)


# --------------------------------------------------------------------------------------------
# Inflow-above-agreement requests


def month_label(month: dt.date) -> str:
    """``juli 2025``: a month in the user's language."""
    return dateformat.format(month, "F Y")


def contract_label(contract: cat.Contract) -> str:
    """A contract as a provider recognises it: number, segment, period (Dutch dates), agreed."""
    return _("%(ident)s · %(segment)s · %(start)s t/m %(end)s · %(agreed)s afgesproken") % {
        "ident": contract.ident,
        "segment": contract.segment.name,
        "start": dateformat.format(contract.start, "j-n-Y"),
        "end": dateformat.format(contract.end, "j-n-Y"),
        "agreed": count(contract.agreed_clients),
    }


def request_contracts(provider_id: int) -> QuerySet[cat.Contract]:
    """The contracts a provider may file an inflow request for: its per-client contracts."""
    return (
        cat.Contract.objects.filter(provider_id=provider_id, segment__funding_model="per_client")
        .select_related("segment")
        .prefetch_related("municipalities")
        .order_by("segment__code", "start", "ident")
    )


def running_months(contracts: QuerySet[cat.Contract], year: int) -> list[dt.date]:
    """The months of ``year`` (their first days) in which one of ``contracts`` runs."""
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    spans = list(contracts.values_list("start", "end"))
    return [m for m in months if any(start <= m <= end for start, end in spans)]


class InflowRequestForm(forms.Form):
    month = forms.TypedChoiceField(label=gettext_lazy("Vanaf maand"), coerce=dt.date.fromisoformat)
    contract = forms.ModelChoiceField(queryset=cat.Contract.objects.none(), label=gettext_lazy("Contract"))
    current_clients = forms.IntegerField(min_value=0, label=gettext_lazy("Cliënten nu in zorg"))
    expected_clients = forms.IntegerField(min_value=0, label=gettext_lazy("Verwachte cliënten dit jaar"))
    requested_clients = forms.IntegerField(min_value=1, label=gettext_lazy("Gevraagd afgesproken aantal"))
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Onderbouwing (cijfers en toelichting)")
    )

    def __init__(
        self, *args: Any, contracts: QuerySet[cat.Contract], months: list[dt.date], month: dt.date | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        month_field = self.fields["month"]
        assert isinstance(month_field, forms.TypedChoiceField)
        month_field.choices = [(m.isoformat(), month_label(m)) for m in months]
        field = self.fields["contract"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = contracts.filter(start__lte=month, end__gte=month) if month else contracts.none()
        field.label_from_instance = contract_label  # type: ignore[method-assign]
        # Choosing another month or contract fetches the form again with what Regie knows.
        refresh = {
            "hx-get": reverse("inflow-request-new"),
            "hx-trigger": "change",
            "hx-include": "#verzoek",
            "hx-params": "not csrfmiddlewaretoken",
            "hx-select": "#verzoek",
            "hx-target": "#verzoek",
            "hx-swap": "outerHTML",
        }
        for name in ("month", "contract"):
            self.fields[name].widget.attrs.update(refresh)


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def inflow_requests(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    qs = fm.InflowRequest.objects.select_related("contract", "contract__provider", "contract__segment", "filed_by")
    if scope.is_provider:
        qs = qs.filter(contract__provider_id=scope.provider_id)
    context = {
        "pending": qs.filter(status=fm.InflowRequest.Status.PENDING).order_by("filed_at"),
        "decided": qs.exclude(status=fm.InflowRequest.Status.PENDING).order_by("-decided_at")[:100],
        "can_decide": scope.is_municipality,
        "can_file": scope.is_provider,
    }
    return render(request, "regie/funding/requests.html", context)


@require_role(Role.PROVIDER)
def inflow_request_new(request: HttpRequest) -> HttpResponse:
    """File an inflow request. The months to choose are those of the chosen year in which one
    of the provider's per-client contracts runs; the contracts are those running in the chosen
    month; the clients in care are filled in with what Regie knows on the as-of date."""
    scope = request.scope  # type: ignore[attr-defined]
    period = period_for(request)
    as_of = period.as_of or timezone.localdate()
    year = period.year or as_of.year
    contracts = request_contracts(scope.provider_id)
    months = running_months(contracts, year)
    source = request.POST if request.method == "POST" else request.GET
    month = _chosen_month(source.get("month"), months, as_of)
    form = InflowRequestForm(
        request.POST if request.method == "POST" else None,
        contracts=contracts,
        months=months,
        month=month,
        initial={k: source.get(k) for k in ("expected_clients", "requested_clients", "justification") if source.get(k)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            file_request(
                request.user,
                data["contract"],
                data["month"],
                data["current_clients"],
                data["expected_clients"],
                data["requested_clients"],
                data["justification"],
            )
        except DecisionError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Uw verzoek is ingediend; de gemeente besluit erover."))
            return HttpResponseRedirect(reverse("inflow-requests"))
    running = form.fields["contract"].queryset  # type: ignore[attr-defined]
    contract = running.filter(pk=source.get("contract")).first() if str(source.get("contract", "")).isdigit() else None
    if contract is None and running.count() == 1:
        contract = running.first()
    known = None
    if contract is not None:
        municipalities = [m.code for m in contract.municipalities.all()]
        known = monitor.clients_in_care(scope.provider_agb, contract.segment.code, municipalities, as_of)
        known.update({"agreed": contract.agreed_clients, "contract": contract})
    if request.method != "POST":
        form.initial.update({"month": month.isoformat() if month else None, "contract": contract})
        if known is not None:
            form.initial["current_clients"] = known["now"]
    context = {"form": form, "known": known, "as_of": as_of, "period": period, "keep": [], "months": months}
    return render(request, "regie/funding/request_new.html", context)


def _chosen_month(text: str | None, months: list[dt.date], as_of: dt.date) -> dt.date | None:
    """The month asked for when it is one of ``months``; else the month after the as-of date
    (a request looks ahead), or the as-of month, or the first month there is."""
    try:
        wanted = dt.date.fromisoformat(text or "")
    except ValueError:
        wanted = None
    for candidate in (wanted, next_month(as_of), month_start(as_of)):
        if candidate in months:
            return candidate
    return months[0] if months else None


@require_POST
@require_role(Role.MUNICIPALITY)
def inflow_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    inflow = get_object_or_404(fm.InflowRequest.objects.select_related("contract"), pk=pk)
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    if decision not in ("approve", "reject"):
        flash.error(request, _("Kies goedkeuren of afwijzen."))
    else:
        try:
            decide_request(request.user, inflow, decision == "approve", reason)
        except DecisionError as exc:
            flash.error(request, str(exc))
        else:
            monitor.refresh_current(inflow.month.year)
            flash.success(
                request,
                _("Verzoek goedgekeurd.") if decision == "approve" else _("Verzoek afgewezen."),
            )
    return HttpResponseRedirect(reverse("inflow-requests"))


# --------------------------------------------------------------------------------------------
# Capacity reallocation


class ReallocationForm(forms.Form):
    from_contract = forms.ModelChoiceField(queryset=cat.Contract.objects.none(), label=gettext_lazy("Van contract"))
    to_contract = forms.ModelChoiceField(queryset=cat.Contract.objects.none(), label=gettext_lazy("Naar contract"))
    month = forms.DateField(label=gettext_lazy("Vanaf maand"), widget=forms.DateInput(attrs={"type": "date"}))
    clients = forms.IntegerField(
        min_value=0, initial=0, label=gettext_lazy("Cliënten (prijs per cliënt)"), required=False
    )
    amount_euros = forms.IntegerField(
        min_value=0, initial=0, label=gettext_lazy("Bedrag in euro (lumpsum of plafond)"), required=False
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Reden"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = dt.date.today()
        qs = (
            cat.Contract.objects.filter(end__gte=dt.date(today.year - 1, 1, 1))
            .select_related("provider", "segment")
            .order_by("segment__code", "provider__name")
        )
        for name in ("from_contract", "to_contract"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs
            field.label_from_instance = lambda c: f"{c.segment.code} · {c.provider.name} ({c.ident})"


@require_role(Role.MUNICIPALITY)
def reallocation(request: HttpRequest) -> HttpResponse:
    form = ReallocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = reallocate(
                request.user,
                data["from_contract"],
                data["to_contract"],
                data["month"],
                data.get("clients") or 0,
                (data.get("amount_euros") or 0) * 100,
                data["reason"],
            )
        except DecisionError as exc:
            form.add_error(None, str(exc))
        else:
            monitor.refresh_current(moved.month.year)
            flash.success(request, _("Capaciteit herverdeeld."))
            return HttpResponseRedirect(reverse("reallocation"))
    done = fm.CapacityReallocation.objects.select_related(
        "segment", "from_contract__provider", "to_contract__provider", "decided_by"
    ).order_by("-decided_at")[:100]
    return render(request, "regie/funding/reallocation.html", {"form": form, "done": done, "names": names()})
