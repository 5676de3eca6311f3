"""Budget ceilings (plafonds): per contract and per municipality x segment.

How a ceiling cuts
------------------
Months are taken in order. While the running total of the year stays within the ceiling
nothing happens. In the month the running total would pass it, the month's positive amounts
are cut **pro rata** (largest remainder, cents conserved) so the running total lands exactly
on the ceiling; every later month's positive amounts are cut entirely (a recovery, a negative
amount, is never cut and frees room again). The cut is a ``ceiling_cut`` line of its own, so
the lines it cuts keep their computed amount and a reader sees both.

Pro rata within the month, rather than in arrival order, keeps the cut independent of the
order in which messages arrive: the year-end ledger depends only on what was declared for
which care month, not on when it arrived (as long as it arrived in time). A contract ceiling
is applied first, per contract over all its municipalities (the cut split over the
municipalities pro rata); then the segment ceiling, per municipality x segment over all its
contracts: the budget minus the reserve.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from regie.engine.catalog import Budget, Contract
from regie.engine.funding.base import PaymentLine, split


def cap_cuts(amounts: Mapping[dt.date, Mapping[str, int]], cap: int) -> dict[dt.date, dict[str, int]]:
    """The cuts (negative cents per month and key) that keep a running total within ``cap``.

    ``amounts`` holds per month the net amount per key (a municipality, a contract). See the
    module docstring for the rule.

    >>> m = [dt.date(2025, i, 1) for i in (1, 2, 3)]
    >>> cap_cuts({m[0]: {"a": 60, "b": 20}, m[1]: {"a": 30, "b": 10}, m[2]: {"a": 5}}, 100)
    {datetime.date(2025, 2, 1): {'a': -15, 'b': -5}, datetime.date(2025, 3, 1): {'a': -5}}
    """
    cap = max(cap, 0)
    running = 0
    out: dict[dt.date, dict[str, int]] = {}
    for month in sorted(amounts):
        row = amounts[month]
        net = sum(row.values())
        if running + net <= cap:
            running += net
            continue
        positives = {k: v for k, v in sorted(row.items()) if v > 0}
        cut = running + net - cap
        out[month] = {k: -v for k, v in split(cut, positives).items() if v}
        running = cap
    return out


def _by_month(lines: Sequence[PaymentLine], key: str) -> dict[dt.date, dict[str, int]]:
    out: dict[dt.date, dict[str, int]] = {}
    for line in lines:
        k = line.municipality if key == "municipality" else line.contract
        row = out.setdefault(line.month, {})
        row[k] = row.get(k, 0) + line.amount_cents
    return out


def contract_ceiling_cuts(contract: Contract, lines: Sequence[PaymentLine], ceiling: int) -> list[PaymentLine]:
    """Cuts so the contract's lines of a year never pay more than ``ceiling``.

    "Above the contract's ceiling nothing more is paid" (domain.md section 4). ``ceiling`` is
    the contract's ``ceiling`` plus what reallocations moved to it; a contract whose own
    ``ceiling`` is 0 has none.
    """
    if contract.ceiling <= 0:
        return []
    mine = [line for line in lines if line.contract == contract.id]
    amounts = _by_month(mine, "municipality")
    cuts = cap_cuts(amounts, ceiling)
    out: list[PaymentLine] = []
    running = 0
    for month in sorted(amounts):
        running += sum(amounts[month].values())
        for municipality, cut in cuts.get(month, {}).items():
            detail = {
                "ceiling_cents": ceiling,
                "month_cents": amounts[month][municipality],
                "uncut_total_cents": running,
            }
            out.append(
                PaymentLine.of(contract, municipality, month, "ceiling_cut", "ceiling.contract", cut, "", detail)
            )
    return out


def segment_ceiling_cuts(
    budget: Budget, contracts: Mapping[str, Contract], lines: Sequence[PaymentLine]
) -> list[PaymentLine]:
    """Cuts so a municipality x segment never pays more than its budget minus reserve in a year.

    ``lines`` may hold any lines; only those of ``budget``'s municipality and segment count.
    The cut of a month is split over the contracts pro rata to their positive amounts.
    """
    ceiling = budget.amount - budget.reserve
    mine = [line for line in lines if line.segment == budget.segment and line.municipality == budget.municipality]
    amounts = _by_month(mine, "contract")
    cuts = cap_cuts(amounts, ceiling)
    out: list[PaymentLine] = []
    for month, row in sorted(cuts.items()):
        for contract_id, cut in row.items():
            contract = contracts[contract_id]
            detail = {
                "ceiling_cents": ceiling,
                "budget_cents": budget.amount,
                "reserve_cents": budget.reserve,
                "month_cents": amounts[month][contract_id],
                "segment_month_cents": sum(amounts[month].values()),
            }
            out.append(
                PaymentLine.of(contract, budget.municipality, month, "ceiling_cut", "ceiling.segment", cut, "", detail)
            )
    return out
