"""Plain text for a terminal or a log: every discrepancy in words, then a line per rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from validator.escaping import visible_records
from validator.reporters.common import (
    DEFAULT_MAX_PER_RULE,
    counts_sentence,
    describe_key,
    figure_place,
    first_per_rule,
    grouped_discrepancies,
    more_sentence,
    not_checked,
    plural,
    suspect_groups,
    suspect_headline,
    suspects_note,
    unread_lines,
    verdict_sentence,
)

NOT_EVALUATED_SHOWN = 3


def describe_figure(figure: Mapping[str, Any]) -> str:
    where = figure_place(figure)
    value = figure["value"] or "(empty)"
    unit = f" {figure['unit']}" if figure.get("unit") else ""
    change = f", change {figure['change']}%" if figure.get("change") else ""
    extra = "".join(f", {name} {text}" for name, text in figure.get("extra", {}).items() if text)
    return f"{where}: {describe_key(figure['key'])} = {value}{unit}{change}{extra}"


class TextReporter:
    def __init__(self, max_per_rule: int | None = DEFAULT_MAX_PER_RULE) -> None:
        self.max_per_rule = max_per_rule

    def render(self, records: Mapping[str, Any]) -> str:
        records = visible_records(records)
        # The verdict first; user text never starts a line (a CI log would run `::` commands).
        lines: list[str] = [verdict_sentence(records)]
        title = records.get("title")
        lines.append(f"Release check: {title}" if title else "Release check")
        lines.append(f"table: {records['inputs']['table']}  rules: {records['inputs']['rules']}")
        if records["inputs"].get("read"):
            lines.append(f"read: {records['inputs']['read']}")
        for part in records.get("unread") or []:
            lines.append(f"not read: {part}")
        lines.append("")
        unread = unread_lines(records)
        if unread:
            lines.append("Not read:")
            lines += [f"  - {u}" for u in unread]
            lines.append("")
        if suspects_note(records):
            lines += [f"Suspects: {suspects_note(records)}", ""]
        first, hidden = first_per_rule(records["discrepancies"], self.max_per_rule)
        kept = {id(d) for d in first}
        suspects = suspect_groups(records)
        for group, members in grouped_discrepancies(records):
            members = [d for d in members if id(d) in kept]
            if not members:
                continue
            indent = ""
            if group is not None:
                lines.append(suspect_headline(suspects[group]))
                indent = "  "
            for d in members:
                lines.append(f"{indent}{d['severity'].upper()} [{d['rule']}] {d['message']}")
                if d.get("description"):
                    lines.append(f"{indent}  rule: {d['description']}")
                for figure in d["figures"]:
                    lines.append(f"{indent}  - {describe_figure(figure)}")
                lines.append("")
        if hidden:
            lines += [more_sentence(rule, count) for rule, count in hidden.items()]
            lines.append("")
        if records["not_evaluated"]:
            lines.append("Not evaluated (the figures these checks need are missing):")
            shown: dict[str, int] = {}
            for n in records["not_evaluated"]:
                shown[n["rule"]] = shown.get(n["rule"], 0) + 1
                if shown[n["rule"]] > NOT_EVALUATED_SHOWN:
                    continue
                missing = "; ".join(describe_key(m) for m in n["missing"])
                lines.append(f"  [{n['rule']}] {n['reason']}" + (f": {missing}" if missing else ""))
            for rule, count in shown.items():
                if count > NOT_EVALUATED_SHOWN:
                    lines.append(f"  [{rule}] ... and {count - NOT_EVALUATED_SHOWN} more "
                                 "(--format json lists them all)")
            lines.append("")
        coverage = records.get("coverage")
        if coverage and coverage["unconstrained"]:
            lines.append("Not constrained by any rule:")
            for u in coverage["unconstrained"]:
                lines.append(f"  - row {u['row']}: {describe_key(u['key'])}")
        baseline = records.get("baseline")
        if baseline is not None:
            lines.append(
                f"Baseline {baseline['file']}: {baseline['accepted']} accepted"
                f" {'discrepancy' if baseline['accepted'] == 1 else 'discrepancies'} hidden."
            )
            if baseline["stale"]:
                stale = len(baseline["stale"])
                lines.append(f"  {stale} stale {'entry' if stale == 1 else 'entries'} (no longer"
                             " found; remove from the baseline):")
            for e in baseline["stale"]:
                message = f" {e['message']}" if e.get("message") else ""
                rule = e.get("rule", "?")
                lines.append(f"    [{rule}]{message} (fingerprint {e['fingerprint']})")
            lines.append("")
        lines.append("Rules:")
        width = max((len(r["id"]) for r in records["rules"]), default=4)
        for r in records["rules"]:
            lines.append(
                f"  {r['id']:<{width}}  checked {r['checked']:>6}  failed {r['failed']:>5}"
                f"  not evaluated {r['not_evaluated']:>5}"
                f"  not applicable {r.get('not_applicable', 0):>5}"
            )
        s = records["summary"]
        lines.append("")
        verdict = {"clean": "clean", "nothing checked": "NOTHING CHECKED"}.get(s["status"],
                                                                           "NOT clean")
        lines.append(
            f"{verdict}: {plural(s['errors'], 'error')}, {plural(s['warnings'], 'warning')};"
            f" {s['checked']} checks of {plural(s['figures'], 'figure')},"
            f" {not_checked(s)}."
        )
        lines.extend(f"Not read: {part}." for part in records.get("unread") or ())
        if coverage:
            lines.append(
                f"{coverage['figures_checked']} of {plural(s['figures'], 'figure')} checked by at"
                f" least one rule, {len(coverage['unconstrained'])} not constrained by any."
            )
        return "\n".join(lines) + "\n"


def verdict_of(records: Mapping[str, Any]) -> str:
    """The report's verdict when the records carry one, else clean / NOT clean."""
    verdict = records.get("verdict")
    if isinstance(verdict, str) and verdict:
        return verdict
    if isinstance(verdict, Mapping) and verdict.get("status"):
        return str(verdict["status"])
    return "clean" if records["summary"]["status"] == "clean" else "NOT clean"


def concise(records: Mapping[str, Any]) -> str:
    """`--quiet`: a line per discrepancy (file:row: severity [rule] message) and the verdict."""
    table = records["inputs"]["table"]
    lines = []
    for d in records["discrepancies"]:
        rows = [f["row"] for f in d["figures"] if f.get("row") is not None]
        where = f"{table}:{min(rows)}" if rows else str(table)
        lines.append(f"{where}: {d['severity']} [{d['rule']}] {d['message']}")
    lines.append(f"{table}: {verdict_of(records)}: {counts_sentence(records['summary'])}")
    return "\n".join(lines) + "\n"
