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

from regie.engine.calendar import quarter_of
from regie.engine.registry import INDICATOR
from regie.engine.scorecards import SCORED
from regie.formatting import euro, number, percent
from regie.monitor.figures import month_label

#: The indicators of a card as people read them (:data:`regie.engine.registry.INDICATORS`):
#: field -> (label, kind).
INDICATORS: dict[str, tuple[str, str]] = {k: (INDICATOR[k].label.nl, INDICATOR[k].kind) for k in SCORED}
POSITIONS = {"below": "onder de collega's", "within": "zoals de collega's", "above": "boven de collega's"}


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


def lines(cards: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per card and indicator: the provider's value, the peers' median and spread, formatted."""
    out = []
    for card in cards:
        indicators = card.get("indicators") or {}
        for name, (label, kind) in INDICATORS.items():
            ind = indicators.get(name)
            if ind is None:
                continue
            low, high = ind.get("peer_p25"), ind.get("peer_p75")
            out.append(
                {
                    "provider": card.get("provider"),
                    "segment": card.get("segment"),
                    "field": name,
                    "label": label,
                    "kind": kind,
                    "value": ind.get("value"),
                    "median": ind.get("peer_median"),
                    "p25": low,
                    "p75": high,
                    "peers": ind.get("peers"),
                    "position": POSITIONS.get(ind.get("position") or "", "–"),
                    "value_text": fmt(ind.get("value"), kind),
                    "median_text": fmt(ind.get("peer_median"), kind),
                    "spread_text": f"{fmt(low, kind)} – {fmt(high, kind)}" if low is not None else "–",
                }
            )
        agreed = card.get("agreed") or {}
        if agreed.get("agreed_clients") is not None:
            out.append(
                {
                    "provider": card.get("provider"),
                    "segment": card.get("segment"),
                    "field": "agreed_clients",
                    "label": "Afgesproken cliënten (gerealiseerd)",
                    "kind": "int",
                    "value": agreed.get("agreed_clients"),
                    "median": None,
                    "p25": None,
                    "p75": None,
                    "peers": None,
                    "position": f"{fmt(agreed.get('realised_clients'), 'int')} gerealiseerd"
                    + (
                        f" ({fmt(agreed.get('realised_share'), 'share')})"
                        if agreed.get("realised_share") is not None
                        else ""
                    ),
                    "value_text": fmt(agreed.get("agreed_clients"), "int"),
                    "median_text": "–",
                    "spread_text": "–",
                }
            )
    return out


#: A target's result as people read it (:func:`regie.engine.relations.target_met`).
MET = {True: "gehaald", False: "niet gehaald", None: "onbekend"}


def target_line(result: Mapping[str, Any], language: str | None = None) -> dict[str, Any]:
    """A contract target's result (:func:`regie.engine.relations.target_results`, with its
    ``segment``) with the indicator's heading, the norm and the value formatted by the
    indicator's kind, and ``met_text`` (Dutch).

    >>> line = target_line({"key": "max_median_duration_days", "indicator": "median_duration_days",
    ...                     "ceiling": True, "target": 150, "value": 162.0, "met": False})
    >>> line["label"], line["norm_text"], line["value_text"], line["met_text"]
    ('Doorlooptijd (mediaan, dagen)', 'hoogstens 150', '162', 'niet gehaald')
    """
    indicator = INDICATOR.get(result["indicator"])
    kind = indicator.kind if indicator else "one"
    return {
        **result,
        "label": indicator.label.get(language) if indicator else result["indicator"],
        "norm_text": ("hoogstens " if result["ceiling"] else "minstens ") + fmt(result["target"], kind),
        "target_text": fmt(result["target"], kind),
        "value_text": fmt(result["value"], kind),
        "met_text": MET[result["met"]],
    }
