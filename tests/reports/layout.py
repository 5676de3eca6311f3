"""What a reader of a PDF report sees of its tables: where WeasyPrint laid them out, and the
text pypdf finds on each page.

A table wider than its page is not an error to WeasyPrint: it lays the table out past the right
margin and the PDF viewer cuts it off, while the text is still in the file (so the text alone
cannot tell). :func:`tables` therefore reads the layout: per table fragment (a table split over
pages is one fragment a page), its right edge, the right edge of the page's content area, and
its column headings line by line as they were set (a wrapped heading is several lines).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pypdf import PdfReader
from weasyprint import Document
from weasyprint.formatting_structure import boxes

#: Slack for rounding in the layout, in CSS pixels (1/96 inch).
EPSILON = 0.5


@dataclass
class LaidOutTable:
    """One fragment of a table on one page."""

    ident: str
    page: int
    right: float
    page_right: float
    widest: str = ""
    headings: list[list[str]] = field(default_factory=list)
    last_column: list[str] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return self.right <= self.page_right + EPSILON


def _walk(box: boxes.Box) -> Iterator[boxes.Box]:
    yield box
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _walk(child)


def _right(box: boxes.Box) -> float:
    return float(box.position_x + box.margin_width())


def _lines(cell: boxes.Box) -> list[str]:
    """The text of a cell, one string per line as set."""
    out = []
    for line in _walk(cell):
        if isinstance(line, boxes.LineBox):
            text = " ".join(t.text.strip() for t in _walk(line) if isinstance(t, boxes.TextBox) and t.text.strip())
            if text:
                out.append(text)
    return out


def tables(document: Document) -> list[LaidOutTable]:
    """Every table fragment of a rendered document, page by page."""
    out = []
    for number, page in enumerate(document.pages):
        page_box = page._page_box
        page_right = float(page_box.content_box_x() + page_box.width)
        for box in _walk(page_box):
            if not isinstance(box, boxes.TableBox):
                continue
            inside = list(_walk(box))
            right = max(_right(b) for b in inside)
            widest = max(inside, key=_right)
            table = LaidOutTable(
                ident=box.element.get("id") or "",
                page=number,
                right=right,
                page_right=page_right,
                widest=" ".join(_lines(widest)) or type(widest).__name__,
            )
            for group in box.children:
                rows = [r for r in group.children if isinstance(r, boxes.TableRowBox)]
                if group.element_tag == "thead":
                    table.headings += [_lines(cell) for row in rows for cell in row.children]
                elif group.element_tag == "tbody":
                    table.last_column += [" ".join(_lines(row.children[-1])) for row in rows if row.children]
            out.append(table)
    return out


def page_texts(content: bytes) -> list[str]:
    """The text of each page, whitespace collapsed to single spaces."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
