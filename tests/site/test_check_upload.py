"""Checking message files in the browser and over the API: safe, nothing stored, per role."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from regie.traffic import models as tm
from tests.conftest import DATA
from tests.site.test_access import client_for, region  # noqa: F401 - the fixture

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
