"""The building blocks every funding rule shares: payment lines, months, cents, events.

Nothing here knows a funding model. :class:`PaymentLine` is what every rule returns;
:func:`spread` and :func:`split` are the only two ways cents are ever divided (so cents are
conserved everywhere); :class:`AgreedChange` and :class:`Reallocation` are the two decisions
of the municipality that change a contract's parameters from a month on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import polars as pl

from regie.engine.calendar import month_end, month_start
from regie.engine.catalog import Contract

#: The kinds of payment line, in the order a ledger shows them within a month.
KINDS = (
    "advance",  # bevoorschotting: per-client advance of budget / 12
    "instalment",  # termijn: a fixed monthly part of a lump sum or population budget
    "declaration",  # a declared prestatie paid on its own (price x volume, outcome)
    "settlement",  # vereffening: year-end settlement of advances (per-client)
    "late_unpaid",  # a declaration that arrived after the deadline: shown, never paid (amount 0)
    "unpriced",  # a declaration for a product the contract has no tariff for (amount 0)
    "ceiling_cut",  # what a contract or segment ceiling takes off (negative)
    "correction",  # a later change to a stored line, booked as a new line (see reconcile)
)

#: Allocations (toewijzingen) with their volume (Omvang), to cap price x volume payments.
#: Optional input of the ledger: without it, the cap relies on ingest rejecting lines above
#: the allocated volume (retour codes 9321/9322). ``frequency`` is the Frequentie code:
#: "1" per day, "2" per week, "4" per month, "6" in total within the allocation's validity.
ALLOCATIONS: dict[str, pl.DataType | type[pl.DataType]] = {
    "allocation_number": pl.Utf8,  # ToewijzingNummer
    "product_category": pl.Utf8,
    "product_code": pl.Utf8,  # or null
    "volume": pl.Int64,  # Omvang/Volume
    "unit": pl.Utf8,  # Omvang/Eenheid
    "frequency": pl.Utf8,  # Omvang/Frequentie
    "begin": pl.Date,  # Ingangsdatum
    "end": pl.Date,  # Einddatum, null when open-ended
    "arrival": pl.Date,  # Dagtekening of the 301 (the latest version arrived by as_of counts); or null
}


@dataclass(frozen=True)
class PaymentLine:
    """One line of the payment ledger: what one rule makes due for one contract and month.

    ``month`` is the first day of the care month (declarations, cuts) or of the month an
    advance or instalment belongs to; a settlement is booked in the contract's last month of
    the year. ``amount_cents`` is negative for a recovery. ``rule`` names the rule of
    domain.md section 4 that produced the line (e.g. ``per_client.advance``); ``ref``
    identifies the line within (contract, municipality, month, kind, rule), e.g. the
    declaration's line id, so a stored ledger can find it again. ``detail`` holds what the
    amount was computed from, JSON-able (numbers, strings, lists; dates as ISO strings).
    """

    contract: str
    provider: str
    segment: str
    municipality: str
    month: dt.date
    kind: str
    rule: str
    amount_cents: int
    ref: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def of(
        cls,
        contract: Contract,
        municipality: str,
        month: dt.date,
        kind: str,
        rule: str,
        amount_cents: int,
        ref: str = "",
        detail: Mapping[str, Any] | None = None,
    ) -> PaymentLine:
        """A line of ``contract`` (its id, provider and segment)."""
        return cls(
            contract.id,
            contract.provider,
            contract.segment,
            municipality,
            month,
            kind,
            rule,
            amount_cents,
            ref,
            {} if detail is None else detail,
        )

    @property
    def key(self) -> tuple[str, str, str, str, dt.date, str, str, str]:
        """The natural key of the line in a stored ledger (corrections use the line they correct)."""
        kind = str(self.detail.get("corrects", self.kind)) if self.kind == "correction" else self.kind
        return (self.contract, self.provider, self.segment, self.municipality, self.month, kind, self.rule, self.ref)

    def as_dict(self) -> dict[str, Any]:
        """The line as a JSON-able dict (the ``lines`` of ``regie funding ledger --json``)."""
        return {
            "contract": self.contract,
            "provider": self.provider,
            "segment": self.segment,
            "municipality": self.municipality,
            "month": self.month.isoformat(),
            "kind": self.kind,
            "rule": self.rule,
            "amount_cents": self.amount_cents,
            "ref": self.ref,
            "detail": dict(self.detail),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PaymentLine:
        """The inverse of :meth:`as_dict` (for lines read back from storage)."""
        month = data["month"]
        return cls(
            contract=str(data["contract"]),
            provider=str(data["provider"]),
            segment=str(data["segment"]),
            municipality=str(data["municipality"]),
            month=month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month)),
            kind=str(data["kind"]),
            rule=str(data["rule"]),
            amount_cents=int(data["amount_cents"]),
            ref=str(data.get("ref", "")),
            detail=dict(data.get("detail", {})),
        )


def sort_key(line: PaymentLine) -> tuple[str, str, dt.date, int, str, str, int]:
    """The order of a ledger: contract, municipality, month, kind, rule, ref."""
    return (
        line.contract,
        line.municipality,
        line.month,
        KINDS.index(line.kind),
        line.rule,
        line.ref,
        line.amount_cents,
    )


@dataclass(frozen=True)
class AgreedChange:
    """An approved inflow-above-agreement request: from ``month`` on, the contract's agreed
    unique clients N_p are ``agreed_clients`` (domain.md section 4, model 3).

    ``decided`` is the day the municipality approved it; a ledger "as of" an earlier day does
    not know it yet (None: always known).
    """

    contract: str
    month: dt.date
    agreed_clients: int
    decided: dt.date | None = None
    reason: str = ""


@dataclass(frozen=True)
class Reallocation:
    """Capacity moved between two providers of one segment from ``month`` on (herverdeling).

    Per-client contracts move ``clients`` agreed clients; lump-sum contracts move
    ``amount_cents`` of the annual lump sum; price x volume and outcome contracts move
    ``amount_cents`` of the annual contract ceiling. The segment total stays the same, so the
    segment ceiling is respected (see :func:`regie.engine.funding.check_reallocation`).
    """

    segment: str
    from_contract: str
    to_contract: str
    month: dt.date
    clients: int = 0
    amount_cents: int = 0
    decided: dt.date | None = None
    reason: str = ""


# --------------------------------------------------------------------------- months


def year_months(year: int) -> list[dt.date]:
    """The twelve first-of-months of ``year``."""
    return [dt.date(year, m, 1) for m in range(1, 13)]


def coverage(contract: Contract, month: dt.date) -> Fraction:
    """The share of ``month``'s days on which ``contract`` runs (0..1).

    >>> c = Contract("c", "12345678", "S", ("0983",), dt.date(2025, 4, 16), dt.date(2025, 12, 31))
    >>> coverage(c, dt.date(2025, 4, 1)), coverage(c, dt.date(2025, 5, 1)), coverage(c, dt.date(2025, 3, 1))
    (Fraction(1, 2), Fraction(1, 1), Fraction(0, 1))
    """
    first, last = month_start(month), month_end(month)
    begin, end = max(first, contract.start), min(last, contract.end)
    if end < begin:
        return Fraction(0)
    return Fraction((end - begin).days + 1, (last - first).days + 1)


def contract_months(contract: Contract, year: int) -> list[dt.date]:
    """The months of ``year`` on at least one day of which ``contract`` runs."""
    return [m for m in year_months(year) if coverage(contract, m) > 0]


# --------------------------------------------------------------------------- cents


def round_half_up(x: Fraction) -> int:
    """``x`` rounded to a whole number, halves up (the only rounding of the funding rules).

    >>> round_half_up(Fraction(5, 2)), round_half_up(Fraction(-5, 2)), round_half_up(Fraction(7, 3))
    (3, -2, 2)
    """
    return (x + Fraction(1, 2)).__floor__()


def spread(parts: Sequence[Fraction]) -> list[int]:
    """Whole cents for exact parts, rounding the running total so the cents sum exactly.

    Part ``i`` becomes ``round(sum(parts[:i+1])) - round(sum(parts[:i]))``: every part is
    within one cent of its exact value and the parts sum to the rounded exact total. Twelve
    advances of 100,000 / 12 cents:

    >>> spread([Fraction(100_000, 12)] * 12)
    [8333, 8334, 8333, 8333, 8334, 8333, 8333, 8334, 8333, 8333, 8334, 8333]
    >>> sum(_)
    100000
    """
    out: list[int] = []
    running = Fraction(0)
    previous = 0
    for part in parts:
        running += part
        now = round_half_up(running)
        out.append(now - previous)
        previous = now
    return out


def split(amount: int, weights: Mapping[str, int | Fraction]) -> dict[str, int]:
    """``amount`` cents divided over keys in proportion to ``weights`` (largest remainder).

    Every share is the exact share rounded down, and the cents left over go to the largest
    remainders (ties: the smallest key), so the shares always sum to ``amount``. Negative
    weights count as 0; when all weights are 0 the split is equal. A negative amount is split
    as its absolute value and negated.

    >>> split(1000, {"0363": 2, "0384": 1})
    {'0363': 667, '0384': 333}
    >>> split(-10, {"a": 1, "b": 1, "c": 1})
    {'a': -4, 'b': -3, 'c': -3}
    """
    if not weights:
        raise ValueError("split needs at least one key")
    if amount < 0:
        return {k: -v for k, v in split(-amount, weights).items()}
    w = {k: Fraction(max(v, 0)) for k, v in weights.items()}
    total = sum(w.values(), Fraction(0))
    if total == 0:
        w = {k: Fraction(1) for k in weights}
        total = Fraction(len(w))
    exact = {k: amount * v / total for k, v in w.items()}
    out = {k: x.__floor__() for k, x in exact.items()}
    left = amount - sum(out.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[:left]:
        out[k] += 1
    return out


def as_fraction(x: float) -> Fraction:
    """A float parameter (band, savings target) as the decimal fraction it was written as.

    >>> as_fraction(0.05)
    Fraction(1, 20)
    """
    return Fraction(repr(x))


# --------------------------------------------------------------------------- events


def monthly_values(
    base: Fraction,
    months: Sequence[dt.date],
    sets: Iterable[tuple[dt.date, Fraction]] = (),
    adds: Iterable[tuple[dt.date, Fraction]] = (),
) -> list[Fraction]:
    """A parameter's value in each of ``months``, from its base and dated changes.

    ``sets`` replace the value from their month on (an approved request); ``adds`` add to it
    from their month on (a reallocation). Changes apply in month order; within one month a
    replacement comes before an addition.

    >>> m = year_months(2025)
    >>> [int(v) for v in monthly_values(Fraction(10), m, sets=[(m[6], Fraction(13))], adds=[(m[9], Fraction(-1))])]
    [10, 10, 10, 10, 10, 10, 13, 13, 13, 12, 12, 12]
    """
    events = sorted(
        [(month_start(d), 0, v) for d, v in sets] + [(month_start(d), 1, v) for d, v in adds],
        key=lambda e: (e[0], e[1]),
    )
    out: list[Fraction] = []
    value = base
    i = 0
    for month in months:
        while i < len(events) and events[i][0] <= month:
            _, kind, v = events[i]
            value = v if kind == 0 else value + v
            i += 1
        out.append(value)
    return out


def known(decided: dt.date | None, as_of: dt.date) -> bool:
    """True when a decision taken on ``decided`` is known on ``as_of``."""
    return decided is None or decided <= as_of


def moves(
    reallocations: Iterable[Reallocation], contract: str, as_of: dt.date | None, *, clients: bool = False
) -> list[tuple[dt.date, Fraction]]:
    """The reallocations of ``contract`` known on ``as_of`` (all when None), each as (month,
    signed quantity): the agreed clients moved (``clients``) or the cents, negative when moved away.

    >>> r = Reallocation("S", "a", "b", dt.date(2025, 7, 1), clients=2, amount_cents=500)
    >>> moves([r], "a", None), moves([r], "b", None, clients=True)
    ([(datetime.date(2025, 7, 1), Fraction(-500, 1))], [(datetime.date(2025, 7, 1), Fraction(2, 1))])
    """
    out: list[tuple[dt.date, Fraction]] = []
    for r in reallocations:
        if as_of is not None and not known(r.decided, as_of):
            continue
        quantity = Fraction(r.clients if clients else r.amount_cents)
        if r.from_contract == contract:
            out.append((r.month, -quantity))
        if r.to_contract == contract:
            out.append((r.month, quantity))
    return out
