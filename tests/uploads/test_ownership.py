"""What a provider may deliver (:mod:`regie.intake.ownership`): messages it sent and CSV
files of its own figures; anything else is refused whole with RG06 (or the reader's own fault
when the sender cannot be found), hand-made cases."""

from __future__ import annotations

import pytest

from regie.intake.ownership import provider_refusal
from regie.messages.codes import OWN_CODES
from tests.conftest import DATA

CASUS = DATA / "messages" / "casus"
START = (CASUS / "jw305_casus1_stap2_start.xml").read_bytes()  # Afzender 87654321
ALLOCATION = (CASUS / "jw301_casus1_stap1_toewijzing.xml").read_bytes()  # Afzender 0983 (the municipality)
SENDER = "87654321"

DECLARATIONS = (
    "municipality,provider,bsn,reference,product_category,care_month,volume,unit,amount_cents,debit_credit,reported_on\n"
    "0983,87654321,999990019,R1,45,2025-03,4,04,26200,D,2025-04-05\n"
    "0983,{second},999990020,R2,45,2025-03,2,04,13100,D,2025-04-05\n"
)


def test_a_message_the_provider_sent_may_be_delivered() -> None:
    assert provider_refusal("start.xml", START, SENDER) is None


def test_a_message_of_another_sender_is_refused_naming_both() -> None:
    found = provider_refusal("start.xml", START, "12345678")
    assert found is not None and found["code"] == "RG06" and found["message"] == "JW305"
    assert "87654321" in found["reason"] and "12345678" in found["reason"] and found["file"] == "start.xml"
    assert "RG06" in OWN_CODES


def test_the_municipalitys_allocation_is_refused_for_a_provider() -> None:
    found = provider_refusal("toewijzing.xml", ALLOCATION, SENDER)
    assert found is not None and found["code"] == "RG06" and "0983" in found["reason"]


def test_a_message_of_its_own_that_breaks_the_schema_passes_to_the_ingest() -> None:
    broken = START.replace(b"<jw305:Begindatum>", b"<jw305:Onbekend>x</jw305:Onbekend><jw305:Begindatum>", 1)
    assert broken != START
    assert provider_refusal("start.xml", broken, SENDER) is None
    from regie.messages import read

    assert read(broken).message is None  # the schema refuses it: the ingest answers with 0001


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"<Bericht><niet-af", "RG03"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "RG02"),
        (b'<?xml version="1.0"?><Bericht xmlns="urn:iets-anders"/>', "RG04"),
    ],
)
def test_a_file_whose_sender_cannot_be_found_is_refused_with_the_readers_fault(raw: bytes, code: str) -> None:
    found = provider_refusal("x.xml", raw, SENDER)
    assert found is not None and found["code"] == code and found["reason"].startswith("niet ingelezen: ")


def test_a_csv_of_its_own_figures_may_be_delivered() -> None:
    assert provider_refusal("d.csv", DECLARATIONS.format(second=SENDER).encode(), SENDER) is None


def test_a_csv_with_a_row_of_another_provider_is_refused_naming_the_row() -> None:
    found = provider_refusal("d.csv", DECLARATIONS.format(second="12345678").encode(), SENDER)
    assert found is not None and found["code"] == "RG06" and found["message"] == "CSV-declarations"
    assert found["reason"].startswith("rij 3: aanbieder '12345678'")


def test_a_csv_a_provider_does_not_report_is_refused() -> None:
    objections = "objection_id,municipality,segment,bsn,kind,filed,reported_on\nB1,0983,JGD,999990019,bezwaar,2025-03-01,2025-03-02\n"
    found = provider_refusal("b.csv", objections.encode(), SENDER)
    assert found is not None and found["code"] == "RG06" and "'objections'" in found["reason"]
    unknown = provider_refusal("x.csv", b"naam,leeftijd\nJan,12\n", SENDER)
    assert unknown is not None and "onbekend formaat" in unknown["reason"]
    latin = provider_refusal("x.csv", "provider\n\xe9\n".encode("latin-1"), SENDER)
    assert latin is not None and latin["code"] == "CSV00"


def test_the_refusal_names_what_a_provider_may_deliver_as_its_upload_page_does() -> None:
    """In the provider's words (the upload page's 'episodes, declaraties, trajecten'), not the
    repository's: no path to a developer document."""
    pgb = "municipality,segment,bsn,start,end,amount_cents,reported_on\n0983,WMO-IB,999990019,2025-01-01,,100,2025-03-02\n"
    found = provider_refusal("p.csv", pgb.encode(), SENDER)
    assert found is not None
    assert found["reason"].endswith("(episodes, declaraties, trajecten)") and "docs/" not in found["reason"]
