"""The report model on its own (validator/report.py): verdict, failing, counts, the records every
format renders from, and the marks of a release's text. Built from hand-made parts, no engine."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from validator.report import (
    BaselineSummary,
    Coverage,
    Discrepancy,
    FailOn,
    FigureRef,
    Mark,
    MarkedRelease,
    MarkedSentence,
    MarkStatus,
    NotEvaluated,
    Pattern,
    Report,
    RuleSummary,
    Severity,
    Suspect,
    Unconstrained,
    Verdict,
    is_bookkeeping,
)

FIGURE = FigureRef(key={"flow": "exports"}, value="52.4", row=4, unit="USD bn", change="+1.2",
                   role="total", extra={"note": "p"}, cells={"value": "Table 1!C7"})


def discrepancy(severity: Severity, rule: str = "balance") -> Discrepancy:
    return Discrepancy(rule=rule, kind="sum", severity=severity, description="d", message="m",
                       figures=(FIGURE,), headline="the parts do not add up to the total",
                       context={"year": "2020"}, expected=(1.5, 2.5), reported=(3.0, 4.0),
                       gap=0.5, unit="USD bn")


def summary(rule: str, checked: int, failed: int = 0, not_evaluated: int = 0,
            not_applicable: int = 0) -> RuleSummary:
    return RuleSummary(id=rule, kind="sum", description="", severity=Severity.ERROR,
                       checked=checked, failed=failed, not_evaluated=not_evaluated,
                       not_applicable=not_applicable)


def report(*discrepancies: Discrepancy, rules: tuple[RuleSummary, ...] = ()) -> Report:
    return Report(title="t", table="t.csv", rules_file="r.yaml", figures=3,
                  rules=rules or (summary("balance", 2),), discrepancies=discrepancies,
                  not_evaluated=())


ERROR, WARNING = discrepancy(Severity.ERROR), discrepancy(Severity.WARNING, "bounds")


def test_input_rules_and_unplaced_numbers_are_bookkeeping_and_nothing_else_is() -> None:
    assert is_bookkeeping("input.malformed_number") and is_bookkeeping("prose.unplaced")
    assert not is_bookkeeping("balance") and not is_bookkeeping("prose.other")
    assert not is_bookkeeping("my.input.rule")  # the prefix counts only at the start


def test_fail_on_names_the_severities_that_fail() -> None:
    assert FailOn.ERROR.severities == {Severity.ERROR}
    assert FailOn.WARNING.severities == {Severity.ERROR, Severity.WARNING}
    assert FailOn.NEVER.severities == frozenset()


def test_counts_by_severity_and_by_fail_on() -> None:
    both = report(ERROR, WARNING, ERROR)
    assert (both.count(Severity.ERROR), both.count(Severity.WARNING)) == (2, 1)
    assert both.count_failing() == both.count_failing(FailOn.ERROR) == 2
    assert both.count_failing(FailOn.WARNING) == 3 and both.count_failing(FailOn.NEVER) == 0
    assert both.count_failing(Severity.WARNING) == 3  # a severity means "this or worse"
    assert both.count_failing(Severity.ERROR) == 2


def test_a_warning_fails_only_under_fail_on_warning() -> None:
    warned = report(WARNING)
    assert not warned.fails() and not warned.fails(FailOn.ERROR)
    assert warned.fails(FailOn.WARNING)
    assert not warned.fails(FailOn.NEVER)
    assert report(ERROR).fails() and not report(ERROR).fails(FailOn.NEVER)
    assert not report().fails(FailOn.WARNING)


def test_the_verdict_counts_only_instances_that_check_figures() -> None:
    assert report().verdict is Verdict.CLEAN and report().clean
    assert report(WARNING).verdict is Verdict.DISCREPANCIES and not report(WARNING).clean
    bookkeeping = (summary("input.malformed_number", 5), summary("prose.unplaced", 4))
    only = report(rules=bookkeeping)
    assert only.evaluated == 0 and only.verdict is Verdict.NOTHING_CHECKED
    assert only.fails(FailOn.ERROR) and not only.fails(FailOn.ERROR, allow_empty=True)
    mixed = report(rules=(*bookkeeping, summary("balance", 1), summary("bounds", 2)))
    assert mixed.evaluated == 3 and mixed.verdict is Verdict.CLEAN
    assert report(rules=(summary("balance", 0),)).verdict is Verdict.NOTHING_CHECKED


def test_the_status_is_the_worst_severity_found() -> None:
    assert report().to_records()["summary"]["status"] == "clean"
    assert report(WARNING).to_records()["summary"]["status"] == "warnings"
    assert report(WARNING, ERROR).to_records()["summary"]["status"] == "failed"
    nothing = report(rules=(summary("balance", 0),)).to_records()
    assert (nothing["verdict"], nothing["summary"]["status"]) == ("nothing checked",) * 2


def test_the_summary_adds_up_the_rules() -> None:
    rules = (summary("balance", 4, failed=1, not_evaluated=2, not_applicable=3),
             summary("bounds", 5, failed=2, not_evaluated=1, not_applicable=0))
    records = report(ERROR, WARNING, ERROR, rules=rules).to_records()
    assert records["summary"] == {"status": "failed", "figures": 3, "rules": 2, "checked": 9,
                                  "failed": 3, "not_evaluated": 3, "not_applicable": 3,
                                  "errors": 2, "warnings": 1}
    assert records["verdict"] == "discrepancies" and records["version"] == 1
    assert records["title"] == "t"
    assert records["inputs"] == {"table": "t.csv", "rules": "r.yaml"}
    assert records["rules"][0] == {"id": "balance", "kind": "sum", "description": "",
                                   "severity": "error", "checked": 4, "failed": 1,
                                   "not_evaluated": 2, "not_applicable": 3}
    assert "release" not in records
    read = replace(report(), reading="sheet 'Table 1'").to_records()
    assert read["inputs"]["read"] == "sheet 'Table 1'"


def test_a_discrepancy_record_keeps_every_field_and_open_ends_are_null() -> None:
    record = ERROR.to_record()
    assert record == {
        "rule": "balance", "kind": "sum", "headline": "the parts do not add up to the total",
        "severity": "error", "description": "d", "message": "m", "context": {"year": "2020"},
        "figures": [{"key": {"flow": "exports"}, "value": "52.4", "unit": "USD bn",
                     "change": "+1.2", "row": 4, "role": "total", "extra": {"note": "p"},
                     "cells": {"value": "Table 1!C7"}}],
        "expected": [1.5, 2.5], "reported": [3.0, 4.0], "gap": 0.5, "unit": "USD bn"}
    open_ended = replace(ERROR, expected=(-math.inf, 2.0), reported=(1.0, math.inf), gap=None)
    assert open_ended.to_record()["expected"] == [None, 2.0]
    assert open_ended.to_record()["reported"] == [1.0, None]
    assert replace(ERROR, expected=None).to_record()["expected"] is None
    plain = FigureRef(key={"flow": "imports"}, value="1", row=None)
    assert plain.to_record() == {"key": {"flow": "imports"}, "value": "1", "unit": "",
                                 "change": "", "row": None, "role": "figure", "extra": {}}


def test_the_other_parts_of_the_records() -> None:
    missing = NotEvaluated(rule="share", reason="the whole is missing",
                           missing=({"flow": "total"},), context={"year": "2021"})
    suspect = Suspect(group=1, rank=2, figure=FIGURE, measure="value", column="value",
                      suggestion="25.4", pattern=Pattern.TRANSPOSED_DIGITS.value,
                      explains=(("balance", {"year": "2020"}),), reason="r",
                      together_with=(5, 6))
    full = replace(report(ERROR), not_evaluated=(missing,), suspects=(suspect,),
                   coverage=Coverage(figures_checked=2,
                                     unconstrained=(Unconstrained({"flow": "x"}, 7),)),
                   baseline=BaselineSummary(file="b.json", accepted=3,
                                            stale=({"rule": "old"},)),
                   unread=("sheet 'February' not read",))
    records = full.to_records()
    assert records["not_evaluated"] == [{"rule": "share", "reason": "the whole is missing",
                                         "context": {"year": "2021"},
                                         "missing": [{"flow": "total"}]}]
    (s,) = records["suspects"]
    assert {k: v for k, v in s.items() if k != "figure"} == {
        "group": 1, "rank": 2, "measure": "value", "column": "value", "suggestion": "25.4",
        "pattern": "transposed_digits", "explains": [{"rule": "balance",
                                                      "context": {"year": "2020"}}],
        "reason": "r", "together_with": [5, 6]}
    assert s["figure"] == FIGURE.to_record()
    assert records["coverage"] == {"figures_checked": 2,
                                   "unconstrained": [{"key": {"flow": "x"}, "row": 7}]}
    assert records["baseline"] == {"file": "b.json", "accepted": 3, "stale": [{"rule": "old"}]}
    assert records["unread"] == ["sheet 'February' not read"]
    assert report().to_records()["baseline"] is None


def test_every_pattern_has_its_phrase() -> None:
    assert Pattern.TRANSPOSED_DIGITS.phrase == "digits transposed"
    assert Pattern.TRUNCATION.phrase == "truncated instead of rounded"
    assert all(p.phrase for p in Pattern)


def test_a_mark_whose_discrepancies_are_gone_reads_as_checked() -> None:
    sentence = "Exports rose to 52.4 billion."
    mark = Mark(start=16, end=20, status=MarkStatus.SUSPECT, measure="value",
                key={"flow": "exports"}, rules=("balance",), problems=(ERROR, WARNING),
                suggestion="25.4", note="n", arithmetic=("52.4 = 20 + 32.4",))
    kept = mark.to_record(sentence, {id(WARNING): 0})
    assert kept == {"start": 16, "end": 20, "text": "52.4", "status": "suspect",
                    "measure": "value", "key": {"flow": "exports"}, "rules": ["balance"],
                    "problems": [0], "suggestion": "25.4", "note": "n",
                    "arithmetic": ["52.4 = 20 + 32.4"]}
    gone = mark.to_record(sentence, {})
    assert (gone["status"], gone["problems"], gone["suggestion"]) == ("checked", [], None)
    plain = Mark(start=0, end=7, status=MarkStatus.UNPLACED).to_record(sentence, {})
    assert (plain["status"], plain["text"], plain["suggestion"]) == ("unplaced", "Exports", None)


def test_a_marked_release_numbers_problems_by_their_place_in_the_report() -> None:
    sentence = MarkedSentence(number=5, text="Exports 52.4.", marks=(
        Mark(start=8, end=12, status=MarkStatus.DISCREPANCY, problems=(WARNING,)),))
    release = MarkedRelease(path="r.md", paragraphs=((False, (sentence,)), (True, ())))
    records = replace(report(ERROR, WARNING), release=release).to_records()
    assert records["release"] == {"path": "r.md", "paragraphs": [
        {"table": False, "sentences": [{"number": 5, "text": "Exports 52.4.", "marks": [
            release.paragraphs[0][1][0].marks[0].to_record("Exports 52.4.", {id(WARNING): 1})
        ]}]},
        {"table": True, "sentences": []}]}
    assert records["release"]["paragraphs"][0]["sentences"][0]["marks"][0]["problems"] == [1]


def test_rules_of_row_finds_exactly_the_rules_that_used_the_row() -> None:
    rows = {"balance": np.array([1, 4, 9]), "bounds": np.array([4]), "share": np.array([], int),
            "ratio": np.array([2, 3])}
    explained = replace(report(), rule_rows=rows)
    assert explained.rules_of_row(4) == ("balance", "bounds")
    assert explained.rules_of_row(1) == ("balance",) and explained.rules_of_row(9) == ("balance",)
    assert explained.rules_of_row(3) == ("ratio",)
    assert explained.rules_of_row(0) == () and explained.rules_of_row(10) == ()
    assert report().rules_of_row(1) == ()


def test_to_frame_has_the_documented_columns_and_nan_for_what_is_absent() -> None:
    frame = report(ERROR, replace(WARNING, expected=None, reported=None, gap=None)).to_frame()
    assert list(frame.columns) == ["rule", "kind", "severity", "message", "context", "rows",
                                   "expected_lo", "expected_hi", "reported_lo", "reported_hi",
                                   "gap", "unit"]
    first, second = frame.to_dict("records")
    assert first == {"rule": "balance", "kind": "sum", "severity": "error", "message": "m",
                     "context": {"year": "2020"}, "rows": [4], "expected_lo": 1.5,
                     "expected_hi": 2.5, "reported_lo": 3.0, "reported_hi": 4.0, "gap": 0.5,
                     "unit": "USD bn"}
    assert second["severity"] == "warning"
    assert all(math.isnan(second[c]) for c in ("expected_lo", "expected_hi", "reported_lo",
                                                "reported_hi", "gap"))
    assert report().to_frame().empty
    (alone,) = report(replace(ERROR, gap=None)).to_frame().to_dict("records")
    assert math.isnan(alone["gap"])  # NaN even when no discrepancy has a gap


def test_repr_html_is_the_body_of_the_html_report_with_its_styles() -> None:
    html = report(ERROR)._repr_html_()
    assert html.startswith("<style>") and html.count("</style>") == 1
    assert "</style>\n" in html and "<main>" in html
    assert "<body" not in html and "</body>" not in html and "<head>" not in html
    assert "<html" not in html and html.rstrip().endswith("</script>")
    assert "the parts do not add up to the total" in html


@pytest.mark.parametrize("fmt", list(FailOn))
def test_fail_on_reads_its_own_value(fmt: FailOn) -> None:
    assert FailOn(fmt.value) is fmt


def test_the_records_say_why_no_suspect_was_computed_only_when_none_was() -> None:
    plain = report(discrepancy(Severity.ERROR))
    assert "suspects_note" not in plain.to_records()
    note = "not computed: 6,000 rule instances failed"
    records = replace(plain, suspects_note=note).to_records()
    assert records["suspects_note"] == note
    assert records["suspects"] == []
