"""A table in Spark: a Parquet or CSV file, a table of the session (`spark:TABLE`), or a
DataFrame given to `validator.check(..., engine="spark")`.

Each pass groups the rows by part and checks every part on an executor (`applyInPandas`):
what comes back to the driver is the parts' results, never the figures. Row numbers are those
of the input's order: a scan's rows are numbered within each of its partitions, and the
partitions counted in order.
"""

from __future__ import annotations

import os
import pickle
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from validator.errors import InputError
from validator.lazy.parts import ROW, PartResult, check_part
from validator.lazy.plan import Pass, Reach
from validator.model import RuleSet
from validator.table import FIRST_DATA_ROW

PREFIX = "spark:"
_PART = "__validator_part__"
_ID = "__validator_id__"
_INDEX_BITS = 33  # monotonically_increasing_id: the partition above bit 33, the index below


# PySpark's own use of pandas 3 (`astype(copy=False)`) warns on every part; not the user's concern.
warnings.filterwarnings("ignore", message="The copy keyword is deprecated")


def session(given: Any = None) -> Any:
    """The session given, the active one, or a local one on two cores."""
    if given is not None:
        return given
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # The executors run this interpreter, which has the validator installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    built = (SparkSession.builder.master("local[2]").appName("validator")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "8")
             # The parts' results and the rows around failing figures come to the driver.
             .config("spark.driver.memory", "2g")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .getOrCreate())
    built.sparkContext.setLogLevel("ERROR")
    return built


def _year(column: Any) -> Any:
    """The first four-digit year written in a period code (null when it has none)."""
    from pyspark.sql import functions as F

    digits = F.regexp_extract(column.cast("string"), r"(\d{4})", 1)
    return F.when(digits == "", F.lit(None)).otherwise(digits.cast("int"))


class SparkSource:
    def __init__(self, table: Any, spark: Any = None) -> None:
        from pyspark.sql import DataFrame
        from pyspark.sql import functions as F

        self.spark = session(spark if not isinstance(table, DataFrame) else
                             spark or table.sparkSession)
        if isinstance(table, DataFrame):
            self.name, frame = "<Spark DataFrame>", table
        else:
            self.name, frame = str(table), self._read(str(table))
        self.columns = [c for c in frame.columns]
        numbered = frame.withColumn(_ID, F.monotonically_increasing_id())
        numbered = numbered.persist()
        partition = F.shiftright(F.col(_ID), _INDEX_BITS)
        counts = sorted((int(r[0]), int(r[1])) for r in numbered.groupBy(
            partition.alias("p")).count().collect())
        self.rows = sum(n for _, n in counts)
        offsets, running = [], FIRST_DATA_ROW
        for p, n in counts:
            offsets.append((p, running))
            running += n
        start = self.spark.createDataFrame(offsets or [(0, FIRST_DATA_ROW)], "p long, start long")
        index = F.col(_ID).bitwiseAND((1 << _INDEX_BITS) - 1)
        self.frame = (numbered.join(F.broadcast(start), partition == F.col("p"))
                      .withColumn(ROW, F.col("start") + index)
                      .select(ROW, *(F.col(f"`{c}`") for c in self.columns)))
        self._numbered = numbered

    def _read(self, spec: str) -> Any:
        try:
            if spec.startswith(PREFIX):
                return self.spark.table(spec[len(PREFIX):])
            if not any(ch in spec for ch in "*?[") and not Path(spec).exists():
                raise InputError([f"{spec}: cannot read the table: No such file or directory"])
            if spec.lower().endswith((".parquet", ".pq")):
                return self.spark.read.parquet(spec)
            # Every cell as text; quotes doubled inside quotes, as in the CSV the memory
            # engine reads; a quoted line break stays in its cell.
            return self.spark.read.csv(spec, header=True, inferSchema=False, escape='"',
                                       multiLine=True)
        except InputError:
            raise
        except Exception as exc:  # Spark's analysis and I/O errors: the message is what matters
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError([f"{spec}: cannot read with Spark: {detail}"]) from None

    def checked_parts(self, step: Pass, count: int, rules: RuleSet) -> Iterator[PartResult]:
        from pyspark.sql import functions as F

        cut = (F.pmod(F.hash(*(F.col(f"`{c}`") for c in step.apart)), F.lit(count))
               if step.apart and count > 1 else F.lit(0))
        name = self.name

        def work(frame: pd.DataFrame) -> pd.DataFrame:
            result = check_part(frame.drop(columns=[_PART]), rules, step, name)
            return pd.DataFrame({"payload": [pickle.dumps(result)]})

        parts = (self.frame.withColumn(_PART, cut).groupBy(_PART)
                 .applyInPandas(work, schema="payload binary").collect())
        for row in parts:
            # Unpickled only from this run's own executors, never from the user's data.
            yield pickle.loads(row["payload"])

    def rows_at(self, rows: np.ndarray) -> pa.Table:
        from pyspark.sql import functions as F

        wanted = self._rows_frame(rows)
        return self._collect(self.frame.join(F.broadcast(wanted), ROW, "left_semi"))

    def around(self, rows: np.ndarray, reaches: Sequence[Reach], most: int) -> pa.Table | None:
        """Every row within one of `reaches` of one of `rows`; None when they are more than
        `most`."""
        from pyspark.sql import functions as F

        failing = self.frame.join(F.broadcast(self._rows_frame(rows)), ROW, "left_semi")
        found = None
        for reach in reaches:
            f, w = self.frame.alias("f"), failing
            chosen = [F.col(f"`{c}`").alias(f"w{i}") for i, c in enumerate(reach.key)]
            same = [F.col(f"f.`{c}`").eqNullSafe(F.col(f"w{i}")) for i, c in enumerate(reach.key)]
            if reach.by_year:
                chosen.append(_year(F.col(f"`{reach.by_year}`")).alias("wyear"))
                near = _year(F.col(f"f.`{reach.by_year}`"))
                same.append(F.col("wyear").isNull() | near.isNull()
                            | (F.abs(near - F.col("wyear")) <= 1))
            if not chosen:
                rows_near = self.frame.select(ROW)
            else:
                keys = F.broadcast(w.select(*chosen).distinct())
                condition = same[0]
                for test in same[1:]:
                    condition = condition & test
                rows_near = f.join(keys, condition, "left_semi").select(F.col(f"f.`{ROW}`"))
            found = rows_near if found is None else found.unionByName(rows_near)
        if found is None:
            return None if self.rows > most else self._collect(self.frame.limit(0))
        ids = found.distinct().persist()
        try:
            if ids.count() > most:
                return None
            return self._collect(self.frame.join(ids, ROW, "left_semi"))
        finally:
            ids.unpersist()

    def _rows_frame(self, rows: np.ndarray) -> Any:
        return self.spark.createDataFrame(pd.DataFrame({ROW: np.asarray(rows, dtype=np.int64)}))

    def _collect(self, frame: Any) -> pa.Table:
        table: pa.Table = pa.Table.from_pandas(frame.orderBy(ROW).toPandas(),
                                               preserve_index=False)
        return table

    def close(self) -> None:
        self._numbered.unpersist()
