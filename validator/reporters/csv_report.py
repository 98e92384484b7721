"""CSV: one line per figure of each discrepancy, for people who sort and filter in a spreadsheet.

Columns: the discrepancy's number (figures of one discrepancy share it), its rule, kind and
severity, the figure's role and row, one column per dimension, the value, unit and % change as
printed, the other columns of the table, then the message, the expected and reported intervals,
the gap beyond rounding and the unit they are stated in. A discrepancy that names no figure has
one line with the figure's columns empty. Every cell passes `spreadsheet_safe`, so no cell runs
as a formula. Every discrepancy is written: the file is meant to be filtered, not read through.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from validator.reporters.common import spreadsheet_safe

_EMPTY_FIGURE: Mapping[str, Any] = {"key": {}, "extra": {}}


def _number(x: float | None) -> str:
    return "" if x is None else repr(x)


def _ends(interval: Sequence[float | None] | None) -> list[str]:
    if interval is None:
        return ["", ""]
    return [_number(interval[0]), _number(interval[1])]


def _names(discrepancies: Sequence[Mapping[str, Any]], field: str) -> list[str]:
    """Names of a figure field (key, extra) in the order they first appear."""
    names: dict[str, None] = {}
    for d in discrepancies:
        for f in d["figures"]:
            names.update(dict.fromkeys(f.get(field, {})))
    return list(names)


class CsvReporter:
    def render(self, records: Mapping[str, Any]) -> str:
        discrepancies = records["discrepancies"]
        dims, extra = _names(discrepancies, "key"), _names(discrepancies, "extra")
        header = ["discrepancy", "rule", "kind", "severity", "role", "row", *dims, "value",
                  "unit", "change", *extra, "message", "expected_lo", "expected_hi",
                  "reported_lo", "reported_hi", "gap", "gap_unit"]
        rows: list[list[str]] = [header]
        for number, d in enumerate(discrepancies, start=1):
            tail = [d["message"], *_ends(d.get("expected")), *_ends(d.get("reported")),
                    _number(d.get("gap")), d.get("unit") or ""]
            head = [str(number), d["rule"], d.get("kind", ""), d["severity"]]
            for f in d["figures"] or [_EMPTY_FIGURE]:
                key, more = f.get("key", {}), f.get("extra", {})
                rows.append([
                    *head, f.get("role", ""), "" if f.get("row") is None else str(f["row"]),
                    *(key.get(name, "") for name in dims), f.get("value", ""),
                    f.get("unit", ""), f.get("change", ""),
                    *(more.get(name, "") for name in extra), *tail,
                ])
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([[spreadsheet_safe(str(cell)) for cell in row] for row in rows])
        return out.getvalue()
