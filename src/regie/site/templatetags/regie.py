"""Template filters for Dutch figures (:mod:`regie.formatting`): euros from cents, counts, days, shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import dateformat
from django.utils.translation import gettext

from regie.engine.registry import INDICATOR
from regie.formatting import count, days, euro, number, percent, signed_euro
from regie.reports import cards
from regie.site.pages.common import indicator_label

register = template.Library()
register.filter("euro", euro)
register.filter("signed_euro", signed_euro)
register.filter("number", number)
register.filter("count", count)
register.filter("days", days)
register.filter("percent", percent)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ row|get:"clients" }}``: a value from a dict."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def provider_name(agb: Any, names: Any) -> str:
    """``{{ row.provider|provider_name:names }}``: a provider's name from its AGB code."""
    return str(names.provider(agb))


@register.filter
def segment_name(code: Any, names: Any) -> str:
    return str(names.segment(code))


@register.filter
def municipality_name(code: Any, names: Any) -> str:
    return str(names.municipality(code))


@register.filter
def month(value: Any) -> str:
    """``2025-03-01`` -> ``mrt 2025`` (``mar 2025`` in English)."""
    if not value:
        return "–"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return dateformat.format(day, "b Y")


@register.filter
def isodate(value: Any) -> Any:
    """An ISO date string (as snapshots hold them) as a date, for the ``date`` filter."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


@register.filter
def signed_number(value: Any) -> str:
    """A change in a count or a number of days: ``+3``, ``−1,5`` or ``0``."""
    if value is None or value == "":
        return "–"
    amount = float(value)
    sign = "+" if amount > 0 else "−" if amount < 0 else ""
    return sign + number(abs(amount), 0 if abs(amount).is_integer() else 1)


@register.filter
def signed_points(value: Any, unit: str = "") -> str:
    """A change in percentage points: ``+33 procentpunt`` or ``−1,5 procentpunt``; with
    ``"share"`` the value is a change of a share (0..1) and is first made points."""
    if value is None or value == "":
        return "–"
    amount = float(value) * (100 if unit == "share" else 1)
    sign = "+" if amount > 0 else "−" if amount < 0 else ""
    return f"{sign}{number(abs(amount), 0 if float(abs(amount)).is_integer() else 1)} " + gettext("procentpunt")


@register.filter
def indicator_value(value: Any, key: str) -> str:
    """A value of indicator ``key`` written as the indicator is (:data:`regie.engine.registry.INDICATOR`:
    a share as a percentage, euro cents in euro, counts and days whole); ``–`` when unknown."""
    indicator = INDICATOR.get(key)
    return cards.fmt(value, indicator.kind if indicator else "one")


@register.filter
def indicator_name(key: str) -> str:
    """Indicator ``key``'s heading in the reader's language (the key itself when unknown)."""
    return indicator_label(key) if key in INDICATOR else key
