"""Printed numbers to intervals, vectorised.

A printed figure stands for every value that prints the same way: "71.0" is 70.95..71.05 when
the publisher rounds, 71.0..71.1 when it truncates. Text is never read as a float first: the
digits after the decimal point, the exponent and the trailing zeros of whole numbers decide the
width of the interval.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from validator.limits import MAX_MAGNITUDE


class Rounding(enum.StrEnum):
    HALF_UNIT = "half-unit"
    TRUNCATED = "truncated"
    EXACT = "exact"


class TrailingZeros(enum.StrEnum):
    INSIGNIFICANT = "insignificant"
    SIGNIFICANT = "significant"


# Separators seen in exported tables: comma, space, no-break space, thin and narrow no-break space.
_SEPARATORS = r"[,\x{a0}\x{2009}\x{202f} ]"
NUMBER_PATTERN = (
    r"^[+\-]?(?:\d{1,3}(?:" + _SEPARATORS + r"\d{3})+|\d+|\d*\.\d+|\d+\.\d*"
    r"|\d{1,3}(?:" + _SEPARATORS + r"\d{3})+\.\d*)(?:[eE][+\-]?\d{1,3})?$"
)
# Most cells of a table are plain ("183.6", "-5.1"); the full pattern runs only on the rest.
_PLAIN_NUMBER = r"^-?\d+(?:\.\d+)?$"
_EXPONENT_PARTS = r"^(?P<mantissa>[^eE]*)[eE](?P<exp>[+\-]?\d+)$"


@dataclass(frozen=True)
class Parsed:
    """Column arrays for one parsed text column, aligned with its input."""

    lo: np.ndarray  # float64, NaN where empty or malformed
    hi: np.ndarray
    mid: np.ndarray
    decimals: np.ndarray  # int64: printed decimal places, negative for numbers rounded to tens
    empty: np.ndarray  # bool
    malformed: np.ndarray  # bool

    def scaled(self, scale: np.ndarray | float) -> Parsed:
        """The same figures in base units (scale > 0, one per row or one for all)."""
        with np.errstate(over="ignore", invalid="ignore"):
            lo, hi, mid = self.lo * scale, self.hi * scale, self.mid * scale
        return Parsed(lo=lo, hi=hi, mid=mid, decimals=self.decimals, empty=self.empty,
                      malformed=self.malformed)


def _np(array: pa.Array | pa.ChunkedArray, dtype: type) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=dtype)


@dataclass(frozen=True)
class _Cells:
    cleaned: pa.Array  # trimmed text, the Unicode minus as "-", no thousands separators
    empty: np.ndarray
    matched: np.ndarray  # the text is a printed number
    magnitude: np.ndarray  # its value as a float (NaN where not a number, inf when too large)


def _cells(text: pd.Series) -> _Cells:
    raw = pa.array(text.astype("str").array)
    stripped = pc.utf8_trim_whitespace(pc.replace_substring(raw, "\u2212", "-"))
    matched = _np(pc.match_substring_regex(stripped, _PLAIN_NUMBER), bool)
    rest = np.flatnonzero(~matched)
    if len(rest):
        matched[rest] = _np(pc.match_substring_regex(pc.take(stripped, pa.array(rest)),
                                                     NUMBER_PATTERN), bool)
    cleaned = pc.replace_substring_regex(stripped, _SEPARATORS, "") if len(rest) else stripped
    valid = pc.if_else(pa.array(matched), cleaned, pa.scalar(None, cleaned.type))
    return _Cells(
        cleaned=cleaned,
        empty=_np(pc.equal(stripped, ""), bool),
        matched=matched,
        magnitude=_np(pc.cast(valid, pa.float64()).fill_null(np.nan), np.float64),
    )


def parse_printed(
    text: pd.Series,
    rounding: Rounding = Rounding.HALF_UNIT,
    trailing_zeros: TrailingZeros = TrailingZeros.INSIGNIFICANT,
    scale: np.ndarray | float = 1.0,
) -> Parsed:
    """Parse printed numbers into intervals, multiplied by `scale` (one per row or one for all)."""
    cells = _cells(text)
    empty, matched, cleaned = cells.empty, cells.matched, cells.cleaned
    unsigned = pc.utf8_ltrim(cleaned, characters="+-")
    negative = _np(pc.starts_with(cleaned, "-"), bool)

    exponent = np.zeros(len(text), dtype=np.int64)
    mantissa = unsigned
    with_exponent = _np(pc.match_substring_regex(unsigned, "[eE]"), bool) & matched
    if with_exponent.any():
        # Rare in tables (exports such as "6e+05"), so the slower regex split runs only on those.
        parts = pc.extract_regex(unsigned, _EXPONENT_PARTS)
        exponent = np.where(with_exponent, pd.to_numeric(
            pd.Series(_np(parts.field("exp"), object)), errors="coerce"
        ).fillna(0).to_numpy(dtype=np.int64), 0)
        mantissa = pc.if_else(pa.array(with_exponent), parts.field("mantissa"), unsigned)

    length = _np(pc.utf8_length(mantissa), np.int64)
    dot = _np(pc.find_substring(mantissa, "."), np.int64)
    has_frac = dot >= 0
    frac_len = np.where(has_frac, length - dot - 1, 0)
    if trailing_zeros is TrailingZeros.SIGNIFICANT:
        zeros = np.zeros(len(text), dtype=np.int64)
    else:
        # "130" may be rounded to tens; "0" on its own is simply zero to the unit.
        zeros = length - _np(pc.utf8_length(pc.utf8_rtrim(mantissa, characters="0")), np.int64)
        zeros = np.where(zeros >= length, 0, zeros)
    unit_exponent = np.where(has_frac, exponent - frac_len, exponent + zeros)

    magnitude = cells.magnitude
    # Huge exponents overflow to inf; such cells are flagged as malformed below.
    with np.errstate(over="ignore", invalid="ignore"):
        mid = magnitude * scale
        unit = np.power(10.0, unit_exponent.astype(np.float64)) * np.abs(scale)
        if rounding is Rounding.HALF_UNIT:
            lo, hi = mid - unit / 2, mid + unit / 2
        elif rounding is Rounding.TRUNCATED:
            # Truncation cuts towards zero, so the true value lies further from zero.
            lo = np.where(negative, mid - unit, mid)
            hi = np.where(negative, mid, mid + unit)
        else:
            lo, hi = mid.copy(), mid.copy()
    # "1e999" matches the pattern but is no figure anyone printed; beyond MAX_MAGNITUDE sums and
    # products of figures could overflow into inf or NaN, and an overflowed check would pass.
    with np.errstate(invalid="ignore"):
        too_large = ~(np.abs(magnitude) <= MAX_MAGNITUDE)
    malformed = ~empty & (~matched | too_large | ~np.isfinite(lo) | ~np.isfinite(hi))
    for bound in (lo, hi, mid):
        bound[malformed] = np.nan
    return Parsed(lo=lo, hi=hi, mid=mid, decimals=-unit_exponent, empty=empty, malformed=malformed)


def code_positions(text: pd.Series, codes: Sequence[str]) -> np.ndarray:
    """Position of each cell's text in `codes`; -1 where it is not one of them."""
    found = pc.index_in(pa.array(text.astype("str").array), value_set=pa.array(list(codes),
                                                                              pa.string()))
    return _np(found.fill_null(-1), np.int64)


def is_one_of(text: pd.Series, codes: Sequence[str]) -> pd.Series:
    """True where the cell's text is one of `codes` (a vectorised isin for text columns)."""
    return pd.Series(code_positions(text, codes) >= 0, index=text.index)
