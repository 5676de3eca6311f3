"""The catalog's natural keys, and the fields that name them on a record as plain text.

The catalog's rows carry their keys (:class:`~regie.catalog.models.Municipality` its CBS code,
:class:`~regie.catalog.models.Provider` its AGB code, a segment its code, a contract its
number); the message traffic, the payment ledger and the review outcomes keep a key as text
as it came in (not a foreign key). Both take the key's length from here.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

#: A municipality's CBS code (``0983``).
CBS_CODE_LENGTH = 4
#: A provider's AGB code (``12345678``).
AGB_CODE_LENGTH = 8
#: A segment's code (``catalog.toml``).
SEGMENT_CODE_LENGTH = 40
#: A contract's number (``catalog.toml``).
CONTRACT_IDENT_LENGTH = 80


def cbs_code(**options: Any) -> models.CharField:
    """A municipality by its CBS code."""
    return models.CharField(_("gemeente"), max_length=CBS_CODE_LENGTH, **options)


def agb_code(verbose_name: Any = None, **options: Any) -> models.CharField:
    """A provider by its AGB code (``verbose_name``: where "aanbieder" alone does not say it)."""
    return models.CharField(verbose_name or _("aanbieder"), max_length=AGB_CODE_LENGTH, **options)


def segment_code(**options: Any) -> models.CharField:
    """A segment by its code."""
    return models.CharField(_("segment"), max_length=SEGMENT_CODE_LENGTH, **options)
