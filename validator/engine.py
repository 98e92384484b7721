"""Runs every rule over the figures and stamps rule id, severity and source onto the findings."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from validator.checks import CHECKS
from validator.figures import Figures
from validator.intake import INPUT_RULES, OPTIONAL_INPUT_RULES, Intake, take_in
from validator.limits import MAX_LOCALISED_FAILURES
from validator.localise import localise
from validator.model import (
    BUILTIN_HEADLINES,
    COLUMN_ROLES,
    MAX_LISTED_UNEVALUATED,
    BuiltinKind,
    Evaluation,
    FigureRole,
    FiguresSpec,
    Finding,
    Outcome,
    Rule,
    RuleSet,
)
from validator.refs import FigureRefs
from validator.relations import MEASURES, Quantity, Relation
from validator.report import (
    Coverage,
    Discrepancy,
    FigureRef,
    NotEvaluated,
    Report,
    RuleSummary,
    Severity,
    Suspect,
    Unconstrained,
)
from validator.revisions import PREVIOUS_ROLE, compare
from validator.signs import SIGN_CHANGE, SIGN_CHANGE_DESCRIPTION, evaluate_sign_changes
from validator.table import Table


class RuleRunner:
    """Lets a rule (implied_prior) evaluate other rules on a derived view of the figures."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = {r.id: r for r in rules.rules}
        self._memo: dict[object, Any] = {}

    def memo(self, key: object, make: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def run(self, rule_id: str, figures: Figures) -> Evaluation:
        return self.run_rule(self.rules[rule_id], figures)

    def run_rule(self, rule: Rule, figures: Figures) -> Evaluation:
        return CHECKS[rule.kind].evaluate(rule, figures, self)

    def relations(self, rule_id: str, figures: Figures,
                  positions: np.ndarray) -> list[Relation]:
        rule = self.rules[rule_id]
        describe = CHECKS[rule.kind].relations
        if describe is None or not len(positions):
            return []
        return [Relation(r.terms, r.lower, r.upper, r.context, rule_id)
                for r in describe(rule, figures, positions, self)]


def _decimals(finding: Finding) -> int | None:
    """The decimals a finding's amounts mean anything to: as its check says, else from the
    narrowest interval it states (printed figures pin its ends to about a tenth of its width)."""
    if finding.decimals is not None:
        return finding.decimals
    widths = [hi - lo for lo, hi in (finding.expected or (0, 0), finding.reported or (0, 0))
              if math.isfinite(hi - lo) and hi > lo]
    if not widths:
        return None
    return max(0, 1 - math.floor(math.log10(min(widths))))


def _round(amount: float, decimals: int | None) -> float:
    # Interval ends carry float noise (238.679682195...); past the printed digits it means nothing.
    return amount if decimals is None or not math.isfinite(amount) else round(amount, decimals)


def _rounded(bounds: tuple[float, float] | None,
             decimals: int | None) -> tuple[float, float] | None:
    if bounds is None:
        return None
    return (_round(bounds[0], decimals), _round(bounds[1], decimals))


Progress = Callable[[str], None]


@dataclass
class RuleResult:
    """One rule's results on a table, or on one part of it (a lazy engine adds the parts up)."""

    summary: RuleSummary
    discrepancies: list[Discrepancy] = field(default_factory=list)
    listed: list[NotEvaluated] = field(default_factory=list)  # the first not evaluated
    # Why the whole rule was not evaluated: the table lacks a column it reads ("" if none).
    absent: str = ""
    idle: str = ""  # why it checked nothing, if it checks nothing anywhere (Evaluation.idle)

    def add(self, other: RuleResult) -> None:
        """Another part's results of the same rule: counts added, the first ones listed."""
        mine, theirs = self.summary, other.summary
        self.summary = dataclasses.replace(
            mine, checked=mine.checked + theirs.checked, failed=mine.failed + theirs.failed,
            not_evaluated=mine.not_evaluated + theirs.not_evaluated,
            not_applicable=mine.not_applicable + theirs.not_applicable)
        self.discrepancies.extend(other.discrepancies)
        room = max(MAX_LISTED_UNEVALUATED - len(self.listed), 0)
        self.listed.extend(other.listed[:room])
        self.absent = self.absent or other.absent
        self.idle = self.idle or other.idle


@dataclass
class Evaluated:
    """What the rules found on one table: per rule, and which rows they checked."""

    results: list[RuleResult]
    checked: np.ndarray  # bool per frame row: some evaluated rule instance used its figure
    flagged: np.ndarray  # bool per frame row: named by an input discrepancy
    failed_rows: dict[str, list[int]]  # rule of the file -> frame rows its failures name
    touched: list[np.ndarray]  # per rule of the file: the figure positions it used
    intake: Intake
    refs: FigureRefs
    runner: RuleRunner


def check(table: Table, rules: RuleSet, builtins: Sequence[Outcome] = (),
          prior: Table | None = None, progress: Progress | None = None,
          explain: bool = False) -> Report:
    """Check a table; `builtins` are outcomes of checks made outside the rules file (on prose);
    with `prior` (the previous release's table) revisions are reported too. `progress`, if
    given, is called with the name of each stage as it starts: "parse", then "rule <id>" for
    each rule. With `explain`, the report says which rules used each row's figure and
    the arithmetic that checked it (for a press release's marked text: a loop per rule
    instance, so meant for small tables)."""
    found = evaluate(table, rules, rules.rules, builtins=builtins, prior=prior,
                     progress=progress)
    failed_instances = sum(len(r.discrepancies) for r in found.results
                           if r.summary.id in found.failed_rows)
    suspects: tuple[Suspect, ...] = ()
    suspects_note = suspects_note_for(failed_instances)
    if not suspects_note:
        suspects = _suspects(found.intake.figures, rules, found.runner, found.failed_rows,
                             found.refs)
    used_by: dict[str, np.ndarray] = {}
    arithmetic: dict[int, tuple[tuple[str, str], ...]] = {}
    if explain:
        from validator.explain import explain_rows

        used_by, arithmetic = explain_rows(found.intake.figures, rules, found.runner,
                                           found.touched, found.intake.row_keys)
    loose = np.flatnonzero(~found.checked & ~found.flagged)
    return dataclasses.replace(
        assemble(rules, table.path, len(table.frame), found.results,
                 Coverage(int(found.checked.sum()), unconstrained(table, rules, loose)),
                 suspects, suspects_note),
        unread=(*table.unread, *(u for b in builtins for u in b.unread)),
        reading=table.reading, rule_rows=used_by, arithmetic_by_row=arithmetic)


def suspects_note_for(failed_instances: int) -> str:
    """Why no suspects are computed for so many failing instances ("" when they are)."""
    if failed_instances <= MAX_LOCALISED_FAILURES:
        return ""
    return (f"not computed: {failed_instances:,} rule instances failed, more than the "
            f"{MAX_LOCALISED_FAILURES:,} that the search for the most likely wrong figures "
            "takes on; so many failures usually share one cause (a wrong column, unit or "
            "previous-year vintage), which the discrepancies of each rule show.")


def evaluate(table: Table, rules: RuleSet, selected: Sequence[Rule], *,
             builtins: Sequence[Outcome] = (), prior: Table | None = None,
             progress: Progress | None = None, inputs: bool = True,
             signs: bool = True) -> Evaluated:
    """The `selected` rules of the file (others may be pieces of them, see `split_rule`) on a
    table, with the input checks and sign changes unless told not to."""
    step: Progress = progress or (lambda stage: None)
    step("parse")
    intake = take_in(table, rules)
    refs = FigureRefs(table, rules)
    prior_refs = FigureRefs(prior, rules) if prior is not None else None

    def resolve(roles: list[FigureRole]) -> list[FigureRef]:
        """All the figures of one outcome at once (one take per column of each table)."""
        if prior_refs is None or all(r.role != PREVIOUS_ROLE for r in roles):
            return refs.refs(roles)
        current = refs.refs([r for r in roles if r.role != PREVIOUS_ROLE])[::-1]
        previous = prior_refs.refs([r for r in roles if r.role == PREVIOUS_ROLE])[::-1]
        return [(previous if r.role == PREVIOUS_ROLE else current).pop() for r in roles]

    touched: list[np.ndarray] = []
    failed_rows: dict[str, list[int]] = {}  # rule of the file -> rows its failing instances name
    absent: dict[str, str] = {}
    runner = RuleRunner(rules)

    def outcomes() -> Iterator[Outcome]:
        if inputs:
            yield from _input_outcomes(intake)
        yield from builtins
        for rule in selected:
            step(f"rule {rule.id}")
            absent[rule.id] = _absent_columns(rule, intake.figures.spec, table)
            evaluation = (Evaluation() if absent[rule.id]
                          else runner.run_rule(rule, intake.figures))
            touched.append(evaluation.touched)
            failed_rows.setdefault(rule.id, []).extend(
                r.row_index for f in evaluation.findings for r in f.figures)
            yield Outcome(rule.id, rule.kind, rule.description, rule.severity, evaluation)
        if signs and rules.figures.signed:
            yield Outcome(SIGN_CHANGE, "sign", SIGN_CHANGE_DESCRIPTION, Severity.WARNING,
                          evaluate_sign_changes(intake.figures))
        if prior is not None:
            yield from compare(intake.figures, take_in(prior, rules).figures,
                               rules.revision_severity)

    results: dict[str, RuleResult] = {}
    for outcome in outcomes():
        evaluation = outcome.evaluation
        resolved = iter(resolve([r for finding in evaluation.findings for r in finding.figures]))
        result = RuleResult(
            RuleSummary(outcome.rule_id, outcome.kind, outcome.description, outcome.severity,
                        evaluation.checked, len(evaluation.findings), evaluation.not_evaluated,
                        evaluation.not_applicable),
            [_discrepancy(outcome, finding, tuple(next(resolved) for _ in finding.figures))
             for finding in evaluation.findings],
            [NotEvaluated(outcome.rule_id, u.reason, u.missing, u.context)
             for u in evaluation.unevaluated],
            absent.get(outcome.rule_id, ""), evaluation.idle)
        if outcome.rule_id in results:  # pieces of one rule (see split_rule)
            results[outcome.rule_id].add(result)
        else:
            results[outcome.rule_id] = result
    checked, flagged = _coverage_masks(table, rules, intake, touched)
    return Evaluated(list(results.values()), checked, flagged,
                     {k: v for k, v in failed_rows.items() if v}, touched, intake, refs, runner)


def assemble(rules: RuleSet, table_name: str, figures: int, results: Sequence[RuleResult],
             coverage: Coverage, suspects: tuple[Suspect, ...] = (),
             suspects_note: str = "") -> Report:
    """The report of a table from every rule's results (added up over parts by a lazy engine).

    A rule that applies to nothing, or reads a column the table lacks, must not pass silently:
    it is not evaluated, once, whatever the number of parts.
    """
    summaries: list[RuleSummary] = []
    discrepancies: list[Discrepancy] = []
    not_evaluated: list[NotEvaluated] = []
    for result in results:
        summary, listed = result.summary, list(result.listed)
        if result.absent or (summary.checked == 0 and summary.not_evaluated == 0
                             and summary.kind in CHECKS):
            reason = (f"{result.absent}, which this rule reads" if result.absent
                      else result.idle if result.idle
                      else "the table prints none of the figures this rule checks"
                      if summary.not_applicable else "no figures in the table fall under this rule")
            listed = [NotEvaluated(summary.id, reason)]
            summary = dataclasses.replace(summary, not_evaluated=1)
        discrepancies.extend(result.discrepancies)
        count = summary.not_evaluated
        if count > len(listed):
            listed.append(NotEvaluated(
                summary.id, f"{count - len(listed)} more instances not evaluated (only the "
                f"first {len(listed)} are listed)"))
        not_evaluated.extend(listed)
        summaries.append(summary)
    return Report(
        title=rules.title,
        table=table_name,
        rules_file=rules.path,
        figures=figures,
        rules=tuple(summaries),
        discrepancies=tuple(discrepancies),
        not_evaluated=tuple(not_evaluated),
        coverage=coverage,
        suspects=suspects,
        suspects_note=suspects_note,
    )


def _suspects(figures: Figures, rules: RuleSet, runner: RuleRunner,
              failed: Mapping[str, list[int]], refs: FigureRefs) -> tuple[Suspect, ...]:
    """Which figures most likely explain the failing rules (validator/localise.py)."""
    if not failed:
        return ()
    # Frame rows back to figure positions: only the few rows named, never the whole table.
    rows = np.unique(np.array([r for named in failed.values() for r in named], dtype=np.int64))
    found = np.flatnonzero(np.isin(figures.frame_index, rows))
    position_of = dict(zip(figures.frame_index[found].tolist(), found.tolist(), strict=True))
    # The failing instances, as relations: each failing rule on the figures it names.
    failing = [rel for rule_id, named in failed.items() for rel in runner.relations(
        rule_id, figures, np.unique([position_of[r] for r in named if r in position_of]))]

    def around(positions: np.ndarray) -> list[Relation]:
        return [rel for rule in rules.rules for rel in runner.relations(rule.id, figures,
                                                                        positions)]

    columns = {Quantity.VALUE: rules.figures.value, Quantity.CHANGE: rules.figures.change,
               Quantity.SHARE: rules.figures.share, Quantity.ABS: rules.figures.abs_change}

    # The other instances on those figures (which pin them) only as a group needs them.
    suspicions = localise(figures, failing, around)
    # Every suspect's cells taken at once: a take per suspect costs a pass over the column.
    named = refs.refs([FigureRole(int(figures.frame_index[s.position]), "suspect")
                       for s in suspicions])
    together = [p for s in suspicions for p in s.together]
    together_rows = iter(refs.refs([FigureRole(int(figures.frame_index[p]), "suspect")
                                    for p in together]))
    return tuple(
        Suspect(
            group=s.group, rank=s.rank, figure=figure,
            measure=MEASURES[s.quantity], column=columns[s.quantity] or "",
            suggestion=s.suggestion,
            pattern=None if s.pattern is None else s.pattern.value,
            explains=s.explains, reason=s.reason,
            together_with=tuple(next(together_rows).row or 0 for _ in s.together),
        )
        for s, figure in zip(suspicions, named, strict=True))


def _input_outcomes(intake: Intake) -> Iterator[Outcome]:
    """The intake's row checks as outcomes of the built-in `input.*` rules."""
    optional = {r: d for r, d in OPTIONAL_INPUT_RULES.items() if r in intake.checked}
    for rule_id, description in {**INPUT_RULES, **optional}.items():
        found = [f for r, f in intake.findings if r == rule_id]
        yield Outcome(rule_id, "input", description, Severity.ERROR,
                      Evaluation(checked=intake.checked[rule_id], findings=found))


def _absent_columns(rule: Rule, spec: FiguresSpec, table: Table) -> str:
    """Why the table lacks a column the rule's kind reads ("" when it has them all)."""
    for role in CHECKS[rule.kind].reads(rule.options):
        column = spec.column_of(role)
        if column is None:
            return f"the rules file names no {role} column (figures.{role})"
        if column not in table.frame.columns:
            return f"the table has no column '{column}' ({COLUMN_ROLES[role]})"
    return ""


def headline_of(kind: str) -> str:
    """A rule kind's headline; KeyError for a kind that has none (never a silent fallback)."""
    return CHECKS[kind].headline if kind in CHECKS else BUILTIN_HEADLINES[BuiltinKind(kind)]


def _discrepancy(outcome: Outcome, finding: Finding,
                 figures: tuple[FigureRef, ...]) -> Discrepancy:
    return Discrepancy(
        rule=outcome.rule_id,
        kind=outcome.kind,
        severity=outcome.severity,
        description=outcome.description,
        message=finding.message,
        figures=figures,
        context=finding.context,
        expected=_rounded(finding.expected, _decimals(finding)),
        reported=_rounded(finding.reported, _decimals(finding)),
        gap=None if finding.gap is None else _round(finding.gap, _decimals(finding)),
        unit=finding.unit,
        headline=headline_of(outcome.kind),
    )


def _coverage_masks(table: Table, rules: RuleSet, intake: Intake,
                    touched: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per frame row: whether some evaluated rule instance used its figure, and whether an
    input discrepancy names it.

    Rows repeating a figure count with the copy the checks used; so are all copies of a figure
    whose copies disagree flagged (a finding lists only the first ones).
    """
    n = len(table.frame)
    used = np.zeros(len(intake.figures.key), dtype=bool)
    for positions in touched:  # one array per rule; a mask avoids sorting millions of positions
        used[positions.astype(np.int64)] = True
    # A row's figure found through the figures' own index: np.isin would sort every key.
    checked = intake.figures.find(intake.row_keys).marked(used)
    flagged = np.zeros(n, dtype=bool)
    flagged[[r.row_index for _, f in intake.findings for r in f.figures]] = True
    unusable_keys = np.fromiter(intake.figures.unusable, dtype=np.int64)
    if len(unusable_keys):
        flagged |= (intake.row_keys >= 0) & np.isin(intake.row_keys, unusable_keys)
    return checked, flagged


def unconstrained(table: Table, rules: RuleSet,
                  loose: np.ndarray) -> tuple[Unconstrained, ...]:
    """The usable figures at frame positions `loose` that no evaluated rule instance used
    (rows already named by an input discrepancy are not listed again)."""
    dims = [d.name for d in rules.dimensions]
    return tuple(
        Unconstrained(key={d: str(table.frame.at[i, d]) for d in dims},
                      row=int(table.rows[i]))
        for i in loose
    )
