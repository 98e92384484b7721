"""ratio: one figure divided by another, against a printed ratio or within stated bounds.

    - id: import-cover
      ratio: exports / imports          # two codes of one dimension
      along: flow
      min: 0.5                          # the quotient's bounds (either or both)
      max: 3
    - id: cover-printed
      ratio: cover = exports / imports  # a printed figure that is the quotient
      along: flow
      times: 100                        # the printed figure is in % (cover 163.1)
    - id: unit-value
      ratio: unit_value = value / tonnes   # a unit value; a per-capita figure likewise
      along: measure

For every combination of the other dimensions where the figures are reported, the quotient of
the two intervals (each from its printed digits, in base units after the unit map) is an
interval, times `times` (default 1). A printed ratio fails only when its own printed interval
lies outside that interval by more than the tolerance; bounds fail only when the whole interval
lies outside them by more than the tolerance. The tolerance and the bounds are in the ratio's
units (`times` applied). A denominator whose interval reaches zero leaves the instance not
evaluated; instances with a figure missing are not evaluated and name it.

With bounds, "max: 1.5" on exports 183.6 / imports 112.6 gives "ICT, World, 2020: exports 183.6 /
imports 112.6 = 1.6306 +/- 0.00117, above the maximum 1.5: 0.1294 beyond rounding".

Passes: exports 183.6, imports 112.6, cover printed 163.1 with times 100 (the quotient is 163.06
        +/- 0.117).
Fails:  cover printed 150.0: "ICT, World, 2020: exports 183.6 / imports 112.6 x 100 = 163.06 +/-
        0.117, but cover is reported as 150.0: 12.89 beyond rounding".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from validator.checks.base import (
    Check,
    EvalContext,
    fails,
    interval_gap,
    lookup,
    parse_dimension,
    room,
)
from validator.figures import Display, Figures, format_amount, interval_divide
from validator.model import Evaluation, Finding, ParseContext, Rule, Unevaluated
from validator.relations import Form, Relation, Term, relation
from validator.yamlpos import Path

_CODE = r"(?:[A-Za-z_][\w.]*|'[^']*'|\"[^\"]*\")"
_FORM = re.compile(
    rf"^\s*(?:(?P<ratio>{_CODE})\s*=\s*)?(?P<num>{_CODE})\s*/\s*(?P<den>{_CODE})\s*$")


@dataclass(frozen=True)
class Options:
    along: str
    numerator: str
    denominator: str
    ratio: str | None  # the code of a printed ratio figure, if any
    minimum: float | None
    maximum: float | None
    times: float

    @property
    def members(self) -> tuple[str, ...]:
        codes = (self.numerator, self.denominator)
        return (*codes, self.ratio) if self.ratio is not None else codes


def _unquote(code: str) -> str:
    return code[1:-1] if code[:1] in "'\"" else code


def _number(ctx: ParseContext, raw: dict[str, Any], path: Path, key: str,
            positive: bool = False) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or (positive and number <= 0):
        ctx.error((*path, key), f"'{key}' must be a {'positive ' if positive else ''}number")
        return None
    return number


def parse(raw: dict[str, Any], path: Path, ctx: ParseContext) -> Options | None:
    along = parse_dimension(ctx, raw, path, "along")
    text = raw.get("ratio")
    match = _FORM.match(text) if isinstance(text, str) else None
    if match is None:
        ctx.error((*path, "ratio"), "'ratio' must be a quotient such as 'exports / imports' or "
                  "'cover = exports / imports'")
        return None
    minimum = _number(ctx, raw, path, "min")
    maximum = _number(ctx, raw, path, "max")
    times = _number(ctx, raw, path, "times", positive=True)
    if along is None:
        return None
    ratio = _unquote(match["ratio"]) if match["ratio"] else None
    options = Options(along=along, numerator=_unquote(match["num"]),
                      denominator=_unquote(match["den"]), ratio=ratio, minimum=minimum,
                      maximum=maximum, times=1.0 if times is None else times)
    codes = ctx.dimensions[along].codes
    for code in options.members:
        if code not in codes:
            ctx.error((*path, "ratio"), f"'{code}' is not a code of dimension '{along}'")
    if len(set(options.members)) != len(options.members):
        ctx.error((*path, "ratio"), "a code appears more than once in the ratio")
    if ratio is None and raw.get("min") is None and raw.get("max") is None:
        ctx.error((*path, "ratio"), "a ratio needs a printed figure ('cover = exports / "
                  "imports') or bounds ('min', 'max')")
    if minimum is not None and maximum is not None and minimum > maximum:
        ctx.error((*path, "min"), "'min' is larger than 'max'")
    return options


def evaluate(rule: Rule, figures: Figures, ctx: EvalContext) -> Evaluation:
    options: Options = rule.options
    along = figures.dim_index(options.along)
    members = figures.code_positions(options.along, list(options.members))
    scope = figures.in_scope(rule.where)
    involved = np.flatnonzero(scope & np.isin(figures.codes[:, along], members))
    instances, _ = figures.unique_keys(figures.instance_keys(involved, options.along))

    lookup = figures.along(instances, options.along, members)
    safe = lookup.positions
    present = lookup.usable(figures, scope)
    complete = np.asarray(present.all(axis=0))
    num, den = safe[0], safe[1]
    q_lo, q_hi = interval_divide(figures.lo[num], figures.hi[num], figures.lo[den],
                                 figures.hi[den])
    q_lo, q_hi = q_lo * options.times, q_hi * options.times
    evaluable = complete & np.isfinite(q_lo) & np.isfinite(q_hi)

    def describe(column: int) -> Unevaluated:
        context = figures.context(int(instances[column]), without=options.along)
        if complete[column]:
            return Unevaluated(reason=f"the denominator {options.denominator} may be zero",
                               context=context)
        missing_keys = figures.with_code(instances[column], options.along,
                                         members[~present[:, column]])
        return Unevaluated(reason=figures.missing_reason(missing_keys),
                           missing=tuple(figures.key_codes(int(k)) for k in missing_keys),
                           context=context)

    result = Evaluation(checked=int(evaluable.sum()), touched=safe[:, evaluable].ravel())
    skipped = np.flatnonzero(~evaluable)
    # A ratio checks its printed figure; without one printed, it is not applicable.
    positions = lookup.or_missing()
    checks = positions[2:] if options.ratio is not None else positions
    result.skip_unprinted(skipped, np.any(figures.printed(checks), axis=0)[skipped], describe)

    magnitude = np.nan_to_num(np.maximum(np.abs(q_lo), np.abs(q_hi)))
    slack = rule.tolerance.slack(magnitude)
    if options.ratio is not None:
        printed = safe[2]
        gap = np.nan_to_num(interval_gap(figures.lo[printed], figures.hi[printed], q_lo, q_hi))
        for column in np.flatnonzero(evaluable & fails(gap, slack, magnitude)):
            result.findings.append(_finding(options, figures, safe[:, column],
                                            (float(q_lo[column]), float(q_hi[column])),
                                            float(gap[column]), None))
    for limit, name in ((options.minimum, "minimum"), (options.maximum, "maximum")):
        if limit is None:
            continue
        gap = np.nan_to_num(np.maximum(limit - q_hi, 0.0) if name == "minimum"
                            else np.maximum(q_lo - limit, 0.0))
        for column in np.flatnonzero(evaluable & fails(gap, slack, magnitude)):
            result.findings.append(_finding(options, figures, safe[:, column],
                                            (float(q_lo[column]), float(q_hi[column])),
                                            float(gap[column]), (name, limit)))
    return result


def _ratio_display(figures: Figures, options: Options, rows: np.ndarray,
                   quotient: tuple[float, float]) -> Display:
    """The printed ratio's own decimals; else about five significant digits."""
    if options.ratio is not None:
        display = figures.display([int(rows[2])])
        return Display(unit=display.unit, scale=display.scale, decimals=display.decimals + 1)
    size = max(abs(quotient[0]), abs(quotient[1]))
    digits = 4 - math.floor(math.log10(size)) if size > 0 and math.isfinite(size) else 2
    return Display(unit="", scale=1.0, decimals=max(digits, 0))


def _finding(options: Options, figures: Figures, rows: np.ndarray, quotient: tuple[float, float],
             gap: float, bound: tuple[str, float] | None) -> Finding:
    amounts = figures.display([int(rows[0]), int(rows[1])])
    shown = _ratio_display(figures, options, rows, quotient)
    lead = figures.lead(int(figures.key[rows[0]]), without=options.along)
    factor = format_amount(options.times, 6).rstrip("0").rstrip(".")
    times = "" if options.times == 1 else f" x {factor}"
    computed = (f"{options.numerator} {figures.shown(int(rows[0]), amounts)} / "
                f"{options.denominator} {figures.shown(int(rows[1]), amounts)}{times} = "
                f"{shown.format_interval(*quotient)}")
    roles = [figures.role(int(rows[0]), "numerator"), figures.role(int(rows[1]), "denominator")]
    if bound is None:
        printed = int(rows[2])
        stated = (f"but {options.ratio} is {figures.verb} as "
                  f"{str(figures.value_text[printed]).strip()}")
        reported = (float(figures.lo[printed]), float(figures.hi[printed]))
        roles.insert(0, figures.role(printed, "ratio"))
        expected = quotient
    else:
        name, limit = bound
        stated = f"{'below' if name == 'minimum' else 'above'} the {name} {limit:g}"
        reported = quotient
        expected = (limit, math.inf) if name == "minimum" else (-math.inf, limit)
    message = f"{lead}{computed}, {stated}: {shown.format(gap)} beyond rounding"
    context = figures.context(int(figures.key[rows[0]]), without=options.along)
    return shown.finding(message, tuple(roles), context, expected=expected, reported=reported,
                         gap=gap)


def relations(rule: Rule, figures: Figures, positions: np.ndarray,
              ctx: EvalContext) -> list[Relation]:
    """ratio - times x numerator / denominator = 0 (a printed ratio), or the quotient within
    its bounds, for every evaluated instance one of `positions` takes part in."""
    options: Options = rule.options
    along = figures.dim_index(options.along)
    radix = int(figures.radix[along])
    members = figures.code_positions(options.along, list(options.members))
    mine = positions[np.isin(figures.codes[positions, along], members)]
    instances = np.unique(figures.key[mine] - figures.codes[mine, along] * radix)
    found = lookup(figures, (instances[None, :] + members[:, None] * radix).ravel(),
                   rule.where).reshape(len(members), len(instances))
    result = []
    for column in np.flatnonzero((found >= 0).all(axis=0)):
        num, den = (int(r) for r in found[:2, column])
        if figures.lo[den] <= 0 <= figures.hi[den]:
            continue  # the denominator may be zero: not evaluated
        q_lo, q_hi = interval_divide(figures.lo[num:num + 1], figures.hi[num:num + 1],
                                     figures.lo[den:den + 1], figures.hi[den:den + 1])
        magnitude = options.times * max(abs(float(q_lo[0])), abs(float(q_hi[0])))
        slack = room(rule.tolerance.slack(magnitude), magnitude)
        context = figures.context(int(instances[column]), without=options.along)
        if options.ratio is not None:
            result.append(relation([Term(1.0, int(found[2, column])),
                                    Term(-options.times, num, Form.RATIO, whole=den)],
                                   0.0, 0.0, slack, context))
        if options.minimum is not None or options.maximum is not None:
            result.append(relation(
                [Term(options.times, num, Form.RATIO, whole=den)],
                -math.inf if options.minimum is None else options.minimum,
                math.inf if options.maximum is None else options.maximum, slack, context))
    return result


CHECK = Check(
    headline="A ratio of two figures is not what it should be",
    keys=("along", "min", "max", "times"), parse=parse, evaluate=evaluate,
    relations=relations,
    varies=lambda rule, rules: frozenset({rule.options.along}))
