"""bounds: each figure (or its % change) within a minimum and/or a maximum.

    - id: non-negative
      bounds: {min: 0}
      where: {flow: [exports, imports]}

    - id: plausible-growth
      bounds: {min: -100, max: 500, measure: change}   # % changes, not values
      severity: warning

Limits on values are in base units unless `unit` names a declared unit
(`bounds: {max: 1000, unit: USD bn}`). A figure fails only when its whole printed interval lies
outside the limits by more than the tolerance.

Passes: exports 0.0 with min 0 (the interval -0.05..0.05 reaches 0).
Fails:  exports -3.2 with min 0: "exports, ICT, World, 2020 is reported as -3.2, below the
        minimum 0: 3.2 beyond rounding".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from validator.checks.base import Check, EvalContext, fails, room, scope_at, signs_over_time
from validator.figures import Display, Figures, format_amount
from validator.model import Evaluation, Finding, ParseContext, Rule
from validator.relations import Quantity, Relation, Term, relation
from validator.signs import sign_changed
from validator.yamlpos import Path

MEASURES = ("value", "change")


@dataclass(frozen=True)
class Options:
    minimum: float | None
    maximum: float | None
    measure: str


def parse(raw: dict[str, Any], path: Path, ctx: ParseContext) -> Options | None:
    spec = raw.get("bounds")
    where = (*path, "bounds")
    if not isinstance(spec, dict):
        ctx.error(where, "'bounds' must be a mapping such as {min: 0} or {min: 0, max: 100}")
        return None
    ctx.unknown_keys(spec, where, ("min", "max", "unit", "measure"), "'bounds'")
    measure = spec.get("measure", "value")
    if measure not in MEASURES:
        ctx.error((*where, "measure"), "'measure' must be 'value' or 'change'")
        return None
    scale = 1.0
    if spec.get("unit") is not None:
        if spec["unit"] not in ctx.units:
            ctx.error((*where, "unit"), f"unknown unit '{spec['unit']}'")
            return None
        scale = ctx.units[spec["unit"]]
    limits: dict[str, float | None] = {}
    for key in ("min", "max"):
        if spec.get(key) is None:
            limits[key] = None
            continue
        try:
            limits[key] = float(spec[key]) * scale
        except (TypeError, ValueError):
            limits[key] = float("nan")
        if not np.isfinite(limits[key] or 0.0):
            # NaN would make the rule pass silently; inf is no limit anyone means.
            ctx.error((*where, key), f"'{key}' must be a finite number")
            return None
    if limits["min"] is None and limits["max"] is None:
        ctx.error(where, "'bounds' needs 'min', 'max' or both")
        return None
    return Options(minimum=limits["min"], maximum=limits["max"], measure=measure)


def evaluate(rule: Rule, figures: Figures, ctx: EvalContext) -> Evaluation:
    options: Options = rule.options
    scope = figures.in_scope(rule.where)
    if options.measure == "change":
        lo, hi = figures.rate_lo, figures.rate_hi
        has = figures.available & np.isfinite(lo) & ~sign_changed(figures)
    else:
        lo, hi, has = figures.lo, figures.hi, figures.available
    gap = np.zeros(len(lo))
    if options.minimum is not None:
        gap = np.maximum(gap, options.minimum - hi)
    if options.maximum is not None:
        gap = np.maximum(gap, lo - options.maximum)
    gap = np.nan_to_num(gap)
    magnitude = np.nan_to_num(np.maximum(np.abs(lo), np.abs(hi)))
    failing = scope & has & fails(gap, rule.tolerance.slack(magnitude), magnitude)
    result = Evaluation(checked=int((scope & has).sum()), touched=np.flatnonzero(scope & has))
    if options.measure == "value" and not (scope & has).any() and (scope & ~has).any():
        result.idle = "no figure in scope has a usable value"
    for position in np.flatnonzero(failing):
        result.findings.append(_finding(options, figures, int(position), float(gap[position]),
                                        float(lo[position]), float(hi[position])))
    return result


def _finding(options: Options, figures: Figures, position: int, gap: float, lo: float,
             hi: float) -> Finding:
    named = ", ".join(figures.context(int(figures.key[position])).values())
    if options.measure == "change":
        display = Display(unit="%", scale=1.0, decimals=2)
        shown = f"a change of {figures.rate_text(position)}%"
    else:
        display = figures.display([position])
        shown = figures.shown(position, display)
    if options.minimum is not None and hi < options.minimum:
        limit, side = options.minimum, "below the minimum"
    else:
        limit, side = options.maximum or 0.0, "above the maximum"
    message = (f"{named} is reported as {shown}, {side} "
               f"{format_amount(limit / display.scale, 6).rstrip('0').rstrip('.')}: "
               f"{display.format(gap)} beyond rounding")
    limits = (-np.inf if options.minimum is None else options.minimum,
              np.inf if options.maximum is None else options.maximum)
    return display.finding(message, (figures.role(position, "figure"),),
                           figures.context(int(figures.key[position])),
                           expected=limits, reported=(lo, hi), gap=gap)


def relations(rule: Rule, figures: Figures, positions: np.ndarray,
              ctx: EvalContext) -> list[Relation]:
    """min <= the figure (or its % change) <= max, for each of `positions` the rule checks."""
    options: Options = rule.options
    if options.measure == "change":
        lo, hi, quantity = figures.rate_lo, figures.rate_hi, Quantity.CHANGE
        has = figures.available[positions] & np.isfinite(lo[positions])
        if has.any():
            has &= ~sign_changed(figures)[positions]
    else:
        lo, hi, quantity = figures.lo, figures.hi, Quantity.VALUE
        has = figures.available[positions]
    checked = positions[has & scope_at(figures, rule.where, positions)]
    minimum = -np.inf if options.minimum is None else options.minimum
    maximum = np.inf if options.maximum is None else options.maximum
    result = []
    for position in checked:
        magnitude = max(abs(lo[position]), abs(hi[position]))
        result.append(relation([Term(1.0, int(position), quantity=quantity)], minimum, maximum,
                               room(rule.tolerance.slack(magnitude), magnitude),
                               figures.context(int(figures.key[position]))))
    return result


def reads(options: Options) -> tuple[str, ...]:
    return ("change",) if options.measure == "change" else ()


CHECK = Check(
    headline="A figure is outside its allowed range",
    keys=(), parse=parse, evaluate=evaluate, reads=reads,
    relations=relations,
    varies=lambda rule, rules: signs_over_time(rules))
