"""Acceptance: each of the standard's examples passes ``regie check``; the same example with a
broken date, a misplaced element or a wrong namespace fails it, naming the path of the fault.

The checks call :func:`regie.messages.check_paths`, the function behind ``regie check``
(its command line, JSON and exit codes are tested in ``test_check.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from regie.messages import check_paths
from regie.messages.codes import ALL_MESSAGES, LAWS, MESSAGE_CODES
from regie.messages.schemas import element_path

DATA = Path(__file__).resolve().parent.parent / "data" / "messages"
STANDARD = sorted((DATA / "standard").glob("*.xml"))
#: Published example messages that are valid under the XSD but break a rule inside the message.
BREAKS_A_RULE = {"jw323_totaal_ongelijk_aan_som.xml": ("TR358", "/Bericht/Declaratie/TotaalIngediendBedrag")}
DATE = re.compile(r">([0-9]{4})-([0-9]{2})-([0-9]{2})<")


def _check(tmp_path: Path, name: str, data: bytes) -> tuple[int, dict]:  # type: ignore[type-arg]
    """``regie check`` on one file: its exit code and its entry in the JSON document."""
    target = tmp_path / name
    target.write_bytes(data)
    [entry] = check_paths([target])["files"]
    return (0 if entry["valid"] else 1), entry


def _first_date_path(data: bytes) -> str:
    root = etree.fromstring(data)
    node = next(
        n
        for n in root.iter()
        if isinstance(n.tag, str) and n.text and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", n.text)
    )
    return element_path(node)


def test_every_published_example_of_both_laws_passes_or_is_refused_with_its_rule() -> None:
    """All the standard's example messages (``standard/`` and ``invalid/``, sources in their
    READMEs) through ``regie check``: the valid ones pass, the one that breaks TR358 is refused
    with that rule; none is "not a 3.2 message"."""
    document = check_paths([DATA / "standard", DATA / "invalid"])
    entries = {Path(e["file"]).name: e for e in document["files"]}
    assert sorted(entries) == sorted([p.name for p in STANDARD] + list(BREAKS_A_RULE))
    for name, entry in entries.items():
        assert entry["message"] == name.split("_")[0].upper(), name
        if name in BREAKS_A_RULE:
            rule, path = BREAKS_A_RULE[name]
            assert not entry["valid"] and [(e["reason"][:5], e["path"]) for e in entry["errors"]] == [(rule, path)]
        else:
            assert entry["valid"] and entry["errors"] == [], name
    assert {"JW319", "WMO320"} <= {e["message"] for e in entries.values()}


def test_check_knows_every_message_of_release_3_2() -> None:
    """COD002-VEKT lists 14 messages per law; each has its namespace, schema and BerichtCode."""
    for law in LAWS:
        assert sorted(MESSAGE_CODES[law]) == sorted(ALL_MESSAGES) and len(ALL_MESSAGES) == 14
    assert (MESSAGE_CODES["jw"]["319"], MESSAGE_CODES["jw"]["320"]) == ("488", "489")
    assert (MESSAGE_CODES["wmo"]["319"], MESSAGE_CODES["wmo"]["320"]) == ("482", "483")


@pytest.mark.parametrize("path", STANDARD, ids=lambda p: p.stem)
def test_the_example_passes(path: Path, tmp_path: Path) -> None:
    code, entry = _check(tmp_path, path.name, path.read_bytes())
    assert (code, entry["valid"], entry["errors"]) == (0, True, [])


@pytest.mark.parametrize("path", STANDARD, ids=lambda p: p.stem)
def test_the_example_with_a_broken_date_fails(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    broken = DATE.sub(lambda m: f">{m.group(1)}-13-{m.group(3)}<", data.decode("utf-8"), count=1).encode("utf-8")
    code, entry = _check(tmp_path, path.name, broken)
    assert code == 1 and entry["valid"] is False
    assert entry["errors"][0]["path"] == _first_date_path(data)
    assert entry["errors"][0]["code"] == "0001"


@pytest.mark.parametrize("path", STANDARD, ids=lambda p: p.stem)
def test_the_example_with_a_misplaced_element_fails(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    versie = re.search(r"<(\w+):BerichtVersie>3</\1:BerichtVersie>", text)
    subversie = re.search(r"<(\w+):BerichtSubversie>2</\1:BerichtSubversie>", text)
    assert versie and subversie
    swapped = (
        text.replace(versie.group(0), "\x00")
        .replace(subversie.group(0), versie.group(0))
        .replace("\x00", subversie.group(0))
    )
    code, entry = _check(tmp_path, path.name, swapped.encode("utf-8"))
    assert code == 1 and entry["valid"] is False
    assert entry["errors"][0]["path"] == "/Bericht/Header/BerichtSubversie"
    assert "BerichtVersie" in entry["errors"][0]["reason"]


@pytest.mark.parametrize("path", STANDARD, ids=lambda p: p.stem)
def test_the_example_with_a_wrong_namespace_fails(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    wrong = re.sub(
        r"(xmlns:(?:jw|wmo)\d{3}=\"http://www\.istandaarden\.nl/i(?:jw|wmo)/)3_2/", r"\g<1>3_1/", text, count=1
    )
    assert wrong != text
    code, entry = _check(tmp_path, path.name, wrong.encode("utf-8"))
    assert code == 1 and entry["valid"] is False and entry["message"] is None
    assert entry["errors"][0]["path"] == "/Bericht" and entry["errors"][0]["code"] == "RG04"
