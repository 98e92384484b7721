"""Passes over a table too large to check at once: which rules run together, split how.

A rule instance relates figures that differ only in the dimensions its kind varies (a breakdown
its hierarchy's dimension, an identity its `along`, a growth rule time). Figures that differ in
any other dimension are never in one instance. So a pass runs the rules that vary the same
dimensions (or fewer of them) on parts of the table cut by the codes of every other dimension:
each instance lies whole in one part, and the in-memory engine checks each part with the very
same code. A rule that varies every dimension runs on one part, the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.checks import CHECKS
from validator.checks.base import signs_over_time
from validator.model import Rule, RuleSet


@dataclass(frozen=True)
class Pass:
    """Rules (or pieces of them) checked together, on parts cut by the codes of `apart`."""

    varies: frozenset[str]  # the dimensions some instance of these rules relates across
    apart: tuple[str, ...]  # the other dimensions, in the rules file's order
    rules: tuple[Rule, ...]
    inputs: bool = False  # also the input checks of every row (the first pass)
    signs: bool = False  # also the sign changes of balances (figures.signed)


@dataclass(frozen=True)
class Reach:
    """The rows that share an instance with a figure: those with its codes of `key` (and, when
    the instances relate periods, a period within a year of its own: `by_year`)."""

    key: tuple[str, ...]
    by_year: str | None = None


# A pass cuts its parts by the codes of the dimensions it keeps apart; it needs several
# combinations of them per part for the parts to come out about even.
COMBINATIONS_PER_PART = 4


def plan(rules: RuleSet, parts: int = 1) -> tuple[Pass, ...]:
    """The passes for a table of about `parts` parts: rules grouped by what they vary, a
    group that varies a subset of another's dimensions folded into it, and groups merged
    while the dimensions left apart still have enough combinations of codes to cut `parts`
    parts (every pass reads the whole table, so fewer passes is faster). One part: one pass.
    The input checks go with the first pass."""
    dims = [d.name for d in rules.dimensions]
    groups: dict[frozenset[str], list[Rule]] = {}
    for rule in rules.rules:
        for piece in CHECKS[rule.kind].split(rule):
            groups.setdefault(CHECKS[rule.kind].varies(piece, rules), []).append(piece)
    signs = signs_over_time(rules) if rules.figures.signed else None
    if signs is not None:
        groups.setdefault(signs, [])
    if not groups:
        groups[frozenset()] = []
    # Widest first, so that a narrower group folds into the first wider one that holds it.
    order = sorted(groups, key=lambda v: (-len(v), sorted(v)))
    kept: dict[frozenset[str], list[Rule]] = {}
    for varies in order:
        host = next((k for k in kept if varies <= k), None)
        if host is None:
            host = next((k for k in kept if _cuts(rules, k | varies, parts)), None)
            if host is not None:
                kept[host | varies] = kept.pop(host)
                host = host | varies
        kept.setdefault(host if host is not None else varies, []).extend(groups[varies])
    host_of_signs = None if signs is None else next(k for k in kept if signs <= k)
    return tuple(Pass(varies, tuple(d for d in dims if d not in varies), tuple(pieces),
                      inputs=i == 0, signs=varies == host_of_signs)
                 for i, (varies, pieces) in enumerate(kept.items()))


def reaches(rules: RuleSet) -> tuple[Reach, ...]:
    """How far the instances of the rules reach from a figure, one `Reach` for each set of
    dimensions some rule (or piece of one) relates: every instance that holds a figure lies
    within one of them. An instance relates periods at most a year apart (a year and its
    months, a fiscal year's months, a period and the same one a year before), so time is
    bounded by the year written in the period (a code without one: every period)."""
    time = rules.figures.time
    columns = [d.name for d in rules.dimensions]
    if time and time not in columns:
        columns.append(time)
    kinds = {CHECKS[rule.kind].varies(piece, rules)
             for rule in rules.rules for piece in CHECKS[rule.kind].split(rule)}
    signs = signs_over_time(rules) if rules.figures.signed else None
    if signs is not None:
        kinds.add(signs)
    return tuple(Reach(tuple(c for c in columns if c not in varies),
                       time if time and time in varies else None)
                 for varies in sorted(kinds, key=lambda v: (len(v), sorted(v))))


def _cuts(rules: RuleSet, varies: frozenset[str], parts: int) -> bool:
    """Whether the dimensions not in `varies` have codes enough to cut `parts` parts (a time
    dimension counted by its declared codes only: the table may have more)."""
    if parts <= 1:
        return True
    combinations = 1
    for dim in rules.dimensions:
        if dim.name not in varies:
            combinations *= max(len(dim.codes), 1)
    return combinations >= COMBINATIONS_PER_PART * parts
