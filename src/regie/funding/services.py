"""Funding decisions and the stored ledger, on top of :mod:`regie.engine.funding`.

- :func:`refresh_ledger` recomputes what the funding rules make due for a year and books the
  difference with the stored ledger as new lines (never changing a stored line);
- :func:`file_request` / :func:`decide_request`: the inflow-above-agreement request (Venlo);
- :func:`reallocate`: capacity moved between providers within a segment (Tilburg);
- :func:`book_grant`: a payment decided outside the funding rules (an award of the innovation
  fund, issue 15) booked as a line of kind ``grant`` with its own rule; the reconciliation of
  :func:`refresh_ledger` leaves such lines alone (no funding rule computes them).

Every decision is audited and refreshes the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regie.accounts.audit import audit
from regie.catalog.loader import stored_catalog
from regie.catalog.models import Contract
from regie.engine import funding as engine
from regie.engine.calendar import month_start
from regie.engine.compare import Comparison, compare_models
from regie.funding import models as m
from regie.traffic import frames


class DecisionError(ValueError):
    """A decision that the rules do not allow; the message is Dutch, for the user."""


def agreed_changes() -> list[engine.AgreedChange]:
    """Approved inflow requests as the engine's agreed changes."""
    return [
        engine.AgreedChange(
            contract=r.contract.ident,
            month=r.month,
            agreed_clients=r.requested_clients,
            decided=timezone.localdate(r.decided_at) if r.decided_at else None,
            reason=r.decision_reason,
        )
        for r in m.InflowRequest.objects.filter(status=m.InflowRequest.Status.APPROVED)
        .select_related("contract")
        .order_by("decided_at", "pk")
    ]


def reallocations() -> list[engine.Reallocation]:
    return [
        engine.Reallocation(
            segment=r.segment.code,
            from_contract=r.from_contract.ident,
            to_contract=r.to_contract.ident,
            month=r.month,
            clients=r.clients,
            amount_cents=r.amount_cents,
            decided=timezone.localdate(r.decided_at),
            reason=r.reason,
        )
        for r in m.CapacityReallocation.objects.select_related("segment", "from_contract", "to_contract").order_by(
            "decided_at", "pk"
        )
    ]


def compute_ledger(year: int, as_of: dt.date) -> list[engine.PaymentLine]:
    """What the funding rules make due for the care of ``year``, as known on ``as_of``."""
    return engine.ledger(
        stored_catalog(),
        frames.declarations(),
        year=year,
        as_of=as_of,
        agreed_changes=agreed_changes(),
        reallocations=reallocations(),
        allocations=frames.allocations(),
    )


def comparison(year: int, as_of: dt.date | None = None) -> Comparison:
    """The care of ``year`` replayed under each funding model (``regie funding compare``)."""
    return compare_models(stored_catalog(), frames.declarations(), frames.episodes(), year=year, as_of=as_of)


#: The fields a stored ledger line shares with the engine's payment line (``detail`` aside: a copy).
LINE_FIELDS = ("contract", "provider", "segment", "municipality", "month", "kind", "rule", "amount_cents", "ref")


def _line_fields(line: Any) -> dict[str, Any]:
    return {name: getattr(line, name) for name in LINE_FIELDS}


#: The kind of a ledger line booked by a decision, not computed by a funding rule.
GRANT = "grant"


def _stored(year: int, grants: bool = False) -> list[engine.PaymentLine]:
    """The stored lines of ``year``: those the funding rules compute, or (``grants``) the grants."""
    lines = m.LedgerLine.objects.filter(year=year)
    lines = lines.filter(kind=GRANT) if grants else lines.exclude(kind=GRANT)
    return [engine.PaymentLine(**_line_fields(line), detail=line.detail) for line in lines.order_by("pk")]


def book_grant(
    year: int, provider: str, month: dt.date, amount_cents: int, rule: str, ref: str, detail: dict[str, Any]
) -> m.LedgerLine:
    """Book a grant (a payment a decision makes due, e.g. an award of the innovation fund) as a
    ledger line of kind ``grant`` with its own ``rule``; no contract, segment or municipality."""
    return m.LedgerLine.objects.create(
        year=year,
        contract="",
        provider=provider,
        segment="",
        municipality="",
        month=month_start(month),
        kind=GRANT,
        rule=rule,
        amount_cents=amount_cents,
        ref=ref,
        detail=detail,
        booked_on=timezone.localdate(),
    )


def grants(year: int, as_of: dt.date, providers: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The grants of ``year`` booked by ``as_of`` (lines of kind :data:`GRANT`, e.g. the
    innovation fund's awards: money a decision committed beside the funding rules), of
    ``providers`` only when given, in booking order: ``provider``, ``booked_on``, ``rule``,
    ``amount_cents``, ``ref`` and, where the decision names them, its ``dossier`` and ``title``."""
    lines = m.LedgerLine.objects.filter(year=year, kind=GRANT, booked_on__lte=as_of)
    if providers is not None:
        lines = lines.filter(provider__in=list(providers))
    return [
        {
            "provider": line.provider,
            "booked_on": line.booked_on,
            "rule": line.rule,
            "amount_cents": line.amount_cents,
            "ref": line.ref,
            "dossier": line.detail.get("dossier"),
            "title": line.detail.get("title", ""),
        }
        for line in lines.order_by("booked_on", "pk")
    ]


#: The transaction-level advisory lock that serialises ledger bookings on PostgreSQL.
LEDGER_LOCK_KEY = 0x4C454447  # "LEDG"


@transaction.atomic
def refresh_ledger(year: int, on: dt.date | None = None) -> list[engine.PaymentLine]:
    """Book what changed since the stored ledger of ``year``; return all its stored lines
    (grants, which no funding rule computes, are left as they are and returned last).

    Two bookings at once (a refresh after an ingest and a decision in the web app) would both
    book the same difference: on PostgreSQL they take a transaction-level advisory lock first;
    SQLite's write transaction (``BEGIN IMMEDIATE``) already serialises them.
    """
    on = on or timezone.localdate()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK_KEY])
    stored = _stored(year)
    new = engine.reconcile(stored, compute_ledger(year, on), on=on)
    m.LedgerLine.objects.bulk_create(
        [m.LedgerLine(year=year, **_line_fields(line), detail=dict(line.detail), booked_on=on) for line in new],
        batch_size=1000,
    )
    return stored + new + _stored(year, grants=True)


@transaction.atomic
def file_request(
    user: Any,
    contract: Contract,
    month: dt.date,
    current_clients: int,
    expected_clients: int,
    requested_clients: int,
    justification: str,
) -> m.InflowRequest:
    """A provider files an inflow-above-agreement request for one of its per-client contracts."""
    if contract.segment.funding_model != "per_client":
        raise DecisionError("Een verzoek instroom boven afspraak kan alleen bij prestatiegerichte bekostiging.")
    if requested_clients <= contract.agreed_clients:
        raise DecisionError(f"Het gevraagde aantal moet boven de afspraak van {contract.agreed_clients} liggen.")
    if not contract.start <= month <= contract.end:
        raise DecisionError("De maand valt buiten de looptijd van het contract.")
    if not justification.strip():
        raise DecisionError("Een onderbouwing is verplicht.")
    request = m.InflowRequest.objects.create(
        contract=contract,
        month=month_start(month),
        current_clients=current_clients,
        expected_clients=expected_clients,
        requested_clients=requested_clients,
        justification=justification,
        filed_by=user,
    )
    audit(
        user,
        "inflow_request.filed",
        contract.ident,
        justification,
        requested_clients=requested_clients,
        month=month.isoformat(),
    )
    return request


@transaction.atomic
def decide_request(user: Any, request: m.InflowRequest, approve: bool, reason: str) -> m.InflowRequest:
    """The municipality approves or rejects a pending request, with a reason."""
    if request.status != m.InflowRequest.Status.PENDING:
        raise DecisionError("Over dit verzoek is al besloten.")
    if not reason.strip():
        raise DecisionError("Een reden is verplicht.")
    request.status = m.InflowRequest.Status.APPROVED if approve else m.InflowRequest.Status.REJECTED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save()
    audit(user, f"inflow_request.{request.status}", request.contract.ident, reason, request=request.pk)
    if approve:
        refresh_ledger(request.month.year)
    return request


@transaction.atomic
def reallocate(
    user: Any,
    from_contract: Contract,
    to_contract: Contract,
    month: dt.date,
    clients: int,
    amount_cents: int,
    reason: str,
) -> m.CapacityReallocation:
    """Move capacity between two contracts of one segment, within the segment's ceiling."""
    if from_contract.segment_id != to_contract.segment_id:
        raise DecisionError(_("Herverdelen kan alleen binnen één segment."))
    if from_contract.pk == to_contract.pk:
        raise DecisionError(_("Kies twee verschillende contracten."))
    if not reason.strip():
        raise DecisionError("Een reden is verplicht.")
    proposal = engine.Reallocation(
        segment=from_contract.segment.code,
        from_contract=from_contract.ident,
        to_contract=to_contract.ident,
        month=month_start(month),
        clients=clients,
        amount_cents=amount_cents,
        decided=timezone.localdate(),
        reason=reason,
    )
    problems = engine.check_reallocation(
        stored_catalog(), proposal, year=month.year, agreed_changes=agreed_changes(), reallocations=reallocations()
    )
    if problems:
        raise DecisionError(" ".join(problems))
    moved = m.CapacityReallocation.objects.create(
        segment=from_contract.segment,
        from_contract=from_contract,
        to_contract=to_contract,
        month=proposal.month,
        clients=clients,
        amount_cents=amount_cents,
        reason=reason,
        decided_by=user,
    )
    audit(
        user,
        "capacity.reallocated",
        f"{from_contract.ident} -> {to_contract.ident}",
        reason,
        clients=clients,
        amount_cents=amount_cents,
        month=proposal.month.isoformat(),
    )
    refresh_ledger(month.year)
    return moved
