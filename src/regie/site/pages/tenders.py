"""Procurement pages: tenders from requirements to award, and the contracts they write.

- ``/inkoop/``: the tenders (municipality: all, with a new one; provider: where it can bid
  and its own outcome);
- ``/inkoop/aanbestedingen/nieuw/``: a tender for a segment and year, its requirements
  (pre-filled with those of domain.md section 10a) and the contracts' funding parameters;
- ``/inkoop/aanbestedingen/<id>/``: requirements, bids with their assessments (x of 2) and
  the award; after it the ranking with each provider's reasons (a provider sees its own row);
- ``.../inschrijven/``: a bid with answers and evidence files;
- ``.../inschrijvingen/<bid>/``: a bid, its evidence, and the four-eyes assessment form.

Writes go through :mod:`regie.procurement.services` (audited); the selection is
:func:`regie.engine.procurement.award`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages as flash
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from regie.accounts.models import Role
from regie.accounts.scope import Scope
from regie.catalog import models as cat
from regie.engine.procurement import ASSESSORS, CARE_SHARE
from regie.procurement import models as m
from regie.procurement import services
from regie.procurement.services import ProcurementError
from regie.site.pages.common import require
from regie.site.roles import require_role

KIND_CHOICES = [("pass_fail", gettext_lazy("voldoet / voldoet niet")), ("score", gettext_lazy("score"))]


class TenderForm(forms.Form):
    segment = forms.ModelChoiceField(cat.Segment.objects.all(), label=gettext_lazy("Segment"), to_field_name="code")
    year = forms.IntegerField(label=gettext_lazy("Jaar"), min_value=2000, max_value=2100)
    max_providers = forms.IntegerField(
        label=gettext_lazy("Maximum aantal aanbieders"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("Leeg: het maximum van het segment."),
    )
    agreed_clients = forms.IntegerField(
        label=gettext_lazy("Afgesproken cliënten per contract"), min_value=0, required=False
    )
    price_per_client = forms.DecimalField(
        label=gettext_lazy("Prijs per cliënt (euro)"), min_value=0, decimal_places=2, required=False
    )
    lump_sum = forms.DecimalField(
        label=gettext_lazy("Lumpsum per jaar (euro)"), min_value=0, decimal_places=2, required=False
    )
    ceiling = forms.DecimalField(
        label=gettext_lazy("Plafond per jaar (euro)"), min_value=0, decimal_places=2, required=False
    )

    def funding(self) -> dict[str, int]:
        """The contracts' funding parameters, amounts in cents (left out when empty)."""
        data = self.cleaned_data
        out = {}
        if data.get("agreed_clients") is not None:
            out["agreed_clients"] = data["agreed_clients"]
        for key in ("price_per_client", "lump_sum", "ceiling"):
            if data.get(key) is not None:
                out[key] = int(Decimal(data[key]) * 100)
        return out


class RequirementForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40, required=False)
    text = forms.CharField(label=gettext_lazy("Eis"), max_length=300, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Soort"), choices=KIND_CHOICES)
    weight = forms.FloatField(label=gettext_lazy("Gewicht"), min_value=0, required=False)
    minimum = forms.FloatField(label=gettext_lazy("Minimum"), required=False)


RequirementFormSet = formset_factory(RequirementForm, extra=0)


def _problems(form: forms.Form, exc: ProcurementError) -> None:
    for field, reason in exc.problems.items():
        form.add_error(field if field in form.fields else None, reason)


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def tender_list(request: HttpRequest) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    tenders = m.Tender.objects.select_related("segment").order_by("-year", "segment__code")
    own = {}
    if scope.is_provider:
        own = {b.tender_id: b for b in m.Bid.objects.filter(provider_id=scope.provider_id)}
    rows = [
        {"tender": t, "bids": t.bids.count(), "own": own.get(t.pk), "selected": t.bids.filter(selected=True).count()}
        for t in tenders
    ]
    return render(request, "regie/procurement/list.html", {"rows": rows, "tab": "tenders"})


@require_role(Role.MUNICIPALITY)
def tender_new(request: HttpRequest) -> HttpResponse:
    initial = [{**r, "weight": r.get("weight")} for r in services.STANDARD_REQUIREMENTS]
    initial += [{"kind": "score"}] * 2
    form = TenderForm(request.POST or None)
    requirements = RequirementFormSet(request.POST or None, initial=None if request.POST else initial, prefix="eis")
    if request.method == "POST" and form.is_valid() and requirements.is_valid():
        wanted = [r for r in requirements.cleaned_data if r.get("code")]
        try:
            tender = services.create_tender(
                request.user,
                form.cleaned_data["segment"].code,
                form.cleaned_data["year"],
                form.cleaned_data["max_providers"],
                wanted,
                funding=form.funding(),
            )
        except ProcurementError as exc:
            _problems(form, exc)
        else:
            flash.success(request, _("De aanbesteding is aangemaakt; aanbieders kunnen inschrijven."))
            return HttpResponseRedirect(reverse("tender", args=[tender.pk]))
    context = {"form": form, "requirements": requirements, "tab": "tenders"}
    return render(request, "regie/procurement/new.html", context)


def _bids(tender: m.Tender, scope: Scope) -> list[m.Bid]:
    qs = tender.bids.select_related("provider", "contract").prefetch_related("assessments__assessor")
    return list(scope.providers(qs).order_by("rank", "provider__name"))


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    tender = get_object_or_404(m.Tender.objects.select_related("segment"), pk=pk)
    bids = _bids(tender, scope)
    unassessed = [b for b in bids if len({a.assessor_id for a in b.assessments.all()}) < ASSESSORS]
    context = {
        "tender": tender,
        "requirements": list(tender.requirements.all()),
        "bids": bids,
        "unassessed": unassessed,
        "can_award": scope.is_municipality and tender.status == m.Tender.Status.OPEN and bids and not unassessed,
        "can_bid": tender.status == m.Tender.Status.OPEN
        and (scope.is_municipality or not tender.bids.filter(provider_id=scope.provider_id).exists()),
        "awarded": tender.status == m.Tender.Status.AWARDED,
        "assessors": ASSESSORS,
        "municipalities": ", ".join(mu.name for mu in tender.municipalities.all()),
        "tab": "tenders",
    }
    return render(request, "regie/procurement/detail.html", context)


@require_POST
@require_role(Role.MUNICIPALITY)
def tender_award(request: HttpRequest, pk: int) -> HttpResponse:
    tender = get_object_or_404(m.Tender, pk=pk)
    try:
        result, contracts = services.award(request.user, tender)
    except ProcurementError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(
            request,
            _("Gegund aan %(n)s aanbieder(s); %(c)s contract(en) geschreven.")
            % {"n": len(result.selected), "c": len(contracts)},
        )
    return HttpResponseRedirect(reverse("tender", args=[pk]) + "#uitslag")


class BidForm(forms.Form):
    provider = forms.ModelChoiceField(cat.Provider.objects.all(), label=gettext_lazy("Aanbieder"), to_field_name="agb")

    def __init__(self, *args: Any, requirements: list[m.Requirement], scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scope.is_provider:
            del self.fields["provider"]
        self.requirements = requirements
        for req in requirements:
            if req.code == CARE_SHARE:
                self.fields[f"answer_{req.code}"] = forms.DecimalField(
                    label=_("%(text)s (%% van de omzet)") % {"text": req.text}, min_value=0, max_value=100
                )
            else:
                self.fields[f"answer_{req.code}"] = forms.CharField(
                    label=req.text, widget=forms.Textarea(attrs={"rows": 2}), required=False
                )
            self.fields[f"evidence_{req.code}"] = forms.FileField(
                label=_("Bewijsstuk bij %(code)s") % {"code": req.code}, required=False
            )

    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for req in self.requirements:
            value = self.cleaned_data.get(f"answer_{req.code}")
            if req.code == CARE_SHARE and value is not None:
                out[req.code] = float(Decimal(value) / 100)
            elif value:
                out[req.code] = value
        return out


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def bid_new(request: HttpRequest, pk: int) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    tender = get_object_or_404(m.Tender.objects.select_related("segment"), pk=pk)
    requirements = list(tender.requirements.all())
    form = BidForm(request.POST or None, request.FILES or None, requirements=requirements, scope=scope)
    if request.method == "POST" and form.is_valid():
        provider = (
            cat.Provider.objects.get(pk=scope.provider_id) if scope.is_provider else form.cleaned_data["provider"]
        )
        try:
            bid = services.submit_bid(request.user, tender, provider, form.answers())
            for req in requirements:
                upload = form.cleaned_data.get(f"evidence_{req.code}")
                if upload:
                    services.add_evidence(request.user, bid, req.code, [upload])
        except ProcurementError as exc:
            _problems(form, exc)
        else:
            flash.success(request, _("De inschrijving is ontvangen."))
            return HttpResponseRedirect(reverse("tender-bid", args=[pk, bid.pk]))
    return render(request, "regie/procurement/bid_new.html", {"tender": tender, "form": form, "tab": "tenders"})


class AssessmentForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Motivering"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, requirements: list[m.Requirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        for req in requirements:
            label = f"{req.code}: {req.text}"
            if req.kind == "pass_fail":
                self.fields[f"score_{req.code}"] = forms.TypedChoiceField(
                    label=label,
                    choices=[("", "—"), ("1", _("Voldoet")), ("0", _("Voldoet niet"))],
                    coerce=lambda v: v == "1",
                )
            else:
                self.fields[f"score_{req.code}"] = forms.DecimalField(label=label, min_value=0, decimal_places=2)
        self.order_fields([f"score_{r.code}" for r in requirements] + ["reason"])

    def scores(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for req in self.requirements:
            value = self.cleaned_data[f"score_{req.code}"]
            out[req.code] = value if req.kind == "pass_fail" else float(value)
        return out


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def bid_detail(request: HttpRequest, pk: int, bid: int) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    tender = get_object_or_404(m.Tender.objects.select_related("segment"), pk=pk)
    found = get_object_or_404(scope.providers(tender.bids.select_related("provider", "contract")), pk=bid)
    requirements = list(tender.requirements.all())
    assessments = list(found.assessments.select_related("assessor"))
    mine = any(a.assessor_id == request.user.pk for a in assessments)
    may_assess = (
        scope.is_municipality and tender.status == m.Tender.Status.OPEN and not mine and len(assessments) < ASSESSORS
    )
    form = AssessmentForm(request.POST or None, requirements=requirements) if may_assess else None
    if request.method == "POST":
        require(form is not None)
        assert form is not None
        if form.is_valid():
            try:
                services.assess(request.user, found, form.scores(), form.cleaned_data["reason"])
            except ProcurementError as exc:
                _problems(form, exc)
            else:
                flash.success(request, _("Uw beoordeling is opgeslagen."))
                return HttpResponseRedirect(reverse("tender", args=[pk]))
    context = {
        "tender": tender,
        "bid": found,
        "answers": [(r, found.answers.get(r.code)) for r in requirements],
        "evidence": list(found.evidence.all()),
        "assessments": assessments if scope.is_municipality else [],
        # four eyes: the marks of the first assessor stay hidden from the second until both are in
        "show_marks": mine or len(assessments) >= ASSESSORS,
        "requirements": requirements,
        "form": form,
        "awarded": tender.status == m.Tender.Status.AWARDED,
        "tab": "tenders",
    }
    return render(request, "regie/procurement/bid.html", context)


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def evidence_file(request: HttpRequest, pk: int, bid: int, evidence: int) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    found = get_object_or_404(scope.providers(m.Bid.objects.filter(tender_id=pk)), pk=bid)
    item = get_object_or_404(found.evidence, pk=evidence)
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.name.replace(chr(34), "")}"'
    return response
