"""Data-driven rule cases (tests/cases/<kind>.yaml, one file per rule kind, plus input.yaml):
a tiny table, its rules, the discrepancies expected and the exact counts per rule. Each kind's
docstring examples (its "Passes:" and "Fails:" lines) are cases of its file."""

from __future__ import annotations

import dataclasses
import importlib
import re
import tempfile
import textwrap
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from validator import intake
from validator.checks import CHECKS
from validator.engine import check
from validator.errors import InputError
from validator.model import Dimension
from validator.rules import parse_rules
from validator.table import read_table

CASES_DIR = Path(__file__).parent / "cases"
NOT_KINDS = {"input"}  # case files for what is not a rule kind
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
COMPLETE = "  - id: geo\n    breakdown: geo\n    complete: true\n"
NONNEG = "  - id: nonneg\n    bounds: {min: 0}\n    where: {flow: [exports, imports]}\n"


def load_cases(path: Path) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(f"{path.stem}: {case['name']}", data, case) for case in data["cases"]]


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


ALL_CASES = [c for path in case_files() for c in load_cases(path)]


def run_case(data: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    text = case.get("head", data["head"]) + "rules:\n" + textwrap.indent(case["rules"], "  ")
    rules = parse_rules(text, "rules.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "figures.csv"
        file.write_text(case.get("columns", data["columns"]) + "\n" + case["rows"],
                        encoding="utf-8")
        return check(read_table(str(file)), rules).to_records()


@pytest.mark.parametrize(("data", "case"), [c[1:] for c in ALL_CASES],
                         ids=[c[0] for c in ALL_CASES])
def test_rule_case(data: dict[str, Any], case: dict[str, Any]) -> None:
    report = run_case(data, case)
    found = [(d["rule"], [f["row"] for f in d["figures"]]) for d in report["discrepancies"]]
    assert found == [(e["rule"], e["rows"]) for e in case["expect"]]
    for expected, discrepancy in zip(case["expect"], report["discrepancies"], strict=True):
        if "message" in expected:
            assert discrepancy["message"] == expected["message"]
        if "context" in expected:
            assert discrepancy["context"] == expected["context"]
        if "roles" in expected:
            assert [f["role"] for f in discrepancy["figures"]] == expected["roles"]
        assert discrepancy["severity"] == expected.get("severity", "error")
    counts = {r["id"]: [r["checked"], r["failed"], r["not_evaluated"], r["not_applicable"]]
              for r in report["rules"]}
    for rule_id, expected_counts in case.get("counts", {}).items():
        # A fourth count, where given, is the instances not applicable (else it must be 0).
        assert counts[rule_id] == [*expected_counts, 0][:4], rule_id
        listed = [n for n in report["not_evaluated"] if n["rule"] == rule_id]
        # Every instance counted as not evaluated is listed (these tables are far below the cap).
        assert len(listed) == expected_counts[2], rule_id


def test_every_rule_kind_has_a_case_file() -> None:
    kinds = {p.stem for p in case_files()} - NOT_KINDS
    assert kinds == set(CHECKS), "one tests/cases/<kind>.yaml per kind in validator.checks.CHECKS"


def _docstring_example(kind: str, label: str) -> str:
    module_doc = importlib.import_module(CHECKS[kind].evaluate.__module__).__doc__ or ""
    match = re.search(rf"^{label}:\s*(.*?)(?=^\w+:|\Z)", module_doc, re.S | re.M)
    assert match, f"the docstring of {kind} has no '{label}:' example"
    return " ".join(match[1].split())


@pytest.mark.parametrize("kind", sorted(CHECKS))
def test_docstring_examples_are_cases(kind: str) -> None:
    cases = {c.get("docstring"): c for _, data, c in load_cases(CASES_DIR / f"{kind}.yaml")}
    assert {"passes", "fails"} <= set(cases), f"{kind}.yaml lacks a docstring passes/fails case"
    assert cases["passes"]["expect"] == []
    assert cases["fails"]["expect"], "the docstring's failing example must fail"
    # Each quoted message in the docstring is the engine's message in one of the cases ("..."
    # and "(...)" elide).
    messages = [e["message"] for _, _, c in load_cases(CASES_DIR / f"{kind}.yaml")
                for e in c["expect"] if "message" in e]
    for quoted in re.findall(r'"(.*?)"', _docstring_example(kind, "Fails")):
        pattern = re.escape(quoted).replace(r"\(\.\.\.\)", r"\(.*\)").replace(r"\.\.\.", ".*")
        assert any(re.search(pattern, m) for m in messages), f"docstring: {quoted}"


# bounds: each figure is its own instance; one without a usable value is an input discrepancy,
# and only "no figure in scope has a usable value" is a (single) not-evaluated entry.
ONE_INSTANCE_AT_MOST_UNEVALUATED = {"bounds"}


@pytest.mark.parametrize("kind", sorted(set(CHECKS) - ONE_INSTANCE_AT_MOST_UNEVALUATED))
def test_every_kind_counts_several_instances_not_evaluated(kind: str) -> None:
    # A kind that lists what it leaves unevaluated without counting it reports 1 (the engine's
    # "no figures fall under this rule") whatever the number: two or more tell the difference.
    counted = [counts[2] for _, _, case in load_cases(CASES_DIR / f"{kind}.yaml")
               for counts in case.get("counts", {}).values()]
    assert max(counted, default=0) >= 2, f"{kind}.yaml: no case counts 2+ not evaluated"


def test_every_case_states_its_expectations() -> None:
    for _, _, case in ALL_CASES:
        assert {"name", "rules", "rows", "expect"} <= set(case), case.get("name")


def test_agreeing_duplicates_narrow_each_other() -> None:
    # 258.4 is 258.35..258.45 and 258.42 is 258.415..258.425: both right only in the latter.
    # Against imports 205.95..206.05 the balance is then 52.365..52.475, so 52.3 (52.25..52.35)
    # fails, which it would not against the wider interval (52.3..52.5).
    report = run(BALANCE, "exports,World,2020,258.4,bn,\nexports,World,2020,258.42,bn,\n"
                 "imports,World,2020,206.0,bn,\nbalance,World,2020,52.3,bn,\n")
    (found,) = report["discrepancies"]
    assert found["rule"] == "balance"
    assert found["expected"] == [52.365, 52.475]  # in bn, as displayed


def test_duplicates_narrow_in_either_order_and_across_units() -> None:
    rows = ("exports,World,2020,258420,mn,\nexports,World,2020,258.4,bn,\n"
            "imports,World,2020,206.0,bn,\nbalance,World,2020,52.3,bn,\n")
    (found,) = run(BALANCE, rows)["discrepancies"]
    assert found["expected"] == [52.365, 52.475]  # in bn, as displayed


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


def _oracle_found(data: dict[str, Any], case: dict[str, Any]) -> set[tuple[str, frozenset[int]]]:
    from io import StringIO

    import pandas as pd

    from validator.testing import oracle

    text = case.get("head", data["head"]) + "rules:\n" + textwrap.indent(case["rules"], "  ")
    rules = parse_rules(text, "rules.yaml")
    frame = pd.read_csv(StringIO(case.get("columns", data["columns"]) + "\n" + case["rows"]),
                        dtype=str, keep_default_na=False)
    return {(v.rule, frozenset(r + 2 for r in v.rows))  # frame positions -> table rows
            for v in oracle.violations(rules, oracle.points_from_frame(frame, rules))}


@pytest.mark.parametrize(("data", "case"), [c[1:] for c in ALL_CASES if not
                                            c[0].startswith("input:")],
                         ids=[c[0] for c in ALL_CASES if not c[0].startswith("input:")])
def test_the_oracle_referees_every_case(data: dict[str, Any], case: dict[str, Any]) -> None:
    """The independent oracle finds exactly the violations the case expects of the engine."""
    expected = {(e["rule"], frozenset(e["rows"])) for e in case["expect"]
                if not e["rule"].startswith("input.")}
    assert _oracle_found(data, case) == expected


def test_a_ratio_without_its_printed_figure_is_not_applicable() -> None:
    ratio = ("  - id: cover\n    ratio: deficit = exports / imports\n    along: flow\n"
             "    times: 100\n")
    rows = ("exports,World,2020,258.4,bn,\nimports,World,2020,206.0,bn,\n"
            "deficit,World,2020,125.4,bn,\nexports,Asia,2020,100.0,bn,\n"
            "imports,Asia,2020,60.0,bn,\n")
    report = run(ratio, rows)
    (rule,) = [r for r in report["rules"] if r["id"] == "cover"]
    assert (rule["checked"], rule["not_evaluated"], rule["not_applicable"]) == (1, 0, 1)


@pytest.mark.parametrize(("data", "case"), [c[1:] for c in ALL_CASES if c[2]["expect"]],
                         ids=[c[0] for c in ALL_CASES if c[2]["expect"]])
def test_every_failing_rule_case_names_a_suspect(data: dict[str, Any],
                                                 case: dict[str, Any]) -> None:
    # Every kind describes its instances as relations (validator/relations.py), so a failing
    # instance of any kind is explained by some figure (validator/localise.py). Built-in rules
    # (input discrepancies, a balance changing sign) say what was seen, with nothing to solve.
    report = run_case(data, case)
    kinds = {r["id"]: r["kind"] for r in report["rules"]}
    failing = {d["rule"] for d in report["discrepancies"] if kinds[d["rule"]] in CHECKS}
    explained = {rule for s in report["suspects"] for rule, _ in
                 ((e["rule"], e["context"]) for e in s["explains"])}
    assert failing <= explained


# --- the intake on its own (validator/intake.py) --------------------------------------------

BAD_ROWS = ("exports,Chnia,2020,4.0,bn,\nexports,,2020,1.0,bn,\nexports,World,2020,1O.0,bn,\n"
            "exports,Asia,2020,6.0,USD bn,x\nimports,World,2021,2.0,mn,1.5\n")


def _table(rows: str, columns: str = COLUMNS) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "t.csv"
        file.write_text(columns + rows, encoding="utf-8")
        return read_table(str(file))


def _schema_failures(table: Any, rules: Any) -> Any:
    return intake.schema_failures(table, rules, intake.ParsedColumns(table.frame, rules))


def test_the_schema_names_each_failing_cell_by_column_check_and_row() -> None:
    rules = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    shared = _schema_failures(_table(BAD_ROWS), rules)

    def cells(failures: Any) -> list[tuple[str, str, int]]:
        return sorted((str(c), str(k), int(i)) for c, k, i in
                      failures[["column", "check", "index"]].itertuples(index=False))

    assert cells(shared) == [
        ("change", "input.malformed-number", 3), ("geo", "input.unknown-code", 0),
        ("geo", "input.unknown-code", 1), ("unit", "input.unknown-unit", 3),
        ("value", "input.malformed-number", 2)]
    clean = _table("exports,World,2020,4.0,bn,\n")
    assert _schema_failures(clean, rules).empty
    # A row with no value needs no unit either.
    assert _schema_failures(_table("imports,Asia,2020,,,\n"), rules).empty


def test_a_missing_value_column_is_an_input_error_naming_it() -> None:
    rules = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    table = _table("exports,World,2020,bn\n", columns="flow,geo,period,unit\n")
    with pytest.raises(InputError) as raised:
        _schema_failures(table, rules)
    (message,) = raised.value.messages
    assert message.endswith("row 1: required column 'value' is missing (columns found: flow, "
                            "geo, period, unit; the rules file r.yaml names it)")
    # A column the rules file names but only some rules read (a change) may be absent.
    assert _schema_failures(_table("exports,World,2020,1.0,bn\n",
                                   columns="flow,geo,period,value,unit\n"), rules).empty


def test_printed_intervals_are_in_base_units_with_rates_apart() -> None:
    rules = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    frame = _table("exports,World,2020,1.5,bn,2.0\nimports,World,2020,251,mn,\n"
                   "exports,Asia,2020,3,kg,-1\n").frame
    value, rate = intake.printed_intervals(frame, rules.figures)
    assert value.lo[:2].tolist() == pytest.approx([1.45e9, 250.5e6])
    assert value.hi[:2].tolist() == pytest.approx([1.55e9, 251.5e6])
    assert np.isnan(value.lo[2])  # a unit the rules do not declare has no scale
    assert rate is not None
    assert rate.lo[[0, 2]].tolist() == pytest.approx([1.95, -1.5])
    assert rate.hi[[0, 2]].tolist() == pytest.approx([2.05, -0.5]) and rate.empty[1]
    _, none = intake.printed_intervals(frame.drop(columns=["change"]), rules.figures)
    assert none is None
    assert intake.unit_scale(frame, rules.figures)[:2].tolist() == [1e9, 1e6]
    assert intake.unit_scale(frame.drop(columns=["unit"]), rules.figures).tolist() == [1.0] * 3


def test_number_columns_name_each_column_of_printed_numbers() -> None:
    rules = parse_rules(HEAD % ", share: share, abs_change: diff" + BALANCE, "r.yaml")
    assert intake.number_columns(rules.figures) == {"value": "value", "change": "change",
                                                    "share": "share", "diff": "abs_change"}
    plain = parse_rules(HEAD.replace("change: change, ", "") % "" + BALANCE, "r.yaml")
    assert intake.number_columns(plain.figures) == {"value": "value"}


def test_the_intake_keeps_one_figure_per_key_and_says_why_others_are_unusable() -> None:
    rules = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    table = _table("exports,World,2020,258.4,bn,5\nexports,World,2020,258.42,bn,\n"
                   "imports,World,2020,1O,bn,\nbalance,World,2020,5,bn,1\n"
                   "balance,World,2020,7,bn,\nexports,Asia,2020,1,kg,\n")
    taken = intake.take_in(table, rules)
    figures = taken.figures
    assert taken.row_keys.tolist()[:2] == [figures.key[0]] * 2
    assert (taken.row_keys >= 0).all()
    assert figures.frame_index.tolist() == [0, 2, 3, 5]
    assert figures.lo[0] == pytest.approx(258.415e9) and figures.hi[0] == pytest.approx(258.425e9)
    assert figures.rate_lo[0] == pytest.approx(4.5) and figures.decimals[0] == 2
    assert figures.available.tolist() == [True, False, False, False]
    # Copies that disagree leave the figure without a value or a rate, not with one end.
    assert np.isnan([figures.lo[2], figures.hi[2], figures.rate_lo[2], figures.rate_hi[2]]).all()
    assert figures.decimals.dtype == np.int64
    assert sorted(figures.unusable.values()) == [
        "row 4 has an unreadable number or unit", "row 7 has an unreadable number or unit",
        "rows 5, 6 disagree"]
    assert [rule for rule, _ in taken.findings] == [
        "input.malformed-number", "input.unknown-unit", "input.duplicate"]
    assert taken.checked == {rule: 6 for rule in intake.INPUT_RULES}
    assert figures.value_text[0] == "258.4" and figures.unit[3] == "kg"
    assert figures.change_text[2] == "1" and figures.scale.tolist() == [1e9, 1e9, 1e9, 1.0]


def test_signed_codes_are_marked_in_the_figures() -> None:
    rules = parse_rules(HEAD % ", signed: {flow: [balance, deficit], geo: [Asia]}" + BALANCE,
                        "r.yaml")
    table = _table("exports,World,2020,5,bn,\nbalance,World,2020,-1,bn,\n"
                   "deficit,World,2020,2,bn,\nexports,Asia,2020,2,bn,\n")
    figures = intake.take_in(table, rules).figures
    assert figures.is_signed().tolist() == [False, True, True, True]
    assert intake.format_change(" 2.5 ") == "+2.5%" and intake.format_change("-1") == "-1%"
    assert intake.format_change("\u22121") == "\u22121%" and intake.format_change("+0") == "+0%"


def test_too_many_combinations_of_codes_cannot_be_keyed() -> None:
    dims = tuple(Dimension(f"d{i}", tuple(f"c{j}" for j in range(2**16 - 1)), {}, False)
                 for i in range(4))
    intake._check_key_space(dims[:3])
    with pytest.raises(InputError, match="too many combinations of codes"):
        intake._check_key_space(dims)


def test_printed_intervals_follow_the_rounding_and_zeros_of_each_column() -> None:
    extra = ", rounding: {value: truncated, change: exact}, trailing_zeros: significant"
    rules = parse_rules(HEAD % extra + BALANCE, "r.yaml")
    frame = _table("exports,World,2020,130,bn,2.5\n").frame
    value, rate = intake.printed_intervals(frame, rules.figures)
    assert (value.lo[0], value.hi[0]) == pytest.approx((130e9, 131e9))
    assert rate is not None and (rate.lo[0], rate.hi[0]) == (2.5, 2.5)
    zeros = parse_rules(HEAD % ", trailing_zeros: significant" + BALANCE, "r.yaml")
    _, rate = intake.printed_intervals(_table("exports,World,2020,1,bn,20\n").frame,
                                       zeros.figures)
    assert rate is not None and (rate.lo[0], rate.hi[0]) == (19.5, 20.5)
    plain = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    value, rate = intake.printed_intervals(frame, plain.figures)
    assert (value.lo[0], value.hi[0]) == pytest.approx((125e9, 135e9))
    assert rate is not None and (rate.lo[0], rate.hi[0]) == pytest.approx((2.45, 2.55))


def test_a_figure_printed_more_often_than_a_finding_lists() -> None:
    # 1,001 distinct printed versions of one figure, each twice: more versions than a finding
    # lists figures (limits.MAX_FIGURES_PER_FINDING), so it lists one row of each, and names
    # them all in its message.
    versions = 1001
    rows = "".join(f"exports,World,2020,{v}.0,bn,\n" * 2 for v in range(1, versions + 1))
    (found,) = run(BALANCE, rows)["discrepancies"]
    assert found["rule"] == "input.duplicate"
    assert [f["row"] for f in found["figures"]] == list(range(2, 2 * versions + 2, 2))
    assert found["message"].startswith(f"{2 * versions:,} rows give the same figure (exports, "
                                       "World, 2020) as 1.0 bn (rows 2, 3) and 2.0 bn (rows 4, "
                                       "5) and ")
    copies = "exports,World,2020,5.0,bn,\n" * 1500 + "exports,World,2020,6.0,bn,\n"
    (found,) = run(BALANCE, copies)["discrepancies"]
    rows_listed = [f["row"] for f in found["figures"]]
    assert rows_listed == [*range(2, 502), 1502]  # 1,000 // 2 versions: 500 rows of each
    assert "5.0 bn (rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 1,490 more) and 6.0 bn (row 1502)" \
        in found["message"]


def test_checking_a_table_full_of_input_problems_gives_no_warning() -> None:
    rows = BAD_ROWS + ("exports,World,2020,258.4,bn,5\nexports,World,2020,258.42,bn,\n"
                       "balance,World,2020,5,bn,1\nbalance,World,2020,7,bn,\n"
                       "imports,Asia,2020,1e305,bn,\nimports,Europe,2020,,,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = run(BALANCE + NONNEG, rows)
    assert {d["rule"] for d in report["discrepancies"]} >= {
        "input.duplicate", "input.malformed-number", "input.unknown-code", "input.missing-code",
        "input.unknown-unit"}


PLAIN_HEAD = """\
version: 1
figures: {value: value, time: period%s}
dimensions:
  flow: [exports, imports, balance]
  period: {"2020": ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]}
rules:
  - id: nonneg
    bounds: {min: 0}
"""


def test_a_table_without_units_or_changes_is_read_in_base_units() -> None:
    rules = parse_rules(PLAIN_HEAD % "", "r.yaml")
    table = _table("exports,2020,1e100\nimports,2020,1e99\nbalance,2020,2\n",
                   columns="flow,period,value\n")
    taken = intake.take_in(table, rules)
    (finding,) = [f for rule, f in taken.findings if rule == "input.malformed-number"]
    # 1e100 is 0.5e100..1.5e100: past the largest figure checked, once its width is counted.
    assert finding.message == ("row 2: value '1e100' in base units is too large to check "
                               "(more than 1e+100 in base units)")
    assert dict(finding.context) == {"flow": "exports", "period": "2020"}
    figures = taken.figures
    assert figures.available.tolist() == [False, True, True]
    assert np.isnan(figures.rate_lo).all() and np.isnan(figures.rate_hi).all()
    assert figures.rate_lo.dtype == np.float64 and figures.change_text[0] == ""
    assert figures.share_lo is None and figures.abs_lo is None and figures.signed is None


def test_the_largest_exact_figure_is_usable() -> None:
    rules = parse_rules(PLAIN_HEAD % ", rounding: exact", "r.yaml")
    table = _table("exports,2020,1e100\nimports,2020,-1e100\n", columns="flow,period,value\n")
    taken = intake.take_in(table, rules)
    assert taken.findings == [] and taken.figures.available.all()


def test_a_change_column_the_table_lacks_costs_only_the_rates() -> None:
    rules = parse_rules(PLAIN_HEAD % ", change: change", "r.yaml")
    table = _table("exports,2020,5\nimports,2020,3\n", columns="flow,period,value\n")
    figures = intake.take_in(table, rules).figures
    assert figures.available.all() and np.isnan(figures.rate_lo).all()
    assert figures.change_text[0] == ""


def test_each_number_column_is_read_with_its_own_rounding() -> None:
    extra = (", share: share, abs_change: diff, rounding: {value: truncated, change: exact, "
             "share: truncated, abs_change: exact}")
    rules = parse_rules(HEAD % extra + BALANCE, "r.yaml")
    table = _table("exports,World,2020,10.5,bn,2.5,40.5,1.5\n",
                   columns="flow,geo,period,value,unit,change,share,diff\n")
    figures = intake.take_in(table, rules).figures
    assert (figures.lo[0], figures.hi[0]) == pytest.approx((10.5e9, 10.6e9))
    assert (figures.rate_lo[0], figures.rate_hi[0]) == (2.5, 2.5)
    assert figures.share_lo is not None and figures.share_hi is not None
    assert (figures.share_lo[0], figures.share_hi[0]) == pytest.approx((40.5, 40.6))
    assert figures.abs_lo is not None and figures.abs_hi is not None
    assert (figures.abs_lo[0], figures.abs_hi[0]) == pytest.approx((1.5e9, 1.5e9))
    assert figures.share_text is not None and figures.share_text[0] == "40.5"
    assert figures.abs_text is not None and figures.abs_text[0] == "1.5"


def test_a_formula_without_a_stored_value_is_an_input_finding_of_its_row(
        tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    rules = parse_rules("figures: {value: value}\ndimensions: {flow: [exports, imports, balance]}"
                        "\nrules:\n  - {id: balance, identity: balance = exports - imports, "
                        "along: flow}\n", "r.yaml")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["flow", "value"], ["exports", 183.6], ["imports", 112.6],
                ["balance", "=B2-B3"]):
        sheet.append(row)
    path = tmp_path / "f.xlsx"
    book.save(path)
    taken = intake.take_in(read_table(str(path), rules=rules), rules)
    (finding,) = [f for rule, f in taken.findings if rule == "input.formula-value"]
    assert finding.message.startswith("Sheet!B4: a formula with no stored value")
    assert [(f.row_index, f.role) for f in finding.figures] == [(2, "figure")]
    assert dict(finding.context) == {"flow": "balance"}
    assert taken.checked["input.formula-value"] == 1
    assert "input.unit-conflict" not in taken.checked  # no unit words declared


def test_the_time_dimension_adds_each_observed_period_and_the_one_before_once() -> None:
    rules = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    table = _table("exports,World,2022,1,bn,\nexports,World,2021,1,bn,\n"
                   "exports,World,2022,1,bn,\nexports,World,2021Q3,1,bn,\n")
    codes = intake.ParsedColumns(table.frame, rules).dimension("period").codes
    assert codes[:5] == ("2020", "2020Q1", "2020Q2", "2020Q3", "2020Q4")
    assert len(set(codes)) == len(codes)
    assert {"2019", "2021", "2022", "2021Q3", "2019Q4"} <= set(codes)  # and a year before


def test_a_unit_word_against_the_unit_column_makes_the_figure_unusable() -> None:
    rules = parse_rules(HEAD % ', unit_words: {bn: ["$ billion"], mn: ["$ million"]}' + BALANCE,
                        "r.yaml")
    table = _table("exports,World,2020,$5 million,bn,\nimports,World,2020,$2 billion,bn,\n"
                   "balance,Mars,2020,3,bn,\n")
    taken = intake.take_in(table, rules)
    figures = taken.figures
    assert figures.available.tolist() == [False, True]
    assert figures.unusable == {int(figures.key[0]): "row 2 has two different units"}
    assert taken.checked["input.unit-conflict"] == 3
    assert taken.row_keys[2] == -1  # an unknown code: no key at all
    assert taken.row_keys[:2].tolist() == figures.key.tolist()


def test_duplicates_whose_intervals_touch_at_an_end_agree_on_that_value() -> None:
    # 5 and 6 are 4.5..5.5 and 5.5..6.5: both are right if the figure is 5.5; the same for
    # rates of 1 and 2 (0.5..1.5 and 1.5..2.5).
    rows = ("exports,World,2020,5,bn,\nexports,World,2020,6,bn,\n"
            "imports,World,2020,5.0,bn,1\nimports,World,2020,5.0,bn,2\n")
    assert run(NONNEG, rows)["discrepancies"] == []
    table = _table(rows)
    figures = intake.take_in(table, parse_rules(HEAD % "" + NONNEG, "r.yaml")).figures
    assert (figures.lo[0], figures.hi[0]) == (5.5e9, 5.5e9)
    assert (figures.rate_lo[1], figures.rate_hi[1]) == (1.5, 1.5)


def test_copies_of_two_figures_interleaved_are_named_in_row_order() -> None:
    rows = "exports,World,2020,5.0,bn,\nimports,World,2020,5.0,bn,\n" * 12 + (
        "exports,World,2020,6.0,bn,\nimports,World,2020,6.0,bn,\n")
    exports, imports = run(NONNEG, rows)["discrepancies"]
    assert exports["message"] == (
        "13 rows give the same figure (exports, World, 2020) as 5.0 bn (rows 2, 4, 6, 8, 10, 12, "
        "14, 16, 18, 20 and 2 more) and 6.0 bn (row 26), which cannot all be right")
    assert imports["message"].startswith(
        "13 rows give the same figure (imports, World, 2020) as 5.0 bn (rows 3, 5, 7, 9, 11, 13, "
        "15, 17, 19, 21 and 2 more)")


def test_malformed_shares_and_changes_in_amount_are_named_as_such() -> None:
    rules = parse_rules(HEAD % ", share: share, abs_change: diff" + BALANCE, "r.yaml")
    table = _table("exports,World,2020,1,bn,,x,\nimports,World,2020,1,bn,,,y\n"
                   "balance,World,2020,\u22121e999,bn,,,\n",
                   columns="flow,geo,period,value,unit,change,share,diff\n")
    messages = [f.message for _, f in intake.take_in(table, rules).findings]
    assert messages == [
        "row 2: share 'x' in column 'share' is not a number",
        "row 3: change in amount 'y' in column 'diff' is not a number",
        "row 4: value '\u22121e999' in column 'value' is too large to check (more than 1e+100)"]
    # A share column the rules name but the table lacks: no shares, the values still read.
    figures = intake.take_in(_table("exports,World,2020,1,bn,\n"), rules).figures
    assert figures.share_lo is None and figures.abs_lo is None and figures.available.all()


def test_a_table_without_any_column_says_none_were_found() -> None:
    rules = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    table = _table("exports,World,2020,4.0,bn,\n")
    with pytest.raises(InputError) as raised:
        _schema_failures(dataclasses.replace(table, frame=table.frame.iloc[:, :0]), rules)
    assert len(raised.value.messages) == 5
    assert all("(columns found: none; the rules file r.yaml names it)" in m
               for m in raised.value.messages)


def test_a_column_that_is_not_text_is_named_first_in_rules_order() -> None:
    rules = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    table = _table("exports,World,2020,4.0,bn,\n")
    table.frame["geo"] = [1]
    table.frame["flow"] = [2]
    with pytest.raises(InputError) as raised:
        _schema_failures(table, rules)
    (message,) = raised.value.messages
    assert message.startswith(f"{table.path}: column 'flow': dtype(")


def test_a_clean_table_has_no_failure_rows_but_every_column_of_them() -> None:
    rules = parse_rules(HEAD % "" + BALANCE, "r.yaml")
    clean = _schema_failures(_table("exports,World,2020,4.0,bn,\n"), rules)
    assert clean.empty
    assert list(clean.columns) == ["column", "check", "failure_case", "index"]
