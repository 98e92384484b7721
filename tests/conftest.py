"""Helpers: run the engine on a rules text and a CSV text written to a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from validator.engine import check
from validator.report import Discrepancy, Report
from validator.rules import parse_rules
from validator.table import read_table

ROOT = Path(__file__).resolve().parent.parent


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
