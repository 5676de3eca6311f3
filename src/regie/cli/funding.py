"""``regie funding ledger|compare``: the payment ledger, and the year replayed under each model."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from rich.table import Table

from regie.cli.common import OK, add_json_flag, emit_json, report, setup_django
from regie.engine.compare import comparison_document, render_comparison
from regie.engine.funding import ledger_document
from regie.formatting import euro


def register(sub: Any) -> None:
    parser = sub.add_parser("funding", help="bekostiging: betaalgrootboek en vergelijking van modellen")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ledger = actions.add_parser("ledger", help="het betaalgrootboek van een jaar (voorschotten, afrekening, betaald)")
    ledger.add_argument("--year", type=int, required=True)
    ledger.add_argument("--provider", metavar="AGB", help="alleen deze aanbieder")
    add_json_flag(ledger)
    ledger.set_defaults(func=run_ledger)
    compare = actions.add_parser("compare", help="de gerealiseerde zorg van een jaar herberekend onder elk model")
    compare.add_argument("--year", type=int, required=True)
    add_json_flag(compare)
    compare.set_defaults(func=run_compare)


def run_ledger(args: argparse.Namespace) -> int:
    setup_django()
    from regie.funding.services import refresh_ledger  # noqa: PLC0415 - needs Django set up

    document = ledger_document(refresh_ledger(args.year), provider=args.provider)
    if args.json:
        emit_json(document)
        return OK
    table = Table(title=f"Betaalgrootboek {args.year}" + (f", aanbieder {args.provider}" if args.provider else ""))
    for heading in ("Aanbieder", "Segment", "Gemeente", "Voorschotten", "Afrekening", "Betaald"):
        table.add_column(heading, justify="right" if heading in ("Voorschotten", "Afrekening", "Betaald") else "left")
    for row in document["totals"]:
        table.add_row(
            row["provider"],
            row["segment"],
            row["municipality"],
            euro(row["advances_cents"]),
            euro(row["settlement_cents"]),
            euro(row["paid_cents"]),
        )
    report.print(table)
    report.print(
        f"{len(document['lines'])} regels; totaal betaald {euro(sum(r['paid_cents'] for r in document['totals']))}."
    )
    return OK


def run_compare(args: argparse.Namespace) -> int:
    setup_django()
    from regie.funding.services import comparison  # noqa: PLC0415 - needs Django set up

    result = comparison(args.year, dt.date.today())
    if args.json:
        emit_json(comparison_document(result))
    else:
        sys.stdout.write(render_comparison(result))  # a preformatted table: no wrapping
    return OK
