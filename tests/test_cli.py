"""The command line, run in-process through main([...]): exit codes, inputs, outputs."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import EXAMPLE, KOREA_RULES, ROOT
from validator.cli import main


def test_clean_example_exits_0_with_a_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CLEAN: ")
    assert out.splitlines()[1] == "Release check: Korea ICT trade release"
    assert out.rstrip().endswith(
        "36 of 36 figures checked by at least one rule, 0 not constrained by any.")
    assert "clean: 0 errors, 0 warnings;" in out


def test_stdin_is_read_as_csv(monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes())))
    assert main(["check", "-", "--rules", str(KOREA_RULES), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["inputs"]["table"] == "<stdin>"
    assert report["summary"]["figures"] == 36


def test_several_formats_and_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    json_file = tmp_path / "r.json"
    code = main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--format", "json",
                 "--output", str(json_file), "--format", "text"])
    assert code == 0
    assert json.loads(json_file.read_text())["summary"]["status"] == "clean"
    assert "clean: 0 errors" in capsys.readouterr().out


def test_two_reports_on_stdout_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--format", "json",
                 "--format", "text"])
    assert code == 2
    assert "only one report can go to stdout" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["check", "missing.csv", "--rules", str(KOREA_RULES)],
     "validator: missing.csv: cannot read the table: No such file or directory"),
    (["check", str(EXAMPLE), "--rules", "missing.yaml"],
     "validator: missing.yaml: cannot read the rules file: No such file or directory"),
    (["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--format", "pdf"],
     "Error: Invalid value for '--format': 'pdf' is not one of"),
    (["frobnicate"], "Error: No such command 'frobnicate'."),
])
def test_usage_and_unreadable_input_exit_2(args: list[str], message: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.csv", b"", "empty.csv: the table is empty"),
    ("latin.csv", "flow,product\ncaf\u00e9,x\n".encode("latin-1"),
     "latin.csv: line 2: not UTF-8 text (byte 16)"),
    ("ragged.csv", b"flow,product,partner,period,value\nexports,ICT\n",
     "ragged.csv: row 2: 2 cells where the header has 5"),
    ("nocols.csv", b"flow,product,partner,period,unit,change_pct\n",
     "nocols.csv: row 1: required column 'value' is missing"),
    ("dup.csv", b"flow,flow,product,partner,period,value,unit,change_pct\n",
     "dup.csv: row 1: column 'flow' appears more than once"),
    ("table.ods", b"x", "table.ods: cannot read as ODS"),
    ("table.xyz", b"x", "table.xyz: unknown table format 'xyz'"),
    ("broken.xlsx", b"PK\x03\x04 not really", "broken.xlsx: cannot read as XLSX"),
])
def test_unusable_tables_exit_2_naming_the_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, message: str
) -> None:
    assert main(["check", write(tmp_path, name, data), "--rules", str(KOREA_RULES)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_tsv_xlsx_and_parquet_read_the_same_figures(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    tsv = tmp_path / "f.tsv"
    frame.to_csv(tsv, sep="\t", index=False)
    xlsx = tmp_path / "f.xlsx"
    numeric = frame.copy()
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        numeric.to_excel(writer, index=False)
    parquet = tmp_path / "f.parquet"
    columns = {c: pa.array(frame[c].tolist(), pa.string()) for c in frame.columns}
    # A decimal column keeps its printed scale ("71.0" stays 71.0, not 71).
    columns["value"] = pa.array([Decimal(v) for v in frame["value"]], pa.decimal128(10, 1))
    pq.write_table(pa.table(columns), parquet)
    for path in (tsv, xlsx):
        assert main(["check", str(path), "--rules", str(KOREA_RULES), "--format", "json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["summary"]["figures"] == 36
        assert report["summary"]["checked"] > 200
    assert main(["check", str(parquet), "--rules", str(KOREA_RULES), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["figures"] == 36


def test_xlsx_numbers_keep_their_displayed_decimals(tmp_path: Path) -> None:
    import openpyxl

    from validator.table import read_table

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["flow", "value"])
    sheet.append(["balance", 71.0])
    sheet.append(["exports", 995])
    sheet["B2"].number_format = "0.0"
    sheet["B3"].number_format = "#,##0"
    path = tmp_path / "t.xlsx"
    book.save(path)
    table = read_table(str(path))
    assert table.frame["value"].tolist() == ["71.0", "995"]
    assert table.rows.tolist() == [2, 3]


def test_python_dash_m_runs_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "validator", "check", str(EXAMPLE), "--rules", str(KOREA_RULES),
         "--format", "json"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["status"] == "clean"


def test_error_level_discrepancy_exits_1(tmp_path: Path) -> None:
    planted = tmp_path / "f.csv"
    planted.write_text(EXAMPLE.read_text().replace("balance,ICT,World,2020,71.0",
                                                   "balance,ICT,World,2020,17.0"))
    assert main(["check", str(planted), "--rules", str(KOREA_RULES), "--format", "json",
                 "--output", str(tmp_path / "r.json")]) == 1


def test_version_answers_before_the_heavy_imports_and_as_click_would(
        capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess
    import sys

    code = main(["--version"])
    through_click = capsys.readouterr().out
    assert code == 0 and through_click.startswith("validator, version ")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "validator", "--version"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == through_click
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "validator" in imported and not {"pandas", "click", "validator.cli"} & imported
