"""The ``regie`` command line (domain.md section 12).

Every command reads ``DATABASE_URL``, works on an empty database (it migrates it first), exits
0 on success, 1 on rejected input (reasons on stderr) and 2 on wrong usage. With ``--json`` it
prints exactly one JSON document on stdout and nothing else there; progress and messages go
to stderr.

Each sub-command lives in its own module with ``register(subparsers)``; the module's ``run``
function parses nothing itself and calls one function of the core or an app.

Only the module of the command that is run is imported (all of them for ``regie --help`` or
an unknown command): ``regie check`` must start at once, and the forecast's libraries
(chainladder, scikit-learn, pandas) take seconds to import.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: The sub-commands, in the order of ``regie --help``: each is the module ``regie.cli.<name>``.
COMMANDS = (
    "generate",
    "catalog",
    "check",
    "ingest",
    "indicators",
    "forecast",
    "review",
    "funding",
    "demo",
    "serve",
    "users",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``regie`` parser with every sub-command, or with only the command ``only``."""
    parser = argparse.ArgumentParser(
        prog="regie",
        description="Regie: sturingssysteem voor het sociaal domein (Jeugdwet, Wmo, Participatie).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        if only is None or name == only:
            importlib.import_module(f"regie.cli.{name}").register(sub)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (its first argument that is not an option), if known."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("regie: afgebroken", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
