"""``regie users add NAME --role ...`` and ``regie users token NAME`` (domain.md section 12).

``add`` makes a user or updates it (idempotent by name); ``--password-stdin`` reads the
password from the first line of stdin (never from the command line, where ``ps`` shows it).
``token`` prints a new API token on stdout, and nothing else there, so that
``T=$(regie users token NAME)`` works; the token this command made before stops working
(tokens made on the account page, ``/mijn-account/``, stay).
Exit codes: 0 done, 1 rejected (unknown provider or user, no catalog, a weak password),
2 wrong usage (a role without the provider it needs, a provider with a role that has none).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from regie.cli.common import OK, REJECTED, USAGE, add_json_flag, console, emit_json, fail, setup_django

ROLES = ("gemeente", "aanbieder", "raad", "relatiebeheerder")


def register(sub: Any) -> None:
    parser = sub.add_parser("users", help="gebruikers en hun rol; API-tokens")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="maak of wijzig een gebruiker (idempotent op naam)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--provider", metavar="AGB", help="de aanbieder van een aanbieder-gebruiker")
    add.add_argument(
        "--providers", metavar="AGB,...", default="", help="de aanbieders die een relatiebeheerder beheert"
    )
    add.add_argument("--password-stdin", action="store_true", help="lees het wachtwoord van de eerste regel op stdin")
    add_json_flag(add)
    add.set_defaults(func=run_add)
    token = actions.add_parser("token", help="druk een nieuw API-token af (het vorige van deze opdracht vervalt)")
    token.add_argument("name", metavar="NAME")
    add_json_flag(token)
    token.set_defaults(func=run_token)


def _agbs(text: str) -> list[str]:
    return [a.strip() for a in text.split(",") if a.strip()]


def run_add(args: argparse.Namespace) -> int:
    setup_django(migrate=False)
    from regie.accounts.users import UserError, add_user, check_role_arguments  # noqa: PLC0415 - needs Django

    providers = _agbs(args.providers)
    problem = check_role_arguments(args.role, args.provider, providers)
    if problem:
        return fail(problem, USAGE)
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            return fail("geen wachtwoord op stdin (--password-stdin)", REJECTED)
    setup_django()  # the database, brought up to date (a usage error above leaves it alone)
    try:
        added = add_user(args.name, args.role, provider=args.provider, providers=providers, password=password)
    except UserError as exc:
        return fail(str(exc), REJECTED)
    if args.json:
        emit_json(added.as_dict())
    else:
        what = "aangemaakt" if added.created else "bijgewerkt"
        console.print(f"Gebruiker '{added.name}' {what}: rol {added.role}.", markup=False)
    return OK


def run_token(args: argparse.Namespace) -> int:
    setup_django()
    from regie.accounts.tokens import issue_token  # noqa: PLC0415 - needs Django set up
    from regie.accounts.users import UserError, find_user  # noqa: PLC0415

    try:
        user = find_user(args.name)
    except UserError as exc:
        return fail(str(exc), REJECTED)
    token, expires = issue_token(user)
    if args.json:
        emit_json({"user": args.name, "token": token, "expires": expires.isoformat()})
    else:
        sys.stdout.write(token + "\n")
        console.print(
            f"Nieuw API-token voor '{args.name}', geldig tot {expires:%Y-%m-%d %H:%M} UTC; het vorige van deze opdracht werkt niet meer. "
            "Gebruik: Authorization: Token <token>",
            markup=False,
        )
    return OK
