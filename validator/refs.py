"""Figure references in bulk: the table's cells a report names, one take per column.

A report on a release where much is wrong names hundreds of thousands of figures; reading them
row by row from the frame costs a pandas row each. Here every column the references need is
turned into an array of Python strings once, and the rows of all findings are taken together.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from validator.model import FigureRole, RuleSet
from validator.report import FigureRef
from validator.table import Table


class FigureRefs:
    """Turns findings' row positions into the records a reader can find in the table."""

    def __init__(self, table: Table, rules: RuleSet) -> None:
        spec = rules.figures
        self.table = table
        self.dims = [d.name for d in rules.dimensions]
        self.value = spec.value
        named = {*self.dims, spec.value, spec.change, spec.unit}
        self.extra = [c for c in table.frame.columns if c not in named]
        # Optional columns the table lacks (a press release has no % change column) are blank.
        self.unit = spec.unit if spec.unit in table.frame.columns else None
        self.change = spec.change if spec.change in table.frame.columns else None
        # A figure's cells (spreadsheets) are those of its printed numbers, the value's first.
        self.number_columns = [c for c in (spec.value, spec.change, spec.share, spec.abs_change)
                               if c]

    def _cells(self, index: int) -> dict[str, str]:
        if self.table.cells is None:
            return {}
        refs = self.table.cells.of(index)
        return {c: refs[c] for c in self.number_columns if c in refs}

    def ref(self, role: FigureRole) -> FigureRef:
        return self.refs([role])[0]

    def refs(self, roles: Sequence[FigureRole]) -> list[FigureRef]:
        """The references of many figures, taking each column once for all of them."""
        if not roles:
            return []
        rows = np.fromiter((r.row_index for r in roles), dtype=np.int64, count=len(roles))
        frame = self.table.frame

        def take(column: str) -> list[str]:
            # One take per column, of the rows named only: never the whole column as objects.
            return list(map(str, frame[column].take(rows).tolist()))

        keys = [take(d) for d in self.dims]
        extra = [take(c) for c in self.extra]
        values = take(self.value)
        units = take(self.unit) if self.unit else [""] * len(rows)
        changes = take(self.change) if self.change else [""] * len(rows)
        lines = np.asarray(self.table.rows, dtype=np.int64)[rows].tolist()
        dims, extra_names = self.dims, self.extra
        return [
            FigureRef(
                key=dict(zip(dims, key, strict=True)),
                value=value,
                row=line,
                unit=unit,
                change=change,
                role=role.role,
                extra=dict(zip(extra_names, more, strict=True)),
                cells=self._cells(role.row_index),
            )
            for role, value, line, unit, change, key, more in zip(
                roles, values, lines, units, changes, zip(*keys, strict=True) if keys
                else [()] * len(rows), zip(*extra, strict=True) if extra else [()] * len(rows),
                strict=True)
        ]
