"""Issue 12, failure 7: ``regie check`` starts at once: it imports neither the forecast's
libraries (chainladder, scikit-learn, pandas, SciPy) nor polars or Django (it took 10-25 s to
start when every sub-command was imported up front)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DATA, ROOT

HEAVY = ("chainladder", "sklearn", "pandas", "scipy", "polars", "lifelines", "django", "weasyprint", "openpyxl")

PROBE = """
import json, sys
from regie.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "loaded": [m for m in %r if m in sys.modules]}))
"""


def test_regie_check_imports_nothing_heavy() -> None:
    sample = DATA / "messages" / "standard" / "wmo307_voorbeeld.xml"
    done = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,), "check", str(sample), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report == {"code": 0, "loaded": []}


def test_every_command_is_still_known() -> None:
    from regie.cli import COMMANDS, build_parser

    help_text = build_parser().format_help()
    assert all(name in help_text for name in COMMANDS)
    assert build_parser("check").parse_args(["check", "x.xml"]).command == "check"
