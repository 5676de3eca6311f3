"""The Gemeentelijke Monitor Sociaal Domein export: the rows of :mod:`regie.engine.gmsd`
(stored by the monitor) with their Dutch headings, as the CSV and Excel file hold them
(:func:`regie.reports.documents.gmsd_csv`, :func:`regie.reports.documents.gmsd_xlsx`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from regie.engine.gmsd import FIELDS
from regie.engine.registry import INDICATORS
from regie.formatting import whole_days, whole_euros

_HEADINGS: dict[str, str] = {
    "municipality": "gemeentecode",
    "municipality_name": "gemeente",
    "period": "periode",
    "law": "wet",
    "type": "soort voorziening",
    "funding": "bekostiging",
    **{i.key: i.gmsd for i in INDICATORS if i.gmsd},
}
#: The columns of the export, in the order of the rows' fields, with their Dutch headings.
COLUMNS: dict[str, str] = {key: _HEADINGS[key] for key in FIELDS}


#: The columns that hold a duration in days (exported as whole days).
DAY_COLUMNS = ("median_duration_days", "waiting_median_days")


def export_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows as the export holds them: cost per client in whole euros (the snapshot keeps
    cents), durations in whole days; every other value as it is.

    >>> export_rows([{"cost_per_client_cents": 1234550, "median_duration_days": 117.5, "clients": 3}])
    [{'cost_per_client_cents': 12346, 'median_duration_days': 118, 'clients': 3}]
    """
    out = []
    for row in rows:
        row = dict(row)
        if "cost_per_client_cents" in row:
            row["cost_per_client_cents"] = whole_euros(row["cost_per_client_cents"])
        for key in DAY_COLUMNS:
            if key in row:
                row[key] = whole_days(row[key])
        out.append(row)
    return out
