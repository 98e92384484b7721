"""The figures of a table as interval arrays keyed by one integer per combination of codes.

Every dimension code is an integer position in its code list, and a figure's key packs those
positions into one int64 (mixed radix), so that a parent, a sibling or the same figure a year
earlier is found by arithmetic on keys, never by a loop over figures. Checks look figures up
through `Figures.find`, `Figures.under` and `Figures.along`, which return a `Lookup`: positions
with an explicit mask of the figures found, so that a missing figure is never read by mistake.
Where the key space is small enough (the usual case: a few code lists of tens to thousands of
codes) a key is a slot of a dense array of positions; otherwise sorted keys are searched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from validator.model import Dimension, FigureRole, FiguresSpec, Finding
from validator.periods import shift_period

NO_CODE = -1
# A dense index costs 4 bytes per possible key: used while that is at most this many times the
# figures (or a few MB), else the sorted keys are searched.
DENSE_SLOTS_PER_FIGURE = 8
DENSE_MIN_SLOTS = 1 << 20


class Texts:
    """A text column of the table as printed, read one figure at a time (for messages).

    Turning a column of millions of cells into Python strings costs more than most checks;
    messages need the text of the few figures they name, so only those are read.
    """

    def __init__(self, column: pd.Series | Sequence[str] | None, rows: np.ndarray) -> None:
        cells: Any = column.array if isinstance(column, pd.Series) else column
        arrow = getattr(cells, "_pa_array", None)  # pandas' Arrow strings: read Arrow directly
        if isinstance(arrow, pa.ChunkedArray):
            self._arrow: pa.Array | None = arrow.combine_chunks()
            cells = None
        else:
            self._arrow = None
        self._cells = cells
        self._rows = rows

    def __getitem__(self, position: int | np.integer) -> str:
        row = int(self._rows[position])
        if self._arrow is not None:
            value = self._arrow[row].as_py()
            return "" if value is None else str(value)
        if self._cells is None:
            return ""
        return str(self._cells[row])

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(frozen=True)
class Lookup:
    """Figures looked up by key: `positions` index the figures only where `found` is true.

    Elsewhere a position is 0, a valid index, so that arrays can be taken in one step; read
    them through `take` or mask them with `found` (or `usable`), never bare.
    """

    positions: np.ndarray  # int64, same shape as the keys looked up; 0 where not found
    found: np.ndarray  # bool, same shape

    def _at(self, values: np.ndarray) -> np.ndarray:
        # With no figures at all there is no position 0 to stand in for "not found".
        if not len(values):
            return np.zeros(self.positions.shape, dtype=values.dtype)
        at: np.ndarray = values[self.positions]
        return at

    def take(self, values: np.ndarray, fill: float | bool | int = np.nan) -> np.ndarray:
        """`values` of the figures found, `fill` where none was."""
        return np.where(self.found, self._at(values), fill)

    def marked(self, mask: np.ndarray) -> np.ndarray:
        """Found, and its figure's entry of `mask` (a bool per figure) is true."""
        ok: np.ndarray = self.found & self._at(mask)
        return ok

    def usable(self, figures: Figures, scope: np.ndarray | None = None) -> np.ndarray:
        """Found, with a usable value (and inside `scope`, a bool per figure, if given)."""
        ok = self.marked(figures.available)
        return ok & self._at(scope) if scope is not None else ok

    def or_missing(self) -> np.ndarray:
        """Positions with -1 where no figure was found."""
        return np.where(self.found, self.positions, -1)


_WIDE = Context(prec=400)


@dataclass(frozen=True)
class Display:
    """How amounts of one finding are written: in one unit, to a number of decimals."""

    unit: str
    scale: float
    decimals: int

    def format(self, amount: float) -> str:
        return format_amount(amount / self.scale, self.decimals)

    def finding(self, message: str, figures: tuple[FigureRole, ...], context: Mapping[str, str],
                expected: tuple[float, float], reported: tuple[float, float],
                gap: float) -> Finding:
        """A finding whose amounts, given in base units, are stated in this display's unit."""
        return Finding(
            message=message,
            figures=figures,
            context=context,
            expected=(float(expected[0]) / self.scale, float(expected[1]) / self.scale),
            reported=(float(reported[0]) / self.scale, float(reported[1]) / self.scale),
            gap=float(gap) / self.scale,
            unit=self.unit,
            decimals=self.decimals + 2,
        )

    def format_interval(self, lo: float, hi: float) -> str:
        half_width = format_amount((hi - lo) / 2 / self.scale, self.decimals + 1)
        if "." in half_width and self.decimals >= 0 and half_width.endswith("0"):
            half_width = half_width[:-1].rstrip(".")
        return f"{self.format((lo + hi) / 2)} +/- {half_width}"


def format_amount(amount: float, decimals: int) -> str:
    """Round half up, after dropping float noise: 53.849999999 from interval ends is 53.85."""
    decimals = min(max(decimals, 0), 9)
    if not math.isfinite(amount):
        return str(amount)
    exact = Decimal(repr(round(float(amount), decimals + 6)))
    # Enough digits for any figure below limits.MAX_MAGNITUDE (the default context has 28).
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_WIDE)
    text = f"{rounded:f}"
    return "0" if text.lstrip("-").strip("0.") == "" and decimals == 0 else text


@dataclass(frozen=True)
class Figures:
    """Usable figures, one per key. Positions index these arrays; `frame_index` maps back."""

    spec: FiguresSpec
    dimensions: tuple[Dimension, ...]
    codes: np.ndarray  # (n, dims) int64 code positions
    key: np.ndarray  # (n,) int64
    lo: np.ndarray  # (n,) float64 in base units; NaN where not reported
    hi: np.ndarray
    available: np.ndarray  # bool: a value is reported and usable
    rate_lo: np.ndarray  # % change interval; NaN where none
    rate_hi: np.ndarray
    decimals: np.ndarray  # printed decimals in the figure's own unit
    scale: np.ndarray  # the unit's scale
    unit: Texts  # the unit as printed
    value_text: Texts  # the value as printed
    change_text: Texts  # the % change as printed
    frame_index: np.ndarray  # int64 row position in the table frame
    unusable: Mapping[int, str]  # key -> why a figure printed in the table cannot be used
    implied: bool = False  # values are prior-period values implied by the rates
    # Real-release columns (None when the rules file names no such column).
    share_lo: np.ndarray | None = None  # share in % of a whole; NaN where none
    share_hi: np.ndarray | None = None
    share_text: Texts | None = None
    abs_lo: np.ndarray | None = None  # change in amount, in base units; NaN where none
    abs_hi: np.ndarray | None = None
    abs_text: Texts | None = None
    signed: np.ndarray | None = None  # bool: a figure of a code declared `signed`

    @property
    def verb(self) -> str:
        return "implied" if self.implied else "reported"

    @cached_property
    def radix(self) -> np.ndarray:
        return key_radix(self.dimensions)

    @cached_property
    def key_space(self) -> int:
        """The number of possible keys: every key is in 0 .. key_space - 1."""
        return int(self.radix[0]) * (len(self.dimensions[0].codes) + 1) if self.dimensions else 1

    @cached_property
    def _slots(self) -> np.ndarray | None:
        """Dense index: position of the figure of each possible key, -1 for none."""
        if self.key_space > max(DENSE_SLOTS_PER_FIGURE * len(self.key), DENSE_MIN_SLOTS):
            return None
        slots = np.full(self.key_space, -1, dtype=np.int32 if len(self.key) < 2**31
                        else np.int64)
        slots[self.key] = np.arange(len(self.key), dtype=slots.dtype)
        return slots

    @cached_property
    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """Sparse index: the keys in order, and the position of each."""
        order = np.argsort(self.key, kind="stable")
        return self.key[order], order

    def find(self, keys: np.ndarray) -> Lookup:
        """The figures of `keys` (any shape; a negative key is no figure)."""
        keys = np.asarray(keys, dtype=np.int64)
        valid = (keys >= 0) & (keys < self.key_space)
        safe_keys = np.where(valid, keys, 0)
        slots = self._slots
        if slots is not None:
            positions = slots[safe_keys].astype(np.int64)
            found = valid & (positions >= 0)
        else:
            ordered, order = self._sorted
            at = np.minimum(np.searchsorted(ordered, safe_keys), max(len(ordered) - 1, 0))
            found = valid & (ordered[at] == safe_keys) if len(ordered) else valid & False
            positions = order[at] if len(ordered) else np.zeros(keys.shape, dtype=np.int64)
        return Lookup(np.where(found, positions, 0), found)

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """Position of each key, -1 where no usable figure has it (for code that tests `>= 0`
        itself; prefer `find`, whose mask cannot be forgotten)."""
        return self.find(keys).or_missing()

    def with_code(self, keys: np.ndarray | int, dim: str, codes: np.ndarray | int) -> np.ndarray:
        """The keys with their code in `dim` replaced by `codes` (broadcast); -1 where a code
        is NO_CODE or a key is negative."""
        d = self.dim_index(dim)
        radix = int(self.radix[d])
        keys = np.asarray(keys, dtype=np.int64)
        codes = np.asarray(codes, dtype=np.int64)
        own = (keys // radix) % (len(self.dimensions[d].codes) + 1)
        moved = keys + (codes - own) * radix
        return np.where((codes >= 0) & (keys >= 0), moved, -1)

    def under(self, positions: np.ndarray, dim: str, codes: np.ndarray) -> Lookup:
        """The figure at each of `positions` under another code of `dim` (NO_CODE: none).

        `codes` broadcasts against `positions`: one code each, or with `positions[:, None]`, a
        row of codes for each figure.
        """
        return self.find(self.with_code(self.key[positions], dim, codes))

    def code_in(self, keys: np.ndarray | int, dim: str) -> np.ndarray:
        """The code position in `dim` of each key."""
        d = self.dim_index(dim)
        return np.asarray(keys, dtype=np.int64) // int(self.radix[d]) % (
            len(self.dimensions[d].codes) + 1)

    def instance_keys(self, positions: np.ndarray, dim: str) -> np.ndarray:
        """The keys of the figures at `positions` without their code in `dim` (set to 0)."""
        return self.with_code(self.key[positions], dim, np.zeros(1, dtype=np.int64))

    def along(self, instances: np.ndarray, dim: str, codes: np.ndarray) -> Lookup:
        """For instance keys (see `instance_keys`) and code positions of `dim`: the figures,
        shape (codes, instances)."""
        return self.find(self.with_code(np.asarray(instances)[None, :], dim,
                                        np.asarray(codes, dtype=np.int64)[:, None]))

    def unique_keys(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`np.unique(keys, return_inverse=True)` for keys in the key space, without a sort
        where the dense index is used."""
        keys = np.asarray(keys, dtype=np.int64)
        if self._slots is None or len(keys) * 16 < self.key_space:
            unique, inverse = np.unique(keys, return_inverse=True)
            return unique, inverse.reshape(-1)
        seen = np.zeros(self.key_space, dtype=bool)
        seen[keys] = True
        unique = np.flatnonzero(seen)
        rank = np.cumsum(seen, dtype=np.int32 if self.key_space < 2**31 else np.int64)
        return unique.astype(np.int64), rank[keys].astype(np.int64) - 1

    @cached_property
    def _dim_at(self) -> dict[str, int]:
        return {d.name: i for i, d in enumerate(self.dimensions)}

    def dim_index(self, name: str) -> int:
        """The column of `name` in `codes`; KeyError for a dimension the figures lack."""
        return self._dim_at[name]

    def code_positions(self, dim: str, codes: Sequence[str]) -> np.ndarray:
        lookup = self.dimensions[self.dim_index(dim)].position
        return np.array([lookup.get(c, NO_CODE) for c in codes], dtype=np.int64)

    def in_scope(self, where: Mapping[str, frozenset[str]]) -> np.ndarray:
        mask = np.ones(len(self.key), dtype=bool)
        for dim, codes in where.items():
            wanted = self.code_positions(dim, sorted(codes))
            mask &= np.isin(self.codes[:, self.dim_index(dim)], wanted)
        return mask

    # --- describing figures and keys in findings -------------------------------------------

    @cached_property
    def _decoding(self) -> tuple[tuple[str, int, int, tuple[str, ...]], ...]:
        """Per dimension, in plain ints: name, radix, code count + 1, and the codes to show."""
        decoding = []
        for i, dim in enumerate(self.dimensions):
            codes = (*dim.codes, "?")
            if self.implied and dim.is_time:
                codes = tuple(shift_period(c) or f"{c} (prior period)" for c in codes)
            decoding.append((dim.name, int(self.radix[i]), len(codes), codes))
        return tuple(decoding)

    def key_codes(self, key: int | np.integer) -> dict[str, str]:
        key = int(key)
        return {name: codes[key // radix % size]
                for name, radix, size, codes in self._decoding}

    def context(self, key: int, without: str | None = None) -> dict[str, str]:
        return {d: c for d, c in self.key_codes(key).items() if d != without}

    def lead(self, key: int, without: str | None = None) -> str:
        """"exports, World, 2020: " to open a message about one instance ("" if no context)."""
        codes = ", ".join(self.context(key, without).values())
        return f"{codes}: " if codes else ""

    def code_of(self, position: int | np.integer, dim: str) -> str:
        d = self.dim_index(dim)
        return self._decoding[d][3][int(self.codes[position, d])]

    def role(self, position: int, role: str) -> FigureRole:
        return FigureRole(int(self.frame_index[position]), role)

    def display(self, positions: Sequence[int]) -> Display:
        """The first figure's unit, with enough decimals for every figure involved."""
        first = positions[0]
        scale = float(self.scale[first])
        decimals = max(
            int(self.decimals[p]) + round(math.log10(scale / float(self.scale[p])))
            for p in positions
        )
        return Display(unit=str(self.unit[first]), scale=scale, decimals=decimals)

    def shown(self, position: int, display: Display) -> str:
        """The value as printed when it is in the display unit; otherwise converted."""
        if self.implied:
            return display.format_interval(self.lo[position], self.hi[position])
        if float(self.scale[position]) == display.scale:
            return str(self.value_text[position]).strip()
        return display.format((self.lo[position] + self.hi[position]) / 2)

    def is_signed(self) -> np.ndarray:
        if self.signed is None:
            return np.zeros(len(self.key), dtype=bool)
        return self.signed

    def rate_text(self, position: int) -> str:
        text = str(self.change_text[position]).strip()
        return text if text.startswith(("-", "+", "\u2212")) else f"+{text}"

    def printed(self, positions: np.ndarray) -> np.ndarray:
        """Whether the release prints the figures at `positions` (-1: no row), usable or not;
        in an implied view, whether it prints the % change they are implied from."""
        found: np.ndarray = positions >= 0
        if not self.implied:
            return found
        printed: np.ndarray = found & np.isfinite(self.rate_lo[np.where(found, positions, 0)])
        return printed

    def missing_reason(self, keys: np.ndarray) -> str:
        """Why figures are missing: not reported, or reported but unusable."""
        reasons = sorted({self.unusable[int(k)] for k in keys if int(k) in self.unusable})
        if not reasons:
            if self.implied:
                return "figures without a reported value and % change"
            return "figures not reported"
        return "figures not usable: " + "; ".join(reasons)

    # --- derived views ---------------------------------------------------------------------

    def implied_prior(self) -> Figures:
        """The prior-period values implied by v / (1 + g/100), as intervals.

        A rate of -100% or below implies a prior value of the opposite sign or infinite, which no
        flow can have; such figures are left out of the view (the check reports them).
        """
        lo, hi = implied_prior_interval(self.lo, self.hi, self.rate_lo, self.rate_hi)
        available = self.available & np.isfinite(lo) & np.isfinite(hi)
        # Shares and changes in amount describe the current period, not the implied one.
        return replace(self, lo=lo, hi=hi, available=available, implied=True,
                       decimals=self.decimals + 1, share_lo=None, share_hi=None, abs_lo=None,
                       abs_hi=None)


def key_radix(dimensions: Sequence[Dimension]) -> np.ndarray:
    """Multipliers that pack one code position per dimension into one int64 key."""
    sizes = [len(d.codes) + 1 for d in dimensions]
    multipliers = np.ones(len(sizes), dtype=np.int64)
    for i in range(len(sizes) - 2, -1, -1):
        multipliers[i] = multipliers[i + 1] * sizes[i + 1]
    return multipliers


def implied_prior_interval(
    lo: np.ndarray, hi: np.ndarray, rate_lo: np.ndarray, rate_hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """[lo, hi] / [1 + rate_lo/100, 1 + rate_hi/100]; NaN where a rate reaches -100% or less,
    which leaves no prior value of the same sign."""
    d_lo = 1 + rate_lo / 100
    prior_lo, prior_hi = interval_divide(lo, hi, d_lo, 1 + rate_hi / 100)
    undefined = ~(d_lo > 0)
    prior_lo[undefined] = np.nan
    prior_hi[undefined] = np.nan
    return prior_lo, prior_hi


def interval_divide(lo: np.ndarray, hi: np.ndarray, d_lo: np.ndarray,
                    d_hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Interval division [lo, hi] / [d_lo, d_hi]; NaN where the divisor interval holds zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        candidates = np.stack([lo / d_lo, lo / d_hi, hi / d_lo, hi / d_hi])
        q_lo, q_hi = candidates.min(axis=0), candidates.max(axis=0)
    undefined = ~((d_lo > 0) | (d_hi < 0))
    q_lo[undefined] = np.nan
    q_hi[undefined] = np.nan
    return q_lo, q_hi
