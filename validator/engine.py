"""Runs every rule over the figures and stamps rule id, severity and source onto the findings."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
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
        rule = self.rules[rule_id]
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


def check(table: Table, rules: RuleSet, builtins: Sequence[Outcome] = (),
          prior: Table | None = None, progress: Progress | None = None,
          explain: bool = False) -> Report:
    """Check a table; `builtins` are outcomes of checks made outside the rules file (on prose);
    with `prior` (the previous release's table) revisions are reported too. `progress`, if
    given, is called with the name of each stage as it starts: "parse", then "rule <id>" for
    each rule. With `explain`, the report says which rules used each row's figure and
    the arithmetic that checked it (for a press release's marked text: a loop per rule
    instance, so meant for small tables)."""
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
    failed_instances = 0  # how many instances of the file's rules failed, in all
    runner = RuleRunner(rules)

    def outcomes() -> Iterator[Outcome]:
        nonlocal failed_instances
        yield from _input_outcomes(intake)
        yield from builtins
        for rule in rules.rules:
            step(f"rule {rule.id}")
            evaluation = _evaluate(rule, runner, intake.figures, table)
            touched.append(evaluation.touched)
            if evaluation.findings:
                failed_rows[rule.id] = [r.row_index for f in evaluation.findings
                                        for r in f.figures]
                failed_instances += len(evaluation.findings)
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
        resolved = iter(resolve([r for finding in evaluation.findings for r in finding.figures]))
        discrepancies.extend(
            _discrepancy(outcome, finding, tuple(next(resolved) for _ in finding.figures))
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
                                     len(evaluation.findings), count,
                                     evaluation.not_applicable))

    suspects: tuple[Suspect, ...] = ()
    suspects_note = ""
    if failed_instances > MAX_LOCALISED_FAILURES:
        suspects_note = (
            f"not computed: {failed_instances:,} rule instances failed, more than the "
            f"{MAX_LOCALISED_FAILURES:,} that the search for the most likely wrong figures "
            "takes on; so many failures usually share one cause (a wrong column, unit or "
            "previous-year vintage), which the discrepancies of each rule show.")
    else:
        suspects = _suspects(intake.figures, rules, runner, failed_rows, refs)
    used_by: dict[str, np.ndarray] = {}
    arithmetic: dict[int, tuple[tuple[str, str], ...]] = {}
    if explain:
        from validator.explain import explain_rows

        used_by, arithmetic = explain_rows(intake.figures, rules, runner, touched,
                                           intake.row_keys)
    return Report(
        title=rules.title,
        table=table.path,
        rules_file=rules.path,
        figures=len(table.frame),
        rules=tuple(summaries),
        discrepancies=tuple(discrepancies),
        not_evaluated=tuple(not_evaluated),
        coverage=_coverage(table, rules, intake, touched),
        suspects=suspects,
        unread=(*table.unread, *(u for b in builtins for u in b.unread)),
        reading=table.reading,
        rule_rows=used_by,
        arithmetic_by_row=arithmetic,
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
        evaluation.skip_one(Unevaluated(
            "the table prints none of the figures this rule checks" if evaluation.not_applicable
            else "no figures in the table fall under this rule"))
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
    # So are all copies of a figure whose copies disagree (a finding lists only the first ones).
    unusable_keys = np.fromiter(intake.figures.unusable, dtype=np.int64)
    if len(unusable_keys):
        flagged_mask |= (intake.row_keys >= 0) & np.isin(intake.row_keys, unusable_keys)
    loose = np.flatnonzero(~checked & ~flagged_mask)
    return Coverage(
        figures_checked=int(checked.sum()),
        unconstrained=tuple(
            Unconstrained(key={d: str(table.frame.at[i, d]) for d in dims},
                          row=int(table.rows[i]))
            for i in loose
        ),
    )
