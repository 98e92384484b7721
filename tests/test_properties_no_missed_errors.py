"""No missed errors: an error that no values inside the printed precision can explain is reported,
naming the figure it touches; and figures no rule constrains are listed as such."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.helpers import describe, run
from validator.report import Report
from validator.rules import RuleSet, load_rules, parse_rules
from validator.testing import oracle
from validator.testing.mutations import MUTATIONS
from validator.testing.strategies import GeneratedCase, random_rules_and_release, releases

ROOT = Path(__file__).resolve().parent.parent
KOREA = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
EXAMPLE = pd.read_csv(ROOT / "examples" / "korea-ict-2020" / "figures.csv", dtype=str,
                      keep_default_na=False)
# Shares, changes in amount, year-to-date and part-month totals, quarters.
MONTHLY = load_rules(str(ROOT / "rules" / "monthly-trade.yaml"))
MONTHLY_EXAMPLE = pd.read_csv(ROOT / "examples" / "monthly-trade-deficit" / "figures.csv",
                              dtype=str, keep_default_na=False)


def reported(report: Report) -> set[tuple[str, frozenset[int]]]:
    """(rule, table rows as 0-based frame positions) of every discrepancy."""
    return {(d.rule, frozenset(f.row - 2 for f in d.figures if f.row is not None))
            for d in report.discrepancies}


def assert_detected(frame: pd.DataFrame, mutated: pd.DataFrame, rules_text: str,
                    case_rules: object) -> int:
    """Every rule instance the oracle finds violated is a discrepancy naming the same figures."""
    from validator.model import RuleSet

    assert isinstance(case_rules, RuleSet)
    expected = {(v.rule, v.rows)
                for v in oracle.violations(case_rules, oracle.points_from_frame(mutated,
                                                                                 case_rules))}
    report = run(mutated, case_rules)
    missing = expected - reported(report)
    assert not missing, (f"{rules_text}\nbefore:\n{frame.to_csv()}\nafter:\n{mutated.to_csv()}\n"
                         f"missed {missing}\nreported:\n{describe(report)}")
    return len(expected)


def assert_agrees(frame: pd.DataFrame, mutated: pd.DataFrame, rules_text: str,
                  rules: RuleSet) -> None:
    """Engine and oracle find exactly the same violated rule instances (input checks aside):
    nothing missed, and no false alarm the oracle cannot confirm."""
    expected = {(v.rule, v.rows)
                for v in oracle.violations(rules, oracle.points_from_frame(mutated, rules))}
    report = run(mutated, rules)
    found = {(d.rule, frozenset(f.row - 2 for f in d.figures if f.row is not None))
             for d in report.discrepancies if d.kind != "input"}
    assert found == expected, (
        f"{rules_text}\nbefore:\n{frame.to_csv()}\nafter:\n{mutated.to_csv()}\n"
        f"engine only {found - expected}\noracle only {expected - found}\n"
        f"reported:\n{describe(report)}")


@given(random_rules_and_release(max_rows=60), st.sampled_from(sorted(MUTATIONS)), st.data())
def test_random_release_mutations_are_reported(case: GeneratedCase, kind: str,
                                               data: st.DataObject) -> None:
    row = data.draw(st.integers(0, len(case.frame) - 1), label="row")
    mutated = MUTATIONS[kind](case.frame, case.rules, row)
    if mutated is None:
        event("mutation does not apply")
        return
    found = assert_detected(case.frame, mutated, case.yaml_text, case.rules)
    event(f"{kind}: {'detectable' if found else 'inside rounding or unconstrained'}")


@given(releases(KOREA, max_rows=80), st.sampled_from(sorted(MUTATIONS)), st.data())
def test_korea_release_mutations_are_reported(frame: pd.DataFrame, kind: str,
                                              data: st.DataObject) -> None:
    row = data.draw(st.integers(0, len(frame) - 1), label="row")
    mutated = MUTATIONS[kind](frame, KOREA, row)
    if mutated is not None:
        assert_detected(frame, mutated, "korea-ict.yaml", KOREA)


@pytest.mark.parametrize("row", range(len(EXAMPLE)))
@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_example_mutations_are_reported(kind: str, row: int) -> None:
    mutated = MUTATIONS[kind](EXAMPLE, KOREA, row)
    if mutated is not None:
        assert_agrees(EXAMPLE, mutated, "korea-ict.yaml", KOREA)


@pytest.mark.parametrize("row", range(len(MONTHLY_EXAMPLE)))
@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_monthly_example_mutations_are_reported(kind: str, row: int) -> None:
    mutated = MUTATIONS[kind](MONTHLY_EXAMPLE, MONTHLY, row)
    if mutated is not None:
        assert_agrees(MONTHLY_EXAMPLE, mutated, "monthly-trade.yaml", MONTHLY)


def test_examples_are_clean_for_engine_and_oracle() -> None:
    assert_agrees(EXAMPLE, EXAMPLE, "korea-ict.yaml", KOREA)
    assert_agrees(MONTHLY_EXAMPLE, MONTHLY_EXAMPLE, "monthly-trade.yaml", MONTHLY)
    assert not oracle.violations(MONTHLY, oracle.points_from_frame(MONTHLY_EXAMPLE, MONTHLY))


def test_decimal_shift_of_a_part_over_its_total_names_it() -> None:
    # semiconductors exports 100.3 of ICT 183.6: x10 cannot fit in any rounding.
    mutated = MUTATIONS["decimal shift"](EXAMPLE, KOREA, 3)
    assert mutated is not None and mutated["value"].iat[3] == "1003"
    report = run(mutated, KOREA)
    rules = {d.rule for d in report.discrepancies if 5 in {f.row for f in d.figures}}
    assert {"products-within-total", "prior-year"} <= rules


UNCONSTRAINED = """
version: 1
dimensions:
  flow: [exports, imports, balance]
  product: {T: [A, B]}
rules:
  - {id: parts, breakdown: product, where: {flow: exports}}
"""


def test_figures_no_rule_constrains_are_listed() -> None:
    rules = parse_rules(UNCONSTRAINED, "u.yaml")
    frame = pd.DataFrame({
        "flow": ["exports", "exports", "exports", "imports", "balance"],
        "product": ["T", "A", "B", "T", "A"],
        "value": ["10", "4", "5", "7", "x"],
    }, dtype="str")
    coverage = run(frame, rules).to_records()["coverage"]
    assert coverage["figures_checked"] == 3
    # row 6 has an unreadable value: an input discrepancy already names it
    assert coverage["unconstrained"] == [{"key": {"flow": "imports", "product": "T"}, "row": 5}]


@given(random_rules_and_release(max_rows=60))
def test_unconstrained_figures_really_are(case: GeneratedCase) -> None:
    """Whatever an unconstrained figure says, no rule objects; so the coverage is not too small."""
    coverage = run(case.frame, case.rules).coverage
    assert coverage.figures_checked + len(coverage.unconstrained) == len(case.frame)
    for loose in coverage.unconstrained[:3]:
        changed = case.frame.copy()
        changed.loc[loose.row - 2, case.rules.figures.value] = "-98765432"
        assert run(changed, case.rules).clean
