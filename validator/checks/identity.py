"""identity: a linear equation between members of one dimension.

    - id: balance
      identity: balance = exports - imports
      along: flow

The equation is checked for every combination of the other dimensions where all its members are
reported (instances where only some are reported are counted as not evaluated, naming the missing
figures). Terms take coefficients (`total = 2 * half`, `0.5 * a + b = c`); a code that is not a
plain name can be quoted (`'EU-27' = ...`). Each side becomes an interval from the printed
precision of its figures; the rule fails only when the two intervals are further apart than the
rule's tolerance.

Passes: exports 183.6, imports 112.6, balance 71.0: 183.6 - 112.6 = 71.0 +/- 0.1 meets 70.95..71.05.
Fails:  balance 17.0: "exports 183.6 - imports 112.6 = 71.0 +/- 0.1, but balance is reported as
        17.0: 53.9 beyond rounding".
"""

from __future__ import annotations

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
from validator.figures import Display, Figures, format_amount
from validator.limits import MAX_SCALE
from validator.model import Evaluation, Finding, ParseContext, Rule, Unevaluated
from validator.relations import Relation
from validator.relations import Term as RelationTerm
from validator.relations import relation as make_relation
from validator.suggest import did_you_mean
from validator.yamlpos import Path

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d*)?|\.\d+)|(?P<name>[A-Za-z_][\w.]*)|'(?P<q1>[^']*)'"
    r"|\"(?P<q2>[^\"]*)\"|(?P<op>[-+*=]))"
)


@dataclass(frozen=True)
class Term:
    coefficient: float
    code: str


@dataclass(frozen=True)
class Options:
    along: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right


def parse_equation(text: str) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """`a = b - 2 * c` -> ((1, a),), ((1, b), (-2, c)); ValueError with the reason otherwise."""
    sides: list[list[Term]] = [[]]
    position = 0
    sign, coefficient, expect_term = 1.0, None, True
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"cannot read '{text[position:].strip()}'")
        position = match.end()
        op, number = match.group("op"), match.group("number")
        name = match.group("name") or match.group("q1") or match.group("q2")
        if op in {"+", "-"} and coefficient is None:
            sign *= -1.0 if op == "-" else 1.0
            expect_term = True
        elif op == "=" and not expect_term and len(sides) == 1:
            sides.append([])
            sign, expect_term = 1.0, True
        elif number is not None and coefficient is None and expect_term:
            coefficient = float(number)
            # Past MAX_SCALE, coefficient x figure could overflow into inf and NaN, and pass.
            if not abs(coefficient) <= MAX_SCALE:
                raise ValueError(f"coefficient {number} is larger than {MAX_SCALE:g}")
            follow = _TOKEN.match(text, position)
            if follow and follow.group("op") == "*":
                position = follow.end()
        elif name is not None and expect_term:
            sides[-1].append(Term(sign * (coefficient if coefficient is not None else 1.0), name))
            sign, coefficient, expect_term = 1.0, None, False
        else:
            raise ValueError(f"unexpected '{match.group(0).strip()}'")
    if len(sides) != 2 or expect_term or not sides[0] or not sides[1]:
        raise ValueError("expected an equation such as 'balance = exports - imports'")
    return tuple(sides[0]), tuple(sides[1])


def parse(raw: dict[str, Any], path: Path, ctx: ParseContext) -> Options | None:
    along = parse_dimension(ctx, raw, path, "along")
    text = raw.get("identity")
    if not isinstance(text, str):
        ctx.error((*path, "identity"), "'identity' must be an equation such as "
                  "'balance = exports - imports'")
        return None
    try:
        left, right = parse_equation(text)
    except ValueError as exc:
        ctx.error((*path, "identity"), f"cannot read the identity: {exc}")
        return None
    if along is None:
        return None
    codes = ctx.dimensions[along].codes
    for term in left + right:
        if term.code not in codes:
            ctx.error((*path, "identity"), f"'{term.code}' is not a code of dimension '{along}'"
                      f"{did_you_mean(term.code, codes)}")
    names = [t.code for t in left + right]
    if len(set(names)) != len(names):
        ctx.error((*path, "identity"), "a code appears more than once in the identity")
    return Options(along=along, left=left, right=right)


def side_interval(
    terms: tuple[Term, ...], lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum of coefficient x interval over terms; lo/hi are (terms, instances)."""
    coefficients = np.array([t.coefficient for t in terms])[:, None]
    side_lo = np.where(coefficients > 0, coefficients * lo, coefficients * hi).sum(axis=0)
    side_hi = np.where(coefficients > 0, coefficients * hi, coefficients * lo).sum(axis=0)
    magnitude = (np.abs(coefficients) * np.maximum(np.abs(lo), np.abs(hi))).sum(axis=0)
    return side_lo, side_hi, magnitude


def evaluate(rule: Rule, figures: Figures, ctx: EvalContext) -> Evaluation:
    options: Options = rule.options
    along = figures.dim_index(options.along)
    members = figures.code_positions(options.along, [t.code for t in options.terms])
    scope = figures.in_scope(rule.where)
    involved = np.flatnonzero(scope & np.isin(figures.codes[:, along], members))
    instances, _ = figures.unique_keys(figures.instance_keys(involved, options.along))

    lookup = figures.along(instances, options.along, members)
    safe = lookup.positions
    present = lookup.usable(figures, scope)
    complete = present.all(axis=0)

    def describe(column: int) -> Unevaluated:
        missing_keys = figures.with_code(instances[column], options.along,
                                         members[~present[:, column]])
        return Unevaluated(
            reason=figures.missing_reason(missing_keys),
            missing=tuple(figures.key_codes(int(k)) for k in missing_keys),
            context=figures.context(int(instances[column]), without=options.along),
        )

    result = Evaluation(checked=int(complete.sum()), touched=safe[:, complete].ravel())
    incomplete = np.flatnonzero(~complete)
    # The left side is what the identity checks (the balance); without it, nothing to check.
    checks_printed = np.any(figures.printed(lookup.or_missing()[:len(options.left)]), axis=0)
    result.skip_unprinted(incomplete, checks_printed[incomplete], describe)

    rows = safe[:, complete]
    lo, hi = figures.lo[rows], figures.hi[rows]
    n_left = len(options.left)
    left_lo, left_hi, left_mag = side_interval(options.left, lo[:n_left], hi[:n_left])
    right_lo, right_hi, right_mag = side_interval(options.right, lo[n_left:], hi[n_left:])
    gap = interval_gap(left_lo, left_hi, right_lo, right_hi)
    slack = rule.tolerance.slack((right_lo + right_hi) / 2)
    failing = fails(gap, slack, left_mag + right_mag)
    for column in np.flatnonzero(failing):
        result.findings.append(_finding(
            options, figures, rows[:, column],
            (float(left_lo[column]), float(left_hi[column])),
            (float(right_lo[column]), float(right_hi[column])),
            float(gap[column]),
        ))
    return result


def expression(terms: tuple[Term, ...], rows: np.ndarray, figures: Figures,
               display: Display) -> str:
    parts = []
    for i, (term, row) in enumerate(zip(terms, rows, strict=True)):
        size = abs(term.coefficient)
        factor = "" if size == 1 else f"{format_amount(size, 6).rstrip('0').rstrip('.')} x "
        sign = ("- " if term.coefficient < 0 else "+ ") if i else ("-" if term.coefficient < 0
                                                                  else "")
        parts.append(f"{sign}{factor}{term.code} {figures.shown(int(row), display)}")
    return " ".join(parts)


def _finding(options: Options, figures: Figures, rows: np.ndarray,
             left: tuple[float, float], right: tuple[float, float], gap: float) -> Finding:
    display = figures.display([int(r) for r in rows])
    n_left = len(options.left)
    right_text = expression(options.right, rows[n_left:], figures, display)
    lead = figures.lead(int(figures.key[rows[0]]), without=options.along)
    single = len(options.left) == 1 and options.left[0].coefficient == 1
    if single:
        name = options.left[0].code
        stated = f"{name} is {figures.verb} as {figures.shown(int(rows[0]), display)}"
    else:
        left_text = expression(options.left, rows[:n_left], figures, display)
        stated = f"{left_text} = {display.format_interval(*left)}"
    message = (
        f"{lead}{right_text} = {display.format_interval(*right)}, but {stated}: "
        f"{display.format(gap)} beyond rounding"
    )
    roles = tuple(figures.role(int(r), "term") for r in rows)
    return display.finding(message, roles,
                           figures.context(int(figures.key[rows[0]]), without=options.along),
                           expected=right, reported=left, gap=gap)


def relations(rule: Rule, figures: Figures, positions: np.ndarray,
              ctx: EvalContext) -> list[Relation]:
    """left - right = 0 for every complete instance one of `positions` takes part in."""
    options: Options = rule.options
    along = figures.dim_index(options.along)
    radix = int(figures.radix[along])
    members = figures.code_positions(options.along, [t.code for t in options.terms])
    own = figures.codes[positions, along]
    mine = positions[np.isin(own, members)]
    instances = np.unique(figures.key[mine] - figures.codes[mine, along] * radix)
    found = lookup(figures, (instances[None, :] + members[:, None] * radix).ravel(),
                   rule.where).reshape(len(members), len(instances))
    signs = np.array([1.0] * len(options.left) + [-1.0] * len(options.right))
    result = []
    for column in np.flatnonzero((found >= 0).all(axis=0)):
        rows = found[:, column]
        n_left = len(options.left)
        right_mid = sum(t.coefficient * (figures.lo[r] + figures.hi[r]) / 2
                        for t, r in zip(options.right, rows[n_left:], strict=True))
        magnitude = sum(abs(t.coefficient) * max(abs(figures.lo[r]), abs(figures.hi[r]))
                        for t, r in zip(options.terms, rows, strict=True))
        terms = [RelationTerm(sign * t.coefficient, int(r))
                 for sign, t, r in zip(signs, options.terms, rows, strict=True)]
        result.append(make_relation(
            terms, 0.0, 0.0, room(rule.tolerance.slack(right_mid), magnitude),
            figures.context(int(instances[column]), without=options.along)))
    return result


CHECK = Check(
    headline="Figures that should balance do not add up",
    keys=("along",), parse=parse, evaluate=evaluate,
    relations=relations,
    varies=lambda rule, rules: frozenset({rule.options.along}))
