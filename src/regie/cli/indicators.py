"""``regie indicators``: the performance indicators of domain.md section 5 (section 12 contract).

``regie indicators --year Y [--as-of DATE] [--by provider,segment,municipality,area,month]
[--provider AGB] [--segment CODE] [--json]`` -> ``{"rows": [{<group keys>, "clients", "inflow",
"outflow", "median_duration_days", "step_down", "sustainable_outflow_rate",
"waiting_median_days", "waiting_within_norm_share", "cost_per_client_cents",
"agreed_clients", "objections"}]}``. The rows come from
:func:`regie.monitor.services.compute_indicators`, the function whose snapshots the web app
shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from rich.console import Console
from rich.table import Table

from regie.cli.common import OK, USAGE, add_json_flag, emit_json, fail, report, setup_django
from regie.engine.indicators import BY_KEYS, COLUMNS
from regie.engine.registry import INDICATOR
from regie.reports.cards import fmt

#: Group keys ``--by`` accepts (domain.md section 12; ``quarter`` and ``year`` as extensions).
CHOICES = BY_KEYS


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"geen datum (JJJJ-MM-DD): {text!r}") from exc


def group_keys(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in keys if k not in CHOICES]
    if unknown:
        raise argparse.ArgumentTypeError(f"onbekende groepering {unknown[0]!r}; kies uit {', '.join(CHOICES)}")
    if len(set(keys)) != len(keys):
        raise argparse.ArgumentTypeError("een groepering staat er twee keer in")
    if sum(k in ("month", "quarter", "year") for k in keys) > 1:
        raise argparse.ArgumentTypeError("groepeer op hoogstens één van month, quarter, year")
    return keys


def register(sub: Any) -> None:
    parser = sub.add_parser("indicators", help="prestatie-indicatoren per aanbieder, segment, gemeente, gebied, maand")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--as-of", type=iso_date, metavar="DATE", help="peildatum (standaard vandaag)")
    parser.add_argument("--by", type=group_keys, default=(), metavar="KEYS", help="bijv. provider,segment,month")
    parser.add_argument("--provider", metavar="AGB", help="alleen deze aanbieder")
    parser.add_argument("--segment", metavar="CODE", help="alleen dit segment")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 1900 < args.year < 3000:
        return fail(f"geen geldig jaar: {args.year}", USAGE)
    setup_django()
    from regie.monitor.services import compute_indicators  # noqa: PLC0415 - needs Django set up

    as_of = args.as_of or dt.date.today()
    rows = compute_indicators(args.year, as_of, args.by, provider=args.provider, segment=args.segment)
    if args.json:
        emit_json({"rows": rows})
        return OK
    title = f"Indicatoren {args.year}, peildatum {as_of:%d-%m-%Y}"
    table = Table(title=title)
    keys = list(args.by)
    for key in keys:
        table.add_column(key)
    for column in COLUMNS:
        table.add_column(INDICATOR[column].short.nl, justify="right")
    for row in rows:
        cells = [str(row.get(k) if row.get(k) is not None else "–") for k in keys]
        cells += [fmt(row.get(column), INDICATOR[column].kind) for column in COLUMNS]
        table.add_row(*cells)
    # A table too wide for 80 columns stays readable when piped to a file.
    (report if report.is_terminal else Console(highlight=False, width=200)).print(table)
    return OK
