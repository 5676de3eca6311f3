"""The BSN (burgerservicenummer): the eleven-test and keyed pseudonyms.

A BSN is personal data. Regie replaces it by a keyed pseudonym the moment a message is read
(:func:`pseudonym`), and never puts a BSN in a fault, an exception text or a log line.
"""

from __future__ import annotations

import functools
import hashlib
import hmac


def is_valid_bsn(value: str) -> bool:
    """True when ``value`` is nine digits that pass the eleven-test (CS002).

    The eleven-test: with digits d1..d9, 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11.
    A BSN of all zeros passes the arithmetic but is not a number anyone has, so it is refused.

    >>> is_valid_bsn("999900006")
    True
    >>> is_valid_bsn("999900007")
    False
    >>> is_valid_bsn("12345678")
    False
    """
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    digits = [int(c) for c in value]
    total = sum(weight * digit for weight, digit in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]
    return total % 11 == 0 and value != "000000000"


def pseudonym(bsn: str, key: str | bytes) -> str:
    """The keyed pseudonym of a BSN: HMAC-SHA256 of the BSN under ``key``, as 64 hex characters.

    Same BSN and key give the same pseudonym; without the key it cannot be turned back.

    >>> pseudonym("999900006", "k") == pseudonym("999900006", b"k")
    True
    >>> len(pseudonym("999900006", "k"))
    64
    """
    keyed = _keyed(key).copy()
    keyed.update(bsn.encode("ascii", "replace"))
    return keyed.hexdigest()


@functools.lru_cache(maxsize=4)
def _keyed(key: str | bytes) -> hmac.HMAC:
    """An HMAC-SHA256 with ``key`` set up and no message yet (copied for each BSN)."""
    return hmac.new(key.encode("utf-8") if isinstance(key, str) else key, digestmod=hashlib.sha256)
