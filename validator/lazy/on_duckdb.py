"""A table in DuckDB: a CSV or Parquet file (or a glob of them), or a table of a DuckDB file.

The table is copied once into a temporary DuckDB table (its row numbers are DuckDB's row ids,
which keep the file's order), under half of `--memory-limit` with a temporary directory to
spill to (the part being checked in Python has the other half);
each part of a pass is then one query, fetched as Arrow.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from validator.errors import InputError
from validator.lazy.parts import ROW, PartResult, check_part
from validator.lazy.plan import Pass, Reach
from validator.model import RuleSet
from validator.table import FIRST_DATA_ROW

PREFIX = "duckdb:"
_CUT = "validator_cut"  # the table of a pass, in the order of its parts
_PART = "__validator_part__"
# From this many parts a pass sorts the table by part once rather than scan it once per part.
# Measured once, by hand: at 1e8 figures the sort cost as much as seven scans (63 s; a scan and
# fetch 9 s, a part read from the sorted copy 0.6 s), and at 1e7 in 10 parts it was 8% slower.
SORTED_PARTS_FROM = 12
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def quote(name: str) -> str:
    """An identifier as DuckDB reads it, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _year(column: str) -> str:
    """The first four-digit year written in a period code (NULL when it has none)."""
    return f"TRY_CAST(regexp_extract(CAST({column} AS VARCHAR), '(\\d{{4}})', 1) AS INTEGER)"


_SCALE = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def memory_bytes(limit: str) -> int:
    """An amount of memory such as 8GB or 512MiB, in bytes."""
    match = _MEMORY.match(limit)
    if not match:
        raise InputError([f"--memory-limit: '{limit}' is not an amount of memory such as 8GB"])
    return int(float(limit.strip()[:match.start(2)]) * _SCALE[match.group(2).upper()])


def duckdb_share(limit: str) -> str:
    """DuckDB's part of the limit: half. The part being checked in Python takes the rest (see
    `validator.lazy.part_rows`)."""
    return f"{max(1, memory_bytes(limit) // 2 // 10**6)}MB"


class DuckSource:
    """The table to check, held by DuckDB; closed (its spill files removed) by `close`."""

    def __init__(self, spec: str, memory_limit: str | None = None) -> None:
        import duckdb

        self.name = spec
        self._spill = tempfile.mkdtemp(prefix="validator-duckdb-")
        self.con: Any = duckdb.connect(":memory:")
        try:
            self._run(f"SET temp_directory = {literal(self._spill)}")
            self._run("SET preserve_insertion_order = true")
            if memory_limit:
                self._run(f"SET memory_limit = {literal(duckdb_share(memory_limit))}")
            source = self._source(spec)
            self._run(f"CREATE TEMP TABLE figures AS SELECT * FROM {source}")
            columns = [row[0] for row in self._run("DESCRIBE figures")]
        except duckdb.Error as exc:
            self.close()
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError([f"{spec}: cannot read with DuckDB: {detail}"]) from None
        except BaseException:
            self.close()
            raise
        self.columns = columns
        self.rows = int(self._run("SELECT count(*) FROM figures")[0][0])
        self._select = ", ".join(
            [f"rowid + {FIRST_DATA_ROW} AS {quote(ROW)}", *(quote(c) for c in columns)])

    def _run(self, sql: str) -> list[Any]:
        # Every result fetched to its end: DuckDB 2 refuses new work on a connection otherwise.
        rows: list[Any] = self.con.execute(sql).fetchall()
        return rows

    def _source(self, spec: str) -> str:
        if spec.startswith(PREFIX):
            path, sep, table = spec[len(PREFIX):].partition("::")
            if not sep or not table:
                raise InputError([f"{spec}: name a table as duckdb:PATH::TABLE"])
            if not Path(path).is_file():
                raise InputError([f"{spec}: no DuckDB file '{path}'"])
            self._run(f"ATTACH {literal(path)} AS source (READ_ONLY)")
            return f"source.{quote(table)}"
        if not any(ch in spec for ch in "*?[") and not Path(spec).is_file():
            raise InputError([f"{spec}: cannot read the table: No such file or directory"])
        if spec.lower().endswith((".parquet", ".pq")):
            return f"read_parquet({literal(spec)})"
        # Every cell as the text printed; an empty cell is empty, never a number or a date.
        return f"read_csv({literal(spec)}, header = true, all_varchar = true)"

    def parts(self, apart: Sequence[str], count: int) -> Iterator[pa.Table]:
        """The table cut into `count` parts by a hash of the codes of `apart`."""
        if not apart or count <= 1:
            yield self._fetch("")
            return
        cut = f"hash({', '.join(quote(c) for c in apart)}) % {int(count)}"
        if count < SORTED_PARTS_FROM:
            for i in range(count):
                yield self._fetch(f"WHERE {cut} = {i}")
            return
        # The table copied once per pass in the order of its parts: a part is then read from
        # its own blocks (DuckDB skips the others by their min and max), not from a scan of
        # the whole table per part.
        self._run(f"CREATE OR REPLACE TEMP TABLE {_CUT} AS SELECT {self._select}, {cut} AS "
                  f"{_PART} FROM figures ORDER BY {_PART}, rowid")
        try:
            for i in range(count):
                relation = self.con.sql(f"SELECT * EXCLUDE ({_PART}) FROM {_CUT} "
                                        f"WHERE {_PART} = {i} ORDER BY {quote(ROW)}")
                yield _arrow(relation)
        finally:
            self._run(f"DROP TABLE IF EXISTS {_CUT}")

    def checked_parts(self, step: Pass, count: int, rules: RuleSet) -> Iterator[PartResult]:
        for part in self.parts(step.apart, count):
            yield check_part(part, rules, step, self.name)

    def rows_at(self, rows: np.ndarray) -> pa.Table:
        """The table's rows with these numbers, in their order."""
        return self._fetch_with(rows, "WHERE rowid IN (SELECT wanted FROM wanted_rows)")

    def around(self, rows: np.ndarray, reaches: Sequence[Reach], most: int) -> pa.Table | None:
        """Every row within one of `reaches` of one of `rows`; None when they are more than
        `most`."""
        picks = []
        for reach in reaches:
            same = [f"f.{quote(c)} IS NOT DISTINCT FROM w.{quote(c)}" for c in reach.key]
            chosen = [f"{quote(c)}" for c in reach.key]
            if reach.by_year:
                chosen.append(f"{_year(quote(reach.by_year))} AS __year")
                near = _year(f"f.{quote(reach.by_year)}")
                same.append(f"(w.__year IS NULL OR {near} IS NULL OR abs({near} - w.__year) <= 1)")
            if not chosen:
                picks.append("SELECT rowid AS id FROM figures")
                continue
            picks.append(
                f"SELECT f.rowid AS id FROM figures f JOIN (SELECT DISTINCT {', '.join(chosen)} "
                "FROM figures WHERE rowid IN (SELECT wanted FROM wanted_rows)) w "
                f"ON {' AND '.join(same) or 'true'}")
        picks = picks or ["SELECT rowid AS id FROM figures"]
        self._want(rows)
        try:
            self._run("CREATE OR REPLACE TEMP TABLE near_rows AS SELECT DISTINCT id FROM ("
                      + " UNION ALL ".join(picks) + ")")
        finally:
            self.con.unregister("wanted_rows")
        try:
            if int(self._run("SELECT count(*) FROM near_rows")[0][0]) > most:
                return None
            return self._fetch("WHERE rowid IN (SELECT id FROM near_rows)")
        finally:
            self._run("DROP TABLE near_rows")

    def _want(self, rows: np.ndarray) -> None:
        """The row ids of `rows` as the table `wanted_rows` (unregister it after use)."""
        wanted = pa.table({"wanted": pa.array(np.asarray(rows, dtype=np.int64) - FIRST_DATA_ROW)})
        self.con.register("wanted_rows", wanted)

    def _fetch_with(self, rows: np.ndarray, where: str) -> pa.Table:
        """`_fetch`, with the row ids of `rows` as the table `wanted_rows` of the query."""
        self._want(rows)
        try:
            return self._fetch(where)
        finally:
            self.con.unregister("wanted_rows")

    def _fetch(self, where: str) -> pa.Table:
        return _arrow(self.con.sql(f"SELECT {self._select} FROM figures {where} ORDER BY rowid"))

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            shutil.rmtree(self._spill, ignore_errors=True)


def _arrow(relation: Any) -> pa.Table:
    # DuckDB 2 calls it to_arrow_table; DuckDB 1 arrow().
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    table: pa.Table = fetch()
    return table
