"""abs_change: printed changes in amount ("$10.0 billion more", "down 1.3") against the values.

    figures: {abs_change: change_amt, ...}   # in the value's unit; negative for a fall

    - id: changes-in-amount
      abs_change: year             # on the same period a year earlier (default)
    - id: month-on-month
      abs_change: previous         # on the period before: 2020-12 -> 2020-11, 2020Q1 -> 2019Q4

Also written `abs_change: {compare: previous}`. Where the comparison period is reported in the
table the change must match v - v_prior; otherwise, with `year` only (the % change column is on
the same period a year earlier), it must match v - v / (1 + g/100) from the rate. Every operand is
an interval from its printed digits. Rates on balances whose sign changed (see `figures.signed`)
are not used. An instance with neither the comparison figure nor a rate is not evaluated.

Passes: imports 252.3 in 2020-11, 245.0 in 2020-10, change printed 7.2 (7.3 +/- 0.1).
Fails:  change printed 17.2: "imports, World: 2020-11 is 252.3 and 2020-10 is 245.0, a change of
        7.3 +/- 0.1, but the change is printed as 17.2: 9.8 beyond rounding".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from validator.checks.base import (
    Check,
    EvalContext,
    fails,
    interval_gap,
    over_time,
    room,
    scope_at,
    signs_over_time,
)
from validator.figures import Figures
from validator.model import Evaluation, Finding, ParseContext, Rule, Unevaluated
from validator.periods import previous_period, shift_period
from validator.relations import Form, Quantity, Relation, Term, relation
from validator.signs import sign_changed
from validator.yamlpos import Path

COMPARES = ("year", "previous")


@dataclass(frozen=True)
class Options:
    compare: str


def parse(raw: dict[str, Any], path: Path, ctx: ParseContext) -> Options | None:
    spec = raw.get("abs_change")
    where: Path = (*path, "abs_change")
    if isinstance(spec, dict):
        ctx.unknown_keys(spec, where, ("compare",), "'abs_change'")
        where, spec = (*where, "compare"), spec.get("compare", "year")
    if spec is None:
        spec = "year"
    if spec not in COMPARES:
        ctx.error(where, f"'compare' must be one of: {', '.join(COMPARES)} (got '{spec}')")
        return None
    if not any(d.is_time for d in ctx.dimensions.values()):
        ctx.error((*path, "abs_change"), "'abs_change' needs a time dimension: declare "
                  "'figures.time'")
        return None
    return Options(compare=spec)


def rate_change(lo: np.ndarray, hi: np.ndarray, g_lo: np.ndarray,
                g_hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """v - v / (1 + g/100) = v * g / (100 + g): monotone in v and in g, so the corners bound it."""
    with np.errstate(divide="ignore", invalid="ignore"):
        corners = np.stack([v * g / (100 + g) for v in (lo, hi) for g in (g_lo, g_hi)])
        c_lo, c_hi = corners.min(axis=0), corners.max(axis=0)
    undefined = ~(g_lo > -100)
    c_lo[undefined] = np.nan
    c_hi[undefined] = np.nan
    return c_lo, c_hi


def evaluate(rule: Rule, figures: Figures, ctx: EvalContext) -> Evaluation:
    options: Options = rule.options
    if figures.abs_lo is None or figures.abs_hi is None:
        return Evaluation()
    t = next(i for i, d in enumerate(figures.dimensions) if d.is_time)
    time = figures.dimensions[t].name
    step = shift_period if options.compare == "year" else previous_period
    earlier = figures.code_positions(time, [step(c) or "" for c in figures.dimensions[t].codes])
    own = figures.codes[:, t]
    rows = np.flatnonzero(figures.in_scope(rule.where) & figures.available
                          & np.isfinite(figures.abs_lo))
    prior_code = earlier[own[rows]]
    prior_keys = figures.with_code(figures.key[rows], time, prior_code)
    lookup = figures.find(prior_keys)
    safe = lookup.positions
    reported = lookup.usable(figures)
    lo, hi = figures.lo[rows], figures.hi[rows]
    expected_lo = np.where(reported, lo - figures.hi[safe], np.nan)
    expected_hi = np.where(reported, hi - figures.lo[safe], np.nan)
    if options.compare == "year":
        r_lo, r_hi = rate_change(lo, hi, figures.rate_lo[rows], figures.rate_hi[rows])
        by_rate = ~reported & np.isfinite(r_lo) & ~sign_changed(figures)[rows]
        expected_lo = np.where(by_rate, r_lo, expected_lo)
        expected_hi = np.where(by_rate, r_hi, expected_hi)
    evaluable = np.isfinite(expected_lo) & np.isfinite(expected_hi)

    result = Evaluation(checked=int(evaluable.sum()), touched=np.concatenate(
        [rows[evaluable], safe[evaluable & reported]]))

    def describe(i: int) -> Unevaluated:
        missing = (figures.key_codes(int(prior_keys[i])),) if prior_code[i] >= 0 else ()
        return Unevaluated(
            reason=("neither the comparison period nor a usable % change is reported for a "
                    "change in amount"),
            missing=missing,
            context=figures.context(int(figures.key[rows[i]])),
        )

    unevaluable = np.flatnonzero(~evaluable)
    result.skip(unevaluable, len(unevaluable), describe)
    a_lo, a_hi = figures.abs_lo[rows], figures.abs_hi[rows]
    gap = np.nan_to_num(interval_gap(a_lo, a_hi, expected_lo, expected_hi))
    # Only a reported comparison figure counts: `safe` points at figure 0 otherwise, whose
    # value may be missing (NaN would make every comparison pass).
    magnitude = np.abs(hi) + np.where(reported, np.abs(figures.hi[safe]), 0.0)
    failing = evaluable & fails(gap, rule.tolerance.slack(a_hi), magnitude)
    for i in np.flatnonzero(failing):
        result.findings.append(_finding(
            figures, time, int(rows[i]), int(safe[i]) if reported[i] else None,
            (float(expected_lo[i]), float(expected_hi[i])), float(gap[i]),
        ))
    return result


def _finding(figures: Figures, time: str, now: int, then: int | None,
             expected: tuple[float, float], gap: float) -> Finding:
    assert figures.abs_text is not None and figures.abs_lo is not None
    assert figures.abs_hi is not None
    display = figures.display([now] if then is None else [now, then])
    where = ", ".join(figures.context(int(figures.key[now]), without=time).values())
    stated = f"{figures.code_of(now, time)} is {figures.shown(now, display)}"
    if then is None:
        stated += f" ({figures.rate_text(now)}%), which implies"
    else:
        stated += f" and {figures.code_of(then, time)} is {figures.shown(then, display)},"
    message = (
        f"{where}: {stated} a change of {display.format_interval(*expected)}, but the change "
        f"is printed as {str(figures.abs_text[now]).strip()}: {display.format(gap)} beyond "
        "rounding"
    )
    roles = [figures.role(now, "figure")]
    if then is not None:
        roles.append(figures.role(then, "comparison"))
    return display.finding(
        message, tuple(roles), figures.context(int(figures.key[now])),
        expected=expected,
        reported=(float(figures.abs_lo[now]), float(figures.abs_hi[now])),
        gap=gap,
    )


def relations(rule: Rule, figures: Figures, positions: np.ndarray,
              ctx: EvalContext) -> list[Relation]:
    """change - (v - v_earlier) = 0, or change - v g / (100 + g) = 0 by the rate, for every
    evaluated change of `positions`, as the figure or as its comparison."""
    options: Options = rule.options
    if figures.abs_lo is None or figures.abs_hi is None:
        return []
    t = next(i for i, d in enumerate(figures.dimensions) if d.is_time)
    codes = figures.dimensions[t].codes
    at = figures.dimensions[t].position
    radix = int(figures.radix[t])
    step = shift_period if options.compare == "year" else previous_period
    earlier = {c: step(c) for c in codes}
    later = {e: c for c, e in earlier.items() if e is not None}
    nows = set()
    for position in positions:
        name = codes[int(figures.codes[position, t])]
        key = int(figures.key[position])
        nows.add(key)
        if name in later:
            nows.add(key + (at[later[name]] - at[name]) * radix)
    changed = sign_changed(figures) if figures.signed is not None else None
    result = []
    for key in sorted(nows):
        now = int(figures.positions(np.array([key]))[0])
        if now < 0 or not figures.available[now] or not np.isfinite(figures.abs_lo[now]):
            continue
        if not scope_at(figures, rule.where, np.array([now]))[0]:
            continue
        code = int(figures.codes[now, t])
        prior_name = earlier[codes[code]]
        then = -1
        if prior_name is not None and prior_name in at:
            then = int(figures.positions(np.array([key + (at[prior_name] - code) * radix]))[0])
        a_hi = float(figures.abs_hi[now])
        context = figures.context(key)
        if then >= 0 and figures.available[then]:
            magnitude = abs(figures.hi[now]) + abs(figures.hi[then])
            terms = [Term(1.0, now, quantity=Quantity.ABS), Term(-1.0, now), Term(1.0, then)]
        elif (options.compare == "year" and np.isfinite(figures.rate_lo[now])
              and figures.rate_lo[now] > -100 and (changed is None or not changed[now])):
            magnitude = abs(figures.hi[now])
            terms = [Term(1.0, now, quantity=Quantity.ABS), Term(-1.0, now, Form.RATE_AMOUNT)]
        else:
            continue
        result.append(relation(terms, 0.0, 0.0, room(rule.tolerance.slack(a_hi), magnitude),
                               context))
    return result


CHECK = Check(
    headline="A change in amount does not match the figures",
    keys=(), parse=parse, evaluate=evaluate, reads=lambda options: ("abs_change",),
    relations=relations,
    varies=lambda rule, rules: over_time(rules) | signs_over_time(rules))
