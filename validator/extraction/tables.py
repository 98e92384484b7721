"""Tables inside a release's text: pipe rows ("| Exports | 136.7 |", from Markdown, HTML or
.docx tables) and plain-text tables whose columns are aligned with runs of spaces or tabs.

A table is a header (the rows above its first row of numbers) and data rows. Each header cell may
name a period ("May 2008", "Jan 2020 $m"), a unit ("EUR billion", "Millions of YEN"), codes
("Exports") or a % change ("Percent change", "% change on February 2022"); the row's first cell
names codes. Every number cell is one figure, located at the table row's line; a % change column
is the change of the row's figure for the latest period of the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?\s*$")
_ALIGNED_SPLIT = re.compile(r"\t+|\s{2,}")
NUMBER_CELL = re.compile(
    r"^(?P<sign>[-+\u2212\u2013\u25b2\u25b3])?\s?(?P<open>\()?"
    r"(?P<num>\d{1,3}(?:[, \u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?(open)\))\s?%?$"
)
EMPTY_CELL = re.compile(r"^(?:|-|\u2013|\u2014|\.\.|\.\.\.|na|n/a|x|\*)$", re.IGNORECASE)
CHANGE_HEADER = re.compile(r"%|\bper\s*cent\b|\bpercent\b|\bchange\b|\bgrowth\b|\by/y\b|\byoy\b"
                           r"|증감률|증감|伸び率|前年比",
                           re.IGNORECASE)

# A column of shares ("Share of total", "% of total", "Proportion"): not figures of the schema.
SHARE_HEADER = re.compile(r"\bshare\b|\bproportion\b|%\s*of\s+(?:the\s+)?total|\bper\s*cent\s+of\b"
                          r"|구성비|비중|構成比", re.IGNORECASE)


@dataclass(frozen=True)
class TableRow:
    line: int  # index of the row's line in the text
    text: str  # the line as printed
    cells: tuple[str, ...]


@dataclass(frozen=True)
class TextTable:
    first_line: int
    last_line: int
    note: str  # the caption or unit line just above the table ("(Unit: millions of yen, %)")
    header: tuple[TableRow, ...]
    rows: tuple[TableRow, ...]

    def column_headers(self) -> list[str]:
        """Per column, the text of every header row above it."""
        width = max((len(r.cells) for r in self.rows), default=0)
        columns = [""] * width
        for row in self.header:
            cells = list(row.cells)
            # A header without the row-label column ("   May 2008   May 2007") is right-aligned.
            cells = [""] * (width - len(cells)) + cells if len(cells) < width else cells[:width]
            columns = [f"{c} {h}".strip() for c, h in zip(columns, cells, strict=True)]
        return columns


def _pipe_cells(line: str) -> tuple[str, ...]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return tuple(c.strip() for c in inner.split("|"))


def _aligned_cells(line: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in _ALIGNED_SPLIT.split(line.strip()) if c.strip())


def is_number_cell(cell: str) -> bool:
    return NUMBER_CELL.match(cell.strip()) is not None


_YEAR_CELL = re.compile(r"^(?:19|20)\d\d$")


def is_year_row(cells: tuple[str, ...]) -> bool:
    """ "2021   2022   2023": a header of years above the numbers, not a row of figures."""
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 2 and all(_YEAR_CELL.match(c.strip()) for c in filled)


def _numbers_in(cells: tuple[str, ...]) -> int:
    return sum(1 for c in cells[1:] if is_number_cell(c))


def find_tables(text: str) -> list[TextTable]:
    """The tables of a text, in order; lines of a table are not prose."""
    lines = text.split("\n")
    tables: list[TextTable] = []
    i = 0
    while i < len(lines):
        table = _pipe_table(lines, i) or _aligned_table(lines, i)
        if table is None:
            i += 1
            continue
        tables.append(table)
        i = table.last_line + 1
    return tables


def _note_above(lines: list[str], first: int) -> str:
    for j in range(first - 1, max(first - 3, -1), -1):
        if lines[j].strip():
            return lines[j].strip()
    return ""


def _pipe_table(lines: list[str], start: int) -> TextTable | None:
    if not _PIPE_ROW.match(lines[start]):
        return None
    end = start
    while end + 1 < len(lines) and _PIPE_ROW.match(lines[end + 1]):
        end += 1
    header: list[TableRow] = []
    rows: list[TableRow] = []
    for n in range(start, end + 1):
        if _PIPE_RULE.match(lines[n]):
            continue
        row = TableRow(n, lines[n].strip(), _pipe_cells(lines[n]))
        is_data = _numbers_in(row.cells) and not is_year_row(row.cells)
        (rows if rows or is_data else header).append(row)
    if not rows:
        return None
    return TextTable(start, end, _note_above(lines, start), tuple(header), tuple(rows))


def _aligned_table(lines: list[str], start: int) -> TextTable | None:
    """Two or more lines whose cells, split at runs of spaces, hold numbers after a label."""
    def numeric(n: int) -> bool:
        cells = _aligned_cells(lines[n])
        if len(cells) < 2 or is_year_row(cells):
            return False
        filled = [c for c in cells[1:] if not EMPTY_CELL.match(c)]
        return _numbers_in(cells) >= 1 and _numbers_in(cells) == len(filled) and bool(
            _ALIGNED_SPLIT.search(lines[n].strip())
        )

    if not numeric(start):
        return None
    end = start
    while end + 1 < len(lines) and numeric(end + 1):
        end += 1
    if end == start:
        return None
    first = start
    header: list[TableRow] = []
    above = start - 1
    if above >= 0 and lines[above].strip() and len(_aligned_cells(lines[above])) >= 2:
        header.append(TableRow(above, lines[above].strip(), _aligned_cells(lines[above])))
        first = above
    rows = tuple(
        TableRow(n, lines[n].strip(), _aligned_cells(lines[n])) for n in range(start, end + 1)
    )
    return TextTable(first, end, _note_above(lines, first), tuple(header), rows)


def cell_digits(cell: str) -> str:
    """The printed number of a cell without thousands separators, with its minus ("▲" too)."""
    m = NUMBER_CELL.match(cell.strip())
    if m is None:
        return ""
    digits = re.sub(r"[, \u00a0\u202f]", "", m.group("num"))
    sign = m.group("sign") or ""
    # "(1,772)": an accountant's minus.
    negative = (sign and sign != "+") or m.group("open")
    return ("-" if negative else "") + digits


def is_percent_cell(cell: str) -> bool:
    """ "39.0%": a rate or a share printed with its sign, not an amount."""
    return is_number_cell(cell) and cell.strip().endswith("%")
