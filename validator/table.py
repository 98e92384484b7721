"""Reading a figures table: CSV, TSV, Excel and Parquet, every cell as the text printed.

Row numbers count the header as row 1 and one row per record, so they are the rows a
spreadsheet shows. They match the lines of a CSV file unless a quoted cell holds a line break;
from there on, messages that point into the file name the line too ("row 3 (line 4)").
Limits (columns, cell size, stdin, archives) are in validator/limits.py.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from validator.errors import InputError
from validator.limits import (
    MAX_CELL_BYTES,
    MAX_COLUMNS,
    MAX_STDIN_BYTES,
    check_archive,
    read_bounded,
)
from validator.model import RuleSet

FIRST_DATA_ROW = 2
STDIN = "-"
FORMATS = ("csv", "tsv", "xlsx", "parquet")


@dataclass(frozen=True)
class Table:
    path: str
    frame: pd.DataFrame  # every column str, index 0..n-1
    rows: np.ndarray  # int64 row number of each record, header = row 1


def require_columns(table: Table, rules: RuleSet) -> None:
    """InputError naming the first column the rules file needs that the table lacks."""
    spec = rules.figures
    needed = [d.name for d in rules.dimensions] + [spec.value]
    missing = [c for c in needed if c not in table.frame.columns]
    if missing:
        raise InputError([f"{table.path}: row 1: required column '{missing[0]}' is missing"])


def detect_format(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"txt": "csv", "xls": "xlsx", "xlsm": "xlsx", "pq": "parquet"}.get(suffix, suffix)


def read_table(path: str, table_format: str | None = None) -> Table:
    """Read a table; raise InputError naming the file when it cannot be used at all.

    Any readable path works, a pipe or process substitution (`/dev/fd/63`) included: when
    the name does not tell the format, the content does (see `sniff_format`)."""
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
    return parse_table(data, name, named if named in FORMATS else None)


def sniff_format(data: bytes) -> str:
    """The format of a table from its first bytes: Parquet and XLSX by their signatures, TSV
    when the header has tabs and no commas, CSV otherwise."""
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    header = data.split(b"\n", 1)[0]
    return "tsv" if b"\t" in header and b"," not in header else "csv"


def parse_table(data: bytes, name: str, table_format: str | None = None) -> Table:
    """A table from its bytes (a file, stdin, a file at another commit); `name` is how
    messages and reports name it."""
    if not data.strip():
        raise InputError([f"{name}: the table is empty"])
    fmt = table_format or sniff_format(data)
    try:
        frame = _READERS[fmt](data)
    except InputError as exc:
        raise InputError([f"{name}: {m}" for m in exc.messages]) from None
    except Exception as exc:  # every reader's own error types: the message is what matters
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if _refused_xml(exc):
            detail = "its XML declares a DTD or entities; refusing to parse it"
        raise InputError([f"{name}: cannot read as {fmt.upper()}: {detail}"]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    duplicated = sorted(c for c, n in Counter(frame.columns).items() if n > 1)
    if duplicated:
        raise InputError([f"{name}: row 1: column '{duplicated[0]}' appears more than once"])
    frame = frame.reset_index(drop=True)
    rows = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame), dtype=np.int64)
    return Table(path=name, frame=frame, rows=rows)


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


def _read_xlsx(data: bytes) -> pd.DataFrame:
    import openpyxl

    check_archive(data)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    records = [[_cell_text(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]
    book.close()
    if not records:
        raise InputError(["the first sheet is empty"])
    header, body = records[0], records[1:]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in body]
    return pd.DataFrame(body, columns=header, dtype="str")


def _cell_text(value: Any, number_format: str) -> str:
    """A cell as it is displayed: numbers keep the decimals of their number format."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    decimals = _format_decimals(number_format)
    if decimals is None:
        return repr(value) if isinstance(value, float) else str(value)
    return f"{Decimal(repr(value)):.{decimals}f}"


def _format_decimals(number_format: str) -> int | None:
    """Decimal places of a fixed number format such as '0.0' or '#,##0.00'; None for General."""
    section = number_format.split(";")[0]
    if "0" not in section or "E" in section.upper():
        return None
    if "." not in section:
        return 0
    return sum(1 for ch in section.split(".", 1)[1] if ch in "0#?")


def _read_parquet(data: bytes) -> pd.DataFrame:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
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
            text = pa.array([repr(v) if v is not None else "" for v in column.to_pylist()],
                            pa.string())
        else:
            # Decimal columns keep their scale; float32 and float16 print the shortest text
            # that is the same number at their own precision ("0.1", not 0.10000000149...).
            text = column.cast(pa.string())
        columns[str(name)] = pd.Series(text.to_pandas(), dtype="str").fillna("")
    return pd.DataFrame(columns)


_READERS = {
    "csv": lambda data: _read_delimited(data, ","),
    "tsv": lambda data: _read_delimited(data, "\t"),
    "xlsx": _read_xlsx,
    "parquet": _read_parquet,
}
