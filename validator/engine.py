"""Runs every rule over the figures and stamps rule id, severity and source onto the findings."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from validator.checks import CHECKS
from validator.figures import Figures
from validator.intake import INPUT_RULES, OPTIONAL_INPUT_RULES, Intake, take_in
from validator.model import (
    BUILTIN_HEADLINES,
    COLUMN_ROLES,
    BuiltinKind,
    Evaluation,
    FigureRole,
    FiguresSpec,
    Finding,
    Outcome,
    Rule,
    RuleSet,
    Unevaluated,
)
from validator.report import (
    Coverage,
    Discrepancy,
    FigureRef,
    NotEvaluated,
    Report,
    RuleSummary,
    Severity,
    Unconstrained,
)
from validator.revisions import PREVIOUS_ROLE, compare
from validator.signs import SIGN_CHANGE, SIGN_CHANGE_DESCRIPTION, evaluate_sign_changes
from validator.table import Table


class RuleRunner:
    """Lets a rule (implied_prior) evaluate other rules on a derived view of the figures."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = {r.id: r for r in rules.rules}

    def run(self, rule_id: str, figures: Figures) -> Evaluation:
        rule = self.rules[rule_id]
        return CHECKS[rule.kind].evaluate(rule, figures, self)


class FigureRefs:
    """Turns a finding's row positions into the records a reader can find in the table."""

    def __init__(self, table: Table, rules: RuleSet) -> None:
        spec = rules.figures
        self.table = table
        self.dims = [d.name for d in rules.dimensions]
        self.spec = spec
        named = {*self.dims, spec.value, spec.change, spec.unit}
        # A figure's cells are those of its printed numbers, the value's first.
        self.number_columns = [c for c in (spec.value, spec.change, spec.share, spec.abs_change)
                               if c]
        self.extra = [c for c in table.frame.columns if c not in named]
        # Optional columns the table lacks (a press release has no % change column) are blank.
        self.unit = spec.unit if spec.unit in table.frame.columns else None
        self.change = spec.change if spec.change in table.frame.columns else None

    def _cells(self, index: int) -> dict[str, str]:
        if self.table.cells is None:
            return {}
        refs = self.table.cells.of(index)
        return {c: refs[c] for c in self.number_columns if c in refs}

    def ref(self, role: FigureRole) -> FigureRef:
        row = self.table.frame.iloc[role.row_index]
        spec = self.spec
        return FigureRef(
            key={d: str(row[d]) for d in self.dims},
            value=str(row[spec.value]),
            row=int(self.table.rows[role.row_index]),
            unit=str(row[self.unit]) if self.unit else "",
            change=str(row[self.change]) if self.change else "",
            role=role.role,
            extra={c: str(row[c]) for c in self.extra},
            cells=self._cells(role.row_index),
        )


def _round(amount: float, decimals: int | None) -> float:
    # Interval ends carry float noise (238.679682195...); past the printed digits it means nothing.
    return amount if decimals is None or not math.isfinite(amount) else round(amount, decimals)


def _rounded(bounds: tuple[float, float] | None,
             decimals: int | None) -> tuple[float, float] | None:
    if bounds is None:
        return None
    return (_round(bounds[0], decimals), _round(bounds[1], decimals))


Progress = Callable[[str], None]


def check(table: Table, rules: RuleSet, builtins: Sequence[Outcome] = (),
          prior: Table | None = None, progress: Progress | None = None) -> Report:
    """Check a table; `builtins` are outcomes of checks made outside the rules file (on prose);
    with `prior` (the previous release's table) revisions are reported too. `progress`, if
    given, is called with the name of each stage as it starts: "parse", then "rule <id>" for
    each rule."""
    step: Progress = progress or (lambda stage: None)
    step("parse")
    intake = take_in(table, rules)
    refs = FigureRefs(table, rules)
    prior_refs = FigureRefs(prior, rules) if prior is not None else None

    def resolve(role: FigureRole) -> FigureRef:
        if role.role == PREVIOUS_ROLE and prior_refs is not None:
            return prior_refs.ref(role)
        return refs.ref(role)

    touched: list[np.ndarray] = []

    def outcomes() -> Iterator[Outcome]:
        yield from _input_outcomes(intake)
        yield from builtins
        runner = RuleRunner(rules)
        for rule in rules.rules:
            step(f"rule {rule.id}")
            evaluation = _evaluate(rule, runner, intake.figures, table)
            touched.append(evaluation.touched)
            yield Outcome(rule.id, rule.kind, rule.description, rule.severity, evaluation)
        if rules.figures.signed:
            yield Outcome(SIGN_CHANGE, "sign", SIGN_CHANGE_DESCRIPTION, Severity.WARNING,
                          evaluate_sign_changes(intake.figures))
        if prior is not None:
            yield from compare(intake.figures, take_in(prior, rules).figures,
                               rules.revision_severity)

    summaries: list[RuleSummary] = []
    discrepancies: list[Discrepancy] = []
    not_evaluated: list[NotEvaluated] = []
    for outcome in outcomes():
        evaluation = outcome.evaluation
        discrepancies.extend(_discrepancy(outcome, finding, resolve)
                             for finding in evaluation.findings)
        skipped = [NotEvaluated(outcome.rule_id, u.reason, u.missing, u.context)
                   for u in evaluation.unevaluated]
        count = evaluation.not_evaluated
        if count > len(skipped):
            skipped.append(NotEvaluated(
                outcome.rule_id, f"{count - len(skipped)} more instances not evaluated (only the "
                f"first {len(skipped)} are listed)"))
        not_evaluated.extend(skipped)
        summaries.append(RuleSummary(outcome.rule_id, outcome.kind, outcome.description,
                                     outcome.severity, evaluation.checked,
                                     len(evaluation.findings), count))

    return Report(
        title=rules.title,
        table=table.path,
        rules_file=rules.path,
        figures=len(table.frame),
        rules=tuple(summaries),
        discrepancies=tuple(discrepancies),
        not_evaluated=tuple(not_evaluated),
        coverage=_coverage(table, rules, intake, touched),
        unread=table.unread,
        reading=table.reading,
    )


def _input_outcomes(intake: Intake) -> Iterator[Outcome]:
    """The intake's row checks as outcomes of the built-in `input.*` rules."""
    optional = {r: d for r, d in OPTIONAL_INPUT_RULES.items() if r in intake.checked}
    for rule_id, description in {**INPUT_RULES, **optional}.items():
        found = [f for r, f in intake.findings if r == rule_id]
        yield Outcome(rule_id, "input", description, Severity.ERROR,
                      Evaluation(checked=intake.checked[rule_id], findings=found))


def _evaluate(rule: Rule, runner: RuleRunner, figures: Figures, table: Table) -> Evaluation:
    """A rule of the file on the figures; a rule that applies to nothing is not evaluated."""
    absent = _absent_columns(rule, figures.spec, table)
    if absent:
        evaluation = Evaluation()
        evaluation.skip_one(Unevaluated(f"{absent}, which this rule reads"))
        return evaluation
    evaluation = runner.run(rule.id, figures)
    if evaluation.checked == 0 and evaluation.not_evaluated == 0:
        # A rule that applies to nothing must not pass silently.
        evaluation.skip_one(Unevaluated("no figures in the table fall under this rule"))
    return evaluation


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
                 resolve: Callable[[FigureRole], FigureRef]) -> Discrepancy:
    return Discrepancy(
        rule=outcome.rule_id,
        kind=outcome.kind,
        severity=outcome.severity,
        description=outcome.description,
        message=finding.message,
        figures=tuple(resolve(role) for role in finding.figures),
        context=finding.context,
        expected=_rounded(finding.expected, finding.decimals),
        reported=_rounded(finding.reported, finding.decimals),
        gap=None if finding.gap is None else _round(finding.gap, finding.decimals),
        unit=finding.unit,
        headline=headline_of(outcome.kind),
    )


def _coverage(table: Table, rules: RuleSet, intake: Intake,
              touched: list[np.ndarray]) -> Coverage:
    """Rows some evaluated rule instance used, and the usable rows none did.

    Rows repeating a figure count with the copy the checks used; rows already named by an input
    discrepancy (unreadable, unknown code) are not listed again as unconstrained.
    """
    n = len(table.frame)
    used = np.zeros(len(intake.figures.key), dtype=bool)
    for positions in touched:  # one array per rule; a mask avoids sorting millions of positions
        used[positions.astype(np.int64)] = True
    dims = [d.name for d in rules.dimensions]
    used_keys = intake.figures.key[used]
    checked = (intake.row_keys >= 0) & np.isin(intake.row_keys, used_keys)
    flagged_mask = np.zeros(n, dtype=bool)
    flagged_mask[[r.row_index for _, f in intake.findings for r in f.figures]] = True
    loose = np.flatnonzero(~checked & ~flagged_mask)
    return Coverage(
        figures_checked=int(checked.sum()),
        unconstrained=tuple(
            Unconstrained(key={d: str(table.frame.at[i, d]) for d in dims},
                          row=int(table.rows[i]))
            for i in loose
        ),
    )
