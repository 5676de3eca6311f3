"""``regie-manage monitor_refresh --year Y [--as-of DATE]``: compute and store the snapshots
the pages read (:func:`regie.monitor.services.refresh`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from regie.monitor.services import refresh


class Command(BaseCommand):
    help = "Bereken de cijfers van de webapplicatie voor een jaar en peildatum en sla ze op."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="peildatum (standaard vandaag)")

    def handle(self, *args: Any, **options: Any) -> None:
        stored = refresh(options["year"], options["as_of"])
        for snap in stored:
            self.stdout.write(f"{snap.kind:<20} {snap.key:<45} {len(snap.rows):>6} rijen  {snap.meta.get('seconds')} s")
