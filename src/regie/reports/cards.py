"""Provider scorecards as people read them (page, PDF, Excel), from the engine's cards.

A card of :func:`regie.engine.scorecards.scorecards` holds per indicator the provider's value
and its peers' median, 25th and 75th percentile and position. :func:`flat` lays one card out
as a table row, :func:`lines` as one line per indicator with the figures formatted the
Dutch way; neither changes a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from regie.engine.calendar import quarter_of
from regie.engine.registry import INDICATOR
from regie.engine.scorecards import SCORED
from regie.formatting import euro, number, percent
from regie.monitor.figures import month_label

#: Where a provider's value stands against its peers' spread, as people read it (translated).
POSITIONS = {
    "below": gettext_noop("onder de collega's"),
    "within": gettext_noop("zoals de collega's"),
    "above": gettext_noop("boven de collega's"),
}


def fmt(value: Any, kind: str) -> str:
    """A figure formatted by its kind (money in cents, share, one decimal, whole number).

    >>> fmt(123456, "money"), fmt(0.25, "share"), fmt(12.25, "one"), fmt(None, "int")
    ('€ 1.235', '25,0 %', '12,3', '–')
    """
    if kind == "money":
        return euro(value)
    if kind == "share":
        return percent(value)
    if kind == "one":
        return number(value, 1)
    return number(value)


def period_label(period: str, unit: str) -> str:
    """``2025-04-01`` as ``K2 2025`` (quarter) or ``apr 2025`` (month).

    >>> period_label("2025-04-01", "quarter"), period_label("2025-04-01", "month")
    ('K2 2025', 'apr 2025')
    """
    day = dt.date.fromisoformat(period[:10])
    if unit == "quarter":
        return f"K{quarter_of(day)} {day.year}"
    return month_label(day)


def flat(card: Mapping[str, Any], unit: str = "quarter") -> dict[str, Any]:
    """One card as a table row: the values, ``peers`` (median, p25, p75, position per
    indicator), agreed vs realised, and the trend with period labels."""
    indicators = card.get("indicators") or {}
    agreed = card.get("agreed") or {}
    row: dict[str, Any] = {"provider": card.get("provider"), "segment": card.get("segment")}
    row["peers"] = {}
    for name, ind in indicators.items():
        row[name] = ind.get("value")
        row["peers"][name] = {
            "median": ind.get("peer_median"),
            "p25": ind.get("peer_p25"),
            "p75": ind.get("peer_p75"),
            "peers": ind.get("peers"),
            "position": ind.get("position"),
        }
    row["agreed_clients"] = agreed.get("agreed_clients")
    row["realised_clients"] = agreed.get("realised_clients")
    row["realised_share"] = agreed.get("realised_share")
    row["trend"] = [{**p, "label": period_label(str(p["period"]), unit)} for p in card.get("trend") or []]
    return row


def lines(cards: Sequence[Mapping[str, Any]], language: str = "nl") -> list[dict[str, Any]]:
    """Per card and indicator: the provider's value, the peers' median and spread, formatted,
    the texts in ``language`` (a report is Dutch; a page passes its reader's language)."""
    with translation.override(language):
        return [line for card in cards for line in _card_lines(card, language)]


def _card_lines(card: Mapping[str, Any], language: str) -> list[dict[str, Any]]:
    out = []
    indicators = card.get("indicators") or {}
    for name in SCORED:
        ind = indicators.get(name)
        if ind is None:
            continue
        kind = INDICATOR[name].kind
        low, high = ind.get("peer_p25"), ind.get("peer_p75")
        position = POSITIONS.get(ind.get("position") or "")
        out.append(
            {
                "provider": card.get("provider"),
                "segment": card.get("segment"),
                "field": name,
                "label": INDICATOR[name].label.get(language),
                "kind": kind,
                "value": ind.get("value"),
                "median": ind.get("peer_median"),
                "p25": low,
                "p75": high,
                "peers": ind.get("peers"),
                "position": gettext(position) if position else "–",
                "value_text": fmt(ind.get("value"), kind),
                "median_text": fmt(ind.get("peer_median"), kind),
                "spread_text": f"{fmt(low, kind)} – {fmt(high, kind)}" if low is not None else "–",
            }
        )
    agreed = card.get("agreed") or {}
    if agreed.get("agreed_clients") is not None:
        realised = gettext("%(clients)s gerealiseerd") % {"clients": fmt(agreed.get("realised_clients"), "int")}
        share = agreed.get("realised_share")
        out.append(
            {
                "provider": card.get("provider"),
                "segment": card.get("segment"),
                "field": "agreed_clients",
                "label": gettext("Afgesproken cliënten (gerealiseerd)"),
                "kind": "int",
                "value": agreed.get("agreed_clients"),
                "median": None,
                "p25": None,
                "p75": None,
                "peers": None,
                "position": realised + (f" ({fmt(share, 'share')})" if share is not None else ""),
                "value_text": fmt(agreed.get("agreed_clients"), "int"),
                "median_text": "–",
                "spread_text": "–",
            }
        )
    return out


#: A target's result as people read it (:func:`regie.engine.relations.target_met`; translated).
MET = {True: gettext_noop("gehaald"), False: gettext_noop("niet gehaald"), None: gettext_noop("onbekend")}


def target_line(result: Mapping[str, Any], language: str = "nl") -> dict[str, Any]:
    """A contract target's result (:func:`regie.engine.relations.target_results`, with its
    ``segment``) with the indicator's heading, the norm and the value formatted by the
    indicator's kind, and ``met_text``, the texts in ``language``.

    >>> line = target_line({"key": "max_median_duration_days", "indicator": "median_duration_days",
    ...                     "ceiling": True, "target": 150, "value": 162.0, "met": False})
    >>> line["label"], line["norm_text"], line["value_text"], line["met_text"]
    ('Doorlooptijd (mediaan, dagen)', 'hoogstens 150', '162', 'niet gehaald')
    """
    indicator = INDICATOR.get(result["indicator"])
    kind = indicator.kind if indicator else "one"
    target = fmt(result["target"], kind)
    with translation.override(language):
        norm = gettext("hoogstens %(norm)s") if result["ceiling"] else gettext("minstens %(norm)s")
        return {
            **result,
            "label": indicator.label.get(language) if indicator else result["indicator"],
            "norm_text": norm % {"norm": target},
            "target_text": target,
            "value_text": fmt(result["value"], kind),
            "met_text": gettext(MET[result["met"]]),
        }
