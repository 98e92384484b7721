"""Bad input never crashes: any table or rules file gives exit 0, 1 or 2 and a short message."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "korea-ict.yaml"
TABLE = ROOT / "examples" / "korea-ict-2020" / "figures.csv"
HEADER = "flow,product,partner,period,value,unit,change_pct\n"


def run_cli(table: bytes | None = None, rules: bytes | None = None,
            table_name: str = "t.csv") -> tuple[int, str]:
    """Exit code and stderr of `validator check` on the given bytes (defaults: the example)."""
    with tempfile.TemporaryDirectory() as tmp:
        table_path, rules_path = TABLE, RULES
        if table is not None:
            table_path = Path(tmp) / table_name
            table_path.write_bytes(table)
        if rules is not None:
            rules_path = Path(tmp) / "r.yaml"
            rules_path.write_bytes(rules)
        import contextlib
        import io

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", str(table_path), "--rules", str(rules_path),
                         "--format", "json"])
    return code, err.getvalue()


def assert_handled(code: int, err: str, allowed: tuple[int, ...] = (0, 1, 2)) -> None:
    assert code in allowed, err
    assert "Traceback" not in err and "Warning" not in err, err
    assert len(err.splitlines()) <= 12, err
    if code == 2:
        assert err.strip(), "exit 2 needs a message"


CELL = st.one_of(
    st.sampled_from(["", "1e999", "-1e999", "9" * 400, "NaN", "nan", "inf", "-inf", "Infinity",
                     "1,2,3", "1.2.3", "--1", "\u22121.5", "1e-999", "0", "-0", "1e5",
                     "USD bn", "ICT", "2020", "2019-13", "2020Q5", "exports", "World", '"',
                     "\u00a0", "\x00"]),
    st.text(max_size=8),
)


@given(st.lists(st.lists(CELL, min_size=0, max_size=9), max_size=8))
def test_random_cells_under_the_real_header(rows: list[list[str]]) -> None:
    body = "".join(",".join(row) + "\n" for row in rows)
    code, err = run_cli((HEADER + body).encode("utf-8", "surrogatepass"))
    assert_handled(code, err)


@given(st.binary(max_size=400))
def test_random_bytes_as_table(data: bytes) -> None:
    assert_handled(*run_cli(data))


@given(st.binary(max_size=400))
def test_random_bytes_as_rules(data: bytes) -> None:
    assert_handled(*run_cli(rules=data), allowed=(2,))


@given(st.integers(0, len(TABLE.read_bytes())), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_truncated_and_reencoded_tables(cut: int, encoding: str) -> None:
    text = TABLE.read_text(encoding="utf-8")[:cut].replace("China_HK", "Chin\u00e4_HK")
    assert_handled(*run_cli(text.encode(encoding)))


@given(st.integers(0, len(RULES.read_bytes())))
def test_truncated_rules(cut: int) -> None:
    assert_handled(*run_cli(rules=RULES.read_bytes()[:cut]))


YAML_PIECES = st.sampled_from([
    "version: 1\n", "version: 2\n", "figures: {value: value}\n", "figures: [1]\n",
    "figures: {units: {x: 0}}\n", "figures: {time: nope}\n", "dimensions: {p: [A, B]}\n",
    "dimensions: {p: {A: [B, C]}}\n", "dimensions: {p: {A: [A]}}\n",
    "dimensions: {p: {A: [B], B: [A]}}\n", "dimensions: {p: [A, A]}\n", "dimensions: 3\n",
    "rules: []\n", "rules: [{id: x, breakdown: p}]\n", "rules: [{id: x, frob: p}]\n",
    "rules: [{id: x, identity: 'A = B', along: p}]\n", "rules: [{id: x, identity: '= ='}]\n",
    "rules: [{id: x, bounds: {min: 1e999}}]\n", "rules: [{id: x, implied_prior: [x]}]\n",
    "rules: [{id: x, bounds: {min: 0}, tolerance: {abs: -1}}]\n", "a: &a [1, *a]\n",
    "rules: [{id: input.x, bounds: {max: 1}}]\n", "- 1\n", "? [a]\n: b\n", "%YAML 9\n",
    "rules: [{id: x, bounds: {min: 0}}, {id: x, bounds: {max: 1}}]\n",
])


@given(st.lists(YAML_PIECES, max_size=6))
def test_random_rules_files(pieces: list[str]) -> None:
    table = b"p,value\nA,1\nB,2\nC,3\n"
    assert_handled(*run_cli(table, "".join(pieces).encode()))


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
CASES = [
    # (name, table bytes or None for the example, rules bytes or None for korea, exit code)
    ("empty table", b"", None, 2),
    ("blank table", b" \n\n", None, 2),
    # was exit 0: nothing was checked, which is no pass
    ("header only", HEADER.encode(), None, 1),
    ("utf-16 table", HEADER.encode("utf-16"), None, 1),  # with its BOM: read, as "header only"
    ("latin-1 table", (HEADER + "exports,ICT,W\u00f6rld,2020,1,USD bn,\n").encode("latin-1"),
     None, 2),
    ("truncated quote", (HEADER + 'exports,"ICT\n').encode(), None, 2),
    ("huge numbers", (HEADER + "exports,ICT,World,2020,1e999,USD bn,\n"
                      f"imports,ICT,World,2020,{'9' * 400},USD bn,nan\n").encode(), None, 1),
    # was exit 0: the value overflowed to inf and was dropped without a word
    ("overflowing value alone", (HEADER + "exports,ICT,World,2020,1e999,USD bn,\n").encode(),
     None, 1),
    ("400 digits alone", (HEADER + f"exports,ICT,World,2020,{'9' * 400},USD bn,\n").encode(),
     None, 1),
    ("inf and nan", (HEADER + "exports,ICT,World,2020,inf,USD bn,NaN\n").encode(), None, 1),
    ("duplicate keys disagree", (HEADER + "exports,ICT,World,2020,1.0,USD bn,\n"
                                 "exports,ICT,World,2020,2.0,USD bn,\n").encode(), None, 1),
    ("duplicate column", b"flow,flow\nexports,exports\n", None, 2),
    ("missing column", b"flow,value\nexports,1\n", None, 2),
    ("empty rules", None, b"", 2),
    ("rules not a mapping", None, b"- 1\n", 2),
    ("billion laughs", None, LAUGHS.encode(), 2),
    ("recursive alias", None, b"a: &a [1, *a]\n", 2),
    ("cycle", None, b"dimensions: {p: {A: [B], B: [A]}}\nrules: [{id: x, breakdown: p}]\n", 2),
    ("own parent", None, b"dimensions: {p: {A: [A]}}\nrules: []\n", 2),
    ("unknown kind", None, b"dimensions: {p: [A]}\nrules: [{id: x, frob: p}]\n", 2),
    ("duplicate yaml key", None, b"dimensions: {p: [A]}\ndimensions: {q: [A]}\nrules: []\n", 2),
    ("nan bound", None, b"dimensions: {flow: [A]}\nrules: [{id: x, bounds: {max: nan}}]\n", 2),
    ("binary rules", None, b"\xff\xfe\x00", 2),
]


@pytest.mark.parametrize(("table", "rules", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_known_bad_inputs(table: bytes | None, rules: bytes | None, expected: int) -> None:
    code, err = run_cli(table, rules)
    assert_handled(code, err)
    assert code == expected, err
