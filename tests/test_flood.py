"""Reports on a release where much is wrong: human formats show a few per rule and count the
rest, markdown fits a GitHub job summary, JSON and CSV carry every discrepancy."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from reporter_cases import problem_report

from validator.cli import main
from validator.report import FigureRef
from validator.reporters import Format, render
from validator.reporters.common import DEFAULT_MAX_PER_RULE, spreadsheet_safe
from validator.reporters.markdown import SUMMARY_LIMIT

MANY = 250


def flood() -> dict[str, Any]:
    """The problem report with its error repeated MANY times, each with its own message."""
    report = problem_report()
    first, *rest = report.discrepancies
    copies = tuple(dataclasses.replace(first, message=f"{first.message} (copy {i})")
                   for i in range(MANY))
    return dataclasses.replace(report, discrepancies=(*copies, *rest)).to_records()


@pytest.mark.parametrize("fmt", [Format.TEXT, Format.MARKDOWN, Format.HTML, Format.GITHUB])
def test_human_formats_show_at_most_n_per_rule_and_count_the_rest(fmt: Format) -> None:
    records = flood()
    shown = render(fmt, records, max_per_rule=5).replace("\\", "")  # markdown escapes
    assert "(copy 4)" in shown and "(copy 5)" not in shown
    assert f"[balance] {MANY - 5} more discrepancies not shown" in shown
    everything = render(fmt, records, max_per_rule=None)
    assert f"(copy {MANY - 1})" in everything and "more discrepancies not shown" not in everything
    default = render(fmt, records)
    assert f"(copy {DEFAULT_MAX_PER_RULE - 1})" in default
    assert f"(copy {DEFAULT_MAX_PER_RULE})" not in default


def test_the_limit_is_per_rule() -> None:
    text = render(Format.TEXT, flood(), max_per_rule=1)
    assert "(copy 0)" in text and "(copy 1)" not in text
    assert "WARNING [regions]" in text  # the other rule's only discrepancy is still shown


@pytest.mark.parametrize("fmt", [Format.JSON, Format.CSV])
def test_machine_formats_carry_every_discrepancy(fmt: Format) -> None:
    output = render(fmt, flood(), max_per_rule=1)
    assert f"(copy {MANY - 1})" in output


def test_markdown_fits_a_github_job_summary() -> None:
    records = flood()
    big = "x" * 20_000
    records["discrepancies"] = [{**d, "message": d["message"] + big}
                                for d in records["discrepancies"]]
    text = render(Format.MARKDOWN, records, max_per_rule=None)
    assert len(text.encode("utf-8")) <= SUMMARY_LIMIT
    assert "to fit a GitHub job summary" in text
    assert "more discrepancies not shown" in text


def test_csv_has_one_line_per_figure_and_no_formula_runs() -> None:
    report = problem_report()
    first = report.discrepancies[0]
    evil = dataclasses.replace(first, message="=HYPERLINK(\"http://x\")", figures=(
        FigureRef(key={"region": "@SUM(A1)", "item": "-2+3"}, value="-5.1", row=9,
                  unit="+cmd", extra={"source": "\tx"}),))
    records = dataclasses.replace(report, discrepancies=(*report.discrepancies, evil)).to_records()
    rows = list(csv.DictReader(io.StringIO(render(Format.CSV, records))))
    assert len(rows) == sum(len(d["figures"]) for d in records["discrepancies"])
    last = rows[-1]
    assert last["message"].startswith("'=")
    assert last["region"] == "'@SUM(A1)" and last["item"] == "'-2+3" and last["unit"] == "'+cmd"
    assert last["source"] == "'\tx"
    assert last["value"] == "-5.1"  # a signed number stays a number
    assert last["discrepancy"] == str(len(records["discrepancies"]))
    assert {r["discrepancy"] for r in rows[:3]} == {"1"}


@pytest.mark.parametrize(("text", "safe"), [("=1+1", "'=1+1"), ("+3.8", "+3.8"),
                                            ("-x", "'-x"), ("plain", "plain"), ("", "")])
def test_spreadsheet_safe(text: str, safe: str) -> None:
    assert spreadsheet_safe(text) == safe


def _balance_release(tmp_path: Path, wrong: int) -> tuple[Path, Path]:
    """Four years of exports, imports and a balance; the first `wrong` balances are wrong."""
    rules = tmp_path / "r.yaml"
    rules.write_text("figures: {value: value}\ndimensions:\n  flow: [exports, imports, balance]\n"
                     "  year: [a, b, c, d]\nrules:\n"
                     "  - {id: balance, identity: balance = exports - imports, along: flow}\n",
                     encoding="utf-8")
    table = tmp_path / "t.csv"
    table.write_text("flow,year,value\n" + "".join(
        f"exports,{y},12\nimports,{y},4\nbalance,{y},{1 if i < wrong else 8}\n"
        for i, y in enumerate("abcd")), encoding="utf-8")
    return table, rules


def test_max_per_rule_on_the_command_line(tmp_path: Path) -> None:
    table, rules = _balance_release(tmp_path, wrong=4)
    out, md, js = tmp_path / "o.txt", tmp_path / "o.md", tmp_path / "o.json"
    code = main(["check", str(table), "--rules", str(rules), "--max-per-rule", "1",
                 "--format", "text", "--output", str(out), "--format", "markdown",
                 "--output", str(md), "--format", "json", "--output", str(js)])
    assert code == 1
    assert "[balance] 3 more discrepancies not shown" in out.read_text(encoding="utf-8")
    assert "\\[balance\\] 3 more discrepancies not shown" in md.read_text(encoding="utf-8")
    assert len(json.loads(js.read_text(encoding="utf-8"))["discrepancies"]) == 4
    assert main(["check", str(table), "--rules", str(rules), "--max-per-rule", "-1"]) == 2



@pytest.mark.parametrize("wrong", [2, 3])
def test_a_flood_beyond_the_localisation_limit_names_no_suspect_and_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wrong: int) -> None:
    monkeypatch.setattr("validator.engine.MAX_LOCALISED_FAILURES", 2)
    table, rules = _balance_release(tmp_path, wrong)
    outputs = {fmt: tmp_path / f"o.{fmt}" for fmt in ("json", "text", "markdown", "html")}
    argv = ["check", str(table), "--rules", str(rules)]
    for fmt, path in outputs.items():
        argv += ["--format", fmt, "--output", str(path)]
    assert main(argv) == 1
    records = json.loads(outputs["json"].read_text(encoding="utf-8"))
    assert len(records["discrepancies"]) == wrong
    if wrong <= 2:  # at the limit: localised as always, no note
        assert records["suspects"] and "suspects_note" not in records
        assert "not computed" not in outputs["text"].read_text(encoding="utf-8")
        return
    assert records["suspects"] == []
    assert records["suspects_note"].startswith("not computed: 3 rule instances failed, more "
                                               "than the 2 that the search")
    for fmt in ("text", "markdown", "html"):
        assert "not computed: 3 rule instances failed" in outputs[fmt].read_text(
            encoding="utf-8"), fmt
