"""The report: discrepancies, per-rule summaries and the figures no rule could check.

Every output format renders from `Report.to_records()`, a plain JSON-ready dict whose shape is
documented in docs/json-report.md.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from validator.model import Severity as Severity  # the rules model owns it

REPORT_FORMAT_VERSION = 1


class Verdict(enum.StrEnum):
    """What a report says overall; stated first in every format.

    NOTHING_CHECKED is not clean: no rule instance was evaluated (a header-only table, a value
    column all empty, no rules, `where` selecting nothing, every instance not evaluable), so
    the report vouches for nothing. It fails a check unless `--allow-empty` accepts it.
    """

    CLEAN = "clean"
    DISCREPANCIES = "discrepancies"
    NOTHING_CHECKED = "nothing checked"


# Rules that count what was read rather than check a figure: their instances do not make a
# report "checked" (the input.* rules see every row; prose.unplaced every number of the text).
BOOKKEEPING_RULES = frozenset({"prose.unplaced"})
BOOKKEEPING_PREFIX = "input."


def is_bookkeeping(rule_id: str) -> bool:
    return rule_id.startswith(BOOKKEEPING_PREFIX) or rule_id in BOOKKEEPING_RULES


class FailOn(enum.StrEnum):
    """Which discrepancies make a check fail (`--fail-on`)."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"

    @property
    def severities(self) -> frozenset[Severity]:
        if self is FailOn.ERROR:
            return frozenset({Severity.ERROR})
        if self is FailOn.WARNING:
            return frozenset(Severity)
        return frozenset()


@dataclass(frozen=True)
class FigureRef:
    """One figure as the reader of a report needs to find it again."""

    key: Mapping[str, str]
    value: str
    row: int | None
    unit: str = ""
    change: str = ""
    role: str = "figure"
    extra: Mapping[str, str] = field(default_factory=dict)
    # The spreadsheet cell of each of the figure's texts, by table column: `Table 1!C7`.
    cells: Mapping[str, str] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        record = {
            "key": dict(self.key),
            "value": self.value,
            "unit": self.unit,
            "change": self.change,
            "row": self.row,
            "role": self.role,
            "extra": dict(self.extra),
        }
        if self.cells:
            record["cells"] = dict(self.cells)
        return record


@dataclass(frozen=True)
class Discrepancy:
    """A rule instance that no values inside the printed precision can satisfy."""

    rule: str
    kind: str
    severity: Severity
    description: str
    message: str
    figures: tuple[FigureRef, ...]
    headline: str  # what the rule's kind means for the reader, in plain words
    context: Mapping[str, str] = field(default_factory=dict)
    expected: tuple[float, float] | None = None
    reported: tuple[float, float] | None = None
    gap: float | None = None
    unit: str = ""

    def to_record(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "headline": self.headline,
            "severity": self.severity.value,
            "description": self.description,
            "message": self.message,
            "context": dict(self.context),
            "figures": [f.to_record() for f in self.figures],
            "expected": _interval(self.expected),
            "reported": _interval(self.reported),
            "gap": self.gap,
            "unit": self.unit,
        }


def _interval(bounds: tuple[float, float] | None) -> list[float | None] | None:
    """[lo, hi] for JSON; an open end (no minimum, no maximum) is null."""
    if bounds is None:
        return None
    return [b if math.isfinite(b) else None for b in bounds]


@dataclass(frozen=True)
class NotEvaluated:
    """A rule instance that could not be evaluated, and what it lacked."""

    rule: str
    reason: str
    missing: tuple[Mapping[str, str], ...] = ()
    context: Mapping[str, str] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "reason": self.reason,
            "context": dict(self.context),
            "missing": [dict(m) for m in self.missing],
        }


@dataclass(frozen=True)
class RuleSummary:
    id: str
    kind: str
    description: str
    severity: Severity
    checked: int
    failed: int
    not_evaluated: int
    not_applicable: int = 0  # instances none of whose checked figures is printed

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "description": self.description,
            "severity": self.severity.value,
            "checked": self.checked,
            "failed": self.failed,
            "not_evaluated": self.not_evaluated,
            "not_applicable": self.not_applicable,
        }


@dataclass(frozen=True)
class Unconstrained:
    """A usable figure that no evaluated rule instance involved: nothing checks it."""

    key: Mapping[str, str]
    row: int

    def to_record(self) -> dict[str, Any]:
        return {"key": dict(self.key), "row": self.row}


@dataclass(frozen=True)
class Coverage:
    figures_checked: int = 0  # table rows that took part in at least one evaluated rule instance
    unconstrained: tuple[Unconstrained, ...] = ()

    def to_record(self) -> dict[str, Any]:
        return {
            "figures_checked": self.figures_checked,
            "unconstrained": [u.to_record() for u in self.unconstrained],
        }


@dataclass(frozen=True)
class BaselineSummary:
    """What a baseline of accepted discrepancies did to a report (see validator/baseline.py)."""

    file: str
    accepted: int  # discrepancies found and hidden because the baseline accepts them
    stale: tuple[Mapping[str, Any], ...] = ()  # baseline entries no longer found, as in the file

    def to_record(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "accepted": self.accepted,
            "stale": [dict(e) for e in self.stale],
        }


class Pattern(enum.StrEnum):
    """How a typing or editing error turns a suspect's suggested value into the printed one."""

    TRANSPOSED_DIGITS = "transposed_digits"  # 17.0 printed for 71.0
    DROPPED_DIGIT = "dropped_digit"  # 83.6 for 183.6
    ADDED_DIGIT = "added_digit"  # 1183.6 for 183.6
    DECIMAL_SHIFT = "decimal_shift"  # 1836 for 183.6
    SIGN_FLIP = "sign_flip"  # -5.4 for 5.4
    UNIT_STEP = "unit_step"  # 183.6 USD mn for 183.6 USD bn (any two units of the rules file)
    OTHER_FIGURE = "other_figure"  # the value of another figure of the group or a nearby row
    SWAPPED_PAIR = "swapped_pair"  # two figures' values exchanged
    TRUNCATION = "truncation"  # 10.8 for 10.89, which rounds to 10.9

    @property
    def phrase(self) -> str:
        return PATTERN_PHRASES[self.value]


PATTERN_PHRASES: Mapping[str, str] = {
    "transposed_digits": "digits transposed",
    "dropped_digit": "a digit dropped",
    "added_digit": "a digit added",
    "decimal_shift": "decimal point shifted",
    "sign_flip": "sign flipped",
    "unit_step": "wrong unit",
    "other_figure": "the value of another figure",
    "swapped_pair": "two figures swapped",
    "truncation": "truncated instead of rounded",
}


@dataclass(frozen=True)
class Suspect:
    """A figure most likely wrong, and what it should probably say (see validator/localise.py)."""

    group: int  # failing instances that share figures form a group, numbered from 1
    rank: int  # 1 = most likely in its group; equal ranks are a tie the data cannot break
    figure: FigureRef
    measure: str  # what of the figure is suspected: value, change, share or abs_change
    column: str  # the table column of that measure
    suggestion: str | None  # printed text that makes every rule of the group hold
    pattern: str | None  # a name of validator.localise.Pattern
    explains: tuple[tuple[str, Mapping[str, str]], ...]  # (rule id, context) resolved
    reason: str
    together_with: tuple[int, ...] = ()  # rows to change together with this one

    def to_record(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "rank": self.rank,
            "figure": self.figure.to_record(),
            "measure": self.measure,
            "column": self.column,
            "suggestion": self.suggestion,
            "pattern": self.pattern,
            "explains": [{"rule": rule, "context": dict(context)}
                         for rule, context in self.explains],
            "reason": self.reason,
            "together_with": list(self.together_with),
        }


class MarkStatus(enum.StrEnum):
    """What became of one number in the text of a press release."""

    SUSPECT = "suspect"  # part of a discrepancy, and the most likely wrong figure of it
    DISCREPANCY = "discrepancy"  # a figure of a failing rule instance
    CHECKED = "checked"  # read as a figure, checked by a rule, consistent
    NOT_EVALUATED = "not_evaluated"  # read as a figure, but no rule could check it
    UNPLACED = "unplaced"  # a number of the release not read as a figure
    ASIDE = "aside"  # not a figure of the release at all (a threshold, a forecast)


@dataclass(frozen=True)
class Mark:
    """One number of a press release's text, where it is and what became of it."""

    start: int  # characters start..end of its sentence
    end: int
    status: MarkStatus
    measure: str = ""  # "value" or "change" for a number read as a figure
    key: Mapping[str, str] = field(default_factory=dict)  # the figure's codes, if read
    rules: tuple[str, ...] = ()  # the rules that checked it
    problems: tuple[Discrepancy, ...] = ()  # the discrepancies it is part of
    suggestion: str | None = None  # for a suspect: what it should probably say
    note: str = ""  # why: the suspect's reason, what could not be evaluated, why not read
    arithmetic: tuple[str, ...] = ()  # what the other figures allow for it, rule by rule

    def to_record(self, sentence: str, index_of: Mapping[int, int]) -> dict[str, Any]:
        """`index_of`: id of each discrepancy the report still lists -> its index there (a
        baseline or --ignore may have taken some away since the marks were made)."""
        problems = [index_of[id(d)] for d in self.problems if id(d) in index_of]
        status = self.status
        if self.problems and not problems:
            status = MarkStatus.CHECKED  # its discrepancies are accepted or not selected
        return {"start": self.start, "end": self.end, "text": sentence[self.start:self.end],
                "status": status.value, "measure": self.measure, "key": dict(self.key),
                "rules": list(self.rules), "problems": problems,
                "suggestion": self.suggestion if problems else None, "note": self.note,
                "arithmetic": list(self.arithmetic)}


@dataclass(frozen=True)
class MarkedSentence:
    number: int  # as in the report's messages ("sentence 5")
    text: str
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class MarkedRelease:
    """The text of a checked press release, paragraph by paragraph, every number marked."""

    path: str
    paragraphs: tuple[tuple[bool, tuple[MarkedSentence, ...]], ...]  # (is a table, sentences)

    def to_record(self, discrepancies: tuple[Discrepancy, ...]) -> dict[str, Any]:
        index_of = {id(d): i for i, d in enumerate(discrepancies)}
        return {"path": self.path, "paragraphs": [
            {"table": table, "sentences": [
                {"number": s.number, "text": s.text,
                 "marks": [m.to_record(s.text, index_of) for m in s.marks]}
                for s in sentences]}
            for table, sentences in self.paragraphs]}


@dataclass(frozen=True)
class Report:
    title: str
    table: str
    rules_file: str
    figures: int
    rules: tuple[RuleSummary, ...]
    discrepancies: tuple[Discrepancy, ...]
    not_evaluated: tuple[NotEvaluated, ...]
    coverage: Coverage = field(default_factory=Coverage)
    baseline: BaselineSummary | None = None
    suspects: tuple[Suspect, ...] = ()
    # Parts of the input that were not read at all ("sheet 'February' not read").
    unread: tuple[str, ...] = ()
    reading: str = ""  # how the input was read: sheets, print layout, CSV dialect
    release: MarkedRelease | None = None  # a press release's own text, its numbers marked
    # Why no figure is named as most likely wrong although rules failed ("" when they are).
    suspects_note: str = ""
    # Rule id -> the frame rows (sorted) whose figure its evaluated instances used (asked for
    # by `engine.check(..., explain=True)`; not part of the records).
    rule_rows: Mapping[str, Any] = field(default_factory=dict)
    # Frame row -> (measure, line): what the other figures allow for it, rule by rule (the
    # same request, for small tables).
    arithmetic_by_row: Mapping[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def rules_of_row(self, row: int) -> tuple[str, ...]:
        """The rules whose evaluated instances used the figure of this frame row."""
        import numpy as np

        found = []
        for rule, rows in self.rule_rows.items():
            at = int(np.searchsorted(rows, row))
            if at < len(rows) and rows[at] == row:
                found.append(rule)
        return tuple(found)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.discrepancies if d.severity is severity)

    @property
    def clean(self) -> bool:
        return not self.discrepancies

    @property
    def evaluated(self) -> int:
        """Rule instances evaluated, not counting the bookkeeping of what was read."""
        return sum(r.checked for r in self.rules if not is_bookkeeping(r.id))

    @property
    def verdict(self) -> Verdict:
        if self.discrepancies:
            return Verdict.DISCREPANCIES
        return Verdict.CLEAN if self.evaluated else Verdict.NOTHING_CHECKED

    def fails(self, fail_on: FailOn = FailOn.ERROR, allow_empty: bool = False) -> bool:
        """Whether the check fails: discrepancies at `fail_on` or worse, or nothing checked
        (unless `allow_empty`, or `fail_on` is never)."""
        if self.count_failing(fail_on):
            return True
        return (self.verdict is Verdict.NOTHING_CHECKED and not allow_empty
                and fail_on is not FailOn.NEVER)

    def count_failing(self, fail_on: FailOn | Severity = FailOn.ERROR) -> int:
        """Discrepancies at `fail_on` or worse (none for FailOn.NEVER)."""
        failing = FailOn(fail_on.value).severities
        return sum(1 for d in self.discrepancies if d.severity in failing)

    def to_frame(self) -> Any:
        """The discrepancies as a pandas DataFrame: one row per discrepancy, with the rule, the
        severity, the message, the context codes, the rows of its figures, and the expected and
        reported intervals (lo, hi) and the gap in `unit`."""
        import pandas as pd  # only here: the records layer needs no pandas otherwise

        columns = ["rule", "kind", "severity", "message", "context", "rows", "expected_lo",
                   "expected_hi", "reported_lo", "reported_hi", "gap", "unit"]
        nothing = (math.nan, math.nan)
        return pd.DataFrame(
            [(d.rule, d.kind, d.severity.value, d.message, dict(d.context),
              [f.row for f in d.figures], *(d.expected or nothing), *(d.reported or nothing),
              math.nan if d.gap is None else d.gap, d.unit)
             for d in self.discrepancies],
            columns=columns,
        )

    def _repr_html_(self) -> str:
        """The HTML report's body with its style sheet, for Jupyter."""
        # Imported here: the records layer does not depend on the reporters otherwise.
        from validator.reporters import Format, render

        page = render(Format.HTML, self.to_records())
        style = page[page.find("<style>"):page.find("</style>") + len("</style>")]
        body = page[page.find("<body>") + len("<body>"):page.rfind("</body>")]
        return f"{style}\n{body}"

    def to_records(self) -> dict[str, Any]:
        errors = self.count(Severity.ERROR)
        warnings = self.count(Severity.WARNING)
        verdict = self.verdict
        status = "failed" if errors else ("warnings" if warnings else "clean")
        if verdict is Verdict.NOTHING_CHECKED:
            status = verdict.value
        return {
            "verdict": verdict.value,
            "version": REPORT_FORMAT_VERSION,
            "title": self.title,
            "inputs": {"table": self.table, "rules": self.rules_file,
                       **({"read": self.reading} if self.reading else {})},
            "summary": {
                "status": status,
                "figures": self.figures,
                "rules": len(self.rules),
                "checked": sum(r.checked for r in self.rules),
                "failed": sum(r.failed for r in self.rules),
                "not_evaluated": sum(r.not_evaluated for r in self.rules),
                "not_applicable": sum(r.not_applicable for r in self.rules),
                "errors": errors,
                "warnings": warnings,
            },
            "rules": [r.to_record() for r in self.rules],
            "suspects": [s.to_record() for s in self.suspects],
            **({"suspects_note": self.suspects_note} if self.suspects_note else {}),
            "discrepancies": [d.to_record() for d in self.discrepancies],
            "not_evaluated": [n.to_record() for n in self.not_evaluated],
            "coverage": self.coverage.to_record(),
            "baseline": self.baseline.to_record() if self.baseline is not None else None,
            "unread": list(self.unread),
            **({"release": self.release.to_record(self.discrepancies)}
               if self.release is not None else {}),
        }
