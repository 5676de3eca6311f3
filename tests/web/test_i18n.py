"""Dutch by default, English available: the committed translation is complete and compiled.

CI has no GNU gettext, so instead of compiling, the tests read the committed ``django.po``
and check that the committed ``django.mo`` gives exactly its translations (a ``.mo`` older
than its ``.po`` fails here), that nothing is left untranslated, and that every string the
templates and pages mark for translation is in the ``.po`` (run ``makemessages`` when one is
missing).
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from django.test import Client

from tests.conftest import ROOT

LOCALE = ROOT / "src" / "regie" / "locale" / "en" / "LC_MESSAGES"


@dataclass(frozen=True)
class Entry:
    context: str | None
    msgid: str
    plural: str | None
    msgstr: tuple[str, ...]


def _unquote(text: str) -> str:
    return bytes(text, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (without the header)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if m:
                current = m.group(1)
                fields[current] = _unquote(m.group(2))
            elif line.startswith('"') and current:
                fields[current] += _unquote(line[1:-1])
        if fields.get("msgid"):
            strs = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr"))
            entries.append(Entry(fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), strs))
    return entries


ENTRIES = read_po(LOCALE / "django.po")


def test_every_string_is_translated() -> None:
    assert len(ENTRIES) > 400
    missing = [e.msgid for e in ENTRIES if not all(e.msgstr)]
    assert not missing, missing[:10]


def test_mo_holds_exactly_the_po() -> None:
    with (LOCALE / "django.mo").open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for e in ENTRIES:
        if e.plural:
            assert mo.ngettext(e.msgid, e.plural, 1) == e.msgstr[0]
            assert mo.ngettext(e.msgid, e.plural, 2) == e.msgstr[1]
        elif e.context:
            assert mo.pgettext(e.context, e.msgid) == e.msgstr[0]
        else:
            assert mo.gettext(e.msgid) == e.msgstr[0], (e.msgid, "django.mo is older than django.po: compilemessages")


_MARKED = [
    re.compile(r"""\{%\s*translate\s+"([^"]+)"\s*%\}"""),
    re.compile(r"""\{%\s*translate\s+'([^']+)'\s*%\}"""),
    re.compile(r"""(?<![\w.])_\("((?:[^"\\]|\\.)+)"\)"""),
    re.compile(r"""(?<![\w.])gettext_noop\("((?:[^"\\]|\\.)+)"\)"""),
]


def marked_strings() -> set[str]:
    """Strings the web app's templates and page views mark for translation."""
    site = ROOT / "src" / "regie" / "site"
    files = [*site.glob("templates/**/*.html"), *site.glob("pages/*.py"), site / "roles.py"]
    files += [site / "errors.py", site.parent / "accounts" / "api.py"]  # the API's problem titles
    found: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in _MARKED:
            found.update(m.replace('\\"', '"') for m in pattern.findall(text))
    return found


def test_every_marked_string_is_in_the_po() -> None:
    known = {e.msgid.replace("%%", "%") for e in ENTRIES}
    missing = sorted(s for s in marked_strings() if s.replace("%%", "%") not in known)
    assert not missing, f"run makemessages: {missing[:10]}"


@pytest.mark.parametrize(("language", "heading"), [("nl", "Budgetgrip"), ("en", "Budget grip")])
def test_pages_follow_the_chosen_language(gemeente: Client, language: str, heading: str) -> None:
    gemeente.post("/i18n/setlang/", {"language": language, "next": "/grip/"})
    page = gemeente.get("/grip/").content.decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page


@pytest.mark.parametrize(
    ("language", "texts", "other"),
    [
        ("nl", ["Instroom", "Kosten per cliënt", "Afgesproken cliënten (gerealiseerd)", "5 gerealiseerd"], "realised"),
        ("en", ["Inflow", "Cost per client", "Agreed clients (realised)", "5 realised"], "gerealiseerd"),
    ],
)
def test_a_scorecard_speaks_the_readers_language(
    aanbieder: Client, language: str, texts: list[str], other: str
) -> None:
    """The scorecard on the provider page (indicator names, agreed vs realised, where the value
    stands against the peers): an English reader read them in Dutch."""
    from tests.monitor.region import OWN

    aanbieder.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = aanbieder.get(f"/aanbieders/{OWN}/").content.decode()
    table = lxml.html.fromstring(page).xpath("string(//table[contains(@class, 'scorecard')])")
    assert all(text in table for text in texts), (language, table[:400])
    assert other not in table
