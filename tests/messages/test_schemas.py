"""Our XSDs: generated from one description, committed, and as strict as the standard."""

from __future__ import annotations

import pytest
from lxml import etree

from regie.messages import write
from regie.messages.codes import ALL_MESSAGES, LAWS, Law
from regie.messages.schemas import schema
from regie.messages.structure import XSD_DIR, generated_files

from .samples import all_messages


def test_the_committed_xsds_are_what_the_description_generates() -> None:
    files = generated_files()
    on_disk = {str(p.relative_to(XSD_DIR)): p.read_bytes() for p in XSD_DIR.rglob("*.xsd")}
    assert sorted(on_disk) == sorted(files)
    stale = [name for name, data in files.items() if on_disk[name] != data]
    assert stale == [], "run: uv run python -m regie.messages.structure"


@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("number", ALL_MESSAGES)
def test_every_message_we_write_validates_against_its_xsd(law: Law, number: str) -> None:
    validator = schema(law, number)
    document = etree.fromstring(write(all_messages(law)[number]))
    assert validator.validate(document), validator.error_log


def test_the_laws_have_their_own_code_lists() -> None:
    jw = (XSD_DIR / "ijw" / "basisschema.xsd").read_text(encoding="utf-8")
    wmo = (XSD_DIR / "iwmo" / "basisschema.xsd").read_text(encoding="utf-8")
    assert 'value="45"' in jw and 'value="45"' not in wmo  # Jeugdhulp ambulant
    assert 'value="15"' in wmo  # beschermd wonen


def test_gezagsdrager_bekend_exists_only_in_the_jw315() -> None:
    assert b"GezagsdragerBekend" in (XSD_DIR / "ijw" / "jw315.xsd").read_bytes()
    assert b"GezagsdragerBekend" not in (XSD_DIR / "iwmo" / "wmo315.xsd").read_bytes()
