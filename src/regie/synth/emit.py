"""Writing a planned region's XML messages to disk (via :func:`regie.messages.write`).

Messages follow the plan (:mod:`regie.synth.plan`). A 301 carries, as the standard asks,
every allocation of the client at that provider that is current on its Dagtekening, in its
state of that day, besides the allocations it creates or changes. Malformed messages are
written from their resend's content and then broken: ``truncated`` cuts the file short (not
well-formed XML), ``namespace`` writes it in release 3.1's namespace.

The periodic CSV files are written by :mod:`regie.synth.csv_reports`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from regie.messages import (
    Address,
    AllocatedProduct,
    Allocation,
    AllocationClient,
    AllocationRequest,
    Amount,
    BirthDate,
    CareStart,
    CareStop,
    Contact,
    Declaration,
    DeclarationClient,
    Extent,
    FullName,
    Header,
    House,
    Message,
    Performance,
    Period,
    Product,
    Referrer,
    RequestAnswer,
    RequestClient,
    RequestedProduct,
    RequestReply,
    ShortName,
    StartClient,
    StartProduct,
    StopClient,
    StopProduct,
    Surname,
    write,
)
from regie.messages.codes import ANSWER_REFUSED
from regie.synth import calendar as cal
from regie.synth.people import FIRST_NAMES, surname_parts
from regie.synth.plan import Plan
from regie.synth.profiles import PER_MONTH
from regie.synth.simulate import World
from regie.synth.traffic import Traffic

Progress = Callable[[int], None]


def _d(day: int) -> dt.date:
    return cal.date_of(day)


class _People:
    """Client identities as the messages show them."""

    def __init__(self, world: World, traffic: Traffic) -> None:
        c = traffic.clients
        names = surname_parts(np.asarray(c["surname"].to_numpy(), dtype=np.int64))
        city = {m.code: m.name for m in world.spec.municipalities}
        self.rows: dict[int, tuple[str, dt.date, str, Surname, str, str, int, str]] = {}
        for (client, bsn, birth, sex, first, postcode, house, municipality), (surname, prefix) in zip(
            c.select("client", "bsn", "birth", "sex", "first_name", "postcode", "house", "municipality").iter_rows(),
            names,
            strict=True,
        ):
            initial = FIRST_NAMES[first % len(FIRST_NAMES)][0]
            self.rows[client] = (
                bsn,
                _d(birth),
                sex,
                Surname(surname, prefix or None),
                initial,
                postcode,
                house,
                city[municipality],
            )

    def short(self, client: int) -> tuple[str, BirthDate, str, ShortName]:
        bsn, birth, sex, surname, initial, *_ = self.rows[client]
        return bsn, BirthDate(birth), sex, ShortName(surname, initials=initial)

    def full(self, client: int) -> tuple[str, BirthDate, str, FullName, Contact]:
        bsn, birth, sex, surname, initial, postcode, house, city = self.rows[client]
        contact = Contact("01", Address(House(house), postcode, None, city, "NL"))
        return bsn, BirthDate(birth), sex, FullName(surname, initials=initial), contact


def _grouped(df: pl.DataFrame, key: str, columns: Sequence[str]) -> dict[int, list[tuple[Any, ...]]]:
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in df.select(key, *columns).iter_rows():
        out[row[0]].append(row[1:])
    return out


class MessageWriter:
    """Builds the model object of each planned message."""

    def __init__(self, world: World, traffic: Traffic, plan: Plan) -> None:
        self.world = world
        self.traffic = traffic
        self.plan = plan
        self.people = _People(world, traffic)
        segs = {s.code: s for s in world.spec.segments}
        self.law = {code: s.law for code, s in segs.items()}
        e = traffic.episodes
        ep_cols = [
            "client",
            "provider",
            "municipality",
            "segment",
            "product",
            "start",
            "end",
            "reason",
            "allocation_number",
            "ingang",
        ]
        self.episode = {row[0]: row[1:] for row in e.select("episode", *ep_cols).iter_rows()}
        self.starts = _grouped(plan.start_msgs, "msg", ["episode"])
        self.stops = _grouped(plan.stop_msgs, "msg", ["episode"])
        fake = traffic.fake.with_row_index("fake").with_columns(pl.col("fake").cast(pl.Int64))
        self.fake = {
            row[0]: row[1:]
            for row in fake.select("fake", "client", "product", "start", "allocation_number").iter_rows()
        }
        self.fake_starts = _grouped(plan.fake_start_msgs, "msg", ["fake"])
        self._index_allocations()
        self._index_requests()
        line_cols = [
            "bsn",
            "reference",
            "previous_reference",
            "allocation_number",
            "declared_product",
            "period_begin",
            "period_end",
            "volume",
            "unit",
            "tariff",
            "amount",
            "credit",
            "declaration_number",
            "care_month",
        ]
        self.lines = _grouped(plan.lines, "msg", line_cols)

    def _index_allocations(self) -> None:
        """Allocations: their static facts, and their events per (client, provider) and per message."""
        traffic, plan = self.traffic, self.plan
        a = traffic.allocations
        self.allocation = {
            row[0]: row[1:]
            for row in a.select(
                "allocation_number", "client", "provider", "product", "ingang", "volume", "unit", "episode"
            ).iter_rows()
        }
        ev = (
            traffic.allocation_events.join(plan.allocation_msgs, on=["allocation_number", "event"])
            .join(a.select("allocation_number", "client", "provider"), on="allocation_number")
            .sort(["arrival", "allocation_number", "event"])
        )
        self.events_by_pair: dict[tuple[int, str], list[tuple[str, int, int, str, int]]] = defaultdict(list)
        for number, event, arrival, reason, einddatum, client, provider in ev.select(
            "allocation_number", "event", "arrival", "reason", "einddatum", "client", "provider"
        ).iter_rows():
            self.events_by_pair[(client, provider)].append((number, event, arrival, reason, einddatum))
        self.allocation_in_msg = _grouped(ev, "msg", ["allocation_number", "event", "client", "provider"])

    def _index_requests(self) -> None:
        """Requests (315) and refusals (319) per message, and the reference a 301 answers."""
        traffic, plan, world = self.traffic, self.plan, self.world
        a = traffic.allocations
        # a 301 that answers a 315 names its ReferentieAanbieder (IV097)
        req = (
            traffic.requests.with_row_index("request")
            .with_columns(pl.col("request").cast(pl.Int64))
            .join(plan.request_msgs.select("request", "reference"), on="request", how="left")
        )
        episode_numbers = dict(zip(a["episode"].to_list(), a["allocation_number"].to_list(), strict=True))
        self.request_ref = {
            episode_numbers[ep]: ref
            for ep, ref in req.filter(pl.col("episode") >= 0).select("episode", "reference").iter_rows()
            if ep in episode_numbers and ref is not None and not world.spec.core_partners
        }
        self.requests = {
            row[0]: row[1:]
            for row in req.select(
                "request", "client", "segment", "product", "volume", "unit", "request_day", "reference"
            ).iter_rows()
        }
        self.request_in_msg = _grouped(plan.request_msgs.filter(pl.col("msg").is_not_null()), "msg", ["request"])
        self.reply_in_msg = {
            msg: (self.requests[request][-1], reason)
            for request, reason, msg in plan.reply_msgs.select("request", "reason", "msg").iter_rows()
        }

    # -- per message --------------------------------------------------------------------------

    def build(self, row: dict[str, Any]) -> Message:
        header = Header(
            row["law"], row["code"], row["sender"], row["receiver"], row["identification"], _d(row["arrival"])
        )
        content = row["content"]
        code = row["code"]
        if code == "301":
            return self.allocation_message(header, content, row["arrival"])
        if code == "305":
            return self.start_message(header, content)
        if code == "307":
            return self.stop_message(header, content)
        if code == "315":
            return self.request_message(header, content)
        if code == "319":
            reference, reason = self.reply_in_msg[content]
            return RequestReply(header, RequestAnswer(reference, ANSWER_REFUSED, reason))
        return self.declaration_message(header, content)

    def allocation_message(self, header: Header, msg: int, day: int) -> Allocation:
        items = self.allocation_in_msg[msg]
        client, provider = items[0][2], items[0][3]
        changed = {(number, event) for number, event, *_ in items}
        # state of every allocation of this client at this provider on this day
        state: dict[str, tuple[int, str, int, bool]] = {}
        for number, event, arrival, reason, einddatum in self.events_by_pair[(client, provider)]:
            if arrival > day:
                break
            state[number] = (arrival, reason, einddatum, (number, event) in changed)
        products = []
        for number in sorted(state):
            arrival, reason, einddatum, in_this = state[number]
            if not in_this and einddatum < day:
                continue
            _, _, product, ingang, volume, unit, _ = self.allocation[number]
            reference = self.request_ref.get(number) if in_this and reason == "" else None
            seq = int(number)
            products.append(
                AllocatedProduct(
                    allocation_number=number,
                    allocation_date=_d(arrival),
                    allocation_time=dt.time(8 + seq % 9, seq % 60),
                    start=_d(ingang),
                    product=Product(product[:2], product),
                    end=_d(einddatum),
                    provider_reference=reference,
                    change_reason=reason or None,
                    extent=Extent(volume, unit, PER_MONTH),
                )
            )
        bsn, birth, sex, name, contact = self.people.full(client)
        return Allocation(header, AllocationClient(bsn, birth, sex, name, (contact,), tuple(products)))

    def start_message(self, header: Header, msg: int) -> CareStart:
        products: list[tuple[int, StartProduct]] = []
        client = -1
        for (ep,) in self.starts.get(msg, []):
            client, _, _, _, product, start, _, _, number, ingang = self.episode[ep]
            allocating = number is not None
            products.append(
                (
                    start,
                    StartProduct(
                        _d(start), "1", number, Product(product[:2], product), _d(ingang) if allocating else None
                    ),
                )
            )
        for (f,) in self.fake_starts.get(msg, []):
            client, product, start, number = self.fake[f]
            products.append((start, StartProduct(_d(start), "1", number, Product(product[:2], product), _d(start))))
        products.sort(key=lambda p: (p[0], p[1].allocation_number or "", p[1].product.code if p[1].product else ""))
        bsn, birth, sex, name = self.people.short(client)
        return CareStart(header, StartClient(bsn, birth, sex, name, tuple(p for _, p in products)))

    def stop_message(self, header: Header, msg: int) -> CareStop:
        products: list[tuple[int, StopProduct]] = []
        client = -1
        for (ep,) in self.stops[msg]:
            client, _, _, _, product, start, end, reason, number, ingang = self.episode[ep]
            allocating = number is not None
            products.append(
                (
                    start,
                    StopProduct(
                        _d(start),
                        reason,
                        _d(end),
                        "1",
                        number,
                        Product(product[:2], product),
                        _d(ingang) if allocating else None,
                    ),
                )
            )
        products.sort(key=lambda p: (p[0], p[1].allocation_number or "", p[1].product.code if p[1].product else ""))
        bsn, birth, sex, name = self.people.short(client)
        return CareStop(header, StopClient(bsn, birth, sex, name, tuple(p for _, p in products)))

    def request_message(self, header: Header, msg: int) -> AllocationRequest:
        ((request,),) = self.request_in_msg[msg]
        client, segment, product, volume, unit, request_day, reference = self.requests[request]
        seq = int(reference[2:])
        if self.law[segment] == "jw" and seq % 10 < 3:
            referrer = Referrer("02", care_provider_code=f"01{(seq * 7919) % 1_000_000:06d}")
        elif self.law[segment] == "jw" and seq % 10 == 3:
            referrer = Referrer("04", name="Gecertificeerde instelling")
        else:
            referrer = Referrer("01", name=f"Wijkteam {self.world.spec.municipalities[0].name}")
        bsn, birth, sex, name = self.people.short(client)
        requested = RequestedProduct(
            provider_reference=reference,
            allocation_start=_d(request_day + 14),
            referrer=referrer,
            product=Product(product[:2], product),
            extent=Extent(volume, unit, PER_MONTH),
        )
        return AllocationRequest(header, RequestClient(bsn, birth, sex, name, (requested,)))

    def declaration_message(self, header: Header, msg: int) -> Declaration:
        rows = sorted(self.lines[msg], key=lambda r: (r[0], r[1]))
        by_client: dict[str, list[Performance]] = defaultdict(list)
        total = 0
        for bsn, reference, previous, number, product, begin, end, volume, unit, tariff, amount, credit, _, _ in rows:
            signed = -amount if credit else amount
            total += signed
            by_client[bsn].append(
                Performance(
                    reference=reference,
                    allocation_number=number,
                    category=product[:2],
                    code=product,
                    period=Period(_d(begin), _d(end)),
                    volume=volume,
                    unit=unit,
                    amount=Amount(amount, "C" if credit else "D"),
                    tariff=tariff,
                    previous_reference=previous,
                )
            )
        first = rows[0]
        month = first[13]
        clients = tuple(DeclarationClient(bsn, tuple(perfs)) for bsn, perfs in sorted(by_client.items()))
        return Declaration(
            header=header,
            number=first[12],
            period=Period(_d(month), _d(int(cal.month_end(np.array([month]))[0]))),
            declaration_date=header.dagtekening,
            total=Amount.of(total),
            clients=clients,
        )


def _malformed(data: bytes, kind: str, header: Header) -> bytes:
    if kind == "truncated":
        return data[: int(len(data) * 0.6)]
    return data.replace(header.namespace.encode(), header.namespace.replace("/3_2/", "/3_1/").encode())


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def write_messages(
    out: Path, world: World, traffic: Traffic, plan: Plan, progress: Progress | None = None
) -> dict[str, int]:
    """Write every planned message; returns the number of files per message name (e.g. JW301).

    Files are written by a few threads while the next messages are built (creating many small
    files is the slow part).
    """
    writer = MessageWriter(world, traffic, plan)
    counts: dict[str, int] = defaultdict(int)
    for folder in sorted({str(Path(f).parent) for f in plan.messages["file"].to_list()}):
        (out / folder).mkdir(parents=True, exist_ok=True)
    columns = ["law", "code", "sender", "receiver", "identification", "arrival", "content", "malformed", "file"]
    pending: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        for row in plan.messages.select(columns).iter_rows(named=True):
            message = writer.build(row)
            data = write(message)
            if row["malformed"]:
                data = _malformed(data, row["malformed"], message.header)
            pending.append(pool.submit(_write_file, out / row["file"], data))
            counts[message.header.name] += 1
            if len(pending) >= 1000:
                for f in pending:
                    f.result()
                pending.clear()
                if progress is not None:
                    progress(1000)
        for f in pending:
            f.result()
    if progress is not None:
        progress(len(pending))
    return dict(sorted(counts.items()))
