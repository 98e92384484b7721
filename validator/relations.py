"""Rule instances as constraints over the printed quantities of figures, for error localisation.

A check describes each instance it evaluates as a `Relation`: a weighted sum of terms that must lie
in [lower, upper] (the rule's tolerance and float slack already included). A term is one printed
quantity of a figure (its value, % change, share or change in amount), or one of the derived
quantities the rules use: the prior value implied by a rate v / (1 + g/100), a ratio v_p / v_w, and
the change in amount implied by a rate v g / (100 + g). Everything is in the units the checks use
(values and changes in amount in base units, rates and shares in %).

`validator.localise` reads these to find the fewest quantities whose change makes every relation
hold. Interval arithmetic here gives enclosures: a relation is never judged impossible when some
values inside the intervals satisfy it.
"""

from __future__ import annotations

import enum
import math
from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple


class Quantity(enum.IntEnum):
    VALUE = 0
    CHANGE = 1  # % change
    SHARE = 2  # share in % of a whole
    ABS = 3  # change in amount


# Each quantity's name in reports and in `FiguresSpec.rounding_of`.
MEASURES = {Quantity.VALUE: "value", Quantity.CHANGE: "change", Quantity.SHARE: "share",
            Quantity.ABS: "abs_change"}


class Form(enum.IntEnum):
    PLAIN = 0  # the quantity itself
    PRIOR = 1  # v / (1 + g/100) of one figure
    RATIO = 2  # v_part / v_whole
    RATE_AMOUNT = 3  # v g / (100 + g) of one figure


Var = tuple[int, Quantity]  # (figure position, quantity)


class Term(NamedTuple):
    """One weighted term (a named tuple: terms are hashed often, as keys of relations)."""

    coefficient: float
    position: int
    form: Form = Form.PLAIN
    quantity: Quantity = Quantity.VALUE  # PLAIN only
    whole: int = -1  # RATIO only: the figure divided by

    def variables(self) -> tuple[Var, ...]:
        if self.form is Form.PLAIN:
            return ((self.position, self.quantity),)
        if self.form is Form.RATIO:
            return ((self.position, Quantity.VALUE), (self.whole, Quantity.VALUE))
        return ((self.position, Quantity.VALUE), (self.position, Quantity.CHANGE))


@dataclass(frozen=True)
class Relation:
    """sum(terms) in [lower, upper]; `context` names the instance as its discrepancy does."""

    terms: tuple[Term, ...]
    lower: float
    upper: float
    context: Mapping[str, str] = field(default_factory=dict)
    rule: str = ""  # set by the engine's runner

    def variables(self) -> tuple[Var, ...]:
        return self._variables

    @cached_property
    def _variables(self) -> tuple[Var, ...]:
        return tuple(dict.fromkeys(v for t in self.terms for v in t.variables()))

    @property
    def linear(self) -> bool:
        return all(t.form is Form.PLAIN for t in self.terms)


Interval = tuple[float, float]
Box = Mapping[Var, Interval]
WHOLE_LINE: Interval = (-math.inf, math.inf)


def relation(terms: Sequence[Term], lower: float, upper: float, room: float,
             context: Mapping[str, str]) -> Relation:
    """A relation widened by `room` (the rule's tolerance and float slack) on both ends."""
    return Relation(tuple(terms), float(lower) - float(room), float(upper) + float(room),
                    dict(context))


def _mul(a: Interval, b: Interval) -> Interval:
    products = [x * y for x in a for y in b]
    products = [0.0 if math.isnan(p) else p for p in products]  # 0 x inf: the zero end counts
    return (min(products), max(products))


def _div(a: Interval, b: Interval) -> Interval:
    if b[0] <= 0 <= b[1]:
        return WHOLE_LINE
    return _mul(a, (1 / b[1], 1 / b[0]))


def _add(a: Interval, b: Interval) -> Interval:
    return (a[0] + b[0], a[1] + b[1])


def _scale(c: float, a: Interval) -> Interval:
    return (c * a[0], c * a[1]) if c >= 0 else (c * a[1], c * a[0])


def _rate_factor(g: Interval) -> Interval:
    """1 + g/100 for rates above -100% (a rate of -100% or less implies no prior value)."""
    return (max(1 + g[0] / 100, 0.0), 1 + g[1] / 100)


def term_interval(term: Term, box: Box) -> Interval:
    """Enclosure of one term's values over the box (before the coefficient)."""
    if term.form is Form.PLAIN:
        return box[(term.position, term.quantity)]
    v = box[(term.position, Quantity.VALUE)]
    if term.form is Form.RATIO:
        return _div(v, box[(term.whole, Quantity.VALUE)])
    g = box[(term.position, Quantity.CHANGE)]
    if term.form is Form.PRIOR:
        return _div(v, _rate_factor(g))
    # v g / (100 + g) = v x (1 - 100 / (100 + g)), monotone in g above -100
    fraction = (1 - 100 / (100 + g[0]) if g[0] > -100 else -math.inf, 1 - 100 / (100 + g[1]))
    return _mul(v, fraction)


def holds(rel: Relation, box: Box) -> bool:
    total = holds_total(rel, box)
    return total[0] <= rel.upper and total[1] >= rel.lower


class Sums:
    """Every relation's terms evaluated once over a box, so that changing one quantity costs
    one term rather than the whole sum. The box may gain quantities; it never changes one."""

    def __init__(self, box: Box) -> None:
        self.box = box
        self._cache: dict[int, tuple[Relation, list[Interval], Interval]] = {}

    def terms(self, rel: Relation) -> tuple[list[Interval], Interval]:
        cached = self._cache.get(id(rel))
        if cached is None or cached[0] is not rel:
            terms = [_scale(t.coefficient, term_interval(t, self.box)) for t in rel.terms]
            total = (math.fsum(t[0] for t in terms), math.fsum(t[1] for t in terms))
            cached = (rel, terms, total)
            self._cache[id(rel)] = cached
        return cached[1], cached[2]

    def total(self, rel: Relation, changes: Mapping[Var, Interval] | None = None) -> Interval:
        terms, total = self.terms(rel)
        if not changes:
            return total
        changed = [i for i, t in enumerate(rel.terms) if any(v in changes for v in t.variables())]
        if not changed:
            return total
        if not _finite(total):
            return holds_total(rel, ChainMap(dict(changes), dict(self.box)))
        lo, hi = total
        trial = ChainMap(dict(changes), self.box)  # type: ignore[arg-type]
        for i in changed:
            new = _scale(rel.terms[i].coefficient, term_interval(rel.terms[i], trial))
            lo += new[0] - terms[i][0]
            hi += new[1] - terms[i][1]
        return lo, hi

    def holds(self, rel: Relation, changes: Mapping[Var, Interval] | None = None) -> bool:
        lo, hi = self.total(rel, changes)
        return lo <= rel.upper and hi >= rel.lower

    def rest(self, rel: Relation, index: int) -> Interval:
        """The sum of every term but one."""
        terms, total = self.terms(rel)
        if not _finite(total):
            rest = (0.0, 0.0)
            for i, term in enumerate(terms):
                if i != index:
                    rest = _add(rest, term)
            return rest
        return (total[0] - terms[index][0], total[1] - terms[index][1])


def _finite(a: Interval) -> bool:
    return math.isfinite(a[0]) and math.isfinite(a[1])


def holds_total(rel: Relation, box: Box) -> Interval:
    total = (0.0, 0.0)
    for term in rel.terms:
        total = _add(total, _scale(term.coefficient, term_interval(term, box)))
    return total


def solve_for(rel: Relation, free: Var, box: Box, sums: Sums | None = None) -> Interval:
    """Values of `free` for which the relation can hold, the other quantities in the box.

    An enclosure (hull): a value outside it cannot satisfy the relation; one inside may not.
    """
    found = [i for i, term in enumerate(rel.terms) if free in term.variables()]
    if not found:
        return WHOLE_LINE if holds(rel, box) else (math.inf, -math.inf)
    if len(found) > 1:
        return WHOLE_LINE  # the quantity appears twice: no simple inverse
    target = rel.terms[found[0]]
    if sums is not None:
        rest = sums.rest(rel, found[0])
    else:
        rest = (0.0, 0.0)
        for i, term in enumerate(rel.terms):
            if i != found[0]:
                rest = _add(rest, _scale(term.coefficient, term_interval(term, box)))
    if target.coefficient == 0:
        return WHOLE_LINE
    # coefficient x T in [lower, upper] - rest
    wanted = _scale(1 / target.coefficient, (rel.lower - rest[1], rel.upper - rest[0]))
    if target.form is Form.PLAIN:
        return wanted
    position, quantity = free
    if target.form is Form.RATIO:
        whole = box[(target.whole, Quantity.VALUE)]
        if position == target.position:  # part = T x whole
            return _mul(wanted, whole)
        return _div(box[(target.position, Quantity.VALUE)], wanted)  # whole = part / T
    v = box[(position, Quantity.VALUE)]
    g = box[(position, Quantity.CHANGE)]
    if target.form is Form.PRIOR:
        if quantity is Quantity.VALUE:  # v = T (1 + g/100)
            return _mul(wanted, _rate_factor(g))
        factor = _div(v, wanted)  # 1 + g/100 = v / T
        if factor == WHOLE_LINE:
            return WHOLE_LINE
        return (100 * (max(factor[0], 0.0) - 1), 100 * (factor[1] - 1))
    if quantity is Quantity.VALUE:  # v = T (100 + g) / g
        return _mul(wanted, _div(_add(g, (100.0, 100.0)), g))
    # T (100 + g) = v g, so g = 100 T / (v - T)
    return _div(_scale(100, wanted), _add(v, (-wanted[1], -wanted[0])))


def intersect(a: Interval, b: Interval) -> Interval:
    return (max(a[0], b[0]), min(a[1], b[1]))


def is_empty(a: Interval) -> bool:
    return not a[0] <= a[1]
