"""Which figure is most likely wrong, and what it should probably say (error localisation).

After the rules are evaluated, the failing rule instances that share figures form a group,
together with the instances that hold on those figures (they pin them). Every check describes its
instances as relations over the printed quantities of figures (validator/relations.py). A
candidate explanation is a smallest set of quantities (a value, a % change, a share, a change in
amount) whose change, everything else kept within its printed precision, makes every relation of
the group hold (Fellegi-Holt error localisation, with printed precision as the tolerance).

Method:
- One quantity at a time first: with all other quantities in their printed intervals, each
  relation is solved for the free quantity by interval arithmetic (rates included: the prior value
  v / (1 + g/100), shares, changes in amount), and the intervals are intersected. The result is an
  enclosure, so a quantity that can explain the group is never rejected; with rate relations it
  may accept one whose exact joint solution needs the other quantities at different points of
  their intervals (an over-statement of ties, never a missed culprit).
- When no single quantity explains the group, a mixed-integer program on HiGHS
  (`scipy.optimize.milp`) finds the fewest quantities to change: one binary per candidate frees
  its printed interval; linear relations enter exactly, a rate term becomes a variable bounded by
  its interval that is freed with any of its quantities (a relaxation). Every set it proposes is
  confirmed by a linear program with the set's quantities free; up to MAX_SETS sets of the
  smallest size are listed.
- Groups with more than MAX_CANDIDATES candidate quantities skip the program (fallback): if no
  single quantity explains them, the figures named by the most failing instances are listed, tied,
  without a suggestion.

Ranking: a suggestion is a printed value at the figure's own precision that makes every relation
of the group hold. Values that a typing or editing error explains are tried first (PATTERNS), a
specific pattern before a weak one (WEAK_PATTERNS: another figure's value, truncation) wherever
both fit; a candidate a specific pattern explains ranks above one only a weak pattern explains,
which ranks above one no pattern explains; then fewer figures rank above more. Candidates the
data cannot tell apart share a rank.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from validator.figures import Figures, Texts, format_amount
from validator.numbers import parse_printed
from validator.relations import (
    MEASURES,
    WHOLE_LINE,
    Form,
    Interval,
    Quantity,
    Relation,
    Sums,
    Var,
    intersect,
    is_empty,
    solve_for,
    term_interval,
)
from validator.report import Pattern

MAX_CANDIDATES = 60  # candidate quantities in one group beyond which no program is solved
# A group of more quantities than this (a total of 100,000 parts) is not localised at all: each
# candidate is solved against relations as long as the group, so the cost is quadratic, and a
# tie among thousands of figures would tell the editor nothing.
MAX_GROUP = 2_000
MAX_SETS = 8  # candidate sets of the smallest size listed per group
SWAP_DISTANCE = 2  # table rows apart within which two figures count as a swapped pair
_BIG = 1.0e4  # how far (in multiples of its magnitude) a freed quantity may move in the program


# Tried in this order; the first pattern that fits gives the suggestion.
PATTERNS = (Pattern.SIGN_FLIP, Pattern.TRANSPOSED_DIGITS, Pattern.UNIT_STEP,
            Pattern.DECIMAL_SHIFT, Pattern.DROPPED_DIGIT, Pattern.ADDED_DIGIT,
            Pattern.SWAPPED_PAIR, Pattern.OTHER_FIGURE, Pattern.TRUNCATION)
# Patterns that coincidence alone often fits (any figure's value, a last digit one up): a
# candidate they explain ranks below one a specific pattern explains.
WEAK_PATTERNS = frozenset({Pattern.OTHER_FIGURE, Pattern.TRUNCATION})

_NUMBER = re.compile(r"^(?P<sign>[+\-]?)(?P<int>\d*)(?:\.(?P<frac>\d*))?$")


@dataclass(frozen=True)
class Suspicion:
    """One quantity of one figure suspected, before the engine turns it into a report record."""

    group: int  # 1-based number of the group of failing instances
    rank: int  # 1 = most likely in its group; equal ranks are a tie the data cannot break
    position: int  # figure position in the Figures arrays
    quantity: Quantity
    suggestion: str | None
    pattern: Pattern | None
    explains: tuple[tuple[str, Mapping[str, str]], ...]  # (rule id, context) resolved
    reason: str
    together: tuple[int, ...] = ()  # positions of the other figures of the same candidate set


@dataclass(frozen=True)
class _Candidate:
    members: tuple[Var, ...]
    suggestions: tuple[tuple[str | None, Pattern | None], ...]

    @property
    def tier(self) -> tuple[int, int]:
        """How well typing errors explain it: every member's suggestion by a specific pattern
        (0), by a weak pattern, which coincidence fits more often (1), or not at all (2); then
        the fewer figures the better. How narrow the values that fit are does not enter: on
        small figures printed to few digits a pattern lands in a narrow interval by chance,
        and ranking on it put true culprits below others."""
        patterns = [p for _, p in self.suggestions]
        if any(p is None for p in patterns):
            return 2, len(self.members)
        if any(p in WEAK_PATTERNS for p in patterns):
            return 1, len(self.members)
        return 0, len(self.members)


More = Callable[[np.ndarray], list[Relation]]


class _Rings:
    """The relations loaded so far, their quantities' printed intervals, and more on demand:
    the relations of further figures (those a group's relations involve) are loaded only for a
    group that needs them (swaps, several figures at once), so that cost stays with the few."""

    def __init__(self, figures: Figures, relations: Sequence[Relation], more: More | None):
        self.figures = figures
        self.more = more
        self.relations: dict[object, Relation] = {}
        self.box: dict[Var, Interval] = {}
        self.finite: dict[Var, bool] = {}  # whether both ends of a quantity's box are finite
        self.sums = Sums(self.box)
        self.by_var: dict[Var, list[Relation]] = {}
        self.loaded: set[int] = set()
        self._position_of_row: np.ndarray | None = None
        self.add(relations)

    def add(self, relations: Iterable[Relation]) -> None:
        new = []
        for rel in relations:
            # Positions and bounds, not the terms: hashing their enums costs more than it says.
            key = (rel.rule, tuple(rel.context.items()), rel.lower, rel.upper,
                   tuple((t.position, t.whole, t.coefficient) for t in rel.terms))
            if key not in self.relations:
                self.relations[key] = rel
                new.append(rel)
        _fill_box(self.figures, (v for rel in new for v in rel.variables()), self.box,
                  self.finite)
        finite = self.finite
        for rel in new:
            if all(finite[v] for v in rel.variables()):
                for v in rel.variables():
                    self.by_var.setdefault(v, []).append(rel)

    def position_of_row(self) -> np.ndarray:
        """Frame row -> figure position (-1: no figure), built once: a scan per suggestion
        costs a pass over every figure."""
        if self._position_of_row is None:
            index = self.figures.frame_index.astype(np.int64)
            at = np.full(int(index.max()) + 1 if len(index) else 0, -1, dtype=np.int64)
            at[index] = np.arange(len(index))
            self._position_of_row = at
        return self._position_of_row

    def of(self, var: Var) -> list[Relation]:
        return self.by_var.get(var, [])

    def usable(self) -> list[Relation]:
        return [r for r in self.relations.values()
                if all(self.finite[v] for v in r.variables())]

    def around(self, variables: Iterable[Var]) -> list[Relation]:
        """Every usable relation on these quantities, once each figure's own are loaded."""
        wanted = set(variables)
        new = sorted({v[0] for v in wanted} - self.loaded)
        if new and self.more is not None:
            self.loaded.update(new)
            self.add(self.more(np.array(new, dtype=np.int64)))
        return list({id(r): r for v in wanted for r in self.of(v)}.values())


def localise(figures: Figures, relations: Sequence[Relation],
             more: More | None = None) -> list[Suspicion]:
    """Suspects for every group of failing relations, most likely first within each group.

    `relations` must include the failing instances (others may come along); `more(positions)`
    gives every relation of those figures, loaded only for the figures a group needs pinned."""
    rings = _Rings(figures, relations, more)
    usable = rings.usable()
    failing = [r for r in usable if not rings.sums.holds(r)]
    if not failing:
        return []
    groups = [(number, candidates, group_failing) for number, (candidates, group_failing)
              in enumerate(_groups(failing), start=1) if len(candidates) <= MAX_GROUP]
    # The relations pinning every group's single candidates, loaded in one call, not one each.
    rings.around(v for _, candidates, group_failing in groups
                 for v in _shared(candidates, group_failing))
    result: list[Suspicion] = []
    for number, candidates, group_failing in groups:
        result.extend(_localise_group(number, figures, rings, candidates, group_failing))
    return result


def _shared(candidates: Sequence[Var], failing: Sequence[Relation]) -> list[Var]:
    """The quantities every failing relation of a group involves: those alone may explain it."""
    return [v for v in candidates if all(v in r.variables() for r in failing)]


# --- quantities and their printed intervals ----------------------------------------------------

def quantity_columns(figures: Figures, quantity: Quantity
                     ) -> tuple[np.ndarray | None, np.ndarray | None, Texts | None]:
    """A quantity's printed interval (low and high ends) and text, for every figure."""
    if quantity is Quantity.VALUE:
        return figures.lo, figures.hi, figures.value_text
    if quantity is Quantity.CHANGE:
        return figures.rate_lo, figures.rate_hi, figures.change_text
    if quantity is Quantity.SHARE:
        return figures.share_lo, figures.share_hi, figures.share_text
    return figures.abs_lo, figures.abs_hi, figures.abs_text


def _finite(interval: Interval) -> bool:
    return math.isfinite(interval[0]) and math.isfinite(interval[1])


def _fill_box(figures: Figures, variables: Iterable[Var], box: dict[Var, Interval],
              finite: dict[Var, bool]) -> None:
    """The printed intervals of the quantities not in the box yet, taken per quantity at once."""
    by_quantity: dict[Quantity, list[int]] = {}
    for var in dict.fromkeys(v for v in variables if v not in box):
        by_quantity.setdefault(var[1], []).append(var[0])
    for quantity, positions in by_quantity.items():
        lo, hi, _ = quantity_columns(figures, quantity)
        if lo is None or hi is None:
            ends = [(math.nan, math.nan)] * len(positions)
            ok = [False] * len(positions)
        else:
            at = np.array(positions, dtype=np.int64)
            low, high = lo[at].astype(float), hi[at].astype(float)
            ends = list(zip(low.tolist(), high.tolist(), strict=True))
            ok = (np.isfinite(low) & np.isfinite(high)).tolist()
        for position, interval, good in zip(positions, ends, ok, strict=True):
            box[(position, quantity)] = interval
            finite[(position, quantity)] = good


def _text(figures: Figures, var: Var) -> str:
    texts = quantity_columns(figures, var[1])[2]
    return "" if texts is None else str(texts[var[0]]).strip()


def _scale(figures: Figures, var: Var) -> float:
    return float(figures.scale[var[0]]) if var[1] in (Quantity.VALUE, Quantity.ABS) else 1.0


# --- groups --------------------------------------------------------------------------------

def _groups(failing: list[Relation]) -> list[tuple[list[Var], list[Relation]]]:
    """Failing relations that share quantities, with those quantities (the candidates)."""
    candidates = list(dict.fromkeys(v for r in failing for v in r.variables()))
    parent = {v: v for v in candidates}

    def find(v: Var) -> Var:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for rel in failing:
        first, *rest = rel.variables()
        for other in rest:
            parent[find(other)] = find(first)
    members: dict[Var, list[Var]] = {}
    for v in candidates:
        members.setdefault(find(v), []).append(v)
    # One pass over the relations: matching each group against all of them is quadratic in
    # the failures, which a flood (a wrong column, 40,000 groups) makes hours.
    relations_of: dict[Var, list[Relation]] = {}
    for rel in failing:
        relations_of.setdefault(find(rel.variables()[0]), []).append(rel)
    return [(group, relations_of[find(group[0])]) for group in members.values()]


# --- one group -----------------------------------------------------------------------------

def _single_interval(var: Var, relations: Sequence[Relation], box: Mapping[Var, Interval],
                     failing: Sequence[Relation], sums: Sums) -> Interval | None:
    """Values of `var` that make every relation hold, the rest in the box; None if none."""
    if any(var not in r.variables() for r in failing):
        return None
    feasible = WHOLE_LINE
    for rel in relations:
        if var in rel.variables():
            feasible = intersect(feasible, solve_for(rel, var, box, sums))
            if is_empty(feasible):
                return None
    return feasible


def _localise_group(number: int, figures: Figures, rings: _Rings, candidates: list[Var],
                    failing: list[Relation]) -> list[Suspicion]:
    # A single quantity explains the group only if every failing relation involves it; those
    # are pinned by all their relations, loaded now.
    shared = _shared(candidates, failing)
    relations = rings.around(shared)
    box = rings.box
    explains = tuple({(r.rule, tuple(r.context.items())): (r.rule, r.context)
                      for r in failing}.values())
    found: list[_Candidate] = []
    near = {v[0] for r in relations for v in r.variables()}
    for var in shared:
        interval = _single_interval(var, rings.of(var), box, failing, rings.sums)
        if interval is not None:
            found.append(_Candidate((var,), (_suggest(figures, var, interval, rings, near),)))
    single_found = bool(found)
    # Several figures changed together may include one whose rules all hold (two figures
    # swapped, only one of them flagged): the figures on the group's relations are candidates
    # too, pinned by their own relations, loaded for them now.
    # (Skipped when a single figure already has the best explanation there is: a pair would
    # only rank below it.)
    # (Also skipped when the group alone has more values than swaps take on: then it has more
    # candidates than the program takes on too, and loading the relations of all their figures
    # would find nothing more.)
    extended: list[Var] = []
    core = sum(1 for v in candidates if v[1] is Quantity.VALUE)
    widen = not any(c.tier[0] == 0 for c in found) and core <= MAX_CANDIDATES
    if widen:
        extended = list(dict.fromkeys(v for r in rings.around(candidates)
                                      for v in r.variables()))
        found.extend(_swaps(figures, candidates, extended, failing, rings))
    fallback = False
    if not found and widen and len(extended) <= MAX_CANDIDATES:
        wider = rings.around(extended)
        for members in _smallest_sets(extended, wider, rings.box):
            found.append(_Candidate(members, tuple((None, None) for _ in members)))
    if not found:
        fallback = True
        counts = {v: sum(v in r.variables() for r in failing) for v in candidates}
        most = max(counts.values())
        found = [_Candidate((v,), ((None, None),)) for v in candidates if counts[v] == most]
    tiers = sorted({c.tier for c in found})
    ranked = sorted(found, key=lambda c: c.tier)  # stable: the engine's order within a rank
    result = []
    for candidate in ranked:
        rank = tiers.index(candidate.tier) + 1
        others = sum(1 for c in found if c.tier == candidate.tier) - 1
        for var, (shown, pattern) in zip(candidate.members, candidate.suggestions, strict=True):
            result.append(Suspicion(
                group=number, rank=rank, position=var[0], quantity=var[1],
                suggestion=shown, pattern=pattern, explains=explains,
                reason=_reason(figures, var, shown, pattern, len(explains), others,
                               len(candidate.members), fallback, single_found),
                together=tuple(v[0] for v in candidate.members if v != var),
            ))
    return result


def _swaps(figures: Figures, candidates: Sequence[Var], extended: Sequence[Var],
           failing: Sequence[Relation], rings: _Rings) -> list[_Candidate]:
    """Pairs of values, one of a failing rule, whose exchange makes every relation hold: two
    figures next to each other in the table, or the same figure but for one code."""
    values = [v for v in extended if v[1] is Quantity.VALUE]
    core = [v for v in candidates if v[1] is Quantity.VALUE]
    if len(values) * len(core) > MAX_CANDIDATES ** 2:
        return []
    box = rings.box
    pairs = list(dict.fromkeys(
        tuple(sorted((a, b))) for a in core for b in values
        if box[a] != box[b] and _near(figures, a[0], b[0])))
    # A pair must first mend the failing relations (loaded already); only the pairs that do
    # need the relations of both figures, loaded for those alone.
    pairs = [(a, b) for a, b in pairs
             if all(rings.sums.holds(r, {a: box[b], b: box[a]}) for r in failing)]
    if not pairs:
        return []
    rings.around(v for pair in pairs for v in pair)
    result = []
    for a, b in pairs:
        trial = {a: box[b], b: box[a]}
        touched = {id(r): r for r in [*failing, *rings.of(a), *rings.of(b)]}
        if all(rings.sums.holds(r, trial) for r in touched.values()):
            result.append(_Candidate((a, b), (
                (_shown_with_unit(figures, b, a), Pattern.SWAPPED_PAIR),
                (_shown_with_unit(figures, a, b), Pattern.SWAPPED_PAIR))))
    return result


def _near(figures: Figures, a: int, b: int) -> bool:
    rows = abs(int(figures.frame_index[a]) - int(figures.frame_index[b]))
    return rows <= SWAP_DISTANCE or int((figures.codes[a] != figures.codes[b]).sum()) == 1


def _shown_with_unit(figures: Figures, source: Var, target: Var) -> str:
    """The printed value of `source`, with its unit where `target` is printed in another."""
    text = _text(figures, source)
    if figures.spec.unit and str(figures.unit[source[0]]) != str(figures.unit[target[0]]):
        return f"{text} {figures.unit[source[0]]}"
    return text


def _reason(figures: Figures, var: Var, suggestion: str | None, pattern: Pattern | None,
            n_failing: int, others: int, size: int, fallback: bool, single_found: bool) -> str:
    what = "its % change" if var[1] is Quantity.CHANGE else (
        "its share" if var[1] is Quantity.SHARE else (
            "its change in amount" if var[1] is Quantity.ABS else "its value"))
    rules = "the failing rule" if n_failing == 1 else f"all {n_failing} failing rules"
    if fallback:
        return (f"Too many figures to localise exactly; this one is in the most failing rules "
                f"(tied with {others} others).")
    if size > 1:
        lead = "" if single_found else f"No single figure explains {rules}; c"
        lead = (lead or "C") + (f"hanging {what} together with {size - 1} other "
                                f"figure{'s' if size > 2 else ''}")
    else:
        lead = f"Changing {what} alone"
    sentence = f"{lead} makes {rules} hold"
    if suggestion is not None:
        sentence += f" ({suggestion} instead of {_text(figures, var) or 'nothing'}"
        sentence += f": {pattern.phrase})" if pattern is not None else ")"
    if others:
        sentence += (f"; the data cannot tell it from {others} other "
                     f"candidate{'s' if others > 1 else ''}")
    return sentence + "."


# --- suggestions ---------------------------------------------------------------------------

def _digits(text: str) -> tuple[str, str, str] | None:
    cleaned = re.sub(r"[,\u00a0\u2009\u202f ]", "", text).replace("\u2212", "-")
    match = _NUMBER.match(cleaned)
    if not match or not (match["int"] or match["frac"]):
        return None
    return match["sign"], match["int"], match["frac"] or ""


def _join(sign: str, digits: str, frac_len: int) -> str | None:
    if not digits or frac_len < 0 or frac_len > len(digits) + 3:
        return None
    digits = digits.rjust(frac_len + 1, "0")
    whole, frac = digits[:len(digits) - frac_len], digits[len(digits) - frac_len:]
    whole = whole.lstrip("0") or "0"
    return f"{'-' if sign == '-' else ''}{whole}" + (f".{frac}" if frac else "")


def _decimals(text: str) -> int | None:
    parts = _digits(text)
    return None if parts is None else len(parts[2])


def _typical_decimals(texts: Iterable[str]) -> int | None:
    """The number of decimals most figures around are printed with."""
    counts: dict[int, int] = {}
    for text in texts:
        d = _decimals(text)
        if d is not None:
            counts[d] = counts.get(d, 0) + 1
    return max(counts, key=lambda d: counts[d]) if counts else None


def _pattern_texts(text: str, others: Iterable[str]) -> list[tuple[str, Pattern]]:
    """Values a typing error may have turned into `text`, each with its pattern."""
    result: list[tuple[str, Pattern]] = []
    parts = _digits(text)
    if parts is not None:
        sign, whole, frac = parts
        digits, f = whole + frac, len(frac)

        def add(candidate: str | None, pattern: Pattern) -> None:
            if candidate is not None:
                result.append((candidate, pattern))

        add(_join("" if sign == "-" else "-", digits, f), Pattern.SIGN_FLIP)
        for i in range(len(digits) - 1):
            if digits[i] != digits[i + 1]:
                add(_join(sign, digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:], f),
                    Pattern.TRANSPOSED_DIGITS)
        for shift in (-3, -2, -1, 1, 2, 3):
            add(_join(sign, digits, f + shift), Pattern.DECIMAL_SHIFT)
        for i in range(len(digits) + 1):
            for d in "0123456789":
                add(_join(sign, digits[:i] + d + digits[i:], f), Pattern.DROPPED_DIGIT)
        # A leading digit dropped takes the zeros after it along: 102.8 printed as 2.8.
        for zeros in ("0", "00"):
            for d in "123456789":
                add(_join(sign, d + zeros + whole.lstrip("0") + frac, f), Pattern.DROPPED_DIGIT)
        for i in range(len(digits)):
            if len(digits) > 1:
                add(_join(sign, digits[:i] + digits[i + 1:], min(f, len(digits) - 1)),
                    Pattern.ADDED_DIGIT)
        last = int(digits) + 1
        add(_join(sign, str(last).rjust(len(digits), "0"), f), Pattern.TRUNCATION)
    result.extend((o, Pattern.OTHER_FIGURE) for o in others if o and o != text)
    return result


def _parse(figures: Figures, var: Var, texts: Sequence[str], scale: float) -> tuple[
        np.ndarray, np.ndarray]:
    spec = figures.spec
    parsed = parse_printed(pd.Series(list(texts), dtype="str"),
                           spec.rounding_of(MEASURES[var[1]]), spec.trailing_zeros, scale)
    return parsed.lo, parsed.hi


def _fits(var: Var, interval: Interval, rings: _Rings) -> bool:
    return all(rings.sums.holds(r, {var: interval}) for r in rings.of(var))


def _neighbour_texts(figures: Figures, var: Var, group: set[int], rings: _Rings) -> list[str]:
    """Printed texts of the same quantity of the group's figures and of the neighbouring rows."""
    positions = set(group)
    row = int(figures.frame_index[var[0]])
    at_row = rings.position_of_row()
    near = at_row[max(row - 1, 0):row + 2]
    positions |= {int(p) for p in near if p >= 0}
    positions.discard(var[0])
    return list(dict.fromkeys(_text(figures, (p, var[1])) for p in sorted(positions)))


def _suggest(figures: Figures, var: Var, interval: Interval, rings: _Rings,
             group: set[int]) -> tuple[str | None, Pattern | None]:
    """A printed value that makes every relation hold, one a pattern explains if there is."""
    box = rings.box
    text = _text(figures, var)
    scale = _scale(figures, var)
    printed = box[var]
    peers = _neighbour_texts(figures, var, group, rings)
    options = _pattern_texts(text, peers)
    typical = _typical_decimals(peers)
    # (text shown, text parsed, pattern, scale)
    trials = [(t, t, p, scale) for t, p in options]
    if var[1] is Quantity.VALUE and figures.spec.units:
        unit = str(figures.unit[var[0]])
        trials += [(f"{text} {u}", text, Pattern.UNIT_STEP, s)
                   for u, s in figures.spec.units.items() if u != unit and s != scale]
    if trials:
        lo, hi = np.empty(len(trials)), np.empty(len(trials))
        for s in {t[3] for t in trials}:
            at = [i for i, t in enumerate(trials) if t[3] == s]
            lo[at], hi[at] = _parse(figures, var, [trials[i][1] for i in at], s)
        meets = np.flatnonzero((lo <= interval[1]) & (hi >= interval[0]))
        middle = (printed[0] + printed[1]) / 2

        def preference(i: int) -> tuple[bool, bool, bool, int, float]:
            # A specific pattern beats a weak one wherever it fits; a value
            # whose middle fits beats one that fits only at the edge of its rounding;
            # one printed to the decimals of its neighbours beats one that is not.
            mid = (lo[i] + hi[i]) / 2
            decimals = _decimals(trials[i][1])
            return (trials[i][2] in WEAK_PATTERNS, not interval[0] <= mid <= interval[1],
                    typical is not None and decimals != typical,
                    PATTERNS.index(trials[i][2]), abs(mid - middle))

        for i in sorted((int(m) for m in meets), key=preference):
            if _fits(var, (float(lo[i]), float(hi[i])), rings):
                return trials[i][0], trials[i][2]
    return _plain_suggestion(figures, var, interval, rings), None


def _plain_suggestion(figures: Figures, var: Var, interval: Interval,
                      rings: _Rings) -> str | None:
    """The value nearest the middle of what fits (or the printed value), at its own precision."""
    box = rings.box
    parts = _digits(_text(figures, var))
    decimals = len(parts[2]) if parts is not None else 1
    if var[1] is Quantity.VALUE:
        decimals = int(figures.decimals[var[0]])
    scale = _scale(figures, var)
    printed = (box[var][0] + box[var][1]) / 2
    if _finite(interval):
        target = (interval[0] + interval[1]) / 2
    else:
        target = min(max(printed, interval[0]), interval[1])
    if not math.isfinite(target):
        return None
    for nudge in (0, 1, -1, 2, -2):
        candidate = format_amount(target / scale + nudge * 10.0 ** -decimals, decimals)
        lo, hi = _parse(figures, var, [candidate], scale)
        if lo[0] <= interval[1] and hi[0] >= interval[0] and _fits(
                var, (float(lo[0]), float(hi[0])), rings):
            return candidate
    return None


# --- the mixed-integer program -------------------------------------------------------------

def _linear_rows(relations: Sequence[Relation], box: Mapping[Var, Interval],
                 candidates: Sequence[Var]) -> tuple[dict[object, int], np.ndarray,
                                                     np.ndarray, np.ndarray, np.ndarray,
                                                     np.ndarray, list[tuple[int, list[Var]]]]:
    columns: dict[object, int] = {}
    scales: list[float] = []
    lows: list[float] = []
    highs: list[float] = []
    depends: list[tuple[int, list[Var]]] = []  # rate-term column -> the quantities it uses

    def column(name: object, interval: Interval) -> int:
        if name not in columns:
            columns[name] = len(scales)
            size = max(abs(interval[0]), abs(interval[1]), interval[1] - interval[0])
            size = size if math.isfinite(size) and size > 0 else 1.0
            scales.append(size)
            lows.append(interval[0] / size if math.isfinite(interval[0]) else -_BIG)
            highs.append(interval[1] / size if math.isfinite(interval[1]) else _BIG)
        return columns[name]

    rows: list[np.ndarray] = []
    row_lo: list[float] = []
    row_hi: list[float] = []
    for var in candidates:
        column(var, box[var])
    for r, rel in enumerate(relations):
        entries: dict[int, float] = {}
        for t, term in enumerate(rel.terms):
            if term.form is Form.PLAIN:
                c = column(term.variables()[0], box[term.variables()[0]])
            else:
                c = column((r, t), term_interval(term, box))
                depends.append((c, list(term.variables())))
            entries[c] = entries.get(c, 0.0) + term.coefficient * scales[c]
        size = max(abs(x) for x in entries.values()) or 1.0
        rows.append(np.array([(c, x / size) for c, x in entries.items()]))
        row_lo.append(rel.lower / size)
        row_hi.append(rel.upper / size)
    n = len(scales)
    matrix = np.zeros((len(rows), n))
    for i, row in enumerate(rows):
        for c, x in row:
            matrix[i, int(c)] += x
    return (columns, matrix, np.array(row_lo), np.array(row_hi), np.array(lows),
            np.array(highs), depends)


def _smallest_sets(candidates: Sequence[Var], relations: Sequence[Relation],
                   box: Mapping[Var, Interval]) -> list[tuple[Var, ...]]:
    """The smallest sets of candidates whose change lets every relation hold (MILP, then LP)."""
    # Imported here: most releases never need the program, and scipy.optimize costs a third of
    # a second to import.
    from scipy.optimize import Bounds, LinearConstraint, milp

    columns, matrix, row_lo, row_hi, lows, highs, depends = _linear_rows(relations, box,
                                                                        candidates)
    n, k = matrix.shape[1], len(candidates)
    z = {var: n + i for i, var in enumerate(candidates)}
    # Rows: relations; then x - lo + BIG z >= 0 and x - hi - BIG z <= 0 for freed quantities
    # and for rate terms (freed with any quantity they use).
    blocks = [np.hstack([matrix, np.zeros((matrix.shape[0], k))])]
    lower, upper = [row_lo], [row_hi]
    freed: list[tuple[int, list[int]]] = [(columns[v], [z[v]]) for v in candidates]
    freed += [(c, [z[v] for v in uses if v in z]) for c, uses in depends]
    for c, switches in freed:
        if not switches:
            continue
        for sign in (1.0, -1.0):
            row = np.zeros(n + k)
            row[c] = sign
            row[switches] = _BIG
            blocks.append(row[None, :])
            lower.append(np.array([sign * (lows[c] if sign > 0 else highs[c])]))
            upper.append(np.array([np.inf]))
    fixed_lo, fixed_hi = lows.copy(), highs.copy()
    for c, switches in freed:
        if switches:
            fixed_lo[c], fixed_hi[c] = -2 * _BIG, 2 * _BIG
    a = np.vstack(blocks)
    cost = np.concatenate([np.zeros(n), np.ones(k)])
    integrality = np.concatenate([np.zeros(n), np.ones(k)])
    bounds = Bounds(np.concatenate([fixed_lo, np.zeros(k)]),
                    np.concatenate([fixed_hi, np.ones(k)]))
    cuts: list[np.ndarray] = []
    limits: list[float] = []
    found: list[tuple[Var, ...]] = []
    size = None
    for _ in range(3 * MAX_SETS):
        constraints = [LinearConstraint(a, np.concatenate(lower), np.concatenate(upper))]
        if cuts:
            constraints.append(LinearConstraint(np.vstack(cuts), -np.inf, np.array(limits)))
        solution = milp(cost, integrality=integrality, bounds=bounds, constraints=constraints,
                        options={"time_limit": 5.0})
        if solution.x is None:
            break
        chosen = tuple(v for v in candidates if solution.x[z[v]] > 0.5)
        if size is not None and len(chosen) > size:
            break
        cut = np.zeros(n + k)
        cut[[z[v] for v in chosen]] = 1.0
        cuts.append(cut)
        limits.append(len(chosen) - 1.0)
        if chosen and _confirmed(chosen, matrix, row_lo, row_hi, lows, highs, columns,
                                 depends):
            size = len(chosen)
            found.append(chosen)
            if len(found) >= MAX_SETS:
                break
    return found


def _confirmed(chosen: Sequence[Var], matrix: np.ndarray, row_lo: np.ndarray,
               row_hi: np.ndarray, lows: np.ndarray, highs: np.ndarray,
               columns: Mapping[object, int], depends: Sequence[tuple[int, list[Var]]]) -> bool:
    """A linear program with the chosen quantities (and the rate terms using them) free."""
    from scipy.optimize import linprog

    lo, hi = lows.copy(), highs.copy()
    free = [columns[v] for v in chosen]
    free += [c for c, uses in depends if set(uses) & set(chosen)]
    lo[free], hi[free] = -_BIG, _BIG
    n = matrix.shape[1]
    a = np.vstack([matrix, -matrix])
    b = np.concatenate([row_hi, -row_lo])
    finite = np.isfinite(b)
    result = linprog(np.zeros(n), A_ub=a[finite], b_ub=b[finite],
                     bounds=list(zip(lo, hi, strict=True)), method="highs")
    return bool(result.status == 0)
