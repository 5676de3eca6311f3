"""``regie ingest`` of 319s: the request it answers is closed, stored and shown; hand-made XML.

The 315 (Dagtekening 2025-03-05) asks for two products, VOT-2025-1 and VOT-2025-2; a 317 of
the same day asks for one new product (VOW-2025-7). The 319 of 2025-03-20 refuses VOT-2025-1
with reason 7 (zorginhoudelijke afkeur); a 301 of 2025-03-25 grants VOT-2025-2. VOW-2025-7 gets
no answer: its term of 56 days ends on 2025-04-30, and the last file (a 319 naming an unknown
reference, 2025-05-01) arrives after it, so it is signalled ``request_unanswered``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import lxml.html
import pytest

from regie.cli import main
from regie.messages import AllocatedProduct, Allocation, Extent, Product, RequestAnswer, RequestReply, write
from regie.site.demo import create_demo_users
from regie.traffic import models as m
from tests.accounts.factories import client_for
from tests.catalog.factories import load_file
from tests.messages import samples

D = dt.date


def _files(folder: Path) -> list[Path]:
    law = "wmo"
    reply = samples.request_reply(law)
    refused = dataclasses.replace(reply, answer=RequestAnswer("VOT-2025-1", "1", "7"))
    header = reply.header
    unknown = RequestReply(
        dataclasses.replace(header, identification="ID319B", dagtekening=D(2025, 5, 1)),
        RequestAnswer("ONBEKEND-1", "1", "3"),
    )
    allocation = samples.allocation(law)
    product = AllocatedProduct(
        allocation_number="100009",
        allocation_date=D(2025, 3, 25),
        allocation_time=dt.time(9),
        start=D(2025, 4, 1),
        product=Product("02", "02A01"),
        end=D(2025, 9, 30),
        provider_reference="VOT-2025-2",
        extent=Extent(4, "04", "2"),
    )
    granting = Allocation(
        dataclasses.replace(allocation.header, dagtekening=D(2025, 3, 25)),
        dataclasses.replace(allocation.client, products=(product,)),
    )
    messages = {
        "a_315.xml": samples.allocation_request(law),
        "b_317.xml": samples.change_request(law),
        "c_319.xml": refused,
        "d_301.xml": granting,
        "e_319.xml": unknown,
    }
    paths = []
    for name, message in messages.items():
        (folder / name).write_bytes(write(message))
        paths.append(folder / name)
    return paths


@pytest.fixture
def files(db: None, tmp_path: Path) -> list[Path]:
    load_file("domain_example.toml")
    (tmp_path / "in").mkdir()
    return _files(tmp_path / "in")


def ingest_json(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["ingest", *map(str, paths), "--json", "--no-refresh"])
    return code, json.loads(capsys.readouterr().out)


def _requests() -> list[tuple[str, str, str, D | None]]:
    return sorted(m.Request.objects.values_list("request_id", "outcome", "refusal_reason", "answered").distinct())


EXPECTED = [
    ("12345678|VOT-2025-1", "refused", "7", D(2025, 3, 20)),
    ("12345678|VOT-2025-2", "granted", "", D(2025, 3, 25)),
    ("12345678|VOW-2025-7", "open", "", None),
]


def test_319_closes_its_request_and_the_unanswered_one_is_signalled(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = ingest_json(capsys, *reversed(files))  # the order given does not matter
    assert code == 1  # the unknown reference is rejected
    assert result["accepted"]["319"] == 1 and result["accepted"]["315"] == 2
    (rejected,) = result["rejected"]
    assert rejected["file"].endswith("e_319.xml") and rejected["message"] == "WMO319"
    assert (rejected["record"], rejected["code"]) == ("ONBEKEND-1", "9355")
    assert "ONBEKEND-1" in rejected["reason"] and "9355" in rejected["reason"]
    assert _requests() == EXPECTED
    assert result["signals"] == {"request_unanswered": 1}
    (signal,) = m.Signal.objects.filter(kind="request_unanswered")
    assert (signal.provider, signal.record, signal.raised_on, signal.message_id) == (
        "12345678",
        "VOW-2025-7",
        D(2025, 5, 1),
        None,
    )
    assert signal.detail["due"] == "2025-04-30" and signal.detail["kind"] == "317"


def test_ingesting_again_or_in_two_runs_changes_nothing(files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    ingest_json(capsys, *files[:2])  # the requests first
    assert {r[1] for r in _requests()} == {"open"}
    assert not m.Signal.objects.exists()
    ingest_json(capsys, *files[2:])  # their answers in a later run
    assert _requests() == EXPECTED
    counts = (m.Request.objects.count(), m.Signal.objects.count(), m.Rejection.objects.count())
    code, again = ingest_json(capsys, *files)
    assert again["duplicates"] == len(files) and again["signals"] == {}
    assert (m.Request.objects.count(), m.Signal.objects.count(), m.Rejection.objects.count()) == counts
    assert _requests() == EXPECTED


def test_the_provider_page_shows_the_refusal_and_its_reason(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ingest_json(capsys, *files)
    create_demo_users("12345678")
    page = lxml.html.fromstring(client_for("aanbieder").get("/aanbieders/12345678/").content.decode())
    rows = {
        tr.xpath("td")[0].text_content(): [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in page.xpath("//table[@id='aanvragen']/tbody/tr")
    }
    assert rows["VOT-2025-1"][4:] == ["afgewezen", "20-3-2025", "7 Zorginhoudelijke afkeur"]
    assert rows["VOT-2025-2"][4:] == ["toegewezen", "25-3-2025", "–"]
    assert rows["VOW-2025-7"][1] == "317" and rows["VOW-2025-7"][4:] == ["onbeantwoord", "–", "–"]


def test_the_provider_page_keeps_every_request_not_granted_beyond_the_latest(
    files: list[Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page shows the latest requests; one unanswered or refused stays in the table however
    old (the counts above it name them), and the page says that it shows the latest."""
    from regie.site.pages import providers

    monkeypatch.setattr(providers, "CARE_REQUESTS_SHOWN", 1)
    ingest_json(capsys, *files)
    create_demo_users("12345678")
    page = lxml.html.fromstring(client_for("aanbieder").get("/aanbieders/12345678/").content.decode())
    rows = [tr.xpath("td")[0].text_content() for tr in page.xpath("//table[@id='aanvragen']/tbody/tr")]
    assert {"VOT-2025-1", "VOW-2025-7"} <= set(rows) and len(rows) <= 3
    note = " ".join(page.xpath("string(//*[@id='aanvragen-getoond'])").split())
    assert note == "De laatste 1 van 3 verzoeken, en elk verzoek dat niet is toegewezen."
