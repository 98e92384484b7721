"""implied_prior: the prior-period values implied by the % changes must reconcile too.

    - id: prior-year
      implied_prior: [balance, products-within-total, partners-within-total]

A figure v printed with a change g implies a prior-period value v / (1 + g/100); both are
intervals, so the implied value is an interval too (interval division). The rules listed are
evaluated again on those implied values (an instance needs every figure it involves to have a
rate), and where the table also reports the prior period itself (2019 next to 2020), the implied
value must match it. A rate of -100% or below, on a figure that is not zero, implies no prior
value at all and is reported.

Passes: exports 183.6 (+3.8%) and chips 100.3 (+5.4%): implied 2019 values 176.9 and 95.2 keep the
        part within the total.
Fails:  the table reports 2019 exports as 170.0 although 183.6 up 3.8% implies 176.9 +/- 0.13.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from validator.checks.base import Check, EvalContext, fails, interval_gap
from validator.figures import Figures
from validator.model import Evaluation, Finding, ParseContext, Rule, Unevaluated
from validator.periods import shift_period
from validator.signs import sign_changed
from validator.yamlpos import Path

PRIOR_PREFIX = "on the prior-period values implied by the % changes, "


@dataclass(frozen=True)
class Options:
    rules: tuple[str, ...]


def parse(raw: dict[str, Any], path: Path, ctx: ParseContext) -> Options | None:
    listed = raw.get("implied_prior")
    where = (*path, "implied_prior")
    if listed is None:
        listed = []
    if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
        ctx.error(where, "'implied_prior' must be a list of rule ids")
        return None
    for i, rule_id in enumerate(listed):
        kind = ctx.rule_kinds.get(rule_id)
        if kind is None:
            ctx.error((*where, i), f"no rule with id '{rule_id}'")
        elif kind == "implied_prior":
            ctx.error((*where, i), f"rule '{rule_id}' is itself an implied_prior rule")
    return Options(rules=tuple(listed))


def evaluate(rule: Rule, figures: Figures, ctx: EvalContext) -> Evaluation:
    options: Options = rule.options
    # A balance whose sign changed has a meaningless rate (the `sign-change` warning says so).
    prior = figures.implied_prior()
    prior = replace(prior, available=prior.available & ~sign_changed(figures))
    result = Evaluation()
    for rule_id in options.rules:
        inner = ctx.run(rule_id, prior)
        result.checked += inner.checked
        result.touched = np.concatenate([result.touched, inner.touched])
        result.findings.extend(
            replace(f, message=f"[{rule_id}] {PRIOR_PREFIX}{f.message}") for f in inner.findings
        )
        result.skip(range(len(inner.unevaluated)), inner.not_evaluated,
                    _prefixed(inner.unevaluated, rule_id))
    scope = figures.in_scope(rule.where)
    result.extend(_impossible_rates(figures, scope))
    result.extend(_against_reported(rule, figures, prior, scope))
    return result


def _prefixed(unevaluated: list[Unevaluated], rule_id: str) -> Callable[[int], Unevaluated]:
    """Describes instance i of an inner rule, its reason prefixed with the rule's id."""
    def describe(i: int) -> Unevaluated:
        return replace(unevaluated[i], reason=f"[{rule_id}] {unevaluated[i].reason}")
    return describe


def _impossible_rates(figures: Figures, scope: np.ndarray) -> Evaluation:
    with_rate = scope & figures.available & np.isfinite(figures.rate_lo)
    with_rate &= ~figures.is_signed()  # balances: sign changes are warnings, not impossible
    nonzero = (figures.lo > 0) | (figures.hi < 0)
    impossible = with_rate & nonzero & (figures.rate_hi <= -100)
    result = Evaluation(checked=int(with_rate.sum()), touched=np.flatnonzero(with_rate))
    for position in np.flatnonzero(impossible):
        display = figures.display([int(position)])
        lead = figures.lead(int(figures.key[position]))
        result.findings.append(Finding(
            message=(f"{lead}a change of {figures.rate_text(int(position))}% on "
                     f"{figures.shown(int(position), display)} implies no possible prior value "
                     "(a fall of 100% or more leaves nothing)"),
            figures=(figures.role(int(position), "figure"),),
            context=figures.context(int(figures.key[position])),
            unit="%",
        ))
    return result


def _against_reported(rule: Rule, figures: Figures, prior: Figures,
                      scope: np.ndarray) -> Evaluation:
    """Implied prior values against the prior period where the table reports it."""
    time = figures.spec.time
    if time is None:
        return Evaluation()
    t = figures.dim_index(time)
    dimension = figures.dimensions[t]
    shifted = figures.code_positions(time, [shift_period(c) or "" for c in dimension.codes])
    radix = int(figures.radix[t])
    current = figures.codes[:, t]
    prior_code = shifted[current]
    candidates = np.flatnonzero(scope & prior.available & (prior_code >= 0))
    prior_keys = figures.key[candidates] + (prior_code[candidates] - current[candidates]) * radix
    reported = figures.positions(prior_keys)
    found = reported >= 0
    found[found] &= figures.available[reported[found]]
    pairs = candidates[found]
    reported = reported[found]
    gap = interval_gap(prior.lo[pairs], prior.hi[pairs], figures.lo[reported],
                       figures.hi[reported])
    slack = rule.tolerance.slack(figures.hi[reported])
    failing = fails(gap, slack, np.abs(figures.hi[reported]))
    result = Evaluation(checked=len(pairs), touched=np.concatenate([pairs, reported]))
    for i in np.flatnonzero(failing):
        now, then = int(pairs[i]), int(reported[i])
        display = figures.display([then, now])
        lead = figures.lead(int(figures.key[now]), without=time)
        implied = display.format_interval(float(prior.lo[now]), float(prior.hi[now]))
        message = (
            f"{lead}{figures.code_of(now, time)} is {figures.shown(now, display)} "
            f"({figures.rate_text(now)}%), which implies {figures.code_of(then, time)} = "
            f"{implied}, but {figures.code_of(then, time)} is reported as "
            f"{figures.shown(then, display)}: {display.format(float(gap[i]))} beyond rounding"
        )
        result.findings.append(display.finding(
            message,
            (figures.role(now, "figure"), figures.role(then, "prior")),
            figures.context(int(figures.key[now]), without=time),
            expected=(float(prior.lo[now]), float(prior.hi[now])),
            reported=(float(figures.lo[then]), float(figures.hi[then])),
            gap=float(gap[i]),
        ))
    return result


CHECK = Check(
    headline="The growth rates imply prior-year figures that do not add up",
    keys=(), parse=parse, evaluate=evaluate, reads=lambda options: ("change",))
