"""A second, deliberately plain evaluation of the rules: loops over dicts instead of keyed arrays.

The property tests and the detection benchmark use it to decide, independently of the engine,
whether a table (or a set of true values) violates a rule: every rule instance is rebuilt from the
code tuples of the figures, so a bug in the engine's key arithmetic or vectorised sums does not
hide itself. Printed text becomes intervals through the oracle's own reader (`printed_interval`:
decimal arithmetic on the digits, no floats before the bounds), independent of
`validator.numbers.parse_printed`, each column with its own rounding.

Covered: identity, breakdown, bounds, implied_prior, share, abs_change, period_total, and the
built-in `sign-change` warning on codes declared in `figures.signed` (whose rates are left out of
implied prior values, growth bounds and changes in amount derived from rates). Not covered: the
number formats of `validator.value_forms` (unit words, parentheses), revisions against a prior
release.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

import numpy as np
import pandas as pd

from validator.checks.abs_change import Options as AbsChangeOptions
from validator.checks.bounds import Options as BoundsOptions
from validator.checks.breakdown import Options as BreakdownOptions
from validator.checks.identity import Options as IdentityOptions
from validator.checks.implied_prior import Options as PriorOptions
from validator.checks.period_total import Options as PeriodTotalOptions
from validator.checks.ratio import Options as RatioOptions
from validator.checks.share import Options as ShareOptions
from validator.model import Rule, RuleSet
from validator.numbers import Rounding, TrailingZeros
from validator.periods import is_period, previous_period, shift_period

Key = tuple[str, ...]

# Looser than the engine's float slack: an instance the oracle calls violated is violated for
# the engine too, whatever the order of the float sums.
RELATIVE_SLACK = 1e-7

SIGN_CHANGE = "sign-change"  # the engine's built-in warning (validator.signs)
NAN = float("nan")


@dataclass(frozen=True)
class Point:
    """One figure: its value, % change, share and change in amount as intervals (NaN where
    none), and its table row."""

    lo: float
    hi: float
    rate_lo: float = NAN
    rate_hi: float = NAN
    row: int = -1
    share_lo: float = NAN
    share_hi: float = NAN
    abs_lo: float = NAN
    abs_hi: float = NAN


@dataclass(frozen=True)
class Violation:
    rule: str
    rows: frozenset[int]  # table rows (0-based frame positions) of the figures involved


def points_from_frame(frame: pd.DataFrame, rules: RuleSet) -> dict[Key, Point]:
    """Usable figures of a printed table by code tuple; rows with bad codes or numbers left out,
    a figure printed twice narrowed to both intervals (left out where they do not meet)."""
    spec = rules.figures
    n = len(frame)
    scale: np.ndarray = np.ones(n)
    if spec.units:
        scale = frame[spec.unit].map(dict(spec.units)).to_numpy(dtype=np.float64,
                                                                na_value=np.nan)
    nothing = np.full(n, np.nan)

    def column(name: str | None, role: str, times: np.ndarray | float) -> tuple[np.ndarray,
                                                                                np.ndarray]:
        if not name:
            return nothing, nothing
        factors = np.broadcast_to(np.asarray(times, dtype=np.float64), (n,))
        bounds = [printed_interval(str(text), spec.rounding_of(role), spec.trailing_zeros,
                                   float(factor))
                  for text, factor in zip(frame[name], factors, strict=True)]
        lo = np.array([b[0] for b in bounds], dtype=np.float64).reshape(n)
        hi = np.array([b[1] for b in bounds], dtype=np.float64).reshape(n)
        return lo, hi

    value_lo, value_hi = column(spec.value, "value", scale)
    rate_lo, rate_hi = column(spec.change, "change", 1.0)
    share_lo, share_hi = column(spec.share, "share", 1.0)
    abs_lo, abs_hi = column(spec.abs_change, "abs_change", scale)
    points: dict[Key, Point] = {}
    conflicting: set[Key] = set()  # duplicates that cannot both be right: no usable figure
    for i in range(n):
        key = tuple(str(frame[d.name].iat[i]) for d in rules.dimensions)
        valid = all(code in d.codes or (d.is_time and is_period(code))
                    for code, d in zip(key, rules.dimensions, strict=True))
        lo, hi = float(value_lo[i]), float(value_hi[i])
        if not valid or not (np.isfinite(lo) and np.isfinite(hi)) or key in conflicting:
            continue
        point = Point(lo, hi, float(rate_lo[i]), float(rate_hi[i]), i, float(share_lo[i]),
                      float(share_hi[i]), float(abs_lo[i]), float(abs_hi[i]))
        first = points.get(key)
        if first is not None:
            # The same figure printed twice: both can be right only inside both intervals.
            point = Point(max(first.lo, lo), min(first.hi, hi),
                          _bound(max, first.rate_lo, point.rate_lo),
                          _bound(min, first.rate_hi, point.rate_hi), first.row,
                          first.share_lo, first.share_hi, first.abs_lo, first.abs_hi)
            if point.lo > point.hi or point.rate_lo > point.rate_hi:
                conflicting.add(key)
                del points[key]
                continue
        points[key] = point
    return points


# Digits grouped by thousands (comma, space, no-break, thin or narrow no-break space) or not.
_PRINTED = re.compile(
    r"(?P<sign>[+-]?)(?P<whole>\d{1,3}(?:(?P<sep>[, \u00a0\u2009\u202f])\d{3}(?:(?P=sep)\d{3})*)?"
    r"|\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d{1,3}))?")


def printed_interval(text: str, rounding: Rounding, trailing_zeros: TrailingZeros,
                     scale: float = 1.0) -> tuple[float, float]:
    """The values a printed number stands for, times `scale`; (NaN, NaN) for empty or unreadable
    text. Plain decimal arithmetic on the digits: "71.0" rounded is 70.95..71.05, truncated
    71.0..71.1 (away from zero for negatives), "130" with insignificant trailing zeros 125..135."""
    cleaned = text.strip().replace("\u2212", "-")
    match = _PRINTED.fullmatch(cleaned)
    if not cleaned or match is None or not np.isfinite(scale):
        return NAN, NAN
    whole, frac = match["whole"] or "", match["frac"]
    if match["sep"]:
        whole = whole.replace(match["sep"], "")
    if not (whole or frac):
        return NAN, NAN
    digits = whole + (frac or "")
    exponent = int(match["exp"] or 0)
    with localcontext() as ctx:
        ctx.prec = 60
        try:
            magnitude = Decimal(digits).scaleb(exponent - len(frac or ""))
        except InvalidOperation:
            return NAN, NAN
        if frac is not None:
            place = exponent - len(frac)
        else:
            stripped = whole.rstrip("0")
            zeros = len(whole) - len(stripped)
            if trailing_zeros is TrailingZeros.SIGNIFICANT or not stripped:
                zeros = 0
            place = exponent + zeros
        unit = Decimal(1).scaleb(place)
        negative = match["sign"] == "-"
        value = -magnitude if negative else magnitude
        if rounding is Rounding.HALF_UNIT:
            lo, hi = value - unit / 2, value + unit / 2
        elif rounding is Rounding.TRUNCATED:
            lo, hi = (value - unit, value) if negative else (value, value + unit)
        else:
            lo = hi = value
        factor = Decimal(scale)
        lo, hi = lo * factor, hi * factor
        if factor < 0:
            lo, hi = hi, lo
    try:
        bounds = float(lo), float(hi)
    except OverflowError:
        return NAN, NAN
    if not (np.isfinite(bounds[0]) and np.isfinite(bounds[1])):
        return NAN, NAN
    return bounds


def _bound(pick: Callable[[float, float], float], a: float, b: float) -> float:
    """max or min of two bounds, NaN (no rate) counting as absent."""
    if np.isnan(a):
        return b
    return a if np.isnan(b) else pick(a, b)


def violations(rules: RuleSet, points: Mapping[Key, Point]) -> list[Violation]:
    """Every rule instance that no values inside the intervals can satisfy."""
    crossed = _sign_changed(rules, points)
    found: list[Violation] = []
    for rule in rules.rules:
        found += evaluate(rules, rule, points, crossed)
    found += [Violation(SIGN_CHANGE, frozenset([points[k].row])) for k in crossed]
    return found


def evaluate(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
             crossed: set[Key]) -> list[Violation]:
    """One rule through the oracle's own registry; a kind missing from it is an error, never a
    silent pass."""
    try:
        evaluator = ORACLES[rule.kind]
    except KeyError:
        raise NotImplementedError(
            f"the oracle has no evaluation of rule kind '{rule.kind}'") from None
    return evaluator(rules, rule, points, crossed)


def _is_signed(rules: RuleSet, key: Key) -> bool:
    return any(key[_index(rules, dim)] in codes for dim, codes in rules.figures.signed.items())


def _sign_changed(rules: RuleSet, points: Mapping[Key, Point]) -> set[Key]:
    """Figures of `signed` codes whose rate crosses zero: -100% or below, or the same period a
    year earlier is reported with the other sign."""
    time = rules.figures.time
    result = set()
    for key, p in points.items():
        if not (_is_signed(rules, key) and np.isfinite(p.rate_lo)):
            continue
        if p.rate_lo <= -100:
            result.add(key)
            continue
        if time is None:
            continue
        t = _index(rules, time)
        earlier = shift_period(key[t])
        before = points.get(_with(key, t, earlier)) if earlier else None
        if before is not None and ((p.lo > 0 and before.hi < 0) or (p.hi < 0 and before.lo > 0)):
            result.add(key)
    return result


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


def _identity(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
              crossed: set[Key]) -> list[Violation]:
    options: IdentityOptions = rule.options
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


def _breakdown(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
               crossed: set[Key]) -> list[Violation]:
    options: BreakdownOptions = rule.options
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
        violation = _parts_against_total(rule, total, found, options.complete,
                                         (total.lo + total.hi) / 2)
        if violation is not None:
            result.append(violation)
    return result


def _parts_against_total(rule: Rule, total: Point, parts: list[Point], complete: bool,
                         slack_at: float) -> Violation | None:
    """Parts summed against their total: never more than it, and equal when complete."""
    lo = sum(p.lo for p in parts)
    hi = sum(p.hi for p in parts)
    gap = max(lo - total.hi, 0.0)
    if complete:
        gap = max(gap, total.lo - hi)
    magnitude = sum(abs(p.hi) for p in parts) + abs(total.hi)
    if _fails(gap, rule.tolerance.slack(slack_at), magnitude):
        return Violation(rule.id, frozenset([total.row, *(p.row for p in parts)]))
    return None


def _bounds(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
            crossed: set[Key]) -> list[Violation]:
    options: BoundsOptions = rule.options
    result = []
    for key, point in _scoped(rules, rule, points).items():
        if options.measure == "change" and key in crossed:
            continue  # a rate across zero says nothing
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


def _divide(lo: float, hi: float, d_lo: float, d_hi: float) -> tuple[float, float] | None:
    """[lo, hi] / [d_lo, d_hi]; None when the divisor may be zero."""
    if not (d_lo > 0 or d_hi < 0):
        return None
    quotients = [lo / d_lo, lo / d_hi, hi / d_lo, hi / d_hi]
    return min(quotients), max(quotients)


def _gap(a_lo: float, a_hi: float, b_lo: float, b_hi: float) -> float:
    return max(a_lo - b_hi, b_lo - a_hi, 0.0)


def _share(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
           crossed: set[Key]) -> list[Violation]:
    options: ShareOptions = rule.options
    d = _index(rules, options.dimension)
    parent_of = {kid: parent for parent, kids in rules.dimensions[d].children.items()
                 for kid in kids}
    result = []
    for key, part in _scoped(rules, rule, points).items():
        whole_code = options.of if options.of is not None else parent_of.get(key[d])
        if not np.isfinite(part.share_lo) or whole_code is None:
            continue
        whole = points.get(_with(key, d, whole_code))  # the whole need not be in scope
        if whole is None:
            continue
        quotient = _divide(part.lo, part.hi, whole.lo, whole.hi)
        if quotient is None:
            continue
        gap = _gap(part.share_lo, part.share_hi, 100 * quotient[0], 100 * quotient[1])
        if _fails(gap, rule.tolerance.slack(part.share_hi), abs(part.share_hi)):
            result.append(Violation(rule.id, frozenset([part.row, whole.row])))
    return result


def _ratio(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
           crossed: set[Key]) -> list[Violation]:
    options: RatioOptions = rule.options
    along = _index(rules, options.along)
    members = list(options.members)
    scoped = _scoped(rules, rule, points)
    result = []
    for instance in {_with(k, along, "") for k in scoped if k[along] in members}:
        figures = [scoped.get(_with(instance, along, m)) for m in members]
        if any(f is None for f in figures):
            continue
        numerator, denominator = figures[0], figures[1]
        assert numerator is not None and denominator is not None
        quotient = _divide(numerator.lo, numerator.hi, denominator.lo, denominator.hi)
        if quotient is None:
            continue
        lo, hi = quotient[0] * options.times, quotient[1] * options.times
        magnitude = max(abs(lo), abs(hi))
        gaps = []
        if options.ratio is not None:
            printed = figures[2]
            assert printed is not None
            gaps.append(_gap(printed.lo, printed.hi, lo, hi))
        if options.minimum is not None:
            gaps.append(max(options.minimum - hi, 0.0))
        if options.maximum is not None:
            gaps.append(max(lo - options.maximum, 0.0))
        rows = frozenset(f.row for f in figures if f is not None)
        result += [Violation(rule.id, rows) for gap in gaps
                   if _fails(gap, rule.tolerance.slack(magnitude), magnitude)]
    return result


def _abs_change(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
                crossed: set[Key]) -> list[Violation]:
    options: AbsChangeOptions = rule.options
    time = rules.figures.time
    if time is None:
        return []
    t = _index(rules, time)
    step = shift_period if options.compare == "year" else previous_period
    result = []
    for key, p in _scoped(rules, rule, points).items():
        if not np.isfinite(p.abs_lo):
            continue
        earlier = step(key[t])
        before = points.get(_with(key, t, earlier)) if earlier else None
        if before is not None:
            expected = (p.lo - before.hi, p.hi - before.lo)
            rows = frozenset([p.row, before.row])
            magnitude = abs(p.hi) + abs(before.hi)
        elif (options.compare == "year" and p.rate_lo > -100 and np.isfinite(p.rate_hi)
              and key not in crossed):
            # v - v / (1 + g/100) = v g / (100 + g), monotone in v and in g
            corners = [v * g / (100 + g) for v in (p.lo, p.hi) for g in (p.rate_lo, p.rate_hi)]
            expected = (min(corners), max(corners))
            rows = frozenset([p.row])
            magnitude = abs(p.hi)
        else:
            continue
        gap = _gap(p.abs_lo, p.abs_hi, *expected)
        if _fails(gap, rule.tolerance.slack(p.abs_hi), magnitude):
            result.append(Violation(rule.id, rows))
    return result


YEAR_TO_DATE = re.compile(r"^(\d{4})-(\d{2})-YTD$")
PART_MONTH = re.compile(r"^(\d{4}-\d{2})-(10d|20d)$")


def _period_total(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
                  crossed: set[Key]) -> list[Violation]:
    options: PeriodTotalOptions = rule.options
    time = rules.figures.time
    if time is None:
        return []
    t = _index(rules, time)
    result = []
    for key, total in _scoped(rules, rule, points).items():
        ytd, part_month = YEAR_TO_DATE.match(key[t]), PART_MONTH.match(key[t])
        if options.mode == "ytd" and ytd and 1 <= int(ytd[2]) <= 12:
            months = [f"{ytd[1]}-{m:02d}" for m in range(1, int(ytd[2]) + 1)]
            found = [points[k] for k in (_with(key, t, m) for m in months) if k in points]
            if not found or (options.complete and len(found) < len(months)):
                continue
            violation = _parts_against_total(rule, total, found, options.complete, total.hi)
            if violation is not None:
                result.append(violation)
        elif options.mode == "within_month" and part_month:
            month = part_month[1]
            longer = [f"{month}-20d", month] if part_month[2] == "10d" else [month]
            later = next((points[k] for k in (_with(key, t, c) for c in longer)
                          if k in points), None)
            if later is None:
                continue
            gap = max(total.lo - later.hi, 0.0)
            if _fails(gap, rule.tolerance.slack(later.hi), abs(total.hi) + abs(later.hi)):
                result.append(Violation(rule.id, frozenset([total.row, later.row])))
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


def _implied_prior(rules: RuleSet, rule: Rule, points: Mapping[Key, Point],
                   crossed: set[Key]) -> list[Violation]:
    """The listed rules again on the implied prior values, impossible rates, and the implied
    values against the prior period where it is reported."""
    options: PriorOptions = rule.options
    by_id = {r.id: r for r in rules.rules}
    prior = _implied({k: p for k, p in points.items() if k not in crossed})
    result = [Violation(rule.id, v.rows) for inner in options.rules
              for v in evaluate(rules, by_id[inner], prior, crossed)]
    scoped = _scoped(rules, rule, points)
    for key, p in scoped.items():
        if _is_signed(rules, key):
            continue  # a balance's sign change is a warning (sign-change), not impossible
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


Evaluator = Callable[[RuleSet, Rule, Mapping[Key, Point], set[Key]], list[Violation]]

# The oracle's own registry, one entry per rule kind (keys as in validator.checks.CHECKS);
# a test requires it to cover every kind the engine knows.
ORACLES: dict[str, Evaluator] = {
    "identity": _identity,
    "breakdown": _breakdown,
    "bounds": _bounds,
    "implied_prior": _implied_prior,
    "share": _share,
    "abs_change": _abs_change,
    "period_total": _period_total,
    "ratio": _ratio,
}


def rows_in_violations(found: Iterable[Violation]) -> set[int]:
    return {row for v in found for row in v.rows}
