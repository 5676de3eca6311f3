"""The public names of regie.messages: others build on them; extend, don't rename."""

from __future__ import annotations

import regie.messages as messages

EXPECTED = {
    "read",
    "write",
    "ReadResult",
    "Fault",
    "DEFAULT_MAX_BYTES",
    "answer_for",
    "check_paths",
    "check_against_allocation",
    "check_cumulative_volume",
    "check_start_against_allocation",
    "Header",
    "XsdVersions",
    "Allocation",
    "CareStart",
    "CareStop",
    "AllocationRequest",
    "ChangeRequest",
    "Declaration",
    "Answer",
    "DeclarationAnswer",
    "Performance",
    "Amount",
    "Period",
    "Product",
    "Extent",
    "is_valid_bsn",
    "pseudonym",
}


def test_the_public_names_exist() -> None:
    missing = sorted(name for name in EXPECTED if not hasattr(messages, name))
    assert missing == []
    assert EXPECTED <= set(messages.__all__)
