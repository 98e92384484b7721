"""Workbooks as grids of printed text: .xlsx (openpyxl), .xls (xlrd) and .ods (odfpy).

Every cell becomes the text its number format prints (validator/cells.py); a formula gives its
cached value, and a formula the file holds no value for is named (`Grid.uncached`), never read
as an empty cell in silence. Merged ranges and indentation are kept for print layouts.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from validator.cells import cell_text, number_text
from validator.errors import InputError

Range = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)


@dataclass(frozen=True)
class Grid:
    """One sheet: rows[r][c] is the printed text of sheet row r+1, column c+1."""

    sheet: str
    rows: list[list[str]]
    indent: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, col) 1-based
    merged: tuple[Range, ...] = ()
    uncached: tuple[str, ...] = ()  # cells (A1 style) holding a formula without a value
    formulas: int = 0  # formula cells read

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def text(self, row: int, column: int) -> str:
        """Text at a 1-based position, "" outside the sheet."""
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return ""


def column_letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def coordinate(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


_CELL = re.compile(r"^([A-Za-z]{1,3})(\d+)$")


def parse_coordinate(text: str) -> tuple[int, int] | None:
    """(row, column) of "C7"; None if the text is no cell."""
    found = _CELL.match(text.strip())
    return (int(found[2]), column_number(found[1])) if found else None


def open_workbook(data: bytes, fmt: str,
                  wanted: Sequence[str] | None = None) -> list[tuple[str, Grid | None]]:
    """Every sheet's name in workbook order, with its grid if it is in `wanted` (None: all)."""
    return _open(data, fmt, wanted)


def _open(data: bytes, fmt: str, wanted: Sequence[str] | None = None,
          names_only: bool = False) -> list[tuple[str, Grid | None]]:
    if fmt == "xlsx":
        return _xlsx(data, wanted, names_only)
    if fmt == "xls":
        return _xls(data, wanted, names_only)
    if fmt == "ods":
        return _ods(data, wanted, names_only)
    raise InputError([f"not a workbook format: {fmt}"])


# --- xlsx ---------------------------------------------------------------------------------

_FORMULA_OR_MERGE = re.compile(rb"<(?:\w+:)?(?:f|mergeCell)[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+\d+):([A-Z]+\d+)\"")
_C_ELEMENT = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.S)
_R_ATTR = re.compile(rb"\br=\"([A-Z]+\d+)\"")
_HAS_F = re.compile(rb"<(?:\w+:)?f[\s>/]")
_V_TEXT = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")


def _xlsx(data: bytes, wanted: Sequence[str] | None,
          names_only: bool) -> list[tuple[str, Grid | None]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        result: list[tuple[str, Grid | None]] = []
        archive = zipfile.ZipFile(io.BytesIO(data))
        for sheet in book.worksheets:
            if names_only or (wanted is not None and sheet.title not in wanted):
                result.append((sheet.title, None))
                continue
            rows: list[list[str]] = []
            indent: dict[tuple[int, int], int] = {}
            for r, row in enumerate(sheet.iter_rows(), start=1):
                texts = []
                for c, cell in enumerate(row, start=1):
                    value = getattr(cell, "value", None)
                    if value is None:
                        texts.append("")
                        continue
                    texts.append(cell_text(value, getattr(cell, "number_format", None)))
                    level = getattr(getattr(cell, "alignment", None), "indent", 0) or 0
                    if level:
                        indent[(r, c)] = int(level)
                rows.append(texts)
            path = getattr(sheet, "_worksheet_path", None)
            xml = archive.read(path) if isinstance(path, str) else b""
            merged, uncached, formulas = _xlsx_structure(xml)
            result.append((sheet.title, Grid(sheet.title, _trim(rows), indent, merged,
                                             uncached, formulas)))
        return result
    finally:
        book.close()


def _xlsx_structure(xml: bytes) -> tuple[tuple[Range, ...], tuple[str, ...], int]:
    """Merged ranges, formula cells without a cached value, and the number of formulas.

    openpyxl reads either a formula or its cached value, never both; the sheet's XML says
    which formula cells hold no value (as a workbook written by a program, not a spreadsheet
    application, often does). Only sheets that have formulas or merges are scanned.
    """
    if not _FORMULA_OR_MERGE.search(xml):
        return (), (), 0
    merged = []
    for first, last in _MERGE.findall(xml):
        a, b = parse_coordinate(first.decode()), parse_coordinate(last.decode())
        if a and b:
            merged.append((a[0], a[1], b[0], b[1]))
    uncached, formulas = [], 0
    if _HAS_F.search(xml):
        for attributes, _, inner in _C_ELEMENT.findall(xml):
            if not inner or not _HAS_F.search(inner):
                continue
            formulas += 1
            if not _V_TEXT.search(inner):
                ref = _R_ATTR.search(attributes)
                uncached.append(ref[1].decode() if ref else "?")
    return tuple(merged), tuple(uncached), formulas


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Without trailing empty rows and trailing empty cells."""
    while rows and not any(t.strip() for t in rows[-1]):
        rows.pop()
    for row in rows:
        while row and not row[-1].strip():
            row.pop()
    return rows


# --- xls ----------------------------------------------------------------------------------

def _xls(data: bytes, wanted: Sequence[str] | None,
         names_only: bool) -> list[tuple[str, Grid | None]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    try:
        result: list[tuple[str, Grid | None]] = []
        for index, name in enumerate(book.sheet_names()):
            if names_only or (wanted is not None and name not in wanted):
                result.append((name, None))
                continue
            sheet = book.sheet_by_index(index)
            rows = []
            indent: dict[tuple[int, int], int] = {}
            for r in range(sheet.nrows):
                texts = []
                for c in range(sheet.ncols):
                    texts.append(_xls_text(book, sheet, r, c))
                    xf = book.xf_list[sheet.cell_xf_index(r, c)]
                    level = getattr(xf.alignment, "indent_level", 0)
                    if level and texts[-1]:
                        indent[(r + 1, c + 1)] = int(level)
                rows.append(texts)
            merged = tuple((r0 + 1, c0 + 1, r1, c1) for r0, r1, c0, c1 in sheet.merged_cells)
            result.append((name, Grid(name, _trim(rows), indent, merged)))
        return result
    finally:
        book.release_resources()


def _xls_text(book: Any, sheet: Any, r: int, c: int) -> str:
    import xlrd

    cell = sheet.cell(r, c)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return str(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
    xf = book.xf_list[cell.xf_index]
    fmt = book.format_map.get(xf.format_key)
    pattern = fmt.format_str if fmt is not None else "General"
    if cell.ctype == xlrd.XL_CELL_DATE:
        return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode), pattern)
    return number_text(cell.value, pattern)


# --- ods ----------------------------------------------------------------------------------

def _ods(data: bytes, wanted: Sequence[str] | None,
         names_only: bool) -> list[tuple[str, Grid | None]]:
    from odf.opendocument import load
    from odf.table import Table as OdsTable

    document = load(io.BytesIO(data))
    result: list[tuple[str, Grid | None]] = []
    for sheet in document.spreadsheet.getElementsByType(OdsTable):
        name = str(sheet.getAttribute("name"))
        if names_only or (wanted is not None and name not in wanted):
            result.append((name, None))
            continue
        rows, merged = _ods_rows(sheet)
        result.append((name, Grid(name, _trim(rows), {}, tuple(merged))))
    return result


_ODS_ROW_LIMIT = 1_048_576  # repeated empty rows at a sheet's end are not expanded past this


def _ods_rows(sheet: Any) -> tuple[list[list[str]], list[Range]]:
    from odf.table import TableRow

    rows: list[list[str]] = []
    merged: list[Range] = []
    for row in sheet.getElementsByType(TableRow):
        repeat = int(row.getAttribute("numberrowsrepeated") or 1)
        texts: list[str] = []
        for cell in row.childNodes:
            if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            times = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            text = _ods_text(cell) if cell.qname[1] == "table-cell" else ""
            if cell.qname[1] == "table-cell":
                span_r = int(cell.getAttribute("numberrowsspanned") or 1)
                span_c = int(cell.getAttribute("numbercolumnsspanned") or 1)
                if span_r > 1 or span_c > 1:
                    r, c = len(rows) + 1, len(texts) + 1
                    merged.append((r, c, r + span_r - 1, c + span_c - 1))
            texts.extend([text] * (times if text or times < 1000 else 1))
        if not any(texts) and len(rows) + repeat > _ODS_ROW_LIMIT:
            break
        rows.extend([list(texts) for _ in range(repeat if any(texts) else min(repeat, 1000))])
    return rows, merged


def _ods_text(cell: Any) -> str:
    """The printed digits of an ODS cell: the file stores both the value and the text shown."""
    from odf import teletype
    from odf.text import P

    shown = "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P)).strip()
    kind = cell.getAttribute("valuetype")
    value = cell.getAttribute("value")
    if kind not in ("float", "percentage", "currency") or value is None:
        return shown
    return printed_number(str(value), shown, percent=kind == "percentage")


_SHOWN_DECIMALS = re.compile(r"[.,](\d+)\D*$")


def printed_number(value: str, shown: str, percent: bool) -> str:
    """The stored value with the decimals the shown text prints (x100 for a percentage).

    The sign comes from the value (a negative shown in red or in parentheses is negative),
    the decimals from the text, whose separator may be a locale's comma.
    """
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(value) * (100 if percent else 1)
    except InvalidOperation:
        return shown
    digits = re.sub(r"[^\d.,]", "", shown)
    found = _SHOWN_DECIMALS.search(digits)
    decimals = len(found[1]) if found else 0
    # "1.234" for 1234 is a whole number with a locale's thousands separator.
    if found and re.sub(r"\D", "", digits).lstrip("0") == str(int(abs(number))).lstrip("0"):
        decimals = 0 if number == number.to_integral_value() else decimals
    return f"{number:.{decimals}f}"
