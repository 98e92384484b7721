"""A pandas DataFrame as a figures table, every cell the text it prints.

Text columns are taken as they are: their printed precision is the user's. Numeric columns have no
printed precision of their own, so it is taken one of two ways:
- by default, a float prints its shortest round-trip form ("183.6", "3.0", "0.30000000000000004"),
  the same rule as for float columns of Parquet files: a value stored as 183.6 reads as 183.55 to
  183.65. Integers print as integers ("42": 41.5 to 42.5);
- `decimals={"value": 1, "change_pct": 1}` (or one number for every numeric column) declares the
  decimals the figures were printed with: 3.0 with one decimal reads as "3.0", 2.999999 as "3.0".
Missing values (NaN, None, pd.NA) are empty cells.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from validator.errors import InputError
from validator.table import FIRST_DATA_ROW, Table, float_text

DATAFRAME = "<DataFrame>"


def table_from_frame(frame: pd.DataFrame, decimals: int | Mapping[str, int] | None = None,
                     name: str = DATAFRAME) -> Table:
    """The frame as a Table of text cells (see the module docstring for numeric columns)."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError([f"{name}: expected a pandas DataFrame, got {type(frame).__name__}"])
    columns = [str(c).strip() for c in frame.columns]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise InputError([f"{name}: column '{duplicated[0]}' appears more than once"])
    if isinstance(decimals, Mapping):
        unknown = sorted(set(decimals) - set(columns))
        if unknown:
            raise InputError([f"{name}: decimals are declared for column '{unknown[0]}', which "
                              "the DataFrame does not have"])
    text = {}
    for column, (_, series) in zip(columns, frame.items(), strict=True):
        places = decimals.get(column) if isinstance(decimals, Mapping) else decimals
        text[column] = _column_text(series.reset_index(drop=True), places)
    result = pd.DataFrame(text, columns=columns)
    rows = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(result), dtype=np.int64)
    return Table(path=name, frame=result, rows=rows)


def _column_text(series: pd.Series, decimals: int | None) -> pd.Series:
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        missing = series.isna().to_numpy()
        return pd.Series(np.where(missing, "", series.astype("str").to_numpy()), dtype="str")
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(values)
    printed: np.ndarray
    if decimals is not None:
        if decimals < 0:
            raise InputError([f"{DATAFRAME}: decimals must be zero or more (got {decimals})"])
        printed = np.char.mod(f"%.{decimals}f", np.where(missing, 0.0, values))
    elif pd.api.types.is_integer_dtype(series.dtype):
        printed = series.astype("str").to_numpy()
    else:
        arrow = pa.array(values, from_pandas=True)
        printed = float_text(arrow).to_numpy(zero_copy_only=False)
    return pd.Series(np.where(missing, "", printed), dtype="str")
