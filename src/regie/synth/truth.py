"""The truth set of a synthetic region: what a correct reading of its messages and CSV files
must find, as Parquet frames beside the catalog (``DIR/truth/``).

The frames ``episodes``, ``declarations``, ``requests`` and ``objections`` conform to
:mod:`regie.engine.frames`, with one difference: ``client`` is the BSN in clear (synthetic
test BSNs); compare with ingested data after pseudonymising it
(``regie.messages.bsn.pseudonym``). Arrival dates are those of the valid messages (a malformed
file counts for nothing; its resend does).

- ``episodes``: every care episode with an allocation (Venlo, Amsterdam's residential care)
  or a standalone start (Amsterdam's task-based segments; from the CSV for the core partner
  that sends no start/stop messages). Care without an allocation is not an episode (its
  start is rejected, 9019); it is in ``signals``.
- ``declarations``: every declared line, accepted or rejected (``retour_code``): bad BSN
  (0001), product not in the allocation (9340), volume above the allocation (9321), no
  allocation (9338). ``line_id`` is ``<provider>:<ReferentieNummer>``; a credit line has
  its own ReferentieNummer (its VorigReferentieNummer names the line it credits) and a
  negative ``amount_cents``. Late lines are accepted (and not paid).
- ``requests``: Venlo's requests for allocation (315, ``request_id`` =
  ``<provider>:<ReferentieAanbieder>``) and Amsterdam's waiting-list registrations,
  including those that led to no care. A 315's ``outcome`` is ``granted`` (by the 301 naming
  its reference), ``refused`` (by a 319) or ``open`` (no answer), ``answered`` the arrival of
  that answer; null for a registration.
- ``objections``: as reported in the objections CSV files, in their final state.
- ``allocations``: every allocation with its volume and final validity.
- ``clients``: BSN, municipality, area, sex, birth date.
- ``signals``: every expected data-quality signal (:data:`SIGNALS`), see :func:`signals`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from regie.engine.catalog import Catalog
from regie.engine.contracts import SIGNAL, expiring
from regie.engine.frames import conform
from regie.synth import calendar as cal
from regie.synth.consortia import expected_signals as expected_consortia
from regie.synth.contracts import contract_for
from regie.synth.pgb import expected_signals as expected_pgb
from regie.synth.plan import Plan
from regie.synth.simulate import World
from regie.synth.traffic import EXTEND_REASON, Traffic

#: An allocation extended this many times (RedenWijziging 04) without a step-down is a signal.
REPEATED_EXTENSIONS = 3

SIGNAL_KINDS = (
    "care_without_allocation",
    "late_declaration",
    "above_allocated_volume",
    "repeated_extension",
    "upcoding",
    "no_start_stop_traffic",
    "request_unanswered",
    "contract_expiry",
    "pgb_shift",
    "subcontracting",
)

SIGNALS: dict[str, pl.DataType | type[pl.DataType]] = {
    "kind": pl.Utf8,
    "provider": pl.Utf8,
    "segment": pl.Utf8,
    "municipality": pl.Utf8,
    "client": pl.Utf8,  # BSN in clear, or null
    "allocation_number": pl.Utf8,
    "reference": pl.Utf8,  # ReferentieNummer of a declaration line, or null
    "care_month": pl.Date,  # first day of the care month (the upcoding: its first month)
    "arrival": pl.Date,  # Dagtekening of the message the signal comes from
    "file": pl.Utf8,  # that message's file, relative to DIR
    "detail": pl.Utf8,
}

ALLOCATIONS: dict[str, pl.DataType | type[pl.DataType]] = {
    "allocation_number": pl.Utf8,
    "client": pl.Utf8,
    "provider": pl.Utf8,
    "segment": pl.Utf8,
    "municipality": pl.Utf8,
    "product_category": pl.Utf8,
    "product_code": pl.Utf8,
    "volume": pl.Int64,  # Omvang: units per frequency
    "unit": pl.Utf8,  # Eenheid
    "frequency": pl.Utf8,  # Frequentie (4: per month)
    "begin": pl.Date,  # Ingangsdatum
    "end": pl.Date,  # Einddatum after the last extension
    "arrival": pl.Date,  # Dagtekening of the first 301
    "extensions": pl.Int64,  # number of extensions (RedenWijziging 04)
    "last_arrival": pl.Date,  # Dagtekening of the last 301
}

CLIENTS: dict[str, pl.DataType | type[pl.DataType]] = {
    "client": pl.Utf8,
    "municipality": pl.Utf8,
    "area": pl.Utf8,
    "sex": pl.Utf8,
    "birth_date": pl.Date,
}


def _date(col: str) -> pl.Expr:
    return pl.when(pl.col(col) >= 0).then(pl.col(col)).otherwise(None).cast(pl.Int32).cast(pl.Date)


def _product(column: str) -> tuple[pl.Expr, pl.Expr]:
    """A column of product codes as a truth frame's product category (the code's first two
    characters) and product code."""
    return pl.col(column).str.slice(0, 2).alias("product_category"), pl.col(column).alias("product_code")


def _by_client(values: dict[int, str]) -> pl.Expr:
    """A client's BSN or area (``values``: by the simulation's client number)."""
    return pl.col("client").replace_strict(values, return_dtype=pl.Utf8)


def _map(values: dict[int, object], col: str, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    return pl.col(col).replace_strict(values, default=None, return_dtype=dtype)


class Truth:
    """The truth frames of one generated region."""

    def __init__(self, world: World, traffic: Traffic, plan: Plan, catalog: Catalog) -> None:
        self.world = world
        self.traffic = traffic
        self.plan = plan
        self.catalog = catalog
        self.arrival = plan.effective_arrival()
        self.file = plan.file_of()
        self.bsn = dict(zip(traffic.clients["client"].to_list(), traffic.clients["bsn"].to_list(), strict=True))
        self.area = dict(zip(traffic.clients["client"].to_list(), traffic.clients["area"].to_list(), strict=True))
        self.segments = {s.code: s for s in world.spec.segments}

    # -- frames -----------------------------------------------------------------------------

    def episodes(self) -> pl.DataFrame:
        e = self.traffic.episodes
        start_msg = dict(
            zip(self.plan.start_msgs["episode"].to_list(), self.plan.start_msgs["msg"].to_list(), strict=True)
        )
        stop_msg = dict(
            zip(self.plan.stop_msgs["episode"].to_list(), self.plan.stop_msgs["msg"].to_list(), strict=True)
        )
        xml = pl.col("channel") == "xml"
        e = e.with_columns(
            pl.when(xml)
            .then(_map({k: self.arrival[v] for k, v in start_msg.items()}, "episode", pl.Int64))
            .otherwise(pl.col("start_arrival"))
            .alias("start_arrival"),
            pl.when(xml & (pl.col("stop_arrival") >= 0))
            .then(_map({k: self.arrival[v] for k, v in stop_msg.items()}, "episode", pl.Int64))
            .otherwise(pl.col("stop_arrival"))
            .alias("stop_arrival"),
            _by_client(self.bsn).alias("bsn"),
            _by_client(self.area).alias("area"),
            pl.col("segment")
            .replace_strict({k: s.domain for k, s in self.segments.items()}, return_dtype=pl.Utf8)
            .alias("domain"),
            pl.col("segment")
            .replace_strict({k: s.weight for k, s in self.segments.items()}, return_dtype=pl.Int64)
            .alias("weight"),
        )
        start_date = cal.as_dates("start")
        out = e.select(
            pl.when(pl.col("allocating"))
            .then(pl.col("allocation_number"))
            .otherwise(pl.format("{}|{}|{}|{}", "bsn", "provider", "product", start_date.dt.strftime("%Y-%m-%d")))
            .alias("episode_id"),
            pl.col("bsn").alias("client"),
            "provider",
            "segment",
            "domain",
            "weight",
            "municipality",
            "area",
            *_product("product"),
            "allocation_number",
            start_date.alias("start"),
            cal.as_dates("end").alias("end"),
            _date("start_arrival").alias("start_arrival"),
            _date("stop_arrival").alias("end_arrival"),
            _date("request_day").alias("request_date"),
        )
        return conform("episodes", out).sort(["start", "episode_id"])

    def declarations(self) -> pl.DataFrame:
        lines = self.plan.lines
        out = lines.select(
            pl.format("{}:{}", "provider", "reference").alias("line_id"),
            "credit",
            "provider",
            "segment",
            "municipality",
            pl.col("bsn").alias("client"),
            "allocation_number",
            *_product("declared_product"),
            cal.as_dates("care_month"),
            cal.as_dates("eff_arrival").alias("arrival"),
            "volume",
            "unit",
            pl.when(pl.col("credit")).then(-pl.col("amount")).otherwise(pl.col("amount")).alias("amount_cents"),
            (pl.col("fault") == "").alias("accepted"),
            "retour_code",
        )
        return conform("declarations", out).sort(["arrival", "line_id"])

    def requests(self) -> pl.DataFrame:
        r = self.traffic.requests.with_row_index("request").with_columns(pl.col("request").cast(pl.Int64))
        refs = self.plan.request_msgs
        r = r.join(refs, on="request", how="left")
        venlo = not self.world.spec.core_partners
        if venlo:
            arrival = _map(
                {k: self.arrival[v] for k, v in zip(refs["request"].to_list(), refs["msg"].to_list(), strict=True)},
                "request",
                pl.Int64,
            )
            request_id = pl.format("{}:{}", "provider", "reference")
            provider = pl.col("provider")
            urgency = pl.lit(None, dtype=pl.Int64)
        else:
            arrival = pl.col("arrival")
            request_id = pl.col("reference")
            provider = pl.when(pl.col("rejected")).then(None).otherwise(pl.col("provider"))
            urgency = pl.col("urgency")
        out = r.with_columns(arrival.alias("arrival_day")).select(
            request_id.alias("request_id"),
            _by_client(self.bsn).alias("client"),
            "segment",
            "municipality",
            _by_client(self.area).alias("area"),
            provider.alias("provider"),
            urgency.alias("urgency"),
            _date("request_day").alias("registered"),
            _date("arrival_day").alias("arrival"),
        )
        if venlo:
            outcome, answered = self._answers(r)
            out = out.with_columns(
                pl.Series("outcome", outcome, dtype=pl.Utf8), pl.Series("answered", answered, dtype=pl.Date)
            )
        return conform("requests", out).sort(["registered", "request_id"])

    def _answers(self, r: pl.DataFrame) -> tuple[list[str], list[dt.date | None]]:
        """Per request (rows of ``r`` in order): granted on the arrival of the 301 naming its
        ReferentieAanbieder (the allocation of the care it leads to, its first event without a
        RedenWijziging), refused on the arrival of its 319, or open."""
        a = self.traffic.allocations
        number_of = dict(zip(a["episode"].to_list(), a["allocation_number"].to_list(), strict=True))
        first = (
            self.traffic.allocation_events.filter(pl.col("reason") == "")
            .join(self.plan.allocation_msgs, on=["allocation_number", "event"])
            .with_columns(pl.col("msg").replace_strict(self.arrival, return_dtype=pl.Int64).alias("day"))
            .group_by("allocation_number")
            .agg(pl.col("day").min())
        )
        granted_on = dict(zip(first["allocation_number"].to_list(), first["day"].to_list(), strict=True))
        refused_on = {
            request: self.arrival[msg] for request, msg in self.plan.reply_msgs.select("request", "msg").iter_rows()
        }
        outcome: list[str] = []
        answered: list[dt.date | None] = []
        for request, episode, reference in r.select("request", "episode", "reference").iter_rows():
            number = number_of.get(episode) if episode is not None and episode >= 0 and reference else None
            if number is not None and number in granted_on:
                outcome.append("granted")
                answered.append(cal.date_of(granted_on[number]))
            elif request in refused_on:
                outcome.append("refused")
                answered.append(cal.date_of(refused_on[request]))
            else:
                outcome.append("open")
                answered.append(None)
        return outcome, answered

    def objections(self) -> pl.DataFrame:
        o = self.traffic.objections
        last_report = max(r[2] for r in self.traffic.objection_reports)
        out = o.select(
            "objection_id",
            _by_client(self.bsn).alias("client"),
            "municipality",
            "segment",
            "provider",
            "kind",
            _date("filed").alias("filed"),
            _date("arrival").alias("arrival"),
            pl.when(pl.col("decided") <= last_report)
            .then(pl.col("decided"))
            .otherwise(None)
            .cast(pl.Int32)
            .cast(pl.Date)
            .alias("decided"),
            pl.when(pl.col("decided") <= last_report).then(pl.col("upheld")).otherwise(None).alias("upheld"),
        )
        return conform("objections", out).sort(["filed", "objection_id"])

    def allocations(self) -> pl.DataFrame:
        a = self.traffic.allocations
        first = self.traffic.allocation_events.group_by("allocation_number").agg(
            pl.col("arrival").min().alias("first"), pl.col("arrival").max().alias("last")
        )
        a = a.join(first, on="allocation_number")
        out = a.select(
            "allocation_number",
            _by_client(self.bsn).alias("client"),
            "provider",
            "segment",
            "municipality",
            *_product("product"),
            "volume",
            "unit",
            pl.lit("4").alias("frequency"),
            _date("ingang").alias("begin"),
            _date("final_end").alias("end"),
            _date("first").alias("arrival"),
            "extensions",
            _date("last").alias("last_arrival"),
        )
        return pl.DataFrame(out, schema=ALLOCATIONS).sort("allocation_number")

    def clients(self) -> pl.DataFrame:
        c = self.traffic.clients
        out = c.select(
            pl.col("bsn").alias("client"),
            "municipality",
            "area",
            "sex",
            cal.as_dates("birth").alias("birth_date"),
        )
        return pl.DataFrame(out, schema=CLIENTS).sort("client")

    # -- signals ----------------------------------------------------------------------------

    def signals(self) -> pl.DataFrame:
        """Every data-quality signal of domain.md section 7 that the data must raise.

        - ``care_without_allocation``: each care start (305) and each declaration line (323)
          in a segment that allocates whose ToewijzingNummer names no allocation;
        - ``late_declaration``: each accepted declaration line that arrived after
          ``Contract.deadline_for(care_month)`` of the provider's contract;
        - ``above_allocated_volume``: each declaration line whose volume exceeds the allocated
          volume for the month (rejected, 9321);
        - ``repeated_extension``: each allocation extended :data:`REPEATED_EXTENSIONS` times
          (RedenWijziging 04) without a step-down, at the message of that extension;
        - ``upcoding``: the provider whose mix shifts to the most expensive third of the
          products (and, under price x volume, whose hours per client rise) from the stated
          month;
        - ``no_start_stop_traffic``: a core partner of a task-based segment that sends no
          start/stop messages (its episodes come as CSV);
        - ``request_unanswered``: each request (315) not granted or refused within the
          region's answer term (56 days) after it arrived: its answer, or when it has none the
          last file of the region, arrives later (``arrival`` is the first day past the term);
        - ``contract_expiry``: each contract whose notice period (six months up to its end)
          holds the region's last day, at the day it became due, naming the next option
          (:func:`regie.engine.contracts.expiring`; ``reference`` is the contract's id);
        - ``pgb_shift`` (:func:`regie.synth.pgb.expected_signals`; ``care_month`` the quarter,
          ``reference`` the narrower period's start) and ``subcontracting``
          (:func:`regie.synth.consortia.expected_signals`; ``care_month`` the quarter), judged
          over all the traffic as of the region's last day.
        """
        lines = self.plan.lines.with_columns(
            pl.col("msg").replace_strict(self.file, return_dtype=pl.Utf8).alias("file"),
        )
        rows = [
            self._line_signals(
                lines.filter(pl.col("fault") == "without_allocation"),
                "care_without_allocation",
                pl.lit("declaratie op een onbekend toewijzingnummer"),
            ),
            self._unallocated_starts(),
            self._late(lines),
            self._line_signals(
                lines.filter(pl.col("fault") == "above_volume"),
                "above_allocated_volume",
                pl.format("{} gedeclareerd, {} toegewezen", "volume", "allocated"),
            ),
            self._extensions(),
            *self._role_signals(),
            self._unanswered(),
            self._expiring(),
            *self._procurement(),
        ]
        out = pl.concat(
            [
                pl.DataFrame(r)
                .with_columns([pl.lit(None, dtype=t).alias(c) for c, t in SIGNALS.items() if c not in r.columns])
                .select([pl.col(c).cast(t) for c, t in SIGNALS.items()])
                for r in rows
            ]
        )
        return out.sort(
            [
                "kind",
                "provider",
                "segment",
                "arrival",
                "reference",
                "allocation_number",
                "client",
                "care_month",
                "file",
            ],
            nulls_last=True,
        )

    def _line_signals(self, lines: pl.DataFrame, kind: str, detail: pl.Expr) -> pl.DataFrame:
        """A signal on each of the declaration ``lines`` (with their ``file``)."""
        return lines.select(
            pl.lit(kind).alias("kind"),
            "provider",
            "segment",
            "municipality",
            pl.col("bsn").alias("client"),
            "allocation_number",
            "reference",
            cal.as_dates("care_month").alias("care_month"),
            cal.as_dates("eff_arrival").alias("arrival"),
            "file",
            detail.alias("detail"),
        )

    def _message_signals(
        self, records: pl.DataFrame, kind: str, reference: pl.Expr, care_month: pl.Expr, detail: str
    ) -> pl.DataFrame:
        """A signal on each of the ``records`` of an allocation, at the message (``msg``) it came in."""
        return records.select(
            pl.lit(kind).alias("kind"),
            "provider",
            "segment",
            "municipality",
            _by_client(self.bsn).alias("client"),
            "allocation_number",
            reference.alias("reference"),
            care_month.alias("care_month"),
            pl.col("msg")
            .replace_strict(self.arrival, return_dtype=pl.Int64)
            .cast(pl.Int32)
            .cast(pl.Date)
            .alias("arrival"),
            pl.col("msg").replace_strict(self.file, return_dtype=pl.Utf8).alias("file"),
            pl.lit(detail).alias("detail"),
        )

    def _unallocated_starts(self) -> pl.DataFrame:
        """``care_without_allocation`` on the care starts (305) of care nobody allocated."""
        fake = (
            self.traffic.fake.with_row_index("fake")
            .with_columns(pl.col("fake").cast(pl.Int64))
            .join(self.plan.fake_start_msgs, on="fake")
        )
        return self._message_signals(
            fake,
            "care_without_allocation",
            pl.lit(None, dtype=pl.Utf8),
            cal.as_dates("start").dt.month_start(),
            "start zorg op een onbekend toewijzingnummer",
        )

    def _late(self, lines: pl.DataFrame) -> pl.DataFrame:
        """``late_declaration``: accepted lines that arrived after their contract's deadline."""
        contracts = contract_for(self.catalog)
        deadline: list[dt.date | None] = []
        accepted = lines.filter(pl.col("fault") == "")
        for p, s, m, month in accepted.select("provider", "segment", "municipality", "care_month").iter_rows():
            care_month = cal.date_of(month)
            deadline.append(contracts[(p, s, m, care_month.year)].deadline_for(care_month))
        accepted = accepted.with_columns(pl.Series("deadline_date", deadline, dtype=pl.Date))
        return self._line_signals(
            accepted.filter(cal.as_dates("eff_arrival") > pl.col("deadline_date")),
            "late_declaration",
            pl.format("binnen na de termijn ({})", pl.col("deadline_date").dt.strftime("%Y-%m-%d")),
        )

    def _extensions(self) -> pl.DataFrame:
        """``repeated_extension``: at the message of an allocation's REPEATED_EXTENSIONS-th extension."""
        ext = (
            self.traffic.allocation_events.filter(
                (pl.col("event") == REPEATED_EXTENSIONS) & (pl.col("reason") == EXTEND_REASON)
            )
            .join(self.plan.allocation_msgs, on=["allocation_number", "event"])
            .join(
                self.traffic.allocations.select("allocation_number", "client", "provider", "segment", "municipality"),
                on="allocation_number",
            )
        )
        return self._message_signals(
            ext,
            "repeated_extension",
            pl.lit(None, dtype=pl.Utf8),
            pl.lit(None, dtype=pl.Date),
            f"{REPEATED_EXTENSIONS}e verlenging zonder afschaling",
        )

    def _role_signals(self) -> list[pl.DataFrame]:
        """``upcoding`` by the upcoder, ``no_start_stop_traffic`` of the silent core partner."""
        roles = self.world.roles
        rows = [
            pl.DataFrame(
                {
                    "kind": ["upcoding"],
                    "provider": [roles.upcoder],
                    "segment": [roles.upcoding_segment],
                    "municipality": [None],
                    "client": [None],
                    "allocation_number": [None],
                    "reference": [None],
                    "care_month": [roles.upcoding_from],
                    "arrival": [None],
                    "file": [None],
                    "detail": ["productmix verschuift naar de duurste producten/intensiteit"],
                },
                schema=SIGNALS,
            )
        ]
        if roles.silent:
            rows.append(
                pl.DataFrame(
                    {
                        "kind": ["no_start_stop_traffic"] * len(roles.silent_segments),
                        "provider": [roles.silent] * len(roles.silent_segments),
                        "segment": list(roles.silent_segments),
                    },
                    schema={"kind": pl.Utf8, "provider": pl.Utf8, "segment": pl.Utf8},
                ).with_columns(pl.lit("kernpartner stuurt geen start- en stopberichten").alias("detail"))
            )
        return rows

    def last_arrival(self) -> dt.date:
        """The Dagtekening of the region's last file (message or CSV report)."""
        reports = [*self.traffic.episode_reports, *self.traffic.request_reports, *self.traffic.objection_reports]
        days = [int(self.plan.messages["arrival"].max()), *(day for day, _, _ in reports)]  # type: ignore[arg-type]
        return cal.date_of(max(days))

    def _unanswered(self) -> pl.DataFrame:
        """``request_unanswered``: see :meth:`signals`."""
        term = self.catalog.answer_term_days
        r = self.requests().filter(pl.col("outcome").is_not_null())
        due = pl.col("registered") + pl.duration(days=term)
        late = r.filter(pl.coalesce("answered", pl.lit(self.last_arrival())) > due)
        return late.select(
            pl.lit("request_unanswered").alias("kind"),
            "provider",
            "segment",
            "municipality",
            "client",
            pl.col("request_id").str.split(":").list.get(1).alias("reference"),
            pl.col("registered").dt.month_start().alias("care_month"),
            (due + pl.duration(days=1)).cast(pl.Date).alias("arrival"),
            pl.format("{}: niet binnen {} dagen toegewezen of afgewezen", "outcome", pl.lit(term)).alias("detail"),
        )

    def _procurement(self) -> list[pl.DataFrame]:
        """``pgb_shift`` and ``subcontracting``: see :meth:`signals`."""
        episodes, day = self.episodes(), self.last_arrival()
        budgets = self.world.extras.get("pgb")
        return [
            expected_consortia(episodes, self.catalog, day),
            *([expected_pgb(episodes, budgets, self.catalog, day)] if isinstance(budgets, pl.DataFrame) else []),
        ]

    def _expiring(self) -> pl.DataFrame:
        """``contract_expiry``: see :meth:`signals`."""
        found = expiring(self.catalog.contracts, self.last_arrival())
        municipality = {c.id: c.municipalities[0] for c in self.catalog.contracts}
        return pl.DataFrame(
            {
                "kind": [SIGNAL] * len(found),
                "provider": [e.provider for e in found],
                "segment": [e.segment for e in found],
                "municipality": [municipality[e.contract] for e in found],
                "reference": [e.contract for e in found],
                "arrival": [e.due_on for e in found],
                "detail": [e.next_option.isoformat() if e.next_option else "geen optie" for e in found],
            },
            schema={
                k: SIGNALS[k] for k in ("kind", "provider", "segment", "municipality", "reference", "arrival", "detail")
            },
        )


def write_parquet(df: pl.DataFrame, path: Path) -> None:
    """Write a frame deterministically (fixed row order given; no timestamps in the metadata)."""
    df.write_parquet(path, compression="zstd", statistics=True)
