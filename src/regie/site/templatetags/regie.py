"""Template filters for Dutch figures: euros from cents, numbers, shares."""

from __future__ import annotations

from typing import Any

from django import template

from regie.site.formatting import euro, number, percent

register = template.Library()
register.filter("euro", euro)
register.filter("number", number)
register.filter("percent", percent)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ row|get:"clients" }}``: a value from a dict."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
