"""The demo's opportunity and risk dossiers (:mod:`regie.synth.dossiers`), stored once when
the demo's database is built (``regie demo``, fresh), after its figures: submitted, assessed
and decided through :mod:`regie.dossiers.services` as people would (an award books its ledger
line and keeps the indicators of the day), by ``gemeente`` on behalf of the providers.

The awarded dossiers get clients reported: clients of their providers whose care ended in the
last year (pseudonyms from the traffic), each end given a reason in turn (voorliggend veld,
afschaling, overig), so the results show warm handovers and sustainable outflow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from regie.accounts.audit import audit
from regie.accounts.models import Role, UserRole
from regie.accounts.scope import scope_for
from regie.catalog import models as cat
from regie.dossiers import services
from regie.dossiers.models import DossierClient, OpportunityDossier, Risk
from regie.engine import dossiers as rules
from regie.synth import dossiers as synth
from regie.traffic import models as tm

#: How many clients each awarded dossier reports.
CLIENTS = 12


@transaction.atomic
def seed_dossiers(today: dt.date) -> int:
    """Store the demo's dossiers and risks unless there are some; the number of dossiers stored."""
    if OpportunityDossier.objects.exists() or Risk.objects.exists():
        return 0
    staff = get_user_model().objects.filter(username="gemeente").first()
    if staff is None:
        return 0
    scope = scope_for(staff)
    demo = UserRole.objects.filter(role=Role.PROVIDER, provider__isnull=False).select_related("provider").first()
    agbs = list(cat.Provider.objects.filter(contracts__isnull=False).distinct().values_list("agb", flat=True))
    planned = synth.dossiers(agbs, demo.provider.agb if demo and demo.provider else None)
    fund = services.fund_amount(today.year)
    for p in planned:
        _store(scope, staff, p, today, fund)
    contracts = list(
        cat.Contract.objects.filter(start__lte=today, end__gte=today).values_list("ident", "provider__agb")
    )
    for r in synth.risks(contracts, today):
        services.add_risk(scope, staff, r.provider, r.contract, vars(r))
    audit(None, "dossier.history", "demo", dossiers=len(planned), today=today.isoformat())
    return len(planned)


def _store(scope: Any, staff: Any, p: synth.PlannedDossier, today: dt.date, fund: int) -> None:
    requested = max(round(fund * p.requested_share / 100) * 100, 100_000)
    case = {"goals": p.goals, "client_group": p.client_group, "approach": p.approach, "period": str(today.year)}
    d = services.submit(scope, staff, p.title, list(p.providers), today.year, requested, case, list(p.indicators))
    if p.decision is None:
        return
    cooperation, innovation, acceleration, regular, decision, share, reason = p.decision
    awarded = round(requested * share / 100) * 100
    left = rules.fund_left(fund, services.awarded_in(today.year))
    if decision == "awarded" and awarded > left:
        decision, awarded, reason = "rejected", 0, "Het fonds van dit jaar is op."
    a = rules.Assessment(cooperation, innovation, acceleration, regular, decision, awarded, reason)
    d = services.assess(scope, staff, d, a, "Routinematige e-health is regulier." if regular else "")
    if d.status == OpportunityDossier.Status.AWARDED:
        _clients(d, today)


def _clients(d: OpportunityDossier, today: dt.date) -> None:
    reasons = [r.value for r in DossierClient.EndReason]
    providers = {p.agb: p for p in d.providers.all()}
    ended = (
        tm.Episode.objects.filter(provider__in=list(providers), end__gt=today - dt.timedelta(days=365), end__lte=today)
        .order_by("end", "pk")
        .values_list("provider", "client", "start", "end")[:CLIENTS]
    )
    for i, (agb, client, start, end) in enumerate(ended):
        DossierClient.objects.get_or_create(
            dossier=d,
            provider=providers[agb],
            client=client,
            start=start,
            defaults={"end": end, "end_reason": reasons[i % len(reasons)]},
        )
