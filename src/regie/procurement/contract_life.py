"""A contract's life in the shell: the ``contract_expiry`` signal and taking an option
(domain.md section 10a; the rules are :mod:`regie.engine.contracts`).

- :func:`raise_expiry_signals` stores the ``contract_expiry`` signals due on a day, once per
  contract and end (the signal's key), naming the next option;
- :func:`take_option` extends a contract to its next option (audited, its earlier version
  kept by :func:`regie.catalog.versions.change_contract`) and resolves the contract's open
  expiry signal, whose end is then no longer the contract's end.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from regie.catalog.loader import stored_catalog
from regie.catalog.models import Contract
from regie.catalog.versions import change_contract
from regie.engine import contracts as rules
from regie.traffic.models import Message, Signal


def signal_day() -> dt.date:
    """The day the traffic stands on: the last message's dagtekening, or today without any
    (a generated region is read as of its own last day)."""
    last = Message.objects.aggregate(d=Max("dagtekening"))["d"]
    return last or timezone.localdate()


@transaction.atomic
def raise_expiry_signals(day: dt.date | None = None) -> int:
    """Store the ``contract_expiry`` signals due on ``day`` (default :func:`signal_day`) that
    are not stored yet; the number stored."""
    day = day or signal_day()
    made = 0
    for expiry in rules.expiring(stored_catalog().contracts, day):
        made += Signal.raise_once(
            expiry.key,
            Signal.Kind.CONTRACT_EXPIRY,
            provider=expiry.provider,
            segment=expiry.segment,
            record=expiry.contract,
            raised_on=expiry.due_on,
            detail={
                "contract": expiry.contract,
                "end": expiry.end.isoformat(),
                "next_option": expiry.next_option.isoformat() if expiry.next_option else None,
            },
        )
    return made


@transaction.atomic
def take_option(user: Any, contract: Contract, reason: str) -> dt.date:
    """Extend ``contract`` to its next option; :class:`regie.engine.contracts.NoOption` when
    it has none. Its open expiry signal is resolved with a note naming the new end."""
    old_end = contract.end
    new_end = rules.take_option(old_end, contract.extension_dates)
    change_contract(user, contract, {"end": new_end}, reason, action="contract_option_taken")
    note = f"Optie genomen: verlengd tot {new_end:%d-%m-%Y}."
    Signal.objects.filter(kind=Signal.Kind.CONTRACT_EXPIRY, record=contract.ident, status=Signal.Status.OPEN).update(
        status=Signal.Status.RESOLVED, note=note
    )
    return new_end
