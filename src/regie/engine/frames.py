"""The plain tables the engine computes on: their columns, types and meaning.

Everything that computes (indicators, funding, forecast) takes these polars frames, so the
same function serves the truth set of a synthetic region (``DIR/truth/*.parquet``), the
database (``regie.traffic.frames`` builds them from stored messages) and tests (small frames
built by hand with :func:`frame`). Dates are ``pl.Date``; money is integer euro cents
(``pl.Int64``); a missing value is null.

Arrival dates matter: a message arrives on its header's ``Dagtekening``. Computing "as of" a
date means keeping only rows whose arrival is on or before it (:func:`as_of`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

#: One care episode: an allocated product for a client at a provider (start 305 .. stop 307),
#: or in a task-based segment a standalone start keyed by client, provider, product and begin.
EPISODES: dict[str, pl.DataType | type[pl.DataType]] = {
    "episode_id": pl.Utf8,  # allocation number, or "client|provider|product|start" when task-based
    "client": pl.Utf8,  # pseudonym of the BSN (never the BSN itself)
    "provider": pl.Utf8,  # AGB code
    "segment": pl.Utf8,  # segment code of the catalog
    "domain": pl.Utf8,  # jeugd | wmo | participatie
    "weight": pl.Int64,  # the segment's weight (step-down goes to a lower weight)
    "municipality": pl.Utf8,  # CBS code
    "area": pl.Utf8,  # area (wijk/gebied), or null
    "product_category": pl.Utf8,
    "product_code": pl.Utf8,  # or null
    "allocation_number": pl.Utf8,  # ToewijzingNummer, null when task-based
    "start": pl.Date,  # Begindatum of the care start (305)
    "end": pl.Date,  # Einddatum of the care stop (307), null while open
    "start_arrival": pl.Date,  # Dagtekening of the 305 (or of the CSV import)
    "end_arrival": pl.Date,  # Dagtekening of the 307, null while open
    "request_date": pl.Date,  # registration on the waiting list, or arrival of the 315; null if none
    # why it ended: the 307's RedenBeeindiging code, or a trajectory's work | education | care | other
    "end_reason": pl.Utf8,
}

#: One declared prestatie (a line of a 323), accepted or rejected.
DECLARATIONS: dict[str, pl.DataType | type[pl.DataType]] = {
    "line_id": pl.Utf8,  # provider + ReferentieNummer
    "provider": pl.Utf8,
    "segment": pl.Utf8,
    "municipality": pl.Utf8,
    "client": pl.Utf8,
    "allocation_number": pl.Utf8,  # null when none was given
    "product_category": pl.Utf8,
    "product_code": pl.Utf8,
    "care_month": pl.Date,  # first day of the month the care was delivered in
    "arrival": pl.Date,  # Dagtekening of the 323
    "volume": pl.Int64,  # delivered units (GeleverdVolume)
    "unit": pl.Utf8,  # Eenheid code
    "amount_cents": pl.Int64,  # IngediendBedrag, negative for a credit (DebetCredit C)
    "accepted": pl.Boolean,  # False when the line was rejected (see retour_code)
    "retour_code": pl.Utf8,  # "0200"/"8001" accepted, or the rejection code
}

#: One request for care: a registration on the shared waiting list, a 315 or a 317.
REQUESTS: dict[str, pl.DataType | type[pl.DataType]] = {
    "request_id": pl.Utf8,
    "client": pl.Utf8,
    "segment": pl.Utf8,
    "municipality": pl.Utf8,
    "area": pl.Utf8,
    "provider": pl.Utf8,  # null while no provider is chosen
    "urgency": pl.Int64,  # 1 = most urgent
    "registered": pl.Date,
    "arrival": pl.Date,
    "outcome": pl.Utf8,  # 315/317: open | investigating | granted (301) | refused (319); null otherwise
    "answered": pl.Date,  # arrival of the 301/319 that answered it, or null
    "referrer": pl.Utf8,  # COD327 (315 Verwijzer/Type, waiting-list CSV, registration point), or null
}

#: One objection (bezwaar) or appeal against a decision on care.
OBJECTIONS: dict[str, pl.DataType | type[pl.DataType]] = {
    "objection_id": pl.Utf8,
    "client": pl.Utf8,
    "municipality": pl.Utf8,
    "segment": pl.Utf8,
    "provider": pl.Utf8,  # or null
    "kind": pl.Utf8,  # bezwaar | beroep
    "filed": pl.Date,
    "arrival": pl.Date,
    "decided": pl.Date,  # or null while pending
    "upheld": pl.Boolean,  # (gegrond) or null while pending
}

#: A PGB budget (persoonsgebonden budget) from the municipality's register.
PGB: dict[str, pl.DataType | type[pl.DataType]] = {
    "municipality": pl.Utf8,
    "segment": pl.Utf8,
    "client": pl.Utf8,
    "start": pl.Date,
    "end": pl.Date,  # or null while it runs on
    "amount_cents": pl.Int64,
}

#: A participation trajectory (Participatiewet): one module for a client at a provider, from the
#: municipality's register (CSV); :mod:`regie.engine.participation` reads it as episodes.
TRAJECTORIES: dict[str, pl.DataType | type[pl.DataType]] = {
    "municipality": pl.Utf8,
    "provider": pl.Utf8,
    "segment": pl.Utf8,  # the participatie segment whose products name the module
    "client": pl.Utf8,
    "module": pl.Utf8,
    "start": pl.Date,
    "end": pl.Date,  # or null while it runs on
    "end_reason": pl.Utf8,  # work | education | care | other; null while it runs on
    "start_arrival": pl.Date,
    "end_arrival": pl.Date,  # or null while it runs on
}

#: What the funding rules make due: one row per contract, municipality and care month
#: (built by :mod:`regie.engine.funding`; indicators use it for cost per client).
PAYMENTS: dict[str, pl.DataType | type[pl.DataType]] = {
    "contract": pl.Utf8,
    "provider": pl.Utf8,
    "segment": pl.Utf8,
    "municipality": pl.Utf8,
    "month": pl.Date,  # first day of the care month (or of the instalment's month)
    "amount_cents": pl.Int64,
}

SCHEMAS = {
    "episodes": EPISODES,
    "declarations": DECLARATIONS,
    "requests": REQUESTS,
    "objections": OBJECTIONS,
    "pgb": PGB,
    "trajectories": TRAJECTORIES,
    "payments": PAYMENTS,
}


def frame(kind: str, rows: Iterable[Mapping[str, Any]] = ()) -> pl.DataFrame:
    """A frame of ``kind`` from dict rows; missing columns are null.

    >>> frame("objections", [{"objection_id": "b1", "filed": dt.date(2025, 3, 1)}]).height
    1
    """
    schema = SCHEMAS[kind]
    data = [{name: row.get(name) for name in schema} for row in rows]
    return pl.DataFrame(data, schema=schema, orient="row")


def conform(kind: str, df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with exactly the columns of ``kind``, in order and cast to their types."""
    schema = SCHEMAS[kind]
    missing = [name for name in schema if name not in df.columns]
    df = df.with_columns(pl.lit(None).alias(name) for name in missing)
    return df.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def as_of(df: pl.DataFrame, kind: str, date: dt.date) -> pl.DataFrame:
    """Only what had arrived by ``date``: an episode whose stop arrived later is open again."""
    if kind == "episodes":
        return df.filter(pl.col("start_arrival") <= date).with_columns(
            pl.when(pl.col("end_arrival") <= date).then(pl.col("end")).otherwise(None).alias("end"),
            pl.when(pl.col("end_arrival") <= date).then(pl.col("end_arrival")).otherwise(None).alias("end_arrival"),
        )
    return df.filter(pl.col("arrival") <= date)


def jsonable(value: Any) -> Any:
    """One value as JSON: dates as ISO strings, NaN as null, everything else as it is.

    >>> jsonable(dt.date(2025, 3, 1)), jsonable(float("nan")), jsonable(3)
    ('2025-03-01', None, 3)
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def json_rows(df: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``df`` as JSON-able dicts, in its column order.

    >>> json_rows(pl.DataFrame({"month": [dt.date(2025, 1, 1)], "clients": [3]}))
    [{'month': '2025-01-01', 'clients': 3}]
    """
    return [{k: jsonable(v) for k, v in row.items()} for row in df.iter_rows(named=True)]
