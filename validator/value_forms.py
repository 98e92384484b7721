"""Number formats seen in the wild, brought to plain printed numbers before the parse, vectorised.

Currency signs and unit words inside a value cell ("$995 million", "EUR 1.2 bn", "USD -9.4 bn")
are stripped when the rules file declares them in `figures.unit_words`; the unit they name fills
an empty unit cell, and one that contradicts the unit column makes the figure unusable
(`input.unit-conflict`). With `figures.negatives: parentheses`, "(9.4)" reads as -9.4.

A form is written with `{n}` (or `#`) where the number goes ("EUR {n} bn", "{n} billion"), the
same forms the prose extractor reads; without a placeholder, the
first word of a form of several words comes before the number and the rest after it ("$ billion"
reads "$995 billion" and "$ 995 billion"); a form of one word comes after the number unless it is
a sign such as "$" or "€". A sign may stand before the currency ("-$9.4 billion") or after it
("USD -9.4 bn"). Cells that match no form are left as printed, so that the parse names them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from validator.model import FigureRole, FiguresSpec, Finding
from validator.table import Table

UNIT_CONFLICT = "input.unit-conflict"
UNIT_CONFLICT_DESCRIPTION = "A unit written in a value cell agrees with the unit column"

_SIGN = r"[+\-\x{2212}]?"
# The number between the words: no letters, at least one digit; the parse judges the rest.
_NUMBER = r"[^A-Za-z]*?\d[^A-Za-z]*?"
_PARENTHESES = r"^\s*\(\s*([^()+\-\x{2212}]*?)\s*\)\s*$"


@dataclass(frozen=True)
class Normalised:
    table: Table  # the value columns as plain numbers, the unit column filled in
    findings: list[tuple[str, Finding]]
    unusable: np.ndarray  # bool per row: a unit conflict
    checked: int  # rows checked for unit conflicts (0 when no unit words are declared)


def split_form(form: str) -> tuple[str, str]:
    """The words before and after the number in a written form of a unit."""
    # "{n}" is the placeholder the prose extractor reads too; "#" is accepted as well.
    form = form.replace("{n}", "#")
    if "#" in form:
        before, after = form.split("#", 1)
        return before, after
    words = form.split()
    if len(words) > 1:
        return words[0], " ".join(words[1:])
    if re.search(r"\w", form):
        return "", form
    return form, ""


def form_pattern(form: str) -> str:
    """An RE2 pattern for one written form of a unit, with groups `sign` and `number`."""
    before, after = split_form(form)
    return (rf"(?i)^\s*(?P<sign>{_SIGN})\s*{_literal(before)}\s*(?P<number>{_NUMBER})\s*"
            rf"{_literal(after)}\s*$")


def _literal(text: str) -> str:
    """Regex for literal words; any run of spaces may be any (or no) spacing."""
    return r"\s*".join(re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", word) for word in text.split())


def normalise(table: Table, spec: FiguresSpec) -> Normalised:
    n = len(table.frame)
    unusable = np.zeros(n, dtype=bool)
    if not spec.unit_words and spec.negatives != "parentheses":
        return Normalised(table, [], unusable, 0)
    frame = table.frame.copy()
    findings: list[tuple[str, Finding]] = []
    columns = [c for c in (spec.value, spec.change, spec.share, spec.abs_change)
               if c and c in frame.columns]
    unit_given = (frame[spec.unit].astype("str").str.strip()
                  if spec.unit and spec.unit in frame.columns else None)
    found_units: dict[str, pd.Series] = {}
    for column in columns:
        text = pa.array(frame[column].astype("str").array, pa.large_string())
        if spec.unit_words and column in (spec.value, spec.abs_change):
            text, written = _strip_unit_words(text, spec.unit_words)
            found_units[column] = pd.Series(written, index=frame.index)
        if spec.negatives == "parentheses":
            text = pc.replace_substring_regex(text, _PARENTHESES, r"-\1")
        frame[column] = pd.Series(np.asarray(text.to_pylist(), dtype=object),
                                  index=frame.index).astype("str")
    if unit_given is not None and spec.unit is not None:
        filled = unit_given.copy()
        for column, unit in found_units.items():
            has = unit.notna().to_numpy()
            clash = has & (unit_given != "").to_numpy() & (unit_given != unit).to_numpy()
            # An empty unit cell takes the unit written in the value.
            fill = has & (filled == "").to_numpy()
            filled[fill] = unit[fill]
            for row in np.flatnonzero(clash & ~unusable):
                findings.append((UNIT_CONFLICT, _conflict(table, spec, column, int(row),
                                                          str(unit.iloc[row]))))
            unusable |= clash
        frame[spec.unit] = filled
    checked = n if spec.unit_words else 0
    return Normalised(replace(table, frame=frame), findings, unusable, checked)


def _strip_unit_words(
    text: pa.Array, unit_words: Mapping[str, tuple[str, ...]]
) -> tuple[pa.Array, np.ndarray]:
    """The number text of cells written with a unit form, and that unit (None elsewhere)."""
    unit = np.full(len(text), None, dtype=object)
    result = text
    # Loops over the declared forms, never over figures.
    for code, forms in unit_words.items():
        for form in forms:
            parts = pc.extract_regex(text, form_pattern(form))
            matched = np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False), dtype=bool)
            new = matched & pd.isna(unit)
            if not new.any():
                continue
            number = pc.binary_join_element_wise(parts.field("sign"), parts.field("number"),
                                                 pa.scalar("", pa.large_string()))
            result = pc.if_else(pa.array(new), number, result)
            unit[new] = code
    return result, unit


def _conflict(table: Table, spec: FiguresSpec, column: str, row: int, unit: str) -> Finding:
    line = int(table.rows[row])
    text = str(table.frame.at[row, column])
    given = str(table.frame.at[row, spec.unit]) if spec.unit else ""
    return Finding(
        message=(f"row {line}: value '{text}' in column '{column}' is written in {unit}, but "
                 f"column '{spec.unit}' gives {given}"),
        figures=(FigureRole(row, "figure"),),
    )
