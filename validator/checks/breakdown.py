"""breakdown: each parent of a hierarchy against its children reported in the table.

    - id: products-within-total
      breakdown: product
      where: {flow: [exports, imports]}
      complete: false          # default

For every parent code of the dimension's hierarchy and every combination of the other
dimensions where at least one child is reported, the children are summed as intervals.
`complete: false` (a partial breakdown, the default): the parts reported must not add up to more
than the total, since unpublished parts are taken to be zero or more. Do not use it for balances,
whose unpublished parts can be negative. `complete: true`: the parts must add up to the total; an
instance where some parts are missing is not evaluated and names them. An instance whose total is
not reported is not evaluated either.

Passes: ICT exports 183.6 with semiconductors 100.3, computers 13.9, displays 20.7, mobile phones
        11.3 (146.2 +/- 0.2 <= 183.6).
Fails:  the same parts under a total printed 14.0: "the parts of ICT reported (...) add up to
        146.2 +/- 0.2, more than the total ICT reported as 14.0: 132.0 beyond rounding".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from validator.checks.base import (
    Check,
    EvalContext,
    fails,
    lookup,
    parse_bool,
    parse_dimension,
    room,
)
from validator.figures import Figures
from validator.limits import MAX_FIGURES_PER_FINDING
from validator.model import Evaluation, Finding, ParseContext, Rule, Unevaluated
from validator.relations import Relation, Term, relation
from validator.yamlpos import Path

MAX_PARTS_NAMED = 12


@dataclass(frozen=True)
class Options:
    dimension: str
    complete: bool


def parse(raw: dict[str, Any], path: Path, ctx: ParseContext) -> Options | None:
    dimension = parse_dimension(ctx, raw, path, "breakdown")
    complete = parse_bool(ctx, raw, path, "complete", default=False)
    if dimension is None:
        return None
    if not ctx.dimensions[dimension].children:
        ctx.error((*path, "breakdown"), f"dimension '{dimension}' has no hierarchy to break down")
        return None
    return Options(dimension=dimension, complete=complete)


def evaluate(rule: Rule, figures: Figures, ctx: EvalContext) -> Evaluation:
    options: Options = rule.options
    d = figures.dim_index(options.dimension)
    dimension = figures.dimensions[d]
    parent_of = np.full(len(dimension.codes), -1, dtype=np.int64)
    n_children = np.zeros(len(dimension.codes), dtype=np.int64)
    for parent, kids in dimension.children.items():
        p = dimension.position[parent]
        n_children[p] = len(kids)
        parent_of[figures.code_positions(options.dimension, kids)] = p

    scope = figures.in_scope(rule.where)
    child_code = figures.codes[:, d]
    is_child = scope & (parent_of[child_code] >= 0)
    children = np.flatnonzero(is_child)
    parent_code = parent_of[child_code[children]]
    instances, group = figures.unique_keys(
        figures.with_code(figures.key[children], options.dimension, parent_code))

    usable = figures.available[children]
    weights = np.where(usable, 1.0, 0.0)
    size = len(instances)
    parts_lo = np.bincount(group, np.where(usable, figures.lo[children], 0.0), size)
    parts_hi = np.bincount(group, np.where(usable, figures.hi[children], 0.0), size)
    magnitude = np.bincount(group, np.where(usable, np.abs(figures.hi[children]), 0.0), size)
    parts_found = np.bincount(group, weights, size).astype(np.int64)

    totals = figures.find(instances)
    safe = totals.positions
    total_ok = totals.usable(figures, scope)
    expected_parts = n_children[figures.code_in(instances, options.dimension)]
    parts_ok = parts_found == expected_parts if options.complete else parts_found > 0
    evaluable = total_ok & parts_ok

    # Children grouped by instance, so that reporting one instance does not scan them all, and
    # in code-list order within it: the message is the same whatever the order of the rows.
    order = np.lexsort((child_code[children], group))
    bounds = np.searchsorted(group[order], np.arange(size + 1))

    def children_of(i: int) -> np.ndarray:
        return children[order[bounds[i]:bounds[i + 1]]]

    # A part counts as checked when it was summed in an evaluated instance, and so does its total.
    summed = usable & evaluable[group]
    touched = np.concatenate([safe[evaluable], children[summed]])
    result = Evaluation(checked=int(evaluable.sum()), touched=touched)
    skipped = np.flatnonzero(~evaluable)
    # The total is what a breakdown checks; parts without a printed total are not applicable.
    printed = figures.printed(totals.or_missing())
    result.skip_unprinted(skipped, printed[skipped], lambda i: _unevaluated(
        options, figures, int(instances[i]), bool(total_ok[i]), children_of(i)))

    total_lo, total_hi = figures.lo[safe], figures.hi[safe]
    if options.complete:
        gap = np.maximum(np.maximum(parts_lo - total_hi, total_lo - parts_hi), 0.0)
    else:
        gap = np.maximum(parts_lo - total_hi, 0.0)
    slack = rule.tolerance.slack((total_lo + total_hi) / 2)
    failing = evaluable & fails(gap, slack, magnitude + np.abs(total_hi))
    for i in np.flatnonzero(failing):
        parts = children_of(int(i))
        parts = parts[figures.available[parts]]
        result.findings.append(_finding(
            options, figures, int(safe[i]), parts,
            (float(parts_lo[i]), float(parts_hi[i])), float(gap[i]),
        ))
    return result


def _unevaluated(options: Options, figures: Figures, instance: int, total_ok: bool,
                 child_rows: np.ndarray) -> Unevaluated:
    d = figures.dim_index(options.dimension)
    dimension = figures.dimensions[d]
    parent = dimension.codes[int(figures.code_in(instance, options.dimension))]
    missing = [] if total_ok else [instance]
    if options.complete:
        have = {int(figures.codes[r, d]) for r in child_rows if figures.available[r]}
        for code in figures.code_positions(options.dimension, dimension.children[parent]):
            if int(code) not in have:
                missing.append(int(figures.with_code(instance, options.dimension, code)))
    keys = np.array(missing, dtype=np.int64)
    return Unevaluated(
        reason=figures.missing_reason(keys),
        missing=tuple(figures.key_codes(int(k)) for k in keys),
        context=figures.context(instance),
    )


def _finding(options: Options, figures: Figures, total: int, parts: np.ndarray,
             parts_interval: tuple[float, float], gap: float) -> Finding:
    # A parent may have 100,000 parts: the sum covers them all, the finding lists the first.
    listed = parts[:MAX_FIGURES_PER_FINDING]
    display = figures.display([total, *(int(p) for p in listed)])
    parent = figures.code_of(total, options.dimension)
    named = [f"{figures.code_of(int(p), options.dimension)} {figures.shown(int(p), display)}"
             for p in parts[:MAX_PARTS_NAMED]]
    if len(parts) > MAX_PARTS_NAMED:
        named.append(f"and {len(parts) - MAX_PARTS_NAMED} more")
    lead = figures.lead(int(figures.key[total]), without=options.dimension)
    total_text = figures.shown(total, display)
    summed = display.format_interval(*parts_interval)
    if options.complete:
        verdict = f"but the total {parent} is {figures.verb} as {total_text}"
    else:
        verdict = f"more than the total {parent} {figures.verb} as {total_text}"
    message = (
        f"{lead}the parts of {parent} {figures.verb} ({' + '.join(named)}) add up to {summed}, "
        f"{verdict}: {display.format(gap)} beyond rounding"
    )
    return display.finding(
        message,
        (figures.role(total, "total"), *(figures.role(int(p), "part") for p in listed)),
        figures.context(int(figures.key[total])),
        expected=parts_interval,
        reported=(float(figures.lo[total]), float(figures.hi[total])),
        gap=gap,
    )


def relations(rule: Rule, figures: Figures, positions: np.ndarray,
              ctx: EvalContext) -> list[Relation]:
    """parts - total <= 0 (= 0 when complete) for every evaluated instance of `positions`, as a
    part or as the total."""
    options: Options = rule.options
    d = figures.dim_index(options.dimension)
    dimension = figures.dimensions[d]
    radix = int(figures.radix[d])
    parent_of = dimension.parent_of()
    own = figures.codes[positions, d]
    instances = set()
    for position, code in zip(positions, own, strict=True):
        name = dimension.codes[code]
        key = int(figures.key[position])
        if name in dimension.children:
            instances.add(key)
        if name in parent_of:
            instances.add(key + (dimension.position[parent_of[name]] - int(code)) * radix)
    keys = np.array(sorted(instances), dtype=np.int64)
    totals = lookup(figures, keys, rule.where)
    parents = (keys // radix) % (len(dimension.codes) + 1)
    kids = {int(p): figures.code_positions(options.dimension,
                                           dimension.children[dimension.codes[int(p)]])
            for p in np.unique(parents)}
    # Every part of every instance, looked up at once.
    owner = np.concatenate([np.full(len(kids[int(p)]), i) for i, p in enumerate(parents)]
                           ) if len(keys) else np.zeros(0, dtype=np.int64)
    part_keys = np.concatenate([keys[i] + (kids[int(p)] - p) * radix
                                for i, p in enumerate(parents)]) if len(keys) else owner
    parts = lookup(figures, part_keys, rule.where)
    # The parts of instance i are one slice (owner is sorted): a mask per instance is quadratic.
    ends = np.cumsum([len(kids[int(p)]) for p in parents]).tolist()
    result = []
    for i, instance in enumerate(keys):
        total = int(totals[i])
        mine = parts[(ends[i - 1] if i else 0):ends[i]]
        reported = mine[mine >= 0]
        if total < 0 or not len(reported) or (options.complete and len(reported) < len(mine)):
            continue
        magnitude = np.abs(figures.hi[reported]).sum() + abs(figures.hi[total])
        slack = rule.tolerance.slack((figures.lo[total] + figures.hi[total]) / 2)
        terms = [Term(1.0, int(p)) for p in reported] + [Term(-1.0, total)]
        result.append(relation(terms, 0.0 if options.complete else -np.inf, 0.0,
                               room(slack, magnitude), figures.context(int(instance))))
    return result


CHECK = Check(
    headline="A total does not equal the sum of its parts",
    keys=("complete",), parse=parse, evaluate=evaluate,
    relations=relations,
    varies=lambda rule, rules: frozenset({rule.options.dimension}))
