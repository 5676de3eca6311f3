"""``waiting_norm`` on a generated region whose files arrive over time, as a municipality
ingests them (quarter by quarter): a registration past its norm raises the signal once, and
the signal is open only while the registration is still on the list. Once it has left the
list (care started, or withdrawn) the signal is resolved, naming how; so the open signals are
what a user can still act on, and the overview's card counts what the work list shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from regie.access import services
from regie.access.models import Registration
from regie.catalog.loader import load_catalog
from regie.cli.demo import arrived_by
from regie.engine.catalog import parse_catalog
from regie.monitor.pending import ingest_and_refresh
from regie.site.demo import create_demo_users
from regie.traffic import models as tm
from tests.accounts.factories import client_for

OPEN = ("waiting", "assigned")


def _quarters(first: dt.date, last: dt.date) -> list[dt.date]:
    ends, day = [], first
    while day < last:
        day = (day.replace(day=1) + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
        ends.append(min(day, last))
    return ends


@pytest.mark.django_db
def test_a_norm_signal_is_open_only_while_its_registration_waits(
    region_dir: Callable[[str, int, int, float], Path],
) -> None:
    folder = region_dir("venlo", 2025, 3, 0.05)
    load_catalog(parse_catalog(folder / "catalog.toml"))
    create_demo_users()
    days = sorted(dt.date.fromisoformat(p.name[:10]) for p in arrived_by(folder, dt.date(2100, 1, 1)))
    before = None
    for end in _quarters(days[0], dt.date(2025, 12, 31)):
        ingest_and_refresh(arrived_by(folder, end, before), refresh=False)
        before = end

    signals = {s.detail["registration"]: s for s in tm.Signal.objects.filter(kind="waiting_norm")}
    regs = Registration.objects.in_bulk(list(signals))
    assert len(signals) == len(regs) > 10
    ended = [pk for pk, r in regs.items() if r.status not in OPEN]
    assert ended, "the region has registrations that passed their norm and then left the list"
    for pk, signal in signals.items():
        reg = regs[pk]
        if reg.status in OPEN:
            assert signal.status == "open", (reg.status, signal.status)
        else:
            assert signal.status == "resolved", (reg.status, reg.started_on, reg.withdrawn_on, signal.raised_on)
            assert ("gestart op" if reg.status == "started" else "ingetrokken op") in signal.note
    assert services.refresh()["waiting_norm"] == 0  # still once

    # the overview's card counts what the work list shows as open: the open signals of its
    # year (this year: no figures were computed) and the older ones, each number linking to
    # the list whose open counter is that number
    gemeente = client_for("gemeente")
    home = lxml.html.fromstring(gemeente.get("/").content.decode())
    shown = {a.get("data-field"): a for a in home.xpath("//*[@id='kaart-signalen']//a[@data-field]")}
    assert set(shown) == {"open_signals", "older_signals"}
    numbers = []
    for a in shown.values():
        number = a.text_content().split()[0]
        worklist = lxml.html.fromstring(gemeente.get(a.get("href")).content.decode())
        listed = worklist.xpath("string(//*[@id='signaal-tellers']/a[@data-status='open']//*[@class='value'])")
        assert listed.strip() == number, (a.get("href"), number, listed)
        numbers.append(int(number.replace(".", "")))
    assert sum(numbers) == tm.Signal.objects.filter(status="open").count() > 0
