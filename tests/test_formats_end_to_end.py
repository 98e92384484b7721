"""Every report format renders real engine reports: planted errors of every rule kind."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import EXAMPLE, KOREA_RULES
from validator.cli import main
from validator.reporters import Format

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json")
                          .read_text("utf-8"))

PLANTS = {
    "identity": ("balance,ICT,World,2020,71.0", "balance,ICT,World,2020,17.0"),
    "breakdown": ("exports,ICT,China_HK,2020,86.9", "exports,ICT,China_HK,2020,186.9"),
    "bounds": ("exports,ICT,Japan,2020,3.9", "exports,ICT,Japan,2020,-3.9"),
    "implied prior": ("computers,US,2020,4.5,USD bn,95.9", "computers,US,2020,4.5,USD bn,-95.9"),
    "input": ("exports,ICT,EU,2020,11.3,USD bn", "exports,ICT,EU,2020,1l.3,USD bm"),
}


@pytest.mark.parametrize("plant", list(PLANTS), ids=list(PLANTS))
def test_every_format_renders_a_planted_error(tmp_path: Path, plant: str) -> None:
    old, new = PLANTS[plant]
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    table = tmp_path / "figures.csv"
    table.write_text(text.replace(old, new), encoding="utf-8")
    args = ["check", str(table), "--rules", str(KOREA_RULES)]
    for fmt in Format:
        args += ["--format", fmt.value, "--output", str(tmp_path / f"report.{fmt.value}")]
    assert main(args) == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["discrepancies"]
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert len(sarif["runs"][0]["results"]) == len(report["discrepancies"])
    suites = ET.fromstring((tmp_path / "report.junit").read_text())
    failures = suites.findall(".//failure")
    assert len(failures) == len(report["discrepancies"])
    github = (tmp_path / "report.github").read_text().splitlines()
    assert sum(line.startswith("::error ") for line in github) == report["summary"]["errors"]
    html = (tmp_path / "report.html").read_text()
    for d in report["discrepancies"]:
        assert d["rule"] in html
    assert report["discrepancies"][0]["rule"] in (tmp_path / "report.markdown").read_text()
