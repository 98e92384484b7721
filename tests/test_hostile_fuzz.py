"""The done-when fuzz: hostile tables, rules files, baselines and releases, in every format.

Whatever the input, the exit code is one of 0, 1, 2 (130 and 143 come from signals, see
test_hostile_signals.py), stderr carries no traceback and no "internal error", JSON, SARIF and
JUnit outputs are well formed, and no output carries an unescaped control character or a line
that would run as a GitHub workflow command.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile_escaping import NASTY, assert_safe

from validator.cli import main
from validator.reporters import Format
from validator.reporters.common import spreadsheet_safe

HEADER = "item,area,value,unit,change\n"
CELLS = st.one_of(
    st.sampled_from(["total", "a", "b", "c", "north", "south", "", "1.0", "-2.5", "1e999",
                     "1e200", "9" * 400, "nan", "inf", "(3.0)", "1,234.5", "bn", "m", "x",
                     '"', '""', '"a,b"', '"two\nlines"', "\u2212" + "1.5", "\x00", "\r"]),
    st.sampled_from(NASTY),
    st.text(max_size=6),
)
ROW = st.lists(CELLS, min_size=0, max_size=7).map(lambda cells: ",".join(cells))
TABLE = st.lists(ROW, max_size=8).map(lambda rows: HEADER + "\n".join(rows) + "\n")

RULE_PIECES = st.lists(st.sampled_from([
    "  - id: parts\n    breakdown: item\n",
    "  - id: parts-c\n    breakdown: item\n    complete: true\n",
    "  - id: sum\n    identity: total = a + b + c\n    along: item\n",
    "  - id: coeff\n    identity: total = 1e30 * a - 2 * b\n    along: item\n",
    "  - id: where\n    bounds: {min: 0}\n    where: {area: south}\n",
    "  - id: pos\n    bounds: {min: 0, max: 1e300}\n",
    "  - id: bad\n    bounds: {min: 1e999}\n",
    "  - id: \"\\x1b[31m::error::x\"\n    bounds: {min: 0}\n",
    "  - id: \"\\ud800\"\n    bounds: {min: 0}\n",
]), max_size=4)
TITLES = st.sampled_from(["", "Trade", "::warning::t", "a\\nb", "\\x1b[2J", "\\u202e"])


def _rules(title: str, pieces: list[str]) -> str:
    return (f'title: "{title}"\n'
            "figures: {value: value, unit: unit, change: change, units: {bn: 1.0e9, m: 1.0e6}}\n"
            "dimensions:\n  item: {total: [a, b, c]}\n  area: [north, south]\n"
            "rules:\n" + ("".join(dict.fromkeys(pieces)) or "  []\n"))


BASELINES = st.one_of(
    st.none(),
    st.sampled_from(['{"version": 1, "accepted": []}', "[" * 3000, "{}", "null",
                     '{"version": 1, "accepted": [{"fingerprint": "0000"}]}',
                     '{"version": 1, "accepted": [{"fingerprint": "x", "message": "\\u001b]0;"}]}',
                     '{"version": 1, "accepted": [{"fingerprint": "\\ud800"}]}', "\x00"]),
)
RELEASE_WORDS = st.lists(st.one_of(
    st.sampled_from(["Exports", "of", "ICT", "rose", "fell", "3.8", "percent", "to", "183.6",
                     "billion", "dollars", "in", "2020.", "*", "**", "_", "`", "|", "#",
                     "\n", "\n\n", "::error::x", "\x1b[31m", "=cmd"]),
    st.sampled_from(NASTY)), max_size=40).map(" ".join)


def _check(files: dict[str, bytes], args: list[str]) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        argv = [a if not a.startswith("@") else str(Path(tmp) / a[1:]) for a in args]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _assert_handled(code: int, out: str, err: str, fmt: Format) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert err.strip(), "exit 2 needs a message"
    assert "\x1b" not in err and "\r" not in err
    if code in (0, 1):
        if fmt is Format.JSON:
            json.loads(out)
        if out:
            assert_safe(fmt, out)


@settings(max_examples=60)
@given(table=TABLE, title=TITLES, pieces=RULE_PIECES, baseline=BASELINES,
       fmt=st.sampled_from(list(Format)))
def test_hostile_tables_rules_and_baselines(table: str, title: str, pieces: list[str],
                                            baseline: str | None, fmt: Format) -> None:
    files = {"t.csv": table.encode("utf-8", "surrogatepass"),
             "r.yaml": _rules(title, pieces).encode("utf-8")}
    args = ["check", "@t.csv", "--rules", "@r.yaml", "--format", fmt.value]
    if baseline is not None:
        files["b.json"] = baseline.encode("utf-8", "surrogatepass")
        args += ["--baseline", "@b.json"]
    _assert_handled(*_check(files, args), fmt)


def test_a_table_whose_every_row_has_an_unknown_code_is_reported_not_crashed() -> None:
    # No usable figure at all: the coverage of rows must not index an empty figure store.
    files = {"t.csv": (HEADER + "total,total,total,1,234.5\nx,y,1,bn,\n").encode(),
             "r.yaml": _rules("", ["  - id: pos\n    bounds: {min: 0}\n"]).encode()}
    code, out, err = _check(files, ["check", "@t.csv", "--rules", "@r.yaml", "--format", "json"])
    assert code == 1, err
    records = json.loads(out)
    assert records["verdict"] != "clean"
    assert "input.unknown-code" in {d["rule"] for d in records["discrepancies"]}


KOREA = (Path(__file__).resolve().parents[1] / "rules" / "korea-ict.yaml").read_bytes()


@settings(max_examples=40)
@given(text=RELEASE_WORDS, suffix=st.sampled_from([".txt", ".md", ".html"]),
       fmt=st.sampled_from(list(Format)))
def test_hostile_releases(text: str, suffix: str, fmt: Format) -> None:
    files = {f"r{suffix}": text.encode("utf-8", "surrogatepass"), "k.yaml": KOREA}
    _assert_handled(*_check(files, ["check", f"@r{suffix}", "--rules", "@k.yaml", "--format",
                                    fmt.value]), fmt)
    code, out, err = _check(files, ["extract", f"@r{suffix}", "--rules", "@k.yaml"])
    assert code in (0, 2) and "Traceback" not in err and "internal error" not in err
    assert "\x1b" not in err
    for row in csv.reader(io.StringIO(out)):
        assert all(spreadsheet_safe(cell) == cell for cell in row), row
