"""The findings written back into the editor's own Word release: `--annotate OUT.docx`.

A copy of the .docx press release gets a comment on every number that is part of a
discrepancy (the most likely wrong one says what it should probably read) or that was not read
as a figure, anchored on exactly that number. The original is never opened for writing; the
copy is written to a temporary file first and then moved into place.

Reads the report records only (their `release` section, docs/json-report.md), like every
reporter.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator.errors import InputError

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

AUTHOR = "validator"
INITIALS = "V"
# The marks an editor has to act on.
COMMENTED = ("suspect", "discrepancy", "unplaced")


def annotate_docx(source: str, records: Mapping[str, Any], target: str) -> int:
    """Write the commented copy of `source` to `target`; the number of comments written."""
    import docx

    release = records.get("release")
    if not release:
        raise InputError([f"{source}: --annotate OUT.docx needs a .docx press release"])
    try:
        document = docx.Document(source)
    except Exception as exc:  # python-docx's own errors: the message is what matters
        raise InputError([f"{source}: cannot copy the document: {exc}"]) from None
    paragraphs = list(_paragraphs(document))
    texts = [p.text for p in paragraphs]
    written = 0
    cursor = (0, 0)  # (paragraph, character): marks come in reading order
    for sentence in (s for p in release["paragraphs"] for s in p["sentences"]):
        for mark in sentence["marks"]:
            if mark["status"] not in COMMENTED:
                continue
            found = _locate(texts, cursor, sentence["text"], mark)
            if found is None:
                continue
            index, start = found
            end = start + len(mark["text"])
            runs = _isolate(paragraphs[index], start, end)
            if not runs:
                continue
            document.add_comment(runs, text=_comment(mark, records["discrepancies"]),
                                 author=AUTHOR, initials=INITIALS)
            texts[index] = paragraphs[index].text
            cursor = (index, end)
            written += 1
    _save(document, target)
    return written


def _paragraphs(document: Document) -> Iterator[Paragraph]:
    """Every paragraph in reading order, those of table cells included (each cell once)."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            seen: set[int] = set()
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        yield from cell.paragraphs
        else:
            yield block


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _locate(texts: Sequence[str], cursor: tuple[int, int], sentence: str,
            mark: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where the mark's number is: in the paragraph holding its sentence, at or after the
    cursor; else its first occurrence after the cursor."""
    number = mark["text"]
    head = _squeeze(sentence[: int(mark["start"])])[-40:]
    for index in range(cursor[0], len(texts)):
        text = texts[index]
        begin = cursor[1] if index == cursor[0] else 0
        squeezed = _squeeze(text)
        if head and head not in squeezed:
            continue
        at = text.find(number, begin)
        while at >= 0:
            if _squeeze(text[:at]).endswith(head):
                return index, at
            at = text.find(number, at + 1)
    for index in range(cursor[0], len(texts)):
        at = texts[index].find(number, cursor[1] if index == cursor[0] else 0)
        if at >= 0:
            return index, at
    return None


def _isolate(paragraph: Paragraph, start: int, end: int) -> list[Run]:
    """The runs holding exactly characters start..end of the paragraph, split out of the runs
    around them (formatting kept)."""
    runs = []
    position = 0
    for run in list(paragraph.runs):
        text = run.text
        left, right = position, position + len(text)
        position = right
        if right <= start or left >= end or not text:
            continue
        cut_from, cut_to = max(start - left, 0), min(end - left, len(text))
        if cut_from > 0:  # the text before the number stays in a run of its own
            before = copy.deepcopy(run._r)
            run._r.addprevious(before)
            _set_text(before, text[:cut_from])
        if cut_to < len(text):
            after = copy.deepcopy(run._r)
            run._r.addnext(after)
            _set_text(after, text[cut_to:])
        run.text = text[cut_from:cut_to]
        runs.append(run)
    return runs


def _set_text(element: Any, text: str) -> None:
    from docx.text.run import Run

    Run(element, None).text = text  # type: ignore[arg-type]


def _comment(mark: Mapping[str, Any], discrepancies: Sequence[Mapping[str, Any]]) -> str:
    lines = []
    if mark["status"] == "suspect":
        lines.append("Most likely wrong" + (f": should probably read {mark['suggestion']}"
                                            if mark.get("suggestion") else "") + ".")
    elif mark["status"] == "unplaced":
        lines.append(f"Not read as a figure: {mark['note']}.")
    for k in mark["problems"]:
        d = discrepancies[k]
        if d["rule"] != "prose.unplaced":
            lines.append(f"{str(d['severity']).upper()} [{d['rule']}] {d['message']}")
    if mark["status"] == "suspect" and mark.get("note"):
        lines.append(str(mark["note"]))
    return "\n".join(lines)


def _save(document: Document, target: str) -> None:
    out = Path(target)
    fd, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp",
                                     dir=out.parent if str(out.parent) else ".")
    os.close(fd)
    try:
        document.save(temporary)
        os.replace(temporary, out)
    except OSError as exc:
        raise InputError([f"{target}: cannot write the annotated copy: {exc.strerror or exc}"]
                         ) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
