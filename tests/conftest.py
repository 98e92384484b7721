"""Shared fixtures: the bundled example, the CLI run in-process, hand-built reports."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from reporter_cases import clean_report, problem_report

from validator.engine import check
from validator.report import Discrepancy, Report
from validator.rules import parse_rules
from validator.table import read_table

# More examples in CI (where CI=true), a quick run on a developer's machine.
settings.register_profile("ci", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=50, deadline=None)
# benchmarks/mutation.py: each mutant runs the tests that reach it, so keep properties short.
settings.register_profile("mutation", max_examples=10, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE",
                                     "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "korea-ict-2020" / "figures.csv"
KOREA_RULES = ROOT / "rules" / "korea-ict.yaml"


def pytest_configure(config: pytest.Config) -> None:
    # Registered here rather than in pyproject.toml so the marker lives with the tests using it.
    config.addinivalue_line(
        "markers",
        "browser: renders the HTML report in headless Chromium (deselect: -m 'not browser')",
    )


@pytest.fixture
def clean_records() -> dict[str, Any]:
    return clean_report().to_records()


@pytest.fixture
def problem_records() -> dict[str, Any]:
    return problem_report().to_records()


@pytest.fixture
def run_json(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, dict[str, Any]]]:
    """Run `validator check ... --format json` and return (exit code, report records)."""
    from validator.cli import main

    def run(table: Path | str, rules: Path | str = KOREA_RULES, *extra: str) -> tuple[
        int, dict[str, Any]
    ]:
        code = main(["check", str(table), "--rules", str(rules), "--format", "json", *extra])
        out = capsys.readouterr().out
        return code, json.loads(out) if out else {}

    return run


# --- engine on rules and CSV texts (the real-release tests) ---------------------------------


def run_texts(tmp: Path, rules_text: str, csv_text: str, prior_csv: str | None = None) -> Report:
    rules = parse_rules(rules_text, "rules.yaml")
    table_path = tmp / "figures.csv"
    table_path.write_text(csv_text, encoding="utf-8")
    table = read_table(str(table_path))
    if prior_csv is None:
        return check(table, rules)
    prior_path = tmp / "prior.csv"
    prior_path.write_text(prior_csv, encoding="utf-8")
    return check(table, rules, prior=read_table(str(prior_path)))


def found(report: Report, rule: str) -> list[Discrepancy]:
    return [d for d in report.discrepancies if d.rule == rule]


def rows(discrepancy: Discrepancy) -> list[int | None]:
    return [f.row for f in discrepancy.figures]


@pytest.fixture
def runner(tmp_path: Path):  # type: ignore[no-untyped-def]
    def run(rules_text: str, csv_text: str, prior_csv: str | None = None) -> Report:
        return run_texts(tmp_path, rules_text, csv_text, prior_csv)
    return run
