"""``regie forecast``: year-end spending per municipality x segment with its 80 % range.

``regie forecast --year Y --as-of DATE [--scenario FILE] [--years N] [--population CSV] [--json]`` -> ``{"rows": [{"municipality", "segment",
"budget", "realised", "ibnr", "remaining", "forecast", "low", "high", "warning", "drivers"}]}``
(domain.md section 12), amounts in cents, extended with ``year``, ``as_of``, the rows per
provider (``providers``) and next year's forecast (``next_year``). ``realised`` is what the
funding rules make due; a row also carries ``advances`` (the per-client advances paid by the
as-of date), which the table shows beside it. The document comes from
:func:`regie.monitor.services.compute_forecast`, the function whose snapshots the web app
shows. With ``--scenario`` every row carries ``baseline`` (the forecast without the scenario)
and ``changes`` (the difference split by change); ``--years N`` adds ``outlook`` per row
(:func:`regie.scenarios.services.compute_scenario`).
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
    parser.add_argument("--scenario", metavar="FILE", help="scenario (TOML met [[change]]-regels)")
    parser.add_argument("--years", type=int, default=0, metavar="N", help="meerjarenprognose: N jaar verder (1-5)")
    parser.add_argument(
        "--population", metavar="CSV", help="bevolkingsprognose per gemeente en leeftijdsgroep (schaalt de instroom)"
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


def _scenario_run(args: argparse.Namespace) -> int:
    """``--scenario`` / ``--years``: the document of :func:`regie.scenarios.services.compute_scenario`."""
    from pathlib import Path  # noqa: PLC0415

    from regie.engine.scenarios import ScenarioError, parse_population, parse_scenario  # noqa: PLC0415

    if not 0 <= args.years <= 5:
        return fail(f"--years moet 0 tot en met 5 zijn, niet {args.years}", USAGE)
    try:
        scenario = parse_scenario(Path(args.scenario).read_text(encoding="utf-8")) if args.scenario else None
        population = parse_population(Path(args.population).read_text(encoding="utf-8")) if args.population else None
    except OSError as exc:
        return fail(f"kan niet lezen: {exc}", USAGE)
    except ScenarioError as exc:
        return fail(str(exc))
    setup_django()
    from regie.scenarios.services import compute_scenario  # noqa: PLC0415 - needs Django set up

    document = compute_scenario(args.year, args.as_of, scenario, years=args.years, population=population)
    if args.json:
        emit_json(document)
        return OK
    _scenario_table(document)
    return OK


def _scenario_table(document: dict[str, Any]) -> None:
    """The rows with their baseline, difference and outlook, as a table on stdout."""
    scenario = document.get("scenario")
    title = f"Prognose {document['year']}, peildatum {document['as_of']}"
    table = Table(title=f"{title}: scenario {scenario['name']}" if scenario else title)
    years = [o["year"] for o in (document["rows"][0].get("outlook") or [])] if document["rows"] else []
    headings = (
        ["Gemeente", "Segment", "Zonder scenario", "Met scenario", "Verschil"]
        if scenario
        else ["Gemeente", "Segment", "Prognose", "Bandbreedte (80 %)"]
    )
    for heading in [*headings, *map(str, years)]:
        table.add_column(heading, justify="left" if heading in ("Gemeente", "Segment") else "right")
    for row in document["rows"]:
        cells = [row["municipality"], row["segment"]]
        if scenario:
            cells += [euro(row["baseline"]), euro(row["forecast"]), euro(row["difference"])]
        else:
            cells += [euro(row["forecast"]), f"{euro(row['low'])} – {euro(row['high'])}"]
        cells += [euro(o["forecast"]) for o in row.get("outlook") or []]
        table.add_row(*cells)
    (report if report.is_terminal else Console(highlight=False, width=200)).print(table)
    if scenario:
        for part in document["totals"]["changes"]:
            report.print(f"{part['change']}. {part['title']}: {euro(part['cents'])}")


def run(args: argparse.Namespace) -> int:
    if not 1900 < args.year < 3000:
        return fail(f"geen geldig jaar: {args.year}", USAGE)
    if args.scenario or args.years or args.population:
        return _scenario_run(args)
    setup_django()
    from regie.monitor.services import compute_forecast  # noqa: PLC0415 - needs Django set up

    document = compute_forecast(args.year, args.as_of)
    if args.json:
        emit_json(document)
        return OK
    table = Table(title=f"Prognose {args.year}, peildatum {args.as_of:%d-%m-%Y}")
    for heading in (
        "Gemeente",
        "Segment",
        "Budget",
        "Gerealiseerd",
        "Voorschotten",
        "Nog te declareren",
        "Rest van het jaar",
        "Prognose",
        "Bandbreedte (80 %)",
        "Signaal",
        "Belangrijkste oorzaak",
    ):
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
            row["municipality"],
            row["segment"],
            euro(row["budget"]),
            euro(row["realised"]),
            euro(row["advances"]) if row.get("funding_model") == "per_client" else "–",
            euro(row["ibnr"]),
            euro(row["remaining"]),
            euro(row["forecast"]),
            f"{euro(row['low'])} – {euro(row['high'])}",
            "WAARSCHUWING" if row["warning"] else "binnen budget",
            f"{main['label']} {euro(main['cents'])}" if main else "–",
        )
    # A table too wide for 80 columns stays readable when piped to a file.
    (report if report.is_terminal else Console(highlight=False, width=200)).print(table)
    return OK
