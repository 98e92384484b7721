"""Reading a figures table: CSV, TSV, Excel and Parquet, every cell as the text printed.

Row numbers count the header as row 1, so they match the line of a CSV file and the row of a
spreadsheet that an editor has open.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from validator.errors import InputError
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
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
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
        raise InputError([f"{name}: cannot read as {fmt.upper()}: {detail}"]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if duplicated:
        raise InputError([f"{name}: row 1: column '{duplicated[0]}' appears more than once"])
    frame = frame.reset_index(drop=True)
    rows = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame), dtype=np.int64)
    return Table(path=name, frame=frame, rows=rows)


def _read_delimited(data: bytes, delimiter: str) -> pd.DataFrame:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([f"line {line}: not UTF-8 text (byte {exc.start})"]) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    options = pacsv.ReadOptions(block_size=1 << 24)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False)
    header = _header(data, delimiter)
    # Every column as text, and an empty cell as "" (not reported), never as null or NaN.
    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False, quoted_strings_can_be_null=False,
    )
    try:
        table = pacsv.read_csv(io.BytesIO(data), read_options=options, parse_options=parse,
                               convert_options=convert)
    except pa.ArrowInvalid:
        _locate_ragged_row(data, delimiter, len(header))
        raise
    frame: pd.DataFrame = table.to_pandas().astype("str")
    return frame


def _locate_ragged_row(data: bytes, delimiter: str, width: int) -> None:
    """Name the first row whose number of cells differs from the header's (error path only)."""
    text = data.decode("utf-8").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for cells in reader:
        if cells and len(cells) != width:
            raise InputError([f"row {reader.line_num}: {len(cells)} cells where the header has "
                              f"{width}"])


def _header(data: bytes, delimiter: str) -> list[str]:
    first = data.split(b"\n", 1)[0].decode("utf-8").lstrip("\ufeff")
    return next(csv.reader([first], delimiter=delimiter))


def _read_xlsx(data: bytes) -> pd.DataFrame:
    import openpyxl

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
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        # Decimal columns keep their scale when cast to text; floats print their shortest repr.
        text = column.cast(pa.string()) if not pa.types.is_floating(column.type) else pa.array(
            [repr(v) if v is not None else "" for v in column.to_pylist()], pa.string()
        )
        columns[str(name)] = pd.Series(text.to_pandas(), dtype="str").fillna("")
    return pd.DataFrame(columns)


_READERS = {
    "csv": lambda data: _read_delimited(data, ","),
    "tsv": lambda data: _read_delimited(data, "\t"),
    "xlsx": _read_xlsx,
    "parquet": _read_parquet,
}
