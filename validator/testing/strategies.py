"""Hypothesis strategies for consistent releases: true values that satisfy every rule, printed.

    from hypothesis import given
    from validator.strategies import releases, random_rules_and_release

    @given(releases(load_rules("rules/korea-ict.yaml")))
    def test_clean(frame): ...

    @given(random_rules_and_release())
    def test_clean_random(case): case.rules, case.frame, case.yaml_text

True values are drawn on the leaves of every hierarchy, with one unpublished, non-negative
remainder per parent (none where a breakdown is `complete`), identities are solved for one member
at the leaves, and every code's value is the sum of its leaves; so parents add up in every
dimension at once. Prior-period values are a second consistent world (or the earlier periods of
the same world when there is a time dimension), and rates are (v / prior - 1) * 100. The values
are then printed at random decimals and units, rounded or truncated as the rules say.
Documented in docs/strategies.md.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import assume
from hypothesis import strategies as st

from validator.checks.breakdown import Options as BreakdownOptions
from validator.checks.identity import Options as IdentityOptions
from validator.checks.period_total import Options as PeriodTotalOptions
from validator.checks.share import Options as ShareOptions
from validator.model import Dimension, RuleSet
from validator.numbers import Rounding
from validator.periods import shift_period
from validator.rules import parse_rules
from validator.testing import oracle

__all__ = [
    "GeneratedCase",
    "World",
    "consistent_world",
    "print_number",
    "random_rules",
    "random_rules_and_release",
    "releases",
]

# Rates are printed only where the prior value is of the same sign and the ratio is moderate:
# a rate on a value near zero explodes, and a sign change is no percentage anyone prints.
RATIO_RANGE = (0.05, 20.0)


def print_number(value: float, decimals: int, rounding: Rounding) -> str:
    """`value` printed to `decimals` places: rounded half-unit, truncated towards zero or exact."""
    if rounding is Rounding.EXACT:
        return repr(float(value))
    with localcontext() as ctx:
        ctx.prec = 80
        mode = ROUND_DOWN if rounding is Rounding.TRUNCATED else ROUND_HALF_EVEN
        return f"{Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=mode):f}"


@dataclass(frozen=True)
class World:
    """True values for every combination of codes (time codes include the year before)."""

    codes: tuple[tuple[str, ...], ...]  # per dimension
    values: np.ndarray  # one axis per dimension, in base units
    prior: np.ndarray  # same shape: the value one period (year) earlier

    def cells(self) -> list[tuple[tuple[str, ...], float, float]]:
        return [
            (key, float(self.values[idx]), float(self.prior[idx]))
            for idx, key in zip(itertools.product(*(range(len(c)) for c in self.codes)),
                                itertools.product(*self.codes), strict=True)
        ]


def _extended(dim: Dimension) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """A time dimension with the year before each period, and its hierarchy for that year too."""
    if not dim.is_time:
        return dim.codes, dict(dim.children)
    codes = list(dim.codes)
    children = dict(dim.children)
    for code in dim.codes:
        earlier = shift_period(code)
        if earlier and earlier not in codes:
            codes.append(earlier)
    for parent, kids in dim.children.items():
        earlier = shift_period(parent)
        if earlier:
            children[earlier] = tuple(shift_period(k) or k for k in kids)
    return tuple(codes), children


def _aggregation(codes: tuple[str, ...], children: dict[str, tuple[str, ...]],
                 complete: bool) -> np.ndarray:
    """Matrix (codes x leaves): which leaves, remainders included, each code sums up."""
    leaves: list[tuple[str, str]] = []  # (code under which the leaf hangs, name)
    for code in codes:
        if children.get(code):
            if not complete:
                leaves.append((code, f"{code}~rest"))
        else:
            leaves.append((code, code))
    parent_of = {kid: parent for parent, kids in children.items() for kid in kids}
    matrix = np.zeros((len(codes), max(len(leaves), 1)))
    index = {c: i for i, c in enumerate(codes)}
    for j, (anchor, _) in enumerate(leaves):
        node: str | None = anchor
        seen: set[str] = set()
        while node is not None and node not in seen:
            seen.add(node)
            if node in index:
                matrix[index[node], j] = 1.0
            node = parent_of.get(node)
    return matrix


def _draw_world(rules: RuleSet, rng: np.random.Generator, magnitude: float,
                zero_share: float) -> tuple[tuple[tuple[str, ...], ...], np.ndarray]:
    complete_dims = {r.options.dimension for r in rules.rules
                     if isinstance(r.options, BreakdownOptions) and r.options.complete}
    codes, matrices = [], []
    for dim in rules.dimensions:
        dim_codes, children = _extended(dim)
        codes.append(dim_codes)
        matrices.append(_aggregation(dim_codes, children, dim.name in complete_dims))
    shape = tuple(m.shape[1] for m in matrices)
    leaves = magnitude * np.power(10.0, rng.uniform(-1.0, 1.5, size=shape))
    leaves[rng.random(shape) < zero_share] = 0.0
    solved: set[tuple[int, str]] = set()
    for rule in rules.rules:
        if not isinstance(rule.options, IdentityOptions):
            continue
        axis = [d.name for d in rules.dimensions].index(rule.options.along)
        dim_codes = codes[axis]
        if matrices[axis].shape[1] != len(dim_codes):
            continue  # an identity along a hierarchy: left to the check below
        signed = [(t.coefficient, t.code) for t in rule.options.left] + [
            (-t.coefficient, t.code) for t in rule.options.right]
        free = [(c, code) for c, code in signed if (axis, code) not in solved]
        if not free:
            continue
        coefficient, target = free[0]
        rest = sum(c * np.take(leaves, dim_codes.index(code), axis=axis)
                   for c, code in signed if code != target)
        index: list[Any] = [slice(None)] * len(shape)
        index[axis] = dim_codes.index(target)
        leaves[tuple(index)] = -rest / coefficient
        solved.add((axis, target))
    values = leaves
    for axis, matrix in enumerate(matrices):
        values = np.moveaxis(np.tensordot(matrix, values, axes=(1, axis)), 0, axis)
    return tuple(codes), values


def consistent_world(rules: RuleSet, seed: int, magnitude: float = 1.0,
                     zero_share: float = 0.0) -> World:
    """True current and prior values that satisfy the rules' hierarchies and identities.

    Bounds and rules the construction does not cover (an identity along a hierarchy, a partial
    breakdown of a member solved from an identity) are not guaranteed: check with `oracle`.
    """
    rng = np.random.default_rng(seed)
    codes, values = _draw_world(rules, rng, magnitude, zero_share)
    time = rules.figures.time
    if time is None:
        _, prior = _draw_world(rules, rng, magnitude, zero_share)
    else:
        axis = [d.name for d in rules.dimensions].index(time)
        position = {c: i for i, c in enumerate(codes[axis])}
        earlier = np.array([position.get(shift_period(c) or "", -1) for c in codes[axis]])
        prior = np.take(values, np.where(earlier >= 0, earlier, 0), axis=axis)
        missing: list[Any] = [slice(None)] * values.ndim
        missing[axis] = earlier < 0
        prior[tuple(missing)] = np.nan
    return World(codes=codes, values=values, prior=prior)


@st.composite
def releases(draw: st.DrawFn, rules: RuleSet, max_rows: int = 150,
             prior_rows: bool = True) -> pd.DataFrame:
    """A printed release (every column str) whose true values satisfy every rule of `rules`."""
    spec = rules.figures
    units = sorted(spec.units.items(), key=lambda u: u[1]) or [("", 1.0)]
    largest = units[-1][1]
    world = consistent_world(
        rules, draw(st.integers(0, 2**32 - 1), label="seed"),
        magnitude=largest * draw(st.sampled_from([0.01, 0.1, 1.0])),
        zero_share=draw(st.sampled_from([0.0, 0.0, 0.05])),
    )
    low = draw(st.integers(0, 3), label="fewest decimals")
    high = draw(st.integers(low, 3), label="most decimals")
    rate_share = draw(st.sampled_from([0.0, 0.6, 1.0])) if spec.change else 0.0
    mixed = draw(st.booleans(), label="mixed units")
    share = draw(st.sampled_from([0.5, 0.9, 1.0]), label="share of figures printed")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="print seed"))

    # Keep a random block of codes per dimension, so that the figures printed still form the
    # totals, parts and members of many rule instances, then drop single figures.
    kept: list[list[int]] = []
    for i, dim_codes in enumerate(world.codes):
        current = set(rules.dimensions[i].codes)
        kept.append([j for j, code in enumerate(dim_codes)
                     if code in current or (prior_rows and rng.random() < 0.2)])
    while np.prod([len(k) for k in kept]) * share > max_rows:
        widest = max(kept, key=len)
        widest.pop(int(rng.integers(len(widest))))
    cells = []
    for idx in itertools.product(*kept):
        if rng.random() < share:
            key = tuple(world.codes[d][j] for d, j in enumerate(idx))
            cells.append((key, float(world.values[idx]), float(world.prior[idx])))
    assume(cells)

    cells += _year_to_date_cells(rules, world, cells, rng)
    true_share, true_amount = _shares_and_amounts(rules, world, cells)
    side_share = draw(st.sampled_from([0.0, 0.5, 1.0]), label="share of shares, amounts printed")
    records = []
    for key, value, prior in cells:
        unit, scale = units[rng.integers(len(units))] if mixed else units[-1]
        record = dict(zip([d.name for d in rules.dimensions], key, strict=True))
        record[spec.value] = print_number(value / scale, int(rng.integers(low, high + 1)),
                                          spec.rounding)
        if spec.unit:
            record[spec.unit] = unit
        if spec.change:
            ratio = value / prior if prior else np.nan
            shown = (RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1]) and rng.random() < rate_share
            record[spec.change] = print_number((ratio - 1) * 100, int(rng.integers(0, 3)),
                                               spec.rounding) if shown else ""
        for column, truth_of, times in ((spec.share, true_share, 1.0),
                                        (spec.abs_change, true_amount, scale)):
            if column:
                exact = truth_of.get(key, np.nan)
                shown = np.isfinite(exact) and rng.random() < side_share
                record[column] = print_number(exact / times, int(rng.integers(0, 3)),
                                              spec.rounding) if shown else ""
        records.append(record)
    # Some figures printed twice, at other decimals (and units): both stand for the true value.
    repeats = draw(st.sampled_from([0, 0, 3]), label="figures printed twice")
    for row in rng.choice(len(records), size=min(repeats, len(records)), replace=False):
        key, value, _ = cells[int(row)]
        unit, scale = units[rng.integers(len(units))]
        again = {**{c: "" for c in records[int(row)]},
                 **dict(zip([d.name for d in rules.dimensions], key, strict=True))}
        again[spec.value] = print_number(value / scale, int(rng.integers(0, 4)), spec.rounding)
        if spec.unit:
            again[spec.unit] = unit
        records.append(again)
        cells.append(cells[int(row)])
    frame = pd.DataFrame(records, dtype="str")
    # The construction covers hierarchies and identities; whatever else a rules file asks (bounds,
    # breakdowns of balances) is checked on the true values, exactly.
    truth = {}
    for row, (key, value, prior) in enumerate(cells):
        if key in truth:
            continue  # printed twice: the first row stands for both
        shown_rate = bool(spec.change) and frame[spec.change].iat[row] != ""
        rate = (value / prior - 1) * 100 if shown_rate else np.nan
        shown_share = bool(spec.share) and frame[spec.share].iat[row] != ""
        part = true_share.get(key, np.nan) if shown_share else np.nan
        shown_amount = bool(spec.abs_change) and frame[spec.abs_change].iat[row] != ""
        amount = true_amount.get(key, np.nan) if shown_amount else np.nan
        truth[key] = oracle.Point(value, value, rate, rate, row, part, part, amount, amount)
    assume(not oracle.violations(rules, truth))
    return frame


Cell = tuple[tuple[str, ...], float, float]


def _time_axis(rules: RuleSet) -> int | None:
    return next((i for i, d in enumerate(rules.dimensions) if d.is_time), None)


def _year_to_date_cells(rules: RuleSet, world: World, cells: list[Cell],
                        rng: np.random.Generator) -> list[Cell]:
    """Year-to-date figures (`YYYY-MM-YTD`, the sum of the true months) for some of the months
    printed, where a `period_total: ytd` rule asks for them."""
    t = _time_axis(rules)
    if t is None or not any(isinstance(r.options, PeriodTotalOptions) for r in rules.rules):
        return []
    lookup = {key: value for key, value, _ in world.cells()}
    result = []
    for key, _, _ in cells:
        code = key[t]
        if len(code) != 7 or code[4] != "-" or rng.random() < 0.5:
            continue
        months = [(*key[:t], f"{code[:4]}-{m:02d}", *key[t + 1:])
                  for m in range(1, int(code[5:]) + 1)]
        if all(m in lookup for m in months):
            total = float(sum(lookup[m] for m in months))
            result.append(((*key[:t], f"{code}-YTD", *key[t + 1:]), total, np.nan))
    return result


def _shares_and_amounts(rules: RuleSet, world: World,
                        cells: list[Cell]) -> tuple[dict[tuple[str, ...], float],
                                                    dict[tuple[str, ...], float]]:
    """True shares (100 x part / whole, whole the parent under the share rule) and changes in
    amount on the year before, where they are defined."""
    lookup = {key: value for key, value, _ in world.cells()}
    shares: dict[tuple[str, ...], float] = {}
    share_rules = [r.options for r in rules.rules if isinstance(r.options, ShareOptions)]
    if rules.figures.share and share_rules:
        names = [d.name for d in rules.dimensions]
        d = names.index(share_rules[0].dimension)
        parent_of = rules.dimensions[d].parent_of()
        for key, value, _ in cells:
            whole_code = share_rules[0].of or parent_of.get(key[d])
            whole = lookup.get((*key[:d], whole_code, *key[d + 1:])) if whole_code else None
            if whole:
                shares[key] = 100 * value / whole
    amounts = {key: value - prior for key, value, prior in cells if np.isfinite(prior)}
    return shares, amounts


@dataclass(frozen=True)
class GeneratedCase:
    yaml_text: str
    rules: RuleSet
    frame: pd.DataFrame


@st.composite
def _tree(draw: st.DrawFn, name: str, depth: int) -> dict[str, list[str]]:
    """Parent -> children of a random hierarchy at least `depth` levels deep below `name`."""
    kids = [f"{name}_{i}" for i in range(draw(st.integers(1, 3)))]
    result = {name: kids}
    if depth > 1:
        deep = draw(st.integers(0, len(kids) - 1))
        for i, kid in enumerate(kids):
            if i == deep:
                result.update(draw(_tree(kid, depth - 1)))
            elif draw(st.booleans()):
                result.update(draw(_tree(kid, 1)))
    return result


def _yaml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


IDENTITIES = {
    # balance may be negative: breakdowns and bounds only apply to exports and imports
    "balance": (["exports", "imports", "balance"], "balance = exports - imports",
                ["exports", "imports"]),
    "weighted": (["total", "domestic", "foreign"], "total = domestic + 2 * foreign",
                 ["total", "domestic", "foreign"]),
}


@st.composite
def random_rules(draw: st.DrawFn) -> str:
    """The YAML text of a random rules file using every rule kind."""
    flows, equation, non_negative = IDENTITIES[draw(st.sampled_from(sorted(IDENTITIES)))]
    product = draw(_tree("P", draw(st.integers(1, 4), label="depth")))
    partners = draw(st.booleans())
    periods = draw(st.sampled_from(["none", "quarters", "months"]))
    change = draw(st.booleans())
    shares = draw(st.booleans(), label="share column")
    amounts = periods != "none" and draw(st.booleans(), label="change in amount column")
    year_to_date = periods == "months" and draw(st.booleans(), label="year-to-date figures")
    rounding = draw(st.sampled_from(["half-unit", "truncated"]))
    units = draw(st.sampled_from(["USD", "EUR"]))
    lines = [
        "version: 1",
        "title: Generated release",
        "figures:",
        "  value: value",
        "  unit: unit",
        f"  units: {{{units} bn: 1.0e9, {units} mn: 1.0e6}}",
        f"  rounding: {rounding}",
    ]
    if change:
        lines.append("  change: change_pct")
    if shares:
        lines.append("  share: share_pct")
    if amounts:
        lines.append("  abs_change: change_amt")
    if periods != "none":
        lines.append("  time: period")
    lines += ["dimensions:", f"  flow: {_yaml_list(flows)}", "  product:"]
    lines += [f"    {parent}: {_yaml_list(kids)}" for parent, kids in product.items()]
    if partners:
        lines += ["  partner:", "    World: [A, B, C]"]
    if periods != "none":
        months = [f"2021Q{q}" for q in range(1, 5)] if periods == "quarters" else [
            f"2021-{m:02d}" for m in range(1, 7)]
        lines += ["  period:", f"    \"2021\": {_yaml_list(months)}"]
    where = f"    where: {{flow: {_yaml_list(non_negative)}}}"
    lines += ["rules:", "  - id: identity", f"    identity: {equation}", "    along: flow"]
    breakdowns = ["products"]
    lines += ["  - id: products", "    breakdown: product",
              f"    complete: {str(draw(st.booleans())).lower()}", where]
    if partners:
        breakdowns.append("partners")
        lines += ["  - id: partners", "    breakdown: partner", where]
    if periods != "none":
        breakdowns.append("periods")
        lines += ["  - id: periods", "    breakdown: period",
                  f"    complete: {str(draw(st.booleans())).lower()}", where]
    lines += ["  - id: non-negative", "    bounds: {min: 0}", where]
    if shares:  # balances too: negative parts and wholes in the interval division
        lines += ["  - id: shares", "    share: product"]
    if amounts:
        lines += ["  - id: amounts", "    abs_change: year"]
    if year_to_date:
        lines += ["  - id: year-to-date", "    period_total: ytd",
                  f"    complete: {str(draw(st.booleans(), label='ytd complete')).lower()}",
                  where]
    if change:
        lines += ["  - id: prior", f"    implied_prior: {['identity', *breakdowns]}"]
    return "\n".join(lines) + "\n"


@st.composite
def random_rules_and_release(draw: st.DrawFn, max_rows: int = 150) -> GeneratedCase:
    """A random rules file (its YAML text and RuleSet) and a consistent release for it."""
    text = draw(random_rules())
    rules = parse_rules(text, "<generated>")
    return GeneratedCase(text, rules, draw(releases(rules, max_rows=max_rows)))
