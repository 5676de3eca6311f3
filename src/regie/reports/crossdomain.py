"""The client across domains in words and in the council report (issue 19, ADR 0025).

The names of domains and their combinations (the page and the reports), and the council
report's section: aggregate counts only (clients per number of domains, per combination, and
with arrangements in two domains at once), no costs and no client. A count of one to four
clients is shown as "minder dan 5", and a share or average over so few clients not at all: in
a small municipality a cell that small could point at a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from regie.formatting import DASH, number

#: Counts below this (and above 0) are not shown in the council report.
SMALL = 5

#: The council report's tables: (field, heading, kind) as :func:`regie.reports.documents.pdf_table` takes them.
BY_COUNT = [("label", "Gebruikt", "text"), ("clients", "Cliënten", "small")]
COMBINATIONS = [("label", "Domeinen", "text"), ("clients", "Cliënten", "small"), ("share", "Aandeel", "share")]
OVERLAPS = [
    ("label", "Tegelijk in", "text"),
    ("clients", "Cliënten", "small"),
    ("days_per_client", "Dagen tegelijk per cliënt (gemiddeld)", "int"),
]


def domain_label(domain: str) -> str:
    """A domain's name as people read it."""
    return {"jeugd": _("Jeugd"), "wmo": _("Wmo"), "participatie": _("Participatie")}.get(domain, domain)


def combination_label(domains: Iterable[str]) -> str:
    """A combination of domains as people read it: ``Jeugd + Wmo``."""
    return " + ".join(domain_label(d) for d in domains)


def small_count(value: Any) -> str:
    """A count for the council: ``minder dan 5`` for one to four.

    >>> small_count(3), small_count(0), small_count(1234), small_count(None)
    ('minder dan 5', '0', '1.234', '–')
    """
    if value is None:
        return DASH
    return "minder dan 5" if 0 < value < SMALL else number(value)


def _shown(value: Any, clients: int) -> Any:
    """``value`` (a share or an average) unless it is over one to four clients."""
    return None if 0 < clients < SMALL else value


def council_section(document: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The rows of the council report's tables (:data:`BY_COUNT`, :data:`COMBINATIONS`,
    :data:`OVERLAPS`) from the region's document of the ``cross_domain`` snapshot; None
    without one."""
    if not document:
        return None
    total = document["clients"]
    by_count = document.get("by_count", {})
    counts = [
        {"label": f"{n} domein" if n == 1 else f"{n} domeinen", "clients": by_count.get(str(n), 0)}
        for n in range(1, len(document["domains"]) + 1)
    ]
    combos = [
        {
            "label": combination_label(r["domains"]),
            "clients": r["clients"],
            "share": _shown(r["clients"] / total if total else None, r["clients"]),
        }
        for r in document["combinations"]
    ]
    overlaps = [
        {
            "label": combination_label([r["domain_a"], r["domain_b"]]),
            "clients": r["clients"],
            "days_per_client": _shown(r["days"] / r["clients"], r["clients"]),
        }
        for r in document.get("domain_overlaps", [])
    ]
    return {
        "clients": total,
        "start": document["start"],
        "last": document["last"],
        "by_count": counts,
        "combinations": combos,
        "overlaps": overlaps,
    }
