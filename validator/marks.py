"""A press release's own text with every number marked: checked, wrong, not checked or not read.

The extractor says where each figure's value and % change are written (`Extraction.spans`) and
where the numbers it could not place are; the report says which figures are part of a
discrepancy, which is the most likely wrong one and which rules used each figure. This module
puts the two together, sentence by sentence, for the reports to show (`Report.release`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from validator.checks import CHECKS
from validator.model import RuleSet
from validator.prose import Release
from validator.report import (
    Discrepancy,
    Mark,
    MarkedRelease,
    MarkedSentence,
    MarkStatus,
    NotEvaluated,
    Report,
)

# When two marks cover the same characters, the one that matters most to the editor is kept.
_ORDER = (MarkStatus.SUSPECT, MarkStatus.DISCREPANCY, MarkStatus.NOT_EVALUATED,
          MarkStatus.CHECKED, MarkStatus.UNPLACED, MarkStatus.ASIDE)
NO_RULE = "no rule of the rules file could check this figure"


def mark_release(release: Release, report: Report, rules: RuleSet) -> MarkedRelease:
    dims = [d.name for d in rules.dimensions]
    frame = release.table.frame
    extraction = release.extraction
    key_rows: dict[tuple[str, ...], list[int]] = {}
    for row, codes in enumerate(frame[list(dims)].astype("str").itertuples(index=False)):
        key_rows.setdefault(tuple(codes), []).append(row)

    def rows_of(key: Mapping[str, str], value: str) -> list[int]:
        rows = key_rows.get(tuple(str(key.get(d, "")) for d in dims), [])
        same = [r for r in rows if str(frame.at[r, "value"]) == value]
        return same or rows

    problems: dict[tuple[int, str], list[Discrepancy]] = {}  # (row, measure) -> discrepancies
    unplaced_problem: dict[tuple[str, str], Discrepancy] = {}
    measures_of = _measures(rules)
    for d in report.discrepancies:
        for figure in d.figures:
            for row in rows_of(figure.key, figure.value):
                for measure in measures_of.get(d.rule, ("value", "change")):
                    if d not in problems.setdefault((row, measure), []):
                        problems[(row, measure)].append(d)
        if d.rule == "prose.unplaced":  # "sentence 3: '12' was not read as a figure (...)"
            said = d.message.split(": ", 1)[-1]
            if said.startswith("'"):
                unplaced_problem.setdefault(
                    (d.context.get("sentence", ""), said[1:].split("' was not read", 1)[0]), d)
    suspects = {}
    for s in report.suspects:
        if s.rank == 1:
            for row in rows_of(s.figure.key, s.figure.value):
                suspects[(row, s.measure)] = s

    marks: dict[int, list[Mark]] = {}
    for row, spans in enumerate(extraction.spans):
        key = {d: str(frame.at[row, d]) for d in dims}
        for span in spans:
            named = tuple(problems.get((row, span.measure), ()))
            used = tuple(dict.fromkeys([
                *(r for r in report.rules_of_row(row)
                  if span.measure in measures_of.get(r, (span.measure,))),
                *(d.rule for d in named)]))
            suspect = suspects.get((row, span.measure))
            if suspect is not None:
                mark = Mark(span.start, span.end, MarkStatus.SUSPECT, span.measure, key, used,
                            named, suspect.suggestion, suspect.reason)
            elif named:
                mark = Mark(span.start, span.end, MarkStatus.DISCREPANCY, span.measure, key,
                            used, named)
            elif used:
                mark = Mark(span.start, span.end, MarkStatus.CHECKED, span.measure, key, used,
                            arithmetic=tuple(line for measure, line in
                                             report.arithmetic_by_row.get(row, ())
                                             if measure == span.measure))
            else:
                mark = Mark(span.start, span.end, MarkStatus.NOT_EVALUATED, span.measure, key,
                            note=_not_evaluated_reason(key, report.not_evaluated))
            marks.setdefault(span.sentence, []).append(mark)
    for u in extraction.unplaced:
        status = MarkStatus.UNPLACED if u.counted else MarkStatus.ASIDE
        found = unplaced_problem.get((str(u.sentence), u.text))
        marks.setdefault(u.sentence, []).append(
            Mark(u.start, u.end, status, problems=(found,) if found else (), note=u.reason))

    paragraphs = tuple(
        (table, tuple(MarkedSentence(n, extraction.sentences[n - 1],
                                     _without_overlaps(marks.get(n, [])))
                      for n in numbers))
        for numbers, table in extraction.paragraphs)
    return MarkedRelease(release.table.path, paragraphs)


def _measures(rules: RuleSet) -> dict[str, tuple[str, ...]]:
    """What of a figure each rule of the file checks: its value, and its % change where the
    kind reads one. Built-in rules (input, prose, revisions) concern the whole figure."""
    return {rule.id: ("value", "change") if "change" in CHECKS[rule.kind].reads(rule.options)
            else ("value",) for rule in rules.rules}


def _without_overlaps(marks: list[Mark]) -> tuple[Mark, ...]:
    """In text order; of marks that overlap, the one that matters most."""
    kept: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (_ORDER.index(m.status), m.start)):
        if all(mark.end <= k.start or k.end <= mark.start for k in kept):
            kept.append(mark)
    return tuple(sorted(kept, key=lambda m: m.start))


def _not_evaluated_reason(key: Mapping[str, str], entries: Sequence[NotEvaluated]) -> str:
    """Why no rule checked the figure: the first instance left unevaluated on its codes."""
    for entry in entries:
        context = entry.context or {}
        if context and all(key.get(d) == c for d, c in context.items()):
            return f"{entry.rule}: {entry.reason}"
    return NO_RULE
