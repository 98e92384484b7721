"""Checking a press release itself: its figures are extracted, then checked like a table.

Built-in rules on prose (they appear in the report beside the rules file's own):
- `prose.unplaced`: a number the extractor found but could not place on codes is listed as not
  evaluated (no rule could check it), with the sentence and the reason.
- `prose.matches-table` (error, with `--table`): a figure stated in the text differs from the
  table's figure with the same key beyond rounding (value or % change).
- `prose.in-table` (warning, with `--table`): a figure stated in the text is not in the table.
- `prose.direction` (error, with `--table`): the direction word ("fell", "up") disagrees with
  the sign of the table's % change.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from validator.checks.base import FLOAT_SLACK, interval_gap
from validator.errors import InputError
from validator.extraction import (
    Extraction,
    Lexicon,
    direction_findings,
    extract_figures,
    read_release,
)
from validator.intake import printed_intervals
from validator.model import Evaluation, FigureRole, Finding, Outcome, RuleSet, Severity, Unevaluated
from validator.table import FIRST_DATA_ROW, Table, require_columns

PROSE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".docx"})
# Releases whose text lines are the file's lines, so a figure can be located by line.
LINE_FORMATS = frozenset({".txt", ".md", ".markdown"})


def is_release(path: str) -> bool:
    return Path(path).suffix.lower() in PROSE_SUFFIXES


@dataclass(frozen=True)
class Release:
    text: str
    lexicon: Lexicon
    extraction: Extraction
    table: Table  # the extracted figures, one row per figure, with `source` and `sentence`


def lexicon_of(rules: RuleSet) -> Lexicon:
    return Lexicon.from_rules(rules)


def read_release_figures(path: str, rules: RuleSet,
                         release_date: datetime.date | None = None) -> Release:
    try:
        text = read_release(path)
    except OSError as exc:
        raise InputError([f"{path}: cannot read the release: {exc.strerror or exc}"]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError([f"{path}: cannot read the release: {exc}"]) from None
    lexicon = lexicon_of(rules)
    extraction = extract_figures(text, lexicon, release_date=release_date)
    frame = extraction.table.reset_index(drop=True).astype("str")
    if Path(path).suffix.lower() in LINE_FORMATS:
        rows = sentence_lines(text, extraction.sentences, frame["source"])
    else:
        rows = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame), dtype=np.int64)
    return Release(text, lexicon, extraction, Table(path=path, frame=frame, rows=rows))


def sentence_lines(text: str, sentences: Sequence[str], sources: pd.Series) -> np.ndarray:
    """The line of the release on which each figure's first sentence starts.

    A figure found in a plain-text or Markdown release is then reported at its line (SARIF,
    GitHub annotations), like a row of a table.
    """
    line_of_sentence = []
    position = 0
    for sentence in sentences:
        start = text.find(" ".join(sentence.split()[:4]), position) if sentence.strip() else -1
        if start < 0:  # wrapped differently from the text: fall back on the last position
            start = position
        line_of_sentence.append(text.count("\n", 0, start) + 1)
        position = start
    first = sources.astype("str").str.split(",").str[0].str.strip()
    numbers = pd.to_numeric(first, errors="coerce").fillna(1).astype("int64").to_numpy()
    lines = np.array(line_of_sentence or [1], dtype=np.int64)
    return lines[np.clip(numbers - 1, 0, len(lines) - 1)]


def unplaced_result(release: Release) -> Outcome:
    unplaced = release.extraction.unplaced
    evaluation = Evaluation(checked=len(release.table.frame))
    evaluation.skip(range(len(unplaced)), len(unplaced), lambda i: Unevaluated(
        reason=(f"sentence {unplaced[i].sentence}: '{unplaced[i].text}' was not placed on codes: "
                f"{unplaced[i].reason}")))
    return Outcome("prose.unplaced", "prose", "Every number in the text is placed on codes",
                         Severity.WARNING, evaluation)


def _intervals(frame: pd.DataFrame, rules: RuleSet) -> tuple[np.ndarray, ...]:
    value, rate = printed_intervals(frame, rules.figures)
    if rate is None:
        nothing = np.full(len(frame), np.nan)
        return value.lo, value.hi, nothing, nothing
    return value.lo, value.hi, rate.lo, rate.hi


def table_results(release: Release, table: Table, rules: RuleSet) -> list[Outcome]:
    """Every figure of the text against the table's figure with the same key."""
    dims = [d.name for d in rules.dimensions]
    prose, other = release.table.frame, table.frame
    require_columns(table, rules)
    p_lo, p_hi, p_rlo, p_rhi = _intervals(prose, rules)
    t_lo, t_hi, t_rlo, t_rhi = _intervals(other, rules)
    joined = (prose[dims].assign(_p=np.arange(len(prose)))
              .merge(other[dims].assign(_t=np.arange(len(other))), on=dims, how="left"))
    found = joined["_t"].notna().to_numpy()
    p = joined["_p"].to_numpy(dtype=np.int64)
    t = joined["_t"].fillna(-1).to_numpy(dtype=np.int64)
    safe = np.where(found, t, 0)
    value_gap = interval_gap(p_lo[p], p_hi[p], t_lo[safe], t_hi[safe])
    rate_gap = interval_gap(p_rlo[p], p_rhi[p], t_rlo[safe], t_rhi[safe])
    magnitude = np.nan_to_num(np.abs(t_hi[safe]))
    bad_value = found & (np.nan_to_num(value_gap) > FLOAT_SLACK * magnitude)
    bad_rate = found & (np.nan_to_num(rate_gap) > FLOAT_SLACK * 100)

    matches = Evaluation(checked=int(found.sum()))
    for i in np.flatnonzero(bad_value | bad_rate):
        prose_row, table_row = int(p[i]), int(safe[i])
        sentence = str(prose.at[prose_row, "source"])
        key = ", ".join(str(prose.at[prose_row, d]) for d in dims)
        said = _printed(prose, prose_row, rules, with_change=bool(bad_rate[i]))
        given = _printed(other, table_row, rules, with_change=bool(bad_rate[i]))
        matches.findings.append(Finding(
            message=(f"sentence {sentence}: the text gives {key} as {said}, but the table "
                     f"{table.path} (row {table.rows[table_row]}) has {given}"),
            figures=(FigureRole(prose_row, "figure"),),
            context={d: str(prose.at[prose_row, d]) for d in dims},
        ))
    absent = Evaluation(checked=len(joined))
    for i in np.flatnonzero(~found):
        prose_row = int(p[i])
        absent.findings.append(Finding(
            message=(f"sentence {prose.at[prose_row, 'source']!s}: "
                     f"{', '.join(str(prose.at[prose_row, d]) for d in dims)} = "
                     f"{_printed(prose, prose_row, rules, True)} is not in the table "
                     f"{table.path}"),
            figures=(FigureRole(prose_row, "figure"),),
        ))
    direction = Evaluation(checked=len(release.extraction.changes))
    for finding in direction_findings(release.text, other, release.lexicon,
                                      release_date=release.extraction.release_date):
        said = "a rise" if finding.expected_sign == "+" else "a fall"
        key = ", ".join(finding.key.values())
        stated = np.flatnonzero(
            (prose[dims].astype("str") == pd.Series(finding.key)).all(axis=1).to_numpy())
        direction.findings.append(Finding(
            message=(f"sentence {finding.sentence}: the text reports {said} for {key}, but the "
                     f"table's change is {finding.table_change}%"),
            figures=tuple(FigureRole(int(r), "figure") for r in stated[:1]),
            context=dict(finding.key),
        ))
    return [
        Outcome("prose.matches-table", "prose",
                      "Figures in the text match the table within rounding", Severity.ERROR,
                      matches),
        Outcome("prose.in-table", "prose", "Figures in the text are in the table",
                      Severity.WARNING, absent),
        Outcome("prose.direction", "prose",
                      "Direction words agree with the sign of the table's % changes",
                      Severity.ERROR, direction),
    ]


def _printed(frame: pd.DataFrame, row: int, rules: RuleSet, with_change: bool) -> str:
    spec = rules.figures
    text = str(frame.at[row, spec.value])
    if spec.unit and spec.unit in frame:
        text += " " + str(frame.at[row, spec.unit])
    if with_change and spec.change and spec.change in frame:
        change = str(frame.at[row, spec.change]).strip()
        if change:
            text += f" ({change if change.startswith('-') else '+' + change}%)"
    return text
