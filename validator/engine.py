"""Runs every rule over the figures and stamps rule id, severity and source onto the findings."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from validator.checks import CHECKS
from validator.figures import Figures
from validator.intake import INPUT_RULES, OPTIONAL_INPUT_RULES, Intake, take_in
from validator.model import Evaluation, FigureRole, Finding, RuleSet
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
from validator.revisions import DESCRIPTIONS, PREVIOUS_ROLE, compare
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
        self.extra = [c for c in table.frame.columns if c not in named]

    def ref(self, role: FigureRole) -> FigureRef:
        row = self.table.frame.iloc[role.row_index]
        spec = self.spec
        return FigureRef(
            key={d: str(row[d]) for d in self.dims},
            value=str(row[spec.value]),
            row=int(self.table.rows[role.row_index]),
            unit=str(row[spec.unit]) if spec.unit else "",
            change=str(row[spec.change]) if spec.change else "",
            role=role.role,
            extra={c: str(row[c]) for c in self.extra},
            cells={} if self.table.cells is None else self.table.cells.of(role.row_index),
        )


@dataclass(frozen=True)
class BuiltinResult:
    """The outcome of a check that is not in the rules file (on prose, against another table)."""

    rule_id: str
    kind: str
    description: str
    severity: Severity
    evaluation: Evaluation


def _round(amount: float, decimals: int | None) -> float:
    # Interval ends carry float noise (238.679682195...); past the printed digits it means nothing.
    return amount if decimals is None or not math.isfinite(amount) else round(amount, decimals)


def _rounded(bounds: tuple[float, float] | None,
             decimals: int | None) -> tuple[float, float] | None:
    if bounds is None:
        return None
    return (_round(bounds[0], decimals), _round(bounds[1], decimals))


Progress = Callable[[str], None]


def check(table: Table, rules: RuleSet, builtins: Sequence[BuiltinResult] = (),
          prior: Table | None = None, progress: Progress | None = None) -> Report:
    """Check a table; `builtins` are checks made outside the rules file (on prose); with
    `prior` (the previous release's table) revisions are reported too. `progress`, if given, is
    called with the name of each stage as it starts: "parse", then "rule <id>" for each rule."""
    step: Progress = progress or (lambda stage: None)
    step("parse")
    intake = take_in(table, rules)
    refs = FigureRefs(table, rules)
    prior_refs = FigureRefs(prior, rules) if prior is not None else None

    def resolve(role: FigureRole) -> FigureRef:
        if role.role == PREVIOUS_ROLE and prior_refs is not None:
            return prior_refs.ref(role)
        return refs.ref(role)

    runner = RuleRunner(rules)
    summaries: list[RuleSummary] = []
    discrepancies: list[Discrepancy] = []
    not_evaluated: list[NotEvaluated] = []

    def stamp(rule_id: str, kind: str, severity: Severity, description: str,
              findings: Iterable[Finding]) -> int:
        count = 0
        for finding in findings:
            count += 1
            discrepancies.append(Discrepancy(
                rule=rule_id,
                kind=kind,
                severity=severity,
                description=description,
                message=finding.message,
                figures=tuple(resolve(role) for role in finding.figures),
                context=finding.context,
                expected=_rounded(finding.expected, finding.decimals),
                reported=_rounded(finding.reported, finding.decimals),
                gap=None if finding.gap is None else _round(finding.gap, finding.decimals),
                unit=finding.unit,
            ))
        return count

    optional = {r: d for r, d in OPTIONAL_INPUT_RULES.items() if r in intake.checked}
    for rule_id, description in {**INPUT_RULES, **optional}.items():
        found = [f for r, f in intake.findings if r == rule_id]
        failed = stamp(rule_id, "input", Severity.ERROR, description, found)
        summaries.append(RuleSummary(rule_id, "input", description, Severity.ERROR,
                                     intake.checked[rule_id], failed, 0))
    for builtin in builtins:
        failed = stamp(builtin.rule_id, builtin.kind, builtin.severity, builtin.description,
                       builtin.evaluation.findings)
        not_evaluated.extend(NotEvaluated(builtin.rule_id, u.reason, u.missing, u.context)
                             for u in builtin.evaluation.unevaluated)
        summaries.append(RuleSummary(builtin.rule_id, builtin.kind, builtin.description,
                                     builtin.severity, builtin.evaluation.checked, failed,
                                     builtin.evaluation.not_evaluated))

    touched: list[np.ndarray] = []
    for rule in rules.rules:
        step(f"rule {rule.id}")
        evaluation = runner.run(rule.id, intake.figures)
        touched.append(evaluation.touched)
        failed = stamp(rule.id, rule.kind, rule.severity, rule.description,
                       evaluation.findings)
        skipped = [
            NotEvaluated(rule.id, u.reason, u.missing, u.context) for u in evaluation.unevaluated
        ]
        count = evaluation.not_evaluated
        if count > len(skipped):
            skipped.append(NotEvaluated(
                rule.id, f"{count - len(skipped)} more instances not evaluated (only the first "
                f"{len(skipped)} are listed)"))
        if evaluation.checked == 0 and count == 0:
            # A rule that applies to nothing must not pass silently.
            skipped.append(NotEvaluated(rule.id, "no figures in the table fall under this rule"))
            count = 1
        not_evaluated.extend(skipped)
        summaries.append(RuleSummary(rule.id, rule.kind, rule.description, rule.severity,
                                     evaluation.checked, failed, count))

    if rules.figures.signed:
        signs = evaluate_sign_changes(intake.figures)
        failed = stamp(SIGN_CHANGE, "sign", Severity.WARNING, SIGN_CHANGE_DESCRIPTION,
                       signs.findings)
        summaries.append(RuleSummary(SIGN_CHANGE, "sign", SIGN_CHANGE_DESCRIPTION,
                                     Severity.WARNING, signs.checked, failed, 0))

    if prior is not None:
        previous = take_in(prior, rules).figures
        for result in compare(intake.figures, previous, rules.revision_severity):
            description = DESCRIPTIONS[result.rule]
            failed = stamp(result.rule, "revision", result.severity, description,
                           result.evaluation.findings)
            summaries.append(RuleSummary(result.rule, "revision", description, result.severity,
                                         result.evaluation.checked, failed, 0))

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
