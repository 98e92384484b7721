"""The fast paths of reporting (bulk figure references, the JSON encoder) say exactly what the
plain ones would."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from validator.model import FigureRole
from validator.refs import FigureRefs
from validator.reporters.json_report import encode
from validator.rules import load_rules
from validator.table import read_table

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(),
)
keys = st.one_of(st.text(), st.integers(-5, 5), st.booleans(), st.none(),
                 st.floats(allow_nan=False, allow_infinity=False))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)


@given(documents)
def test_json_encoder_writes_the_standard_bytes(document: Any) -> None:
    assert encode(document) == json.dumps(document, indent=2, ensure_ascii=False,
                                          allow_nan=False)


def test_json_encoder_refuses_what_the_standard_one_refuses() -> None:
    for bad in (float("nan"), {"a": [float("inf")]}, {"a": object()}):
        try:
            encode(bad)
        except (ValueError, TypeError) as exc:
            assert type(exc) in (ValueError, TypeError)
        else:
            raise AssertionError(f"{bad!r} was encoded")


def test_bulk_references_match_the_rows_of_the_table() -> None:
    table = read_table("examples/korea-ict-2020/figures.csv")
    rules = load_rules("rules/korea-ict.yaml")
    refs = FigureRefs(table, rules)
    rows = [5, 0, 5, len(table.frame) - 1]
    found = refs.refs([FigureRole(r, f"role{r}") for r in rows])
    frame: pd.DataFrame = table.frame
    spec = rules.figures
    for ref, row in zip(found, rows, strict=True):
        assert ref.row == int(table.rows[row])
        assert ref.role == f"role{row}"
        assert ref.value == str(frame.at[row, spec.value])
        assert dict(ref.key) == {d.name: str(frame.at[row, d.name]) for d in rules.dimensions}
        assert ref.unit == (str(frame.at[row, spec.unit]) if spec.unit else "")
        assert set(ref.extra) == set(frame.columns) - {
            *(d.name for d in rules.dimensions), spec.value, spec.unit, spec.change}
    assert refs.refs([]) == []
