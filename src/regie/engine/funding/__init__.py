"""Funding rules (bekostiging): the five models of domain.md section 4, advances,
settlement, the declaration deadline, budget ceilings and reallocation. Pure core: polars
frames and catalog dataclasses in, :class:`PaymentLine` lists out; no Django.

One function per model, each returning payment lines that name the rule, the month, the
contract and the amount in cents:

- :func:`pxq_lines` — price x volume (inspanningsgericht);
- :func:`outcome_lines` — outcome per arrangement (outputgericht, resultaatgericht);
- :func:`per_client_lines` — per-client price with advances and year-end settlement (Venlo);
- :func:`lump_sum_lines` — task-based lump sum (taakgericht, Amsterdam);
- :func:`population_lines` — population-based (populatiebekostiging).

:func:`ledger` runs every contract of a catalog under its segment's model and applies the
contract and segment ceilings; :func:`totals`, :func:`ledger_document` and
:func:`payments_frame` present it; :func:`reconcile` books a recomputed ledger on top of a
stored one as corrections; :func:`check_reallocation` validates a capacity reallocation.
docs/funding.md explains each rule in plain words with a worked example.
"""

from regie.engine.funding.base import (
    ALLOCATIONS,
    KINDS,
    AgreedChange,
    PaymentLine,
    Reallocation,
    split,
    spread,
)
from regie.engine.funding.ceilings import cap_cuts, contract_ceiling_cuts, segment_ceiling_cuts
from regie.engine.funding.declared import outcome_lines, pxq_lines, volume_limits
from regie.engine.funding.fixed import annual_lump_sum, lump_sum_lines, population_lines, population_shares
from regie.engine.funding.ledger import (
    check_reallocation,
    effective_ceiling,
    ledger,
    ledger_document,
    municipality_weights,
    payments_by_kind,
    payments_frame,
    reconcile,
    totals,
)
from regie.engine.funding.per_client import agreement, per_client_lines, settled_amount, settlement_date
from regie.engine.funding.positions import positions

__all__ = [
    "ALLOCATIONS",
    "KINDS",
    "AgreedChange",
    "PaymentLine",
    "Reallocation",
    "agreement",
    "annual_lump_sum",
    "cap_cuts",
    "check_reallocation",
    "contract_ceiling_cuts",
    "effective_ceiling",
    "ledger",
    "ledger_document",
    "lump_sum_lines",
    "municipality_weights",
    "outcome_lines",
    "payments_by_kind",
    "payments_frame",
    "per_client_lines",
    "population_lines",
    "population_shares",
    "positions",
    "pxq_lines",
    "reconcile",
    "segment_ceiling_cuts",
    "settled_amount",
    "settlement_date",
    "split",
    "spread",
    "totals",
    "volume_limits",
]
