"""No false alarms: a release whose true values satisfy every rule checks clean once printed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import describe, run
from validator.numbers import Rounding
from validator.rules import load_rules, parse_rules
from validator.testing.strategies import (
    GeneratedCase,
    print_number,
    random_rules_and_release,
    releases,
)

ROOT = Path(__file__).resolve().parent.parent
KOREA = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))


@given(releases(KOREA))
def test_korea_rules_releases_check_clean(frame: pd.DataFrame) -> None:
    report = run(frame, KOREA)
    assert report.clean, describe(report)


@given(random_rules_and_release())
def test_random_rules_releases_check_clean(case: GeneratedCase) -> None:
    report = run(case.frame, case.rules)
    assert report.clean, f"{case.yaml_text}\n{describe(report)}"


@given(random_rules_and_release())
def test_generated_releases_exercise_the_rules(case: GeneratedCase) -> None:
    """Guards the generator itself: the figures it prints must carry the rules' instances."""
    report = run(case.frame, case.rules)
    assert report.to_records()["summary"]["checked"] > 0


DEEP = """
version: 1
figures: {value: value, unit: unit, units: {USD bn: 1.0e9, USD mn: 1.0e6}, change: change,
          rounding: truncated}
dimensions:
  flow: [exports, imports, balance]
  product:
    T: [A, B]
    A: [A1, A2]
    A1: [A11, A12]
    A11: [A111]
rules:
  - {id: balance, identity: balance = exports - imports, along: flow}
  - {id: parts, breakdown: product, where: {flow: [exports, imports]}}
  - {id: prior, implied_prior: [balance, parts]}
"""


@given(releases(parse_rules(DEEP, "deep.yaml")))
def test_deep_truncated_hierarchy_with_negative_balances(frame: pd.DataFrame) -> None:
    report = run(frame, parse_rules(DEEP, "deep.yaml"))
    assert report.clean, describe(report)


@given(st.floats(-1e6, 1e6), st.integers(0, 3), st.sampled_from(list(Rounding)))
def test_printed_numbers_cover_their_value(value: float, decimals: int,
                                           rounding: Rounding) -> None:
    from validator.numbers import parse_printed

    parsed = parse_printed(pd.Series([print_number(value, decimals, rounding)]), rounding)
    slack = 1e-9 * max(abs(value), 1.0)
    assert parsed.lo[0] - slack <= value <= parsed.hi[0] + slack
