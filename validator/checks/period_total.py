"""period_total: year-to-date figures and cumulative part-month figures against the months.

    - id: year-to-date
      period_total: ytd            # 2020-11-YTD = 2020-01 + 2020-02 + ... + 2020-11
      where: {flow: [exports, imports]}
      complete: true               # default; false: the months reported are <= the YTD figure
    - id: ten-day-figures
      period_total: within_month   # 2020-11-10d <= 2020-11-20d <= 2020-11 (cumulative figures)

Needs `figures.time`. A year-to-date figure is a period code `YYYY-MM-YTD` (January to that month).
With `complete: true` it must equal the sum of its months as intervals; an instance with months
missing is not evaluated and names them. First-10-day and first-20-day figures (`YYYY-MM-10d`,
`YYYY-MM-20d`) are cumulative, so each is at most the next one reported (the 20-day figure, else
the month): use `where` to keep balances out. Quarters to the year and months to the quarter are
a `breakdown` on the time dimension with a hierarchy declared in `dimensions`.

Passes: 2020-01 .. 2020-11 exports printed 208.6 ... 184.2 and 2020-11-YTD printed 1940.5 (the
        sum of the printed months is 1940.7 +/- 0.55).
Fails:  2020-11-YTD printed 1914.0: "exports, World: the months 2020-01 to 2020-11 reported
        (...) add up to 1940.7 +/- 0.55, but 2020-11-YTD is reported as 1914.0: 26.1 beyond
        rounding".
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
    lookup,
    over_time,
    parse_bool,
    room,
    signs_over_time,
)
from validator.figures import Figures
from validator.model import Evaluation, ParseContext, Rule, Unevaluated
from validator.relations import Relation, Term, relation
from validator.yamlpos import Path

MODES = ("ytd", "within_month")
_YTD = re.compile(r"^(\d{4})-(\d{2})-YTD$")
_PART_MONTH = re.compile(r"^(\d{4}-\d{2})-(10d|20d)$")


@dataclass(frozen=True)
class Options:
    mode: str
    complete: bool


def parse(raw: dict[str, Any], path: Path, ctx: ParseContext) -> Options | None:
    mode = raw.get("period_total")
    complete = parse_bool(ctx, raw, path, "complete", default=True)
    if mode not in MODES:
        ctx.error((*path, "period_total"), f"'period_total' must be one of: {', '.join(MODES)} "
                  f"(got '{mode}')")
        return None
    if not any(d.is_time for d in ctx.dimensions.values()):
        ctx.error((*path, "period_total"), "'period_total' needs a time dimension: declare "
                  "'figures.time'")
        return None
    return Options(mode=mode, complete=complete)


def evaluate(rule: Rule, figures: Figures, ctx: EvalContext) -> Evaluation:
    options: Options = rule.options
    if options.mode == "ytd":
        return _year_to_date(rule, options, figures)
    return _within_month(rule, figures)


def _time(figures: Figures) -> tuple[int, list[str]]:
    t = next(i for i, d in enumerate(figures.dimensions) if d.is_time)
    return t, list(figures.dimensions[t].codes)


def _year_to_date(rule: Rule, options: Options, figures: Figures) -> Evaluation:
    t, codes = _time(figures)
    time = figures.dimensions[t].name
    # Per code of the time dimension (never per figure): the months a YTD code adds up.
    months = np.full((len(codes), 12), -1, dtype=np.int64)
    wanted = np.zeros((len(codes), 12), dtype=bool)
    names: dict[int, list[str]] = {}
    for c, name in enumerate(codes):
        match = _YTD.match(name)
        if match and 1 <= int(match[2]) <= 12:
            names[c] = [f"{match[1]}-{m:02d}" for m in range(1, int(match[2]) + 1)]
            months[c, :len(names[c])] = figures.code_positions(time, names[c])
            wanted[c, :len(names[c])] = True
    code = figures.codes[:, t]
    totals = np.flatnonzero(figures.in_scope(rule.where) & figures.available
                            & np.isin(code, list(names)))
    own = code[totals]
    keys = figures.with_code(figures.key[totals][:, None], time, months[own])
    lookup = figures.find(keys)
    safe = lookup.positions
    need = wanted[own]
    present = need & lookup.usable(figures)
    evaluable = (present == need).all(axis=1) if options.complete else present.any(axis=1)
    parts_lo = np.where(present, figures.lo[safe], 0.0).sum(axis=1)
    parts_hi = np.where(present, figures.hi[safe], 0.0).sum(axis=1)
    magnitude = np.where(present, np.abs(figures.hi[safe]), 0.0).sum(axis=1)
    total_lo, total_hi = figures.lo[totals], figures.hi[totals]
    if options.complete:
        gap = np.maximum(np.maximum(parts_lo - total_hi, total_lo - parts_hi), 0.0)
    else:
        gap = np.maximum(parts_lo - total_hi, 0.0)
    failing = evaluable & fails(gap, rule.tolerance.slack(total_hi), magnitude + np.abs(total_hi))

    result = Evaluation(checked=int(evaluable.sum()), touched=np.concatenate(
        [totals[evaluable], safe[evaluable][present[evaluable]]]))
    def describe(i: int) -> Unevaluated:
        base = figures.key_codes(int(figures.key[totals[i]]))
        absent = [m for m, ok, w in zip(names[int(own[i])], present[i], need[i], strict=False)
                  if w and not ok]
        known = keys[i][need[i] & ~present[i] & (keys[i] >= 0)]
        reason = figures.missing_reason(known) if len(known) else "figures not reported"
        return Unevaluated(
            reason=f"{reason} (months of {base[time]})",
            missing=tuple({**base, time: m} for m in absent),
            context=figures.context(int(figures.key[totals[i]]), without=time),
        )

    unevaluable = np.flatnonzero(~evaluable)
    result.skip(unevaluable, len(unevaluable), describe)
    for i in np.flatnonzero(failing):
        total = int(totals[i])
        parts = safe[i][present[i]]
        display = figures.display([total, *(int(p) for p in parts)])
        where = ", ".join(figures.context(int(figures.key[total]), without=time).values())
        listed = " + ".join(figures.shown(int(p), display) for p in parts)
        first, last = figures.code_of(int(parts[0]), time), figures.code_of(int(parts[-1]), time)
        verb = "but" if options.complete else "more than"
        message = (
            f"{where}: the months {first} to {last} {figures.verb} ({listed}) add up to "
            f"{display.format_interval(float(parts_lo[i]), float(parts_hi[i]))}, {verb} "
            f"{figures.code_of(total, time)} is {figures.verb} as "
            f"{figures.shown(total, display)}: {display.format(float(gap[i]))} beyond rounding"
        )
        result.findings.append(display.finding(
            message,
            (figures.role(total, "total"), *(figures.role(int(p), "part") for p in parts)),
            figures.context(int(figures.key[total])),
            expected=(float(parts_lo[i]), float(parts_hi[i])),
            reported=(float(total_lo[i]), float(total_hi[i])),
            gap=float(gap[i]),
        ))
    return result


def _within_month(rule: Rule, figures: Figures) -> Evaluation:
    t, codes = _time(figures)
    time = figures.dimensions[t].name
    # For each code: the next longer cumulative period (10d -> 20d, then the month).
    following = np.full((len(codes), 2), -1, dtype=np.int64)
    for c, name in enumerate(codes):
        match = _PART_MONTH.match(name)
        if match:
            longer = [f"{match[1]}-20d", match[1]] if match[2] == "10d" else [match[1]]
            following[c, :len(longer)] = figures.code_positions(time, longer)
    code = figures.codes[:, t]
    # Any longer period will do: a first-10-day figure without a 20-day code is within the month.
    starts = np.flatnonzero(figures.in_scope(rule.where) & figures.available
                            & (following[code] >= 0).any(axis=1))
    own = code[starts]
    nexts = np.full(len(starts), -1, dtype=np.int64)
    for column in (1, 0):  # the nearest reported period wins
        found = figures.under(starts, time, following[own, column])
        nexts = np.where(found.usable(figures), found.positions, nexts)
    evaluable = nexts >= 0
    later = np.where(evaluable, nexts, 0)
    gap = np.maximum(figures.lo[starts] - figures.hi[later], 0.0)
    magnitude = np.abs(figures.hi[starts]) + np.abs(figures.hi[later])
    failing = evaluable & fails(gap, rule.tolerance.slack(figures.hi[later]), magnitude)
    result = Evaluation(checked=int(evaluable.sum()),
                        touched=np.concatenate([starts[evaluable], later[evaluable]]))
    for i in np.flatnonzero(failing):
        early, late = int(starts[i]), int(later[i])
        display = figures.display([early, late])
        where = ", ".join(figures.context(int(figures.key[early]), without=time).values())
        message = (
            f"{where}: {figures.code_of(early, time)} is {figures.verb} as "
            f"{figures.shown(early, display)}, more than {figures.code_of(late, time)} "
            f"{figures.verb} as {figures.shown(late, display)}, which includes it: "
            f"{display.format(float(gap[i]))} beyond rounding"
        )
        result.findings.append(display.finding(
            message,
            (figures.role(early, "part"), figures.role(late, "total")),
            figures.context(int(figures.key[early])),
            expected=(-np.inf, float(figures.hi[late])),
            reported=(float(figures.lo[early]), float(figures.hi[early])),
            gap=float(gap[i]),
        ))
    return result


def _ytd_months(name: str) -> list[str]:
    match = _YTD.match(name)
    if not match or not 1 <= int(match[2]) <= 12:
        return []
    return [f"{match[1]}-{m:02d}" for m in range(1, int(match[2]) + 1)]


def _longer(name: str) -> list[str]:
    """The cumulative periods that include a first-10-day or first-20-day code, nearest first."""
    match = _PART_MONTH.match(name)
    if not match:
        return []
    return [f"{match[1]}-20d", match[1]] if match[2] == "10d" else [match[1]]


def relations(rule: Rule, figures: Figures, positions: np.ndarray,
              ctx: EvalContext) -> list[Relation]:
    """months - YTD = 0 (<= 0 when not complete), or part-month - longer <= 0, for every
    evaluated instance of `positions`."""
    options: Options = rule.options
    t, codes = _time(figures)
    radix = int(figures.radix[t])
    index = {c: i for i, c in enumerate(codes)}
    covering: dict[str, list[int]] = {}  # code -> the YTD (or part-month) codes that include it
    for i, name in enumerate(codes):
        for covered in (_ytd_months(name) if options.mode == "ytd" else _longer(name)):
            covering.setdefault(covered, []).append(i)
    starts: set[int] = set()  # keys of the YTD (or part-month) figures involved
    for position in positions:
        code = int(figures.codes[position, t])
        key = int(figures.key[position])
        starts.add(key)
        starts.update(key + (i - code) * radix for i in covering.get(codes[code], []))
    result = []
    for key in sorted(starts):
        start = int(lookup(figures, np.array([key]), rule.where)[0])
        if start < 0:
            continue
        code = int(figures.codes[start, t])
        if options.mode == "ytd":
            months = _ytd_months(codes[code])
            keys = np.array([key + (index[m] - code) * radix for m in months if m in index],
                            dtype=np.int64)
            parts = lookup(figures, keys, {}) if len(keys) else keys
            parts = parts[parts >= 0]
            if not months or not len(parts) or (options.complete and len(parts) < len(months)):
                continue
            lower = 0.0 if options.complete else -np.inf
            terms = [Term(1.0, int(p)) for p in parts] + [Term(-1.0, start)]
        else:
            longer = [index[c] for c in _longer(codes[code]) if c in index]
            nearest = [int(p) for p in lookup(figures, np.array(
                [key + (c - code) * radix for c in longer], dtype=np.int64), {}) if p >= 0]
            if not nearest:
                continue
            lower = -np.inf
            terms = [Term(1.0, start), Term(-1.0, nearest[0])]
        magnitude = float(sum(abs(figures.hi[term.position]) for term in terms))
        total = terms[-1].position
        result.append(relation(terms, lower, 0.0,
                               room(rule.tolerance.slack(figures.hi[total]), magnitude),
                               figures.context(int(figures.key[start]))))
    return result


CHECK = Check(
    headline="A period total does not match its parts",
    keys=("complete",), parse=parse, evaluate=evaluate,
    relations=relations,
    varies=lambda rule, rules: over_time(rules) | signs_over_time(rules))
