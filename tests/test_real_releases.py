"""Real releases: shares, signs, period totals, per-column rounding, formats, changes in amount,
the previous release. Each test plants the error a kind exists to catch and names rule and rows."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, found, rows
from validator.cli import main
from validator.errors import InputError
from validator.report import Severity
from validator.rules import parse_rules

EXAMPLE = ROOT / "examples/monthly-trade-deficit/figures.csv"
EXAMPLE_RULES = (ROOT / "rules/monthly-trade.yaml").read_text(encoding="utf-8")
EXAMPLE_CSV = EXAMPLE.read_text(encoding="utf-8")


def line_of(csv_text: str, start: str) -> int:
    """The row number (header = 1) of the first line starting with `start`."""
    return next(i for i, line in enumerate(csv_text.splitlines(), 1) if line.startswith(start))


def plant(csv_text: str, start: str, old: str, new: str) -> str:
    lines = csv_text.splitlines()
    i = line_of(csv_text, start) - 1
    assert old in lines[i]
    lines[i] = lines[i].replace(old, new, 1)
    return "\n".join(lines) + "\n"


# --- the examples ---------------------------------------------------------------------------

def test_examples_check_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE), "--rules", str(ROOT / "rules/monthly-trade.yaml")]) == 0
    assert "clean: 0 errors, 0 warnings" in capsys.readouterr().out
    assert main(["check", str(ROOT / "examples/korea-ict-2020/figures.csv"), "--rules",
                 str(ROOT / "rules/korea-ict.yaml")]) == 0


def test_figures_checked_only_by_the_new_kinds_are_covered(runner) -> None:  # type: ignore[no-untyped-def]
    # Without the bounds rule, the 10-day, 20-day and December figures are constrained by
    # ten-day-figures alone, partner figures also by shares, November by changes in amount.
    rules = EXAMPLE_RULES[:EXAMPLE_RULES.index("  - id: non-negative")]
    coverage = runner(rules, EXAMPLE_CSV).coverage
    assert coverage.unconstrained == ()
    assert coverage.figures_checked == len(EXAMPLE_CSV.splitlines()) - 1
    for kept in ("ten-day-figures", "partner-shares", "month-on-month", "year-to-date"):
        alone = rules[:rules.index("rules:")] + "rules:\n" + _rule_block(rules, kept)
        assert runner(alone, EXAMPLE_CSV).coverage.figures_checked > 0, kept


def _rule_block(rules_text: str, rule_id: str) -> str:
    start = rules_text.index(f"  - id: {rule_id}\n")
    end = rules_text.find("  - id:", start + 1)
    return rules_text[start:end if end >= 0 else None]


# --- 1. shares ------------------------------------------------------------------------------

def test_share_off_by_a_point_is_caught(runner) -> None:  # type: ignore[no-untyped-def]
    csv = plant(EXAMPLE_CSV, "exports,China,2020-11", ",8.9", ",9.9")
    report = runner(EXAMPLE_RULES, csv)
    (finding,) = found(report, "partner-shares")
    assert rows(finding) == [line_of(csv, "exports,China,2020-11"),
                             line_of(csv, "exports,World,2020-11,")]
    assert "China 16.4 is 8.90 +/- 0.03% of World 184.2" in finding.message
    assert "but its share is printed as 9.9%" in finding.message


def test_share_exposes_a_figure_in_the_wrong_unit(runner) -> None:  # type: ignore[no-untyped-def]
    # Japan's exports printed in millions but labelled billions: 7900 "USD bn".
    csv = plant(EXAMPLE_CSV, "exports,Japan,2020-11", ",7.9,", ",7900,")
    report = runner(EXAMPLE_RULES, csv)
    (finding,) = found(report, "partner-shares")
    assert rows(finding)[0] == line_of(csv, "exports,Japan,2020-11")


def test_share_of_an_explicit_code(runner) -> None:  # type: ignore[no-untyped-def]
    rules = """
figures: {share: share_pct, time: period}
dimensions:
  flow: [exports]
  partner: [World, China, US]
  period: ["2020"]
rules:
  - id: of-world
    share: partner
    of: World
"""
    csv = ("flow,partner,period,value,share_pct\nexports,World,2020,183.6,\n"
           "exports,China,2020,86.9,47.3\nexports,US,2020,22.1,21.1\n")
    report = runner(rules, csv)
    (finding,) = found(report, "of-world")
    assert rows(finding) == [4, 2]
    assert "12.04 +/- 0.031% of World 183.6" in finding.message


def test_share_rules_file_errors() -> None:
    text = """figures: {share: share_pct}
dimensions:
  partner: [World, China]
rules:
  - id: s
    share: partner
  - id: t
    share: partner
    of: Mars
"""
    with pytest.raises(InputError) as error:
        parse_rules(text, "r.yaml")
    assert error.value.messages == (
        "r.yaml:6:12: dimension 'partner' has no hierarchy: name the whole with 'of'",
        "r.yaml:9:9: unknown code 'Mars' in dimension 'partner'",
    )


# --- 4. sign conventions ----------------------------------------------------------------------

SIGNED_RULES = """
figures: {change: change_pct, time: period, signed: {flow: [balance]}}
dimensions:
  flow: [exports, imports, balance]
  period: ["2020", "2019"]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
  - id: prior-year
    implied_prior: [balance]
  - id: growth
    bounds: {min: -100, max: 500, measure: change}
"""


def test_rate_on_a_balance_that_changed_sign_is_a_warning(runner) -> None:  # type: ignore[no-untyped-def]
    # 2019: balance -1.5 (48.5 - 50.0); 2020: +2.1; the publisher printed -240.0%.
    csv = ("flow,period,value,change_pct\nexports,2020,52.1,7.4\nimports,2020,50.0,0.0\n"
           "balance,2020,2.1,-240.0\n")
    report = runner(SIGNED_RULES, csv)
    (warning,) = found(report, "sign-change")
    assert warning.severity is Severity.WARNING
    assert rows(warning) == [4]
    assert "rate meaningless: sign changed" in warning.message
    assert found(report, "prior-year") == [] and found(report, "growth") == []
    assert report.count_failing() == 0


def test_sign_change_seen_from_the_prior_period_reported(runner) -> None:  # type: ignore[no-untyped-def]
    # "+907.5%": a rate computed on |prior|; the implied prior 8.0 would contradict -10.0.
    csv = ("flow,period,value,change_pct\nbalance,2020,80.8,907.5\nbalance,2019,-10.0,\n")
    report = runner(SIGNED_RULES, csv)
    assert [rows(d) for d in found(report, "sign-change")] == [[2]]
    assert found(report, "prior-year") == [] and found(report, "growth") == []


def test_without_signed_the_same_rate_is_impossible(runner) -> None:  # type: ignore[no-untyped-def]
    rules = SIGNED_RULES.replace(", signed: {flow: [balance]}", "")
    csv = "flow,period,value,change_pct\nbalance,2020,2.1,-240.0\n"
    report = runner(rules, csv)
    (finding,) = found(report, "prior-year")
    assert "implies no possible prior value" in finding.message
    assert found(report, "sign-change") == []


def test_deficit_printed_positive(runner) -> None:  # type: ignore[no-untyped-def]
    csv = plant(EXAMPLE_CSV, "deficit,World,2020-11,", ",68.1,", ",-68.1,")
    report = runner(EXAMPLE_RULES, csv)
    (finding,) = found(report, "deficit")
    assert rows(finding)[0] == line_of(csv, "deficit,World,2020-11,")
    assert "imports 252.3 - exports 184.2 = 68.1 +/- 0.1" in finding.message


def test_signed_rules_file_errors() -> None:
    text = """figures: {signed: {flow: [surplus], sector: [x]}}
dimensions:
  flow: [exports]
rules: []
"""
    with pytest.raises(InputError) as error:
        parse_rules(text, "r.yaml")
    assert error.value.messages == (
        "r.yaml:1:27: unknown code 'surplus' in dimension 'flow'",
        "r.yaml:1:37: unknown dimension 'sector' in 'signed'",
    )


# --- 3. period totals -----------------------------------------------------------------------

def test_year_to_date_not_the_sum_of_the_months(runner) -> None:  # type: ignore[no-untyped-def]
    csv = plant(EXAMPLE_CSV, "exports,World,2020-11-YTD", "1940.5", "1914.0")
    report = runner(EXAMPLE_RULES, csv)
    (finding,) = found(report, "year-to-date")
    months = [line_of(csv, f"exports,World,2020-{m:02d},") for m in range(1, 12)]
    assert rows(finding) == [line_of(csv, "exports,World,2020-11-YTD"), *months]
    assert "the months 2020-01 to 2020-11 reported" in finding.message
    assert "but 2020-11-YTD is reported as 1914.0" in finding.message


def test_year_to_date_with_a_month_missing_names_it(runner) -> None:  # type: ignore[no-untyped-def]
    lines = [x for x in EXAMPLE_CSV.splitlines() if not x.startswith("imports,World,2020-07,")]
    report = runner(EXAMPLE_RULES, "\n".join(lines) + "\n")
    skipped = [n for n in report.not_evaluated if n.rule == "year-to-date"]
    assert len(skipped) == 1
    assert [dict(m) for m in skipped[0].missing] == [
        {"flow": "imports", "partner": "World", "period": "2020-07"}]
    assert found(report, "year-to-date") == []


def test_complete_quarter_with_a_month_missing_names_it(runner) -> None:  # type: ignore[no-untyped-def]
    lines = [x for x in EXAMPLE_CSV.splitlines() if not x.startswith("exports,World,2020-05,")]
    report = runner(EXAMPLE_RULES, "\n".join(lines) + "\n")
    skipped = [n for n in report.not_evaluated if n.rule == "months-add-up-to-quarters"]
    assert [[dict(m) for m in n.missing] for n in skipped] == [
        [{"flow": "exports", "partner": "World", "period": "2020-05"}]]


def test_quarter_not_the_sum_of_its_months(runner) -> None:  # type: ignore[no-untyped-def]
    csv = plant(EXAMPLE_CSV, "imports,World,2020Q2", "609.2", "690.2")
    (finding,) = found(runner(EXAMPLE_RULES, csv), "months-add-up-to-quarters")
    assert rows(finding)[0] == line_of(csv, "imports,World,2020Q2")


def test_first_ten_days_more_than_twenty(runner) -> None:  # type: ignore[no-untyped-def]
    csv = plant(EXAMPLE_CSV, "exports,World,2020-12-10d", "55.4", "155.4")
    (finding,) = found(runner(EXAMPLE_RULES, csv), "ten-day-figures")
    assert rows(finding) == [line_of(csv, "exports,World,2020-12-10d"),
                             line_of(csv, "exports,World,2020-12-20d")]
    assert "2020-12-10d is reported as 155.4, more than 2020-12-20d" in finding.message


def test_first_ten_days_more_than_the_month_without_twenty_days(runner) -> None:  # type: ignore[no-untyped-def]
    # No 20-day figure anywhere in the table: the 10-day figure is checked against the month.
    lines = [x for x in EXAMPLE_CSV.splitlines() if not x.startswith("exports,World,2020-12-20d")]
    csv = plant("\n".join(lines) + "\n", "exports,World,2020-12-10d", "55.4", "255.4")
    (finding,) = found(runner(EXAMPLE_RULES, csv), "ten-day-figures")
    assert rows(finding) == [line_of(csv, "exports,World,2020-12-10d"),
                             line_of(csv, "exports,World,2020-12,")]
    assert ("2020-12-10d is reported as 255.4, more than 2020-12 reported as 190.2"
            in finding.message)


def test_period_total_rules_file_errors() -> None:
    text = """dimensions:
  flow: [exports]
rules:
  - id: y
    period_total: quarterly
  - id: z
    period_total: ytd
"""
    with pytest.raises(InputError) as error:
        parse_rules(text, "r.yaml")
    assert error.value.messages == (
        "r.yaml:5:19: 'period_total' must be one of: ytd, within_month (got 'quarterly')",
        "r.yaml:7:19: 'period_total' needs a time dimension: declare 'figures.time'",
    )


# --- 7. rounding by truncation, per column --------------------------------------------------

TRUNCATION_RULES = """
figures: {{change: change_pct, time: period, rounding: {rounding}}}
dimensions:
  product:
    total: [a, b, c, d]
  period: ["2020"]
rules:
  - id: parts
    breakdown: product
    complete: true
  - id: prior-year
    implied_prior: [parts]
"""
# 10.89 + 20.79 + 30.99 + 5.99 = 68.66, every figure truncated to one decimal. Two parts alone
# (10.8 + 20.7 against 31.6) still reconcile under rounding; four do not.
TRUNCATED_CSV = """product,period,value,change_pct
total,2020,68.6,10.0
a,2020,10.8,10.0
b,2020,20.7,10.0
c,2020,30.9,10.0
d,2020,5.9,10.0
"""


def test_only_truncation_reconciles(runner) -> None:  # type: ignore[no-untyped-def]
    rounded = runner(TRUNCATION_RULES.format(rounding="half-unit"), TRUNCATED_CSV)
    assert [rows(d) for d in found(rounded, "parts")] == [[2, 3, 4, 5, 6]]
    per_column = TRUNCATION_RULES.format(rounding="{value: truncated, change: half-unit}")
    assert runner(per_column, TRUNCATED_CSV).count_failing() == 0


def test_per_column_rounding_applies_to_the_rates(runner) -> None:  # type: ignore[no-untyped-def]
    # Rates 10.0 vs 11.0 on the parts: truncated rates (10.0..10.1) cannot reconcile them either.
    csv = TRUNCATED_CSV.replace("a,2020,10.8,10.0", "a,2020,10.8,30.0")
    per_column = TRUNCATION_RULES.format(rounding="{value: truncated, change: half-unit}")
    (finding,) = found(runner(per_column, csv), "prior-year")
    assert "[parts]" in finding.message


def test_rounding_rules_file_errors() -> None:
    text = """figures: {rounding: {value: truncated, ratio: exact, change: down}}
dimensions:
  flow: [exports]
rules: []
"""
    with pytest.raises(InputError) as error:
        parse_rules(text, "r.yaml")
    assert error.value.messages == (
        "r.yaml:1:40: unknown column 'ratio' in 'rounding' (expected one of: value, change, "
        "share, abs_change)",
        "r.yaml:1:62: the rounding of 'change' must be one of: half-unit, truncated, exact "
        "(got 'down')",
    )


# --- 6. number formats ----------------------------------------------------------------------

FORMAT_RULES = """
figures:
  unit: unit
  units: {USD bn: 1.0e9, USD mn: 1.0e6, EUR bn: 1.0e9}
  unit_words: {USD bn: ["$ billion", "USD bn"], USD mn: ["$ million"], EUR bn: ["EUR # bn"]}
  negatives: parentheses
dimensions:
  flow: [exports, imports, balance]
  region: [EU, US, JP]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
"""


def test_units_written_in_the_value_cells(runner) -> None:  # type: ignore[no-untyped-def]
    csv = """flow,region,value,unit
exports,US,$18.0 billion,
imports,US,"$18,995 million",
balance,US,(995),USD mn
exports,EU,EUR 196.2 bn,
imports,EU,EUR 205.6 bn,
balance,EU,EUR -9.4 bn,
exports,JP,USD 1 741.9 bn,
imports,JP,1741.9,USD bn
balance,JP,-$0.0 billion,
"""
    report = runner(FORMAT_RULES, csv)
    assert report.count_failing() == 0
    assert sum(r.checked for r in report.rules if r.id == "balance") == 3
    # Declared unit words make every row a check of its unit (and nothing conflicts here).
    (conflict,) = [r for r in report.rules if r.id == "input.unit-conflict"]
    assert (conflict.checked, conflict.failed) == (9, 0)


def test_unit_word_conflicting_with_the_unit_column(runner) -> None:  # type: ignore[no-untyped-def]
    csv = "flow,region,value,unit\nexports,US,$995 million,USD bn\n"
    report = runner(FORMAT_RULES, csv)
    (finding,) = found(report, "input.unit-conflict")
    assert rows(finding) == [2]
    assert finding.message == ("row 2: value '$995 million' in column 'value' is written in "
                               "USD mn, but column 'unit' gives USD bn")


def test_rejected_format_names_row_and_column(runner) -> None:  # type: ignore[no-untyped-def]
    csv = "flow,region,value,unit\nexports,US,995 zillion,USD bn\nimports,US,((9.4)),USD bn\n"
    report = runner(FORMAT_RULES, csv)
    assert [d.message for d in found(report, "input.malformed-number")] == [
        "row 2: value '995 zillion' in column 'value' is not a number",
        "row 3: value '((9.4))' in column 'value' is not a number",
    ]


def test_format_rules_file_errors() -> None:
    text = """figures:
  unit: unit
  units: {USD bn: 1.0e9}
  unit_words: {USD mn: ["$ million"], USD bn: []}
  negatives: brackets
dimensions:
  flow: [exports]
rules: []
"""
    with pytest.raises(InputError) as error:
        parse_rules(text, "r.yaml")
    assert error.value.messages == (
        "r.yaml:4:16: unit 'USD mn' is not declared in 'units' (declared: USD bn)",
        "r.yaml:4:47: the forms of unit 'USD bn' must be a list of non-empty words such as "
        "\"$ billion\"",
        "r.yaml:5:14: 'negatives' must be one of: minus, parentheses (got 'brackets')",
    )


# --- 2. changes in amount -------------------------------------------------------------------

def test_change_in_amount_on_the_month_before(runner) -> None:  # type: ignore[no-untyped-def]
    csv = plant(EXAMPLE_CSV, "imports,World,2020-11,", ",7.2,", ",17.2,")
    (finding,) = found(runner(EXAMPLE_RULES, csv), "month-on-month")
    assert rows(finding) == [line_of(csv, "imports,World,2020-11,"),
                             line_of(csv, "imports,World,2020-10,")]
    assert "2020-11 is 252.3 and 2020-10 is 245.0, a change of 7.3 +/- 0.1" in finding.message
    assert "but the change is printed as 17.2" in finding.message


ABS_RULES = """
figures: {change: change_pct, abs_change: change_amt, time: period, unit: unit,
          units: {USD bn: 1.0e9, USD mn: 1.0e6}}
dimensions:
  flow: [exports]
  period: ["2020Q1", "2019Q4", "2020"]
rules:
  - id: on-year
    abs_change: year
  - id: on-quarter
    abs_change: {compare: previous}
"""


def test_change_in_amount_from_the_rate(runner) -> None:  # type: ignore[no-untyped-def]
    # 2020: 183.6 up 3.8% implies 2019 = 176.9, so "$6.7 billion more" (printed in USD mn).
    good = "flow,period,value,unit,change_pct,change_amt\nexports,2020,183.6,USD bn,3.8,6700\n"
    report = runner(ABS_RULES.replace("USD bn: 1.0e9, USD mn: 1.0e6", "USD bn: 1.0e9"), good
                    .replace("6700", "6.7"))
    assert report.count_failing() == 0
    bad = good.replace("6700", "10.0")
    (finding,) = found(runner(ABS_RULES, bad), "on-year")
    assert rows(finding) == [2]
    assert "2020 is 183.6 (+3.8%), which implies a change of 6.7" in finding.message


def test_change_in_amount_from_the_rate_beside_an_empty_first_figure(runner) -> None:  # type: ignore[no-untyped-def]
    # The first figure of the table has no value: a change checked from the rate of another
    # figure must not borrow that figure's missing value as a comparison.
    csv = ("flow,period,value,unit,change_pct,change_amt\nexports,2020Q1,,USD bn,,\n"
           "exports,2020,183.6,USD bn,3.8,10.0\n")
    (finding,) = found(runner(ABS_RULES, csv), "on-year")
    assert rows(finding) == [3]
    assert "2020 is 183.6 (+3.8%), which implies a change of 6.7" in finding.message


def test_change_in_amount_on_the_quarter_before(runner) -> None:  # type: ignore[no-untyped-def]
    csv = ("flow,period,value,unit,change_pct,change_amt\nexports,2020Q1,45.0,USD bn,,-1.3\n"
           "exports,2019Q4,46.3,USD bn,,\n")
    report = runner(ABS_RULES, csv)
    assert report.count_failing() == 0
    (finding,) = found(runner(ABS_RULES, csv.replace("-1.3", "1.3")), "on-quarter")
    assert rows(finding) == [2, 3]


def test_abs_change_rules_file_errors() -> None:
    text = """figures: {time: period}
dimensions:
  period: ["2020"]
rules:
  - id: a
    abs_change: {compare: month}
"""
    with pytest.raises(InputError) as error:
        parse_rules(text, "r.yaml")
    assert error.value.messages == (
        "r.yaml:6:27: 'compare' must be one of: year, previous (got 'month')",
    )


# --- 5. the previous release ------------------------------------------------------------------

PREVIOUS = ROOT / "examples/monthly-trade-deficit/previous-release.csv"
PREVIOUS_CSV = PREVIOUS.read_text(encoding="utf-8")


def test_previous_release_reconciles(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(EXAMPLE), "--rules", str(ROOT / "rules/monthly-trade.yaml"),
                 "--prior", str(PREVIOUS)])
    assert code == 0
    out = capsys.readouterr().out
    assert "clean: 0 errors, 0 warnings" in out and "revision.dropped" in out


def test_revised_figure_names_both_values(runner) -> None:  # type: ignore[no-untyped-def]
    previous = plant(PREVIOUS_CSV, "exports,World,2020-10,", "182.0", "181.2")
    report = runner(EXAMPLE_RULES, EXAMPLE_CSV, previous)
    (revision,) = found(report, "revision")
    assert revision.severity is Severity.WARNING
    assert rows(revision) == [line_of(EXAMPLE_CSV, "exports,World,2020-10,"),
                              line_of(previous, "exports,World,2020-10,")]
    assert [f.role for f in revision.figures] == ["figure", "previous release"]
    assert revision.message == (
        "exports, World, 2020-10: the previous release published 181.2, this release 182.0: "
        "revised by +0.8 (0.7 beyond rounding)")
    assert report.count_failing() == 0


def test_implied_prior_against_the_previous_release(runner) -> None:  # type: ignore[no-untyped-def]
    previous = plant(PREVIOUS_CSV, "imports,World,2019-11,", "219.4", "291.4")
    report = runner(EXAMPLE_RULES.replace("title:", "revisions: {severity: error}\ntitle:"),
                    EXAMPLE_CSV, previous)
    (revision,) = found(report, "revision")
    assert revision.severity is Severity.ERROR
    assert rows(revision) == [line_of(EXAMPLE_CSV, "imports,World,2020-11,"),
                              line_of(previous, "imports,World,2019-11,")]
    assert "this release implies 219.39 +/- 0.139 (from 252.3 +15.0% in 2020-11)" in (
        revision.message)
    assert report.count_failing() == 1


def test_dropped_and_added_figures(runner) -> None:  # type: ignore[no-untyped-def]
    previous = PREVIOUS_CSV + "exports,Canada,2020-10,28.3,USD bn,,,\n"
    current = "\n".join(x for x in EXAMPLE_CSV.splitlines()
                        if not x.startswith("deficit,World,2020-09,")) + "\n"
    report = runner(EXAMPLE_RULES, current, previous)
    deficit, canada = found(report, "revision.dropped")
    assert rows(deficit) == [line_of(previous, "deficit,World,2020-09")]
    assert rows(canada) == [line_of(previous, "exports,Canada,2020-10")]
    assert canada.message == ("exports, Canada, 2020-10 (28.3 USD bn) was published in the "
                              "previous release but is not in this one")
    assert canada.severity is Severity.WARNING
    assert found(report, "revision.added") == []
    report = runner(EXAMPLE_RULES, EXAMPLE_CSV, "\n".join(
        x for x in PREVIOUS_CSV.splitlines() if not x.startswith("imports,World,2020Q3")) + "\n")
    (added,) = found(report, "revision.added")
    assert rows(added) == [line_of(EXAMPLE_CSV, "imports,World,2020Q3")]


def test_revisions_rules_file_errors() -> None:
    text = """revisions: {severity: fatal, by: 1}
dimensions:
  flow: [exports]
rules: []
"""
    with pytest.raises(InputError) as error:
        parse_rules(text, "r.yaml")
    assert error.value.messages == (
        "r.yaml:1:23: 'severity' must be one of: error, warning (got 'fatal')",
        "r.yaml:1:30: unknown key 'by' in 'revisions' (expected: severity)",
    )
