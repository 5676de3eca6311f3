"""A small stored region for the web app's tests, written straight into the traffic models.

``build_region()`` loads ``data/kleinstad.toml`` (two municipalities, three segments, four
providers) and stores deterministic traffic for 2024 and 2025: care episodes with their
start/stop messages, monthly declarations (some late, some rejected), requests for care,
objections and a few data-quality signals. The youth segment JGD-45 gets a rising inflow in
2025 and a budget below its care, so its forecast warns. Figures are never written here: the
tests compare what the pages show with what the engines compute from this traffic.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from regie.site.demo import create_demo_users
from regie.traffic import models as m
from tests.catalog.factories import load_file
from tests.traffic.factories import MessageFactory, SignalFactory

CATALOG = Path(__file__).resolve().parent / "data" / "kleinstad.toml"
YEAR = 2025
AS_OF = dt.date(2025, 9, 30)
OWN, OTHER = "11111111", "22222222"  # the demo provider user belongs to OWN
OWN_NAME, OTHER_NAME = "Zorggroep Noord", "Begeleiding Zuid"
DEFICIT_SEGMENT = "JGD-45"

#: provider, segment, category, product code, unit, clients started per year (2024, 2025), mean days
STREAMS = [
    ("11111111", "WMO-IB", "02", "02A01", "82", (10, 10), 220),
    ("22222222", "WMO-IB", "02", "02A01", "82", (7, 7), 200),
    ("11111111", "WMO-BW", "15", "15A01", "82", (3, 2), 500),
    ("33333333", "JGD-45", "45", "45A48", "04", (9, 16), 150),
    ("44444444", "JGD-45", "45", "45A48", "04", (7, 12), 170),
]
PRICES = {"WMO-IB": {"11111111": 850000, "22222222": 820000}, "WMO-BW": {"11111111": 5200000}}
TARIFFS = {"33333333": 9500, "44444444": 9000}
AREAS = {"0983": ["Centrum", "Blerick", "Tegelen"], "0889": ["Reuver", "Beesel-dorp"]}


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _next_month(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _month_end(d: dt.date) -> dt.date:
    return _next_month(d) - dt.timedelta(days=1)


@dataclass
class _Messages:
    """Stores one message per (kind, sender, day, identification) on first use."""

    made: dict[tuple[str, str, dt.date, str], m.Message] = field(default_factory=dict)

    def get(self, kind: str, sender: str, receiver: str, day: dt.date, ident: str) -> m.Message:
        key = (kind, sender, day, ident)
        if key not in self.made:
            self.made[key] = MessageFactory(kind=kind, sender=sender, receiver=receiver, day=day, identification=ident)
        return self.made[key]


def build_region(users: bool = True) -> dict[str, str]:
    """Load the catalog and store the traffic; create the demo users (provider user: OWN)."""
    load_file(CATALOG)
    rng = random.Random(20250930)
    msgs = _Messages()
    episodes: list[m.Episode] = []
    lines: list[m.DeclarationLine] = []
    requests: list[m.Request] = []
    n = 0
    for provider, segment, category, product, unit, per_year, mean_days in STREAMS:
        law = "WMO" if category in ("02", "15") else "JW"
        domain = "wmo" if law == "WMO" else "jeugd"
        weight = {"WMO-BW": 3, "WMO-IB": 2, "JGD-45": 1}[segment]
        for year, count in zip((2024, 2025), per_year, strict=True):
            for _ in range(count):
                n += 1
                municipality = "0983" if rng.random() < 0.75 else "0889"
                start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 300 if year == 2025 else 365))
                length = max(20, int(rng.expovariate(1 / mean_days)))
                end: dt.date | None = start + dt.timedelta(days=length)
                assert end is not None
                if end > dt.date(2025, 12, 31):
                    end = None
                client = f"pseudo-{n:04d}"
                number = f"T{n:05d}"
                request_day = start - dt.timedelta(days=rng.randrange(10, 70))
                start_arrival = start + dt.timedelta(days=rng.randrange(1, 6))
                start_msg = msgs.get(f"{law}305", provider, municipality, start_arrival, f"S{n:05d}")
                stop_msg = None
                end_arrival = None
                if end is not None:
                    end_arrival = end + dt.timedelta(days=rng.randrange(1, 8))
                    stop_msg = msgs.get(f"{law}307", provider, municipality, end_arrival, f"E{n:05d}")
                episodes.append(
                    m.Episode(
                        key=number,
                        client=client,
                        provider=provider,
                        segment=segment,
                        domain=domain,
                        weight=weight,
                        municipality=municipality,
                        area=rng.choice(AREAS[municipality]),
                        product_category=category,
                        product_code=product,
                        allocation_number=number,
                        start=start,
                        end=end,
                        end_reason="" if end is None else "19",
                        start_arrival=start_arrival,
                        end_arrival=end_arrival,
                        request_date=request_day,
                        start_message=start_msg,
                        stop_message=stop_msg,
                    )
                )
                req_msg = msgs.get(f"{law}315", provider, municipality, request_day, f"R{n:05d}")
                requests.append(
                    m.Request(
                        message=req_msg,
                        request_id=f"R{n:05d}",
                        kind="315",
                        client=client,
                        provider=provider,
                        municipality=municipality,
                        segment=segment,
                        area=None,
                        urgency=2,
                        registered=request_day,
                        arrival=request_day,
                    )
                )
                month = _month_start(start)
                last = end or dt.date(2025, 12, 31)
                k = 0
                while month <= last:
                    k += 1
                    if unit == "04":
                        volume = rng.randrange(4, 14)
                        tariff = TARIFFS[provider]
                    else:
                        volume, tariff = 1, PRICES[segment][provider] // 12
                    delay = rng.randrange(3, 25)
                    late = rng.random() < 0.08
                    if late:
                        delay = rng.randrange(80, 160)
                    arrival = _month_end(month) + dt.timedelta(days=delay)
                    rejected = rng.random() < 0.04
                    ident = f"D{provider[-3:]}{arrival:%y%m%d}"
                    message = msgs.get(f"{law}323", provider, municipality, arrival, ident)
                    reference = f"{number}-{k:02d}"
                    lines.append(
                        m.DeclarationLine(
                            message=message,
                            line_id=f"{provider}{reference}",
                            declaration_number=ident,
                            reference=reference,
                            provider=provider,
                            municipality=municipality,
                            segment=segment,
                            client=client,
                            allocation_number=number,
                            product_category=category,
                            product_code=product,
                            period_begin=month,
                            period_end=_month_end(month),
                            care_month=month,
                            volume=volume,
                            unit=unit,
                            tariff=tariff,
                            amount_cents=volume * tariff,
                            arrival=arrival,
                            accepted=not rejected,
                            retour_code="9321" if rejected else "0200",
                            reason="Volume boven de toewijzing" if rejected else "",
                        )
                    )
                    if rejected:
                        m.Rejection.objects.create(
                            message=message,
                            record=reference,
                            path="Client/Prestaties/Prestatie",
                            code="9321",
                            reason="Het gedeclareerde volume is hoger dan het toegewezen volume.",
                        )
                        message.status = m.Message.Status.PARTIAL
                        message.rejected_records += 1
                        message.save(update_fields=["status", "rejected_records"])
                    month = _next_month(month)
    m.Episode.objects.bulk_create(episodes)
    m.DeclarationLine.objects.bulk_create(lines)
    m.Request.objects.bulk_create(requests)
    _objections(rng, msgs)
    _signals(msgs)
    return create_demo_users(provider_agb=OWN) if users else {}


def _objections(rng: random.Random, msgs: _Messages) -> None:
    csv = msgs.get("CSV-objections", "0983", "0983", dt.date(2025, 7, 1), "bezwaren-2025")
    for i in range(6):
        filed = dt.date(2025, 1 + i, 10)
        m.Objection.objects.create(
            message=csv,
            objection_id=f"B-{i}",
            client=f"pseudo-{i + 1:04d}",
            municipality="0983",
            segment="WMO-IB" if i % 2 else "JGD-45",
            provider=OWN if i % 2 else "33333333",
            kind="bezwaar",
            filed=filed,
            arrival=filed + dt.timedelta(days=3),
            decided=filed + dt.timedelta(days=40) if i < 4 else None,
            upheld=(i == 1) if i < 4 else None,
        )


#: The evidence of the region's upcoding signal, in the shape :func:`regie.engine.quality.upcoding`
#: gives it (the hand-computed case of tests/engine/test_quality.py). Hand laid out (fmt: skip): one
#: line per product, as the evidence table on the signal page reads.
UPCODING_DETAIL = {
    "share_before": 0.2, "share_recent": 0.8, "peer_median_shift": 0.04, "z": 4.24, "starts_before": 25,
    "starts_recent": 25, "expensive_products": ["45A03"], "peer_share_before": 0.18, "peer_share_recent": 0.22,
    "peers": 2,
    "mix": [
        {"product": "45A03", "expensive": True, "own_before": 0.2, "own_recent": 0.8, "peers_before": 0.18,
         "peers_recent": 0.22},
        {"product": "45A01", "expensive": False, "own_before": 0.4, "own_recent": 0.2, "peers_before": 0.4,
         "peers_recent": 0.38},
        {"product": "45A02", "expensive": False, "own_before": 0.4, "own_recent": 0.0, "peers_before": 0.42,
         "peers_recent": 0.4},
    ],
}  # fmt: skip


def _signals(msgs: _Messages) -> None:
    """A few signals of each kind the pages show, with their source messages."""
    own = m.DeclarationLine.objects.filter(provider=OWN).order_by("arrival", "pk").first()
    other = m.DeclarationLine.objects.filter(provider=OTHER).order_by("arrival", "pk").first()
    youth = m.DeclarationLine.objects.filter(provider="33333333").order_by("arrival", "pk").first()
    assert own and other and youth
    SignalFactory(
        kind=m.Signal.Kind.CARE_WITHOUT_ALLOCATION,
        key="cwa-1",
        message=own.message,
        provider=OWN,
        segment="WMO-IB",
        client="pseudo-9001",
        record="R-77",
        care_month=dt.date(2025, 2, 1),
        raised_on=dt.date(2025, 3, 5),
        detail={"reason": "Geen toewijzing gevonden"},
    )
    SignalFactory(
        kind=m.Signal.Kind.LATE_DECLARATION,
        key="late-1",
        message=other.message,
        provider=OTHER,
        segment="WMO-IB",
        client=other.client,
        record=other.reference,
        care_month=other.care_month,
        raised_on=other.arrival,
        detail={"deadline": "2024-03-15"},
    )
    SignalFactory(
        kind=m.Signal.Kind.ABOVE_ALLOCATED_VOLUME,
        key="above-1",
        message=youth.message,
        provider="33333333",
        segment="JGD-45",
        client=youth.client,
        record=youth.reference,
        care_month=youth.care_month,
        raised_on=youth.arrival,
        detail={"allocated": 10, "declared": 14},
    )
    SignalFactory(
        kind=m.Signal.Kind.UPCODING,
        key="upcoding-33333333-2025",
        provider="33333333",
        municipality="",
        segment="JGD-45",
        raised_on=dt.date(2025, 6, 1),
        detail=UPCODING_DETAIL,
    )
