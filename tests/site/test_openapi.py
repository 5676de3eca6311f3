"""The committed OpenAPI document (docs/openapi.yaml) is what the code generates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_openapi_has_not_drifted(tmp_path: Path) -> None:
    """Generated in a process of its own, as a user does: in the test process another test's
    state (the active language, a field's cached validators) leaked into the document, so it
    differed with the order of the tests."""
    fresh = tmp_path / "openapi.yaml"
    env = {**os.environ, "REGIE_DEBUG": "1"}
    subprocess.run(
        [sys.executable, "-m", "regie.site.manage", "spectacular", "--file", str(fresh)],
        check=True,
        env=env,
        cwd=ROOT,
    )
    committed = ROOT / "docs" / "openapi.yaml"
    assert fresh.read_text() == committed.read_text(), (
        "docs/openapi.yaml is out of date: run `uv run regie-manage spectacular --file docs/openapi.yaml`"
    )
