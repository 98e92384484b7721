"""share: printed shares ("46.8% of the total") against part / whole of the reported values.

    figures: {share: share_pct, ...}   # the column of shares, in % and printed like values

    - id: partner-shares
      share: partner            # a share is of the parent in the partner hierarchy
    - id: shares-of-world
      share: partner
      of: World                 # or: of an explicit code of that dimension

Every figure in scope with a printed share is checked against 100 x part / whole, where the whole
is the same figure with the dimension's code replaced by the parent (or by `of`). Part and whole
are intervals from their printed digits, so the quotient is an interval (interval division), and
the share fails only when its own printed interval lies outside it by more than the tolerance
(`tolerance: {abs: ...}` is in percentage points here). A whole that is not reported, or whose
interval reaches zero, leaves the share not evaluated. A figure in the wrong unit or currency, or
given to the wrong partner, shows up here.

Passes: exports to China_HK 86.9 of World 183.6, share printed 47.3 (47.33 +/- 0.04%).
Fails:  share printed 46.8: "exports, ICT, 2020: China_HK 86.9 is 47.33 +/- 0.04% of World 183.6,
        but its share is printed as 46.8%: 0.44 points beyond rounding".
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
    parse_dimension,
    room,
    scope_at,
)
from validator.figures import Display, Figures, interval_divide
from validator.model import Evaluation, Finding, ParseContext, Rule, Unevaluated
from validator.relations import Form, Quantity, Relation, Term, relation
from validator.yamlpos import Path


@dataclass(frozen=True)
class Options:
    dimension: str
    of: str | None  # an explicit whole; None: the parent in the hierarchy


def parse(raw: dict[str, Any], path: Path, ctx: ParseContext) -> Options | None:
    dimension = parse_dimension(ctx, raw, path, "share")
    if dimension is None:
        return None
    of = raw.get("of")
    if of is not None:
        codes = ctx.codes_of(dimension, (*path, "of"), of)
        if codes is None:
            return None
        if len(codes) != 1:
            ctx.error((*path, "of"), "'of' must be one code")
            return None
        return Options(dimension=dimension, of=next(iter(codes)))
    if not ctx.dimensions[dimension].children:
        ctx.error((*path, "share"), f"dimension '{dimension}' has no hierarchy: name the whole "
                  "with 'of'")
        return None
    return Options(dimension=dimension, of=None)


def evaluate(rule: Rule, figures: Figures, ctx: EvalContext) -> Evaluation:
    options: Options = rule.options
    if figures.share_lo is None or figures.share_hi is None:
        return Evaluation()  # no share column: the engine says the rule applied to nothing
    d = figures.dim_index(options.dimension)
    dimension = figures.dimensions[d]
    whole_of = np.full(len(dimension.codes), -1, dtype=np.int64)
    if options.of is not None:
        whole_of[:] = dimension.position[options.of]
    else:
        for child, parent in dimension.parent_of().items():
            whole_of[dimension.position[child]] = dimension.position[parent]

    code = figures.codes[:, d]
    with_share = figures.in_scope(rule.where) & np.isfinite(figures.share_lo)
    has_whole = with_share & (whole_of[code] >= 0)
    parts = np.flatnonzero(has_whole & figures.available)
    whole_keys = figures.with_code(figures.key[parts], options.dimension, whole_of[code[parts]])
    lookup = figures.find(whole_keys)
    wholes = lookup.positions
    q_lo, q_hi = interval_divide(figures.lo[parts], figures.hi[parts], figures.lo[wholes],
                                 figures.hi[wholes])
    whole_ok = lookup.usable(figures)
    evaluable = whole_ok & np.isfinite(q_lo)

    result = Evaluation(checked=int(evaluable.sum()),
                        touched=np.concatenate([parts[evaluable], wholes[evaluable]]))
    def whole_missing(i: int) -> Unevaluated:
        key = int(whole_keys[i])
        reason = (figures.missing_reason(np.array([key])) if not whole_ok[i]
                  else "the whole may be zero")
        return Unevaluated(
            reason=f"{reason} (the whole of a share)",
            missing=(figures.key_codes(key),),
            context=figures.context(int(figures.key[parts[i]])),
        )

    def no_parent(position: int) -> Unevaluated:
        return Unevaluated(
            reason=f"a share on a code without a parent in '{options.dimension}'",
            context=figures.context(int(figures.key[position])),
        )

    unevaluable = np.flatnonzero(~evaluable)
    result.skip(unevaluable, len(unevaluable), whole_missing)
    orphans = np.flatnonzero(with_share & ~has_whole)
    result.skip(orphans, len(orphans), no_parent)

    share_lo, share_hi = figures.share_lo[parts], figures.share_hi[parts]
    expected_lo, expected_hi = 100 * q_lo, 100 * q_hi
    gap = np.nan_to_num(interval_gap(share_lo, share_hi, expected_lo, expected_hi))
    magnitude = np.nan_to_num(np.abs(share_hi))
    failing = evaluable & fails(gap, rule.tolerance.slack(share_hi), magnitude)
    for i in np.flatnonzero(failing):
        result.findings.append(_finding(
            options, figures, int(parts[i]), int(wholes[i]),
            (float(expected_lo[i]), float(expected_hi[i])), float(gap[i]),
        ))
    return result


def _finding(options: Options, figures: Figures, part: int, whole: int,
             expected: tuple[float, float], gap: float) -> Finding:
    assert figures.share_lo is not None and figures.share_hi is not None
    assert figures.share_text is not None
    display = figures.display([part, whole])
    percent = Display(unit="%", scale=1.0, decimals=2)
    dim = options.dimension
    where = ", ".join(figures.context(int(figures.key[part]), without=dim).values())
    printed = str(figures.share_text[part]).strip()
    message = (
        f"{where}: {figures.code_of(part, dim)} {figures.shown(part, display)} is "
        f"{percent.format_interval(*expected)}% of {figures.code_of(whole, dim)} "
        f"{figures.shown(whole, display)}, but its share is printed as {printed}%: "
        f"{percent.format(gap)} points beyond rounding"
    )
    return Finding(
        message=message,
        figures=(figures.role(part, "part"), figures.role(whole, "whole")),
        context=figures.context(int(figures.key[part])),
        expected=expected,
        reported=(float(figures.share_lo[part]), float(figures.share_hi[part])),
        gap=gap,
        unit="%",
    )


def relations(rule: Rule, figures: Figures, positions: np.ndarray,
              ctx: EvalContext) -> list[Relation]:
    """share - 100 x part / whole = 0 for every evaluated share of `positions`, as the part
    or as the whole."""
    options: Options = rule.options
    if figures.share_lo is None or figures.share_hi is None:
        return []
    d = figures.dim_index(options.dimension)
    dimension = figures.dimensions[d]
    radix = int(figures.radix[d])
    parent_of = dimension.parent_of()
    whole_of = {c: (options.of if options.of is not None else parent_of.get(c))
                for c in dimension.codes}
    pairs = set()
    for position in positions:
        code = int(figures.codes[position, d])
        key = int(figures.key[position])
        whole_code = whole_of[dimension.codes[code]]
        if whole_code is not None:
            pairs.add((key, key + (dimension.position[whole_code] - code) * radix))
        for i, name in enumerate(dimension.codes):  # the position as the whole of others
            if whole_of[name] == dimension.codes[code]:
                pairs.add((key + (i - code) * radix, key))
    result = []
    for part_key, whole_key in sorted(pairs):
        part, whole = (int(p) for p in figures.positions(np.array([part_key, whole_key])))
        if part < 0 or whole < 0 or not (figures.available[part] and figures.available[whole]):
            continue
        if not (np.isfinite(figures.share_lo[part]) and scope_at(
                figures, rule.where, np.array([part]))[0]):
            continue
        if figures.lo[whole] <= 0 <= figures.hi[whole]:
            continue  # the whole may be zero: not evaluated
        share_hi = float(figures.share_hi[part])
        result.append(relation(
            [Term(1.0, part, quantity=Quantity.SHARE), Term(-100.0, part, Form.RATIO,
                                                            whole=whole)],
            0.0, 0.0, room(rule.tolerance.slack(share_hi), abs(share_hi)),
            figures.context(int(figures.key[part]))))
    return result


CHECK = Check(
    headline="A share does not match its amounts",
    keys=("of",), parse=parse, evaluate=evaluate, reads=lambda options: ("share",),
    relations=relations,
    varies=lambda rule, rules: frozenset({rule.options.dimension}))
