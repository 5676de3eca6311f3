"""``regie generate``: a synthetic region (catalog, messages, truth set)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from regie.cli.common import OK, REJECTED, USAGE, add_json_flag, console, emit_json, fail
from regie.synth import PROFILES, SynthError, generate


def register(sub: Any) -> None:
    parser = sub.add_parser("generate", help="genereer een synthetische regio (catalog.toml, berichten, waarheid)")
    parser.add_argument("--profile", required=True, choices=sorted(PROFILES))
    parser.add_argument("--year", required=True, type=int, help="het lopende jaar; de historie gaat jaren terug")
    parser.add_argument("--seed", required=True, type=int)
    parser.add_argument("--out", required=True, type=Path, metavar="DIR")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fractie van het profiel (bijv. 0.05 voor snelle tests); standaard 1"
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        summary = generate(args.profile, args.year, args.seed, args.out, scale=args.scale, progress=not args.json)
    except SynthError as exc:
        return fail(str(exc), USAGE if exc.usage else REJECTED)
    if args.json:
        emit_json(summary)
        return OK
    per_year = ", ".join(f"{year}: {n}" for year, n in summary["clients_per_year"].items())
    messages = sum(summary["messages"].values())
    console.print(f"Regio '{args.profile}' gegenereerd in {args.out}", markup=False)
    console.print(f"  cliënten per jaar: {per_year}")
    console.print(f"  berichten: {messages} ({', '.join(f'{k} {v}' for k, v in summary['messages'].items())})")
    console.print(
        f"  csv-bestanden: {sum(summary['csv_files'].values())}; waarheid: {args.out / 'truth'}", markup=False
    )
    return OK
