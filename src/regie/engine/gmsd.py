"""The figures of the national Gemeentelijke Monitor Sociaal Domein (GMSD).

The GMSD (VNG, published on Waarstaatjegemeente.nl; the figures reach it through CBS: the
Beleidsinformatie Jeugd and the gemeentelijke Wmo-aanlevering) reports per municipality and
per half year the use of care by type: for youth care *jeugdhulp zonder verblijf* and *met
verblijf* (plus jeugdbescherming and jeugdreclassering), for the Wmo the *type
maatwerkarrangement* (hulp bij het huishouden, ondersteuning thuis, hulpmiddelen en
diensten, verblijf en opvang), with clients, started and ended trajectories and duration.

Regie produces these figures from its own episodes, so also for municipalities on
task-based funding (seed 001) that have no allocations or declarations: their episodes come
from the start/stop messages (305/307) and the providers' periodic CSV figures.

How: :func:`gmsd_type` maps an iJw / iWmo product category to its GMSD type (the one
definition of that mapping); :func:`gmsd_rows` relabels each episode's segment as its GMSD
type and calls :func:`regie.engine.indicators.indicators` per municipality and type for the
first half year, the second half year and the whole year, as of the given date. Cost per
client counts what the funding rules made due for a segment under the GMSD type of the
segment's first product category (a segment is bought as one kind of care).

The monitor stores these rows (``regie.monitor.services``); ``regie.reports.gmsd`` writes
them as the export's CSV and Excel file with the Dutch headings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from regie.engine import indicators as engine
from regie.engine.calendar import Span
from regie.engine.catalog import Catalog
from regie.engine.frames import jsonable
from regie.engine.registry import keys

#: GMSD type per product category; iJw categories are 2 digits 31-55, iWmo 01-18.
JEUGD_TYPES: dict[str, str] = {
    **{c: "Jeugdhulp zonder verblijf" for c in "31 32 33 34 40 41 42 45 46 50 51 52 53 54".split()},
    **{c: "Jeugdhulp met verblijf" for c in "35 36 37 38 43 44".split()},
    "47": "Jeugdreclassering",
    "49": "Jeugdreclassering",
    "48": "Jeugdbescherming",
    "55": "Landelijk ingekochte zorg",
}
WMO_TYPES: dict[str, str] = {
    "01": "Hulp bij het huishouden",
    **{c: "Ondersteuning thuis" for c in "02 03 04 06 07 09 10".split()},
    **{c: "Hulpmiddelen en diensten" for c in "05 08 11 12 13 14".split()},
    **{c: "Verblijf en opvang" for c in "15 16 17 18".split()},
}

#: The fields of a row, in order: where and what, then the indicators the monitor asks for
#: (:data:`regie.engine.registry.INDICATORS` with a GMSD heading).
FIELDS: tuple[str, ...] = ("municipality", "municipality_name", "period", "law", "type", "funding", *keys(gmsd=True))
FUNDING_NAMES = {
    "pxq": "inspanningsgericht",
    "outcome": "outputgericht",
    "per_client": "prestatiegericht",
    "lump_sum": "taakgericht",
    "population": "populatiebekostiging",
}


def gmsd_type(domain: str, category: str) -> str:
    """The GMSD type of a product category (``"Overig"`` for one the monitor does not name).

    >>> gmsd_type("jeugd", "45"), gmsd_type("jeugd", "43"), gmsd_type("wmo", "15"), gmsd_type("wmo", "02")
    ('Jeugdhulp zonder verblijf', 'Jeugdhulp met verblijf', 'Verblijf en opvang', 'Ondersteuning thuis')
    """
    table = JEUGD_TYPES if domain == "jeugd" else WMO_TYPES if domain == "wmo" else {}
    return table.get(category, "Overig")


def law_of(domain: str) -> str:
    return {"jeugd": "Jeugdwet", "wmo": "Wmo", "participatie": "Participatiewet"}.get(domain, domain)


def half_years(year: int) -> list[tuple[str, Span]]:
    """The GMSD periods of a year with their labels: first half, second half, whole year.

    >>> [(label, span.last.isoformat()) for label, span in half_years(2025)]
    [('2025 1e halfjaar', '2025-06-30'), ('2025 2e halfjaar', '2025-12-31'), ('2025', '2025-12-31')]
    """
    whole = Span.year(year)
    middle = dt.date(year, 7, 1)
    return [
        (f"{year} 1e halfjaar", Span(whole.start, middle)),
        (f"{year} 2e halfjaar", Span(middle, whole.end)),
        (f"{year}", whole),
    ]


def segment_types(catalog: Catalog) -> dict[str, tuple[str, str]]:
    """Per segment: (law, GMSD type) of its first product category."""
    out = {}
    for s in catalog.segments:
        category = s.products[0][:2] if s.products else ""
        out[s.code] = (law_of(s.domain), gmsd_type(s.domain, category))
    return out


def _relabel(df: pl.DataFrame | None, mapping: Mapping[str, str]) -> pl.DataFrame | None:
    if df is None or df.is_empty():
        return df
    return df.with_columns(pl.col("segment").replace_strict(mapping, default=pl.lit("Overig")).alias("segment"))


def gmsd_rows(
    catalog: Catalog,
    episodes: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date,
    requests: pl.DataFrame | None = None,
    objections: pl.DataFrame | None = None,
    payments: pl.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """The GMSD rows of ``year`` as of ``as_of``: per municipality, GMSD type and period."""
    types = segment_types(catalog)
    type_of_segment = {code: t for code, (_law, t) in types.items()}
    law_of_type = {t: law for law, t in types.values()}
    keys = {f"jeugd:{c}": t for c, t in JEUGD_TYPES.items()} | {f"wmo:{c}": t for c, t in WMO_TYPES.items()}
    eps = episodes.with_columns(
        pl.concat_str([pl.col("domain").fill_null(""), pl.lit(":"), pl.col("product_category").fill_null("")])
        .replace_strict(keys, default=pl.lit("Overig"), return_dtype=pl.Utf8)
        .alias("segment")
    )
    for domain, table in (("jeugd", JEUGD_TYPES), ("wmo", WMO_TYPES)):
        for t in set(table.values()):
            law_of_type.setdefault(t, law_of(domain))
    funding: dict[tuple[str, str], set[str]] = {}
    for c in catalog.contracts:
        if not c.active_in(year):
            continue
        for m in c.municipalities:
            funding.setdefault((m, type_of_segment.get(c.segment, "Overig")), set()).add(
                catalog.segment(c.segment).funding_model
            )
    names = {m.code: m.name for m in catalog.municipalities}
    out: list[dict[str, Any]] = []
    for label, span in half_years(year):
        if span.start > as_of:
            continue
        df = engine.indicators(
            eps,
            period=(span.start, span.end),
            as_of=as_of,
            by=("municipality", "segment"),
            requests=_relabel(requests, type_of_segment),
            objections=_relabel(objections, type_of_segment),
            payments=_relabel(payments, type_of_segment),
            columns=[c for c in engine.COLUMNS if c != "agreed_clients"],
        )
        for row in df.iter_rows(named=True):
            if row["municipality"] is None:
                continue
            t = row.pop("segment") or "Overig"
            models = funding.get((row["municipality"], t), set())
            out.append(
                {
                    "municipality": row["municipality"],
                    "municipality_name": names.get(row["municipality"], row["municipality"]),
                    "period": label,
                    "law": law_of_type.get(t, ""),
                    "type": t,
                    "funding": ", ".join(sorted(FUNDING_NAMES.get(mo, mo) for mo in models)),
                    **{k: jsonable(row.get(k)) for k in FIELDS if k in row and k not in ("municipality",)},
                }
            )
    order = {label: i for i, (label, _span) in enumerate(half_years(year))}
    out.sort(key=lambda r: (r["municipality"], order[r["period"]], r["law"], r["type"]))
    return [{k: r.get(k) for k in FIELDS} for r in out]
