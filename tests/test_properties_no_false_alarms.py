"""No false alarms: a release whose true values satisfy every rule checks clean once printed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, Phase, find, given, settings
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


# ---------------------------------------------------------------- branches the generator reaches
# Each test below fails if the generator never draws the branch, so the clean-release and
# mutation properties above really run through it.


def _checked(case: GeneratedCase, rule_id: str) -> int:
    return sum(r.checked for r in run(case.frame, case.rules).rules if r.id == rule_id)


def _finds(condition: Callable[[GeneratedCase], bool]) -> GeneratedCase:
    return find(random_rules_and_release(max_rows=60), condition,
                settings=settings(max_examples=2000, database=None, deadline=None,
                                  phases=[Phase.generate],  # the first one found; no shrinking
                                  suppress_health_check=list(HealthCheck)))


def _numbers(column: pd.Series) -> list[str]:
    return [text for text in column if text]


def test_generator_draws_year_to_date_figures_with_complete_false() -> None:
    case = _finds(lambda c: "complete: false" in c.yaml_text.split("period_total")[-1]
                  and "period_total" in c.yaml_text
                  and c.frame["period"].str.endswith("-YTD").any()
                  and _checked(c, "year-to-date") > 0)
    assert case.frame["period"].str.endswith("-YTD").any()


def test_generator_draws_year_to_date_figures_with_complete_true() -> None:
    _finds(lambda c: "complete: true" in c.yaml_text.split("period_total")[-1]
           and "period_total" in c.yaml_text and _checked(c, "year-to-date") > 0)


def test_generator_draws_truncated_negative_figures() -> None:
    _finds(lambda c: "rounding: truncated" in c.yaml_text
           and any(t.startswith("-") for t in _numbers(c.frame["value"])))


def test_generator_draws_shares_of_negative_wholes() -> None:
    # Interval division with negative operands: shares of a balance's parent.
    def negative_share(c: GeneratedCase) -> bool:
        if "share_pct" not in c.frame or "balance" not in c.yaml_text:
            return False
        rows = c.frame[(c.frame["share_pct"] != "") & (c.frame["flow"] == "balance")]
        return bool(len(rows)) and _checked(c, "shares") > 0 and any(
            t.startswith("-") for t in c.frame[c.frame["flow"] == "balance"]["value"])
    _finds(negative_share)


def test_generator_draws_rates_on_negative_values() -> None:
    # Interval division v / (1 + g/100) with v < 0: implied prior values of a negative balance.
    _finds(lambda c: "change_pct" in c.frame and "implied_prior" in c.yaml_text and any(
        v.startswith("-") and g for v, g in zip(c.frame["value"], c.frame["change_pct"],
                                                strict=True)))


def test_generator_draws_changes_in_amount() -> None:
    _finds(lambda c: "change_amt" in c.frame and _checked(c, "amounts") > 0)


def test_generator_draws_duplicates_at_other_decimals() -> None:
    def mixed_duplicate(c: GeneratedCase) -> bool:
        key = [n for n in c.frame.columns if n in {"flow", "product", "partner", "period"}]
        repeated = c.frame[c.frame.duplicated(key, keep=False)]
        decimals = {(tuple(r[key]), len(v.split(".")[1]) if "." in v else 0)
                    for (_, r), v in zip(repeated.iterrows(), repeated["value"], strict=True)}
        return len(decimals) > len({k for k, _ in decimals})
    _finds(mixed_duplicate)
