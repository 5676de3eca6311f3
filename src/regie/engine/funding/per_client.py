"""Model 3: the per-client price (prestatiegericht, Venlo), with advances and settlement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import polars as pl

from regie.engine.calendar import month_end
from regie.engine.catalog import Contract
from regie.engine.funding.base import (
    AgreedChange,
    PaymentLine,
    Reallocation,
    as_fraction,
    contract_months,
    coverage,
    known,
    monthly_values,
    moves,
    round_half_up,
    split,
    spread,
    year_months,
)
from regie.engine.funding.declared import late_line
from regie.engine.funding.positions import Declared


@dataclass(frozen=True)
class Agreement:
    """A per-client contract's agreement for one year, month by month.

    ``clients[i]`` is N_p in month i+1 (after approved requests and reallocations known by
    the as-of date); ``cover[i]`` the share of that month the contract runs.
    """

    clients: tuple[Fraction, ...]
    cover: tuple[Fraction, ...]
    price: int

    @property
    def agreed(self) -> Fraction:
        """The year's time-weighted agreed clients: sum over months of N_p(m) x cover(m) / 12."""
        return sum((n * c for n, c in zip(self.clients, self.cover, strict=True)), Fraction(0)) / 12

    @property
    def budget_parts(self) -> list[Fraction]:
        """Exact monthly budget: N_p(m) x P_p x cover(m) / 12."""
        return [n * self.price * c / 12 for n, c in zip(self.clients, self.cover, strict=True)]

    @property
    def budget(self) -> int:
        """budget_p for the year in cents: N_p x P_p for a whole year without changes."""
        return sum(spread(self.budget_parts))


def agreement(
    contract: Contract,
    *,
    year: int,
    as_of: dt.date,
    agreed_changes: Iterable[AgreedChange] = (),
    reallocations: Iterable[Reallocation] = (),
) -> Agreement:
    """The contract's agreed clients per month of ``year``.

    N_p starts at the contract's ``agreed_clients``; an approved inflow-above-agreement
    request (:class:`AgreedChange`) sets it from its month on; a reallocation moves
    ``clients`` from one contract to another from its month on. Only decisions taken by
    ``as_of`` count.
    """
    months = year_months(year)
    sets = [
        (c.month, Fraction(c.agreed_clients))
        for c in agreed_changes
        if c.contract == contract.id and known(c.decided, as_of)
    ]
    adds = moves(reallocations, contract.id, as_of, clients=True)
    clients = monthly_values(Fraction(contract.agreed_clients), months, sets=sets, adds=adds)
    return Agreement(tuple(clients), tuple(coverage(contract, m) for m in months), contract.price_per_client)


def settlement_date(contract: Contract, year: int) -> dt.date:
    """The day the year can be settled: the deadline of the contract's last care month of the
    year (the day after that month when the contract has no deadline)."""
    last = contract_months(contract, year)[-1]
    deadline = contract.deadline_for(last)
    return deadline if deadline is not None else month_end(last) + dt.timedelta(days=1)


def settled_amount(realised: int, agreed: Fraction, band: Fraction, price: int) -> int:
    """paid = min(realised, N_p x (1 + band)) x P_p, in whole cents (domain.md section 4, model 3).

    >>> settled_amount(130, Fraction(120), Fraction(1, 20), 850_000)  # capped at 126 clients
    107100000
    >>> settled_amount(110, Fraction(120), Fraction(0), 850_000)
    93500000
    """
    return round_half_up(min(Fraction(realised), agreed * (1 + band)) * price)


def per_client_lines(
    contract: Contract,
    declarations: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date,
    agreed_changes: Iterable[AgreedChange] = (),
    reallocations: Iterable[Reallocation] = (),
    municipality_weights: Mapping[str, int] | None = None,
) -> list[PaymentLine]:
    """Per-client price (prestatiegericht, Venlo): advances, then a year-end settlement.

    budget_p = N_p x P_p (agreed unique clients x price per client).

    - **Advances** (bevoorschotting): budget_p / 12 each month, due on the first of the
      month; the running total is rounded, so the twelve advances sum exactly to budget_p.
      A contract running part of the year gets advances only for its months, each month
      weighted by the share of its days the contract runs.
    - **Mid-year raise**: an approved inflow-above-agreement request sets N_p from its month;
      advances from that month on use the new N_p. The cap at settlement uses the
      **time-weighted** N_p (sum of N_p(m) / 12 over the months), the same quantity the
      advances add up to, so a raise counts only for the months after it.
    - **Settlement** (vereffening), once the deadline of the last care month has passed:
      paid = min(realised, N_p x (1 + band)) x P_p, where realised = distinct clients with at
      least one accepted, standing declaration line for a care month of the year under this
      contract that arrived in time; settlement = paid - sum(advances) (negative: the
      provider pays back).
    - A declaration after the deadline is a ``late_unpaid`` line of 0 and its client does not
      count as realised through it.

    Contracts with several municipalities: each advance is split over them by
    ``municipality_weights`` (the ledger passes their budgets for the segment; equal when
    absent), the settled amount by the municipalities' realised clients, so per municipality
    advances + settlement = its share of the settled amount, and every split conserves cents.
    """
    return _per_client(
        contract,
        Declared.of(declarations, year=year, as_of=as_of),
        agreed_changes=agreed_changes,
        reallocations=reallocations,
        municipality_weights=municipality_weights,
    )


def _per_client(
    contract: Contract,
    declared: Declared,
    *,
    agreed_changes: Iterable[AgreedChange] = (),
    reallocations: Iterable[Reallocation] = (),
    municipality_weights: Mapping[str, int] | None = None,
    months: Sequence[dt.date] | None = None,
    provisional: bool = False,
) -> list[PaymentLine]:
    """The lines of :func:`per_client_lines` from the declared positions (:class:`Declared`).
    ``provisional``: settle already on the clients counted by ``as_of``, before the
    settlement date (see :func:`regie.engine.funding.ledger`)."""
    year, as_of = declared.year, declared.as_of
    if not contract_months(contract, year):
        return []
    deal = agreement(contract, year=year, as_of=as_of, agreed_changes=agreed_changes, reallocations=reallocations)
    weights = {m: (municipality_weights or {}).get(m, 0) for m in contract.municipalities}
    out: list[PaymentLine] = []

    def line(
        municipality: str, month: dt.date, kind: str, rule: str, amount: int, detail: dict[str, Any]
    ) -> PaymentLine:
        return PaymentLine.of(contract, municipality, month, kind, rule, amount, "", detail)

    advances: dict[str, int] = dict.fromkeys(contract.municipalities, 0)
    for month, cents, n, cover in zip(
        year_months(year), spread(deal.budget_parts), deal.clients, deal.cover, strict=True
    ):
        if cover == 0 or month > as_of:
            continue
        for municipality, share in split(cents, weights).items():
            advances[municipality] += share
            detail = {"agreed_clients": _num(n), "price_per_client_cents": deal.price, "cover": _num(cover)}
            if len(weights) > 1:
                detail["contract_advance_cents"] = cents
            out.append(line(municipality, month, "advance", "per_client.advance", share, detail))

    realised: dict[str, set[str]] = {m: set() for m in contract.municipalities}
    clients: set[str] = set()
    for p in declared.select(contract, months):
        if p.late(contract):
            if p.stands:
                out.append(late_line(contract, p, "per_client"))
            continue
        if p.stands:
            realised[p.municipality].add(p.client)
            clients.add(p.client)

    if provisional or as_of >= settlement_date(contract, year):
        band = as_fraction(contract.band)
        settled = settled_amount(len(clients), deal.agreed, band, deal.price)
        shares = split(settled, {m: len(c) for m, c in realised.items()}) if clients else dict.fromkeys(weights, 0)
        last = contract_months(contract, year)[-1]
        for municipality in contract.municipalities:
            detail = {
                "realised_clients": len(clients),
                "agreed_clients": _num(deal.agreed),
                "band": contract.band,
                "cap_clients": _num(deal.agreed * (1 + band)),
                "price_per_client_cents": deal.price,
                "budget_cents": deal.budget,
                "settled_cents": shares[municipality],
                "advances_cents": advances[municipality],
            }
            if len(weights) > 1:
                detail.update(
                    {"municipality_realised_clients": len(realised[municipality]), "contract_settled_cents": settled}
                )
            amount = shares[municipality] - advances[municipality]
            out.append(line(municipality, last, "settlement", "per_client.settlement", amount, detail))
    return out


def _num(x: Fraction) -> int | float:
    """A fraction for the JSON detail: an int when whole, else a float."""
    return int(x) if x.denominator == 1 else float(x)
