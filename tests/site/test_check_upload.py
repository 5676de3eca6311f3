"""Checking message files in the browser and over the API: safe, nothing stored, per role."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from regie.traffic import models as tm
from tests.accounts.factories import client_for
from tests.conftest import DATA
from tests.site.test_access import region  # noqa: F401 - the fixture

EXAMPLE = DATA / "messages" / "standard" / "jw305_voorbeeld.xml"
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<lolz>&lol2;</lolz>"""


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/xml")


def test_the_page_checks_files_and_stores_nothing(region: None) -> None:  # noqa: F811
    page = client_for("aanbieder").post(
        "/controleren/",
        {"files": [upload("goed.xml", EXAMPLE.read_bytes()), upload("lol.xml", LAUGHS)]},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "goed.xml" in html and "geldig" in html and "JW305" in html
    assert "lol.xml" in html and "ongeldig" in html and "RG02" in html and "DOCTYPE" in html
    assert not tm.Message.objects.exists()


def test_the_api_answers_the_check_document(region: None) -> None:  # noqa: F811
    broken = EXAMPLE.read_bytes().replace(b"2023-04-03", b"2023-04-32", 1)  # a broken date
    response = client_for("gemeente").post(
        "/api/v1/check/", {"files": [upload("goed.xml", EXAMPLE.read_bytes()), upload("fout.xml", broken)]}
    )
    assert response.status_code == 200
    files = {f["file"]: f for f in response.json()["files"]}
    assert files["goed.xml"]["valid"] is True and files["goed.xml"]["message"] == "JW305"
    assert files["fout.xml"]["valid"] is False and files["fout.xml"]["errors"][0]["path"].startswith("/")


def test_the_api_wants_a_file_and_a_role(region: None) -> None:  # noqa: F811
    empty = client_for("gemeente").post("/api/v1/check/", {})
    assert empty.status_code == 400 and empty["Content-Type"] == "application/problem+json"
    council = client_for("raad").post("/api/v1/check/", {"files": [upload("goed.xml", EXAMPLE.read_bytes())]})
    assert council.status_code == 403 and council["Content-Type"] == "application/problem+json"
    assert Client().get("/controleren/").status_code == 302
    assert client_for("raad").get("/controleren/").status_code == 403


def test_the_answer_to_a_request_and_its_return_message_are_3_2_messages(region: None) -> None:  # noqa: F811
    """The published JW319 and WMO320 (and a WMO319) pass the page and the API: the same code
    path as ``regie check``, no "not a 3.2 message" (RG04)."""
    jw319 = DATA / "messages" / "standard" / "jw319_voorbeeld.xml"
    wmo320 = DATA / "messages" / "standard" / "wmo320_voorbeeld.xml"
    wmo319 = (
        jw319.read_bytes()
        .replace(b"ijw/3_2/basisschema", b"iwmo/3_2/basisschema")
        .replace(b"ijw/3_2/jw319", b"iwmo/3_2/wmo319")
        .replace(b">488<", b">482<")
        .replace(
            b"<jw319:Woonplaatsbeginsel>\n\t\t\t<jw319:Gemeente>1916</jw319:Gemeente>\n\t\t</jw319:Woonplaatsbeginsel>\n",
            b"",
        )
    )
    files = [
        upload("jw319.xml", jw319.read_bytes()),
        upload("wmo320.xml", wmo320.read_bytes()),
        upload("wmo319.xml", wmo319),
    ]
    response = client_for("aanbieder").post("/api/v1/check/", {"files": files})
    assert response.status_code == 200
    found = {f["file"]: (f["message"], f["valid"], f["errors"]) for f in response.json()["files"]}
    assert found == {
        "jw319.xml": ("JW319", True, []),
        "wmo320.xml": ("WMO320", True, []),
        "wmo319.xml": ("WMO319", True, []),
    }
    page = client_for("gemeente").post("/controleren/", {"files": [upload("jw319.xml", jw319.read_bytes())]})
    html = page.content.decode()
    assert page.status_code == 200 and "(JW319)" in html and 'badge ok">geldig' in html
    assert "RG04" not in html and 'badge warn"' not in html
    assert not tm.Message.objects.exists()
