"""Clean means checked: a run that evaluated no rule instance says "nothing checked", first, in
every format, and fails unless accepted on purpose (`--allow-empty`, `--fail-on never`)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reporter_cases import clean_report, problem_report

from validator.cli import main
from validator.report import FailOn, Verdict
from validator.reporters import REPORTERS, Format, render

RULES = """\
title: Small release
figures: {value: value, unit: unit, units: {bn: 1.0e9}}
dimensions:
  flow: [exports, imports, balance]
  area: [north, south]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
"""
GOOD = "flow,area,value,unit\nexports,north,5.0,bn\nimports,north,3.0,bn\nbalance,north,2.0,bn\n"


def _run(tmp_path: Path, table: str, rules: str = RULES, *extra: str,
         name: str = "t.csv") -> tuple[int, str, str]:
    import contextlib
    import io

    (tmp_path / name).write_text(table, encoding="utf-8")
    (tmp_path / "r.yaml").write_text(rules, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(tmp_path / name), "--rules", str(tmp_path / "r.yaml"), *extra])
    return code, out.getvalue(), err.getvalue()


EMPTY_RUNS = {
    "header only": ("flow,area,value,unit\n", RULES),
    "all values empty": ("flow,area,value,unit\nexports,north,,\nimports,north,,\n"
                         "balance,north,,\n", RULES),
    "no rules": (GOOD, RULES.split("rules:")[0] + "rules: []\n"),
    "where selects nothing": (GOOD, RULES + "    where: {area: south}\n"),
    "no instance evaluable": ("flow,area,value,unit\nexports,north,5.0,bn\n", RULES),
}


@pytest.mark.parametrize("case", list(EMPTY_RUNS))
def test_nothing_checked_is_a_verdict_of_its_own_and_fails(tmp_path: Path, case: str) -> None:
    table, rules = EMPTY_RUNS[case]
    code, out, err = _run(tmp_path, table, rules, "--format", "json")
    assert code == 1, err
    records = json.loads(out)
    assert next(iter(records)) == "verdict"
    assert records["verdict"] == Verdict.NOTHING_CHECKED.value == "nothing checked"
    assert records["summary"]["status"] == "nothing checked"
    assert _run(tmp_path, table, rules, "--allow-empty")[0] == 0
    assert _run(tmp_path, table, rules, "--fail-on", "never")[0] == 0


def test_a_release_without_figures_is_nothing_checked(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "The minister spoke about trade today.\n", RULES,
                        name="release.txt")
    assert code == 1
    assert out.startswith("NOTHING CHECKED: ")


def test_a_checked_table_is_clean_and_passes(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, GOOD, RULES, "--format", "json")
    assert code == 0
    assert json.loads(out)["verdict"] == "clean"


# CSV is a table of discrepancy figures for a spreadsheet: a verdict line would break it.
@pytest.mark.parametrize("fmt", [f for f in REPORTERS if f.value != "csv"])
def test_the_verdict_is_stated_first_in_every_format(fmt: Format) -> None:
    empty = replace(clean_report(), rules=(), figures=0)
    for report, verdict, words in [(empty, "nothing checked", "NOTHING CHECKED"),
                                   (clean_report(), "clean", "CLEAN"),
                                   (problem_report(), "discrepancies", "DISCREPANCIES")]:
        assert report.verdict.value == verdict
        text = render(fmt, report.to_records())
        if fmt is Format.JSON:
            assert text.startswith('{\n  "verdict": "' + verdict + '"')
        elif fmt is Format.SARIF:
            run = json.loads(text)["runs"][0]
            assert next(iter(run)) == "properties" and next(iter(run["properties"])) == "verdict"
            assert run["properties"]["verdict"] == verdict
            first = run["invocations"][0]["toolExecutionNotifications"][0]
            assert first["message"]["text"].startswith(words)
            assert first["level"] == ("error" if verdict == "nothing checked" else "note")
        elif fmt is Format.JUNIT:
            root = ET.fromstring(text)
            assert root.get("name", "").startswith(f"validator: {verdict}")
            first = root.find("testsuite")
            assert first is not None and first.get("name") == "validator.verdict"
            assert (first.find("testcase/failure") is not None) == (verdict == "nothing checked")
        elif fmt is Format.HTML:
            assert f"<title>{verdict.capitalize()}: " in text
            body = text.split("<main>", 1)[1]
            assert body.lstrip().startswith('<section class="banner')
            assert words in body.split("</section>", 1)[0]
        elif fmt is Format.MARKDOWN:
            first_line, _, rest = text.partition("\n")
            assert first_line.startswith("### ")
            if verdict == "nothing checked":
                assert first_line.startswith("### Nothing checked")
            assert rest.lstrip().startswith(f"**{words}")
        else:
            first_line = text.split("\n", 1)[0]
            assert words in first_line and first_line.find(words) < 40, first_line


@pytest.mark.parametrize("fmt", [f for f in REPORTERS if f.value != "csv"])  # a table of figures
def test_what_was_not_read_is_named_in_every_format(fmt: Format) -> None:
    report = replace(problem_report(), unread=("sheet 'February' not read",))
    text = render(fmt, report.to_records())
    assert "sheet 'February' not read" in text.replace("&#39;", "'").replace("\\'", "'")


def test_fail_on_decides_and_allow_empty_accepts_only_emptiness() -> None:
    empty = replace(clean_report(), rules=())
    assert empty.fails(FailOn.ERROR) and empty.fails(FailOn.WARNING)
    assert not empty.fails(FailOn.NEVER)
    assert not empty.fails(FailOn.ERROR, allow_empty=True)
    assert problem_report().fails(FailOn.ERROR, allow_empty=True)  # discrepancies still fail
    assert not clean_report().fails(FailOn.ERROR)


@given(st.lists(st.tuples(st.sampled_from(["exports", "imports", "balance", "other", ""]),
                          st.sampled_from(["north", "south", "east"]),
                          st.sampled_from(["", " ", "x", "1e999", "nan"])), max_size=6))
def test_no_usable_value_is_never_clean(rows: list[tuple[str, str, str]]) -> None:
    import tempfile

    body = "".join(f"{flow},{area},{value},bn\n" for flow, area, value in rows)
    with tempfile.TemporaryDirectory() as tmp:
        code, out, _ = _run(Path(tmp), "flow,area,value,unit\n" + body, RULES,
                              "--format", "json")
    assert code in (1, 2), out
    if code == 1:
        assert json.loads(out)["verdict"] != "clean"
