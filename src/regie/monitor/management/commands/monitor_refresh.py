"""``regie-manage monitor_refresh [--year Y [--as-of DATE]]``: finish the refreshes still to do
(:func:`regie.monitor.pending.finish`: the ledger and the snapshots of every year an ingest
noted and did not finish, e.g. one run with ``--no-refresh`` or one that was stopped), and with
``--year`` compute and store the year's snapshots as of a date
(:func:`regie.monitor.services.refresh`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from regie.monitor.pending import finish
from regie.monitor.services import refresh
from regie.traffic.runlock import ingest_lock


class Command(BaseCommand):
    help = (
        "Werk het betaalgrootboek en de cijfers bij voor de jaren die nog bijgewerkt moeten worden; "
        "met --year: bereken de cijfers van de webapplicatie voor een jaar en peildatum en sla ze op."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="peildatum (standaard vandaag)")

    def handle(self, *args: Any, **options: Any) -> None:
        with ingest_lock(notify=lambda text: self.stderr.write(text)):
            done = finish(announce=lambda year: self.stdout.write(f"{year}: betaalgrootboek en cijfers bijgewerkt"))
            if not done:
                self.stdout.write("Geen jaren meer bij te werken.")
            if options["year"] is None:
                return
            stored = refresh(options["year"], options["as_of"])
        for snap in stored:
            self.stdout.write(f"{snap.kind:<20} {snap.key:<45} {len(snap.rows):>6} rijen  {snap.meta.get('seconds')} s")
