"""The periodic CSV reports of a synthetic region (``docs/csv-formats.md``).

CSV files (UTF-8, comma separated, header row, ``\\n`` line ends) sort by the day they reach
the municipality: ``csv/YYYY-MM-DD_<kind>[_<provider>].csv``:

- ``episodes_<agb>``: every quarter, the core partner that sends no start/stop messages
  reports each episode that ran in the quarter, with its end once it has ended;
- ``requests`` (Amsterdam): every month, the central registration point reports the
  registrations of that month (with urgency and referrer), and again those for which a
  provider was chosen since or that were closed without care (``closed_on``);
- ``requests_wachtlijst`` (both): every month, the registrations of that month that are still
  waiting at the end of the year (:mod:`regie.synth.waiting_list`);
- ``objections``: every quarter, the objections filed in the quarter and those decided in it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from regie.synth import calendar as cal
from regie.synth.plan import Plan
from regie.synth.simulate import World
from regie.synth.traffic import Traffic
from regie.synth.waiting_list import REQUEST_COLUMNS, referrer_for, write_waiting_list


@dataclass(frozen=True)
class _Clients:
    """What a report shows of a client: the BSN and the area, by client number."""

    bsn: dict[int, str]
    area: dict[int, str]


def _csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _iso(day: int | None) -> str:
    return "" if day is None or day < 0 else cal.date_of(day).isoformat()


EPISODE_COLUMNS = (
    "municipality",
    "provider",
    "bsn",
    "product_category",
    "product_code",
    "allocation_number",
    "start",
    "end",
    "end_reason",
    "area",
    "request_date",
    "reported_on",
)
OBJECTION_COLUMNS = (
    "objection_id",
    "municipality",
    "segment",
    "provider",
    "bsn",
    "kind",
    "filed",
    "decided",
    "upheld",
    "reported_on",
)


def write_csv(out: Path, world: World, traffic: Traffic, plan: Plan) -> list[str]:
    """Write the periodic CSV reports; returns their paths relative to ``out``."""
    (out / "csv").mkdir(parents=True, exist_ok=True)
    numbers = traffic.clients["client"].to_list()
    clients = _Clients(
        dict(zip(numbers, traffic.clients["bsn"].to_list(), strict=True)),
        dict(zip(numbers, traffic.clients["area"].to_list(), strict=True)),
    )
    files: list[str] = []
    if world.roles.silent and traffic.episode_reports:
        files += _episode_reports(out, world.roles.silent, traffic, clients)
    if traffic.request_reports:
        files += _request_reports(out, traffic, plan, clients)
    files += _objection_reports(out, traffic, clients)
    files += write_waiting_list(out, world, set(clients.bsn.values()))
    return sorted(files)


def _episode_reports(out: Path, silent: str, traffic: Traffic, clients: _Clients) -> list[str]:
    """The silent core partner's quarterly episode reports."""
    files: list[str] = []
    e = traffic.episodes.filter(pl.col("provider") == silent).sort(["start", "client", "product", "episode"])
    rows = e.select("municipality", "client", "product", "start", "end", "reason", "request_day").rows()
    for day, q0, q1 in traffic.episode_reports:
        name = f"csv/{_iso(day)}_episodes_{silent}.csv"
        listed: list[tuple[object, ...]] = []
        for municipality, client, product, start, end, reason, request in rows:
            if start > q1 or (end is not None and end < q0):
                continue
            ended = end is not None and end <= q1
            listed.append(
                (
                    municipality,
                    silent,
                    clients.bsn[client],
                    product[:2],
                    product,
                    "",
                    _iso(start),
                    _iso(end) if ended else "",
                    reason if ended else "",
                    clients.area[client],
                    _iso(request) if 0 <= request <= q1 else "",
                    _iso(day),
                )
            )
        _csv(out / name, EPISODE_COLUMNS, listed)
        files.append(name)
    return files


def _request_reports(out: Path, traffic: Traffic, plan: Plan, clients: _Clients) -> list[str]:
    """The central registration point's monthly reports of the shared waiting list."""
    files: list[str] = []
    r = (
        traffic.requests.with_row_index("request")
        .with_columns(pl.col("request").cast(pl.Int64))
        .join(plan.request_msgs.select("request", "reference"), on="request")
    )
    rows_r = (
        r.sort(["request_day", "reference"])
        .select(
            "reference",
            "municipality",
            "client",
            "segment",
            "provider",
            "urgency",
            "request_day",
            "chosen_day",
            "rejected",
            "decided",
        )
        .rows()
    )
    report_days = [d for d, _, _ in traffic.request_reports]
    first_of = _first_index([row[6] for row in rows_r], [p1 for _, _, p1 in traffic.request_reports])
    for k, (day, _m0, _m1) in enumerate(traffic.request_reports):
        previous = report_days[k - 1] if k else -1
        name = f"csv/{_iso(day)}_requests.csv"
        listed_r: list[tuple[object, ...]] = []
        for i, (
            ref,
            municipality,
            client,
            segment,
            provider,
            urgency,
            registered,
            chosen,
            rejected,
            decided,
        ) in enumerate(rows_r):
            has_provider = not rejected and 0 <= chosen <= day
            closed = rejected and decided is not None and decided <= day  # withdrawn without care
            new = first_of[i] == k
            update = first_of[i] < k and (
                (not rejected and previous < chosen <= day) or (closed and previous < decided)
            )
            if not (new or update):
                continue
            listed_r.append(
                (
                    ref,
                    municipality,
                    clients.area[client],
                    segment,
                    provider if has_provider else "",
                    clients.bsn[client],
                    urgency,
                    referrer_for(ref),
                    _iso(registered),
                    _iso(decided) if closed else "",
                    _iso(day),
                )
            )
        _csv(out / name, REQUEST_COLUMNS, listed_r)
        files.append(name)
    return files


def _objection_reports(out: Path, traffic: Traffic, clients: _Clients) -> list[str]:
    """The quarterly reports of the objections register."""
    files: list[str] = []
    o = traffic.objections.sort(["filed", "objection_id"])
    rows_o = o.select(
        "objection_id", "municipality", "segment", "provider", "client", "kind", "filed", "decided", "upheld"
    ).rows()
    first_o = _first_index([row[6] for row in rows_o], [q1 for _, _, q1 in traffic.objection_reports])
    for k, (day, q0, q1) in enumerate(traffic.objection_reports):
        name = f"csv/{_iso(day)}_objections.csv"
        listed_o: list[tuple[object, ...]] = []
        for i, (oid, municipality, segment, provider, client, kind, filed, decided, upheld) in enumerate(rows_o):
            new = first_o[i] == k
            decided_now = first_o[i] < k and q0 <= decided <= q1
            if not (new or decided_now):
                continue
            known = decided <= q1
            listed_o.append(
                (
                    oid,
                    municipality,
                    segment,
                    provider or "",
                    clients.bsn[client],
                    kind,
                    _iso(filed),
                    _iso(decided) if known else "",
                    ("ja" if upheld else "nee") if known else "",
                    _iso(day),
                )
            )
        _csv(out / name, OBJECTION_COLUMNS, listed_o)
        files.append(name)
    return files


def _first_index(days: Sequence[int], period_ends: Sequence[int]) -> list[int]:
    """Index of the first report whose period ends on or after each day."""
    ends = np.asarray(period_ends, dtype=np.int64)
    return [int(i) for i in np.searchsorted(ends, np.asarray(days, dtype=np.int64), side="left")]
