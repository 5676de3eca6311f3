"""The client across domains (issue 19, ADR 0025): ``/clienten-over-domeinen/``.

For the chosen year as of the chosen date, from the snapshot of
:func:`regie.monitor.services.compute_cross_domain`: how many clients use one, two or three
domains (youth care, Wmo, participation), every combination with the cost per client across
domains, and the arrangements in different domains that run at once (per pair of segments
and of domains: clients and days). For the whole region or one municipality.

Municipality staff only: aggregates of pseudonymised clients, yet about clients' lives across
laws; providers, the relationship manager and the council get 403 (the council sees the
counts in its report).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from regie.accounts.models import Role
from regie.engine import crossdomain
from regie.monitor.models import Snapshot
from regie.reports import charts
from regie.reports.crossdomain import combination_label, domain_label
from regie.site.pages.common import Names, choice, names, period_for
from regie.site.pages.common import charts as chart_context
from regie.site.roles import require_role


def labelled(document: Mapping[str, Any], nm: Names) -> dict[str, Any]:
    """The snapshot's document with labels: each combination's ``label`` and share of the
    clients, each overlap's segment names and days per client."""
    clients = document.get("clients") or 0
    combos = [
        {
            **r,
            "label": combination_label(r["domains"]),
            "share": r["clients"] / clients if clients else None,
            "per_domain": [r.get(f"{d}_per_client_cents") for d in document.get("domains", [])],
        }
        for r in document.get("combinations", [])
    ]
    overlaps = [
        {
            **r,
            "label_a": f"{r['segment_a']} {nm.segment(r['segment_a'])}".strip(),
            "label_b": f"{r['segment_b']} {nm.segment(r['segment_b'])}".strip(),
            "days_per_client": r["days"] / r["clients"] if r["clients"] else None,
        }
        for r in document.get("overlaps", [])
    ]
    domain_overlaps = [
        {**r, "label": combination_label([r["domain_a"], r["domain_b"]]), "days_per_client": r["days"] / r["clients"]}
        for r in document.get("domain_overlaps", [])
    ]
    by_count = document.get("by_count", {})
    counts = [(n, by_count.get(str(n), 0)) for n in range(1, len(document.get("domains", [])) + 1)]
    return {
        **document,
        "combinations": combos,
        "overlaps": overlaps,
        "domain_overlaps": domain_overlaps,
        "counts": counts,
        "domain_labels": [domain_label(d) for d in document.get("domains", [])],
    }


def summary(document: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What the budget grip says of the client across domains: the clients, those in more than
    one domain (and their share), their cost per client across domains beside that of the
    clients in one domain, and those with arrangements in two domains at once. None without
    a document or clients."""
    if not document or not document.get("clients"):
        return None
    combos = document["combinations"]
    groups = {}
    for name, rows in (
        ("one", [r for r in combos if len(r["domains"]) == 1]),
        ("more", [r for r in combos if len(r["domains"]) > 1]),
    ):
        n = sum(r["clients"] for r in rows)
        costs = [r["total_cents"] for r in rows if r["clients"]]
        total = None if not costs or None in costs else sum(costs)
        groups[name] = {"clients": n, "cost_per_client_cents": crossdomain.per_client(total, n)}
    return {
        "clients": document["clients"],
        "more": groups["more"],
        "one": groups["one"],
        "share_more": groups["more"]["clients"] / document["clients"],
        "overlap_clients": document.get("overlap_clients", 0),
    }


@require_role(Role.MUNICIPALITY)
def cross_domain(request: HttpRequest) -> HttpResponse:
    period = period_for(request)
    nm = names()
    rows = period.rows(Snapshot.Kind.CROSS_DOMAIN)
    with_clients = sorted((r["municipality"] for r in rows if r["municipality"]), key=nm.municipality)
    municipality = choice(request, "gemeente", with_clients)
    document = next((r for r in rows if r["municipality"] == municipality), None)
    figures = labelled(document, nm) if document else None
    spec = charts.combinations_chart(figures["combinations"], _("Cliënten per combinatie")) if figures else None
    context = {
        "period": period,
        "snapshot": period.snapshot(Snapshot.Kind.CROSS_DOMAIN),
        "keep": [("gemeente", municipality)] if municipality else [],
        "figures": figures,
        "municipality_name": nm.municipality(municipality) if municipality else _("de hele regio"),
        "municipalities": [(code, nm.municipality(code)) for code in with_clients],
        "chosen": {"gemeente": municipality},
        "chart_specs": chart_context(combinations=spec),
        "has_charts": spec is not None,
    }
    return render(request, "regie/crossdomain.html", context)
