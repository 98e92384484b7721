"""The figures of a table as interval arrays keyed by one integer per combination of codes.

Every dimension code is an integer position in its code list, and a figure's key packs those
positions into one int64 (mixed radix), so that a parent, a sibling or the same figure a year
earlier is found by arithmetic on keys and a hash lookup, never by a loop over figures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from validator.model import Dimension, FigureRole, FiguresSpec, Finding
from validator.periods import shift_period

NO_CODE = -1


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
    text = f"{exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
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
    unit: np.ndarray  # object: the unit as printed
    value_text: np.ndarray  # object: the value as printed
    change_text: np.ndarray  # object: the % change as printed
    frame_index: np.ndarray  # int64 row position in the table frame
    unusable: Mapping[int, str]  # key -> why a figure printed in the table cannot be used
    implied: bool = False  # values are prior-period values implied by the rates
    # Real-release columns (None when the rules file names no such column).
    share_lo: np.ndarray | None = None  # share in % of a whole; NaN where none
    share_hi: np.ndarray | None = None
    share_text: np.ndarray | None = None
    abs_lo: np.ndarray | None = None  # change in amount, in base units; NaN where none
    abs_hi: np.ndarray | None = None
    abs_text: np.ndarray | None = None
    signed: np.ndarray | None = None  # bool: a figure of a code declared `signed`

    @property
    def verb(self) -> str:
        return "implied" if self.implied else "reported"

    @cached_property
    def radix(self) -> np.ndarray:
        return key_radix(self.dimensions)

    @cached_property
    def _index(self) -> pd.Index:
        index: pd.Index = pd.Index(self.key)
        return index

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """Position of each key, -1 where no usable figure has it."""
        return np.asarray(self._index.get_indexer(pd.Index(keys)), dtype=np.int64)

    def dim_index(self, name: str) -> int:
        return next(i for i, d in enumerate(self.dimensions) if d.name == name)

    def code_positions(self, dim: str, codes: Sequence[str]) -> np.ndarray:
        dimension = self.dimensions[self.dim_index(dim)]
        lookup = {c: i for i, c in enumerate(dimension.codes)}
        return np.array([lookup.get(c, NO_CODE) for c in codes], dtype=np.int64)

    def in_scope(self, where: Mapping[str, frozenset[str]]) -> np.ndarray:
        mask = np.ones(len(self.key), dtype=bool)
        for dim, codes in where.items():
            wanted = self.code_positions(dim, sorted(codes))
            mask &= np.isin(self.codes[:, self.dim_index(dim)], wanted)
        return mask

    # --- describing figures and keys in findings -------------------------------------------

    def key_codes(self, key: int) -> dict[str, str]:
        result = {}
        for i, dim in enumerate(self.dimensions):
            position = (key // int(self.radix[i])) % (len(dim.codes) + 1)
            code = dim.codes[position] if position < len(dim.codes) else "?"
            if self.implied and dim.is_time:
                code = shift_period(code) or f"{code} (prior period)"
            result[dim.name] = code
        return result

    def context(self, key: int, without: str | None = None) -> dict[str, str]:
        return {d: c for d, c in self.key_codes(key).items() if d != without}

    def lead(self, key: int, without: str | None = None) -> str:
        """"exports, World, 2020: " to open a message about one instance ("" if no context)."""
        codes = ", ".join(self.context(key, without).values())
        return f"{codes}: " if codes else ""

    def code_of(self, position: int, dim: str) -> str:
        return self.key_codes(int(self.key[position]))[dim]

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
