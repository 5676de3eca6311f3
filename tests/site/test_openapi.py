"""The committed OpenAPI document (docs/openapi.yaml) is what the code generates."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.utils import translation

from tests.conftest import ROOT


def test_openapi_has_not_drifted(tmp_path: Path) -> None:
    fresh = tmp_path / "openapi.yaml"
    with translation.override("nl"):  # the schema holds translated labels; another test may have switched
        call_command("spectacular", "--file", str(fresh))
    committed = ROOT / "docs" / "openapi.yaml"
    assert fresh.read_text() == committed.read_text(), (
        "docs/openapi.yaml is out of date: run `uv run regie-manage spectacular --file docs/openapi.yaml`"
    )
