"""What people do with opportunity and risk dossiers, each write checked against the caller's
scope and the rules of :mod:`regie.engine.dossiers`, and audited.

Who may do what (domain.md sections 9 and 10; issue 15):

- municipality staff (``gemeente``), and a relationship manager for the providers it looks
  after: submit a dossier on behalf of providers, assess and decide it, record risks, upload
  a dossier's clients; they see every dossier (the manager: those with one of its providers);
- a provider: submits a dossier it cooperates in, sees the dossiers it cooperates in (another
  dossier is not found), uploads its own clients of an awarded dossier, records and updates
  the risks of its own contracts;
- the council: aggregates only (:func:`fund_years`, :func:`risk_summary`), no content.

Another's object is not found (:class:`NotFound`); a role that may not do a thing gets
:class:`NotAllowed` (both those of :mod:`regie.relations.services`); a request that breaks a rule gets :class:`Refused` naming the rule
(``rule``) and the input field it concerns (``field``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from regie.accounts.audit import audit
from regie.accounts.scope import Scope
from regie.catalog import models as cat
from regie.dossiers.models import DossierClient, OpportunityDossier, Risk
from regie.engine import dossiers as rules
from regie.engine.registry import INDICATOR
from regie.engine.registry import keys as indicator_keys
from regie.funding import models as fm
from regie.funding.services import GRANT, book_grant
from regie.intake.dossier_clients import read_dossier_clients
from regie.messages.bsn import pseudonym
from regie.monitor.models import Snapshot
from regie.relations import services as relations
from regie.relations.agenda import Day, Item, scorecard_snapshot
from regie.relations.services import NotAllowed, NotFound, one
from regie.traffic import models as tm

#: The rule of the ledger line an award books.
GRANT_RULE = "innovation_fund.award"

#: The input field each rule of the engine concerns (the API names it in ``invalid_params``).
__all__ = ["NotAllowed", "NotFound", "Refused"]

FIELDS = {
    "cooperation": "providers",
    "scores": "scores",
    "decision": "decision",
    "reason": "reason",
    "regular_service": "regular_service",
    "awarded_amount": "awarded_cents",
    "fund_left": "awarded_cents",
    "owner": "owner",
    "scale": "likelihood",
    "status": "status",
}


class Refused(relations.Refused):
    """The request breaks ``rule``; ``field`` is the input it concerns; the message is Dutch."""

    def __init__(self, rule: str, reason: str, field: str = "") -> None:
        self.rule = rule
        self.field = field or FIELDS.get(rule, rule)
        super().__init__(reason)


def _refused(exc: rules.Refused) -> Refused:
    return Refused(exc.rule, str(exc))


def _writer(scope: Scope) -> None:
    if not (scope.is_staff or scope.is_provider):
        raise NotAllowed


# --------------------------------------------------------------------------------------------
# Opportunity dossiers


def dossiers(scope: Scope) -> QuerySet[OpportunityDossier]:
    """The dossiers ``scope`` sees: all (municipality), those with one of its providers
    (relationship manager, provider), none (council)."""
    qs = OpportunityDossier.objects.select_related("lead").prefetch_related("providers")
    if scope.is_municipality:
        return qs
    if scope.is_provider:
        return qs.filter(pk__in=OpportunityDossier.objects.filter(providers=scope.provider_id).values("pk"))
    if scope.is_relationship_manager:
        return qs.filter(pk__in=OpportunityDossier.objects.filter(providers__in=scope.managed_ids).values("pk"))
    return qs.none()


def dossier(scope: Scope, pk: int) -> OpportunityDossier:
    return one(dossiers(scope), pk)


def _providers(scope: Scope, agbs: list[str]) -> list[cat.Provider]:
    try:
        distinct = rules.cooperating(agbs)
    except rules.Refused as exc:
        raise _refused(exc) from None
    found = {p.agb: p for p in cat.Provider.objects.filter(agb__in=distinct)}
    unknown = [a for a in distinct if a not in found]
    if unknown:
        raise Refused("providers", f"Onbekende aanbieder: {', '.join(unknown)}.", "providers")
    if not scope.provider_agbs(list(distinct)):
        raise Refused(
            "submitter", "Een kansendossier dient u in voor een samenwerking waarin u zelf meedoet.", "providers"
        )
    return [found[a] for a in distinct]


def _business_case(case: Mapping[str, Any] | str) -> dict[str, str]:
    fields = ("goals", "client_group", "approach", "period")
    if isinstance(case, str):
        case = {"goals": case}
    out = {k: str(case.get(k) or "").strip() for k in fields}
    if not out["goals"]:
        raise Refused("business_case", "Beschrijf in de business case ten minste de doelen.", "business_case")
    return out


@transaction.atomic
def submit(
    scope: Scope,
    user: Any,
    title: str,
    agbs: list[str],
    year: int,
    requested_cents: int,
    business_case: Mapping[str, Any] | str,
    indicators: list[str],
) -> OpportunityDossier:
    """Submit a dossier on behalf of two or more cooperating providers (rule ``cooperation``)."""
    _writer(scope)
    providers = _providers(scope, agbs)
    if not (title or "").strip():
        raise Refused("title", "Geef het kansendossier een titel.", "title")
    if requested_cents <= 0:
        raise Refused("requested_amount", "Het gevraagde bedrag is meer dan 0.", "requested_cents")
    known = indicator_keys()
    wrong = [k for k in indicators if k not in known]
    if wrong:
        raise Refused("indicators", f"Onbekende indicator '{wrong[0]}'; kies uit {', '.join(known)}.", "indicators")
    d = OpportunityDossier.objects.create(
        title=title.strip(),
        year=year,
        lead=providers[0],
        requested_cents=requested_cents,
        indicators=list(dict.fromkeys(indicators)),
        submitted_by=user,
        **_business_case(business_case),
    )
    d.providers.set(providers)
    audit(user, "dossier.submit", f"{d.year} {d.title}", dossier=d.pk, providers=[p.agb for p in providers])
    return d


def _cards(snap: Snapshot | None, agbs: list[str], keys: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    if snap is None:
        return {}
    return {agb: rules.indicator_values(snap.filtered(provider=agb), keys) for agb in agbs}


def fund_amount(year: int) -> int:
    fund = cat.InnovationFund.objects.filter(year=year).first()
    return fund.amount if fund else 0


def awarded_in(year: int, exclude: int | None = None) -> list[int]:
    qs = OpportunityDossier.objects.filter(year=year, status=OpportunityDossier.Status.AWARDED).exclude(pk=exclude)
    return list(qs.values_list("awarded_cents", flat=True))


@transaction.atomic
def assess(
    scope: Scope, user: Any, d: OpportunityDossier, a: rules.Assessment, regular_service_reason: str = ""
) -> OpportunityDossier:
    """Assess and decide a dossier (staff). An award is checked against what is left of the
    year's fund, keeps the indicators of the day and books its payment line in the ledger."""
    if not scope.is_staff:
        raise NotAllowed
    d = OpportunityDossier.objects.select_for_update().get(pk=d.pk)
    if d.status != OpportunityDossier.Status.SUBMITTED:
        raise Refused("decided", "Over dit kansendossier is al besloten.", "decision")
    cat.InnovationFund.objects.select_for_update().filter(year=d.year).first()  # one award of a year at a time
    left = rules.fund_left(fund_amount(d.year), awarded_in(d.year))
    try:
        amount = rules.decide(a, d.agbs, d.requested_cents, left)
    except rules.Refused as exc:
        raise _refused(exc) from None
    today = timezone.localdate()
    d.cooperation, d.innovation, d.acceleration = a.cooperation, a.innovation, a.acceleration
    d.regular_service, d.regular_service_reason = a.regular_service, (regular_service_reason or "").strip()
    d.status, d.awarded_cents, d.reason = a.decision, amount, a.reason.strip()
    d.decided_by, d.decided_at = user, timezone.now()
    if amount:
        snap = scorecard_snapshot(today)
        d.baseline = _cards(snap, d.agbs, list(d.indicators))
        d.baseline_as_of = snap.as_of if snap else None
        detail = {"dossier": d.pk, "title": d.title, "providers": d.agbs}
        book_grant(d.year, d.lead.agb, today, amount, GRANT_RULE, f"opportunity-dossier:{d.pk}", detail)
    d.save()
    audit(user, f"dossier.{a.decision}", f"{d.year} {d.title}", d.reason, dossier=d.pk, awarded_cents=amount)
    return d


def paid(year: int) -> list[int]:
    """The payments booked for the awards of ``year`` (ledger lines of :data:`GRANT_RULE`)."""
    lines = fm.LedgerLine.objects.filter(year=year, kind=GRANT, rule=GRANT_RULE)
    return list(lines.values_list("amount_cents", flat=True))


def fund_years() -> list[rules.FundYear]:
    """Every year with a fund or a dossier: amount, awarded, paid, left (aggregates, all roles)."""
    funds = dict(cat.InnovationFund.objects.values_list("year", "amount"))
    counts = dict(OpportunityDossier.objects.values("year").annotate(n=Count("pk")).values_list("year", "n"))
    years = sorted(set(funds) | set(counts), reverse=True)
    return [rules.fund_year(y, funds.get(y, 0), awarded_in(y), paid(y), counts.get(y, 0)) for y in years]


def later_starts(clients: list[str]) -> dict[str, list[dt.date]]:
    """client -> the start dates of its care episodes (traffic), for sustainable outflow."""
    out: dict[str, list[dt.date]] = {}
    for client, start in tm.Episode.objects.filter(client__in=clients).values_list("client", "start"):
        out.setdefault(client, []).append(start)
    return out


def results(d: OpportunityDossier, today: dt.date | None = None) -> dict[str, Any]:
    """An awarded dossier's results: its indicators for its providers at the award and now,
    and what its reported clients show (per provider and in all). Empty before an award."""
    if d.status != OpportunityDossier.Status.AWARDED:
        return {"as_of": None, "at_award_as_of": None, "indicators": [], "clients": []}
    today = today or timezone.localdate()
    snap = scorecard_snapshot(today)
    now = _cards(snap, d.agbs, list(d.indicators))
    clients = [c.to_core() for c in d.clients.select_related("provider")]
    return {
        "as_of": snap.as_of if snap else None,
        "at_award_as_of": d.baseline_as_of,
        "indicators": rules.indicator_results(list(d.indicators), d.baseline, now),
        "clients": rules.client_outcomes_by_provider(clients, later_starts([c.client for c in clients]), today),
    }


@transaction.atomic
def upload_clients(scope: Scope, user: Any, d: OpportunityDossier, raw: bytes, name: str) -> dict[str, Any]:
    """Store the clients of a CSV for an awarded dossier (a row again updates it); rejected rows
    come back naming the file, row and rule. A provider reports only its own clients."""
    _writer(scope)
    if d.status != OpportunityDossier.Status.AWARDED:
        raise Refused("awarded", "Cliënten worden gemeld bij een toegekend kansendossier.", "file")
    allowed = [scope.provider_agb] if scope.is_provider else scope.provider_agbs(d.agbs)
    clients, faults = read_dossier_clients(raw, allowed, lambda bsn: pseudonym(bsn, settings.PSEUDONYM_KEY))
    providers = {p.agb: p for p in d.providers.all()}
    for c in clients:
        DossierClient.objects.update_or_create(
            dossier=d,
            provider=providers[c.provider],
            client=c.client,
            start=c.start,
            defaults={"end": c.end, "end_reason": c.end_reason or ""},
        )
    rejected = [{"file": name, "record": f.record or "", "code": f.code, "reason": f.reason} for f in faults]
    audit(
        user,
        "dossier.clients",
        f"{d.year} {d.title}",
        dossier=d.pk,
        file=name,
        stored=len(clients),
        rejected=len(rejected),
    )
    return {"file": name, "stored": len(clients), "rejected": rejected}


# --------------------------------------------------------------------------------------------
# Risks


def risks(scope: Scope) -> QuerySet[Risk]:
    """The risks ``scope`` sees (none for the council)."""
    return scope.provider_level(Risk.objects.select_related("provider", "contract"))


def risks_at_level(qs: QuerySet[Risk], level: str) -> QuerySet[Risk]:
    """The risks of ``qs`` at ``level`` (high, medium, low: :func:`regie.engine.dossiers.risk_level`
    on the score, likelihood x impact); ``qs`` itself for any other level."""
    bounds = {"high": (rules.HIGH, None), "medium": (rules.MEDIUM, rules.HIGH), "low": (None, rules.MEDIUM)}
    if level not in bounds:
        return qs
    low, high = bounds[level]
    scored = qs.alias(score=F("likelihood") * F("impact"))
    if low is not None:
        scored = scored.filter(score__gte=low)
    return scored.filter(score__lt=high) if high is not None else scored


def risk(scope: Scope, pk: int) -> Risk:
    return one(risks(scope), pk)


def _check(owner: str, likelihood: Any, impact: Any, status: str) -> None:
    try:
        rules.check_risk(owner, likelihood, impact, status)
    except rules.Refused as exc:
        raise _refused(exc) from None


@transaction.atomic
def add_risk(scope: Scope, user: Any, agb: str, contract: str, fields: Mapping[str, Any]) -> Risk:
    """Record a risk of a provider's contract: ``fields`` are ``risk, owner, likelihood, impact,
    measures, review_on`` and optionally ``status``."""
    _writer(scope)
    provider = cat.Provider.objects.filter(agb=agb).first()
    if provider is None or not scope.sees_provider(agb):
        raise NotFound
    found = cat.Contract.objects.filter(ident=contract, provider=provider).first()
    if found is None:
        raise Refused("contract", f"Contract '{contract}' is geen contract van aanbieder {agb}.", "contract")
    status = fields.get("status") or Risk.Status.OPEN
    _check(fields["owner"], fields["likelihood"], fields["impact"], status)
    if not str(fields.get("risk") or "").strip():
        raise Refused("risk", "Beschrijf het risico.", "risk")
    r = Risk.objects.create(
        provider=provider,
        contract=found,
        risk=str(fields["risk"]).strip(),
        owner=fields["owner"],
        likelihood=fields["likelihood"],
        impact=fields["impact"],
        measures=str(fields.get("measures") or "").strip(),
        status=status,
        review_on=fields["review_on"],
        created_by=user,
    )
    audit(user, "risk.add", f"{agb} {contract}", risk=r.pk, level=r.level)
    return r


CHANGEABLE = ("risk", "owner", "likelihood", "impact", "measures", "status", "review_on")


@transaction.atomic
def change_risk(scope: Scope, user: Any, r: Risk, changes: Mapping[str, Any]) -> Risk:
    """Change a risk's fields (its provider or staff), e.g. its status, measures or review date."""
    _writer(scope)
    values = {k: v for k, v in changes.items() if k in CHANGEABLE}
    merged = {k: values.get(k, getattr(r, k)) for k in CHANGEABLE}
    _check(merged["owner"], merged["likelihood"], merged["impact"], merged["status"])
    before = {k: str(getattr(r, k)) for k in values}
    for k, v in values.items():
        setattr(r, k, v)
    r.save()
    audit(user, "risk.change", f"{r.provider.agb} {r.contract.ident}", risk=r.pk, before=before)
    return r


def risk_rows(qs: Iterable[Risk], today: dt.date) -> list[dict[str, Any]]:
    """The risks as rows for pages: the risk with its score, level and whether it is overdue."""
    return [
        {"r": r, "score": r.score, "level": r.level, "overdue": rules.overdue(r.review_on, r.status, today)} for r in qs
    ]


def risk_summary(qs: QuerySet[Risk], today: dt.date) -> dict[str, int]:
    """Counts of risks (aggregates, also for the council): open per level, overdue, closed."""
    rows = [r.as_rule() for r in qs]
    open_rows = [r for r in rows if r["status"] != "closed"]
    return {
        "risks": len(rows),
        "open": len(open_rows),
        "high": sum(rules.risk_level(r["likelihood"], r["impact"]) == "high" for r in open_rows),
        "medium": sum(rules.risk_level(r["likelihood"], r["impact"]) == "medium" for r in open_rows),
        "low": sum(rules.risk_level(r["likelihood"], r["impact"]) == "low" for r in open_rows),
        "overdue": sum(rules.overdue(r["review_on"], r["status"], today) for r in rows),
    }


def agenda_risks(day: Day) -> Item:
    """The dialogue agenda's ``risks``: the provider's open high risks, highest first."""
    rows = [r.as_rule() for r in Risk.objects.filter(provider=day.provider).select_related("contract")]
    items = []
    for r in rules.agenda_risks(rows, day.date):
        late = ", herziening verlopen" if r["overdue"] else ""
        title = f"{r['risk']} ({r['contract']}; kans {r['likelihood']} x impact {r['impact']} = {r['score']}{late})"
        items.append({**r, "review_on": r["review_on"].isoformat(), "title": title})
    return {"items": items}


def agenda_opportunities(day: Day) -> Item:
    """The dialogue agenda's ``opportunities``: the provider's awarded dossiers with their
    named indicators for this provider at the award and on the dialogue's scorecard."""
    agb = day.provider.agb
    awarded = OpportunityDossier.objects.filter(providers=day.provider, status=OpportunityDossier.Status.AWARDED)
    items = []
    for d in awarded.order_by("-year", "pk"):
        keys = list(d.indicators)
        now = {agb: rules.indicator_values(day.scorecards.filtered(provider=agb), keys)} if day.scorecards else {}
        rows = rules.indicator_results(keys, {agb: d.baseline.get(agb, {})}, now)
        for row in rows:
            row["label"] = INDICATOR[row["indicator"]].label.nl
        items.append({"id": d.pk, "title": d.title, "year": d.year, "awarded_cents": d.awarded_cents, "results": rows})
    return {"items": items}


def dossier_counts() -> dict[str, Any]:
    """Dossiers per status and the sums asked and awarded (aggregates, all roles)."""
    agg = OpportunityDossier.objects.aggregate(
        n=Count("pk"),
        awarded=Count("pk", filter=Q(status=OpportunityDossier.Status.AWARDED)),
        rejected=Count("pk", filter=Q(status=OpportunityDossier.Status.REJECTED)),
        requested_cents=Sum("requested_cents"),
        awarded_cents=Sum("awarded_cents"),
    )
    return {k: v or 0 for k, v in agg.items()}
