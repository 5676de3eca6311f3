"""The message model: one frozen dataclass per part of an iJw / iWmo 3.2 message.

Field names are English snake_case; the XML element each one holds is named in the comment
beside it. Codes stay the standard's strings ("04", "0200"), dates are ``datetime.date``,
amounts and tariffs integer euro cents (the standard's LDT_Bedrag is in cents), volumes
integers. An optional element that is absent is ``None`` (or an empty tuple for a list).
Identifiers (ToewijzingNummer, ReferentieNummer, ...) are kept as the text of the message.

Request messages carry a :class:`Header` and a body: :class:`Allocation` (301),
:class:`CareStart` (305), :class:`CareStop` (307), :class:`AllocationRequest` (315),
:class:`ChangeRequest` (317), :class:`RequestReply` (319), :class:`Declaration` (323). Their
answers 302/306/308/316/318/320 are :class:`Answer` (the echoed client, or for a 320 the echoed
:class:`RequestAnswer`, with retour codes per record) and 325 is :class:`DeclarationAnswer`.

The header and the composite types the messages share are in :mod:`~regie.messages.model.parts`,
the request messages in :mod:`~regie.messages.model.requests`, the answers in
:mod:`~regie.messages.model.answers`; every name is importable from here.
"""

from __future__ import annotations

from typing import TypeAlias

from regie.messages.model.answers import (
    Answer,
    AnswerBody,
    AnswerClient,
    AnsweredClient,
    AnsweredPerformance,
    DeclarationAnswer,
    DeclarationAnswerBody,
    ReturnInfo,
)
from regie.messages.model.parts import (
    BERICHT_SUBVERSIE,
    BERICHT_VERSIE,
    DEFAULT_XSD_VERSION,
    Address,
    Amount,
    BirthDate,
    Communication,
    Contact,
    Extent,
    FullName,
    Header,
    House,
    OpenPeriod,
    Period,
    Phone,
    Product,
    Relation,
    ShortName,
    Surname,
    XsdVersions,
    basis_namespace,
    message_namespace,
)
from regie.messages.model.requests import (
    AllocatedProduct,
    Allocation,
    AllocationClient,
    AllocationRequest,
    CareStart,
    CareStop,
    ChangedProduct,
    ChangeRequest,
    ChangeRequestClient,
    Declaration,
    DeclarationClient,
    NewProduct,
    Performance,
    Referrer,
    RequestAnswer,
    RequestClient,
    RequestedProduct,
    RequestReply,
    StartClient,
    StartProduct,
    StopClient,
    StopProduct,
)

__all__ = [
    "AnswerBody",
    "AnswerClient",
    "Address",
    "AllocatedProduct",
    "Allocation",
    "AllocationClient",
    "AllocationRequest",
    "Amount",
    "Answer",
    "AnsweredClient",
    "AnsweredPerformance",
    "BERICHT_SUBVERSIE",
    "BERICHT_VERSIE",
    "BirthDate",
    "CareStart",
    "CareStop",
    "ChangeRequest",
    "ChangeRequestClient",
    "ChangedProduct",
    "Communication",
    "Contact",
    "DEFAULT_XSD_VERSION",
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
    "REQUEST_TYPES",
    "Referrer",
    "Relation",
    "RequestAnswer",
    "RequestClient",
    "RequestReply",
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
]

Message: TypeAlias = (
    Allocation
    | CareStart
    | CareStop
    | AllocationRequest
    | ChangeRequest
    | RequestReply
    | Declaration
    | Answer
    | DeclarationAnswer
)

#: The model class of each request message number.
REQUEST_TYPES: dict[str, type] = {
    "301": Allocation,
    "305": CareStart,
    "307": CareStop,
    "315": AllocationRequest,
    "317": ChangeRequest,
    "319": RequestReply,
    "323": Declaration,
}
