"""Nothing injected: user text (codes, labels, titles, sentences, file names) cannot recolour a
terminal, forge a line, start a GitHub workflow command, break XML, or run as a spreadsheet
formula, whatever it contains."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from validator.cli import main
from validator.escaping import visible
from validator.reporters import Format
from validator.reporters.common import spreadsheet_safe

NASTY = ["\x1b[31m", "\x1b]0;pwned\x07", "\r", "\n", "\n::error::forged", "::warning::x",
         "\u2028", "\u2029", "\x85", "\u202e", "\x00", "\x0b", "\x7f", "%0A", "%", ":", ",",
         "=cmd|'/c calc'!A1", "@SUM(A1)", "<b>", "]]>", "&amp;", "\ufffe", "\t"]
TEXT = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=3)), max_size=5).map("".join)

RULES = """\
title: "{title}"
figures: {{value: value}}
dimensions:
  flow: [exports, imports, balance]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
"""
# Characters that must never reach a terminal or a log raw (tab and line feed are ours).
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                  "\ud800-\udfff\ufffe\uffff]")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _yaml_quoted(text: str) -> str:
    return json.dumps(text)[1:-1]  # a JSON string body is a YAML double-quoted body


def _run(table: str, title: str, fmt: Format) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "t.csv").write_text(table, encoding="utf-8", newline="")
        (Path(tmp) / "r.yaml").write_text(RULES.format(title=_yaml_quoted(title)),
                                          encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", str(Path(tmp) / "t.csv"), "--rules", str(Path(tmp) / "r.yaml"),
                         "--format", fmt.value])
    return code, out.getvalue(), err.getvalue()


def _csv_cell(text: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text])
    return buffer.getvalue()


def assert_safe(fmt: Format, out: str) -> None:
    if fmt in (Format.TEXT, Format.MARKDOWN):
        assert not _RAW.search(out), repr(out)
        assert not any(line.lstrip().startswith("::") for line in out.split("\n")), out
    elif fmt is Format.GITHUB:
        assert "\r" not in out
        for line in out.split("\n")[:-1]:
            match = _COMMAND.match(line)
            assert match, repr(line)
            props, data = match.group(2) or "", match.group(3)
            assert not _RAW.search(data)
            for pair in props.split(",") if props else []:
                key, _, value = pair.partition("=")
                assert key in {"file", "line", "title"} and ":" not in value, line
    elif fmt is Format.JUNIT:
        assert not _XML_FORBIDDEN.search(out)
        ET.fromstring(out)
    elif fmt in (Format.SARIF, Format.JSON):
        log = json.loads(out)
        if fmt is Format.SARIF:
            for result in log["runs"][0]["results"]:
                assert not _XML_FORBIDDEN.search(result["message"]["text"])
    elif fmt is Format.HTML:
        assert not _XML_FORBIDDEN.search(out)
        assert "<b>" not in out.split("<body>", 1)[1].replace("<b>0</b>", "")


@given(label=TEXT, title=TEXT, fmt=st.sampled_from(list(Format)))
def test_user_text_is_escaped_in_every_format(label: str, title: str, fmt: Format) -> None:
    table = ("flow,value,note\n"
             f"exports,5.0,{_csv_cell(label)}\nimports,3.0,x\nbalance,9.0,y\n"
             f"{_csv_cell('ex' + label)},1.0,z\n")
    code, out, err = _run(table, title, fmt)
    assert code in (1, 2), err
    assert not _RAW.search(err), repr(err)
    assert all(line.startswith(("validator: ", "Error: ", "Usage: ", "Try "))
               for line in err.splitlines() if line), err
    if code == 1:
        assert_safe(fmt, out)


def test_a_forged_command_in_a_code_stays_data() -> None:
    table = "flow,value\nexports,5.0\nimports,3.0\nbalance,9.0\n\"x\n::error::pwned\",1\n"
    code, out, _ = _run(table, "T\n::warning::title", Format.GITHUB)
    assert code == 1
    lines = out.split("\n")[:-1]
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::notice", "::error", "::error", "::notice"]
    assert "x%0A::error::pwned" in out or "x\\n::error::pwned" in out
    code, out, _ = _run(table, "T\n::warning::title", Format.TEXT)
    assert "\n::" not in out and "x\\n::error::pwned" in out


def test_ansi_in_a_column_name_is_shown_on_stderr() -> None:
    code, _, err = _run("flow,val\x1b[2Jue\nexports,1\n", "t", Format.TEXT)
    assert code == 2
    assert "\x1b" not in err and "\\x1b[2J" in err


def test_visible_shows_every_control_character() -> None:
    assert visible("a\x1b[31mb") == "a\\x1b[31mb"
    assert visible("a\nb\rc") == "a\\nb\\rc"
    assert visible("a\nb", keep_breaks=True) == "a\nb"
    assert visible("\u202eevil\u2028") == "\\u202eevil\\u2028"
    assert visible("\ud800") == "\\ud800"
    assert visible("plain text, tab\tkept") == "plain text, tab\tkept"


def test_spreadsheet_safe_neutralises_formulas_and_keeps_numbers() -> None:
    for formula in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"x\")"]:
        assert spreadsheet_safe(formula) == "'" + formula
    for plain in ["-5.1", "+3.8", "-1,234.5", "183.6", "exports", "", "'quoted"]:
        assert spreadsheet_safe(plain) == plain


def test_extract_writes_no_formula(tmp_path: Path) -> None:
    release = tmp_path / "r.txt"
    release.write_text("=HYPERLINK(\"http://x\") Exports of ICT products rose 3.8 percent to "
                       "183.6 billion dollars in 2020.\n", encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["extract", str(release), "--rules",
                     str(Path(__file__).parents[1] / "rules" / "korea-ict.yaml")])
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert spreadsheet_safe(cell) == cell, cell
