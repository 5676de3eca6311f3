"""The waiting list for tests: the small region of tests/monitor/data/kleinstad.toml with a
core partner (:data:`CORE`, the demo provider user ``aanbieder``) of WMO-IB and a provider
that is not one (:data:`OTHER`, user ``ander``), and registrations and starts to put in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from regie.catalog import models as cat
from regie.site.demo import create_demo_users
from regie.traffic import models as tm
from tests.accounts.factories import Role, user
from tests.catalog.factories import load_file
from tests.monitor.region import CATALOG
from tests.traffic.factories import MessageFactory

CORE, OTHER = "11111111", "22222222"
SEGMENT = "WMO-IB"
#: BSNs that pass the eleven-test
BSNS = ["100000009", "100000010", "100000022", "100000034", "100000046", "100000058", "100000071"]
URL = "/api/v1/waiting-list/"


def setup_region() -> None:
    """The catalog, WMO-IB's core partner, the demo users and ``ander`` (provider OTHER)."""
    load_file(CATALOG)
    cat.Segment.objects.filter(code=SEGMENT).update(core_partners=[CORE])
    create_demo_users(provider_agb=CORE)
    user("ander", Role.PROVIDER, provider=OTHER)


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> str:
    return (today() - dt.timedelta(days=n)).isoformat()


def register(client: Client, bsn: str, urgency: str = "normal", ago: int = 0, **extra: Any) -> Any:
    """POST a registration in WMO-IB, Venlo, Blerick, referred by a GP, ``ago`` days ago."""
    body = {"municipality": "0983", "segment": SEGMENT, "bsn": bsn, "urgency": urgency, "area": "Blerick"}
    body.update({"referrer": "02", "registered_on": days_ago(ago), **extra})
    return client.post(URL, body, content_type="application/json")


def episode(client: str, provider: str, start: dt.date, segment: str = SEGMENT) -> tm.Episode:
    """A stored care start (305) of ``client`` at ``provider``."""
    return tm.Episode.objects.create(
        key=f"{client}-{start}-{provider}-{segment}",
        client=client,
        provider=provider,
        segment=segment,
        domain="wmo",
        weight=2,
        municipality="0983",
        product_category="02",
        start=start,
        start_arrival=start,
        start_message=MessageFactory(
            kind="WMO305", sender=provider, day=start, identification=f"S-{client[:12]}-{start}-{segment}-{provider}"
        ),
    )
