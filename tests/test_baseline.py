"""Baselines of accepted discrepancies: fingerprints, `validator baseline`, `check --baseline`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from reporter_cases import problem_report

from tests.conftest import EXAMPLE, KOREA_RULES
from validator.baseline import (
    Baseline,
    apply_baseline,
    baseline_document,
    fingerprint,
    load_baseline,
)
from validator.cli import main
from validator.errors import InputError
from validator.report import FigureRef
from validator.reporters import Format, render

BALANCE_ROW = "balance,ICT,World,2020,71.0"
WRONG_BALANCE = "balance,ICT,World,2020,17.0"
# An unrelated figure, inserted at the top to shift every row number below it.
NEW_FIRST_ROW = "exports,memory,World,2019,60.0,USD bn,,s9"


def planted(tmp_path: Path, text: str | None = None, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text if text is not None else
                    EXAMPLE.read_text().replace(BALANCE_ROW, WRONG_BALANCE))
    return path


def make_baseline(tmp_path: Path, table: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["baseline", str(table), "--rules", str(KOREA_RULES)]) == 0
    captured = capsys.readouterr()
    assert "baseline of 1 discrepancy" in captured.err
    path = tmp_path / "accepted.json"
    path.write_text(captured.out)
    return path


def check_json(table: Path, baseline: Path, capsys: pytest.CaptureFixture[str],
               *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", str(table), "--rules", str(KOREA_RULES), "--baseline", str(baseline),
                 "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------- fingerprints


def test_fingerprint_ignores_rows_and_figure_order() -> None:
    d = problem_report().discrepancies[0]
    moved = dataclasses.replace(d, figures=tuple(
        dataclasses.replace(f, row=(f.row or 0) + 100) for f in reversed(d.figures)))
    assert fingerprint(moved) == fingerprint(d)
    assert len(fingerprint(d)) == 16


def test_fingerprint_changes_with_rule_key_and_printed_value() -> None:
    d = problem_report().discrepancies[0]
    first = d.figures[0]
    variants = [
        dataclasses.replace(d, rule="other"),
        dataclasses.replace(d, figures=(dataclasses.replace(first, value="5.4"), *d.figures[1:])),
        dataclasses.replace(d, figures=(dataclasses.replace(first, unit="USD m"),
                                        *d.figures[1:])),
        dataclasses.replace(d, figures=(FigureRef(key={"region": "EU", "item": "balance"},
                                                  value="5.3", row=4, unit="USD bn"),
                                        *d.figures[1:])),
    ]
    prints = {fingerprint(v) for v in variants}
    assert len(prints) == len(variants)
    assert fingerprint(d) not in prints


def test_an_entry_accepts_one_discrepancy_only() -> None:
    report = problem_report()
    balance, regions = report.rules
    doubled = dataclasses.replace(
        report,
        rules=(dataclasses.replace(balance, failed=2), regions),
        discrepancies=(*report.discrepancies, report.discrepancies[0]),
    )
    accepted = Baseline("b.json", tuple(baseline_document(report)["accepted"]))
    result = apply_baseline(doubled, accepted)
    assert result.discrepancies == (report.discrepancies[0],)
    assert result.baseline is not None
    assert (result.baseline.accepted, result.baseline.stale) == (2, ())
    # The rule summary counts what the report still lists.
    assert [r.failed for r in result.rules] == [1, 0]


# ---------------------------------------------------------------- the CLI


def test_baseline_file_has_the_documented_shape(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(make_baseline(tmp_path, planted(tmp_path), capsys).read_text())
    assert set(data) == {"version", "table", "rules", "accepted"}
    assert data["version"] == 1
    (entry,) = data["accepted"]
    assert set(entry) == {"fingerprint", "rule", "severity", "message", "figures"}
    assert entry["rule"] == "balance"
    assert "17.0" in entry["message"]
    assert {"key", "value", "unit", "change"} == set(entry["figures"][0])
    assert "row" not in json.dumps(entry)


def test_baseline_output_option_writes_the_file(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.json"
    assert main(["baseline", str(planted(tmp_path)), "--rules", str(KOREA_RULES),
                 "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert len(json.loads(out.read_text())["accepted"]) == 1


def test_accepted_discrepancies_are_hidden(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    table = planted(tmp_path)
    assert main(["check", str(table), "--rules", str(KOREA_RULES),
                 "--output", str(tmp_path / "r.txt"), "--format", "text"]) == 1
    baseline = make_baseline(tmp_path, table, capsys)
    code, report = check_json(table, baseline, capsys)
    assert code == 0
    assert report["discrepancies"] == []
    assert report["summary"]["status"] == "clean"
    assert report["baseline"] == {"file": str(baseline), "accepted": 1, "stale": []}


def test_inserting_a_row_keeps_the_baseline_valid(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    table = planted(tmp_path)
    baseline = make_baseline(tmp_path, table, capsys)
    header, rest = table.read_text().split("\n", 1)
    shifted = planted(tmp_path, f"{header}\n{NEW_FIRST_ROW}\n{rest}", "shifted.csv")
    # The rows did move: without the baseline the same discrepancy is one row further down.
    assert main(["check", str(table), "--rules", str(KOREA_RULES), "--format", "json"]) == 1
    before = json.loads(capsys.readouterr().out)
    assert main(["check", str(shifted), "--rules", str(KOREA_RULES), "--format", "json"]) == 1
    after = json.loads(capsys.readouterr().out)
    rows = [[f["row"] for f in r["discrepancies"][0]["figures"]] for r in (before, after)]
    assert rows[1] == [r + 1 for r in rows[0]]
    code, report = check_json(shifted, baseline, capsys)
    assert code == 0
    assert report["baseline"]["accepted"] == 1


def test_a_new_discrepancy_still_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = planted(tmp_path)
    baseline = make_baseline(tmp_path, table, capsys)
    worse = planted(tmp_path, table.read_text().replace(
        "exports,ICT,World,2020,183.6", "exports,ICT,World,2020,-183.6"), "worse.csv")
    code, report = check_json(worse, baseline, capsys)
    assert code == 1
    assert report["discrepancies"]
    assert {d["rule"] for d in report["discrepancies"]} >= {"non-negative"}
    # The balance is now computed from a changed export figure: a new discrepancy, and the
    # old entry (made of the old figures) is stale.
    assert [e["rule"] for e in report["baseline"]["stale"]] == ["balance"]


def test_fixed_discrepancies_are_listed_as_stale(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    baseline = make_baseline(tmp_path, planted(tmp_path), capsys)
    code = main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--baseline", str(baseline)])
    assert code == 0
    out = capsys.readouterr().out
    assert f"Baseline {baseline}: 0 accepted discrepancies hidden." in out
    assert "1 stale entry (no longer found; remove from the baseline):" in out
    assert "[balance] ICT, World, 2020: exports 183.6" in out
    code, report = check_json(EXAMPLE, baseline, capsys)
    (stale,) = report["baseline"]["stale"]
    assert stale == json.loads(baseline.read_text())["accepted"][0]


def test_text_report_without_baseline_has_no_baseline_section(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES)]) == 0
    assert "Baseline" not in capsys.readouterr().out


def test_baseline_section_in_every_format_keeps_it_rendering() -> None:
    report = problem_report()
    result = apply_baseline(report, Baseline("b.json", (
        {"fingerprint": "0" * 16, "rule": "gone", "message": "fixed since"},)))
    records = result.to_records()
    assert records["baseline"]["stale"] == [
        {"fingerprint": "0" * 16, "rule": "gone", "message": "fixed since"}]
    for fmt in Format:
        assert render(fmt, records)
    assert json.loads(render(Format.JSON, records))["baseline"]["accepted"] == 0
    assert "::notice title=validator baseline::0 accepted by b.json; 1 stale entry" in render(
        Format.GITHUB, records)
    assert "Baseline b.json: 0 accepted discrepancies hidden, 1 stale entry." in render(
        Format.MARKDOWN, records)


BAD_BASELINES = [
    ("missing.json", None, "missing.json: cannot read the baseline: No such file or directory"),
    ("broken.json", '{"version": 1,\n  "accepted": [}',
     "broken.json: line 2, column 16: the baseline is not valid JSON"),
    ("list.json", "[]", "list.json: not a baseline file: expected a JSON object"),
    ("version.json", '{"version": 2, "accepted": []}',
     "version.json: not a baseline file: 'version' is 2, expected 1"),
    ("accepted.json", '{"version": 1, "accepted": {}}',
     "accepted.json: not a baseline file: 'accepted' must be a list"),
    ("entry.json", '{"version": 1, "accepted": [{"rule": "balance"}]}',
     "entry.json: not a baseline file: accepted[0] must be an object with a string"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_BASELINES)
def test_unusable_baseline_exits_2_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | None, message: str
) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    code = main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--baseline", str(path)])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"validator: {tmp_path / message}")


def test_load_baseline_raises_input_error_on_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(b'{"version": 1, "accepted": ["\xff"]}')
    with pytest.raises(InputError, match="not UTF-8"):
        load_baseline(str(path))


def test_engine_checks_and_baseline_stay_free_of_ui() -> None:
    import ast

    package = Path(__file__).resolve().parents[1] / "validator"
    modules = [package / "engine.py", package / "baseline.py", *(package / "checks").glob("*.py")]
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        ui = {m for m in imported
              if m.startswith(("validator.cli", "validator.reporters", "validator.progress",
                               "click"))}
        assert not ui, f"{module.name} imports {ui}"
