"""Direction check: a change whose sign in the table contradicts the word used in the text."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from validator.extraction.extractor import extract_figures
from validator.extraction.lexicon import Lexicon


@dataclass(frozen=True)
class DirectionFinding:
    sentence: int
    text: str
    key: Mapping[str, str]
    expected_sign: str  # "+" or "-": what the text's direction word says
    table_change: str


def _sign(change: str) -> str | None:
    """'+' or '-' of a printed change; None when empty or zero (a zero change has no direction)."""
    digits = change.strip().replace("\u2212", "-")
    try:
        number = float(digits.lstrip("+"))
    except ValueError:
        return None
    if number == 0:
        return None
    return "-" if number < 0 else "+"


def direction_findings(
    text: str, table: pd.DataFrame, lexicon: Lexicon, *, release_date: datetime.date | None = None
) -> list[DirectionFinding]:
    """Sentences whose direction word ("fell", "up") disagrees with the sign of the table's change.

    `table` has the rules' dimension columns and change column; rows are matched on the key.
    """
    extraction = extract_figures(text, lexicon, release_date=release_date)
    dims = [d.name for d in lexicon.dimensions]
    change = lexicon.change_column
    if change not in table.columns or not set(dims) <= set(table.columns):
        raise ValueError(f"the table needs the columns {[*dims, change]}")
    table_changes: dict[tuple[str, ...], list[str]] = {}
    for row in table[[*dims, change]].astype(str).itertuples(index=False):
        table_changes.setdefault(tuple(row[:-1]), []).append(row[-1])
    findings: list[DirectionFinding] = []
    for stated in extraction.changes:
        said = _sign(stated.change)
        if said is None:
            continue
        for printed in table_changes.get(stated.key, []):
            if _sign(printed) not in (None, said):
                findings.append(
                    DirectionFinding(
                        stated.sentence,
                        extraction.sentences[stated.sentence - 1],
                        dict(zip(dims, stated.key, strict=True)),
                        said,
                        printed,
                    )
                )
    return findings
