"""``regie-manage``: Django's management commands for Regie (migrations, admin users, shell)."""

from __future__ import annotations

import os
import sys

#: Commands that read no data and serve nothing (code and schema tools): they run without the
#: keys that every other command needs (regie.site.settings).
KEYLESS = {"makemigrations", "spectacular", "makemessages", "compilemessages", "check", "help", "version"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regie.site.settings")
    if len(sys.argv) < 2 or sys.argv[1] in KEYLESS:
        os.environ["REGIE_KEYLESS_COMMAND"] = "1"
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415 - after the settings are named
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    from regie.site.baseline import IncompleteHistory  # noqa: PLC0415

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:  # a missing key: say how to set it, no traceback
        print(f"regie-manage: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except IncompleteHistory as exc:  # a database too old to migrate here: say which release first
        print(f"regie-manage: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
