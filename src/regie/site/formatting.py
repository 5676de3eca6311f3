"""Dutch presentation of figures (1.234.567,89): the single place where cents become euros.

>>> euro(123456789)
'€ 1.234.568'
>>> euro(-123456789, "cents")
'€ -1.234.567,89'
>>> euro(None)
'–'
>>> number(12345.678, 1)
'12.345,7'
>>> percent(0.4567)
'45,7 %'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

DASH = "–"


def _dutch(value: Decimal, decimals: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def euro(cents: Any, arg: str = "") -> str:
    """Euros from integer cents: whole euros, or with cents when ``arg == "cents"``."""
    if cents is None or cents == "":
        return DASH
    return "€ " + _dutch(Decimal(int(cents)) / 100, 2 if arg == "cents" else 0)


def number(value: Any, decimals: int = 0) -> str:
    """A number with Dutch separators; ``–`` for a value that cannot be computed."""
    if value is None or value == "":
        return DASH
    return _dutch(Decimal(str(value)), int(decimals))


def percent(share: Any, decimals: int = 1) -> str:
    """A share (0..1) as a percentage."""
    if share is None or share == "":
        return DASH
    return _dutch(Decimal(str(share)) * 100, int(decimals)) + " %"
