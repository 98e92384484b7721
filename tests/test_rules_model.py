"""One rules model: the prose sections are read with the rest, periods share one vocabulary, and
one rules file serves a table and its press release."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from validator.cli import main
from validator.errors import InputError
from validator.extraction import Lexicon, extract_figures
from validator.model import CodeLabel
from validator.periods import in_vocabulary
from validator.rules import load_rules, parse_rules

MONTHLY_RULES = ROOT / "rules" / "monthly-trade.yaml"

HEAD = """\
version: 1
figures: {value: value, unit: unit, units: {USD bn: 1.0e9}, time: period}
dimensions:
  flow: [exports, imports, balance]
  partner: {World: [China, US]}
  period: ["2020", "2020Q4"]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
"""


def test_labels_defaults_and_phrases_are_part_of_the_rules_model() -> None:
    rules = parse_rules(HEAD + """\
labels:
  flow:
    exports: {label: outbound shipments, aliases: [shipments, sales]}
    balance: {aliases: [surplus], negative_aliases: [deficit]}
defaults: {flow: exports}
ignore_phrases: ["Ministry of Trade"]
""", "r.yaml")
    assert rules.labels["flow"]["exports"] == CodeLabel("outbound shipments",
                                                         ("shipments", "sales"))
    assert rules.labels["flow"]["balance"].negative_aliases == ("deficit",)
    assert rules.defaults == {"flow": "exports"}
    assert rules.ignore_phrases == ("Ministry of Trade",)
    lexicon = Lexicon.from_rules(rules)
    assert {a.phrase for a in lexicon.aliases if a.code == "exports"} == {
        "exports", "outbound shipments", "shipments", "sales"}
    assert [a.phrase for a in lexicon.aliases if a.negative] == ["deficit"]


def test_every_error_in_the_prose_sections_is_located_and_collected() -> None:
    with pytest.raises(InputError) as caught:
        parse_rules(HEAD + """\
labels:
  flow:
    exports: {lable: outbound}
    Mars: {aliases: [red planet]}
  colour: {red: {}}
defaults: {flow: [exports, imports], partner: Moon}
ignore_phrases: the ministry
""", "r.yaml")
    assert list(caught.value.messages) == [
        "r.yaml:13:15: unknown key 'lable' in a code's labels: did you mean 'label'? (expected "
        "one of: label, aliases, negative_aliases)",
        "r.yaml:14:5: unknown code 'Mars' in dimension 'flow'",
        "r.yaml:15:3: unknown dimension 'colour' in 'labels' (expected one of: flow, partner, "
        "period)",
        "r.yaml:16:18: a default is one code",
        "r.yaml:16:47: unknown code 'Moon' in dimension 'partner'",
        "r.yaml:17:17: 'ignore_phrases' must be a list of phrases",
    ]


def test_unit_words_without_a_placeholder_read_as_in_tables() -> None:
    rules = parse_rules(HEAD.replace("units: {USD bn: 1.0e9}",
                                     'units: {USD bn: 1.0e9}, unit_words: {USD bn: ["$ bln"]}'),
                        "r.yaml")
    table = extract_figures("In 2020 exports were $ 5.1 bln.", Lexicon.from_rules(rules)).table
    assert table[["flow", "value", "unit"]].values.tolist() == [["exports", "5.1", "USD bn"]]


@pytest.mark.parametrize(("code", "known", "expected"), [
    ("2023-Q4", ["2023Q4"], "2023Q4"),
    ("2023-Q4", ["2023-Q4"], "2023-Q4"),
    ("2023-Q4", ["2022Q1"], "2023Q4"),  # the form the rules file uses
    ("2023-Q4", [], "2023-Q4"),
    ("2020-01/2020-03", ["2020-03-YTD"], "2020-03-YTD"),
    ("2020-01/2020-03", ["2020Q1"], "2020Q1"),
    ("2020-01/2020-03", [], "2020-03-YTD"),
    ("2020-01/2020-06", ["2020H1"], "2020H1"),
    ("2020-07/2020-12", ["2020-S2"], "2020-S2"),
    ("2020-01/2020-12", ["2020"], "2020"),
    ("2020-02/2020-05", ["2020Q1"], "2020-02/2020-05"),  # no code names it
    ("2020-12", ["2020-12"], "2020-12"),
])
def test_periods_are_written_in_the_rules_files_vocabulary(code: str, known: list[str],
                                                           expected: str) -> None:
    assert in_vocabulary(code, known) == expected


def _check_release(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                   sentence: str) -> tuple[int, dict[str, Any]]:
    """`validator check` on a one-sentence monthly release against the monthly rules file."""
    path = tmp_path / "release.txt"
    path.write_text(f"Monthly trade, November 2020\n\n{sentence}\n", encoding="utf-8")
    code = main(["check", str(path), "--rules", str(MONTHLY_RULES), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_one_rules_file_serves_a_table_and_its_press_release(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The rules file names share and change-in-amount columns that a press release never has.
    code, report = _check_release(
        tmp_path, capsys, "In the first quarter of 2020, exports to the world were $622.9 "
        "billion and imports were $760.0 billion, a deficit of $137.1 billion.")
    assert code == 0
    reasons = {n["rule"]: n["reason"] for n in report["not_evaluated"]}
    assert reasons["partner-shares"] == (
        "the table has no column 'share_pct' (shares), which this rule reads")
    assert reasons["month-on-month"] == (
        "the table has no column 'change_amt' (changes in amount), which this rule reads")
    deficit = next(r for r in report["rules"] if r["id"] == "deficit")
    assert (deficit["checked"], deficit["failed"]) == (1, 0)


def test_a_wrong_deficit_in_the_release_is_caught_under_the_rules_files_period_codes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _check_release(
        tmp_path, capsys, "In the first three months of 2020, exports to the world were "
        "$622.9 billion and imports were $760.0 billion, a deficit of $173.1 billion.")
    assert code == 1
    assert [d["rule"] for d in report["discrepancies"]] == ["deficit"]
    # "2020Q1" as the hierarchy writes it: no unknown-code, no "not in the table".
    assert {f["key"]["period"] for f in report["discrepancies"][0]["figures"]} == {"2020Q1"}


def test_every_label_of_a_rules_file_is_a_word_of_its_lexicon() -> None:
    for path in sorted([*(ROOT / "rules").glob("*.yaml"),
                        *(ROOT / "tests" / "fixtures" / "extract").glob("*/rules.yaml")]):
        rules = load_rules(str(path))
        phrases = {(a.dimension, a.code, a.phrase, a.negative)
                   for a in Lexicon.from_rules(rules).aliases}
        for dim, codes in rules.labels.items():
            for code, words in codes.items():
                named = [*([words.label] if words.label else []), *words.aliases]
                assert {(dim, code, w, False) for w in named} <= phrases, (path, code)
                assert {(dim, code, w, True) for w in words.negative_aliases} <= phrases
