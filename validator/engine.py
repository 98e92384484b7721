"""Runs every rule over the figures and stamps rule id, severity and source onto the findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from validator.checks import CHECKS
from validator.figures import Figures
from validator.intake import INPUT_RULES, take_in
from validator.model import Evaluation, FigureRole, Finding, RuleSet
from validator.report import (
    Discrepancy,
    FigureRef,
    NotEvaluated,
    Report,
    RuleSummary,
    Severity,
)
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
        )


Progress = Callable[[str], None]


def check(table: Table, rules: RuleSet, progress: Progress | None = None) -> Report:
    """Check `table` against `rules`. `progress`, if given, is called with the name of each
    stage as it starts: "parse", then "rule <id>" for each rule of the rules file."""
    step: Progress = progress or (lambda stage: None)
    step("parse")
    intake = take_in(table, rules)
    refs = FigureRefs(table, rules)
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
                figures=tuple(refs.ref(role) for role in finding.figures),
                context=finding.context,
                expected=finding.expected,
                reported=finding.reported,
                gap=finding.gap,
                unit=finding.unit,
            ))
        return count

    for rule_id, description in INPUT_RULES.items():
        found = [f for r, f in intake.findings if r == rule_id]
        failed = stamp(rule_id, "input", Severity.ERROR, description, found)
        summaries.append(RuleSummary(rule_id, "input", description, Severity.ERROR,
                                     intake.checked[rule_id], failed, 0))

    for rule in rules.rules:
        step(f"rule {rule.id}")
        evaluation = runner.run(rule.id, intake.figures)
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

    return Report(
        title=rules.title,
        table=table.path,
        rules_file=rules.path,
        figures=len(table.frame),
        rules=tuple(summaries),
        discrepancies=tuple(discrepancies),
        not_evaluated=tuple(not_evaluated),
    )
