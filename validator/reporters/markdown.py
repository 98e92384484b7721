"""Markdown for a pull-request comment: a verdict, a table of rules, then each discrepancy
with its message and a small table of the figures involved."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from validator.escaping import visible_records
from validator.reporters.common import (
    DEFAULT_MAX_PER_RULE,
    arithmetic_lines,
    counts_sentence,
    describe_key,
    figure_cell,
    first_per_rule,
    grouped_discrepancies,
    more_sentence,
    ordered_figures,
    other_extra,
    role_label,
    source_of,
    suspect_groups,
    suspect_headline,
    suspects_note,
    unread_lines,
    verdict_sentence,
)

# Backslash-escape the characters that are Markdown syntax wherever user text lands inside a
# line: emphasis, code, links (`(` only matters after `]`), table cells, strikethrough, math
# (`$`) and mentions. User text never starts a line, so `#`, `-`, `+`, `1.` need nothing.
# `<`, `>` and `&` become entities so that no tag or entity of the user's reaches the page.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~@$])")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

_STATUS_HEADLINE: Mapping[str, str] = {
    "clean": "Clean",
    "warnings": "Warnings",
    "failed": "Failed",
    "nothing checked": "Nothing checked",
}


def escape_md(text: object) -> str:
    """Escape user text for inline Markdown; line breaks become spaces so a table cell or a
    heading stays on one line."""
    s = str(text)
    s = "".join(_HTML_SPECIAL.get(ch, ch) for ch in s)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return " ".join(s.splitlines())


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _figure_table(figures: Sequence[Mapping[str, Any]]) -> list[str]:
    rows = []
    for f in ordered_figures(figures):
        extra = "; ".join(f"{k}: {v}" for k, v in other_extra(f).items())
        source = source_of(f)
        rows.append(
            [
                role_label(str(f.get("role", "figure"))),
                escape_md(describe_key(f["key"])),
                escape_md(f.get("value") or "(empty)"),
                escape_md(f.get("unit", "")),
                escape_md(f"{f['change']}%" if f.get("change") else ""),
                figure_cell(f) or (str(f["row"]) if f.get("row") is not None else ""),
                escape_md("; ".join(t for t in (source, extra) if t)),
            ]
        )
    return _table(
        ["Role", "Figure", "Value", "Unit", "Change", "Row", "Source"], rows, right={2, 5}
    )


# GitHub takes a job summary (GITHUB_STEP_SUMMARY) of at most 1 MiB; leave room for a title.
SUMMARY_LIMIT = 1024 * 1024 - 4096


class MarkdownReporter:
    def __init__(self, max_per_rule: int | None = DEFAULT_MAX_PER_RULE) -> None:
        self.max_per_rule = max_per_rule

    def render(self, records: Mapping[str, Any]) -> str:
        """The report, showing fewer discrepancies of each rule if that is what it takes to
        fit a GitHub job summary."""
        records = visible_records(records)
        limit = self.max_per_rule
        text = self._render(records, limit)
        while len(text.encode("utf-8")) > SUMMARY_LIMIT and limit != 0:
            shown = max(len(records["discrepancies"]), len(records["not_evaluated"]))
            limit = (min(limit, shown) if limit is not None else shown) // 2
            text = self._render(records, limit, shrunk=True)
        return text

    def _render(self, records: Mapping[str, Any], limit: int | None,
                shrunk: bool = False) -> str:
        s = records["summary"]
        title = records.get("title") or "Release check"
        out: list[str] = [
            f"### {_STATUS_HEADLINE.get(s['status'], s['status'])}: {escape_md(title)}",
            "",
            f"**{escape_md(verdict_sentence(records))}**",
            "",
            f"**{counts_sentence(s)}**",
            "",
            f"Table {escape_md(records['inputs']['table'])},"
            f" rules {escape_md(records['inputs']['rules'])}.",
            "",
        ]
        unread = unread_lines(records)
        if unread:
            out += ["Not read:", "", *(f"- {escape_md(u)}" for u in unread), ""]
        if suspects_note(records):
            out += [f"Suspects: {escape_md(suspects_note(records))}", ""]
        baseline = records.get("baseline")
        if baseline is not None:
            stale = len(baseline["stale"])
            out += [
                f"Baseline {escape_md(baseline['file'])}: {baseline['accepted']} accepted"
                f" {'discrepancy' if baseline['accepted'] == 1 else 'discrepancies'} hidden,"
                f" {stale} stale {'entry' if stale == 1 else 'entries'}.",
                "",
            ]
        rule_rows = [
            [
                escape_md(r["id"]),
                escape_md(r.get("description", "")),
                escape_md(r["severity"]),
                str(r["checked"]),
                str(r["failed"]),
                str(r["not_evaluated"]),
                str(r.get("not_applicable", 0)),
            ]
            for r in records["rules"]
        ]
        out += _table(
            ["Rule", "Description", "Severity", "Checked", "Failed", "Not evaluated",
             "Not applicable"],
            rule_rows,
            right={3, 4, 5, 6},
        )
        shown, hidden = first_per_rule(records["discrepancies"], limit)
        if records["discrepancies"]:
            out += ["", "#### Discrepancies"]
        if shrunk:
            out += ["", f"Showing at most {limit} of each rule, to fit a GitHub job summary."]
        suspects = suspect_groups(records)
        kept = {id(d) for d in shown}
        ordered = []
        for group, members in grouped_discrepancies(records):
            members = [d for d in members if id(d) in kept]
            ordered += [(group if j == 0 else None, d) for j, d in enumerate(members)]
        for i, (group, d) in enumerate(ordered, start=1):
            if group is not None:
                out += ["", f"> **{escape_md(suspect_headline(suspects[group]))}**"]
            out += [
                "",
                f"**{i}. {d['severity'].upper()}** in rule {escape_md(d['rule'])}:"
                f" {escape_md(d['message'])}",
                "",
            ]
            details = []
            if d.get("description"):
                details.append(f"Rule: {escape_md(d['description'])}.")
            if d.get("context"):
                details.append(f"Where: {escape_md(describe_key(d['context']))}.")
            arithmetic = arithmetic_lines(d)
            if arithmetic:
                text = escape_md("; ".join(arithmetic))
                details.append(text[:1].upper() + text[1:] + ".")
            if details:
                out += [" ".join(details), ""]
            out += _figure_table(d["figures"])
        if hidden:
            out.append("")
            out += [f"- {escape_md(more_sentence(r, c))}" for r, c in hidden.items()]
        if records["not_evaluated"]:
            out += ["", "#### Not evaluated", ""]
            listed, unlisted = first_per_rule(records["not_evaluated"], limit)
            for n in listed:
                where = f" ({escape_md(describe_key(n['context']))})" if n.get("context") else ""
                missing = "; ".join(describe_key(m) for m in n.get("missing", []))
                tail = f"; missing: {escape_md(missing)}" if missing else ""
                out.append(f"- {escape_md(n['rule'])}{where}: {escape_md(n['reason'])}{tail}")
            out += [f"- {escape_md(more_sentence(r, c, 'instance'))}"
                    for r, c in unlisted.items()]
        return "\n".join(out) + "\n"
