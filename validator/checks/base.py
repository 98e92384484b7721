"""What every check module provides, and helpers for the interval arithmetic they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from validator.figures import Figures
from validator.model import Evaluation, ParseContext, Rule, RuleSet
from validator.relations import Relation
from validator.suggest import did_you_mean
from validator.yamlpos import Path

# Interval bounds come from float arithmetic; a gap smaller than this share of the magnitudes
# involved is representation error, not a discrepancy.
FLOAT_SLACK = 1e-9


class EvalContext(Protocol):
    def run(self, rule_id: str, figures: Figures) -> Evaluation: ...

    def relations(self, rule_id: str, figures: Figures,
                  positions: np.ndarray) -> list[Relation]: ...

    def memo(self, key: object, make: Callable[[], Any]) -> Any:
        """`make()` once per key for the life of one check (derived views of the figures)."""
        ...


# A kind's evaluated instances that involve any of the given figure positions, as constraints
# (validator/relations.py) for error localisation; cost in the number of positions, not figures.
Relations = Callable[[Rule, Figures, np.ndarray, EvalContext], list[Relation]]


def no_columns(options: Any) -> tuple[str, ...]:
    return ()


def every_dimension(rule: Rule, rules: RuleSet) -> frozenset[str]:
    """What a kind that does not say relates: the whole table (one part for a lazy engine)."""
    return frozenset(d.name for d in rules.dimensions)


def itself(rule: Rule) -> tuple[Rule, ...]:
    return (rule,)


def over_time(rules: RuleSet) -> frozenset[str]:
    """The time dimension, which a check that compares periods relates across."""
    return frozenset({rules.figures.time}) if rules.figures.time else frozenset()


def signs_over_time(rules: RuleSet) -> frozenset[str]:
    """What a check that leaves out rates on balances whose sign changed relates across: the
    sign change is judged against the prior period (validator/signs.py)."""
    return over_time(rules) if rules.figures.signed else frozenset()


@dataclass(frozen=True)
class Check:
    headline: str  # what a failing rule of this kind means for the reader, in plain words
    keys: tuple[str, ...]  # rule keys this kind accepts besides its own name
    parse: Callable[[dict[str, Any], Path, ParseContext], Any]
    evaluate: Callable[[Rule, Figures, EvalContext], Evaluation]
    # The optional number columns (roles: change, share, abs_change) a rule of this kind reads;
    # a table without one leaves the rule not evaluated, with the reason, instead of refused.
    reads: Callable[[Any], tuple[str, ...]] = no_columns
    relations: Relations | None = None  # None: the kind takes no part in localisation
    # The dimensions along which one instance relates figures: figures that differ in any
    # other dimension are never in one instance, so a lazy engine may check them apart
    # (validator/lazy). A kind that does not say is checked on the whole table at once.
    varies: Callable[[Rule, RuleSet], frozenset[str]] = every_dimension
    # The rule as pieces whose results add up to its own, each relating fewer dimensions.
    split: Callable[[Rule], tuple[Rule, ...]] = itself


def interval_gap(
    a_lo: np.ndarray, a_hi: np.ndarray, b_lo: np.ndarray, b_hi: np.ndarray
) -> np.ndarray:
    """Distance between two intervals; zero where they overlap."""
    gap: np.ndarray = np.maximum(np.maximum(a_lo - b_hi, b_lo - a_hi), 0.0)
    return gap


def fails(gap: np.ndarray, slack: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
    return gap > slack + FLOAT_SLACK * magnitude


def room(slack: Any, magnitude: Any) -> float:
    """How far a relation may miss before `fails` calls it a discrepancy."""
    return float(slack + FLOAT_SLACK * magnitude)


def scope_at(figures: Figures, where: Any, positions: np.ndarray) -> np.ndarray:
    """`figures.in_scope(where)` for a few positions only."""
    mask = np.ones(len(positions), dtype=bool)
    for dim, codes in where.items():
        wanted = figures.code_positions(dim, sorted(codes))
        mask &= np.isin(figures.codes[positions, figures.dim_index(dim)], wanted)
    return mask


def lookup(figures: Figures, keys: np.ndarray, where: Any) -> np.ndarray:
    """Positions of usable figures in scope with these keys; -1 elsewhere."""
    found = figures.positions(np.asarray(keys, dtype=np.int64))
    ok = found >= 0
    ok[ok] = figures.available[found[ok]] & scope_at(figures, where, found[ok])
    return np.where(ok, found, -1)


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
        hint = did_you_mean(value, ctx.dimensions) if isinstance(value, str) else ""
        ctx.error((*path, key), f"'{key}' must name a dimension{hint} (one of: {known})")
        return None
    return value
