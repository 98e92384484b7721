"""Editors' spreadsheets: cells as printed, print layouts, sheets, dialects, annotated copies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Alignment
from workbooks import publication_workbook, put_change, put_value, set_cached_values, tidy_workbook

from validator.cells import cell_text, number_text
from validator.cli import main
from validator.engine import check
from validator.errors import InputError
from validator.report import Report
from validator.rules import load_rules, parse_rules
from validator.table import read_table

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "korea-ict-2020" / "figures.csv"
RULES = ROOT / "rules" / "korea-ict.yaml"


@pytest.mark.parametrize(("value", "number_format", "printed"), [
    (0.037, "0.0%", "3.7"),
    (-0.051, "0.0%", "-5.1"),
    (1.015, "0.0%", "101.5"),
    (0.25, "0%", "25"),
    (71, "0.0", "71.0"),
    (71.0, "General", "71"),
    (0.30000000000000004, "General", "0.3"),
    (3.14159265358979, "General", "3.141592654"),
    (995, "#,##0", "995"),
    (1234567.891, "#,##0.00", "1234567.89"),
    (-5.1, "0.0;(0.0)", "-5.1"),
    (-5.1, "0.0;[Red]0.0", "-5.1"),
    (-5.1, "#,##0.0;[Red]\\(#,##0.0\\)", "-5.1"),
    (0, '0.0;-0.0;"-"', "0"),
    (1.5, "0.##", "1.5"),
    (1.0, "0.##", "1"),
    (1.2, "0.0#", "1.2"),
    (12345678, "#,##0,", "12346"),
    (12345678, '0.0,,"M"', "12.3"),
    (1234, "0.0E+00", "1.2E+03"),
    (2.675, "0.00", "2.68"),
    (-2.5, "0", "-3"),
    (1500, '[>=1000]0.0,"k";0', "1.5"),
    (183.6, '"$"#,##0.0', "183.6"),
    (183.6, "[$USD-409] #,##0.0", "183.6"),
    (12, "@", "12"),
])
def test_a_number_reads_as_its_format_prints_it(value: float, number_format: str,
                                                printed: str) -> None:
    assert number_text(value, number_format) == printed


def test_text_dates_and_booleans_read_as_written() -> None:
    import datetime as dt

    assert cell_text("3.8", "0.0%") == "3.8"
    assert cell_text(dt.datetime(2020, 12, 1), "mmm yyyy") == "2020-12"
    assert cell_text(dt.datetime(2020, 1, 1), "yyyy") == "2020"
    assert cell_text(dt.datetime(2020, 12, 31), "yyyy-mm-dd") == "2020-12-31"
    assert cell_text(True, "General") == "TRUE"
    assert cell_text(None, "0.0") == ""


@pytest.fixture(scope="module")
def example() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)


def _findings(report: Report) -> list[tuple[str, str]]:
    return sorted((d.rule, d.message) for d in report.discrepancies)


def _check(path: Path) -> Report:
    rules = load_rules(str(RULES))
    return check(read_table(str(path), rules=rules), rules)


def test_the_example_as_excel_stores_it_checks_clean(tmp_path: Path,
                                                      example: pd.DataFrame) -> None:
    """The silent pass: 0.037 under `0.0%` was read as "0.0" and every rate flip passed."""
    report = _check(tidy_workbook(example, tmp_path / "f.xlsx"))
    records = report.to_records()
    assert records["summary"]["status"] == "clean"
    assert records["summary"]["figures"] == 36
    csv_summary = _check(EXAMPLE).to_records()["summary"]
    assert records["summary"]["checked"] == csv_summary["checked"]
    table = read_table(str(tmp_path / "f.xlsx"), rules=load_rules(str(RULES)))
    assert table.frame["change_pct"].tolist()[:5] == ["3.8", "", "", "5.4", "53.1"]


def test_every_sign_flip_the_csv_catches_the_xlsx_catches(tmp_path: Path,
                                                          example: pd.DataFrame) -> None:
    caught = 0
    for row in example.index[example["change_pct"] != ""]:
        flipped = example.copy()
        text = flipped.at[row, "change_pct"]
        flipped.at[row, "change_pct"] = text[1:] if text.startswith("-") else "-" + text
        csv_path = tmp_path / "f.csv"
        flipped.to_csv(csv_path, index=False)
        from_csv = _findings(_check(csv_path))
        from_xlsx = _findings(_check(tidy_workbook(flipped, tmp_path / "f.xlsx")))
        assert from_xlsx == from_csv, f"row {row + 2}"
        caught += bool(from_csv)
    assert caught >= 5  # the flips the CSV form catches today (so the loop compares something)


def test_the_cells_of_a_figure_are_named_in_every_format(tmp_path: Path,
                                                        example: pd.DataFrame) -> None:
    planted = example.copy()
    planted.loc[2, "value"] = "17.0"  # the 2020 balance
    path = tidy_workbook(planted, tmp_path / "f.xlsx")
    out = tmp_path / "r"
    assert main(["check", str(path), "--rules", str(RULES), "--format", "json", "--output",
                 f"{out}.json", "--format", "sarif", "--output", f"{out}.sarif", "--format",
                 "text", "--output", f"{out}.txt", "--format", "markdown", "--output",
                 f"{out}.md", "--format", "html", "--output", f"{out}.html"]) == 1
    report = json.loads(Path(f"{out}.json").read_text())
    balance = next(d for d in report["discrepancies"] if d["rule"] == "balance")
    assert [f["cells"] for f in balance["figures"]] == [
        {"value": "figures!E4", "change_pct": "figures!G4"},
        {"value": "figures!E2", "change_pct": "figures!G2"},
        {"value": "figures!E3", "change_pct": "figures!G3"},
    ]
    assert report["inputs"]["read"] == "XLSX: sheet 'figures' (header row 1)"
    sarif = json.loads(Path(f"{out}.sarif").read_text())
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "balance")
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 5, "snippet": {"text": "figures!E4"}}
    assert "  - figures!E4, figures!G4: flow=balance" in Path(f"{out}.txt").read_text()
    assert "| figures!E4 |" in Path(f"{out}.md").read_text()
    assert "figures!E4" in Path(f"{out}.html").read_text()


def test_a_formula_without_a_stored_value_is_named_and_one_with_it_is_read(
        tmp_path: Path) -> None:
    rules = parse_rules(
        "figures: {value: value}\ndimensions: {flow: [exports, imports, balance]}\n"
        "rules:\n  - {id: balance, identity: balance = exports - imports, along: flow}\n",
        "r.yaml")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["flow", "value"])
    sheet.append(["exports", 183.6])
    sheet.append(["imports", 112.6])
    sheet.append(["balance", "=B2-B3"])
    for cell in ("B2", "B3", "B4"):
        sheet[cell].number_format = "0.0"
    path = tmp_path / "f.xlsx"
    book.save(path)
    report = check(read_table(str(path), rules=rules), rules)
    assert [(d.rule, d.message) for d in report.discrepancies] == [(
        "input.formula-value",
        "Sheet!B4: a formula with no stored value (the workbook was saved by a program that "
        "does not calculate; open and save it in a spreadsheet application)")]
    assert report.discrepancies[0].figures[0].key == {"flow": "balance"}
    set_cached_values(path, {"xl/worksheets/sheet1.xml": {"B4": "71.00000000000001"}})
    report = check(read_table(str(path), rules=rules), rules)
    assert report.discrepancies == ()
    summary = {r.id: (r.checked, r.failed) for r in report.rules}
    assert summary["input.formula-value"] == (1, 0)
    assert summary["balance"] == (1, 0)


def test_a_notes_sheet_first_is_named_as_not_read(tmp_path: Path,
                                                   example: pd.DataFrame) -> None:
    path = tidy_workbook(example, tmp_path / "f.xlsx")
    book = openpyxl.load_workbook(path)
    notes = book.create_sheet("Notes", 0)
    notes["A1"] = "These figures are preliminary."
    book.save(path)
    assert main(["check", str(path), "--rules", str(RULES), "--format", "json", "--output",
                 str(tmp_path / "r.json")]) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["figures"] == 36
    assert report["unread"] == [
        "sheet 'Notes' not read: no header with the columns the rules file names (flow, "
        "product, partner, period, value) and no table laid out for print"]


def test_sheet_names_the_sheets_read(tmp_path: Path, example: pd.DataFrame,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = publication_workbook(example, tmp_path / "p.xlsx")
    assert main(["check", str(path), "--rules", str(RULES), "--sheet", "Table 3",
                 "--format", "json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["figures"] == 3
    assert report["unread"] == [f"sheet '{name}' not read (not named by --sheet)"
                                for name in ("Notes", "Table 1", "Table 2")]
    assert main(["check", str(path), "--rules", str(RULES), "--sheet", "Table 9"]) == 2
    assert ("no sheet named 'Table 9' (sheets: 'Notes', 'Table 1', 'Table 2', 'Table 3')"
            in capsys.readouterr().err)


def test_a_publication_sheet_checks_like_the_tidy_csv(tmp_path: Path,
                                                      example: pd.DataFrame) -> None:
    path = publication_workbook(example, tmp_path / "p.xlsx")
    rules = load_rules(str(RULES))
    table = read_table(str(path), rules=rules)
    report = check(table, rules)
    tidy = _check(EXAMPLE)
    assert report.to_records()["summary"] == tidy.to_records()["summary"]
    key = ["flow", "product", "partner", "period", "value", "unit", "change_pct"]
    ours = table.frame[key].sort_values(key).reset_index(drop=True)
    theirs = example[key].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, theirs)
    assert table.reading == (
        "XLSX: sheet 'Table 1': header rows 3, 4, labels A: product, unit USD bn; "
        "sheet 'Table 2': header rows 3, 4, labels A: partner, B: product, unit USD bn; "
        "sheet 'Table 3': header rows 3, 4, labels A: partner, B: product, unit USD mn")
    assert table.unread == (
        "sheet 'Notes' not read: no header with the columns the rules file names (flow, "
        "product, partner, period, value) and no table laid out for print",)


@pytest.mark.parametrize(("row", "column", "text"), [
    (2, "value", "17.0"),          # the 2020 balance typed wrong
    (5, "change_pct", "-101.5"),   # a growth rate with its sign flipped (SSDs)
    (4, "value", "1.39"),          # a dropped digit
])
def test_a_planted_error_gives_the_same_discrepancy(tmp_path: Path, example: pd.DataFrame,
                                                    row: int, column: str, text: str) -> None:
    planted = example.copy()
    planted.loc[row, column] = text
    planted.to_csv(tmp_path / "f.csv", index=False)
    from_csv = _findings(_check(tmp_path / "f.csv"))
    from_sheet = _findings(_check(publication_workbook(planted, tmp_path / "p.xlsx")))
    assert from_csv
    assert from_sheet == from_csv


def test_the_publication_figures_keep_their_cells(tmp_path: Path,
                                                  example: pd.DataFrame) -> None:
    planted = example.copy()
    planted.loc[2, "value"] = "17.0"
    path = publication_workbook(planted, tmp_path / "p.xlsx")
    report = _check(path)
    balance = next(d for d in report.discrepancies if d.rule == "balance"
                   and d.context.get("period") == "2020")
    assert [dict(f.cells) for f in balance.figures] == [
        {"value": "Table 1!F5"},
        {"value": "Table 1!B5", "change_pct": "Table 1!C5"},
        {"value": "Table 1!D5"},
    ]


def test_layout_suggest_offers_the_indented_hierarchy(tmp_path: Path, example: pd.DataFrame,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = publication_workbook(example, tmp_path / "p.xlsx")
    assert main(["layout", str(path), "--rules", str(RULES), "--sheet", "Table 1",
                 "--suggest"]) == 0
    assert capsys.readouterr().out == (
        "layout:\n  sheets:\n  - sheet: Table 1\n    header_rows:\n    - 3\n    - 4\n"
        "    labels:\n      A: product\n    fixed:\n      partner: World\n    unit: USD bn\n"
        "dimensions:\n  product:\n    ICT:\n    - semiconductors\n    - computers\n"
        "    - displays\n    - mobile_phones\n    computers:\n    - ssd\n")


LAYOUT_RULES = """
figures: {value: value, change: change_pct, unit: unit, units: {USD bn: 1.0e9}, time: period}
dimensions:
  flow: [exports, imports]
  product:
    total: [chips, phones]
  period: ["2020"]
rules:
  - {id: products, breakdown: product, where: {flow: [exports, imports]}}
layout:
  sheets:
    - sheet: Summary
      header_rows: [2]
      labels: {B: product}
      fixed: {period: "2020"}
      unit: USD bn
      headers: {"Outbound": {flow: exports}, "y/y": change}
"""


def test_a_declared_layout_reads_what_detection_cannot(tmp_path: Path) -> None:
    rules = parse_rules(LAYOUT_RULES, "r.yaml")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Summary"
    sheet["B2"], sheet["C2"], sheet["D2"] = "Item", "Outbound", "y/y"
    for r, (label, value, change) in enumerate(
            (("Total", "10.0", "5.0"), ("chips", "6.0", "-1.0"), ("phones", "5.0", "2.5")),
            start=3):
        sheet.cell(r, 2, label).alignment = Alignment(indent=0 if r == 3 else 1)
        put_value(sheet.cell(r, 3), value)
        put_change(sheet.cell(r, 4), change)
    sheet["B7"] = "Source: a ministry, 2021."
    path = tmp_path / "s.xlsx"
    book.save(path)
    table = read_table(str(path), rules=rules)
    assert table.frame[["flow", "product", "period", "value", "unit", "change_pct"]].values.tolist(
    ) == [["exports", "total", "2020", "10.0", "USD bn", "5.0"],
          ["exports", "chips", "2020", "6.0", "USD bn", "-1.0"],
          ["exports", "phones", "2020", "5.0", "USD bn", "2.5"]]
    report = check(table, rules)
    assert [d.rule for d in report.discrepancies] == ["products"]  # 6.0 + 5.0 > 10.0


def test_layout_section_errors_are_located() -> None:
    text = LAYOUT_RULES.replace("labels: {B: product}", "labels: {B: colour, '1': product}")
    text = text.replace("unit: USD bn\n      headers", "unit: EUR bn\n      headers")
    with pytest.raises(InputError) as caught:
        parse_rules(text, "r.yaml")
    assert caught.value.messages == (
        "r.yaml:14:19: unknown dimension 'colour' (one of: flow, product, period)",
        "r.yaml:14:27: '1' is not a column letter",
        "r.yaml:16:13: unknown unit 'EUR bn' (declared: USD bn)",
    )


def test_a_european_csv_is_read_and_its_dialect_stated(tmp_path: Path,
                                                       example: pd.DataFrame) -> None:
    european = example.copy()
    for column in ("value", "change_pct"):
        european[column] = european[column].str.replace(".", ",", regex=False)
    path = tmp_path / "f.csv"
    path.write_bytes(european.to_csv(index=False, sep=";").encode("cp1252"))
    rules = load_rules(str(RULES))
    table = read_table(str(path), rules=rules)
    assert table.reading == "CSV: delimiter ';' (detected), decimal comma, thousands ' '"
    report = check(table, rules)
    assert report.to_records()["summary"]["status"] == "clean"
    assert report.to_records()["inputs"]["read"] == table.reading


def test_a_declared_encoding_reads_a_non_utf8_csv(tmp_path: Path) -> None:
    rules = parse_rules(
        "figures: {value: value}\ndimensions: {flow: [exports, 'importações']}\n"
        "rules: []\nlayout: {csv: {encoding: cp1252, delimiter: ';', decimal: ','}}\n", "r.yaml")
    path = tmp_path / "f.csv"
    path.write_bytes("flow;value\nexports;1,5\nimportações;2,25\n".encode("cp1252"))
    table = read_table(str(path), rules=rules)
    assert table.frame["value"].tolist() == ["1.5", "2.25"]
    assert table.reading == ("CSV: delimiter ';' (declared), encoding cp1252, decimal comma, "
                             "thousands ' '")


def _suspect_record(records: dict[str, object], cell: str) -> dict[str, object]:
    return {"group": 1, "rank": 1, "column": "value", "suggestion": "71.0",
            "figure": {"key": {}, "value": "17.0", "row": 4, "cells": {"value": cell}},
            "pattern": None, "explains": [], "reason": "hand-built", "together_with": []}


def test_annotate_writes_comments_and_a_summary_and_leaves_the_original(
        tmp_path: Path, example: pd.DataFrame) -> None:
    planted = example.copy()
    planted.loc[2, "value"] = "17.0"
    path = tidy_workbook(planted, tmp_path / "f.xlsx")
    before = path.read_bytes()
    out = tmp_path / "annotated.xlsx"
    assert main(["check", str(path), "--rules", str(RULES), "--format", "json", "--output",
                 str(tmp_path / "r.json"), "--annotate", str(out)]) == 1
    assert path.read_bytes() == before
    book = openpyxl.load_workbook(out)
    sheet = book["figures"]
    comment = sheet["E4"].comment
    assert comment is not None
    assert comment.text.startswith(
        "ERROR [balance] ICT, World, 2020: exports 183.6 - imports 112.6 = 71.0 +/- 0.1, but "
        "balance is reported as 17.0")
    assert sheet["E2"].comment is not None and "[balance]" in sheet["E2"].comment.text
    assert sheet["E5"].comment is None
    assert sheet["E4"].number_format == "0.0"
    assert sheet["G2"].number_format == "0.0%"
    summary = book["Validator report"]
    assert [summary.cell(r, 1).value for r in range(1, 5)] == [
        "Korea ICT trade release", "table", "rules", "status"]
    assert summary["B4"].value == "failed"
    assert book.sheetnames == ["figures", "Validator report"]


def test_annotate_highlights_the_suspect_from_a_hand_built_record(tmp_path: Path,
                                                                  example: pd.DataFrame) -> None:
    from validator.annotate import SUSPECT_FILL, annotate

    path = tidy_workbook(example, tmp_path / "f.xlsx")
    records = _check(path).to_records()
    records["suspects"] = [_suspect_record(records, "figures!E4")]
    annotate(str(path), records, str(tmp_path / "a.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["figures"]
    assert sheet["E4"].fill.fill_type == "solid"
    assert sheet["E4"].fill.start_color.rgb == SUSPECT_FILL
    assert sheet["E3"].fill.fill_type is None


def test_annotate_a_csv_makes_a_new_workbook_with_text_cells(tmp_path: Path,
                                                             example: pd.DataFrame) -> None:
    planted = example.copy()
    planted.loc[2, "value"] = "17.0"
    planted.loc[5, "source"] = "=HYPERLINK(\"x\")"
    planted.to_csv(tmp_path / "f.csv", index=False)
    out = tmp_path / "a.xlsx"
    assert main(["check", str(tmp_path / "f.csv"), "--rules", str(RULES),
                 "--annotate", str(out), "--format", "json", "--output",
                 str(tmp_path / "r.json")]) == 1
    sheet = openpyxl.load_workbook(out)["table"]
    assert sheet["E4"].value == "17.0"
    assert sheet["E4"].comment is not None
    assert sheet["E4"].comment.text.startswith("ERROR [balance]")
    assert sheet["H7"].value == "=HYPERLINK(\"x\")"
    assert sheet["H7"].data_type == "s"


def test_annotate_refuses_to_write_over_an_input(tmp_path: Path, example: pd.DataFrame,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tidy_workbook(example, tmp_path / "f.xlsx")
    before = path.read_bytes()
    assert main(["check", str(path), "--rules", str(RULES), "--annotate", str(path)]) == 2
    assert re.search(r"--annotate .*f\.xlsx is an input; name another file",
                     capsys.readouterr().err)
    assert path.read_bytes() == before


def test_xls_and_ods_are_read_as_printed(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="figures")
    for cells in ((("string", "flow", None), ("string", "value", None),
                   ("string", "change_pct", None)),
                  (("string", "exports", None), ("float", "183.6", "183.6"),
                   ("percentage", "0.038", "3.8%"))):
        row = TableRow()
        for kind, value, shown in cells:
            cell = TableCell(valuetype=kind, value=value) if kind != "string" else TableCell(
                valuetype="string")
            cell.addElement(P(text=shown or value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(tmp_path / "f.ods"))
    rules = parse_rules("figures: {value: value, change: change_pct}\n"
                        "dimensions: {flow: [exports]}\nrules: []\n", "r.yaml")
    read = read_table(str(tmp_path / "f.ods"), rules=rules)
    assert read.frame.values.tolist() == [["exports", "183.6", "3.8"]]
    assert read.cells is not None and read.cells.of(0)["value"] == "figures!B2"


def test_xls_numbers_read_under_their_formats(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    notes = book.add_sheet("Notes")
    notes.write(0, 0, "About this table")
    sheet = book.add_sheet("figures")
    for c, name in enumerate(("flow", "value", "change_pct")):
        sheet.write(0, c, name)
    one, percent = xlwt.easyxf(num_format_str="0.0"), xlwt.easyxf(num_format_str="0.0%")
    red = xlwt.easyxf(num_format_str="0.0;[Red]0.0")
    sheet.write(1, 0, "exports")
    sheet.write(1, 1, 183.6, one)
    sheet.write(1, 2, 0.038, percent)
    sheet.write(2, 0, "balance")
    sheet.write(2, 1, -71, red)
    book.save(str(tmp_path / "f.xls"))
    rules = parse_rules("figures: {value: value, change: change_pct}\n"
                        "dimensions: {flow: [exports, balance]}\nrules: []\n", "r.yaml")
    table = read_table(str(tmp_path / "f.xls"), rules=rules)
    assert table.frame.values.tolist() == [["exports", "183.6", "3.8"], ["balance", "-71.0", ""]]
    assert table.cells is not None and table.cells.of(1)["value"] == "figures!B3"
    assert table.unread == ("sheet 'Notes' not read: no header with the columns the rules file "
                            "names (flow, value) and no table laid out for print",)


def test_a_csv_laid_out_for_print_with_decimal_commas(tmp_path: Path) -> None:
    rules = load_rules(str(RULES))
    lines = [
        "Table 1. ICT exports by product, 2020 (USD billion);;",
        ";;",
        "Product;Exports;% change",
        "ICT goods;183,6;3,8",
        "  Semiconductors;100,3;5,4",
        "  Displays;20,7;-5,1",
        "Source: the ministry;;",
    ]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(str(path), rules=rules)
    assert table.frame[["flow", "product", "partner", "period", "value", "unit",
                        "change_pct"]].values.tolist() == [
        ["exports", "ICT", "World", "2020", "183.6", "USD bn", "3.8"],
        ["exports", "semiconductors", "World", "2020", "100.3", "USD bn", "5.4"],
        ["exports", "displays", "World", "2020", "20.7", "USD bn", "-5.1"],
    ]
    assert table.reading == ("CSV (delimiter ';' (detected), decimal comma, thousands ' '): "
                             "header rows 3, labels A: product, unit USD bn")
    assert table.cells is not None and table.cells.of(1) == {"value": "B5", "change_pct": "C5"}


def test_annotate_keeps_formulas_and_their_values(tmp_path: Path) -> None:
    rules_text = ("figures: {value: value}\ndimensions: {flow: [exports, imports, balance]}\n"
                  "rules:\n  - {id: balance, identity: balance = exports - imports, "
                  "along: flow}\n")
    (tmp_path / "r.yaml").write_text(rules_text)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["flow", "value"])
    sheet.append(["exports", 183.6])
    sheet.append(["imports", 112.6])
    sheet.append(["balance", "=B2-B3+1"])
    for cell in ("B2", "B3", "B4"):
        sheet[cell].number_format = "0.0"
    path = tmp_path / "f.xlsx"
    book.save(path)
    set_cached_values(path, {"xl/worksheets/sheet1.xml": {"B4": "72"}})
    out = tmp_path / "a.xlsx"
    assert main(["check", str(path), "--rules", str(tmp_path / "r.yaml"), "--annotate",
                 str(out), "--format", "json", "--output", str(tmp_path / "r.json")]) == 1
    copy = openpyxl.load_workbook(out)["Sheet"]
    assert copy["B4"].value == "=B2-B3+1"
    assert copy["B4"].number_format == "0.0"
    assert copy["B4"].comment is not None
    assert openpyxl.load_workbook(out, data_only=True)["Sheet"]["B4"].value == 72
    # The copy reads as the original did: the stored value is still there.
    again = check(read_table(str(out), rules=parse_rules(rules_text, "r.yaml")),
                  parse_rules(rules_text, "r.yaml"))
    assert [d.rule for d in again.discrepancies] == ["balance"]
