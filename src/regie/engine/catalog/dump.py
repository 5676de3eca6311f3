"""Writing ``catalog.toml``: :func:`dumps_catalog` gives the text of a catalog, keys at their
default left out (the synthetic regions use it); :func:`regie.engine.catalog.parse` reads it
back to the same catalog.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from regie.engine.catalog.model import ANSWER_TERM_DAYS, Catalog


def _defaults(cls: type) -> dict[str, Any]:
    """Field name -> default value, for the fields that have one."""
    out: dict[str, Any] = {}
    for f in fields(cls):
        if f.default is not MISSING:
            out[f.name] = f.default
        elif f.default_factory is not MISSING:
            out[f.name] = f.default_factory()
    return out


def _is_default(value: Any, default: Any) -> bool:
    """Equal to the default, counting every empty collection as the same."""
    return bool(value == default or (isinstance(value, (list, tuple, dict)) and not value and not default))


def catalog_to_dict(catalog: Catalog) -> dict[str, Any]:
    """The TOML document of a catalog; keys at their default are left out."""

    def strip(obj: Any) -> dict[str, Any]:
        defaults = _defaults(type(obj))
        out: dict[str, Any] = {}
        for f in fields(obj):
            value = getattr(obj, f.name)
            if (
                f.name in defaults
                and _is_default(value, defaults[f.name])
                and f.name not in ("weight", "max_providers")
            ):
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    return {
        "region": {"name": catalog.region}
        | ({} if catalog.answer_term_days == ANSWER_TERM_DAYS else {"answer_term_days": catalog.answer_term_days}),
        "municipality": [strip(m) for m in catalog.municipalities],
        "segment": [strip(s) for s in catalog.segments],
        "provider": [strip(p) for p in catalog.providers],
        "contract": [strip(c) for c in catalog.contracts],
        "budget": [strip(b) for b in catalog.budgets],
        "innovation_fund": [strip(f) for f in catalog.innovation_funds],
    }


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    """One TOML value: strings, booleans, numbers, dates, and inline arrays and tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def dumps_catalog(catalog: Catalog) -> str:
    """The catalog as ``catalog.toml`` text: ``[region]`` and one ``[[kind]]`` table per entry,
    in the order of domain.md section 12 (deterministic: same catalog, same text).

    >>> import tomllib
    >>> from regie.engine.catalog import Municipality, catalog_from_dict
    >>> text = dumps_catalog(Catalog("R", (Municipality("0983", "Venlo"),), (), (), (), ()))
    >>> print(text)
    [region]
    name = "R"
    <BLANKLINE>
    [[municipality]]
    code = "0983"
    name = "Venlo"
    <BLANKLINE>
    >>> catalog_from_dict(tomllib.loads(text)).municipalities[0].name
    'Venlo'
    """
    document = catalog_to_dict(catalog)
    lines = ["[region]", *(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in document.pop("region").items())]
    for kind, entries in document.items():
        for entry in entries:
            lines += ["", f"[[{kind}]]", *(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in entry.items())]
    return "\n".join(lines) + "\n"


def dump_catalog(catalog: Catalog, path: str | Path) -> None:
    """Write ``catalog.toml`` (see :func:`dumps_catalog`)."""
    Path(path).write_text(dumps_catalog(catalog), encoding="utf-8")
