"""The shared waiting list (domain.md section 8): ``/wachtlijst/``.

- the municipality sees every segment's list in priority order (crisis, urgent, normal;
  within one urgency the longest waiting first) with waiting days, the norm and whether it is
  past it; it registers, assigns to a provider with a note, confirms a core partner's claim
  and withdraws with a reason;
- a core partner of a segment sees that segment's whole list (pseudonyms only), registers and
  claims a registration for itself; any provider sees what is assigned to it;
- the council sees counts and waiting times per segment and urgency, no registrations;
- beside the list, per provider of the segment: clients in care against the agreed number
  and its assigned backlog (a provider sees its own row).

Every decision goes through :mod:`regie.access.services` (audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regie.access import services
from regie.access.models import REFERRERS, Registration, Status, Urgency
from regie.accounts.models import Role
from regie.catalog import models as cat
from regie.engine import access as rules
from regie.engine.registry import BREAKDOWN
from regie.site.pages.common import names
from regie.site.roles import ALL_ROLES, require_role

#: Most registrations one page shows (the API pages through all of them).
SHOWN = 200
#: The status filter: open (waiting or assigned, the default), one status, or all.
STATUS_CHOICES = {"open": rules.OPEN_STATUSES, **{s: (s,) for s in rules.STATUSES}, "all": rules.STATUSES}


class UnsentInput(forms.TextInput):
    """A text input that never sends its value back to the browser (the BSN is not shown)."""

    def format_value(self, value: Any) -> str | None:
        return None


class RegistrationForm(forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=cat.Municipality.objects.all(), label=gettext_lazy("Gemeente"), to_field_name="code"
    )
    segment = forms.ModelChoiceField(queryset=cat.Segment.objects.all(), label=gettext_lazy("Segment"))
    bsn = forms.CharField(
        label=gettext_lazy("BSN"),
        min_length=9,
        max_length=9,
        help_text=gettext_lazy("Wordt direct een pseudoniem; het BSN wordt niet bewaard."),
        widget=UnsentInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, label=gettext_lazy("Urgentie"), initial=Urgency.NORMAL)
    area = forms.CharField(label=gettext_lazy("Gebied"), required=False, max_length=100)
    referrer = forms.ChoiceField(
        choices=[("", "—"), *REFERRERS], label=gettext_lazy("Verwijzer (COD327)"), required=False
    )
    registered_on = forms.DateField(label=gettext_lazy("Aangemeld op"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, segments: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["segment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.to_field_name = "code"
        if segments is not None:
            field.queryset = cat.Segment.objects.filter(code__in=segments)
        self.fields["registered_on"].initial = timezone.localdate()


def _filters(request: HttpRequest, segments: list[str]) -> dict[str, Any]:
    segment = request.GET.get("segment") or ""
    municipality = request.GET.get("gemeente") or ""
    status = request.GET.get("status") or "open"
    return {
        "segment": segment if segment in segments else "",
        "municipality": municipality if cat.Municipality.objects.filter(code=municipality).exists() else "",
        "status": status if status in STATUS_CHOICES else "open",
    }


@require_role(*ALL_ROLES)
def waiting_list(request: HttpRequest) -> HttpResponse:
    """The list (or, for the council, its figures) with the registration form and capacity."""
    scope = request.scope  # type: ignore[attr-defined]
    today = timezone.localdate()
    core = services.core_segments(scope.provider_agb) if scope.is_provider else []
    all_segments = list(cat.Segment.objects.values_list("code", flat=True))
    chosen = _filters(request, all_segments)
    regs = Registration.objects.select_related("municipality", "segment", "provider")
    if chosen["segment"]:
        regs = regs.filter(segment__code=chosen["segment"])
    if chosen["municipality"]:
        regs = regs.filter(municipality__code=chosen["municipality"])
    nm = names()
    context: dict[str, Any] = {
        "chosen": chosen,
        "segments": [(code, nm.segment(code)) for code in all_segments],
        "municipalities": list(cat.Municipality.objects.values_list("code", "name")),
        "statuses": [("open", _("op de lijst")), *Status.choices, ("all", _("alle"))],
        "core_segments": core,
        "today": today,
        "norms": [(Urgency(u).label, rules.norm_days(u)) for u in rules.URGENCIES[:2]],
    }
    open_regs = regs.filter(status__in=rules.OPEN_STATUSES)
    context["summary"] = [
        {**vars(s), "segment_name": nm.segment(s.segment), "urgency_label": Urgency(s.urgency).label}
        for s in rules.summary(
            services.entries(services.visible(scope, open_regs) if scope.is_provider else open_regs), today
        )
    ]
    if not scope.is_council:
        rows = services.shown(services.visible(scope, regs.filter(status__in=STATUS_CHOICES[chosen["status"]])), today)
        context.update(
            rows=rows[:SHOWN],
            total=len(rows),
            can_register=scope.is_municipality or bool(core),
            form=RegistrationForm(segments=None if scope.is_municipality else core),
            providers=_providers(chosen["segment"]) if scope.is_municipality else [],
            capacity=_capacity(scope, chosen["segment"], today, nm),
        )
    return render(request, "regie/access/list.html", context)


def _providers(segment: str) -> list[cat.Provider]:
    """The providers the municipality can assign to: those with a contract in the segment (all
    providers when no segment is chosen)."""
    qs = cat.Provider.objects.order_by("name")
    if segment:
        qs = qs.filter(contracts__segment__code=segment).distinct()
    return list(qs)


def _capacity(scope: Any, segment: str, today: dt.date, nm: Any) -> list[dict[str, Any]]:
    if not segment:
        return []
    own = [scope.provider_agb] if scope.is_provider else None
    return [
        {**vars(c), "room": c.room, "provider_name": nm.provider(c.provider)}
        for c in services.capacity(segment, today, own)
    ]


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def register(request: HttpRequest) -> HttpResponse:
    """Register a request at the registration point (municipality or a core partner)."""
    scope = request.scope  # type: ignore[attr-defined]
    core = None if scope.is_municipality else services.core_segments(scope.provider_agb)
    form = RegistrationForm(request.POST or None, segments=core)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reg = services.register(
                request.user,
                scope,
                municipality=data["municipality"],
                segment=data["segment"],
                bsn=data["bsn"],
                urgency=data["urgency"],
                registered_on=data["registered_on"],
                area=data["area"],
                referrer=data["referrer"],
            )
        except services.AccessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            flash.success(request, _("Aanmelding %(id)s staat op de wachtlijst.") % {"id": reg.pk})
            return HttpResponseRedirect(reverse("waiting-list") + f"?segment={reg.segment.code}")
    return render(
        request, "regie/access/register.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@require_POST
@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign, claim, confirm or withdraw one registration; back to the list."""
    scope = request.scope  # type: ignore[attr-defined]
    reg = get_object_or_404(services.visible(scope).select_related("segment", "provider"), pk=pk)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "").strip()
    try:
        if action == "assign":
            agb = scope.provider_agb if scope.is_provider else request.POST.get("provider", "")
            provider = cat.Provider.objects.filter(agb=agb).first()
            if provider is None:
                raise services.AccessError(_("Kies een aanbieder."))
            services.assign(request.user, scope, reg, provider, note)
            done = _("Aanmelding %(id)s toegewezen.") if scope.is_municipality else _("Aanmelding %(id)s geclaimd.")
        elif action == "confirm":
            services.confirm(request.user, scope, reg, note)
            done = _("Claim op aanmelding %(id)s bevestigd.")
        elif action == "withdraw":
            services.withdraw(request.user, scope, reg, note)
            done = _("Aanmelding %(id)s ingetrokken.")
        else:
            raise services.AccessError(_("Onbekende actie."))
    except services.AccessError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, done % {"id": reg.pk})
    back = request.POST.get("back", "")
    return HttpResponseRedirect(back if back.startswith("/wachtlijst/") else reverse("waiting-list"))


@require_role(Role.MUNICIPALITY, Role.COUNCIL)
def referrers(request: HttpRequest) -> HttpResponse:
    """The ``referrers`` indicator per segment: the share of the year's new care per kind of
    referrer, and the share referred to providers without a contract (figures only)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("jaar") or today.year)
    except ValueError:
        year = today.year
    as_of = min(today, dt.date(year, 12, 31))
    nm = names()
    rows = [{**r, "segment_name": nm.segment(r["segment"])} for r in services.referrer_rows(year, as_of)]
    kinds = [(code, label) for code, label in REFERRERS if any(code in r["by_kind"] for r in rows)]
    for r in rows:
        r["shares"] = [r["by_kind"].get(code) for code, _label in kinds]
    context = {
        "rows": rows,
        "kinds": kinds,
        "year": year,
        "as_of": as_of,
        "years": list(range(today.year - 3, today.year + 1)),
        "definition": BREAKDOWN["referrers"].definition.get(get_language()),
    }
    return render(request, "regie/access/referrers.html", context)
