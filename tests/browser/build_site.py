"""Build a generated region into the database ``DATABASE_URL`` names, in one process:
catalog load, ingest of its messages and CSV files, the demo users, the monitor refresh.

``python tests/browser/build_site.py DIR YEAR AS_OF`` (used by the ``venlo_site`` fixture;
the same steps as ``regie catalog load``, ``regie ingest``, ``regie demo`` and
``regie-manage monitor_refresh``, without starting Django four times).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from regie.cli.common import setup_django


def main(directory: Path, year: int, as_of: dt.date) -> None:
    setup_django()
    from regie.catalog.loader import load_catalog
    from regie.engine.catalog import parse_catalog
    from regie.monitor.services import refresh
    from regie.site.demo import create_demo_users
    from regie.traffic.ingest import ingest

    load_catalog(parse_catalog(directory / "catalog.toml"))
    ingest([directory / "messages", directory / "csv"])
    create_demo_users()
    refresh(year, as_of)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]))
