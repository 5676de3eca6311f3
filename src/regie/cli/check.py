"""``regie check PATH... [--json]``: validate messages against the standard alone, no database.

Files, folders (recursively, ``*.xml``) and zip archives. Exit 0 when every message is valid,
1 otherwise, 2 on wrong usage (a path that does not exist). With ``--json`` exactly one JSON
document on stdout (domain.md section 12); otherwise a report in Dutch on stderr.
"""

from __future__ import annotations

import argparse
from typing import Any

from regie.cli.common import OK, REJECTED, USAGE, add_json_flag, console, emit_json, fail
from regie.messages.checking import CheckUsageError, check_paths


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "check",
        help="controleer iJw/iWmo-berichten tegen de standaard (schema, codelijsten, regels), zonder database",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="bestanden, mappen (*.xml) of zip-archieven")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        document = check_paths(args.paths)
    except CheckUsageError as exc:
        return fail(str(exc), USAGE)
    files = document["files"]
    all_valid = all(entry["valid"] for entry in files)
    if args.json:
        emit_json(document)
    else:
        _report(files)
    return OK if all_valid else REJECTED


def _report(files: list[dict[str, Any]]) -> None:
    invalid = 0
    for entry in files:
        kind = entry["message"] or "onbekend bericht"
        if entry["valid"]:
            console.print(f"{entry['file']}: {kind} geldig", markup=False, soft_wrap=True)
            continue
        invalid += 1
        console.print(f"{entry['file']}: {kind} ongeldig", markup=False, soft_wrap=True)
        for error in entry["errors"]:
            console.print(f"  {error['code']} {error['path']}: {error['reason']}", markup=False, soft_wrap=True)
    if not files:
        console.print("Geen berichten gevonden.")
    else:
        console.print(f"{len(files)} bestand(en) gecontroleerd: {len(files) - invalid} geldig, {invalid} ongeldig.")
