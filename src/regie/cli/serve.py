"""``regie serve``: the web app and API."""

from __future__ import annotations

import argparse
from typing import Any

from regie.cli.common import OK, console, setup_django


def register(sub: Any) -> None:
    parser = sub.add_parser("serve", help="start de webapplicatie en de API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)
    parser.set_defaults(func=run)


def serve(host: str, port: int, threads: int = 8) -> None:
    """Serve the WSGI app with waitress until interrupted (the database must be set up)."""
    from waitress import serve as waitress_serve  # noqa: PLC0415 - only when serving

    from regie.site.wsgi import application  # noqa: PLC0415 - needs Django set up

    waitress_serve(application, host=host, port=port, threads=threads, ident="Regie")


def run(args: argparse.Namespace) -> int:
    setup_django()
    console.print(f"Regie draait op http://{args.host}:{args.port}/  (stoppen met Ctrl+C)")
    serve(args.host, args.port, args.threads)
    return OK
