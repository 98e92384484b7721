"""Release text from .txt, .md, .html/.htm and .docx files, with the standard library only."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HTML_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "title", "dt", "dd",
}  # fmt: skip


class _HtmlText(HTMLParser):
    """Visible text, one paragraph per block element; scripts and styles skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "noscript", "template"}:
            self._hidden += 1
        elif tag in _HTML_BLOCKS:
            self.parts.append("\n\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "noscript", "template"}:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _HTML_BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", "".join(parser.parts)))
    return "\n\n".join(p for p in paragraphs if p)


def markdown_to_text(markdown: str) -> str:
    """Markdown with its markup removed: headings, emphasis, links, code ticks, table pipes."""
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", markdown, flags=re.MULTILINE)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$", "", text, flags=re.MULTILINE)
    return re.sub(r"\s*\|\s*", " ", text)


def docx_to_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml")
    # No DTDs in a Word document: refusing them keeps entity expansion attacks out.
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise ValueError(f"{path}: word/document.xml declares a DTD; refusing to parse it")
    root = ElementTree.fromstring(xml)
    paragraphs: list[str] = []
    for paragraph in root.iter(f"{_WORD_NS}p"):
        pieces: list[str] = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD_NS}t" and node.text:
                pieces.append(node.text)
            elif node.tag == f"{_WORD_NS}tab":
                pieces.append("\t")
            elif node.tag in {f"{_WORD_NS}br", f"{_WORD_NS}cr"}:
                pieces.append("\n")
        paragraphs.append("".join(pieces))
    return "\n\n".join(p for p in paragraphs if p.strip())


def read_release(path: str | Path) -> str:
    """The text of a release; the format follows the file extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_to_text(path)
    raw = path.read_text(encoding="utf-8-sig")
    if suffix in {".html", ".htm"}:
        return html_to_text(raw)
    if suffix in {".md", ".markdown"}:
        return markdown_to_text(raw)
    if suffix in {".txt", ".text", ""}:
        return raw
    raise ValueError(
        f"{path}: unsupported release format {suffix!r} (use .txt, .md, .html or .docx)"
    )
