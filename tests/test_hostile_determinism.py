"""Determinism: the same input gives byte-identical JSON, and reordering the rows of a table gives
the same discrepancies with the same messages (parts named in code-list order, not file order).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
from helpers import run
from hypothesis import given, settings
from hypothesis import strategies as st

from validator.cli import main
from validator.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
FRAME = pd.read_csv(ROOT / "examples" / "korea-ict-2020" / "figures.csv", dtype=str,
                    keep_default_na=False)


def _messages(frame: pd.DataFrame) -> list[tuple[str, str]]:
    report = run(frame, RULES)
    # Input discrepancies name rows, which move with the rows; every other message must not.
    return sorted((d.rule, d.message) for d in report.discrepancies
                  if not d.rule.startswith("input."))


@settings(max_examples=25)
@given(changes=st.lists(st.tuples(st.integers(0, len(FRAME) - 1), st.integers(2, 40)),
                        min_size=1, max_size=10),
       seed=st.integers(0, 2**32 - 1))
def test_reordering_rows_keeps_every_message(changes: list[tuple[int, int]], seed: int) -> None:
    frame = FRAME.copy()
    for row, factor in changes:
        value = str(frame.at[row, "value"])
        if value:
            frame.at[row, "value"] = f"{float(value) * factor:.1f}"
    shuffled = frame.sample(frac=1, random_state=seed)
    assert _messages(shuffled) == _messages(frame)


def test_parts_are_named_in_code_list_order() -> None:
    frame = FRAME.copy()
    world = (frame["flow"] == "exports") & (frame["product"] == "ICT") & (
        frame["period"] == "2020") & (frame["partner"] == "World")
    frame.loc[world, "value"] = "10.0"
    messages = [m for rule, m in _messages(frame.iloc[::-1]) if rule == "partners-within-total"]
    assert messages, "the breakdown must fail"
    named = messages[0].split("(", 1)[1].split(")", 1)[0]
    partners = [part.split(" ")[0] for part in named.split(" + ")]
    dimension = next(d for d in RULES.dimensions if d.name == "partner")
    assert partners == sorted(partners, key=dimension.codes.index)


def _json(table: Path) -> bytes:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["check", str(table), "--rules", str(ROOT / "rules" / "korea-ict.yaml"),
              "--format", "json"])
    return out.getvalue().encode("utf-8")


def test_the_same_input_gives_byte_identical_json(tmp_path: Path) -> None:
    frame = FRAME.copy()
    frame.loc[3, "value"] = "999.9"
    table = tmp_path / "t.csv"
    frame.to_csv(table, index=False)
    first, second = _json(table), _json(table)
    assert first == second and b'"verdict": "discrepancies"' in first
