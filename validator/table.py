"""Reading a figures table: CSV, TSV, workbooks and Parquet, every cell as the text printed.

Row numbers count the header as row 1, so they match the line of a CSV file and the row of a
spreadsheet that an editor has open. Workbooks (.xlsx, .xls, .ods) are read sheet by sheet,
each cell as its number format prints it; a sheet is a tidy table (its header names the
rules file's columns) or a table laid out for print (validator/layout.py), and every figure
keeps the cell it came from (`Table.cells`). Sheets with no figures are named in
`Table.unread`, never skipped in silence.
Row numbers are the rows a spreadsheet shows; after a quoted line break in a CSV, messages that
point into the file name the line too ("row 3 (line 4)"). Limits are in validator/limits.py.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from validator.errors import InputError
from validator.layout import CsvDialect, Laid, Layout, LayoutError, lay_out
from validator.limits import (
    MAX_CELL_BYTES,
    MAX_COLUMNS,
    MAX_STDIN_BYTES,
    check_archive,
    read_bounded,
)
from validator.model import RuleSet
from validator.sheets import Grid, column_letter, parse_coordinate

FIRST_DATA_ROW = 2
STDIN = "-"
FORMATS = ("csv", "tsv", "xlsx", "xls", "ods", "parquet")
WORKBOOKS = ("xlsx", "xls", "ods")
FORMULA_VALUE = "input.formula-value"
FORMULA_VALUE_DESCRIPTION = "Every formula's value is stored in the workbook"


@dataclass(frozen=True)
class CellRefs:
    """The sheet and cell each record's texts came from: `Table 1!C7`."""

    sheets: tuple[str, ...]
    sheet: np.ndarray  # int64 index into `sheets` per record
    at: Mapping[str, tuple[np.ndarray, np.ndarray]]  # frame column -> (row, column); column 0: none

    def of(self, index: int) -> dict[str, str]:
        """Frame column -> cell reference, for the record at frame position `index`."""
        name = self.sheets[int(self.sheet[index])]
        prefix = f"{name}!" if name else ""
        refs = {}
        for column, (rows, columns) in self.at.items():
            if int(columns[index]) > 0:
                refs[column] = f"{prefix}{column_letter(int(columns[index]))}{int(rows[index])}"
        return refs


@dataclass(frozen=True)
class CellProblem:
    """A cell that could not be read as printed (a formula without a stored value)."""

    cell: str  # `Table 1!C7`
    message: str
    record: int | None = None  # frame position of the record the cell belongs to


@dataclass(frozen=True)
class Table:
    path: str
    frame: pd.DataFrame  # every column str, index 0..n-1
    rows: np.ndarray  # int64 row number of each record, header = row 1
    cells: CellRefs | None = None
    unread: tuple[str, ...] = ()  # parts of the input not read, in words
    reading: str = ""  # how the input was read (sheets, layout, CSV dialect), in words
    problems: tuple[CellProblem, ...] = ()
    formulas: int = 0  # formula cells read from a workbook


def require_columns(table: Table, rules: RuleSet) -> None:
    """InputError naming the first column the rules file needs that the table lacks."""
    spec = rules.figures
    needed = [d.name for d in rules.dimensions] + [spec.value]
    missing = [c for c in needed if c not in table.frame.columns]
    if missing:
        raise InputError([f"{table.path}: row 1: required column '{missing[0]}' is missing"])


def detect_format(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"txt": "csv", "xlsm": "xlsx", "pq": "parquet"}.get(suffix, suffix)


def read_table(path: str, table_format: str | None = None, rules: RuleSet | None = None,
               sheets: Sequence[str] = ()) -> Table:
    """Read a table; raise InputError naming the file when it cannot be used at all.

    Any readable path works, a pipe or process substitution (`/dev/fd/63`) included: when
    the name does not tell the format, the content does (see `sniff_format`). With `rules`,
    workbook sheets laid out for print and CSV dialects (the rules file's `layout` section, or
    detected) are read too; `sheets` names the sheets to read (default: every sheet with
    figures).
    """
    name = "<stdin>" if path == STDIN else path
    named = table_format or ("csv" if path == STDIN else detect_format(path))
    if named and named not in FORMATS and Path(path).suffix:
        raise InputError([f"{name}: unknown table format '{named}' (expected one of: "
                          f"{', '.join(FORMATS)}; use --table-format)"])
    try:
        data = (read_bounded(sys.stdin.buffer, MAX_STDIN_BYTES, name) if path == STDIN
                else Path(path).read_bytes())
    except OSError as exc:
        raise InputError([f"{name}: cannot read the table: {exc.strerror or exc}"]) from None
    return parse_table(data, name, named if named in FORMATS else None, rules, sheets)


def sniff_format(data: bytes) -> str:
    """The format of a table from its first bytes: Parquet and XLSX by their signatures, TSV
    when the header has tabs and no commas, CSV otherwise."""
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    header = data.split(b"\n", 1)[0]
    return "tsv" if b"\t" in header and b"," not in header else "csv"


def parse_table(data: bytes, name: str, table_format: str | None = None,
                rules: RuleSet | None = None, sheets: Sequence[str] = ()) -> Table:
    """A table from its bytes (a file, stdin, a file at another commit); `name` is how
    messages and reports name it."""
    if not data.strip():
        raise InputError([f"{name}: the table is empty"])
    fmt = table_format or sniff_format(data)
    if sheets and fmt not in WORKBOOKS:
        raise InputError([f"{name}: --sheet applies to workbooks (.xlsx, .xls, .ods), not "
                          f"{fmt.upper()}"])
    layout = rules.layout if rules is not None else None
    try:
        if fmt in WORKBOOKS:
            if fmt != "xls":  # zip archives: declared and actual sizes bounded first
                check_archive(data)
            return _read_workbook(name, data, fmt, rules, sheets)
        if fmt in ("csv", "tsv") and (rules is not None or layout is not None):
            return _read_text_table(name, data, fmt, rules)
        frame = _READERS[fmt](data)
    except InputError as exc:
        raise InputError([f"{name}: {m}" for m in exc.messages]) from None
    except Exception as exc:  # every reader's own error types: the message is what matters
        raise InputError([f"{name}: cannot read as {fmt.upper()}: {_reader_detail(exc)}"]) \
            from None
    return _tidy(name, frame)


def _tidy(name: str, frame: pd.DataFrame, header_row: int = 1, **extra: object) -> Table:
    frame.columns = [str(c).strip() for c in frame.columns]
    duplicated = sorted(c for c, n in Counter(frame.columns).items() if n > 1)
    if duplicated:
        raise InputError([f"{name}: row {header_row}: column '{duplicated[0]}' appears more "
                          "than once"])
    frame = frame.reset_index(drop=True)
    rows = np.arange(header_row + 1, header_row + 1 + len(frame), dtype=np.int64)
    return Table(path=name, frame=frame, rows=rows, **extra)  # type: ignore[arg-type]


def _reader_detail(exc: BaseException) -> str:
    """A reader's error in one line; a refused DTD or entity said plainly."""
    if _refused_xml(exc):
        return "its XML declares a DTD or entities; refusing to parse it"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _refused_xml(exc: BaseException) -> bool:
    """Whether defusedxml (which openpyxl uses when installed) refused a DTD or an entity."""
    from defusedxml import DefusedXmlException

    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _read_delimited(data: bytes, delimiter: str) -> pd.DataFrame:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([f"line {line}: not UTF-8 text (byte {exc.start})"]) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    options = pacsv.ReadOptions(block_size=1 << 24)
    # A quoted cell may hold a line break only if the file has quotes at all; the faster
    # parallel parse is kept for the rest.
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=b'"' in data)
    header = _header(data, delimiter)
    if len(header) > MAX_COLUMNS:
        raise InputError([f"row 1: {len(header):,} columns (the limit is {MAX_COLUMNS:,})"])
    # Every column as text, and an empty cell as "" (not reported), never as null or NaN.
    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False, quoted_strings_can_be_null=False,
    )
    try:
        table = pacsv.read_csv(io.BytesIO(data), read_options=options, parse_options=parse,
                               convert_options=convert)
    except pa.ArrowInvalid:
        _locate_long_line(data)
        _locate_ragged_row(data, delimiter, len(header))
        raise
    _check_cell_sizes(table, data)
    frame: pd.DataFrame = table.to_pandas().astype("str")
    return frame


def _check_cell_sizes(table: pa.Table, data: bytes) -> None:
    """InputError naming the row and column of the first cell over MAX_CELL_BYTES."""
    import pyarrow.compute as pc

    if len(data) <= MAX_CELL_BYTES:
        return
    for name, column in zip(table.column_names, table.columns, strict=True):
        lengths = pc.binary_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_CELL_BYTES:
            index = int(np.flatnonzero(lengths.to_numpy(zero_copy_only=False) > MAX_CELL_BYTES)[0])
            raise InputError([f"row {index + FIRST_DATA_ROW}, column '{name}': a cell of "
                              f"{longest:,} bytes (the limit is {MAX_CELL_BYTES:,})"])


def _locate_long_line(data: bytes) -> None:
    """Name the first line longer than a cell may be (error path only: the reader gave up)."""
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends, [len(data)]])
    long = np.flatnonzero(stops - starts > MAX_CELL_BYTES)
    if len(long):
        line = int(long[0])
        raise InputError([f"line {line + 1}: {int(stops[line] - starts[line]):,} bytes on one "
                          f"line; a cell may hold at most {MAX_CELL_BYTES:,}"])


def _locate_ragged_row(data: bytes, delimiter: str, width: int) -> None:
    """Name the first row whose number of cells differs from the header's (error path only)."""
    text = data.decode("utf-8").lstrip("\ufeff")
    # Universal newlines: CR-only and CRLF files are read line by line like LF ones.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    for record, cells in enumerate(reader, start=1):
        if cells and len(cells) != width:
            where = f"row {record}" + (f" (line {reader.line_num})"
                                       if reader.line_num != record else "")
            raise InputError([f"{where}: {len(cells)} cells where the header has {width}"])


_LINE_END = re.compile(rb"\r\n|\r|\n")


def _header(data: bytes, delimiter: str) -> list[str]:
    # CR-only line ends (old Mac exports) end the header line too.
    first = _LINE_END.split(data, 1)[0].decode("utf-8").lstrip("\ufeff")
    return next(csv.reader([first], delimiter=delimiter))


def float_text(values: pa.Array) -> pa.Array:
    """Shortest round-trip text of floats, with a decimal point on whole numbers ("3.0"), as
    Python's repr writes them; null stays null."""
    text = pc.cast(values, pa.string())
    whole = pc.match_substring_regex(text, r"^[+-]?\d+$")
    return pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)


def _read_parquet(data: bytes) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return text_frame(pq.read_table(io.BytesIO(data)))


def text_frame(table: pa.Table) -> pd.DataFrame:
    """Every column of an Arrow table as the text it prints (Parquet, or a lazy engine's part
    of a table); a null cell is empty."""
    if table.num_columns > MAX_COLUMNS:
        raise InputError([f"{table.num_columns:,} columns (the limit is {MAX_COLUMNS:,})"])
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_nested(kind) or (pa.types.is_dictionary(kind) and pa.types.is_nested(
                kind.value_type)):
            raise InputError([f"column '{name}': holds {kind} values (lists or structs), not "
                              "one printed value per cell; flatten it first"])
        if pa.types.is_float64(kind):
            # Float64 prints its shortest repr ("183.6"), as it was typed.
            text = float_text(column.combine_chunks())
        else:
            # Decimal columns keep their scale; float32 and float16 print the shortest text
            # that is the same number at their own precision ("0.1", not 0.10000000149...).
            text = column.cast(pa.string())
        columns[str(name)] = pd.Series(text.to_pandas(), dtype="str").fillna("")
    return pd.DataFrame(columns)


_READERS = {
    "csv": lambda data: _read_delimited(data, ","),
    "tsv": lambda data: _read_delimited(data, "\t"),
    "parquet": _read_parquet,
}


# --- workbooks -------------------------------------------------------------------------------

@dataclass
class _Part:
    """The records of one sheet (or one CSV) before the parts are put together."""

    frame: pd.DataFrame
    rows: np.ndarray
    at: dict[str, tuple[np.ndarray, np.ndarray]]
    where: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, col) -> record
    how: str = ""


def _needed_columns(rules: RuleSet) -> list[str]:
    return [d.name for d in rules.dimensions] + [rules.figures.value]


def _tidy_header(grid: Grid, rules: RuleSet | None) -> int | None:
    """The row of a tidy header (one naming the rules file's columns) near the top, or None."""
    if rules is None:
        return 1 if grid.rows else None
    needed = _needed_columns(rules)
    for r, row in enumerate(grid.rows[:20], start=1):
        names = {t.strip() for t in row}
        found = sum(1 for c in needed if c in names)
        if rules.figures.value in names or found * 2 >= len(needed):
            return r
    return None


def _tidy_part(grid: Grid, header_row: int) -> _Part:
    header = [t.strip() for t in grid.rows[header_row - 1]]
    width = len(header)
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        place = f"sheet '{grid.sheet}': " if grid.sheet else ""
        raise InputError([f"{place}row {header_row}: column '{duplicated[0]}' appears more "
                          "than once"])
    body = [(r + [""] * width)[:width] for r in grid.rows[header_row:]]
    frame = pd.DataFrame(body, columns=header, dtype="str")
    n = len(frame)
    rows = np.arange(header_row + 1, header_row + 1 + n, dtype=np.int64)
    at = {name: (rows, np.full(n, c, dtype=np.int64))
          for c, name in enumerate(header, start=1) if name}
    where: dict[tuple[int, int], int] = {
        (int(r), c): i for i, r in enumerate(rows) for c in range(1, width + 1)
    } if grid.uncached else {}
    return _Part(frame, rows, at, where, f"sheet '{grid.sheet}' (header row {header_row})"
                 if grid.sheet else f"header row {header_row}")


def _laid_part(laid: Laid, rules: RuleSet) -> _Part:
    columns = [*dict.fromkeys(c for record in laid.records for c in record)]
    frame = pd.DataFrame([[r.get(c, "") for c in columns] for r in laid.records],
                         columns=columns, dtype="str")
    n = len(frame)
    at: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for column in columns:
        rows = np.array([cells.get(column, (0, 0))[0] for cells in laid.cells], dtype=np.int64)
        cols = np.array([cells.get(column, (0, 0))[1] for cells in laid.cells], dtype=np.int64)
        if cols.any():
            at[column] = (rows, cols)
    where = {cell: i for i, cells in enumerate(laid.cells) for cell in cells.values()}
    del rules
    return _Part(frame, np.array(laid.rows, dtype=np.int64).reshape(n), at, where,
                 laid.description)


def _read_workbook(name: str, data: bytes, fmt: str, rules: RuleSet | None,
                   wanted: Sequence[str]) -> Table:
    from validator.sheets import open_workbook

    try:
        listed = open_workbook(data, fmt, wanted or None)
    except InputError:
        raise
    except Exception as exc:  # each library's own errors: the message is what matters
        raise InputError([f"cannot read as {fmt.upper()}: {_reader_detail(exc)}"]) from None
    names = [n for n, _ in listed]
    missing = [s for s in wanted if s not in names]
    if missing:
        raise InputError([f"no sheet named '{missing[0]}' (sheets: "
                          f"{', '.join(repr(n) for n in names)})"])
    layout = rules.layout if rules is not None else None
    parts: list[tuple[Grid, _Part]] = []
    unread: list[str] = []
    reasons: list[str] = []
    for sheet, grid in listed:
        if grid is None:
            unread.append(f"sheet '{sheet}' not read (not named by --sheet)")
            continue
        if rules is None and parts:
            unread.append(f"sheet '{sheet}' not read (only the first sheet of a table without "
                          "a rules file)")
            continue
        part, reason, notes = _sheet_part(grid, rules, layout, named=bool(wanted))
        unread.extend(notes)
        if part is None:
            unread.append(f"sheet '{sheet}' not read: {reason}")
            reasons.append(f"sheet '{sheet}': {reason}")
            continue
        parts.append((grid, part))
    if not parts:
        if not listed:
            raise InputError(["the workbook has no sheets"])
        raise InputError(["no sheet has figures: " + "; ".join(reasons)] if reasons
                         else ["the first sheet is empty"])
    return _join(name, parts, unread, fmt)


def _sheet_part(grid: Grid, rules: RuleSet | None, layout: Layout | None,
                named: bool) -> tuple[_Part | None, str, list[str]]:
    """A sheet's records, or None with the reason it has none; and parts of it not read."""
    if not grid.rows:
        return None, "the sheet is empty", []
    entry = layout.for_sheet(grid.sheet) if layout is not None else None
    header = _tidy_header(grid, rules)
    if rules is not None and entry is not None and (entry.sheet == grid.sheet or header is None):
        try:
            laid = lay_out(grid, rules, entry)
        except LayoutError as exc:
            raise InputError([str(exc)]) from None
        if laid is None or not laid.records:
            return None, "no figures under its layout", laid.unread if laid else []
        return _laid_part(laid, rules), "", laid.unread
    if header is not None:
        return _tidy_part(grid, header), "", []
    assert rules is not None
    if layout is not None and not layout.detect:
        return None, "no header with the columns the rules file names", []
    laid = lay_out(grid, rules, None)
    if laid is None or not laid.records:
        needed = ", ".join(_needed_columns(rules))
        return None, (f"no header with the columns the rules file names ({needed}) and no "
                      "table laid out for print"), laid.unread if laid else []
    del named
    return _laid_part(laid, rules), "", laid.unread


def _join(name: str, parts: list[tuple[Grid, _Part]], unread: list[str], fmt: str) -> Table:
    frames = [p.frame for _, p in parts]
    columns = [*dict.fromkeys(c for f in frames for c in f.columns)]
    frame = pd.concat([f.reindex(columns=columns, fill_value="") for f in frames],
                      ignore_index=True).fillna("").astype("str")
    sizes = [len(p.frame) for _, p in parts]
    rows = np.concatenate([p.rows for _, p in parts]) if parts else np.zeros(0, np.int64)
    sheet_index = np.repeat(np.arange(len(parts), dtype=np.int64), sizes)
    at: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for column in columns:
        pieces_r, pieces_c = [], []
        for (_, part), size in zip(parts, sizes, strict=True):
            r, c = part.at.get(column, (np.zeros(size, np.int64), np.zeros(size, np.int64)))
            pieces_r.append(r)
            pieces_c.append(c)
        at[column] = (np.concatenate(pieces_r), np.concatenate(pieces_c))
    sheets = tuple(g.sheet for g, _ in parts)
    problems: list[CellProblem] = []
    offset = 0
    for (grid, part), size in zip(parts, sizes, strict=True):
        prefix = f"{grid.sheet}!" if grid.sheet else ""
        for ref in grid.uncached:
            position = parse_coordinate(ref)
            record = part.where.get(position) if position else None
            problems.append(CellProblem(
                cell=f"{prefix}{ref}",
                message=f"{prefix}{ref}: a formula with no stored value (the workbook was saved "
                        "by a program that does not calculate; open and save it in a "
                        "spreadsheet application)",
                record=None if record is None else offset + record))
        offset += size
    reading = f"{fmt.upper()}: " + "; ".join(p.how for _, p in parts)
    return Table(path=name, frame=frame, rows=rows,
                 cells=CellRefs(sheets, sheet_index, at), unread=tuple(unread),
                 reading=reading, problems=tuple(problems),
                 formulas=sum(g.formulas for g, _ in parts))


# --- CSV dialects ----------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t", "|")


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    """The text and the encoding it was read with."""
    if declared:
        try:
            return data.decode(declared).lstrip("\ufeff"), declared
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError([f"line {line}: not {declared} text (byte {exc.start})"]) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8").lstrip("\ufeff"), "utf-8"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([f"line {line}: not UTF-8 text (byte {exc.start}); declare the "
                          "encoding in the rules file (layout: {csv: {encoding: cp1252}})"]
                         ) from None


def sniff_delimiter(text: str, default: str) -> str:
    """The delimiter that splits the first lines into the same number of cells (> 1)."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    if not lines:
        return default
    best, best_score = default, 0
    for delimiter in _DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines]
        header = counts[0]
        if header < 2:
            continue
        score = sum(1 for c in counts if c == header) * 10 + header
        if score > best_score:
            best, best_score = delimiter, score
    return best


_DECIMAL_COMMA = (r"^[+\-\u2212(]?\d{1,3}(?:[. \u00a0\u202f]\d{3})*,\d+\)?%?$"
                  r"|^[+\-\u2212(]?\d+,\d+\)?%?$")
_DECIMAL_POINT = r"^[+\-\u2212(]?\d*\.\d+\)?%?$"
_THOUSANDS_POINT = r"^[+\-\u2212(]?\d{1,3}(?:\.\d{3})+(?:,\d+)?\)?%?$"


def _detect_decimal(cells: pd.Series, delimiter: str) -> tuple[str, str]:
    """(decimal mark, thousands separator) of a column of printed numbers."""
    if delimiter == "," or not len(cells):
        return ".", ","
    text = cells.astype("str").str.strip()
    commas = text.str.match(_DECIMAL_COMMA)
    points = text.str.match(_DECIMAL_POINT) & ~text.str.match(_THOUSANDS_POINT)
    if commas.any() and not points.any():
        grouped = text.str.match(_THOUSANDS_POINT).any()
        return ",", "." if grouped else " "
    return ".", ","


def to_decimal_point(cells: pd.Series, thousands: str) -> pd.Series:
    """Printed numbers with a decimal comma as the same numbers with a decimal point."""
    text = cells.astype("str")
    if thousands:
        separators = re.escape(thousands) + ("\u00a0\u202f" if thousands == " " else "")
        text = text.str.replace(rf"(?<=\d)[{separators}](?=\d{{3}}(?:\D|$))", "", regex=True)
    return text.str.replace(r"(?<=\d),(?=\d)", ".", regex=True)


HEAD_BYTES = 1 << 16  # what the delimiter and the header are judged from


def _read_text_table(name: str, data: bytes, fmt: str, rules: RuleSet | None) -> Table:
    layout = rules.layout if rules is not None else None
    dialect = layout.csv if layout is not None else CsvDialect()
    plain = dialect.encoding in (None, "utf-8", "utf8") and not data.startswith(
        (b"\xff\xfe", b"\xfe\xff"))
    if plain:
        # A UTF-8 table is decoded once, by the reader (which names a bad byte's line); the
        # dialect is judged from its head.
        text, encoding = data[:HEAD_BYTES].decode("utf-8", errors="ignore").lstrip("\ufeff"), \
            "utf-8"
        raw = data
    else:
        text, encoding = _decode(data, dialect.encoding)
        raw = text.encode("utf-8")
    default = "\t" if fmt == "tsv" else ","
    delimiter = dialect.delimiter or (sniff_delimiter(text[:HEAD_BYTES], default)
                                      if fmt == "csv" else default)
    said = []
    if delimiter != default:
        said.append(f"delimiter {delimiter!r}" + (" (declared)" if dialect.delimiter else
                                                  " (detected)"))
    if encoding != "utf-8":
        said.append(f"encoding {encoding}")
    # CR-only line ends (old Mac exports) end the header line too.
    first = next(csv.reader([re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]],
                            delimiter=delimiter), [])
    numbers = _number_columns(rules)
    if _tidy_header(Grid("", [first]), rules) == 1:
        # The fast path: a tidy table is never read cell by cell in Python.
        table = _tidy(name, _read_delimited(raw, delimiter))
        frame = table.frame
        decimal, thousands = _dialect_numbers(dialect, frame, numbers, delimiter)
        if decimal == ",":
            frame = frame.copy()
            for column in numbers:
                if column in frame:
                    frame[column] = to_decimal_point(frame[column], thousands)
            said.append("decimal comma" + (f", thousands {thousands!r}" if thousands else ""))
        how = f"{fmt.upper()}" + (f": {', '.join(said)}" if said else "")
        return Table(path=name, frame=frame, rows=table.rows, reading=how if said else "")
    if plain:
        text, encoding = _decode(data, None)
    if rules is None:
        return _tidy(name, _read_delimited(raw, delimiter))
    grid = Grid("", _strip_rows(list(csv.reader(io.StringIO(text, newline=None),
                                                 delimiter=delimiter))))
    header = _tidy_header(grid, rules)
    part, reason, notes = _sheet_part(grid, rules, layout, named=False)
    if part is None:
        if header is not None:
            return _tidy(name, _read_delimited(raw, delimiter), header)
        raise InputError([f"row 1: {reason}"])
    decimal, thousands = _dialect_numbers(dialect, part.frame, numbers, delimiter)
    if decimal == ",":
        for column in numbers:
            if column in part.frame:
                part.frame[column] = to_decimal_point(part.frame[column], thousands)
        said.append("decimal comma" + (f", thousands {thousands!r}" if thousands else ""))
    part.how = f"{fmt.upper()}" + (f" ({', '.join(said)})" if said else "") + f": {part.how}"
    table = _join(name, [(grid, part)], notes, fmt)
    return Table(path=name, frame=table.frame, rows=table.rows, cells=table.cells,
                 unread=table.unread, reading=part.how)


def _strip_rows(rows: list[list[str]]) -> list[list[str]]:
    while rows and not any(t.strip() for t in rows[-1]):
        rows.pop()
    return rows


def _number_columns(rules: RuleSet | None) -> list[str]:
    if rules is None:
        return []
    spec = rules.figures
    return [c for c in (spec.value, spec.change, spec.share, spec.abs_change) if c]


def _dialect_numbers(dialect: CsvDialect, frame: pd.DataFrame, numbers: list[str],
                     delimiter: str) -> tuple[str, str]:
    """Decimal mark and thousands separator: declared, else judged from the number columns."""
    detected = (".", ",")
    comma = dialect.decimal == ","
    if (dialect.decimal is None and delimiter != ",") or (comma and dialect.thousands is None):
        present = [frame[c] for c in numbers if c in frame]
        if present:
            detected = _detect_decimal(pd.concat(present, ignore_index=True),
                                       ";" if comma else delimiter)
    decimal = dialect.decimal or detected[0]
    if dialect.thousands is not None:
        thousands = dialect.thousands
    elif decimal == ",":  # with a decimal comma, thousands are points or spaces, never commas
        thousands = detected[1] if detected[0] == "," else " "
    else:
        thousands = ","
    return decimal, thousands


def read_grids(path: str, rules: RuleSet | None = None, sheets: Sequence[str] = ()) -> list[Grid]:
    """The sheets of a workbook (or a CSV as one sheet) as grids of printed text."""
    from validator.sheets import open_workbook

    fmt = detect_format(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError([f"{path}: cannot read the table: {exc.strerror or exc}"]) from None
    if fmt in WORKBOOKS:
        try:
            listed = open_workbook(data, fmt, sheets or None)
        except Exception as exc:  # each library's own errors
            raise InputError([f"{path}: cannot read as {fmt.upper()}: {exc}"]) from None
        return [g for _, g in listed if g is not None]
    dialect = rules.layout.csv if rules is not None and rules.layout is not None else CsvDialect()
    text, _ = _decode(data, dialect.encoding)
    delimiter = dialect.delimiter or sniff_delimiter(text, "\t" if fmt == "tsv" else ",")
    return [Grid("", _strip_rows(list(csv.reader(io.StringIO(text), delimiter=delimiter))))]
