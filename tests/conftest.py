"""Shared fixtures: the bundled example, the CLI run in-process, hand-built reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reporter_cases import clean_report, problem_report

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
