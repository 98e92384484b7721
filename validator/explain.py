"""For each figure of a small table, the rules that used it and the arithmetic that checked it.

Every rule kind describes its instances as relations over printed quantities
(validator/relations.py). Solved for one quantity, with the other figures anywhere inside their
printed precision, a relation gives the values that quantity may take: "balance: exports 183.6,
imports 112.6 allow 70.9 to 71.1; printed 71.0". The marked press release shows these lines for
the numbers that passed (the failing ones have their discrepancy's message).

The lines cost a loop per rule instance: they are made for a press release of at most
MAX_EXPLAINED_FIGURES figures (validator/limits.py); which rules used a figure is known for any
size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from validator.figures import Figures, format_amount
from validator.limits import MAX_EXPLAINED_FIGURES
from validator.localise import quantity_columns
from validator.model import RuleSet
from validator.relations import WHOLE_LINE, Quantity, Relation, Var, solve_for

MEASURE_OF = {Quantity.VALUE: "value", Quantity.CHANGE: "change"}


class Describes(Protocol):
    def relations(self, rule_id: str, figures: Figures,
                  positions: np.ndarray) -> list[Relation]: ...


def explain_rows(figures: Figures, rules: RuleSet, runner: Describes,
                 touched: Sequence[np.ndarray], row_keys: np.ndarray
                 ) -> tuple[dict[str, np.ndarray], dict[int, tuple[tuple[str, str], ...]]]:
    """Rule id -> the frame rows (sorted) whose figure its evaluated instances used, and, for
    tables of at most MAX_EXPLAINED_FIGURES, frame row -> (measure, line) of arithmetic."""
    rows_of: dict[str, np.ndarray] = {}
    lines: dict[int, list[tuple[str, str]]] = {}
    explain = len(row_keys) <= MAX_EXPLAINED_FIGURES
    of_row = figures.find(row_keys)
    for rule, positions in zip(rules.rules, touched, strict=True):
        positions = np.unique(positions.astype(np.int64))
        used = np.zeros(len(figures.key), dtype=bool)
        used[positions] = True
        rows_of[rule.id] = np.flatnonzero(of_row.marked(used))
        if not explain:
            continue
        for relation in runner.relations(rule.id, figures, positions):
            for var in relation.variables():
                line = _line(figures, relation, var)
                if line is not None and var[1] in MEASURE_OF:
                    row = int(figures.frame_index[var[0]])
                    entry = (MEASURE_OF[var[1]], line)
                    if entry not in lines.setdefault(row, []):
                        lines[row].append(entry)
    return rows_of, {row: tuple(found) for row, found in lines.items()}


def _interval(figures: Figures, var: Var) -> tuple[float, float]:
    lo, hi, _ = quantity_columns(figures, var[1])
    if lo is None or hi is None:
        return (math.nan, math.nan)
    return float(lo[var[0]]), float(hi[var[0]])


def _text(figures: Figures, var: Var) -> str:
    texts = quantity_columns(figures, var[1])[2]
    text = "" if texts is None else str(texts[var[0]]).strip()
    return f"{text}%" if var[1] in (Quantity.CHANGE, Quantity.SHARE) and text else text


def _label(figures: Figures, relation: Relation, var: Var) -> str:
    """The codes that tell the relation's figures apart (the flow of a balance, the product of
    a breakdown), and what of the figure it is."""
    positions = sorted({v[0] for v in relation.variables()})
    differing = [d for d in range(len(figures.dimensions))
                 if len({int(figures.codes[p, d]) for p in positions}) > 1]
    codes = " ".join(figures.code_of(var[0], figures.dimensions[d].name) for d in differing)
    what = {Quantity.CHANGE: " change", Quantity.SHARE: " share",
            Quantity.ABS: " change in amount"}.get(var[1], "")
    return (codes + what).strip() or what.strip() or "it"


def _line(figures: Figures, relation: Relation, var: Var) -> str | None:
    box: Mapping[Var, tuple[float, float]] = {v: _interval(figures, v)
                                              for v in relation.variables()}
    if not all(math.isfinite(x) for interval in box.values() for x in interval):
        return None
    allowed = solve_for(relation, var, box)
    if allowed == WHOLE_LINE or allowed[0] > allowed[1]:
        return None
    scale = float(figures.scale[var[0]]) if var[1] in (Quantity.VALUE, Quantity.ABS) else 1.0
    printed = _text(figures, var)
    decimals = len(printed.rstrip("%").split(".")[1]) if "." in printed else 0

    def shown(x: float) -> str:
        text = format_amount(x / scale, decimals + 1)
        return text.lstrip("-") if not text.strip("-0.") else text  # no "-0.00"

    lo, hi = allowed
    if math.isfinite(lo) and math.isfinite(hi):
        bounds = f"{shown(lo)} to {shown(hi)}"
    elif math.isfinite(lo):
        bounds = f"at least {shown(lo)}"
    elif math.isfinite(hi):
        bounds = f"at most {shown(hi)}"
    else:
        return None
    unit = str(figures.unit[var[0]])
    others = ", ".join(dict.fromkeys(
        f"{_label(figures, relation, v)} {_text(figures, v)}"
        + (f" {figures.unit[v[0]]}" if v[1] is Quantity.VALUE
           and str(figures.unit[v[0]]) != unit else "")
        for v in relation.variables() if v != var))
    if not others:  # a bound on the figure alone
        return f"{relation.rule}: must be {bounds}; printed {printed}"
    return f"{relation.rule}: {others} allow {bounds}; printed {printed}"
