"""Exact output of the text and JSON reports for one small release with one error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from validator.engine import check
from validator.reporters import Format, render
from validator.rules import parse_rules
from validator.table import read_table

GOLDEN = Path(__file__).parent / "golden"
RULES = """\
title: Small release
figures: {value: value, unit: unit, units: {bn: 1.0e9}}
dimensions:
  flow: [exports, imports, balance]
rules:
  - id: balance
    description: The balance is exports minus imports
    identity: balance = exports - imports
    along: flow
  - id: non-negative
    bounds: {min: 0}
    severity: warning
"""
TABLE = "flow,value,unit,source\nexports,258.4,bn,s1\nimports,206.0,bn,s2\nbalance,25.4,bn,s2\n"


@pytest.fixture
def records(tmp_path: Path) -> dict[str, object]:
    table = tmp_path / "small.csv"
    table.write_text(TABLE, encoding="utf-8")
    report = check(read_table(str(table)), parse_rules(RULES, "small.yaml"))
    result = report.to_records()
    result["inputs"] = {"table": "small.csv", "rules": "small.yaml"}
    return result


@pytest.mark.parametrize(("fmt", "golden"), [(Format.TEXT, "small.txt"),
                                             (Format.JSON, "small.json")])
def test_exact_output(records: dict[str, object], fmt: Format, golden: str) -> None:
    assert render(fmt, records) == (GOLDEN / golden).read_text(encoding="utf-8")


def test_json_has_the_documented_shape(records: dict[str, object]) -> None:
    data = json.loads(render(Format.JSON, records))
    assert set(data) == {"version", "title", "inputs", "summary", "rules", "discrepancies",
                         "not_evaluated", "coverage", "baseline"}
    assert data["coverage"] == {"figures_checked": 3, "unconstrained": []}
    assert data["baseline"] is None  # no --baseline given
    (d,) = data["discrepancies"]
    assert set(d) == {"rule", "kind", "headline", "severity", "description", "message", "context",
                      "figures",
                      "expected", "reported", "gap", "unit"}
    assert set(d["figures"][0]) == {"key", "value", "unit", "change", "row", "role", "extra"}
    assert data["rules"][-1] == {"id": "non-negative", "kind": "bounds", "description": "",
                                 "severity": "warning", "checked": 3, "failed": 0,
                                 "not_evaluated": 0}
