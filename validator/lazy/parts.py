"""One part of a table, checked by the in-memory engine; what comes back from it.

A part arrives as Arrow (or pandas) with the column `_row`, its rows' numbers in the whole
table. What goes back is small: the rules' results (their discrepancies and the first instances
not evaluated) and, compressed, the rows this pass did not check and the rows the input
checks named, so that the coverage of the whole table is added up from the parts.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from validator.engine import RuleResult, evaluate
from validator.lazy.plan import Pass
from validator.model import RuleSet
from validator.table import Table, text_frame

ROW = "__validator_row__"


@dataclass(frozen=True)
class PartResult:
    results: tuple[RuleResult, ...]
    unchecked: bytes  # packed row numbers (see `pack`)
    flagged: bytes


def pack(rows: np.ndarray) -> bytes:
    """Sorted row numbers as compressed gaps: a pass that leaves most rows unchecked still
    sends about a byte per thousand rows."""
    ordered = np.sort(rows.astype(np.int64))
    return zlib.compress(np.diff(ordered, prepend=0).tobytes(), 1)


def unpack(packed: bytes) -> np.ndarray:
    return np.cumsum(np.frombuffer(zlib.decompress(packed), dtype=np.int64))


def part_table(part: pa.Table | pd.DataFrame, name: str) -> Table:
    """The part as the in-memory engine reads a table: every cell as printed text."""
    arrow = part if isinstance(part, pa.Table) else pa.Table.from_pandas(part,
                                                                          preserve_index=False)
    rows = arrow.column(ROW).to_numpy().astype(np.int64)
    frame = text_frame(arrow.drop_columns([ROW]))
    return Table(path=name, frame=frame, rows=rows)


def check_part(part: pa.Table | pd.DataFrame, rules: RuleSet, step: Pass,
               name: str) -> PartResult:
    table = part_table(part, name)
    found = evaluate(table, rules, step.rules, inputs=step.inputs, signs=step.signs)
    return PartResult(tuple(found.results), pack(table.rows[~found.checked]),
                      pack(table.rows[found.flagged]))
