"""The arrival order is known before a file is read: :func:`regie.intake.xml.arrival_of` finds
exactly the Dagtekening and message number that reading the whole file finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from regie.intake.xml import _arrival_fast, arrival_of
from regie.messages import read

DATA = Path(__file__).resolve().parent.parent / "data" / "messages"
FILES = sorted(DATA.glob("*/*.xml"))


def header_of(raw: bytes) -> tuple[object, str]:
    message = read(raw).message
    return (message.header.dagtekening, message.header.message) if message is not None else (None, "")


def variants(raw: bytes) -> dict[str, bytes]:
    """The same message written in the ways XML allows that a quick look could misread."""
    text = raw.decode("utf-8")
    date = re.search(r"<(\w+:)?Dagtekening>([^<]*)<", text)
    assert date
    return {
        "plain": raw,
        "comment with another date before the root": text.replace(
            "?>", "?>\n<!-- <x:Dagtekening>2001-01-01</x:Dagtekening> -->", 1
        ).encode(),
        "processing instruction": text.replace("?>", "?>\n<?x y?>", 1).encode(),
        "comment inside the identification": re.sub(
            r"(</\w+:Identificatie>)", r"\1<!-- 2001-01-01 -->", text, count=1
        ).encode(),
        "UTF-16": text.replace("encoding='UTF-8'", "encoding='UTF-16'")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16"),
        "Latin-1": text.replace("encoding='UTF-8'", "encoding='ISO-8859-1'")
        .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        .encode("latin-1", "replace"),
        "character reference in the date": text.replace(
            date.group(0), date.group(0).replace(">" + date.group(2)[0], ">&#" + str(ord(date.group(2)[0])) + ";"), 1
        ).encode(),
        "CDATA in the date": text.replace(
            date.group(0), date.group(0).replace(">" + date.group(2), f"><![CDATA[{date.group(2)}]]>"), 1
        ).encode(),
        "spaces around the date": text.replace(
            date.group(0), date.group(0).replace(">" + date.group(2), f"> {date.group(2)} "), 1
        ).encode(),
        "no declaration": re.sub(r"^<\?xml[^>]*\?>\s*", "", text).encode(),
        "cut off after the header": raw[: raw.index(b"Dagtekening>") + 40],
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_arrival_is_the_one_reading_the_file_finds(path: Path) -> None:
    for name, raw in variants(path.read_bytes()).items():
        expected = header_of(raw)
        found = arrival_of(raw)
        if expected[0] is not None:
            assert found == expected, name
        if name == "plain":
            assert _arrival_fast(raw) == expected, "the quick look reads a plain message"


def test_an_unreadable_file_has_no_arrival() -> None:
    assert arrival_of(b"not xml") == (None, "")
    assert arrival_of(b"<?xml version='1.0'?><!DOCTYPE x []><x/>") == (None, "")
