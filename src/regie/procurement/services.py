"""Procurement writes: a tender, a bid, evidence, an assessment, the award (every one audited).

The API and the pages both call these functions; the selection itself is
:func:`regie.engine.procurement.award`. A write the rules do not allow raises
:class:`ProcurementError` with Dutch messages per field (the API's ``invalid_params``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from regie.accounts.audit import actor, audit
from regie.catalog.models import FUNDING_FIELDS, Contract, Municipality, Provider, Segment
from regie.engine import procurement as rules
from regie.procurement import models as m

#: Contract parameters a tender may set for the contracts its award writes (catalog keys).
FUNDING_KEYS = FUNDING_FIELDS
#: The largest evidence file accepted.
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

#: The requirements of domain.md section 10a, as a starting point for a new tender.
STANDARD_REQUIREMENTS: tuple[dict[str, Any], ...] = (
    {"code": "organisation", "text": "Organisatie en bestuur op orde", "kind": "pass_fail"},
    {"code": "legal_structure", "text": "Juridische structuur (holding of groep benoemd)", "kind": "pass_fail"},
    {"code": "cao", "text": "Cao van toepassing", "kind": "pass_fail"},
    {"code": "staff_qualified", "text": "Aandeel gekwalificeerd personeel", "kind": "score", "weight": 3, "minimum": 6},
    {"code": "training_places", "text": "Opleidingsplaatsen", "kind": "score", "weight": 1, "minimum": None},
    {"code": "care_share", "text": "Aandeel van de omzet besteed aan zorg", "kind": "score", "weight": 2, "minimum": 5},
    {"code": "financial_health", "text": "Financiële gezondheid", "kind": "score", "weight": 2, "minimum": 5},
    {"code": "certificates", "text": "Keurmerken en certificaten", "kind": "score", "weight": 1, "minimum": None},
)


class ProcurementError(ValueError):
    """A write the rules do not allow: ``problems`` maps a field name ("" for the whole
    request) to a Dutch reason."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in problems.items()))
        self.problems = dict(problems)


def _fail(field: str, reason: str) -> ProcurementError:
    return ProcurementError({field: reason})


def core_requirements(tender: m.Tender) -> list[rules.Requirement]:
    return [
        rules.Requirement(r.code, r.text, r.kind, r.weight, r.minimum)  # type: ignore[arg-type]
        for r in tender.requirements.all()
    ]


def core_bid(bid: m.Bid) -> rules.Bid:
    marks = [rules.Assessment(str(a.assessor_id), a.scores) for a in bid.assessments.all()]
    return rules.Bid(bid.provider.agb, bid.answers, tuple(marks))


def _check_requirements(requirements: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not requirements:
        raise _fail("requirements", "Een aanbesteding heeft minstens één eis.")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, req in enumerate(requirements):
        code = str(req.get("code") or "").strip()
        kind = req.get("kind")
        name = f"requirements[{i}]"
        if not code or code in seen:
            raise _fail(f"{name}.code", "Een code die in deze aanbesteding nog niet voorkomt.")
        if kind not in rules.KINDS:
            raise _fail(f"{name}.kind", "pass_fail of score.")
        try:
            weight = float(rules.exact(req.get("weight", 1) if req.get("weight") is not None else 1))
            minimum = req.get("minimum")
            minimum = None if minimum in (None, "") else float(rules.exact(minimum))
        except ValueError:
            raise _fail(f"{name}.weight", "Gewicht en minimum zijn getallen.") from None
        if kind == "score" and weight <= 0:
            raise _fail(f"{name}.weight", "Het gewicht van een score is groter dan 0.")
        seen.add(code)
        text = str(req.get("text") or code)[:300]
        out.append({"code": code, "text": text, "kind": kind, "weight": weight, "minimum": minimum})
    return out


@transaction.atomic
def create_tender(
    user: Any,
    segment: str,
    year: int,
    max_providers: int | None,
    requirements: Sequence[Mapping[str, Any]],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    municipalities: Sequence[str] | None = None,
    funding: Mapping[str, Any] | None = None,
) -> m.Tender:
    """A tender for ``segment`` and ``year`` (one per segment and year). ``max_providers``
    defaults to the segment's; the contracts run ``start``-``end`` (default the year) for
    ``municipalities`` (default all) with the ``funding`` parameters (:data:`FUNDING_KEYS`)."""
    seg = Segment.objects.filter(code=segment).first()
    if seg is None:
        raise _fail("segment", "Onbekend segment.")
    if m.Tender.objects.filter(segment=seg, year=year).exists():
        raise _fail("year", f"Er is al een aanbesteding voor {segment} in {year}.")
    reqs = _check_requirements(requirements)
    start = start or dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    if end < start:
        raise _fail("end", "De einddatum ligt na de ingangsdatum.")
    unknown = sorted(set(funding or {}) - set(FUNDING_KEYS))
    if unknown:
        raise _fail("funding", "Onbekende parameters: " + ", ".join(unknown))
    muns = list(Municipality.objects.filter(code__in=municipalities)) if municipalities else None
    if municipalities and len(muns or []) != len(set(municipalities)):
        raise _fail("municipalities", "Onbekende gemeente.")
    tender = m.Tender.objects.create(
        segment=seg,
        year=year,
        max_providers=seg.max_providers if max_providers is None else max_providers,
        start=start,
        end=end,
        funding=dict(funding or {}),
        created_by=actor(user),
    )
    tender.municipalities.set(muns if muns is not None else Municipality.objects.filter(region=seg.region))
    m.Requirement.objects.bulk_create(m.Requirement(tender=tender, position=i, **r) for i, r in enumerate(reqs))
    audit(user, "tender_created", f"aanbesteding {tender}", max_providers=tender.max_providers, requirements=reqs)
    return tender


def _open(tender: m.Tender) -> None:
    if tender.status != m.Tender.Status.OPEN:
        raise _fail("", "Deze aanbesteding is al gegund.")


@transaction.atomic
def submit_bid(user: Any, tender: m.Tender, provider: Provider, answers: Mapping[str, Any]) -> m.Bid:
    """A provider's bid with its answers (requirement codes, and ``care_share`` always)."""
    _open(tender)
    if m.Bid.objects.filter(tender=tender, provider=provider).exists():
        raise _fail("provider", "Deze aanbieder heeft al ingeschreven.")
    codes = set(tender.requirements.values_list("code", flat=True)) | {rules.CARE_SHARE}
    unknown = sorted(set(answers) - codes)
    if unknown:
        raise _fail("answers", "Geen eis van deze aanbesteding: " + ", ".join(unknown))
    bid = m.Bid.objects.create(tender=tender, provider=provider, answers=dict(answers), submitted_by=actor(user))
    audit(user, "bid_submitted", f"inschrijving {bid}", answers=dict(answers))
    return bid


@transaction.atomic
def add_evidence(user: Any, bid: m.Bid, requirement: str, uploads: Sequence[UploadedFile]) -> list[m.Evidence]:
    """Files as evidence for ``requirement`` (a code of the tender, or empty for the bid)."""
    _open(bid.tender)
    if requirement and not bid.tender.requirements.filter(code=requirement).exists():
        raise _fail("requirement", "Geen eis van deze aanbesteding.")
    if any((u.size or 0) > MAX_EVIDENCE_BYTES for u in uploads):
        raise _fail("files", "Een bewijsstuk is hoogstens 10 MB.")
    added = [
        m.Evidence.objects.create(
            bid=bid,
            requirement=requirement,
            name=(upload.name or "bestand")[:200],
            content_type=(upload.content_type or "application/octet-stream")[:100],
            size=upload.size or 0,
            content=upload.read(),
            uploaded_by=actor(user),
        )
        for upload in uploads
    ]
    audit(user, "evidence_added", f"inschrijving {bid}", names=[e.name for e in added], requirement=requirement)
    return added


@transaction.atomic
def assess(user: Any, bid: m.Bid, scores: Mapping[str, Any], reason: str = "") -> m.Assessment:
    """One municipality user's assessment of a bid: once per user, two per bid (four eyes)."""
    bid = m.Bid.objects.select_for_update().get(pk=bid.pk)
    _open(bid.tender)
    if bid.assessments.filter(assessor=user).exists():
        raise _fail("", "U hebt deze inschrijving al beoordeeld; een tweede beoordeling is van een ander.")
    if bid.assessments.count() >= rules.ASSESSORS:
        raise _fail("", "Deze inschrijving is al door twee beoordelaars beoordeeld.")
    problems = rules.check_scores(core_requirements(bid.tender), scores)
    if problems:
        raise ProcurementError({f"scores.{code}": reason for code, reason in problems.items()})
    done = m.Assessment.objects.create(bid=bid, assessor=user, scores=dict(scores), reason=reason)
    audit(user, "bid_assessed", f"inschrijving {bid}", reason, scores=dict(scores))
    return done


@transaction.atomic
def award(user: Any, tender: m.Tender, *, from_catalog: bool = False) -> tuple[rules.Award, list[Contract]]:
    """Award the tender: every bid's outcome stored on it, a contract for each selected
    provider with the tender's period, municipalities and funding parameters. With
    ``from_catalog`` (an award of the past, :mod:`regie.procurement.history`) the contracts are
    the catalog's own, which must exist, instead of new ones."""
    tender = m.Tender.objects.select_for_update().get(pk=tender.pk)
    _open(tender)
    bids = {
        b.provider.agb: b
        for b in tender.bids.select_related("provider").prefetch_related("assessments").order_by("provider__agb")
    }
    try:
        result = rules.award(core_requirements(tender), [core_bid(b) for b in bids.values()], tender.max_providers)
    except rules.AwardRefused as exc:
        raise _fail("", str(exc)) from None
    idents = {agb: contract_ident(tender, agb) for agb in result.selected}
    taken = sorted(Contract.objects.filter(ident__in=idents.values()).values_list("ident", flat=True))
    if taken and not from_catalog:
        raise _fail("", "Deze contracten bestaan al: " + ", ".join(taken))
    if from_catalog and len(taken) != len(idents):
        raise _fail(
            "", "Deze contracten staan niet in de catalogus: " + ", ".join(sorted(set(idents.values()) - set(taken)))
        )
    contracts: list[Contract] = []
    municipalities = list(tender.municipalities.all())
    for row in result.ranking:
        bid = bids[row.provider]
        bid.passed, bid.score, bid.rank, bid.selected, bid.reasons = (
            row.passed,
            row.score,
            row.rank,
            row.selected,
            list(row.reasons),
        )
        if row.selected and from_catalog:
            bid.contract = Contract.objects.get(ident=idents[row.provider])
            contracts.append(bid.contract)
        elif row.selected:
            contract = Contract.objects.create(
                ident=idents[row.provider],
                provider=bid.provider,
                segment=tender.segment,
                start=tender.start,
                end=tender.end,
                **tender.funding,
            )
            contract.municipalities.set(municipalities)
            bid.contract = contract
            contracts.append(contract)
        bid.save(update_fields=["passed", "score", "rank", "selected", "reasons", "contract"])
    tender.status = m.Tender.Status.AWARDED
    tender.awarded_by = actor(user)
    tender.awarded_at = timezone.now()
    tender.save(update_fields=["status", "awarded_by", "awarded_at"])
    audit(
        user,
        "tender_awarded",
        f"aanbesteding {tender}",
        selected=list(result.selected),
        contracts=[c.ident for c in contracts],
    )
    return result, contracts


def contract_ident(tender: m.Tender, agb: str) -> str:
    """The id of the contract an award writes: ``YEAR-SEGMENT-AGB`` (the catalog's form)."""
    return f"{tender.start.year}-{tender.segment.code}-{agb}"
