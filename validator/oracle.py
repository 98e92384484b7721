"""A second, deliberately plain evaluation of the rules: loops over dicts instead of keyed arrays.

The property tests and the detection benchmark use it to decide, independently of the engine,
whether a table (or a set of true values) violates a rule: every rule instance is rebuilt from the
code tuples of the figures, so a bug in the engine's key arithmetic or vectorised sums does not
hide itself. Printed text becomes intervals through `validator.numbers.parse_printed`, the
definition of what a printed figure stands for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from validator.checks.bounds import Options as BoundsOptions
from validator.checks.breakdown import Options as BreakdownOptions
from validator.checks.identity import Options as IdentityOptions
from validator.checks.implied_prior import Options as PriorOptions
from validator.model import Rule, RuleSet, is_period, shift_period
from validator.numbers import parse_printed

Key = tuple[str, ...]

# Looser than the engine's float slack: an instance the oracle calls violated is violated for
# the engine too, whatever the order of the float sums.
RELATIVE_SLACK = 1e-7


@dataclass(frozen=True)
class Point:
    """One figure: its value and % change as intervals (NaN where none), and its table row."""

    lo: float
    hi: float
    rate_lo: float = float("nan")
    rate_hi: float = float("nan")
    row: int = -1


@dataclass(frozen=True)
class Violation:
    rule: str
    rows: frozenset[int]  # table rows (0-based frame positions) of the figures involved


def points_from_frame(frame: pd.DataFrame, rules: RuleSet) -> dict[Key, Point]:
    """Usable figures of a printed table by code tuple; rows with bad codes or numbers left out."""
    spec = rules.figures
    n = len(frame)
    scale: np.ndarray = np.ones(n)
    if spec.units:
        scale = frame[spec.unit].map(dict(spec.units)).to_numpy(dtype=np.float64,
                                                                na_value=np.nan)
    value = parse_printed(frame[spec.value], spec.rounding, spec.trailing_zeros, scale)
    if spec.change:
        rate = parse_printed(frame[spec.change], spec.rounding, spec.trailing_zeros)
        rate_lo, rate_hi = rate.lo, rate.hi
    else:
        rate_lo = rate_hi = np.full(n, np.nan)
    points: dict[Key, Point] = {}
    for i in range(n):
        key = tuple(str(frame[d.name].iat[i]) for d in rules.dimensions)
        valid = all(code in d.codes or (d.is_time and is_period(code))
                    for code, d in zip(key, rules.dimensions, strict=True))
        lo, hi = float(value.lo[i]), float(value.hi[i])
        if not valid or not (np.isfinite(lo) and np.isfinite(hi)) or key in points:
            continue
        points[key] = Point(lo, hi, float(rate_lo[i]), float(rate_hi[i]), i)
    return points


def violations(rules: RuleSet, points: Mapping[Key, Point]) -> list[Violation]:
    """Every rule instance that no values inside the intervals can satisfy."""
    by_id = {r.id: r for r in rules.rules}
    found: list[Violation] = []
    for rule in rules.rules:
        if isinstance(rule.options, PriorOptions):
            prior = _implied(points)
            for inner in rule.options.rules:
                found += [Violation(rule.id, v.rows)
                          for v in _evaluate(rules, by_id[inner], prior)]
            found += _prior_checks(rules, rule, points, prior)
        else:
            found += _evaluate(rules, rule, points)
    return found


def _evaluate(rules: RuleSet, rule: Rule, points: Mapping[Key, Point]) -> list[Violation]:
    if isinstance(rule.options, IdentityOptions):
        return _identity(rules, rule, rule.options, points)
    if isinstance(rule.options, BreakdownOptions):
        return _breakdown(rules, rule, rule.options, points)
    if isinstance(rule.options, BoundsOptions):
        return _bounds(rules, rule, rule.options, points)
    return []


def _index(rules: RuleSet, name: str) -> int:
    return [d.name for d in rules.dimensions].index(name)


def _in_scope(rules: RuleSet, rule: Rule, key: Key) -> bool:
    return all(key[_index(rules, dim)] in codes for dim, codes in rule.where.items())


def _scoped(rules: RuleSet, rule: Rule, points: Mapping[Key, Point]) -> dict[Key, Point]:
    return {k: p for k, p in points.items() if _in_scope(rules, rule, k)}


def _fails(gap: float, slack: float, magnitude: float) -> bool:
    return gap > slack + RELATIVE_SLACK * magnitude


def _with(key: Key, position: int, code: str) -> Key:
    return (*key[:position], code, *key[position + 1:])


def _identity(rules: RuleSet, rule: Rule, options: IdentityOptions,
              points: Mapping[Key, Point]) -> list[Violation]:
    along = _index(rules, options.along)
    members = [t.code for t in options.terms]
    scoped = _scoped(rules, rule, points)
    instances = {_with(k, along, "") for k in scoped if k[along] in members}
    result = []
    for instance in instances:
        figures = [scoped.get(_with(instance, along, m)) for m in members]
        if any(f is None for f in figures):
            continue
        sides = []
        magnitude = 0.0
        n_left = len(options.left)
        for terms, pts in ((options.left, figures[:n_left]), (options.right, figures[n_left:])):
            lo = hi = 0.0
            for term, p in zip(terms, pts, strict=True):
                assert p is not None
                a, b = term.coefficient * p.lo, term.coefficient * p.hi
                lo, hi = lo + min(a, b), hi + max(a, b)
                magnitude += abs(term.coefficient) * max(abs(p.lo), abs(p.hi))
            sides.append((lo, hi))
        (l_lo, l_hi), (r_lo, r_hi) = sides
        gap = max(l_lo - r_hi, r_lo - l_hi, 0.0)
        if _fails(gap, rule.tolerance.slack((r_lo + r_hi) / 2), magnitude):
            result.append(Violation(rule.id, frozenset(p.row for p in figures if p)))
    return result


def _breakdown(rules: RuleSet, rule: Rule, options: BreakdownOptions,
               points: Mapping[Key, Point]) -> list[Violation]:
    d = _index(rules, options.dimension)
    dimension = rules.dimensions[d]
    children = dimension.children
    parent_of = {kid: parent for parent, kids in children.items() for kid in kids}
    scoped = _scoped(rules, rule, points)
    parts: dict[Key, list[Point]] = defaultdict(list)
    for key, point in scoped.items():
        if key[d] in parent_of:
            parts[_with(key, d, parent_of[key[d]])].append(point)
    result = []
    for total_key, found in parts.items():
        total = scoped.get(total_key)
        if total is None:
            continue
        if options.complete and len(found) != len(children[total_key[d]]):
            continue
        lo = sum(p.lo for p in found)
        hi = sum(p.hi for p in found)
        gap = max(lo - total.hi, 0.0)
        if options.complete:
            gap = max(gap, total.lo - hi)
        magnitude = sum(abs(p.hi) for p in found) + abs(total.hi)
        if _fails(gap, rule.tolerance.slack((total.lo + total.hi) / 2), magnitude):
            result.append(Violation(rule.id, frozenset([total.row, *(p.row for p in found)])))
    return result


def _bounds(rules: RuleSet, rule: Rule, options: BoundsOptions,
            points: Mapping[Key, Point]) -> list[Violation]:
    result = []
    for point in _scoped(rules, rule, points).values():
        lo, hi = ((point.rate_lo, point.rate_hi) if options.measure == "change"
                  else (point.lo, point.hi))
        if not (np.isfinite(lo) and np.isfinite(hi)):
            continue
        gap = 0.0
        if options.minimum is not None:
            gap = max(gap, options.minimum - hi)
        if options.maximum is not None:
            gap = max(gap, lo - options.maximum)
        magnitude = max(abs(lo), abs(hi))
        if _fails(gap, rule.tolerance.slack(magnitude), magnitude):
            result.append(Violation(rule.id, frozenset([point.row])))
    return result


def _implied(points: Mapping[Key, Point]) -> dict[Key, Point]:
    """Prior values v / (1 + g/100) as intervals, for figures whose rate allows one."""
    result = {}
    for key, p in points.items():
        d_lo, d_hi = 1 + p.rate_lo / 100, 1 + p.rate_hi / 100
        if not d_lo > 0:  # also false for NaN: no rate
            continue
        quotients = [p.lo / d_lo, p.lo / d_hi, p.hi / d_lo, p.hi / d_hi]
        result[key] = Point(min(quotients), max(quotients), row=p.row)
    return result


def _prior_checks(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
                  prior: Mapping[Key, Point]) -> list[Violation]:
    result = []
    scoped = _scoped(rules, rule, points)
    for p in scoped.values():
        if np.isfinite(p.rate_hi) and (p.lo > 0 or p.hi < 0) and p.rate_hi <= -100:
            result.append(Violation(rule.id, frozenset([p.row])))
    time = rules.figures.time
    if time is None:
        return result
    t = _index(rules, time)
    for key, implied in prior.items():
        if key not in scoped:
            continue
        earlier = shift_period(key[t])
        reported = points.get(_with(key, t, earlier)) if earlier else None
        if reported is None:
            continue
        gap = max(implied.lo - reported.hi, reported.lo - implied.hi, 0.0)
        if _fails(gap, rule.tolerance.slack(reported.hi), abs(reported.hi)):
            result.append(Violation(rule.id, frozenset([implied.row, reported.row])))
    return result


def rows_in_violations(found: Iterable[Violation]) -> set[int]:
    return {row for v in found for row in v.rows}
