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
    assert next(iter(data)) == "verdict"  # stated first
    assert set(data) == {"verdict", "version", "title", "inputs", "summary", "rules", "suspects",
                         "discrepancies", "not_evaluated", "coverage", "baseline", "unread"}
    assert data["verdict"] == "discrepancies" and data["unread"] == []
    assert data["coverage"] == {"figures_checked": 3, "unconstrained": []}
    assert data["baseline"] is None  # no --baseline given
    (d,) = data["discrepancies"]
    assert set(d) == {"rule", "kind", "headline", "severity", "description", "message", "context",
                      "figures",
                      "expected", "reported", "gap", "unit"}
    assert set(d["figures"][0]) == {"key", "value", "unit", "change", "row", "role", "extra"}
    suspect, *others = data["suspects"]  # 25.4 for 52.4 first; exports or imports alone next
    assert [(s["rank"], s["figure"]["row"], s["pattern"]) for s in others] == [
        (2, 2, None), (2, 3, None)]
    assert set(suspect) == {"group", "rank", "figure", "measure", "column", "suggestion",
                            "pattern", "explains", "reason", "together_with"}
    assert set(suspect["figure"]) == set(d["figures"][0])
    assert (suspect["rank"], suspect["figure"]["row"], suspect["suggestion"],
            suspect["pattern"]) == (1, 4, "52.4", "transposed_digits")
    assert suspect["explains"] == [{"rule": "balance", "context": {}}]
    assert data["rules"][-1] == {"id": "non-negative", "kind": "bounds", "description": "",
                                 "severity": "warning", "checked": 3, "failed": 0,
                                 "not_evaluated": 0, "not_applicable": 0}
