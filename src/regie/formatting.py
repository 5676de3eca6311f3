"""How figures read, in every place people read them: pages, CLI tables, reports, exports.

The single place where integer cents become euros and counts, durations and shares become
text, the Dutch way (``1.234.567,89``). It imports nothing of Django, so the core (the model
comparison's text table), the CLI, the reports and the templates (``regie.site.templatetags``)
all use it. One convention each:

- money: whole euros, ``€ 1.234.568``; a negative amount ``€ -1.234.568`` (the minus between
  the sign and the figure, as Excel's ``"€" -#,##0`` shows it); never ``-0``;
- a change or a difference: the same with its sign always shown, ``€ +1.234`` / ``€ -1.234``;
- counts: whole numbers, ``12.345``; durations: whole days, ``118 dagen`` when the unit is
  not in the heading;
- shares: a percentage with one decimal, ``45,7 %``;
- a value that cannot be computed: ``–`` (never 0).

Rounding is half away from zero, at the edge only (the figures stay integer cents).

>>> euro(123456789), euro(-123456789), euro(-49), euro(None)
('€ 1.234.568', '€ -1.234.568', '€ 0', '–')
>>> euro(-123456789, "cents")
'€ -1.234.567,89'
>>> signed_euro(119513_00), signed_euro(-4827_99), signed_euro(0)
('€ +119.513', '€ -4.828', '€ 0')
>>> number(12345.678), number(12345.678, 1), count(12.5), days(117.5)
('12.346', '12.345,7', '13', '118')
>>> percent(0.4567), whole_euros(123450), whole_days(41.5)
('45,7 %', 1235, 42)
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

DASH = "–"
"""What a value that cannot be computed reads as."""


def _missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def _rounded(value: Decimal, decimals: int) -> Decimal:
    out = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return out if out else abs(out)  # no "-0"


def _dutch(value: Decimal, decimals: int) -> str:
    text = f"{_rounded(value, decimals):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def euro(cents: Any, arg: str = "") -> str:
    """Euros from integer cents: whole euros, or with cents when ``arg == "cents"``.

    >>> euro(50), euro(149), euro(-50), euro(5, "cents")
    ('€ 1', '€ 1', '€ -1', '€ 0,05')
    """
    if _missing(cents):
        return DASH
    return "€ " + _dutch(Decimal(int(cents)) / 100, 2 if arg == "cents" else 0)


def signed_euro(cents: Any) -> str:
    """A change or difference in whole euros with its sign: ``€ +1.234``, ``€ -1.234``, ``€ 0``."""
    if _missing(cents):
        return DASH
    text = euro(cents)
    return text if text == "€ 0" or text.startswith("€ -") else "€ +" + text[2:]


def number(value: Any, decimals: int = 0) -> str:
    """A number with Dutch separators (``decimals`` after the comma)."""
    if _missing(value):
        return DASH
    return _dutch(Decimal(str(value)), int(decimals))


def count(value: Any) -> str:
    """A count: a whole number (a count never has decimals, also when it is a median)."""
    return number(value, 0)


def days(value: Any) -> str:
    """A duration in whole days (the number only; the heading or caller says "dagen")."""
    return number(value, 0)


def percent(share: Any, decimals: int = 1) -> str:
    """A share (0..1) as a percentage."""
    if _missing(share):
        return DASH
    return _dutch(Decimal(str(share)) * 100, int(decimals)) + " %"


def whole_euros(cents: Any) -> int | None:
    """Integer cents as whole euros (for exports that hold numbers, not text)."""
    if _missing(cents):
        return None
    return int(_rounded(Decimal(int(cents)) / 100, 0))


def whole_days(value: Any) -> int | None:
    """A duration as whole days (for exports that hold numbers, not text)."""
    if _missing(value):
        return None
    return int(_rounded(Decimal(str(value)), 0))
