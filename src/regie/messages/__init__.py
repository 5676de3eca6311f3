"""iJw / iWmo release 3.2 messages: the model, reading with validation, writing.

Pure core: no Django. Public API (stable; extend, don't rename):

Model (:mod:`regie.messages.model`), frozen dataclasses with English field names; codes stay
the standard's strings, dates ``datetime.date``, money integer cents:

- :class:`Header` (law "jw"/"wmo", message "301".., sender, receiver, identification,
  dagtekening, :class:`XsdVersions`),
- request messages :class:`Allocation` (301), :class:`CareStart` (305), :class:`CareStop`
  (307), :class:`AllocationRequest` (315), :class:`ChangeRequest` (317), :class:`Declaration`
  (323) and their parts,
- answers :class:`Answer` (302/306/308/316/318) and :class:`DeclarationAnswer` (325).

Writing: :func:`write` ``(message) -> bytes`` gives the standard XML (UTF-8, namespaces and
element order as the standard defines), deterministic.

Reading: :func:`read` ``(data, *, source="", pseudonymise=None, max_bytes=20 MB) ->
ReadResult`` parses safely (no DOCTYPE, no entity expansion, no network, bounded size),
validates against our XSDs (``xsd/``, generated from :mod:`regie.messages.structure`) and the
rules inside one message (:mod:`regie.messages.rules`), and returns the model (``None`` when
the message cannot be read or breaks the schema) with a tuple of :class:`Fault`
``(path, code, reason, record)``. With ``pseudonymise`` every BSN in the model is replaced.
A fault never contains a BSN.

Code lists: :mod:`regie.messages.codes`. BSN: :mod:`regie.messages.bsn`
(``is_valid_bsn``, ``pseudonym``).
"""

from regie.messages.faults import Fault
from regie.messages.model import (
    Address,
    AllocatedProduct,
    Allocation,
    AllocationClient,
    AllocationRequest,
    Amount,
    Answer,
    AnswerClient,
    AnsweredClient,
    AnsweredPerformance,
    BirthDate,
    CareStart,
    CareStop,
    ChangedProduct,
    ChangeRequest,
    ChangeRequestClient,
    Communication,
    Contact,
    Declaration,
    DeclarationAnswer,
    DeclarationAnswerBody,
    DeclarationClient,
    Extent,
    FullName,
    Header,
    House,
    Message,
    NewProduct,
    OpenPeriod,
    Performance,
    Period,
    Phone,
    Product,
    Referrer,
    Relation,
    RequestClient,
    RequestedProduct,
    ReturnInfo,
    ShortName,
    StartClient,
    StartProduct,
    StopClient,
    StopProduct,
    Surname,
    XsdVersions,
    basis_namespace,
    message_namespace,
)
from regie.messages.reading import DEFAULT_MAX_BYTES, ReadResult, read
from regie.messages.writer import write

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Fault",
    "ReadResult",
    "read",
    "Address",
    "AllocatedProduct",
    "Allocation",
    "AllocationClient",
    "AllocationRequest",
    "Amount",
    "Answer",
    "AnswerClient",
    "AnsweredClient",
    "AnsweredPerformance",
    "BirthDate",
    "CareStart",
    "CareStop",
    "ChangeRequest",
    "ChangeRequestClient",
    "ChangedProduct",
    "Communication",
    "Contact",
    "Declaration",
    "DeclarationAnswer",
    "DeclarationAnswerBody",
    "DeclarationClient",
    "Extent",
    "FullName",
    "Header",
    "House",
    "Message",
    "NewProduct",
    "OpenPeriod",
    "Performance",
    "Period",
    "Phone",
    "Product",
    "Referrer",
    "Relation",
    "RequestClient",
    "RequestedProduct",
    "ReturnInfo",
    "ShortName",
    "StartClient",
    "StartProduct",
    "StopClient",
    "StopProduct",
    "Surname",
    "XsdVersions",
    "basis_namespace",
    "message_namespace",
    "write",
]
