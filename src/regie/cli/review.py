"""``regie review``: the long-stay review (issue 20).

``regie review --as-of DATE [--json]`` -> ``{"as_of", "rows": [{"client", "episode",
"municipality", "segment", "provider", "start", "days", "review_after_days",
"declared_cents", "review"}], "reviews": [{..., "outcome", "due", "follow_up"}]}``: the
clients (pseudonyms) in care longer than their segment's ``review_after_days`` (catalog,
default 365), longest first, and the recorded review outcomes with their follow-up
(``done``, ``pending``, ``overdue``; ``not_applicable`` for continue).

``regie review record --client C --segment S --provider AGB --outcome continue|step_down|end
--due DATE [--note TEXT]`` records an outcome (audited, as the command line).
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.table import Table

from regie.cli.common import OK, REJECTED, add_json_flag, emit_json, fail, report, setup_django
from regie.cli.indicators import iso_date
from regie.formatting import euro


def register(sub: Any) -> None:
    parser = sub.add_parser("review", help="heroverweging langdurige zorg: werklijst en uitkomsten")
    parser.add_argument("action", nargs="?", choices=["list", "record"], default="list")
    parser.add_argument("--as-of", type=iso_date, metavar="DATE", help="peildatum (JJJJ-MM-DD; standaard vandaag)")
    for name in ("client", "segment", "provider", "outcome", "note", "episode", "municipality"):
        parser.add_argument(f"--{name}")
    parser.add_argument("--due", type=iso_date, metavar="DATE")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def _scope() -> Any:
    from regie.accounts.scope import Scope  # noqa: PLC0415 - needs Django set up

    return Scope(role="gemeente", region_id=None, provider_id=None, provider_agb=None)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone  # noqa: PLC0415

    from regie.scenarios import review  # noqa: PLC0415
    from regie.scenarios.services import InvalidScenario  # noqa: PLC0415

    as_of = args.as_of or timezone.localdate()
    if args.action == "record":
        data = {
            k: getattr(args, k) for k in ("client", "segment", "provider", "outcome", "note", "episode", "municipality")
        }
        try:
            saved = review.record_review(None, {**data, "due": args.due, "reviewed_on": as_of}, today=as_of)
        except InvalidScenario as exc:
            return fail(str(exc), REJECTED)
        if args.json:
            emit_json({"id": saved.pk, "outcome": saved.outcome, "due": saved.due.isoformat()})
        else:
            report.print(
                f"Uitkomst {saved.pk} vastgelegd: {saved.get_outcome_display()} uiterlijk {saved.due:%d-%m-%Y}"
            )
        return OK
    rows = review.long_stays(_scope(), as_of)
    reviews = review.review_rows(_scope(), as_of)
    if args.json:
        emit_json({"as_of": as_of.isoformat(), "rows": rows, "reviews": reviews})
        return OK
    table = Table(title=f"Langdurige zorg, peildatum {as_of:%d-%m-%Y}")
    for heading in ("Cliënt", "Gemeente", "Segment", "Aanbieder", "Sinds", "Dagen", "Gedeclareerd", "Heroverweging"):
        table.add_column(heading, justify="right" if heading in ("Dagen", "Gedeclareerd") else "left")
    for r in rows:
        done = r["review"]["outcome"] if r["review"] else "–"
        table.add_row(
            r["client"][:12],
            r["municipality"],
            r["segment"],
            r["provider"],
            r["start"],
            str(r["days"]),
            euro(r["declared_cents"]),
            done,
        )
    report.print(table)
    return OK
