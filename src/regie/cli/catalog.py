"""``regie catalog load FILE``: validate and store a region's set-up."""

from __future__ import annotations

import argparse
from typing import Any

from regie.cli.common import OK, REJECTED, add_json_flag, console, emit_json, fail, setup_django
from regie.engine.catalog import CatalogError, parse_catalog


def register(sub: Any) -> None:
    parser = sub.add_parser("catalog", help="de catalogus van de regio (gemeenten, segmenten, contracten, budgetten)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser("load", help="laad een catalog.toml (idempotent, alles of niets)")
    load.add_argument("file", metavar="FILE")
    add_json_flag(load)
    load.set_defaults(func=run_load)


def run_load(args: argparse.Namespace) -> int:
    try:
        catalog = parse_catalog(args.file)
    except CatalogError as exc:
        if args.json:
            emit_json({"file": exc.file, "loaded": False, "error": {"entry": exc.entry, "rule": exc.rule}})
        return fail(str(exc), REJECTED)
    setup_django()
    from regie.catalog.loader import load_catalog  # noqa: PLC0415 - needs Django set up
    from regie.procurement.contract_life import raise_expiry_signals  # noqa: PLC0415

    result = load_catalog(catalog)
    raise_expiry_signals()  # a contract loaded with its end near
    if args.json:
        emit_json({"file": args.file, "loaded": True, **result.as_dict()})
    else:
        summary = ", ".join(
            f"{kind}: {result.created[kind]} nieuw, {result.updated[kind]} gewijzigd, {result.unchanged[kind]} ongewijzigd"
            for kind in ("municipality", "segment", "provider", "contract", "budget")
        )
        console.print(f"Catalogus '{catalog.region}' geladen uit {args.file}. {summary}.", markup=False)
    return OK
