"""Helpers shared by the reporters: wording of figures, numbers and counts, and figure order.

Everything here reads the records dict only (see docs/json-report.md), never the engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from validator.report import PATTERN_PHRASES

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


def primary_figure(discrepancy: Mapping[str, Any],
                   suspects: Mapping[Any, frozenset[int]] | None = None
                   ) -> Mapping[str, Any] | None:
    """The figure a location-based format (SARIF, GitHub) points at: the most likely wrong one
    (a rank-1 suspect, given `suspect_rows(records)`), else the total of a breakdown if it has a
    row, else the first figure that has a row."""
    with_row: list[Mapping[str, Any]] = [f for f in discrepancy["figures"]
                                         if f.get("row") is not None]
    if not with_row:
        return None
    if suspects:
        rows = suspects.get(_instance(discrepancy["rule"], discrepancy.get("context", {})),
                            frozenset())
        first = [f for f in with_row if int(f["row"]) in rows]
        if first:
            return ordered_figures(first)[0]
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
        f" {not_checked(summary)}."
    )


# Formats a person reads show this many discrepancies of each rule (`--max-per-rule`) and
# count the rest; JSON, CSV, SARIF and JUnit carry every one.
DEFAULT_MAX_PER_RULE = 20


def first_per_rule(items: Sequence[Mapping[str, Any]],
                   limit: int | None) -> tuple[list[Mapping[str, Any]], dict[str, int]]:
    """The first `limit` items of each rule, in order (all with None), and per rule the
    number left out."""
    if limit is None:
        return list(items), {}
    seen: dict[str, int] = {}
    shown = []
    for item in items:
        rule = str(item["rule"])
        count = seen[rule] = seen.get(rule, 0) + 1
        if count <= limit:
            shown.append(item)
    return shown, {rule: n - limit for rule, n in seen.items() if n > limit}


def more_sentence(rule: str, count: int, noun: str = "discrepancy") -> str:
    """"[rule] 18 more discrepancies not shown (...)" for the items a limit left out."""
    nouns = noun if count == 1 else ("discrepancies" if noun == "discrepancy" else f"{noun}s")
    return (f"[{rule}] {count} more {nouns} not shown (--max-per-rule; --format json or csv "
            "lists them all)")


VERDICT_HEADLINES: Mapping[str, str] = {
    "clean": "Clean",
    "discrepancies": "Discrepancies",
    "nothing checked": "Nothing checked",
}


def verdict_of(records: Mapping[str, Any]) -> str:
    """The report's verdict (clean, discrepancies, nothing checked); see Report.verdict."""
    verdict = records.get("verdict")
    if verdict:
        return str(verdict)
    return "discrepancies" if records["discrepancies"] else "clean"


def verdict_sentence(records: Mapping[str, Any]) -> str:
    """The verdict in words, the first thing every format states."""
    verdict = verdict_of(records)
    s = records["summary"]
    if verdict == "nothing checked":
        if not s["figures"]:
            why = "the input has no figures"
        elif not any(not str(r["id"]).startswith("input.") for r in records["rules"]):
            why = "the rules file has no rules"
        else:
            why = (f"{plural(s['not_evaluated'], 'instance')} could not be evaluated or no "
                   "figure falls under the rules")
        return f"NOTHING CHECKED: no rule instance was evaluated ({why}); this is not a pass."
    if verdict == "discrepancies":
        return (f"DISCREPANCIES: {plural(s['errors'], 'error')}, "
                f"{plural(s['warnings'], 'warning')}.")
    return (f"CLEAN: {plural(s['checked'], 'check')} of {plural(s['figures'], 'figure')} "
            f"passed, {s['not_evaluated']} not evaluated.")


def unread_lines(records: Mapping[str, Any]) -> list[str]:
    """What of the input was not read, one line each ("sheet 'February' not read")."""
    return [str(u) for u in records.get("unread") or ()]


def suspects_note(records: Mapping[str, Any]) -> str:
    """Why the report names no most likely wrong figure although rules failed ("" if it does)."""
    return str(records.get("suspects_note") or "")


# A cell a spreadsheet would run as a formula starts with one of these (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+\-](?=\.?\d)(?:\d[\d,]*)?(?:\.\d+)?(?:[eE][+\-]?\d+)?%?")


def spreadsheet_safe(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula: a leading = + - @ tab or CR gets a
    single quote in front. A plain signed number ("-5.1", "+3.8") is left alone: a spreadsheet
    reads it as the number it is, and the tool must read it back."""
    if not text.startswith(_FORMULA_START):
        return text
    if text[0] in "+-" and len(text) > 1 and _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text
# --- suspects (the `suspects` records, see docs/json-report.md) --------------------------------

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten")
SUSPECTS_SHOWN = 5  # rank-1 suspects named in one headline; the JSON lists them all


def _instance(rule: object, context: Mapping[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    return str(rule), tuple(sorted((str(k), str(v)) for k, v in context.items()))


def suspect_rows(records: Mapping[str, Any]) -> dict[Any, frozenset[int]]:
    """(rule, context) of each discrepancy explained -> the rows of its rank-1 suspects."""
    rows: dict[Any, set[int]] = {}
    for s in records.get("suspects", []):
        if s["rank"] == 1 and s["figure"].get("row") is not None:
            for e in s["explains"]:
                rows.setdefault(_instance(e["rule"], e["context"]), set()).add(
                    int(s["figure"]["row"]))
    return {k: frozenset(v) for k, v in rows.items()}


def suspect_groups(records: Mapping[str, Any]) -> dict[int, list[Mapping[str, Any]]]:
    groups: dict[int, list[Mapping[str, Any]]] = {}
    for s in records.get("suspects", []):
        groups.setdefault(int(s["group"]), []).append(s)
    return groups


def group_of(records: Mapping[str, Any]) -> dict[tuple[str, tuple[tuple[str, str], ...]], int]:
    """(rule, context) of each discrepancy a group of suspects explains -> the group number."""
    return {_instance(e["rule"], e["context"]): int(s["group"])
            for s in records.get("suspects", []) for e in s["explains"]}


def discrepancy_group(d: Mapping[str, Any], groups: Mapping[Any, int]) -> int | None:
    return groups.get(_instance(d["rule"], d.get("context", {})))


def grouped_discrepancies(records: Mapping[str, Any]) -> list[tuple[int | None, list[
        Mapping[str, Any]]]]:
    """Discrepancies with those a group of suspects explains brought together, at the place of
    the group's first one; the rest keep their order (group None)."""
    groups = group_of(records)
    members: dict[int, list[Mapping[str, Any]]] = {}
    for d in records["discrepancies"]:
        g = discrepancy_group(d, groups)
        if g is not None:
            members.setdefault(g, []).append(d)
    result: list[tuple[int | None, list[Mapping[str, Any]]]] = []
    emitted: set[int] = set()
    for d in records["discrepancies"]:
        g = discrepancy_group(d, groups)
        if g is None:
            result.append((None, [d]))
        elif g not in emitted:
            emitted.add(g)
            result.append((g, members[g]))
    return result


def suspect_phrase(suspect: Mapping[str, Any], rules: int) -> str:
    """"row 4, balance ICT World 2020, printed 17.0; 71.0 makes all three rules hold (digits
    transposed)"."""
    figure = suspect["figure"]
    where = f"row {figure['row']}" if figure.get("row") is not None else "no row"
    label = " ".join(str(v) for v in figure["key"].values())
    measure = suspect.get("measure", "value")
    if measure == "change":
        printed = f"% change printed {figure.get('change') or '(empty)'}"
    elif measure != "value":
        printed = f"{suspect['column']} printed {figure['extra'].get(suspect['column'], '')}"
    else:
        unit = f" {figure['unit']}" if suspect.get("pattern") == "unit_step" else ""
        printed = f"printed {figure.get('value') or '(empty)'}{unit}"
    text = f"{where}, {label}, {printed}"
    held = "the failing rule holds" if rules == 1 else (
        f"all {_NUMBER_WORDS[rules] if rules < len(_NUMBER_WORDS) else rules} rules hold")
    if suspect.get("suggestion") is not None:
        verb = "makes " + held.replace(" holds", " hold")
        text += f"; {suspect['suggestion']} {verb}"
        pattern = suspect.get("pattern")
        if pattern:
            text += f" ({PATTERN_PHRASES.get(str(pattern), str(pattern))})"
    return text


def suspect_headline(suspects: Sequence[Mapping[str, Any]]) -> str:
    """One sentence leading a group: its rank-1 suspects, a tie said to be one."""
    first = [s for s in suspects if s["rank"] == 1]
    if not first:
        return ""
    rules = len(first[0]["explains"])
    phrases = [suspect_phrase(s, rules) for s in first[:SUSPECTS_SHOWN]]
    if len(first) > SUSPECTS_SHOWN:
        phrases.append(f"{len(first) - SUSPECTS_SHOWN} more (see the JSON report)")
    if len(first) == 1:
        return f"Most likely wrong: {phrases[0]}"
    together = all(s.get("together_with") for s in first) and len(
        {tuple(sorted([s["figure"]["row"], *s["together_with"]])) for s in first}) == 1
    if together:
        return "Most likely wrong, together: " + " and ".join(phrases)
    return ("Most likely wrong, a tie the data cannot break: " + "; or ".join(phrases))


def not_checked(summary: Mapping[str, Any]) -> str:
    """'3 not evaluated' (the release prints a figure a rule needs, but not another), and the
    instances whose checked figures the release does not print at all, if any."""
    text = f"{summary['not_evaluated']} not evaluated"
    applicable = int(summary.get("not_applicable", 0) or 0)
    return f"{text}, {applicable} not applicable" if applicable else text
