"""``regie forecast``: year-end spending per municipality x segment with its 80 % range.

``regie forecast --year Y --as-of DATE [--json]`` -> ``{"rows": [{"municipality", "segment",
"budget", "realised", "ibnr", "remaining", "forecast", "low", "high", "warning", "drivers"}]}``
(domain.md section 12), amounts in cents, extended with ``year``, ``as_of``, the rows per
provider (``providers``) and next year's forecast (``next_year``). ``realised`` is what the
funding rules make due; a row also carries ``advances`` (the per-client advances paid by the
as-of date), which the table shows beside it. The document comes from
:func:`regie.monitor.services.compute_forecast`, the function whose snapshots the web app
shows.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from regie.cli.common import OK, USAGE, add_json_flag, emit_json, fail, report, setup_django
from regie.cli.indicators import iso_date
from regie.formatting import euro


def register(sub: Any) -> None:
    parser = sub.add_parser("forecast", help="prognose van de uitgaven per gemeente en segment, met bandbreedte")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--as-of", type=iso_date, required=True, metavar="DATE", help="peildatum (JJJJ-MM-DD)")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 1900 < args.year < 3000:
        return fail(f"geen geldig jaar: {args.year}", USAGE)
    setup_django()
    from regie.monitor.services import compute_forecast  # noqa: PLC0415 - needs Django set up

    document = compute_forecast(args.year, args.as_of)
    if args.json:
        emit_json(document)
        return OK
    table = Table(title=f"Prognose {args.year}, peildatum {args.as_of:%d-%m-%Y}")
    for heading in ("Gemeente", "Segment", "Budget", "Gerealiseerd", "Voorschotten", "Nog te declareren",
                    "Rest van het jaar", "Prognose", "Bandbreedte (80 %)", "Signaal",
                    "Belangrijkste oorzaak"):  # fmt: skip
        table.add_column(
            heading,
            justify="left" if heading in ("Gemeente", "Segment", "Signaal", "Belangrijkste oorzaak") else "right",
        )
    from regie.engine.forecast import main_driver  # noqa: PLC0415 - heavy (chainladder): not for every command

    for row in document["rows"]:
        drivers = row.get("drivers") or []
        name = main_driver({d["driver"]: d["cents"] for d in drivers})
        main = next((d for d in drivers if d["driver"] == name), None)
        table.add_row(
            row["municipality"], row["segment"], euro(row["budget"]), euro(row["realised"]),
            euro(row["advances"]) if row.get("funding_model") == "per_client" else "–", euro(row["ibnr"]),
            euro(row["remaining"]), euro(row["forecast"]), f"{euro(row['low'])} – {euro(row['high'])}",
            "WAARSCHUWING" if row["warning"] else "binnen budget",
            f"{main['label']} {euro(main['cents'])}" if main else "–",
        )  # fmt: skip
    # A table too wide for 80 columns stays readable when piped to a file.
    (report if report.is_terminal else Console(highlight=False, width=200)).print(table)
    return OK
