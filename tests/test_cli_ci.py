"""CLI features for CI and long runs: --fail-on, several tables per run, the progress bar."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import validator.progress
from tests.conftest import EXAMPLE, KOREA_RULES
from validator.cli import main
from validator.engine import check
from validator.rules import load_rules, parse_rules
from validator.table import read_table

RULES = """\
title: Small release
figures: {value: value}
dimensions:
  flow: [exports, imports, balance]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
  - id: non-negative
    bounds: {min: 0}
    severity: warning
"""
# imports -1 breaks only the warning rule (5 - -1 = 6); balance 9 breaks only the error rule
# (5 - 1 = 4); both together break both.
WARNING_ONLY = "flow,value\nexports,5\nimports,-1\nbalance,6\n"
ERROR_ONLY = "flow,value\nexports,5\nimports,1\nbalance,9\n"
ERROR_AND_WARNING = "flow,value\nexports,5\nimports,-1\nbalance,9\n"
CLEAN = "flow,value\nexports,5\nimports,1\nbalance,4\n"


@pytest.fixture
def small(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "rules.yaml").write_text(RULES)
    paths = {"rules": str(tmp_path / "rules.yaml")}
    for name, text in [("warning", WARNING_ONLY), ("error", ERROR_ONLY),
                       ("both", ERROR_AND_WARNING), ("clean", CLEAN)]:
        (tmp_path / f"{name}.csv").write_text(text)
        paths[name] = str(tmp_path / f"{name}.csv")
    return paths


# ---------------------------------------------------------------- --fail-on


@pytest.mark.parametrize(("table", "fail_on", "code"), [
    ("warning", None, 0),
    ("warning", "error", 0),
    ("warning", "warning", 1),
    ("warning", "never", 0),
    ("error", None, 1),
    ("error", "error", 1),
    ("error", "warning", 1),
    ("error", "never", 0),
    ("both", None, 1),
    ("both", "error", 1),
    ("both", "warning", 1),
    ("both", "never", 0),
    ("clean", None, 0),
    ("clean", "warning", 0),
])
def test_fail_on_decides_which_severities_exit_1(
    small: dict[str, str], capsys: pytest.CaptureFixture[str], table: str, fail_on: str | None,
    code: int
) -> None:
    extra = ["--fail-on", fail_on] if fail_on else []
    assert main(["check", small[table], "--rules", small["rules"], *extra]) == code
    out = capsys.readouterr().out
    # --fail-on changes the exit code only, never the report.
    assert ("NOT clean" in out) is (table != "clean")


def test_the_fail_on_tables_break_the_severities_they_are_named_for(
        small: dict[str, str]) -> None:
    # The exit-code cases above mean something only if each table breaks exactly these.
    rules = load_rules(small["rules"])
    broken = {name: sorted({d.severity.value for d in check(read_table(small[name]),
                                                             rules).discrepancies})
              for name in ("warning", "error", "both", "clean")}
    assert broken == {"warning": ["warning"], "error": ["error"],
                      "both": ["error", "warning"], "clean": []}


def test_fail_on_rejects_unknown_values(small: dict[str, str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", small["clean"], "--rules", small["rules"], "--fail-on", "info"]) == 2
    assert "Invalid value for '--fail-on'" in capsys.readouterr().err


# ---------------------------------------------------------------- several tables


def test_several_tables_exit_with_the_worst_code(small: dict[str, str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", small["clean"], small["error"], small["warning"],
                 "--rules", small["rules"]])
    assert code == 1
    out = capsys.readouterr().out
    tables = [line.split("  rules:")[0] for line in out.splitlines() if line.startswith("table: ")]
    assert tables == [f"table: {small[n]}" for n in ("clean", "error", "warning")]
    # Reports are separated by a blank line: each starts with its title after one.
    assert out.count("\n\nSmall release\n") == 2
    assert main(["check", small["clean"], small["warning"], "--rules", small["rules"]]) == 0
    capsys.readouterr()


def test_an_unusable_table_among_several_exits_2_and_keeps_the_other_reports(
        small: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "missing.csv")
    code = main(["check", small["error"], missing, small["clean"], "--rules", small["rules"]])
    assert code == 2
    captured = capsys.readouterr()
    assert f"validator: {missing}: cannot read the table" in captured.err
    assert f"table: {small['error']}" in captured.out
    assert f"table: {small['clean']}" in captured.out


def test_several_tables_with_github_annotations(small: dict[str, str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", small["error"], small["warning"], "--rules", small["rules"],
                 "--format", "github"])
    assert code == 1
    out = capsys.readouterr().out
    assert "::error file=" in out and "::warning file=" in out
    assert out.count("::notice title=validator::") == 2


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "html"])
def test_single_document_formats_refuse_several_tables(
        small: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        fmt: str) -> None:
    code = main(["check", small["clean"], small["error"], "--rules", small["rules"],
                 "--format", fmt, "--output", str(tmp_path / "out")])
    assert code == 2
    assert f"--format {fmt} reports on one TABLE at a time" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_baseline_takes_one_table(small: dict[str, str],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", small["clean"], small["error"], "--rules", small["rules"],
                 "--baseline", "b.json"])
    assert code == 2
    assert "--baseline applies to one TABLE at a time" in capsys.readouterr().err


def test_check_needs_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--rules", str(KOREA_RULES)]) == 2
    assert "Missing argument 'TABLE...'" in capsys.readouterr().err


# ---------------------------------------------------------------- progress


def rule_ids() -> list[str]:
    return [r.id for r in load_rules(str(KOREA_RULES)).rules]


def test_engine_announces_each_stage() -> None:
    stages: list[str] = []
    check(read_table(str(EXAMPLE)), load_rules(str(KOREA_RULES)), progress=stages.append)
    assert stages == ["parse", *(f"rule {rid}" for rid in rule_ids())]


def test_engine_runs_without_a_callback(small: dict[str, str]) -> None:
    report = check(read_table(small["clean"]), parse_rules(RULES, "r.yaml"))
    assert report.clean


@pytest.fixture
def small_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat the 36-figure example as a large table."""
    monkeypatch.setattr(validator.progress, "PROGRESS_MIN_ROWS", 10)


def fake_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)


@pytest.mark.usefixtures("small_is_large")
def test_progress_on_a_terminal_names_the_stages(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    fake_tty(monkeypatch)
    assert main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES)]) == 0
    captured = capsys.readouterr()
    for stage in ["read", "parse", *(f"rule {rid}" for rid in rule_ids())]:
        assert stage in captured.err
    assert f"{len(rule_ids()) + 2}/{len(rule_ids()) + 2}" in captured.err  # ran to the end
    assert "checking" not in captured.out  # the report on stdout is untouched


@pytest.mark.usefixtures("small_is_large")
def test_no_progress_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert not sys.stderr.isatty()
    assert main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.usefixtures("small_is_large")
def test_no_progress_with_machine_formats(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    fake_tty(monkeypatch)
    assert main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert json.loads(captured.out)["summary"]["status"] == "clean"


def test_no_progress_for_small_tables(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    fake_tty(monkeypatch)
    assert main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES)]) == 0
    assert capsys.readouterr().err == ""
