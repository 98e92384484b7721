"""Workbooks built in the tests: the bundled example as Excel stores it, tidy or for print."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment

KEY = ("flow", "product", "partner", "period")


def number_format(text: str) -> str:
    """The fixed format that prints `text` with its own decimals: "71.0" -> "0.0"."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return "0." + "0" * decimals if decimals else "0"


def put_value(cell: openpyxl.cell.cell.Cell, text: str) -> None:
    cell.value = float(text) if "." in text else int(text)
    cell.number_format = number_format(text)


def put_change(cell: openpyxl.cell.cell.Cell, text: str) -> None:
    """A % change as Excel stores it: the fraction 0.038 under the format 0.0%."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    cell.value = float(Decimal(text) / 100)
    cell.number_format = "0." + "0" * decimals + "%" if decimals else "0%"


def tidy_workbook(frame: pd.DataFrame, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "figures"
    sheet.append(list(frame.columns))
    for r, record in enumerate(frame.itertuples(index=False), start=2):
        for c, (name, text) in enumerate(zip(frame.columns, record, strict=True), start=1):
            cell = sheet.cell(r, c)
            if name == "value" and text:
                put_value(cell, text)
            elif name == "change_pct" and text:
                put_change(cell, text)
            else:
                cell.value = text
    book.save(path)
    return path


PRODUCTS = (("ICT goods", "ICT", 0), ("Semiconductors", "semiconductors", 1),
            ("Computers and peripheral devices", "computers", 1),
            ("Solid-state drives", "ssd", 2), ("Displays", "displays", 1),
            ("Mobile phones", "mobile_phones", 1))
PARTNERS = (("China, including Hong Kong", "China_HK"), ("United States", "US"),
            ("Vietnam", "Vietnam"), ("European Union", "EU"), ("Japan", "Japan"))


def publication_workbook(frame: pd.DataFrame, path: Path) -> Path:
    """The example as an editor lays it out: a notes sheet, then three tables for print."""
    figures = {tuple(r[k] for k in KEY): r for r in frame.to_dict("records")}
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes["A1"] = "About these tables"
    notes["A2"] = "Figures for 2020 are preliminary."

    one = book.create_sheet("Table 1")
    one["A1"] = "Table 1. ICT trade by product (USD billion)"
    one["A3"] = "Product"
    flows = (("Exports", "exports"), ("Imports", "imports"), ("Balance", "balance"))
    columns: list[tuple[str, str, str]] = []  # (period, flow, measure)
    for period, title in (("2020", "2020"), ("2020-12", "December 2020")):
        start = 2 + len(columns)
        one.cell(3, start, title)
        for label, flow in flows:
            columns.append((period, flow, "value"))
            one.cell(4, 1 + len(columns), label)
            if flow != "balance":
                columns.append((period, flow, "change"))
                one.cell(4, 1 + len(columns), "% change")
        one.merge_cells(start_row=3, start_column=start, end_row=3, end_column=1 + len(columns))
    for r, (label, code, level) in enumerate(PRODUCTS, start=5):
        one.cell(r, 1, label).alignment = Alignment(indent=level)
        for c, (period, flow, measure) in enumerate(columns, start=2):
            record = figures.get((flow, code, "World", period))
            if record is None or record["unit"] != "USD bn":
                continue
            if measure == "value":
                put_value(one.cell(r, c), record["value"])
            elif record["change_pct"]:
                put_change(one.cell(r, c), record["change_pct"])
    last = 5 + len(PRODUCTS)
    one.cell(last + 1, 1, "Note: ICT goods include the products listed and others.")
    one.cell(last + 2, 1, "Source: Ministry of Science and ICT.")

    two = book.create_sheet("Table 2")
    two["A1"] = "Table 2. ICT exports by partner (USD billion)"
    two["A3"], two["B3"] = "Partner", "Product"
    for c, title in ((3, "2020"), (5, "December 2020")):
        two.cell(3, c, title)
        two.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 1)
        two.cell(4, c, "Exports")
        two.cell(4, c + 1, "% change")
    row = 5
    for label, partner in PARTNERS:
        first = True
        for product_label, code, _ in PRODUCTS:
            found = [(c, figures.get(("exports", code, partner, period)))
                     for c, period in ((3, "2020"), (5, "2020-12"))]
            found = [(c, r) for c, r in found if r is not None and r["unit"] == "USD bn"]
            if not found:
                continue
            if first:
                two.cell(row, 1, label)
                first = False
            two.cell(row, 2, product_label)
            for column, record in found:
                put_value(two.cell(row, column), record["value"])
                if record["change_pct"]:
                    put_change(two.cell(row, column + 1), record["change_pct"])
            row += 1

    three = book.create_sheet("Table 3")
    three["A1"] = "Table 3. Smaller markets (USD million)"
    three["A3"], three["B3"], three["C3"] = "Partner", "Product", "Exports"
    three.merge_cells("C3:F3")
    for c, text in enumerate(("2020", "% change", "December 2020", "% change"), start=3):
        three.cell(4, c, text)
    row = 5
    for (flow, code, partner, period), record in figures.items():
        if record["unit"] != "USD mn":
            continue
        del flow
        three.cell(row, 1, dict((p, lab) for lab, p in PARTNERS)[partner])
        three.cell(row, 2, dict((p, lab) for lab, p, _ in PRODUCTS)[code])
        column = 3 if period == "2020" else 5
        put_value(three.cell(row, column), record["value"])
        put_change(three.cell(row, column + 1), record["change_pct"])
        row += 1
    book.save(path)
    return path


def set_cached_values(path: Path, values: Mapping[str, Mapping[str, str]]) -> None:
    """Give formula cells a stored value, as a spreadsheet application does when it saves.

    `values` maps a sheet's XML part (xl/worksheets/sheet1.xml) to cell -> value text.
    """
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for part, cells in values.items():
        xml = parts[part].decode("utf-8")
        for ref, value in cells.items():
            pattern = re.compile(rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?')
            xml, count = pattern.subn(rf"\1<v>{value}</v>", xml)
            assert count == 1, ref
        parts[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
