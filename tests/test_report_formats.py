"""Exact output of the text and JSON reports for one small release with one error (the file
is tests/golden/small.*; regenerate with `python tests/golden_cases.py`)."""

from __future__ import annotations

import json

import pytest
from golden_cases import golden_path, small_records

from validator.reporters import Format, render


@pytest.fixture
def records() -> dict[str, object]:
    return small_records()


@pytest.mark.parametrize("fmt", [Format.TEXT, Format.JSON], ids=str)
def test_exact_output(records: dict[str, object], fmt: Format) -> None:
    assert render(fmt, records) == golden_path("small", fmt).read_text(encoding="utf-8")


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
