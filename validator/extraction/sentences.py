"""Splitting release text into numbered sentences."""

from __future__ import annotations

import re

# A period after these does not end a sentence ("the U.S. (up 32.5 percent ...").
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:Mr|Ms|Mrs|Dr|St|Inc|Corp|Co|Ltd|No|vs|approx|est|e\.g|i\.e"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$"
)
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d\u2019)]))\s+(?=[\"\u201c\u2018]?[A-Z0-9$€£])"
    # text taken from a PDF loses the space after a full stop: "revised.Deficit"
    r"|(?<=[a-z]{2}\.)(?=[A-Z][a-z])"
    # Korean and Japanese: "...했다. 수입은", "...となった。輸入は"
    r"|(?<=[\uac00-\ud7af]\.)\s+|(?<=\u3002)\s*"
)
_CLOSERS = '"\u201d\u2019)'
_BULLET = re.compile(r"^\s*(?:[•*\-\u2013#]+|\d+[.)])\s+")


def _paragraph_lines(text: str) -> list[str]:
    """Lines joined where a paragraph was merely wrapped; titles and bullets stay on their own."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        current = ""
        for raw in paragraph.split("\n"):
            line = raw.strip()
            if not line:
                continue
            continues = (
                bool(current)
                and not _BULLET.match(raw)
                and (re.match(r"[a-z0-9$€£(]", line) is not None or current.endswith((",", ";")))
            )
            if continues:
                current += " " + line
            else:
                if current:
                    blocks.append(current)
                current = line
        if current:
            blocks.append(current)
    return blocks


def split_sentences(text: str) -> list[str]:
    """Sentences in reading order; sentence n of a release is `split_sentences(text)[n - 1]`."""
    return [s for paragraph in split_paragraphs(text) for s in paragraph]


def split_paragraphs(text: str) -> list[list[str]]:
    """The sentences of each paragraph (a title and a bullet are paragraphs of their own)."""
    paragraphs: list[list[str]] = []
    for block in _paragraph_lines(text):
        sentences: list[str] = []
        start = 0
        for m in _SENTENCE_END.finditer(block):
            head = block[start : m.start()]
            if _ABBREVIATIONS.search(head.rstrip(_CLOSERS)):
                continue
            sentences.append(block[start : m.start()].strip())
            start = m.end()
        sentences.append(block[start:].strip())
        if any(sentences):
            paragraphs.append([s for s in sentences if s])
    return paragraphs
