"""The findings written back into the editor's workbook: `validator check ... --annotate OUT.xlsx`.

A copy of the input workbook (a new one for a CSV, .xls or .ods: the cells as read) gets every
discrepancy as a comment on each of its figures' cells, the most likely wrong cell (rank 1 of
the report's `suspects`, when the report has them) filled, and a last sheet with the summary.
Number formats and formulas are kept, with the values the spreadsheet application stored for
them; the original file is never opened for writing, and the copy is written to a temporary
file first and then moved into place.

Reads the report records only (docs/json-report.md), like every reporter.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from validator.errors import InputError
from validator.sheets import coordinate, parse_coordinate

AUTHOR = "validator"
REPORT_SHEET = "Validator report"
SUSPECT_FILL = "FFFF6666"


def annotate(source: str | None, records: Mapping[str, Any], target: str,
             value_column: str = "value") -> None:
    """Write the annotated copy of `source` (None: stdin, a new workbook) to `target`.

    `value_column` names the column of values: a figure of a CSV row is commented there.
    """
    import openpyxl

    suffix = Path(source).suffix.lower() if source else ""
    if source and suffix in (".xlsx", ".xlsm"):
        try:
            book = openpyxl.load_workbook(source, keep_vba=suffix == ".xlsm")
        except Exception as exc:  # openpyxl's own errors: the message is what matters
            raise InputError([f"{source}: cannot copy the workbook: {exc}"]) from None
        positions: dict[str, int] = {}
    else:
        book = _new_book(source)
        header = book.worksheets[0][1] if book.worksheets[0].max_row >= 1 else ()
        positions = {str(c.value): c.column for c in header if c.value is not None}
    comments: dict[tuple[str, str], list[str]] = {}
    first_sheet = book.worksheets[0].title
    for d in records.get("discrepancies", []):
        text = f"{str(d['severity']).upper()} [{d['rule']}] {d['message']}"
        for figure in d.get("figures", []):
            for ref in _cells_of(figure, first_sheet, positions.get(value_column)):
                comments.setdefault(ref, [])
                if text not in comments[ref]:
                    comments[ref].append(text)
    for (sheet, cell), lines in comments.items():
        if sheet in book.sheetnames:
            _comment(book[sheet][cell], "\n\n".join(lines))
    for sheet, cell in suspect_cells(records, first_sheet, value_column, positions):
        if sheet in book.sheetnames:
            from openpyxl.styles import PatternFill

            book[sheet][cell].fill = PatternFill(fill_type="solid", start_color=SUSPECT_FILL,
                                                 end_color=SUSPECT_FILL)
    _summary_sheet(book, records)
    _save(book, target, source if suffix in (".xlsx", ".xlsm") else None)


def _new_book(source: str | None) -> Any:
    """A workbook of the input's cells as text, at the same coordinates (CSV, .xls, .ods)."""
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    if source is None:
        first.title = "table"
        return book
    data = Path(source).read_bytes()
    suffix = Path(source).suffix.lower().lstrip(".")
    if suffix in ("xls", "ods"):
        from validator.sheets import open_workbook

        grids = [g for _, g in open_workbook(data, suffix) if g is not None]
        book.remove(first)
        for grid in grids:
            sheet = book.create_sheet(grid.sheet[:31] or "table")
            for r, row in enumerate(grid.rows, start=1):
                for c, text in enumerate(row, start=1):
                    if text:
                        _text_cell(sheet.cell(r, c), text)
        return book
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    from validator.table import sniff_delimiter

    delimiter = "\t" if suffix == "tsv" else sniff_delimiter(text, ",")
    first.title = "table"
    for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        for c, value in enumerate(row, start=1):
            if value:
                _text_cell(first.cell(r, c), value)
    return book


def _text_cell(cell: Any, text: str) -> None:
    """Text stays text: never a formula, whatever it starts with."""
    cell.value = text
    cell.data_type = "s"


def _comment(cell: Any, text: str) -> None:
    from openpyxl.comments import Comment

    if cell.comment is not None and cell.comment.text:
        text = f"{cell.comment.text}\n\n{text}"
    comment = Comment(text[:32000], AUTHOR)
    comment.width, comment.height = 360, 160
    cell.comment = comment


def _cells_of(figure: Mapping[str, Any], first_sheet: str,
              value_position: int | None) -> list[tuple[str, str]]:
    """(sheet, cell) of each of a figure's texts; a CSV row gives its value cell."""
    cells = figure.get("cells") or {}
    found = [split_ref(str(ref), first_sheet) for ref in cells.values()]
    if not found and figure.get("row") is not None and value_position:
        found = [(first_sheet, coordinate(int(figure["row"]), value_position))]
    return [f for f in found if f is not None]


def split_ref(ref: str, default_sheet: str) -> tuple[str, str] | None:
    """`Table 1!C7` -> ("Table 1", "C7"); "C7" -> (default_sheet, "C7")."""
    sheet, _, cell = ref.rpartition("!")
    if parse_coordinate(cell) is None:
        return None
    return (sheet or default_sheet, cell)


def suspect_cells(records: Mapping[str, Any], first_sheet: str, value_column: str,
                  positions: Mapping[str, int]) -> list[tuple[str, str]]:
    """The cell of each most likely wrong figure (rank 1 of the report's `suspects`)."""
    found = []
    for suspect in records.get("suspects") or []:
        if int(suspect.get("rank", 1)) != 1:
            continue
        figure = suspect.get("figure") or {}
        cells = figure.get("cells") or {}
        column = str(suspect.get("column") or value_column)
        ref = cells.get(column) or cells.get(value_column)
        place = split_ref(str(ref), first_sheet) if ref else None
        if place is None and figure.get("row") is not None and column in positions:
            place = (first_sheet, coordinate(int(figure["row"]), positions[column]))
        if place is not None and place not in found:
            found.append(place)
    return found


def _summary_sheet(book: Any, records: Mapping[str, Any]) -> None:
    name = REPORT_SHEET
    while name in book.sheetnames:
        name += " (2)" if not name.endswith(")") else ""
        if name in book.sheetnames:
            name = f"{REPORT_SHEET} {len(book.sheetnames)}"
    sheet = book.create_sheet(name)
    summary = records.get("summary", {})
    rows: list[list[Any]] = [
        [records.get("title") or "Release check"],
        ["table", str(records.get("inputs", {}).get("table", ""))],
        ["rules", str(records.get("inputs", {}).get("rules", ""))],
        ["status", str(summary.get("status", ""))],
        ["errors", summary.get("errors", 0)],
        ["warnings", summary.get("warnings", 0)],
        ["checks", summary.get("checked", 0)],
        ["not evaluated", summary.get("not_evaluated", 0)],
    ]
    for part in records.get("unread") or []:
        rows.append(["not read", str(part)])
    rows.append([])
    rows.append(["severity", "rule", "cells", "message"])
    for d in records.get("discrepancies", []):
        cells = ", ".join(str(ref) for f in d.get("figures", [])
                          for ref in (f.get("cells") or {}).values())
        rows.append([str(d["severity"]), str(d["rule"]), cells, str(d["message"])])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c)
            if isinstance(value, str):
                _text_cell(cell, value)
            else:
                cell.value = value


def _sheet_parts(path: str) -> dict[str, str]:
    """Sheet title -> the sheet's XML part in an .xlsx file."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: str(getattr(ws, "_worksheet_path", "")) for ws in book.worksheets}
    finally:
        book.close()


_FORMULA_CELL = re.compile(rb"<c\b([^>]*?)>\s*(<f\b[^>]*?(?:/>|>.*?</f>))\s*(?:<v\s*/>|<v></v>)?"
                           rb"\s*</c>", re.S)
_ORIGINAL_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)>(.*?)</(?:\w+:)?c>", re.S)
_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _stored_values(xml: bytes) -> dict[bytes, tuple[bytes, bytes | None]]:
    """Cell -> (stored value, type) of every formula cell that has a stored value."""
    found = {}
    for attributes, inner in _ORIGINAL_CELL.findall(xml):
        if b"<f" not in inner and b":f" not in inner:
            continue
        ref, value = _REF.search(attributes), _VALUE.search(inner)
        if ref and value:
            kind = _TYPE.search(attributes)
            found[ref[1]] = (value[1], kind[1] if kind else None)
    return found


def _restore_stored_values(original: str, copy: str) -> None:
    """Put the original's stored formula values back into the copy.

    openpyxl writes formulas without the values a spreadsheet application stored with them;
    without them the copy would read (here and in any reader that does not calculate) as
    formulas with no value.
    """
    before, after = _sheet_parts(original), _sheet_parts(copy)
    with zipfile.ZipFile(original) as archive:
        stored = {title: _stored_values(archive.read(part)) for title, part in before.items()
                  if part in archive.namelist()}
    with zipfile.ZipFile(copy) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    for title, part in after.items():
        values = stored.get(title)
        if not values or part not in parts:
            continue

        def put_back(found: re.Match[bytes], values: dict[bytes, tuple[bytes, bytes | None]]
                     = values) -> bytes:
            attributes, formula = found[1], found[2]
            ref = _REF.search(attributes)
            if ref is None or ref[1] not in values:
                return found[0]
            value, kind = values[ref[1]]
            if kind and kind != b"n" and not _TYPE.search(attributes):
                attributes += b' t="' + kind + b'"'
            return b"<c" + attributes + b">" + formula + b"<v>" + value + b"</v></c>"

        parts[part] = _FORMULA_CELL.sub(put_back, parts[part])
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _save(book: Any, target: str, original: str | None) -> None:
    folder = Path(target).resolve().parent
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".validator-", suffix=".xlsx")
    except OSError as exc:
        raise InputError([f"{target}: cannot write the annotated copy: {exc.strerror}"]) from None
    os.close(handle)
    try:
        book.save(temporary)
        if original is not None:
            _restore_stored_values(original, temporary)
        os.replace(temporary, target)
    except OSError as exc:
        raise InputError([f"{target}: cannot write the annotated copy: {exc.strerror}"]) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
