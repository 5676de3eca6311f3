"""Population projections that scale the inflow of the outlook's years.

A CSV file (docs/csv-formats.md), one row per municipality, age group and year, the
municipality's own projection or the CBS figures it downloads::

    municipality,age_group,year,population
    0983,0-17,2025,19850
    0983,0-17,2026,19700
    0983,18-64,2025,61200
    0983,65+,2025,21400

``age_group`` is ``"LOW-HIGH"`` or ``"LOW+"`` (whole years). A segment's inflow in year y is
scaled by the population of the ages its domain serves in y over that in the forecast's
year: jeugd 0-17, participatie 18-64, wmo 18 and older. A municipality, domain or year
without figures leaves the inflow as the stock-and-flow model expects it (factor 1).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from regie.engine.scenarios.changes import ScenarioError

#: The ages (first, last; None: no upper bound) each domain serves.
DOMAIN_AGES: dict[str, tuple[int, int | None]] = {
    "jeugd": (0, 17),
    "participatie": (18, 64),
    "wmo": (18, None),
}

COLUMNS = ("municipality", "age_group", "year", "population")


def _ages(group: str, line: int) -> tuple[int, int | None]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)|(\+))\s*", group)
    if not match:
        raise ScenarioError(f"bevolkingsprognose regel {line}", f"leeftijdsgroep {group!r} is geen 'VAN-TOT' of 'VAN+'")
    return int(match[1]), None if match[3] else int(match[2])


def _inside(ages: tuple[int, int | None], served: tuple[int, int | None]) -> bool:
    """True when the age group lies within the ages a domain serves (by its lower bound)."""
    low, _ = ages
    first, last = served
    return low >= first and (last is None or low <= last)


@dataclass(frozen=True)
class Population:
    """Population per (municipality, domain, year), summed over the domain's age groups."""

    counts: dict[tuple[str, str, int], float]

    def factor(self, municipality: str, domain: str, year: int, base_year: int) -> float:
        """Population of ``year`` over that of ``base_year`` (1 when either is unknown).

        >>> Population({("0983", "jeugd", 2025): 100.0, ("0983", "jeugd", 2027): 90.0}).factor("0983", "jeugd", 2027, 2025)
        0.9
        """
        now = self.counts.get((municipality, domain, base_year))
        then = self.counts.get((municipality, domain, year))
        if not now or then is None:
            return 1.0
        return then / now


def parse_population(text: str) -> Population:
    """The projections of a CSV text (:class:`ScenarioError` on a wrong header or value)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or set(COLUMNS) - {f.strip() for f in reader.fieldnames}:
        raise ScenarioError("bevolkingsprognose", f"de kolommen moeten {', '.join(COLUMNS)} zijn")
    counts: dict[tuple[str, str, int], float] = {}
    for line, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        try:
            year, people = int(row["year"]), float(row["population"])
        except ValueError as exc:
            raise ScenarioError(f"bevolkingsprognose regel {line}", "jaar en aantal moeten getallen zijn") from exc
        ages = _ages(row["age_group"], line)
        for domain, served in DOMAIN_AGES.items():
            if _inside(ages, served):
                key = (row["municipality"], domain, year)
                counts[key] = counts.get(key, 0.0) + people
    return Population(counts)
