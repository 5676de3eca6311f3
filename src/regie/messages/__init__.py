"""iJw / iWmo release 3.2 messages: read, validate and write; code lists; retour codes.

Pure core: no Django. Public API (stable; extend, don't rename):

Model (:mod:`regie.messages.model`), frozen dataclasses with English field names; codes stay
the standard's strings ("04", "0200"), dates are ``datetime.date``, money integer euro cents:

- :class:`Header` (law "jw"/"wmo", message "301".., sender, receiver, identification,
  dagtekening, :class:`XsdVersions`; ``.code`` is the BerichtCode, ``.name`` e.g. "JW301"),
- request messages :class:`Allocation` (301), :class:`CareStart` (305), :class:`CareStop`
  (307), :class:`AllocationRequest` (315), :class:`ChangeRequest` (317), :class:`RequestReply`
  (319: a refusal or "in onderzoek" for one request, :class:`RequestAnswer`),
  :class:`Declaration` (323) with their parts (:class:`AllocatedProduct`,
  :class:`StartProduct`, :class:`StopProduct`, :class:`RequestedProduct`,
  :class:`Performance`, ...),
- answers :class:`Answer` (302/306/308/316/318/320: the echoed client, or a 320's Antwoord,
  with retour codes per record path) and :class:`DeclarationAnswer` (325: the rejected
  prestaties).

``write(message) -> bytes``: the standard XML (UTF-8, namespaces and element order as the
standard defines), deterministic, built with lxml.

``read(data, *, source="", pseudonymise=None, max_bytes=DEFAULT_MAX_BYTES) -> ReadResult``:
safe parsing (no DOCTYPE, no entity expansion, no network, bounded size), our XSDs (``xsd/``,
generated from :mod:`regie.messages.structure`, compiled once), and the rules inside one
message (:mod:`regie.messages.rules`). ``ReadResult.message`` is ``None`` when the message
cannot be parsed or breaks the schema; ``ReadResult.faults`` holds :class:`Fault`
``(path, code, reason, record)``: an XPath-like path, the standard's retour code (0001
technical, 9xxx rule codes) or Regie's own (RG01 too large, RG02 DOCTYPE/entity, RG03 not
well-formed, RG04 not an iJw/iWmo 3.2 message, RG05 unreadable), a Dutch reason, and the
record (ToewijzingNummer, ReferentieNummer, ReferentieAanbieder, or ``StartProduct[2]``) so a
consumer can reject one record and keep the others. ``pseudonymise`` replaces every BSN in
the model; a BSN never appears in a fault.

Rules over more than one message (:mod:`regie.messages.crossrules`), for the ingest
pipeline: ``check_against_allocation(performance, allocation)`` (9338, 9339-9341,
9307/9308, 9387/9388, 9321, 9384), ``check_cumulative_volume(performances, allocation)``
(9322, 9369), ``check_start_against_allocation`` (9019), ``check_reference_unique`` (8021),
``check_declaration_number_unique`` (9333), ``check_credit_has_debit`` (8017).

``answer_for(message, faults, *, identification, dagtekening) -> Answer | DeclarationAnswer``
builds the answer with per-record retour codes (0200, or 8001 for a fully granted
declaration). ``check_paths(paths) -> dict`` is the ``regie check`` JSON document.

Code lists: :mod:`regie.messages.codes`. BSN: ``is_valid_bsn(bsn)``, ``pseudonym(bsn, key)``
(HMAC-SHA256 hex).
"""

from regie.messages import model
from regie.messages.answers import answer_for
from regie.messages.bsn import is_valid_bsn, pseudonym
from regie.messages.checking import check_paths
from regie.messages.crossrules import (
    allocated_volume,
    check_against_allocation,
    check_credit_has_debit,
    check_cumulative_volume,
    check_declaration_number_unique,
    check_reference_unique,
    check_start_against_allocation,
)
from regie.messages.faults import Fault
from regie.messages.model import *  # noqa: F403 (the model's names, listed once in model.__all__)
from regie.messages.reading import DEFAULT_MAX_BYTES, ReadResult, read
from regie.messages.writer import write

__all__ = [
    "allocated_volume",
    "answer_for",
    "check_against_allocation",
    "check_credit_has_debit",
    "check_cumulative_volume",
    "check_declaration_number_unique",
    "check_paths",
    "check_reference_unique",
    "check_start_against_allocation",
    "is_valid_bsn",
    "pseudonym",
    "DEFAULT_MAX_BYTES",
    "Fault",
    "ReadResult",
    "read",
    "write",
]
__all__ += model.__all__
