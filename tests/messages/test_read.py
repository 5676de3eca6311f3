"""Reading: the standard's examples pass; broken copies fail with the path of the fault; the
parser refuses what is unsafe; BSNs never leak."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import pytest

from regie.messages import Allocation, CareStop, Declaration, Extent, Product, read, write
from regie.messages.bsn import pseudonym
from regie.messages.codes import LAWS, Law

from .samples import BSN, BSN2, all_messages

DATA = Path(__file__).resolve().parent.parent / "data" / "messages"
STANDARD = sorted((DATA / "standard").glob("*.xml"))
HANDWRITTEN = sorted((DATA / "casus").glob("*.xml"))


@pytest.mark.parametrize("path", STANDARD + HANDWRITTEN, ids=lambda p: p.name)
def test_the_standards_examples_and_the_case_messages_are_valid(path: Path) -> None:
    result = read(path.read_bytes(), source=path.name)
    assert result.faults == ()
    assert result.message is not None
    assert result.name == path.stem.split("_")[0].upper()


def _mutate(path: Path, old: str, new: str) -> bytes:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    return text.replace(old, new, 1).encode("utf-8")


def test_a_broken_date_fails_with_its_path() -> None:
    data = _mutate(DATA / "standard" / "jw305_voorbeeld.xml", "2023-04-15", "2023-02-30")
    result = read(data)
    assert result.message is None
    [fault] = result.faults
    assert fault.path == "/Bericht/Client/StartProducten/StartProduct[2]/Begindatum"
    assert fault.code == "0001"
    assert "ongeldig" in fault.reason and "datum" in fault.reason
    assert fault.record == "300202"


def test_a_date_with_a_time_zone_fails() -> None:
    data = _mutate(
        DATA / "standard" / "wmo307_voorbeeld.xml", "<wmo307:Einddatum>2023-07-19<", "<wmo307:Einddatum>2023-07-19Z<"
    )
    result = read(data)
    assert result.message is None
    assert result.faults[0].path == "/Bericht/Client/StopProducten/StopProduct[1]/Einddatum"


def test_a_misplaced_element_fails_with_its_path() -> None:
    path = DATA / "standard" / "jw323_voorbeeld.xml"
    text = path.read_text(encoding="utf-8")
    period = re.search(r"<jw323:DeclaratiePeriode>.*?</jw323:DeclaratiePeriode>", text, re.S)
    assert period is not None
    moved = text.replace(period.group(0), "", 1).replace(
        "</jw323:DeclaratieDagtekening>", "</jw323:DeclaratieDagtekening>" + period.group(0), 1
    )
    result = read(moved.encode())
    assert result.message is None
    assert result.faults[0].path == "/Bericht/Declaratie/DeclaratieDagtekening"
    assert "DeclaratiePeriode" in result.faults[0].reason


def test_a_missing_required_element_fails() -> None:
    data = _mutate(DATA / "standard" / "wmo305_voorbeeld.xml", "<wmo305:Geslacht>1</wmo305:Geslacht>", "")
    result = read(data)
    assert result.message is None
    assert result.faults[0].path == "/Bericht/Client/Naam"
    assert "Geslacht" in result.faults[0].reason


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            'xmlns:jw305="http://www.istandaarden.nl/ijw/3_2/jw305/schema"',
            'xmlns:jw305="http://www.istandaarden.nl/ijw/3_1/jw305/schema"',
        ),
        ('xmlns:jw305="http://www.istandaarden.nl/ijw/3_2/jw305/schema"', 'xmlns:jw305="http://example.org/jw305"'),
        (
            'xmlns:jw305="http://www.istandaarden.nl/ijw/3_2/jw305/schema"',
            'xmlns:jw305="http://www.istandaarden.nl/iwmo/3_2/jw305/schema"',
        ),
    ],
    ids=["release-3.1", "foreign", "wrong-standard"],
)
def test_a_wrong_message_namespace_is_rejected(old: str, new: str) -> None:
    result = read(_mutate(DATA / "standard" / "jw305_voorbeeld.xml", old, new))
    assert result.message is None
    [fault] = result.faults
    assert (fault.code, fault.path) == ("RG04", "/Bericht")
    assert "naamruimte" in fault.reason


def test_a_wrong_basisschema_namespace_fails_the_schema() -> None:
    data = _mutate(
        DATA / "standard" / "jw305_voorbeeld.xml",
        'xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema"',
        'xmlns:ijw="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema"',
    )
    result = read(data)
    assert result.message is None
    assert result.faults[0].path.startswith("/Bericht/Header/BerichtIdentificatie")


def test_a_default_namespace_document_reads_the_same() -> None:
    text = (DATA / "standard" / "jw305_voorbeeld.xml").read_text(encoding="utf-8")
    plain = text.replace("jw305:", "").replace("xmlns:jw305=", "xmlns=")
    assert read(plain.encode()).message == read(text.encode()).message
    broken = plain.replace("2023-04-15", "2023-13-01")
    assert read(broken.encode()).faults[0].path == "/Bericht/Client/StartProducten/StartProduct[2]/Begindatum"


def test_comments_and_processing_instructions_anywhere_change_nothing() -> None:
    """Comments and processing instructions carry nothing of the message; one inside the
    header (where the model reads elements by position) used to stop the reader."""
    path = DATA / "standard" / "jw305_voorbeeld.xml"
    text = path.read_text(encoding="utf-8")
    noisy = re.sub(r"(<[\w.]+:Identificatie>)", r"<!-- a comment -->\1", text, count=1)
    noisy = re.sub(r"(</[\w.]+:Identificatie>)", r"\1<!-- 2001-01-01 --><?x y?>", noisy, count=1)
    noisy = noisy.replace("</", "<!-- x --></", 5)
    assert noisy.count("<!--") >= 6
    assert read(noisy.encode("utf-8")) == read(path.read_bytes())


def test_malformed_xml_is_rejected_with_the_line() -> None:
    data = (DATA / "standard" / "jw305_voorbeeld.xml").read_bytes().replace(b"</jw305:Bsn>", b"</jw305:Bs>")
    result = read(data)
    assert result.message is None
    [fault] = result.faults
    assert fault.code == "RG03"
    assert "regel 19" in fault.reason


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<jw305:Bericht xmlns:jw305="http://www.istandaarden.nl/ijw/3_2/jw305/schema">&xxe;</jw305:Bericht>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_doctypes_and_entities_are_refused_before_parsing(data: bytes) -> None:
    result = read(data)
    assert result.message is None
    [fault] = result.faults
    assert fault.code == "RG02"
    assert "passwd" not in fault.reason and "lol" not in fault.reason


def test_a_doctype_hidden_from_the_byte_scan_is_still_refused() -> None:
    data = XXE.decode().encode("utf-16")
    result = read(data)
    assert result.message is None
    assert result.faults[0].code in {"RG02", "RG03"}


def test_an_oversized_file_is_refused_without_parsing() -> None:
    data = (DATA / "standard" / "jw305_voorbeeld.xml").read_bytes()
    result = read(data, max_bytes=len(data) - 1)
    assert result.message is None
    assert result.faults[0].code == "RG01"
    assert read(data, max_bytes=len(data)).valid


def test_a_bad_bsn_is_rejected_without_showing_it() -> None:
    data = _mutate(DATA / "standard" / "jw305_voorbeeld.xml", "999900006", "999900007")
    result = read(data)
    [fault] = result.faults
    assert (fault.path, fault.code) == ("/Bericht/Client/Bsn", "0001")
    assert "elfproef" in fault.reason
    assert "999900007" not in repr(result.faults)


def test_a_bsn_with_the_wrong_shape_fails_the_schema_without_showing_it() -> None:
    data = _mutate(DATA / "standard" / "jw305_voorbeeld.xml", "999900006", "99990000")
    result = read(data)
    assert result.message is None
    assert result.faults[0].path == "/Bericht/Client/Bsn"
    assert "99990000" not in repr(result.faults)


def test_a_bad_bsn_in_a_declaration_rejects_only_that_clients_prestaties() -> None:
    data = _mutate(DATA / "standard" / "jw323_voorbeeld.xml", "<jw323:Bsn>999900018<", "<jw323:Bsn>999900019<")
    result = read(data)
    assert isinstance(result.message, Declaration)
    assert {f.record for f in result.faults} == {"RN003", "RN004"}
    assert all(f.path == "/Bericht/Declaratie/Clienten/Client[2]/Bsn" for f in result.faults)
    assert "999900019" not in repr(result.faults)


@pytest.mark.parametrize("law", LAWS)
def test_pseudonymise_replaces_every_bsn(law: Law) -> None:
    key = "test-key"
    for number, message in all_messages(law).items():
        data = write(message)
        result = read(data, pseudonymise=functools.partial(pseudonym, key=key))
        assert result.faults == (), number
        text = repr(result.message)
        assert BSN not in text and BSN2 not in text, number
        if number not in ("319", "320"):  # the answer to a request names no client
            assert pseudonym(BSN, key) in text, number


def test_a_declaration_with_a_wrong_total_keeps_its_records_and_names_the_rule() -> None:
    result = read((DATA / "invalid" / "jw323_totaal_ongelijk_aan_som.xml").read_bytes())
    assert result.message is not None
    [fault] = result.faults
    assert fault.path == "/Bericht/Declaratie/TotaalIngediendBedrag"
    assert fault.reason.startswith("TR358")
    assert fault.record is None


def test_reading_the_same_bytes_twice_gives_equal_results() -> None:
    data = (DATA / "standard" / "wmo302_voorbeeld.xml").read_bytes()
    assert read(data) == read(data)


def test_the_case_messages_are_read_as_the_case_describes() -> None:
    first = read((DATA / "casus" / "jw301_casus1_stap1_toewijzing.xml").read_bytes()).message
    extended = read((DATA / "casus" / "jw301_casus1_stap4_verlenging.xml").read_bytes()).message
    assert isinstance(first, Allocation) and isinstance(extended, Allocation)
    [before], [after] = first.client.products, extended.client.products
    assert before.allocation_number == after.allocation_number == "667899"
    assert before.product == after.product == Product("45", "45A04")
    assert before.extent == after.extent == Extent(3, "04", "2")
    assert (before.end, after.end, after.change_reason) == (dt.date(2025, 6, 30), dt.date(2025, 12, 31), "04")
    correction = read((DATA / "casus" / "jw307_casus4_stap4_correctie.xml").read_bytes()).message
    assert isinstance(correction, CareStop)
    assert [(p.status, p.end_reason) for p in correction.client.products] == [("3", "33"), ("1", "31")]
    temporary = read((DATA / "casus" / "wmo307_casus2_stap3_tijdelijke_stop.xml").read_bytes()).message
    definitive = read((DATA / "casus" / "wmo307_casus2_stap4_definitieve_stop.xml").read_bytes()).message
    assert isinstance(temporary, CareStop) and isinstance(definitive, CareStop)
    assert temporary.client.products[0].end_reason == "20" and definitive.client.products[0].end_reason == "23"
    assert temporary.client.products[0].end == definitive.client.products[0].end
