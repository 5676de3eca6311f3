"""``regie generate``: a synthetic region (catalog, messages, truth set)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from regie.cli.common import OK, add_json_flag, console, emit_json
from regie.synth import PROFILES, generate


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
    summary = generate(args.profile, args.year, args.seed, args.out, scale=args.scale, progress=not args.json)
    if args.json:
        emit_json(summary)
    else:
        console.print(f"Regio '{args.profile}' gegenereerd in {args.out}: {summary}")
    return OK
