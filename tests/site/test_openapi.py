"""The committed OpenAPI document (docs/openapi.yaml) is what the code generates."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator

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


#: The main workflows' operations and the media types whose examples the document shows
#: (request body or a response's status code).
WORKFLOW_EXAMPLES = [
    ("post", "/api/v1/ingest/", "202", "application/json"),
    ("get", "/api/v1/ingest/{id}/", "200", "application/json"),
    ("patch", "/api/v1/signals/{id}/", "request", "application/json"),
    ("patch", "/api/v1/signals/{id}/", "200", "application/json"),
    ("post", "/api/v1/dialogues/{id}/agreements/", "request", "application/json"),
    ("post", "/api/v1/dialogues/{id}/agreements/", "201", "application/json"),
    ("patch", "/api/v1/agreements/{id}/", "request", "application/json"),
    ("post", "/api/v1/opportunity-dossiers/", "400", "application/problem+json"),
]


def _json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable: true`` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    return {"anyOf": [out, {"type": "null"}]} if node.get("nullable") else out


def _examples(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, value) of every example of a request body or a response."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            bodies = [("request", op.get("requestBody", {}))] + list(op.get("responses", {}).items())
            for code, body in bodies:
                for media, content in body.get("content", {}).items():
                    for name, example in content.get("examples", {}).items():
                        yield f"{method} {path} {code} {media} {name}", content["schema"], example["value"]


def test_the_main_workflows_show_examples_that_fit_their_schemas() -> None:
    doc = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    for method, path, code, media in WORKFLOW_EXAMPLES:
        op = doc["paths"][path][method]
        body = op["requestBody"] if code == "request" else op["responses"][code]
        assert body["content"][media].get("examples"), f"{method} {path} {code} {media}: no example"
    components = _json_schema(doc["components"])
    checked = 0
    for where, schema, value in _examples(doc):
        errors = Draft7Validator({"components": components, "allOf": [_json_schema(schema)]}).iter_errors(value)
        assert not [e.message for e in errors], where
        checked += 1
    assert checked >= len(WORKFLOW_EXAMPLES)
