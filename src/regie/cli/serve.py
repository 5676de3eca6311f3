"""``regie serve``: the web app and API."""

from __future__ import annotations

import argparse
from typing import Any

from regie.cli.common import OK, USAGE, console, fail, setup_django


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


def development_keys_in_use() -> list[str]:
    """The development keys the settings hold, unless development is what this is
    (``REGIE_DEBUG=1`` or the demo): ``regie serve`` refuses to serve under them."""
    from django.conf import settings  # noqa: PLC0415 - after Django is set up

    if settings.DEBUG or settings.DEMO:
        return []
    used = [
        ("REGIE_SECRET_KEY", settings.SECRET_KEY, settings.DEVELOPMENT_SECRET_KEY),
        ("REGIE_PSEUDONYM_KEY", settings.PSEUDONYM_KEY, settings.DEVELOPMENT_PSEUDONYM_KEY),
    ]
    return [name for name, value, development in used if value == development]


def run(args: argparse.Namespace) -> int:
    setup_django()
    refused = development_keys_in_use()
    if refused:
        return fail(
            f"{' en '.join(refused)}: dit is de ontwikkelsleutel, die iedereen kent. Zet een eigen geheime sleutel "
            "(zie README, Configuratie), of gebruik REGIE_DEBUG=1 alleen op een ontwikkelmachine.",
            USAGE,
        )
    console.print(f"Regie draait op http://{args.host}:{args.port}/  (stoppen met Ctrl+C)")
    serve(args.host, args.port, args.threads)
    return OK
