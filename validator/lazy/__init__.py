"""Tables larger than memory, on DuckDB or on Spark: the same rules, the same report.

    validator check figures.parquet --rules r.yaml --engine duckdb --memory-limit 8GB
    validator check 'spark:trade.monthly' --rules r.yaml --engine spark

There is one implementation of every rule kind: the in-memory engine's. A lazy engine cuts the
table into parts that keep every rule instance whole (validator/lazy/plan.py), has DuckDB
or Spark hold the table and cut it, and checks each part in memory (on Spark, on the
executors: only the results come back to the driver). The results are added up rule by rule
and the report is assembled by the same code as in memory (`engine.assemble`), so the
discrepancies, the counts of instances checked and not evaluated, and the coverage are those
of the in-memory engine; the order of the discrepancies within a rule may differ. The most
likely wrong figures are searched for in memory, on the rows that share a rule instance
with a failing figure (validator/lazy/plan.py, `reaches`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from validator.engine import (
    RuleResult,
    assemble,
    check,
    suspects_note_for,
    unconstrained,
)
from validator.lazy.parts import ROW, PartResult, check_part, part_table, unpack
from validator.lazy.plan import Pass, Reach, plan, reaches
from validator.model import RuleSet
from validator.report import Coverage, Report, Suspect
from validator.signs import SIGN_CHANGE
from validator.table import FIRST_DATA_ROW

# Rows of a part when no memory limit says otherwise: the in-memory engine takes about 1 GB
# per million figures at its peak (0.5 GB from a few million on).
DEFAULT_PART_ROWS = 2_000_000
BYTES_PER_ROW = 1_000
MIN_PART_ROWS = 10_000


class Engine(enum.StrEnum):
    MEMORY = "memory"
    DUCKDB = "duckdb"
    SPARK = "spark"


class Source(Protocol):
    """A table held by a lazy engine."""

    name: str
    columns: list[str]
    rows: int

    def checked_parts(self, step: Pass, count: int, rules: RuleSet) -> Iterator[PartResult]:
        """The pass's rules on each of `count` parts cut by the codes of `step.apart`."""

    def rows_at(self, rows: np.ndarray) -> pa.Table:
        """The rows with these numbers, in their order."""

    def around(self, rows: np.ndarray, reaches: Sequence[Reach], most: int) -> pa.Table | None:
        """Every row within one of `reaches` of one of `rows` (see `plan.reaches`); None when
        they are more than `most`."""

    def close(self) -> None: ...


def part_rows(memory_limit: str | None) -> int:
    """How many rows a part may have so that checking it stays inside its half of the memory
    limit (DuckDB has the other half)."""
    if not memory_limit:
        return DEFAULT_PART_ROWS
    from validator.lazy.on_duckdb import memory_bytes

    return max(MIN_PART_ROWS, memory_bytes(memory_limit) // 2 // BYTES_PER_ROW)


def check_lazy(table: Any, rules: RuleSet, engine: Engine, *, memory_limit: str | None = None,
               partition_rows: int | None = None, spark: Any = None) -> Report:
    """Check a table on DuckDB (a path, a glob or duckdb:PATH::TABLE) or on Spark (a path,
    spark:TABLE or a Spark DataFrame)."""
    source: Source
    if engine is Engine.DUCKDB:
        from validator.lazy.on_duckdb import DuckSource

        source = DuckSource(str(table), memory_limit)
    elif engine is Engine.SPARK:
        from validator.lazy.on_spark import SparkSource

        source = SparkSource(table, spark)
    else:
        raise ValueError(f"not a lazy engine: {engine}")
    try:
        return _check(source, rules, partition_rows or part_rows(memory_limit))
    finally:
        source.close()


def _check(source: Source, rules: RuleSet, rows_per_part: int) -> Report:
    count = max(1, math.ceil(source.rows / rows_per_part))
    passes = plan(rules, count)
    # The columns are judged on no rows first, so that a table the rules cannot read fails
    # once, with the in-memory engine's message, before any part is read.
    empty = pa.table({c: pa.array([], pa.string()) for c in [ROW, *source.columns]})
    check_part(empty, rules, passes[0], source.name)
    results: dict[str, RuleResult] = {}
    unchecked: np.ndarray | None = None
    flagged: list[np.ndarray] = []
    for step in passes:
        left: list[np.ndarray] = []
        for part in source.checked_parts(step, count if step.apart else 1, rules):
            for result in part.results:
                if result.summary.id in results:
                    results[result.summary.id].add(result)
                else:
                    results[result.summary.id] = result
            left.append(unpack(part.unchecked))
            if step.inputs:
                flagged.append(unpack(part.flagged))
        rows = np.concatenate(left) if left else np.zeros(0, dtype=np.int64)
        unchecked = rows if unchecked is None else np.intersect1d(unchecked, rows,
                                                                  assume_unique=True)
    assert unchecked is not None
    flagged_rows = np.concatenate(flagged) if flagged else np.zeros(0, dtype=np.int64)
    loose = np.setdiff1d(unchecked, flagged_rows)
    ordered = _in_report_order(results, rules)
    coverage = Coverage(source.rows - len(unchecked), _unconstrained(source, rules, loose))
    failing_ids = {r.id for r in rules.rules}
    failing = [d for r in ordered if r.summary.id in failing_ids for d in r.discrepancies]
    note = suspects_note_for(len(failing))
    suspects: tuple[Suspect, ...] = ()
    if failing and not note:
        rows = np.unique([f.row for d in failing for f in d.figures if f.row is not None])
        # The rows next to them as well: the search takes printed texts of neighbouring rows
        # as candidates ("the value of another figure").
        rows = np.unique(np.concatenate([rows - 1, rows, rows + 1]))
        rows = rows[(rows >= FIRST_DATA_ROW) & (rows < FIRST_DATA_ROW + source.rows)]
        most = max(rows_per_part, MIN_PART_ROWS)
        near = source.around(rows, reaches(rules), most)
        if near is None:
            note = (f"not computed: the rows that share a rule instance with the "
                    f"{len(failing):,} failing instances are more than the {most:,} of one "
                    "part; the memory engine (or a larger --memory-limit) computes them.")
        else:
            suspects = check(part_table(near, source.name), rules).suspects
    return assemble(rules, source.name, source.rows, ordered, coverage, suspects, note)


def _in_report_order(results: dict[str, RuleResult], rules: RuleSet) -> list[RuleResult]:
    """Input checks first, then the rules in the file's order, then sign changes, as in
    memory."""
    rank = {r.id: i for i, r in enumerate(rules.rules)}
    late = len(rank)

    def place(item: tuple[int, str]) -> tuple[int, int, int]:
        seen, rule_id = item
        if rule_id in rank:
            return (1, rank[rule_id], seen)
        return (2, late, seen) if rule_id == SIGN_CHANGE else (0, 0, seen)

    keys = sorted(enumerate(results), key=place)
    return [results[rule_id] for _, rule_id in keys]


def _unconstrained(source: Source, rules: RuleSet, loose: np.ndarray) -> tuple[Any, ...]:
    if not len(loose):
        return ()
    table = part_table(source.rows_at(loose), source.name)
    return unconstrained(table, rules, np.arange(len(table.frame)))
