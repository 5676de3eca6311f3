"""Our XSDs of the iJw / iWmo 3.2 messages, generated from the description of their structure
in :mod:`regie.messages.elements`.

Run ``python -m regie.messages.structure`` to regenerate ``src/regie/messages/xsd/``; a test
checks that the committed files equal what this module generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

from regie.messages import codes
from regie.messages.codes import LAWS, STANDARD, Law
from regie.messages.elements import (
    COMPLEX_TYPES,
    UNORDERED_TAIL,
    El,
    Simple,
    message_doc,
    message_types,
    simple_types,
)
from regie.messages.model import basis_namespace, message_namespace

XS = "http://www.w3.org/2001/XMLSchema"
XSD_DIR = Path(__file__).resolve().parent / "xsd"
#: XSD version of our schemas (reported in XsdVersie of the messages we write).
SCHEMA_VERSION = "1.0.0"


def _xs(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{XS}}}{tag}", {k: v for k, v in attributes.items()})


def _doc(parent: etree._Element, text: str) -> None:
    annotation = _xs(parent, "annotation")
    _xs(annotation, "documentation").text = text


def _restriction(parent: etree._Element, simple: Simple) -> None:
    restriction = _xs(parent, "restriction", base=simple.base)
    if simple.codes is not None:
        for code, description in simple.codes.items():
            enumeration = _xs(restriction, "enumeration", value=code)
            _doc(enumeration, description)
    if simple.min_length is not None:
        _xs(restriction, "minLength", value=str(simple.min_length))
    if simple.max_length is not None:
        _xs(restriction, "maxLength", value=str(simple.max_length))
    for pattern in simple.patterns:
        _xs(restriction, "pattern", value=pattern)
    if simple.min_value is not None:
        _xs(restriction, "minInclusive", value=str(simple.min_value))
    if simple.max_value is not None:
        _xs(restriction, "maxInclusive", value=str(simple.max_value))


def _prefix(law: Law) -> str:
    return STANDARD[law]


def _type_ref(law: Law, local_prefix: str, type_name: str) -> str:
    if type_name.startswith(("LDT_", "CDT_")):
        return f"{_prefix(law)}:{type_name}"
    return f"{local_prefix}:{type_name}"


def _sequence(parent: etree._Element, law: Law, local_prefix: str, children: tuple[El, ...], unordered: bool) -> None:
    sequence = _xs(parent, "sequence")
    group = sequence
    for i, child in enumerate(children):
        if unordered and i == 1:
            # the two optional children in either order: (a, b?) | (b, a?), or neither
            a, b = children[1], children[2]
            choice = _xs(sequence, "choice", minOccurs="0")
            first = _xs(choice, "sequence")
            _element(first, law, local_prefix, El(a.name, a.type))
            _element(first, law, local_prefix, b)
            second = _xs(choice, "sequence")
            _element(second, law, local_prefix, El(b.name, b.type))
            _element(second, law, local_prefix, a)
            return
        _element(group, law, local_prefix, child)


def _element(parent: etree._Element, law: Law, local_prefix: str, child: El) -> None:
    attributes = {"name": child.name, "type": _type_ref(law, local_prefix, child.type)}
    if child.min != 1:
        attributes["minOccurs"] = str(child.min)
    if child.max != 1:
        attributes["maxOccurs"] = "unbounded" if child.max is None else str(child.max)
    _xs(parent, "element", **attributes)


def _schema_root(target: str, nsmap: dict[str | None, str]) -> etree._Element:
    return etree.Element(
        f"{{{XS}}}schema",
        {"targetNamespace": target, "elementFormDefault": "qualified", "version": SCHEMA_VERSION},
        nsmap=nsmap,
    )


def basisschema_xsd(law: Law) -> bytes:
    """Our basisschema for ``law``: every logical and composite data type."""
    prefix = _prefix(law)
    root = _schema_root(basis_namespace(law), {"xs": XS, prefix: basis_namespace(law)})
    _doc(root, f"Regie: basisschema {prefix} release 3.2, gegenereerd uit regie.messages.structure.")
    for name, children in sorted(COMPLEX_TYPES.items()):
        complex_type = _xs(root, "complexType", name=name)
        _sequence(complex_type, law, prefix, children, name in UNORDERED_TAIL)
    for name, simple in sorted(simple_types(law).items()):
        simple_type = _xs(root, "simpleType", name=name)
        _doc(simple_type, simple.doc)
        _restriction(simple_type, simple)
    return _serialise(root)


def message_xsd(law: Law, number: str) -> bytes:
    """Our XSD for message ``number`` under ``law`` (imports ``basisschema.xsd`` beside it)."""
    prefix = _prefix(law)
    local = f"{law}{number}"
    target = message_namespace(law, number)
    root = _schema_root(target, {"xs": XS, prefix: basis_namespace(law), local: target})
    _doc(root, f"Regie: {local} ({prefix} release 3.2), gegenereerd uit regie.messages.structure.")
    _xs(root, "import", namespace=basis_namespace(law), schemaLocation="basisschema.xsd")
    element = _xs(root, "element", name="Bericht", type=f"{local}:Root")
    _doc(element, message_doc(number))
    root_children, types = message_types(law, number)
    complex_type = _xs(root, "complexType", name="Root")
    _sequence(complex_type, law, local, root_children, False)
    for name, children in types.items():
        complex_type = _xs(root, "complexType", name=name)
        _sequence(complex_type, law, local, children, False)
    fixed = {
        "BerichtCode": ("LDT_BerichtCode", codes.message_code(law, number)),
        "BerichtVersie": ("LDT_BerichtVersie", "3"),
        "BerichtSubversie": ("LDT_BerichtSubversie", "2"),
    }
    for name, (base, value) in fixed.items():
        simple_type = _xs(root, "simpleType", name=name)
        restriction = _xs(simple_type, "restriction", base=f"{prefix}:{base}")
        _xs(restriction, "pattern", value=value)
    if number == "323":
        simple_type = _xs(root, "simpleType", name="DeclaratieNummer")
        restriction = _xs(simple_type, "restriction", base=f"{prefix}:LDT_IdentificatieDeclaratie")
        _xs(restriction, "pattern", value="[a-zA-Z0-9]+")  # CS319: letters and digits only
    return _serialise(root)


def _serialise(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def generated_files() -> dict[str, bytes]:
    """Every XSD file we generate, by its path relative to :data:`XSD_DIR`."""
    files: dict[str, bytes] = {}
    for law in LAWS:
        files[f"{_prefix(law)}/basisschema.xsd"] = basisschema_xsd(law)
        for number in codes.ALL_MESSAGES:
            files[f"{_prefix(law)}/{law}{number}.xsd"] = message_xsd(law, number)
    return files


def write_files(directory: Path = XSD_DIR) -> list[Path]:
    """(Re)write the generated XSDs under ``directory``; returns the paths written."""
    written = []
    for relative, data in generated_files().items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - developer tool
    for written_path in write_files():
        print(written_path, file=sys.stderr)
