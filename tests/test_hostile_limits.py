"""Bounded work, arithmetic that cannot overflow into a pass, errors that say where, and no
internal errors: every input has a limit with a clear exit-2 message (validator/limits.py)."""

from __future__ import annotations

import contextlib
import io
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validator import limits
from validator.cli import main
from validator.extraction.readers import markdown_to_text

ROOT = Path(__file__).resolve().parents[1]
KOREA = ROOT / "rules" / "korea-ict.yaml"
RULES = """\
figures: {value: value}
dimensions:
  item: {total: [a, b, c]}
rules:
  - id: parts
    breakdown: item
    complete: true
"""


def _run(tmp_path: Path, table: bytes | str, rules: str = RULES, name: str = "t.csv",
         *extra: str) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(table.encode("utf-8") if isinstance(table, str) else table)
    (tmp_path / "r.yaml").write_text(rules, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(path), "--rules", str(tmp_path / "r.yaml"), *extra])
    assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- overflow never passes

IDENTITY = """\
figures: {{value: value, trailing_zeros: significant}}
dimensions:
  item: [x, y, z]
rules:
  - id: sum
    identity: x = {a} * y + {b} * z
    along: item
"""


def _exactly_fails(x: Decimal, y: Decimal, z: Decimal, a: Decimal, b: Decimal) -> bool:
    """The identity with integers printed to the unit (+/- 0.5), in exact arithmetic."""
    slack = Decimal("0.5") * (1 + abs(a) + abs(b))
    return abs(x - (a * y + b * z)) > slack


MAGNITUDE = st.builds(lambda d, k, s: s * d * 10**k, st.integers(1, 9), st.integers(0, 320),
                      st.sampled_from([1, -1]))


@settings(max_examples=40)
@given(x=MAGNITUDE, y=MAGNITUDE, z=MAGNITUDE, a=st.integers(1, 10**6), b=st.integers(-10**6, -1))
def test_huge_values_never_turn_a_failure_into_a_pass(x: int, y: int, z: int, a: int,
                                                      b: int) -> None:
    import tempfile

    table = f"item,value\nx,{x}\ny,{y}\nz,{z}\n"
    with tempfile.TemporaryDirectory() as tmp:
        code, out, err = _run(Path(tmp), table, IDENTITY.format(a=a, b=b), "t.csv",
                              "--format", "json")
    if _exactly_fails(Decimal(x), Decimal(y), Decimal(z), Decimal(a), Decimal(b)):
        assert code == 1, (out, err)
        assert '"verdict": "clean"' not in out


def test_a_value_past_the_magnitude_limit_is_named_and_not_checked(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "item,value\nx,1e200\ny,1e200\nz,1\n",
                        IDENTITY.format(a=2, b=-2))
    assert code == 1
    assert ("row 2: value '1e200' in column 'value' is too large to check (more than 1e+100)"
            in out)


@pytest.mark.parametrize(("rules", "message"), [
    (RULES.replace("{value: value}", "{value: value, unit: unit, units: {x: 1e300}}"),
     "the scale of unit 'x' must be a positive number of at most 1e+30"),
    (IDENTITY.format(a="1" + "0" * 400, b=1), "is larger than 1e+30"),
])
def test_huge_scales_and_coefficients_are_refused(tmp_path: Path, rules: str,
                                                  message: str) -> None:
    code, _, err = _run(tmp_path, "item,value,unit\nx,1,x\n", rules)
    assert code == 2 and message in err


def test_float32_parquet_is_read_at_its_own_precision(tmp_path: Path) -> None:
    table = pa.table({"item": ["total", "a", "b", "c"],
                      "value": pa.array([0.6, 0.1, 0.2, 0.3], pa.float32())})
    pq.write_table(table, tmp_path / "t.parquet")
    code, out, err = _run(tmp_path, (tmp_path / "t.parquet").read_bytes(), RULES,
                          "t.parquet", "--format", "json")
    assert code == 0, out + err
    assert '"verdict": "clean"' in out


# ---------------------------------------------------------------- limits with exit 2


def test_too_many_columns(tmp_path: Path) -> None:
    header = ",".join(["item", "value", *(f"x{i}" for i in range(limits.MAX_COLUMNS))])
    code, _, err = _run(tmp_path, header + "\n")
    assert code == 2 and f"row 1: {limits.MAX_COLUMNS + 2:,} columns (the limit is" in err


def test_a_big_cell_names_its_row_and_column(tmp_path: Path) -> None:
    big = "x" * (limits.MAX_CELL_BYTES + 1)
    code, _, err = _run(tmp_path, f"item,value,note\na,1.0,ok\nb,2.0,{big}\n")
    assert code == 2 and "row 3, column 'note': a cell of 1,048,577 bytes" in err


def test_a_50_mb_cell_names_its_line(tmp_path: Path) -> None:
    big = "x" * (50 * limits.MiB)
    code, _, err = _run(tmp_path, f"item,value,note\na,1.0,ok\nb,2.0,ok\nc,3.0,{big}\n")
    assert code == 2 and "line 4: 52,428,806 bytes on one line" in err


class _Endless(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = b"item,value\n" * (len(buffer) // 11)
        buffer[:len(chunk)] = chunk
        return len(chunk)


def test_endless_stdin_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.setattr("validator.table.MAX_STDIN_BYTES", 4 * limits.MiB)
    stdin = io.TextIOWrapper(io.BufferedReader(_Endless()))
    monkeypatch.setattr(sys, "stdin", stdin)
    (tmp_path / "r.yaml").write_text(RULES)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", "-", "--rules", str(tmp_path / "r.yaml")])
    assert code == 2 and "<stdin>: more than 4 MiB (the limit for stdin" in err.getvalue()


def _docx(document: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">'.encode()
                     for p, n in zip("abcdefgh", "bcdefghi", strict=True))
          + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            b'main"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>')


@pytest.mark.parametrize("document", [LAUGHS, LAUGHS.decode().replace(
    'version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")], ids=["utf-8",
                                                                              "utf-16"])
def test_entity_expansion_in_a_docx_is_refused(tmp_path: Path, document: bytes) -> None:
    code, _, err = _run(tmp_path, _docx(document), KOREA.read_text(), "r.docx")
    assert code == 2 and "declares a DTD or entities" in err


def test_a_zip_bomb_is_refused_by_its_declared_size(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    monkeypatch.setattr(limits, "MAX_ARCHIVE_BYTES", 4 * limits.MiB)
    bomb = _docx(b"<w:document/>", {"padding.bin": b"\0" * (8 * limits.MiB)})
    assert len(bomb) < 100_000
    code, _, err = _run(tmp_path, bomb, KOREA.read_text(), "r.docx")
    assert code == 2 and "the archive expands to 8 MiB (the limit is 4 MiB): a zip bomb?" in err
    code, _, err = _run(tmp_path, bomb, RULES, "t.xlsx")
    assert code == 2 and "a zip bomb?" in err


def test_a_member_larger_than_it_declares_is_caught(tmp_path: Path) -> None:
    document = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
                b'main"><w:body><w:p><w:r><w:t>' + b"x" * 5000 + b"</w:t></w:r></w:p></w:body>"
                b"</w:document>")
    data = bytearray(_docx(document))
    # Forge both size fields (local header and central directory) to claim 100 bytes.
    real = len(document).to_bytes(4, "little")
    data = bytearray(bytes(data).replace(real, (100).to_bytes(4, "little")))
    code, _, err = _run(tmp_path, bytes(data), KOREA.read_text(), "r.docx")
    assert code == 2, err


def test_a_long_release_line_is_refused(tmp_path: Path) -> None:
    line = "Exports rose. " * (limits.MAX_RELEASE_LINE_CHARS // 14 + 10)
    code, _, err = _run(tmp_path, line + "\n", KOREA.read_text(), "r.txt")
    assert code == 2 and "line 1: " in err and "characters on one line" in err


def test_markdown_emphasis_is_read_in_linear_time() -> None:
    # A line of 150,000 unmatched markers took minutes with the pairing regex.
    assert markdown_to_text("*a_" * 50_000).count("a") == 50_000
    assert markdown_to_text("**Exports** rose _3.8%_ to `183.6`") == "Exports rose 3.8% to 183.6"


# ---------------------------------------------------------------- no internal error


@pytest.mark.parametrize(("name", "rules", "message"), [
    ("lone surrogate", 'title: "\\ud800"\n' + RULES, "a lone surrogate escape is not text"),
    ("deep yaml", "a: " + "[" * 5000 + "\n", "levels deep"),
])
def test_hostile_rules_files_exit_2(tmp_path: Path, name: str, rules: str,
                                    message: str) -> None:
    code, _, err = _run(tmp_path, "item,value\na,1\n", rules)
    assert code == 2 and message in err, err


@pytest.mark.parametrize(("baseline", "message"), [
    ("[" * 100_000, "nests more than 64 levels deep"),
    ('{"version": 1, "accepted": [' + "[" * 70 + "]" * 70 + "]}", "nests more than 64"),
    ('{"version": 1, "accepted": [{"fingerprint": "\\udc00"}]}', "lone surrogate"),
])
def test_hostile_baselines_exit_2(tmp_path: Path, baseline: str, message: str) -> None:
    (tmp_path / "b.json").write_text(baseline)
    code, _, err = _run(tmp_path, "item,value\ntotal,6\na,1\nb,2\nc,3\n", RULES, "t.csv",
                        "--baseline", str(tmp_path / "b.json"))
    assert code == 2 and message in err, err


# ---------------------------------------------------------------- errors say where


def test_cr_only_line_ends_are_lines(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "item,value\rtotal,6.0\ra,1.0\rb,x\rc,3.0\r")
    assert code == 1
    assert "row 4: value 'x' in column 'value' is not a number" in out


def test_rows_are_spreadsheet_rows_after_a_quoted_line_break(tmp_path: Path) -> None:
    table = 'item,value,note\ntotal,6.0,"two\nlines"\na,1.0,x\nb,x,y\nc,3.0,z\n'
    code, out, _ = _run(tmp_path, table)
    assert code == 1
    assert "row 4: value 'x' in column 'value' is not a number" in out  # line 5 of the file
    code, _, err = _run(tmp_path, 'item,value,note\ntotal,6.0,"two\nlines"\na,1.0\n')
    assert code == 2 and "row 3 (line 4): 2 cells where the header has 3" in err


def test_a_parquet_list_column_is_named(tmp_path: Path) -> None:
    table = pa.table({"item": ["total"], "value": ["1"], "tags": [[1, 2]]})
    pq.write_table(table, tmp_path / "t.parquet")
    code, _, err = _run(tmp_path, (tmp_path / "t.parquet").read_bytes(), RULES, "t.parquet")
    assert code == 2 and "column 'tags': holds list<element: int64> values" in err


# ---------------------------------------------------------------- near-linear, correct


def test_a_parent_of_100000_parts_is_checked_and_reported_briefly(tmp_path: Path) -> None:
    n = 100_000
    kids = ", ".join(f"c{i}" for i in range(n))
    rules = (f"figures: {{value: value}}\ndimensions:\n  item: {{total: [{kids}]}}\n"
             "rules:\n  - id: parts\n    breakdown: item\n    complete: true\n")
    table = "item,value\ntotal,250000.0\n" + "".join(f"c{i},1.0\n" for i in range(n))
    code, out, _ = _run(tmp_path, table, rules, "t.csv", "--format", "json")
    assert code == 1
    import json

    (d,) = json.loads(out)["discrepancies"]
    assert "and 99988 more) add up to 100000.0 +/- 5000" in d["message"]
    assert len(d["figures"]) == 1 + limits.MAX_FIGURES_PER_FINDING


def test_a_figure_printed_200000_times_once_differently(tmp_path: Path) -> None:
    rules = ("figures: {value: value}\ndimensions:\n  item: {total: [a, b]}\n"
             "rules:\n  - id: parts\n    breakdown: item\n")
    table = "item,value\n" + "total,10.0\n" * 200_000 + "total,11.0\na,3.0\nb,4.0\n"
    code, out, _ = _run(tmp_path, table, rules, "t.csv", "--format", "json")
    assert code == 1
    import json

    report = json.loads(out)
    (d,) = report["discrepancies"]
    assert d["message"].startswith("200,001 rows give the same figure (total) as 10.0 (rows 2, "
                                   "3, 4, 5, 6, 7, 8, 9, 10, 11 and 199,990 more) and 11.0 (row "
                                   "200002)")
    assert len(d["figures"]) <= limits.MAX_FIGURES_PER_FINDING
    # The copies of the total are named by the finding, not listed again as unconstrained.
    assert [u["key"] for u in report["coverage"]["unconstrained"]] == [{"item": "a"},
                                                                       {"item": "b"}]


def test_20000_columns_give_the_right_answer(tmp_path: Path) -> None:
    extra = ",".join(f"x{i}" for i in range(20_000))
    ones = ",".join("1" for _ in range(20_000))
    table = (f"item,value,{extra}\ntotal,10.0,{ones}\na,3.0,{ones}\nb,9.0,{ones}\n"
             f"c,0.0,{ones}\n")
    code, out, _ = _run(tmp_path, table)
    assert code == 1 and "add up to 12.0 +/- 0.15, but the total total is reported as 10.0" in out


def test_entity_expansion_in_an_xlsx_is_refused(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["item", "value"], ["total", "6.0"], ["a", "1.0"]):
        sheet.append(row)
    book.save(tmp_path / "plain.xlsx")
    hostile = io.BytesIO()
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as source, \
            zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                doctype = LAUGHS.split(b"?>", 1)[1].split(b"]>", 1)[0] + b"]>"
                data = doctype.strip() + data.split(b"?>", 1)[-1]
            target.writestr(info, data)
    code, _, err = _run(tmp_path, hostile.getvalue(), RULES, "t.xlsx")
    assert code == 2 and "cannot read as XLSX: its XML declares a DTD or entities" in err, err
