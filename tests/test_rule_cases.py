"""Data-driven rule cases: a tiny table, a rule, the discrepancies expected (rule, rows)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from validator.engine import check
from validator.rules import parse_rules
from validator.table import read_table

HEAD = """\
version: 1
figures: {value: value, change: change, unit: unit, units: {bn: 1.0e9, mn: 1.0e6},
          time: period%s}
dimensions:
  flow: [exports, imports, balance, deficit]
  geo:
    World: [Asia, Europe]
    Asia: [China, Japan]
  period: {"2020": ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]}
rules:
"""
COLUMNS = "flow,geo,period,value,unit,change\n"


def run(rules_body: str, rows: str, figures_extra: str = "") -> dict[str, Any]:
    rules = parse_rules(HEAD % figures_extra + rules_body, "r.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "t.csv"
        file.write_text(COLUMNS + rows, encoding="utf-8")
        table = read_table(str(file))
    return check(table, rules).to_records()


BALANCE = "  - id: balance\n    identity: balance = exports - imports\n    along: flow\n"
DEFICIT = "  - id: deficit\n    identity: deficit = imports - exports\n    along: flow\n"
PARTIAL = "  - id: geo\n    breakdown: geo\n    where: {flow: [exports, imports]}\n"
COMPLETE = "  - id: geo\n    breakdown: geo\n    complete: true\n"
QUARTERS = "  - id: quarters\n    breakdown: period\n    complete: true\n"
NONNEG = "  - id: nonneg\n    bounds: {min: 0}\n    where: {flow: [exports, imports]}\n"
PRIOR = "  - id: prior\n    implied_prior: [geo]\n" + PARTIAL

CASES: list[tuple[str, str, str, list[tuple[str, list[int]]]]] = [
    ("identity holds within rounding", BALANCE,
     "exports,World,2020,258.4,bn,\nimports,World,2020,206.0,bn,\nbalance,World,2020,52.5,bn,\n",
     []),
    ("identity fails", BALANCE,
     "exports,World,2020,258.4,bn,\nimports,World,2020,206.0,bn,\nbalance,World,2020,5.2,bn,\n",
     [("balance", [4, 2, 3])]),
    ("identity across units", BALANCE,
     "exports,World,2020,1.2,bn,\nimports,World,2020,995,mn,\nbalance,World,2020,205,mn,\n",
     []),
    ("deficit printed positive", DEFICIT,
     "exports,World,2020,100.0,bn,\nimports,World,2020,152.5,bn,\ndeficit,World,2020,52.5,bn,\n",
     []),
    ("deficit with the wrong sign convention", DEFICIT,
     "exports,World,2020,100.0,bn,\nimports,World,2020,152.5,bn,\ndeficit,World,2020,-52.5,bn,\n",
     [("deficit", [4, 3, 2])]),
    ("partial breakdown within total", PARTIAL,
     "exports,World,2020,10.0,bn,\nexports,Asia,2020,6.0,bn,\nexports,China,2020,4.0,bn,\n",
     []),
    ("partial breakdown over total", PARTIAL,
     "exports,World,2020,10.0,bn,\nexports,Asia,2020,6.0,bn,\nexports,Europe,2020,4.2,bn,\n",
     [("geo", [2, 3, 4])]),
    ("complete breakdown short of total", COMPLETE,
     "exports,World,2020,10.0,bn,\nexports,Asia,2020,6.0,bn,\nexports,Europe,2020,3.8,bn,\n",
     [("geo", [2, 3, 4])]),
    ("complete breakdown adds up", COMPLETE,
     "exports,World,2020,10.0,bn,\nexports,Asia,2020,6.04,bn,\nexports,Europe,2020,3.9,bn,\n",
     []),
    ("quarters add up to the year", QUARTERS,
     "exports,World,2020,10,bn,\nexports,World,2020Q1,2.4,bn,\nexports,World,2020Q2,2.6,bn,\n"
     "exports,World,2020Q3,2.5,bn,\nexports,World,2020Q4,2.5,bn,\n", []),
    ("a quarter off", QUARTERS,
     "exports,World,2020,10.0,bn,\nexports,World,2020Q1,2.4,bn,\nexports,World,2020Q2,2.6,bn,\n"
     "exports,World,2020Q3,2.5,bn,\nexports,World,2020Q4,3.5,bn,\n",
     [("quarters", [2, 3, 4, 5, 6])]),
    ("negative exports", NONNEG, "exports,World,2020,-0.3,bn,\n", [("nonneg", [2])]),
    ("zero exports is fine", NONNEG, "exports,World,2020,0.0,bn,\n", []),
    ("implied prior within total", PRIOR,
     "exports,World,2020,10.0,bn,10.0\nexports,Asia,2020,6.0,bn,5.0\n", []),
    ("implied prior over total", PRIOR,
     "exports,World,2020,10.0,bn,50.0\nexports,Asia,2020,6.0,bn,-20.0\n",
     [("prior", [2, 3])]),
    ("implied prior against the reported prior year", "  - id: prior\n    implied_prior: []\n",
     "exports,World,2020,110.0,bn,10.0\nexports,World,2019,95.0,bn,\n",
     [("prior", [2, 3])]),
    ("implied prior matches the reported prior year", "  - id: prior\n    implied_prior: []\n",
     "exports,World,2020,110.0,bn,10.0\nexports,World,2019,100.0,bn,\n", []),
    ("tolerance widens the slack",
     "  - id: balance\n    identity: balance = exports - imports\n    along: flow\n"
     "    tolerance: {abs: 0.5, unit: bn}\n",
     "exports,World,2020,258.4,bn,\nimports,World,2020,206.0,bn,\nbalance,World,2020,52.8,bn,\n",
     []),
    ("unknown code with a suggestion, the rest still checked", BALANCE + PARTIAL,
     "exports,World,2020,10.0,bn,\nexports,Chnia,2020,4.0,bn,\nexports,Asia,2020,12.0,bn,\n",
     [("input.unknown-code", [3]), ("geo", [2, 4])]),
    ("malformed value and unknown unit", PARTIAL,
     "exports,World,2020,1O.0,bn,\nexports,Asia,2020,6.0,USD bn,\nexports,China,2020,4.0,bn,\n",
     [("input.malformed-number", [2]), ("input.unknown-unit", [3])]),
    ("agreeing duplicates narrow each other", BALANCE,
     "exports,World,2020,258.4,bn,\nexports,World,2020,258.42,bn,\nimports,World,2020,206.0,bn,\n"
     "balance,World,2020,52.5,bn,\n", []),
    ("conflicting duplicates", BALANCE,
     "exports,World,2020,258.4,bn,\nexports,World,2020,285.4,bn,\nimports,World,2020,206.0,bn,\n"
     "balance,World,2020,52.5,bn,\n", [("input.duplicate", [2, 3])]),
    ("missing code", NONNEG, "exports,,2020,1.0,bn,\n", [("input.missing-code", [2])]),
    ("a value too large once its unit is applied", NONNEG,
     "exports,World,2020,1e305,bn,\n", [("input.malformed-number", [2])]),
    ("a figure not reported needs no unit", NONNEG,
     "exports,World,2020,1.0,bn,\nexports,Asia,2020,,,\n", []),
    ("a rate printed twice that disagrees, once without its value", NONNEG,
     "exports,World,2020,10.0,bn,5.0\nexports,World,2020,,,7.0\n",
     [("input.duplicate", [2, 3])]),
    ("truncated figures reconcile only when truncation is declared", COMPLETE,
     "exports,World,2020,10.8,bn,\nexports,Asia,2020,6,bn,\nexports,Europe,2020,3,bn,\n",
     [("geo", [2, 3, 4])]),
]


@pytest.mark.parametrize(("rules", "rows", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_rule_case(rules: str, rows: str, expected: list[tuple[str, list[int]]]) -> None:
    report = run(rules, rows)
    found = [(d["rule"], [f["row"] for f in d["figures"]]) for d in report["discrepancies"]]
    assert found == expected


def test_truncation_declared_reconciles() -> None:
    # True values 6.9 + 3.9 = 10.8, printed with digits cut: 6, 3 and 10.8.
    rows = "exports,World,2020,10.8,bn,\nexports,Asia,2020,6,bn,\nexports,Europe,2020,3,bn,\n"
    assert run(COMPLETE, rows, ", rounding: truncated")["discrepancies"] == []


def test_warning_severity_is_carried() -> None:
    report = run(NONNEG.replace("bounds:", "severity: warning\n    bounds:"),
                 "exports,World,2020,-0.3,bn,\n")
    assert [d["severity"] for d in report["discrepancies"]] == ["warning"]
    assert report["summary"]["status"] == "warnings"


def test_not_evaluated_names_the_missing_figures() -> None:
    # The balance is printed, so the identity applies; imports are missing: not evaluated.
    report = run(BALANCE, "exports,World,2020,258.4,bn,\nbalance,World,2020,52.5,bn,\n")
    (rule,) = [r for r in report["rules"] if r["id"] == "balance"]
    assert (rule["checked"], rule["failed"], rule["not_evaluated"]) == (0, 0, 1)
    assert rule["not_applicable"] == 0
    (skipped,) = report["not_evaluated"]
    assert skipped["reason"] == "figures not reported"
    assert skipped["missing"] == [{"flow": "imports", "geo": "World", "period": "2020"}]


def test_an_identity_whose_checked_figure_is_not_printed_is_not_applicable() -> None:
    # China has exports and imports but no printed balance: nothing to check, nothing listed.
    rows = ("exports,World,2020,258.4,bn,\nimports,World,2020,206.0,bn,\n"
            "balance,World,2020,52.4,bn,\nexports,China,2020,100.0,bn,\n"
            "imports,China,2020,60.0,bn,\n")
    report = run(BALANCE, rows)
    (rule,) = [r for r in report["rules"] if r["id"] == "balance"]
    assert (rule["checked"], rule["not_evaluated"], rule["not_applicable"]) == (1, 0, 1)
    assert report["not_evaluated"] == []
    assert report["summary"]["not_applicable"] == 1


def test_a_rule_whose_checked_figures_are_never_printed_still_says_so() -> None:
    report = run(BALANCE, "exports,World,2020,258.4,bn,\nimports,World,2020,206.0,bn,\n")
    (rule,) = [r for r in report["rules"] if r["id"] == "balance"]
    assert (rule["checked"], rule["not_evaluated"], rule["not_applicable"]) == (0, 1, 1)
    (entry,) = report["not_evaluated"]
    assert entry["reason"] == "the table prints none of the figures this rule checks"


def test_parts_without_a_printed_total_are_not_applicable() -> None:
    # China within Asia is checked; Asia within World is not applicable (no World printed).
    rows = "exports,China,2020,100.0,bn,\nexports,Asia,2020,150.0,bn,\n"
    report = run(PARTIAL, rows)
    (rule,) = [r for r in report["rules"] if r["id"] == "geo"]
    assert (rule["checked"], rule["not_evaluated"], rule["not_applicable"]) == (1, 0, 1)
    assert report["not_evaluated"] == []


def test_unusable_figure_is_named_as_the_reason() -> None:
    report = run(BALANCE, "exports,World,2020,258.4,bn,\nimports,World,2020,2o6,bn,\n"
                 "balance,World,2020,52.5,bn,\n")
    (skipped,) = [n for n in report["not_evaluated"] if n["rule"] == "balance"]
    assert skipped["reason"] == "figures not usable: row 3 has an unreadable number or unit"


def test_a_rule_that_applies_to_nothing_is_not_a_silent_pass() -> None:
    report = run(NONNEG, "balance,World,2020,1.0,bn,\n")
    (rule,) = [r for r in report["rules"] if r["id"] == "nonneg"]
    assert (rule["checked"], rule["not_evaluated"]) == (0, 1)
    assert report["not_evaluated"][0]["reason"] == "no figures in the table fall under this rule"


def test_unknown_code_message_suggests_the_code() -> None:
    report = run(NONNEG, "exports,Chnia,2020,4.0,bn,\n")
    assert report["discrepancies"][0]["message"] == (
        "row 2: 'Chnia' is not a code of geo (did you mean 'China'?)"
    )


def test_conflicting_duplicate_message() -> None:
    report = run(BALANCE, "exports,World,2020,258.4,bn,\nexports,World,2020,285.4,bn,\n")
    assert report["discrepancies"][0]["message"] == (
        "rows 2, 3 give the same figure (exports, World, 2020) as 258.4 bn and 285.4 bn, which "
        "cannot all be right"
    )


def test_a_ratio_without_its_printed_figure_is_not_applicable() -> None:
    ratio = ("  - id: cover\n    ratio: deficit = exports / imports\n    along: flow\n"
             "    times: 100\n")
    rows = ("exports,World,2020,258.4,bn,\nimports,World,2020,206.0,bn,\n"
            "deficit,World,2020,125.4,bn,\nexports,Asia,2020,100.0,bn,\n"
            "imports,Asia,2020,60.0,bn,\n")
    report = run(ratio, rows)
    (rule,) = [r for r in report["rules"] if r["id"] == "cover"]
    assert (rule["checked"], rule["not_evaluated"], rule["not_applicable"]) == (1, 0, 1)
