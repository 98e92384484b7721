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

from validator.checks.base import (
    Check,
    EvalContext,
    fails,
    interval_gap,
    lookup,
    over_time,
    room,
    scope_at,
    signs_over_time,
)
from validator.figures import Figures
from validator.model import Evaluation, Finding, ParseContext, Rule, RuleSet, Unevaluated
from validator.periods import shift_period
from validator.relations import Form, Quantity, Relation, Term, relation
from validator.signs import sign_changed
from validator.suggest import did_you_mean
from validator.yamlpos import Path

PRIOR_PREFIX = "on the prior-period values implied by the % changes, "


@dataclass(frozen=True)
class Options:
    rules: tuple[str, ...]
    # Also check the rates above -100% and the implied values against the reported prior
    # period (False in the pieces `split` makes of the rule for the listed rules).
    own: bool = True


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
            ctx.error((*where, i), f"no rule with id '{rule_id}'"
                      f"{did_you_mean(rule_id, ctx.rule_kinds)}")
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
        result.not_applicable += inner.not_applicable
        result.touched = np.concatenate([result.touched, inner.touched])
        result.findings.extend(
            replace(f, message=f"[{rule_id}] {PRIOR_PREFIX}{f.message}") for f in inner.findings
        )
        result.skip(range(len(inner.unevaluated)), inner.not_evaluated,
                    _prefixed(inner.unevaluated, rule_id))
    if options.own:
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
    prior_code = shifted[figures.codes[:, t]]
    candidates = np.flatnonzero(scope & prior.available & (prior_code >= 0))
    lookup = figures.under(candidates, time, prior_code[candidates])
    found = lookup.usable(figures)
    pairs = candidates[found]
    reported = lookup.positions[found]
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


def _on_prior(term: Term) -> Term:
    """A value of the prior-period view is the prior value its rate implies."""
    if term.form is Form.PLAIN and term.quantity is Quantity.VALUE:
        return Term(term.coefficient, term.position, Form.PRIOR)
    return term


def _prior_view(figures: Figures) -> Figures:
    prior = figures.implied_prior()
    return replace(prior, available=prior.available & ~sign_changed(figures))


def relations(rule: Rule, figures: Figures, positions: np.ndarray,
              ctx: EvalContext) -> list[Relation]:
    """The listed rules on v / (1 + g/100); rates above -100%; implied against reported."""
    options: Options = rule.options
    # Localisation asks for a few figures at a time; the view costs a pass over all of them.
    prior: Figures = ctx.memo(("implied prior view", id(figures)), lambda: _prior_view(figures))
    result = []
    for rule_id in options.rules:
        for inner in ctx.relations(rule_id, prior, positions):
            result.append(Relation(tuple(_on_prior(t) for t in inner.terms), inner.lower,
                                   inner.upper, inner.context))
    if not options.own:
        return result
    in_scope = scope_at(figures, rule.where, positions)
    with_rate = (in_scope & figures.available[positions] & np.isfinite(figures.rate_lo[positions])
                 & ~figures.is_signed()[positions])
    for position in positions[with_rate]:
        result.append(relation([Term(1.0, int(position), quantity=Quantity.CHANGE)],
                               np.nextafter(-100.0, 0.0), np.inf, 0.0,
                               figures.context(int(figures.key[position]))))
    time = figures.spec.time
    if time is None:
        return result
    t = figures.dim_index(time)
    codes = figures.dimensions[t].codes
    radix = int(figures.radix[t])
    own = figures.codes[positions, t]
    pairs = []
    for step in (-1, 1):  # a position as the current figure, or as the prior one
        other = figures.code_positions(time, [shift_period(c, step) or "" for c in codes])[own]
        keys = figures.key[positions] + (other - own) * radix
        found = np.where(other >= 0, figures.positions(keys), -1)
        for position, match in zip(positions, found, strict=True):
            if match >= 0:
                pairs.append((int(position), int(match)) if step < 0 else (int(match),
                                                                          int(position)))
    for now, then in sorted(set(pairs)):
        ok = (prior.available[now] and figures.available[then]
              and lookup(figures, figures.key[[now]], rule.where)[0] >= 0)
        if not ok:
            continue
        magnitude = abs(figures.hi[then])
        result.append(relation(
            [Term(1.0, now, Form.PRIOR), Term(-1.0, then)], 0.0, 0.0,
            room(rule.tolerance.slack(figures.hi[then]), magnitude),
            figures.context(int(figures.key[now]), without=time)))
    return result


def varies(rule: Rule, rules: RuleSet) -> frozenset[str]:
    """The listed rules' dimensions, and time for the prior period and for sign changes."""
    from validator.checks import CHECKS  # the registry imports this module

    options: Options = rule.options
    by_id = {r.id: r for r in rules.rules}
    listed = [CHECKS[by_id[i].kind].varies(by_id[i], rules) for i in options.rules]
    own = over_time(rules) if options.own else frozenset()
    return frozenset().union(own, signs_over_time(rules), *listed)


def split(rule: Rule) -> tuple[Rule, ...]:
    """A piece per listed rule, and one for the rates and the reported prior period."""
    options: Options = rule.options
    return (*(replace(rule, options=Options(rules=(i,), own=False)) for i in options.rules),
            replace(rule, options=Options(rules=(), own=True)))


CHECK = Check(
    headline="The growth rates imply prior-year figures that do not add up",
    keys=(), parse=parse, evaluate=evaluate, reads=lambda options: ("change",),
    relations=relations, varies=varies, split=split)
