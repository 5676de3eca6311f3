"""Ingest is all-or-nothing per file, survives being killed, and rejects bad input clearly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from regie.cli import main
from regie.traffic import ingest as ingest_module
from regie.traffic import models as m
from tests.catalog.factories import load_file
from tests.conftest import DATA

SMALL = ("venlo", 2025, 3, 0.05)


def state() -> dict[str, list[tuple[Any, ...]]]:
    """What ingest stored, without row ids and clock times (equal for equal outcomes)."""
    return {
        "messages": sorted(m.Message.objects.values_list("content_hash", "status", "records", "rejected_records")),
        "episodes": sorted(
            m.Episode.objects.values_list("key", "client", "start", "end", "start_arrival", "end_arrival", "segment")
        ),
        "lines": sorted(m.DeclarationLine.objects.values_list("line_id", "amount_cents", "accepted", "retour_code")),
        "allocations": sorted(m.AllocationVersion.objects.values_list("number", "begin", "end", "arrival")),
        "signals": sorted(m.Signal.objects.values_list("key", "kind", "raised_on")),
        "rejections": sorted(m.Rejection.objects.values_list("message__content_hash", "record", "code")),
        "objections": sorted(m.Objection.objects.values_list("objection_id", "decided", "upheld")),
    }


@pytest.mark.django_db(transaction=True)
def test_killed_midway_and_run_again_ends_as_one_clean_run(
    region_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = region_dir(*SMALL)
    load_file(folder / "catalog.toml")
    paths = [folder / "messages", folder / "csv"]
    monkeypatch.setattr(ingest_module, "BATCH_FILES", 100)
    ingest_module.ingest(paths)
    clean = state()
    call_command("flush", interactive=False, verbosity=0)

    load_file(folder / "catalog.toml")
    original = ingest_module.store_batch
    calls = {"n": 0}

    def dying(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            original(*args, **kwargs)
            raise KeyboardInterrupt  # killed while the fourth batch was being written
        original(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "store_batch", dying)
    with pytest.raises(KeyboardInterrupt):
        ingest_module.ingest(paths)
    assert 0 < m.Message.objects.count() < len(clean["messages"])  # three batches stored, the fourth not
    monkeypatch.setattr(ingest_module, "store_batch", original)
    ingest_module.ingest(paths)
    assert state() == clean


@pytest.mark.django_db(transaction=True)
def test_killed_before_the_periodic_signals_they_are_made_good_by_the_next_run(
    region_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = region_dir("amsterdam", 2025, 3, 0.02)  # its silent core partner raises a periodic signal
    paths = [folder / "messages", folder / "csv"]
    load_file(folder / "catalog.toml")
    ingest_module.ingest(paths)
    clean = state()
    assert any(kind == "no_start_stop_traffic" for _, kind, _ in clean["signals"])
    call_command("flush", interactive=False, verbosity=0)

    load_file(folder / "catalog.toml")

    def killed(self: Any) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(ingest_module.Ingester, "_periodic_signals", killed)
        with pytest.raises(KeyboardInterrupt):
            ingest_module.ingest(paths)
    assert not m.Signal.objects.filter(kind="no_start_stop_traffic").exists()
    again = ingest_module.ingest(paths)  # every file is a duplicate now
    assert again.duplicates == again.files
    assert state() == clean


def bad_files(tmp: Path) -> dict[str, Path]:
    good = (DATA / "messages" / "standard" / "jw305_voorbeeld.xml").read_text(encoding="utf-8")
    import re

    bsn = re.search(r"<[\w.]+:Bsn>(\d{9})</", good)
    assert bsn
    files = {
        "malformed": good[: len(good) // 2],
        "billion_laughs": """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>""",
        "wrong_namespace": good.replace("http://www.istandaarden.nl/ijw/3_2/jw305/schema", "http://example.org/jw305"),
        "bad_bsn": good.replace(bsn.group(1), "123456789"),
    }
    out = {}
    for name, text in files.items():
        out[name] = tmp / f"{name}.xml"
        out[name].write_text(text, encoding="utf-8")
    return out


@pytest.mark.django_db
def test_bad_files_are_rejected_with_a_clear_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load_file("domain_example.toml")
    files = bad_files(tmp_path)
    assert main(["ingest", str(tmp_path), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    by_file = {Path(r["file"]).stem: r for r in doc["rejected"]}
    assert set(by_file) == set(files)
    assert by_file["malformed"]["code"] == "RG03" and "XML" in by_file["malformed"]["reason"]
    assert by_file["billion_laughs"]["code"] == "RG02" and "DOCTYPE" in by_file["billion_laughs"]["reason"]
    assert by_file["wrong_namespace"]["code"] == "RG04" and "naamruimte" in by_file["wrong_namespace"]["reason"]
    assert "elfproef" in by_file["bad_bsn"]["reason"]
    assert "123456789" not in json.dumps(doc)
    assert m.Message.objects.filter(status="rejected").count() == 4
    assert not m.Episode.objects.exists()


@pytest.mark.django_db
def test_a_declaration_without_allocation_is_rejected_and_signalled(
    region_dir: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = region_dir(*SMALL)
    load_file(folder / "catalog.toml")
    main(["ingest", str(folder / "messages"), "--json", "--no-refresh"])
    doc = json.loads(capsys.readouterr().out)
    without = [r for r in doc["rejected"] if r["code"] == "9338"]
    assert without and all("toewijzing" in r["reason"] or "toegewezen" in r["reason"] for r in without)
    assert doc["signals"]["care_without_allocation"] >= 1
