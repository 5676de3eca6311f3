"""Round trip: every message type written by ``regie.messages.write`` is read back equal."""

from __future__ import annotations

import pytest
from lxml import etree

from regie.messages import write
from regie.messages.codes import ALL_MESSAGES, LAWS, Law
from regie.messages.reader import identify, to_model

from .samples import all_messages

CASES = [(law, number) for law in LAWS for number in ALL_MESSAGES]


def _read_back(data: bytes):  # type: ignore[no-untyped-def]
    root = etree.fromstring(data)
    law, number = identify(etree.QName(root).namespace) or ("?", "?")
    return to_model(root, law, number)  # type: ignore[arg-type]


@pytest.mark.parametrize(("law", "number"), CASES, ids=[f"{law}{n}" for law, n in CASES])
def test_write_then_read_gives_the_same_message(law: Law, number: str) -> None:
    message = all_messages(law)[number]
    data = write(message)
    assert _read_back(data) == message


@pytest.mark.parametrize(("law", "number"), CASES, ids=[f"{law}{n}" for law, n in CASES])
def test_write_is_deterministic_and_names_the_message(law: Law, number: str) -> None:
    message = all_messages(law)[number]
    data = write(message)
    assert write(message) == data
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(data)
    standard = "ijw" if law == "jw" else "iwmo"
    assert etree.QName(root).namespace == f"http://www.istandaarden.nl/{standard}/3_2/{law}{number}/schema"
    assert etree.QName(root).localname == "Bericht"
