"""What every check module provides, and helpers for the interval arithmetic they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from validator.figures import Figures
from validator.model import Evaluation, ParseContext, Rule
from validator.yamlpos import Path

# Interval bounds come from float arithmetic; a gap smaller than this share of the magnitudes
# involved is representation error, not a discrepancy.
FLOAT_SLACK = 1e-9


class EvalContext(Protocol):
    def run(self, rule_id: str, figures: Figures) -> Evaluation: ...


def no_columns(options: Any) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Check:
    headline: str  # what a failing rule of this kind means for the reader, in plain words
    keys: tuple[str, ...]  # rule keys this kind accepts besides its own name
    parse: Callable[[dict[str, Any], Path, ParseContext], Any]
    evaluate: Callable[[Rule, Figures, EvalContext], Evaluation]
    # The optional number columns (roles: change, share, abs_change) a rule of this kind reads;
    # a table without one leaves the rule not evaluated, with the reason, instead of refused.
    reads: Callable[[Any], tuple[str, ...]] = no_columns


def interval_gap(
    a_lo: np.ndarray, a_hi: np.ndarray, b_lo: np.ndarray, b_hi: np.ndarray
) -> np.ndarray:
    """Distance between two intervals; zero where they overlap."""
    gap: np.ndarray = np.maximum(np.maximum(a_lo - b_hi, b_lo - a_hi), 0.0)
    return gap


def fails(gap: np.ndarray, slack: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
    return gap > slack + FLOAT_SLACK * magnitude


def parse_bool(ctx: ParseContext, raw: dict[str, Any], path: Path, key: str,
               default: bool) -> bool:
    value = raw.get(key)
    if value is None:
        return default
    if isinstance(value, str) and value.lower() in {"true", "yes", "on"}:
        return True
    if isinstance(value, str) and value.lower() in {"false", "no", "off"}:
        return False
    ctx.error((*path, key), f"'{key}' must be true or false")
    return default


def parse_dimension(ctx: ParseContext, raw: dict[str, Any], path: Path, key: str) -> str | None:
    value = raw.get(key)
    if not isinstance(value, str) or value not in ctx.dimensions:
        known = ", ".join(ctx.dimensions)
        ctx.error((*path, key), f"'{key}' must name a dimension (one of: {known})")
        return None
    return value
