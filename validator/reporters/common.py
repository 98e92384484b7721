"""Helpers shared by the reporters: wording of figures, numbers and counts, and figure order.

Everything here reads the records dict only (see docs/json-report.md), never the engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# Display order of figure roles: in a breakdown the reader looks at the total first, then at
# the parts that should add up to it; identity terms keep their own order among themselves.
ROLE_ORDER: Mapping[str, int] = {"total": 0, "part": 1, "term": 2, "figure": 3, "prior": 4}

ROLE_LABELS: Mapping[str, str] = {
    "total": "Total",
    "part": "Part",
    "term": "Term",
    "figure": "Figure",
    "prior": "Prior period",
}

SEVERITY_ORDER: Mapping[str, int] = {"error": 0, "warning": 1}


def describe_key(key: Mapping[str, str]) -> str:
    return ", ".join(f"{dim}={code}" for dim, code in key.items())


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def fmt_number(x: float) -> str:
    # Twelve significant digits hide float noise such as 52.300000000000004 from interval
    # arithmetic, and are still far more than any release prints.
    return f"{x:.12g}"


def fmt_interval(interval: Sequence[float | None] | None, unit: str = "") -> str:
    if interval is None:
        return ""
    lo, hi = interval
    if lo is None or hi is None:
        # An open end: a bound with only a minimum or only a maximum.
        text = f"at most {fmt_number(hi)}" if lo is None and hi is not None else (
            f"at least {fmt_number(lo)}" if lo is not None else "any value")
    elif lo == hi:
        text = fmt_number(lo)
    else:
        text = f"{fmt_number(lo)} to {fmt_number(hi)}"
    return f"{text} {unit}" if unit else text


def fmt_amount(x: float | None, unit: str = "") -> str:
    if x is None:
        return ""
    return f"{fmt_number(x)} {unit}" if unit else fmt_number(x)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.capitalize())


def ordered_figures(figures: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Totals first, then parts, then the rest; stable, so the engine's order is kept within."""
    return sorted(figures, key=lambda f: ROLE_ORDER.get(str(f.get("role", "")), len(ROLE_ORDER)))


def primary_figure(discrepancy: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The figure a location-based format (SARIF, GitHub) points at: the total of a
    breakdown if it has a row, else the first figure that has a row."""
    with_row = [f for f in discrepancy["figures"] if f.get("row") is not None]
    if not with_row:
        return None
    return ordered_figures(with_row)[0]


def figure_cell(figure: Mapping[str, Any]) -> str:
    """The spreadsheet cell of a figure's value (`Table 1!C7`), else of its first printed
    number; "" for a figure from a plain table."""
    cells = figure.get("cells") or {}
    return str(next(iter(cells.values()))) if cells else ""


def figure_place(figure: Mapping[str, Any]) -> str:
    """Where to find a figure: its cells in a workbook (value first), else its row."""
    cells = figure.get("cells") or {}
    if cells:
        return ", ".join(str(c) for c in cells.values())
    return f"row {figure['row']}" if figure.get("row") is not None else "no row"


_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


def cell_position(ref: str) -> tuple[int, int] | None:
    """(row, column) of `Table 1!C7` or `C7`; None for anything else."""
    found = _CELL.match(ref.rpartition("!")[2])
    if found is None:
        return None
    column = 0
    for ch in found[1]:
        column = column * 26 + ord(ch) - 64
    return int(found[2]), column


def source_of(figure: Mapping[str, Any]) -> str:
    return str(figure.get("extra", {}).get("source", "") or "")


def other_extra(figure: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in figure.get("extra", {}).items() if k != "source" and v}


def figure_line(figure: Mapping[str, Any]) -> str:
    """One line of plain text for a figure, for formats without tables (JUnit, GitHub)."""
    where = figure_place(figure)
    value = figure.get("value") or "(empty)"
    unit = f" {figure['unit']}" if figure.get("unit") else ""
    change = f", change {figure['change']}%" if figure.get("change") else ""
    extra = "".join(f", {name} {text}" for name, text in figure.get("extra", {}).items() if text)
    return (
        f"{role_label(str(figure.get('role', 'figure')))} {describe_key(figure['key'])}"
        f" = {value}{unit}{change} ({where}{extra})"
    )


def arithmetic_lines(discrepancy: Mapping[str, Any]) -> list[str]:
    """Expected / reported / gap in words, omitting what the discrepancy does not carry."""
    unit = str(discrepancy.get("unit") or "")
    lines = []
    if discrepancy.get("expected") is not None:
        lines.append(f"expected: {fmt_interval(discrepancy['expected'], unit)}")
    if discrepancy.get("reported") is not None:
        lines.append(f"reported: {fmt_interval(discrepancy['reported'], unit)}")
    if discrepancy.get("gap") is not None:
        lines.append(f"off by {fmt_amount(discrepancy['gap'], unit)} beyond rounding")
    return lines


def rule_ids(records: Mapping[str, Any]) -> list[str]:
    """Rule ids in summary order, then any that only appear in discrepancies or
    not-evaluated entries (built-in `input.` checks may have no summary)."""
    ids: list[str] = []
    for rid in (
        *(r["id"] for r in records["rules"]),
        *(d["rule"] for d in records["discrepancies"]),
        *(n["rule"] for n in records["not_evaluated"]),
    ):
        if rid not in ids:
            ids.append(rid)
    return ids


def counts_sentence(summary: Mapping[str, Any]) -> str:
    return (
        f"{plural(summary['errors'], 'error')}, {plural(summary['warnings'], 'warning')};"
        f" {plural(summary['checked'], 'check')} of {plural(summary['figures'], 'figure')},"
        f" {summary['not_evaluated']} not evaluated."
    )
