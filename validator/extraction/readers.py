"""Release text from .txt, .md, .html/.htm and .docx files.

A .docx is read with defusedxml (no DTD, no entities) after its archive is checked against the
limits of validator/limits.py, which also bound the size of a release and of each of its lines.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from validator.errors import InputError
from validator.limits import (
    MAX_RELEASE_BYTES,
    MAX_RELEASE_LINE_CHARS,
    check_archive,
    read_member,
)

_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HTML_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table",
    "section", "article", "header", "footer", "blockquote", "title", "dt", "dd",
}  # fmt: skip


class _HtmlText(HTMLParser):
    """Visible text, one paragraph per block element; scripts and styles skipped.

    A table becomes one paragraph of pipe rows ("| Exports | 136.7 |"), its caption the line
    above them, so the extractor reads it as a table.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "noscript", "template"}:
            self._hidden += 1
        elif tag == "table":
            self._tables += 1
            self.parts.append("\n\n")
        elif self._tables and tag == "tr":
            self.parts.append("\n|")
        elif self._tables and tag in {"td", "th"}:
            self.parts.append(" ")
        elif self._tables and tag in {"caption", "br", "p", "div"}:
            self.parts.append("\n")
        elif tag in _HTML_BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "noscript", "template"}:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "table":
            self._tables = max(0, self._tables - 1)
            self.parts.append("\n\n")
        elif self._tables and tag in {"td", "th"}:
            self.parts.append(" |")
        elif self._tables and tag == "caption":
            self.parts.append("\n")
        elif tag in _HTML_BLOCKS and not self._tables:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(re.sub(r"\s+", " ", data.replace("|", "/") if self._tables else data))


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", "".join(parser.parts)))
    return "\n\n".join(
        "\n".join(line.strip() for line in p.split("\n") if line.strip()) for p in paragraphs if p
    )


def markdown_to_text(markdown: str) -> str:
    """Markdown with its markup removed: headings, emphasis, links, code ticks (table rows stay).

    Every pattern here runs in time linear in the line: emphasis markers are dropped where they
    touch a word (`*a*`, `__b__`, `` `c` ``) rather than matched in pairs, which on a long line
    of markers took quadratic time.
    """
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", markdown, flags=re.MULTILINE)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(?:\*+|`+|(?<!\w)_+|_+(?!\w))(?=\S)|(?<=\S)(?:\*+|`+|_+(?!\w))", "", text)
    # Table rows keep their pipes: the extractor reads them as tables.
    return text


def docx_to_text(path: Path) -> str:
    try:
        check_archive(str(path))
        with zipfile.ZipFile(path) as archive:
            xml = read_member(archive, "word/document.xml")
    except InputError as exc:
        raise ValueError("; ".join(exc.messages)) from None
    except (zipfile.BadZipFile, KeyError, EOFError) as exc:
        raise ValueError(f"not a Word document ({exc})") from None
    # No DTDs in a Word document: refusing them (in any encoding) keeps entity expansion out.
    try:
        root = SafeElementTree.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException:
        raise ValueError("word/document.xml declares a DTD or entities; refusing to parse "
                         "it") from None
    except SafeElementTree.ParseError as exc:
        raise ValueError(f"word/document.xml is not well-formed XML ({exc})") from None
    body = root.find(f"{_WORD_NS}body")
    paragraphs: list[str] = []
    for block in body if body is not None else root.iter(f"{_WORD_NS}p"):
        if block.tag == f"{_WORD_NS}tbl":
            # A table: one pipe row per table row, cells in order (see validator.extraction.tables).
            rows = [
                "| " + " | ".join(
                    " ".join(_docx_paragraph(p) for p in cell.iter(f"{_WORD_NS}p"))
                    .replace("|", "/")
                    for cell in row.iter(f"{_WORD_NS}tc")
                ) + " |"
                for row in block.iter(f"{_WORD_NS}tr")
            ]
            paragraphs.append("\n".join(rows))
        elif block.tag == f"{_WORD_NS}p":
            paragraphs.append(_docx_paragraph(block))
    return "\n\n".join(p for p in paragraphs if p.strip())


def _bounded_lines(text: str) -> str:
    """The text, or ValueError naming the first line longer than a release line may be."""
    if max(map(len, text.split("\n")), default=0) <= MAX_RELEASE_LINE_CHARS:
        return text
    start = 0
    for number, match in enumerate(re.finditer(r"\n|$", text), start=1):
        if match.start() - start > MAX_RELEASE_LINE_CHARS:
            raise ValueError(f"line {number}: {match.start() - start:,} characters on one line "
                             f"(the limit is {MAX_RELEASE_LINE_CHARS:,})")
        start = match.end()
        if match.end() >= len(text):
            break
    return text


def _docx_paragraph(paragraph: ElementTree.Element) -> str:
    pieces: list[str] = []
    for node in paragraph.iter():
        if node.tag == f"{_WORD_NS}t" and node.text:
            pieces.append(node.text)
        elif node.tag == f"{_WORD_NS}tab":
            pieces.append("\t")
        elif node.tag in {f"{_WORD_NS}br", f"{_WORD_NS}cr"}:
            pieces.append("\n")
    return "".join(pieces)


def read_release(path: str | Path) -> str:
    """The text of a release; the format follows the file extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_RELEASE_BYTES:
        raise ValueError(f"{path.stat().st_size:,} bytes (a release may have at most "
                         f"{MAX_RELEASE_BYTES:,})")
    if suffix == ".docx":
        return _bounded_lines(docx_to_text(path))
    raw = _bounded_lines(path.read_text(encoding="utf-8-sig"))
    if suffix in {".html", ".htm"}:
        return html_to_text(raw)
    if suffix in {".md", ".markdown"}:
        return markdown_to_text(raw)
    if suffix in {".txt", ".text", ""}:
        return raw
    raise ValueError(
        f"{path}: unsupported release format {suffix!r} (use .txt, .md, .html or .docx)"
    )
