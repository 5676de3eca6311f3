"""Everything the pages, the API, the reports and the CLI show, computed with the engines.

Each ``compute_*`` function reads the stored traffic and catalog (:class:`Inputs`), calls
one engine function and returns JSON-able rows. The CLI (``regie indicators``, ``regie
forecast``) calls them live for the as-of date it is given; :func:`refresh` calls the same
functions and stores their rows as :class:`~regie.monitor.models.Snapshot` rows, which the
pages read. So a figure on a page and the CLI's figure for the same question come from the
same function with the same inputs.

:func:`refresh` is called after each ingest and when the demo starts; it computes, for one
year as of one date:

- indicators by each grouping of :data:`GROUPINGS` (:func:`regie.engine.indicators.indicators`);
- scorecards per provider and segment (:mod:`regie.engine.scorecards`);
- the forecast per municipality x segment and per provider, and its monthly history
  (:mod:`regie.engine.forecast`);
- the ledger totals and payments per month (:func:`regie.engine.funding.ledger`);
- declaration lines in time / late / rejected (:func:`regie.engine.declarations.declaration_status`);
- the funding model comparison (:mod:`regie.engine.compare`);
- the Gemeentelijke Monitor Sociaal Domein figures (:mod:`regie.engine.gmsd`);
- the client across domains (:mod:`regie.engine.crossdomain`), aggregates only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from regie.access import services as access_services
from regie.catalog.loader import stored_catalog
from regie.engine import calendar, crossdomain, declarations, frames, gmsd
from regie.engine import compare as compare_engine
from regie.engine import funding as funding_engine
from regie.engine import indicators as indicator_engine
from regie.engine import scorecards as scorecard_engine
from regie.engine.catalog import Catalog
from regie.funding import models as funding_models
from regie.funding import services as funding_services
from regie.monitor.models import Snapshot
from regie.traffic import frames as traffic_frames
from regie.traffic import models as traffic_models

Rows = list[dict[str, Any]]

#: The indicator groupings stored at each refresh (the pages' drill-downs and reports).
GROUPINGS: tuple[tuple[str, ...], ...] = (
    (),
    ("segment",),
    ("municipality",),
    ("municipality", "segment"),
    ("municipality", "area"),
    ("municipality", "segment", "area"),
    ("segment", "month"),
    ("municipality", "segment", "month"),
    ("provider", "segment"),
    ("provider", "segment", "month"),
    ("municipality", "segment", "provider"),
    ("municipality", "segment", "provider", "month"),
)


#: The groupings also stored for the year before, as of the same day a year earlier (the
#: areas page and the segment page compare with them).
PREVIOUS_YEAR_GROUPINGS: tuple[tuple[str, ...], ...] = (
    ("municipality",),
    ("municipality", "segment"),
    ("municipality", "area"),
    ("municipality", "segment", "area"),
    ("municipality", "segment", "month"),
)


def grouping_key(by: Iterable[str]) -> str:
    """The snapshot key of an indicator grouping: ``by=provider,segment``."""
    return "by=" + ",".join(by)


def previous_year_key(by: Iterable[str]) -> str:
    """The snapshot key of a grouping's figures for the year before (see :func:`_previous_year`)."""
    return grouping_key(by) + ";previous_year"


@dataclass
class Inputs:
    """The stored catalog, traffic and decisions as the engines take them (read once)."""

    catalog: Catalog
    episodes: pl.DataFrame
    declarations: pl.DataFrame
    requests: pl.DataFrame
    objections: pl.DataFrame
    allocations: pl.DataFrame
    agreed_changes: list[funding_engine.AgreedChange]
    reallocations: list[funding_engine.Reallocation]
    _ledgers: dict[tuple[int, dt.date], list[funding_engine.PaymentLine]] = field(default_factory=dict)
    _forecasts: dict[tuple[int, dt.date], dict[str, Any]] = field(default_factory=dict)

    def _known(self, year: int, as_of: dt.date) -> dict[str, Any]:
        """The year and date that the ledger and the forecast both take, and the funding
        decisions (agreed changes, reallocations) both apply as known on ``as_of``."""
        return {
            "year": year,
            "as_of": as_of,
            "agreed_changes": self.agreed_changes,
            "reallocations": self.reallocations,
        }

    def ledger(self, year: int, as_of: dt.date) -> list[funding_engine.PaymentLine]:
        """What the funding rules make due for the care of ``year`` as known on ``as_of``."""
        key = (year, as_of)
        if key not in self._ledgers:
            self._ledgers[key] = funding_engine.ledger(
                self.catalog, self.declarations, **self._known(year, as_of), allocations=self.allocations
            )
        return self._ledgers[key]

    def payments(self, year: int, as_of: dt.date) -> pl.DataFrame:
        return funding_engine.payments_frame(self.ledger(year, as_of))

    def forecast(self, year: int, as_of: dt.date) -> dict[str, Any]:
        """The forecast document of :class:`regie.engine.forecast.YearEndForecast` (fitted once)."""
        key = (year, as_of)
        if key not in self._forecasts:
            self._forecasts[key] = frames.jsonable(self.fitted_forecast(year, as_of).document())
        return self._forecasts[key]

    def fitted_forecast(self, year: int, as_of: dt.date) -> Any:
        """The fitted :class:`regie.engine.forecast.YearEndForecast` of ``year`` as of ``as_of``
        (what had arrived and the funding decisions taken by then)."""
        return _history_engine().fit_as_of(self.catalog, self.episodes, self.declarations, **self._known(year, as_of))


def _history_engine() -> ModuleType:
    """:mod:`regie.engine.forecast.history`, imported when a forecast is computed: it brings in
    chainladder (with scikit-learn and SciPy), which a page that reads snapshots never needs,
    so the web app starts without it."""
    from regie.engine.forecast import history  # noqa: PLC0415 - heavy import, only when a forecast is computed

    return history


def load_inputs() -> Inputs:
    """Read the stored catalog, traffic and funding decisions once."""
    return Inputs(
        catalog=stored_catalog(),
        episodes=traffic_frames.episodes(),
        declarations=traffic_frames.declarations(),
        requests=pl.concat([traffic_frames.requests(), access_services.requests_frame()]),
        objections=traffic_frames.objections(),
        allocations=traffic_frames.allocations(),
        agreed_changes=funding_services.agreed_changes(),
        reallocations=funding_services.reallocations(),
    )


# --------------------------------------------------------------------------------------------
# Computations (live)


def compute_indicators(
    year: int,
    as_of: dt.date,
    by: Sequence[str] = (),
    *,
    provider: str | None = None,
    segment: str | None = None,
    inputs: Inputs | None = None,
) -> Rows:
    """The rows of ``regie indicators`` (domain.md section 12) for ``year`` as of ``as_of``.

    Indicators of :func:`regie.engine.indicators.indicators` grouped by ``by``; cost per client
    from what the funding rules make due for the year (:func:`regie.engine.funding.ledger` as
    of the same date); agreed clients from the contracts
    (:func:`regie.engine.indicators.agreed_from_catalog`). ``provider`` / ``segment`` restrict
    the counted records (follow-up still sees every episode).
    """
    inputs = inputs or load_inputs()
    where: dict[str, Any] = {}
    if provider:
        where["provider"] = provider
    if segment:
        where["segment"] = segment
    df = indicator_engine.indicators(
        inputs.episodes,
        year=year,
        as_of=as_of,
        by=tuple(by),
        requests=inputs.requests,
        objections=inputs.objections,
        payments=inputs.payments(year, as_of),
        agreed=indicator_engine.agreed_from_catalog(inputs.catalog, [year]),
        where=where or None,
    )
    return frames.json_rows(df)


def clients_in_care(provider: str, segment: str, municipalities: Sequence[str], day: dt.date) -> dict[str, int]:
    """What Regie knows on ``day`` of a provider's clients in a segment for some municipalities
    (a contract's): ``now``, the clients in care on ``day`` itself, and ``year``, the clients in
    care at any time in ``day``'s year up to ``day``; both the **clients** indicator
    (:func:`regie.engine.indicators.indicators`) over a one-day period and over the year to
    date, as of ``day``. For the inflow-request form, which a provider files with these figures."""
    episodes = traffic_frames.episodes(provider=provider)
    where = {"provider": provider, "segment": segment, "municipality": list(municipalities)}
    out = {}
    for name, period in (
        ("now", (day, day + dt.timedelta(days=1))),
        ("year", (dt.date(day.year, 1, 1), day + dt.timedelta(days=1))),
    ):
        rows = indicator_engine.indicators(episodes, as_of=day, period=period, where=where, columns=("clients",))
        out[name] = int(rows["clients"][0]) if rows.height else 0
    return out


def compute_scorecards(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> dict[str, Any]:
    """The provider scorecards of ``year`` as of ``as_of`` (:func:`regie.engine.scorecards.scorecards`):
    each provider x segment against the segment's peers, its trend over the last four
    quarters, and agreed vs realised, with the same inputs as :func:`compute_indicators`."""
    inputs = inputs or load_inputs()
    return scorecard_engine.scorecards(
        inputs.episodes,
        year=year,
        as_of=as_of,
        computed_on=timezone.localdate(),
        requests=inputs.requests,
        objections=inputs.objections,
        payments=inputs.payments(year, as_of),
        agreed=indicator_engine.agreed_from_catalog(inputs.catalog, [year]),
    )


def compute_forecast(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> dict[str, Any]:
    """The document of ``regie forecast --json`` (domain.md section 12): ``{"year", "as_of",
    "rows": [per municipality x segment: budget, realised, ibnr, remaining, forecast, low,
    high, warning, drivers, ...], "providers": [the same per provider], "next_year": [...]}``,
    amounts in cents, from :class:`regie.engine.forecast.YearEndForecast` with what had
    arrived by ``as_of`` and the funding decisions taken by then."""
    inputs = inputs or load_inputs()
    return inputs.forecast(year, as_of)


def inputs_fingerprint(day: dt.date, inputs: Inputs) -> str:
    """What a computation "as of ``day``" depends on, as a short digest: the messages and CSV
    files stored with a date up to ``day`` (or without one), the funding decisions taken by
    then, and the catalog. Equal fingerprints mean a stored forecast as of ``day`` still holds."""
    messages = traffic_models.Message.objects
    dated = messages.filter(dagtekening__lte=day).aggregate(n=Count("pk"), last=Max("pk"))
    undated = messages.filter(dagtekening__isnull=True).aggregate(n=Count("pk"), last=Max("pk"))
    requests = funding_models.InflowRequest.objects.filter(decided_at__date__lte=day).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    moves = funding_models.CapacityReallocation.objects.filter(decided_at__date__lte=day).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    text = repr(
        (
            sorted(dated.items()),
            sorted(undated.items()),
            sorted(requests.items()),
            sorted(moves.items()),
            inputs.catalog,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def compute_forecast_history(
    year: int, as_of: dt.date, *, inputs: Inputs | None = None, previous: Sequence[Snapshot] | Snapshot | None = None
) -> Computed:
    """How the forecast moved: the rows of :func:`regie.engine.forecast.history.history_rows`,
    per municipality x segment the forecast as of the end of each month of ``year`` up to
    ``as_of`` (and as of ``as_of`` itself), each computed like :func:`compute_forecast` with
    only what had arrived by then, and why it moved from the month before.

    What this adds to the engine is the caching: a month end whose inputs did not change
    since ``previous`` (earlier history snapshots of the year, as of any date, the most
    recent first; see :func:`inputs_fingerprint`) reuses the forecast rows stored then.
    """
    history = _history_engine()
    inputs = inputs or load_inputs()
    stored: dict[str, list[dict[str, Any]]] = {}
    old_prints: dict[str, str] = {}
    earlier = [previous] if isinstance(previous, Snapshot) else list(previous or [])
    for snapshot in earlier:  # the most recent one's rows for a month end win
        by_day: dict[str, list[dict[str, Any]]] = {}
        for row in snapshot.rows:
            by_day.setdefault(str(row["as_of"]), []).append(row)
        fingerprints = snapshot.meta.get("fingerprints", {})
        for key, day_rows in by_day.items():
            if key not in stored and key in fingerprints:
                stored[key], old_prints[key] = day_rows, fingerprints[key]
    prints: dict[str, str] = {}

    def document(day: dt.date) -> dict[str, Any]:
        key = day.isoformat()
        prints[key] = inputs_fingerprint(day, inputs)
        if key in stored and old_prints.get(key) == prints[key] and day != as_of:
            return {"rows": [{k: v for k, v in r.items() if k not in HISTORY_FIELDS} for r in stored[key]]}
        return compute_forecast(year, day, inputs=inputs)

    points = history.history(year, as_of, document)
    return history.history_rows(points), {"fingerprints": prints}


#: What a history row adds to the forecast row (:func:`regie.engine.forecast.history.history_rows`).
HISTORY_FIELDS = ("as_of", "change", "change_drivers")


def compute_ledger_totals(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> Rows:
    """Per provider, segment and municipality: advances, settlement, paid (``regie funding
    ledger`` totals), from the ledger as known on ``as_of``."""
    inputs = inputs or load_inputs()
    return [frames.jsonable(r) for r in funding_engine.totals(inputs.ledger(year, as_of))]


def compute_payments(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> Rows:
    """What is due per contract, municipality, month and kind of line (advances, settlement,
    declarations, ...; :func:`regie.engine.funding.payments_by_kind`): per month they add up
    to :func:`regie.engine.funding.payments_frame`."""
    inputs = inputs or load_inputs()
    return [frames.jsonable(r) for r in funding_engine.payments_by_kind(inputs.ledger(year, as_of))]


def compute_declaration_status(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> Rows:
    inputs = inputs or load_inputs()
    return declarations.declaration_status(inputs.declarations, inputs.catalog, year=year, as_of=as_of)


def compute_compare(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> dict[str, Any]:
    """The year's realised care replayed under each funding model (the document of ``regie
    funding compare --json``: per segment, the totals over all segments, and whether the
    year is still running), with what had arrived by ``as_of``."""
    inputs = inputs or load_inputs()
    comparison = compare_engine.compare_models(
        inputs.catalog, inputs.declarations, inputs.episodes, year=year, as_of=as_of
    )
    return dict(frames.jsonable(compare_engine.comparison_document(comparison)))


def _compare(year: int, as_of: dt.date, inputs: Inputs) -> Computed:
    document = compute_compare(year, as_of, inputs=inputs)
    return list(document["segments"]), {k: document[k] for k in ("totals", "year_to_date", "as_of")}


def compute_gmsd(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> Rows:
    """The Gemeentelijke Monitor Sociaal Domein rows (:func:`regie.engine.gmsd.gmsd_rows`)."""
    inputs = inputs or load_inputs()
    return gmsd.gmsd_rows(
        inputs.catalog,
        inputs.episodes,
        year=year,
        as_of=as_of,
        requests=inputs.requests,
        objections=inputs.objections,
        payments=inputs.payments(year, as_of),
    )


def compute_cross_domain(year: int, as_of: dt.date, *, inputs: Inputs | None = None) -> Rows:
    """The client across domains of ``year`` as of ``as_of`` (:func:`regie.engine.crossdomain.cross_domain`,
    ADR 0025): the document for the whole region (``municipality`` null) and one per
    municipality with clients, costs from what the funding rules make due (the ledger as of
    the same date), every domain of the catalog listed. Aggregates only: no client appears."""
    inputs = inputs or load_inputs()
    payments = inputs.payments(year, as_of)
    domains = sorted({s.domain for s in inputs.catalog.segments})
    episodes = inputs.episodes
    rows: Rows = []
    for code in [None, *sorted(episodes["municipality"].drop_nulls().unique().to_list())]:
        mine = episodes if code is None else episodes.filter(pl.col("municipality") == code)
        paid = payments if code is None else payments.filter(pl.col("municipality") == code)
        result = crossdomain.cross_domain(
            mine, period=calendar.Span.year(year), as_of=as_of, payments=paid, domains=domains
        )
        rows.append({"municipality": code, **result.document()})
    return rows


# --------------------------------------------------------------------------------------------
# Snapshots


Computed = tuple[Rows, dict[str, Any]]


@dataclass(frozen=True)
class Job:
    """One snapshot to compute at a refresh: its kind, key, parameters and computation (which
    returns the rows and what else the snapshot should keep, e.g. the engine's header)."""

    kind: str
    key: str
    params: dict[str, Any]
    compute: Callable[[int, dt.date, Inputs], Computed]


def _rows(compute: Callable[[int, dt.date, Inputs], Rows]) -> Callable[[int, dt.date, Inputs], Computed]:
    return lambda y, d, i: (compute(y, d, i), {})


def _previous_year(year: int, as_of: dt.date, inputs: Inputs, by: Sequence[str]) -> Computed:
    """The indicators of ``by`` for the year before ``year``, as of the same day a year
    earlier, so a comparison sets like against like (the same part of the year, the same lag
    of what had arrived)."""
    day = calendar.year_before(as_of)
    return compute_indicators(year - 1, day, by, inputs=inputs), {"year": year - 1, "as_of": day.isoformat()}


def _forecast_rows(year: int, as_of: dt.date, inputs: Inputs) -> Computed:
    document = compute_forecast(year, as_of, inputs=inputs)
    return list(document["rows"]), {"next_year": document.get("next_year", [])}


#: How many of the year's latest history snapshots a new history reuses month ends from.
HISTORY_REUSE = 6


def _forecast_history(year: int, as_of: dt.date, inputs: Inputs) -> Computed:
    """The history, reusing the month ends of the year's recent history snapshots (as of any
    date: a month end's forecast depends only on what had arrived by then)."""
    previous = Snapshot.objects.filter(kind=Snapshot.Kind.FORECAST_HISTORY, year=year).order_by("-computed_at", "-pk")
    return compute_forecast_history(year, as_of, inputs=inputs, previous=list(previous[:HISTORY_REUSE]))


def _forecast_providers(year: int, as_of: dt.date, inputs: Inputs) -> Computed:
    return list(compute_forecast(year, as_of, inputs=inputs)["providers"]), {}


def _cards(year: int, as_of: dt.date, inputs: Inputs) -> Computed:
    document = compute_scorecards(year, as_of, inputs=inputs)
    return list(document["cards"]), {k: v for k, v in document.items() if k != "cards"}


def jobs() -> list[Job]:
    """Everything :func:`refresh` stores, in order."""
    out = [
        Job(
            Snapshot.Kind.INDICATORS,
            grouping_key(by),
            {"by": list(by)},
            _rows(lambda y, d, i, by=by: compute_indicators(y, d, by, inputs=i)),
        )
        for by in GROUPINGS
    ]
    out += [
        Job(
            Snapshot.Kind.INDICATORS,
            previous_year_key(by),
            {"by": list(by), "years_back": 1},
            lambda y, d, i, by=by: _previous_year(y, d, i, by),
        )
        for by in PREVIOUS_YEAR_GROUPINGS
    ]
    out += [
        Job(Snapshot.Kind.SCORECARDS, "", {"trend": "quarter", "periods": 4}, _cards),
        Job(Snapshot.Kind.FORECAST, "", {}, _forecast_rows),
        Job(Snapshot.Kind.FORECAST_PROVIDERS, "", {}, _forecast_providers),
        Job(Snapshot.Kind.FORECAST_HISTORY, "", {}, _forecast_history),
        Job(Snapshot.Kind.LEDGER, "", {}, _rows(lambda y, d, i: compute_ledger_totals(y, d, inputs=i))),
        Job(Snapshot.Kind.PAYMENTS, "", {}, _rows(lambda y, d, i: compute_payments(y, d, inputs=i))),
        Job(Snapshot.Kind.DECLARATIONS, "", {}, _rows(lambda y, d, i: compute_declaration_status(y, d, inputs=i))),
        Job(Snapshot.Kind.COMPARE, "", {}, _compare),
        Job(Snapshot.Kind.GMSD, "", {}, _rows(lambda y, d, i: compute_gmsd(y, d, inputs=i))),
        Job(Snapshot.Kind.CROSS_DOMAIN, "", {}, _rows(lambda y, d, i: compute_cross_domain(y, d, inputs=i))),
    ]
    return out


def refresh(
    year: int,
    as_of: dt.date | None = None,
    *,
    inputs: Inputs | None = None,
    kinds: Iterable[str] | None = None,
    progress: Callable[[int], Callable[[int], None]] | None = None,
) -> list[Snapshot]:
    """Compute and store every snapshot of :func:`jobs` for ``year`` as of ``as_of`` (default:
    today), or only those of ``kinds``. Returns the new snapshots; older ones stay (a
    dialogue may refer to them).

    Every snapshot is computed first and then all are stored in one short transaction: a
    refresh beside the running web app (the demo computes part of its figures while it
    already serves) never holds the database's write lock while it computes, and the pages
    see either all of a refresh's snapshots or none. ``progress`` (total -> advance) hears of
    each snapshot computed.
    """
    as_of = as_of or timezone.localdate()
    inputs = inputs or load_inputs()
    wanted = set(kinds) if kinds is not None else None
    todo = [job for job in jobs() if wanted is None or job.kind in wanted]
    advance = progress(len(todo)) if progress is not None else None
    made: list[Snapshot] = []
    for job in todo:
        started = time.perf_counter()
        rows, extra = job.compute(year, as_of, inputs)
        made.append(
            Snapshot(
                kind=job.kind,
                year=year,
                as_of=as_of,
                key=job.key,
                params=job.params,
                computed_at=timezone.now(),
                rows=rows,
                meta={**extra, "seconds": round(time.perf_counter() - started, 3), "rows": len(rows)},
            )
        )
        if advance is not None:
            advance(1)
    with transaction.atomic():
        for snapshot in made:
            snapshot.save()
    return made


def latest(kind: str, year: int, as_of: dt.date | None = None, key: str = "") -> Snapshot | None:
    """The latest computed snapshot of ``kind`` and ``key`` for ``year`` as of ``as_of`` (or
    as of the latest date there is one for)."""
    qs = Snapshot.objects.filter(kind=kind, year=year, key=key)
    if as_of is not None:
        qs = qs.filter(as_of=as_of)
    return qs.order_by("-as_of", "-computed_at", "-pk").first()


def available() -> dict[int, list[dt.date]]:
    """Per year with snapshots, the as-of dates there are snapshots for (latest first)."""
    out: dict[int, list[dt.date]] = {}
    for year, as_of in Snapshot.objects.values_list("year", "as_of").distinct().order_by("-year", "-as_of"):
        out.setdefault(year, []).append(as_of)
    return out


def data_years(today: dt.date | None = None) -> list[int]:
    """The years a page can show (latest first): from the first year with stored traffic (an
    episode's start or a message's date) up to this year, and any year with snapshots."""
    today = today or timezone.localdate()
    firsts = [
        traffic_models.Episode.objects.aggregate(first=Min("start"))["first"],
        traffic_models.Message.objects.aggregate(first=Min("dagtekening"))["first"],
    ]
    known = [d.year for d in firsts if d is not None]
    years = set(range(min(known), today.year + 1)) if known else set()
    return sorted(years | set(available()), reverse=True)


def refresh_current(year: int) -> list[Snapshot]:
    """After a decision (an approved request, a reallocation): recompute the snapshots of
    ``year`` whose as-of date is today or later, the only ones a decision taken today changes
    (a computation as of an earlier day does not know it yet)."""
    today = timezone.localdate()
    dates = [d for d in available().get(year, []) if d >= today]
    out: list[Snapshot] = []
    if dates:
        inputs = load_inputs()
        for as_of in dates:
            out += refresh(year, as_of, inputs=inputs)
    return out
