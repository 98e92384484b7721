"""SARIF for GitHub code scanning: a category per dataset, the tool's version, rule help, and
fingerprints that keep a discrepancy's identity across commits."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import EXAMPLE, KOREA_RULES, ROOT
from validator import __version__
from validator.cli import main

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
WRONG = EXAMPLE.read_text().replace("balance,ICT,World,2020,71.0", "balance,ICT,World,2020,17.0")


def sarif_of(table: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    main(["check", str(table), "--rules", str(KOREA_RULES), "--format", "sarif"])
    log: dict[str, object] = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return log


def test_a_failing_example_is_ready_for_code_scanning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "figures.csv"
    table.write_text(WRONG)
    (run,) = sarif_of(table, capsys)["runs"]  # type: ignore[misc]
    assert run["automationDetails"]["id"] == f"validator/{table}/"
    assert run["tool"]["driver"]["version"] == __version__
    assert run["results"]
    assert all(r["partialFingerprints"]["releaseFigures/v1"] for r in run["results"])
    balance = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "balance")
    assert balance["help"]["text"].startswith(balance["shortDescription"]["text"])
    assert "identity" in balance["help"]["markdown"]


def test_fingerprints_survive_moved_rows_and_changed_values(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "a.csv"
    first.write_text(WRONG)
    header, *rows = WRONG.splitlines()
    # The next commit: rows in another order and the wrong balance changed, still wrong.
    second = tmp_path / "b.csv"
    second.write_text("\n".join([header, *reversed(rows)]).replace(
        "balance,ICT,World,2020,17.0", "balance,ICT,World,2020,18.0") + "\n")

    def prints(table: Path) -> dict[str, str]:
        (run,) = sarif_of(table, capsys)["runs"]  # type: ignore[misc]
        return {r["ruleId"]: r["partialFingerprints"]["releaseFigures/v1"]
                for r in run["results"]}

    before, after = prints(first), prints(second)
    assert before["balance"] == after["balance"]
