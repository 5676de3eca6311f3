"""What every sub-command shares: Django set-up, JSON output, errors, the stderr console."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from rich.console import Console

OK, REJECTED, USAGE = 0, 1, 2

#: Progress, messages and errors go to stderr ...
console = Console(stderr=True, highlight=False)
#: ... reports (tables) that a user may pipe go to stdout, only without ``--json``.
report = Console(highlight=False)


def setup_django(migrate: bool = True) -> None:
    """Configure Django from the environment and bring the database schema up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regie.site.settings")
    import django  # noqa: PLC0415 - Django is set up only for the commands that need a database
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    try:
        django.setup()
    except ImproperlyConfigured as exc:  # a missing key: say how to set it, no traceback
        raise SystemExit(fail(str(exc), USAGE)) from None
    if migrate:
        from regie.site.baseline import IncompleteHistory  # noqa: PLC0415 - needs Django set up

        try:
            call_command("migrate", verbosity=0, interactive=False)
        except IncompleteHistory as exc:  # too old to migrate here: nothing changed, say which release first
            raise SystemExit(fail(str(exc))) from None


def emit_json(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, default=str, sort_keys=False))
    sys.stdout.write("\n")
    sys.stdout.flush()


def fail(message: str, code: int = REJECTED) -> int:
    """Print a reason on stderr and return the exit code."""
    print(f"regie: {message}", file=sys.stderr)
    return code


def add_json_flag(parser: Any) -> None:
    parser.add_argument("--json", action="store_true", help="één JSON-document op stdout")
