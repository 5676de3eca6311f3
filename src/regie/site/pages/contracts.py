"""Contract pages: the contracts of the region (a provider: its own) and one contract with its
parameters, municipalities and the tender that wrote it.

- ``/inkoop/contracten/?segment=&jaar=``: the list;
- ``/inkoop/contracten/<id>/``: one contract (another provider's answers 404).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from regie.accounts.models import Role
from regie.accounts.scope import Scope
from regie.catalog import models as cat
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
    qs = scope.providers(cat.Contract.objects.select_related("provider", "segment"))
    contract = get_object_or_404(qs, ident=ident)
    context = {
        "contract": contract,
        "municipalities": ", ".join(mu.name for mu in contract.municipalities.all()),
        "bids": contract.bids.select_related("tender__segment"),  # type: ignore[attr-defined]
        "tariffs": sorted(contract.tariffs.items()),
        "tab": "contracts",
    }
    return render(request, "regie/procurement/contract.html", context)
