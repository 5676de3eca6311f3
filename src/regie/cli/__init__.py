"""The ``regie`` command line (domain.md section 12).

Every command reads ``DATABASE_URL``, works on an empty database (it migrates it first), exits
0 on success, 1 on rejected input (reasons on stderr) and 2 on wrong usage. With ``--json`` it
prints exactly one JSON document on stdout and nothing else there; progress and messages go
to stderr.

Each sub-command lives in its own module with ``register(subparsers)``; the module's ``run``
function parses nothing itself and calls one function of the core or an app.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from regie.cli import catalog, check, demo, forecast, funding, generate, indicators, ingest, serve

COMMANDS = [generate, catalog, check, ingest, indicators, forecast, funding, demo, serve]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="regie",
        description="Regie: sturingssysteem voor het sociaal domein (Jeugdwet, Wmo, Participatie).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("regie: afgebroken", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
