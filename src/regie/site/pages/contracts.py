"""Contract pages: the contracts of the region (a provider: its own) and one contract with its
parameters, municipalities, options, the tender that wrote it and its earlier versions.

- ``/inkoop/contracten/?segment=&jaar=``: the list;
- ``/inkoop/contracten/<id>/``: one contract (another provider's answers 404) with its
  history (who, when, what, why);
- ``.../optie/`` (POST): the municipality takes the next extension option;
- ``.../wijzigen/``: the municipality changes the contract (the earlier version is kept).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages as flash
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from regie.accounts.models import Role
from regie.accounts.scope import Scope
from regie.catalog import models as cat
from regie.catalog.versions import ContractError, change_contract
from regie.engine.contracts import NoOption, next_option
from regie.procurement.contract_life import take_option
from regie.site.roles import require_role


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def contract_list(request: HttpRequest) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    qs = scope.providers(cat.Contract.objects.select_related("provider", "segment"))
    segment = request.GET.get("segment") or ""
    year = request.GET.get("jaar") or ""
    if segment:
        qs = qs.filter(segment__code=segment)
    if year.isdigit():
        qs = qs.filter(Q(start__year__lte=int(year)) & Q(end__year__gte=int(year)))
    context = {
        "contracts": qs.order_by("segment__code", "provider__name", "start"),
        "segments": cat.Segment.objects.order_by("code"),
        "segment": segment,
        "year": year,
        "tab": "contracts",
    }
    return render(request, "regie/procurement/contracts.html", context)


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def contract_detail(request: HttpRequest, ident: str) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    contract = _contract(scope, ident)
    context = {
        "contract": contract,
        "next_option": next_option(contract.end, contract.extension_dates),
        "options": contract.extension_dates,
        "versions": [_version_row(v) for v in contract.versions.select_related("changed_by").order_by("-number")],
        "can_change": scope.is_municipality,
        "municipalities": ", ".join(mu.name for mu in contract.municipalities.all()),
        "bids": contract.bids.select_related("tender__segment"),  # type: ignore[attr-defined]
        "tariffs": sorted(contract.tariffs.items()),
        "tab": "contracts",
    }
    return render(request, "regie/procurement/contract.html", context)


def _contract(scope: Scope, ident: str) -> cat.Contract:
    qs = scope.providers(cat.Contract.objects.select_related("provider", "segment"))
    return get_object_or_404(qs, ident=ident)


def _version_row(version: cat.ContractVersion) -> dict[str, Any]:
    labels = field_labels()
    return {
        "version": version,
        "who": version.changed_by.get_full_name() or version.changed_by.username
        if version.changed_by
        else _("catalogus"),
        "changes": [
            {"field": labels.get(name, name), "old": _shown(old), "new": _shown(new)}
            for name, (old, new) in version.changes.items()
        ],
    }


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d-%m-%Y")
        except ValueError:
            return value
    return str(value)


def field_labels() -> dict[str, str]:
    """Dutch names of a contract's fields (its model's verbose names)."""
    return {f.name: str(f.verbose_name) for f in cat.Contract._meta.get_fields() if hasattr(f, "verbose_name")}


@require_POST
@require_role(Role.MUNICIPALITY)
def contract_option(request: HttpRequest, ident: str) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    contract = _contract(scope, ident)
    reason = request.POST.get("reason", "").strip() or _("Optie tot verlenging genomen.")
    try:
        new_end = take_option(request.user, contract, reason)
    except (NoOption, ContractError) as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Optie genomen: het contract loopt nu tot %(end)s.") % {"end": f"{new_end:%d-%m-%Y}"})
    return HttpResponseRedirect(reverse("contract", args=[ident]))


class ContractForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Ingangsdatum"))
    end = forms.DateField(label=gettext_lazy("Einddatum"))
    extensions = forms.CharField(
        label=gettext_lazy("Opties tot verlenging (einddata, JJJJ-MM-DD, gescheiden door komma's)"), required=False
    )
    agreed_clients = forms.IntegerField(label=gettext_lazy("Afgesproken cliënten"), min_value=0)
    price_per_client = forms.DecimalField(label=gettext_lazy("Prijs per cliënt (euro)"), min_value=0, decimal_places=2)
    band = forms.FloatField(label=gettext_lazy("Bandbreedte (0 tot 1)"), min_value=0, max_value=0.99)
    ceiling = forms.DecimalField(label=gettext_lazy("Plafond per jaar (euro, 0 = geen)"), min_value=0, decimal_places=2)
    lump_sum = forms.DecimalField(label=gettext_lazy("Lumpsum per jaar (euro)"), min_value=0, decimal_places=2)
    reason = forms.CharField(label=gettext_lazy("Reden van de wijziging"), widget=forms.Textarea(attrs={"rows": 2}))

    MONEY = ("price_per_client", "ceiling", "lump_sum")

    @classmethod
    def initial_for(cls, contract: cat.Contract) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(contract, name) for name in ("start", "end", "agreed_clients", "band")}
        initial.update({name: Decimal(getattr(contract, name)) / 100 for name in cls.MONEY})
        initial["extensions"] = ", ".join(contract.extensions)
        return initial

    def clean_extensions(self) -> tuple[dt.date, ...]:
        text = self.cleaned_data.get("extensions") or ""
        try:
            return tuple(dt.date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())
        except ValueError:
            raise forms.ValidationError(_("Data als JJJJ-MM-DD, gescheiden door komma's.")) from None

    def values(self, contract: cat.Contract) -> dict[str, Any]:
        """The fields that differ from the contract, in the engine's types (cents, dates)."""
        data = dict(self.cleaned_data)
        for name in self.MONEY:
            data[name] = int(Decimal(data[name]) * 100)
        current = contract.to_core()
        return {
            name: data[name]
            for name in (
                "start",
                "end",
                "extensions",
                "agreed_clients",
                "price_per_client",
                "band",
                "ceiling",
                "lump_sum",
            )
            if data[name] != getattr(current, name)
        }


@require_role(Role.MUNICIPALITY)
def contract_edit(request: HttpRequest, ident: str) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    contract = _contract(scope, ident)
    form = ContractForm(request.POST or None, initial=ContractForm.initial_for(contract))
    if request.method == "POST" and form.is_valid():
        values = form.values(contract)
        if not values:
            form.add_error(None, _("Er is niets gewijzigd."))
        else:
            try:
                change_contract(request.user, contract, values, form.cleaned_data["reason"])
            except ContractError as exc:
                form.add_error(None, _("Zo klopt het contract niet: %(rule)s") % {"rule": exc})
            else:
                flash.success(request, _("Het contract is gewijzigd; de vorige versie is bewaard."))
                return HttpResponseRedirect(reverse("contract", args=[ident]))
    return render(
        request, "regie/procurement/contract_edit.html", {"contract": contract, "form": form, "tab": "contracts"}
    )
