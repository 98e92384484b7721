"""Plain text for a terminal or a log: every discrepancy in words, then a line per rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from validator.reporters.common import describe_key, figure_place, plural

NOT_EVALUATED_SHOWN = 3


def describe_figure(figure: Mapping[str, Any]) -> str:
    where = figure_place(figure)
    value = figure["value"] or "(empty)"
    unit = f" {figure['unit']}" if figure.get("unit") else ""
    change = f", change {figure['change']}%" if figure.get("change") else ""
    extra = "".join(f", {name} {text}" for name, text in figure.get("extra", {}).items() if text)
    return f"{where}: {describe_key(figure['key'])} = {value}{unit}{change}{extra}"


class TextReporter:
    def render(self, records: Mapping[str, Any]) -> str:
        lines: list[str] = []
        title = records.get("title") or "Release check"
        lines.append(title)
        lines.append(f"table: {records['inputs']['table']}  rules: {records['inputs']['rules']}")
        if records["inputs"].get("read"):
            lines.append(f"read: {records['inputs']['read']}")
        for part in records.get("unread") or []:
            lines.append(f"not read: {part}")
        lines.append("")
        for d in records["discrepancies"]:
            lines.append(f"{d['severity'].upper()} [{d['rule']}] {d['message']}")
            if d.get("description"):
                lines.append(f"  rule: {d['description']}")
            for figure in d["figures"]:
                lines.append(f"  - {describe_figure(figure)}")
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
            )
        s = records["summary"]
        lines.append("")
        verdict = "clean" if s["status"] == "clean" else "NOT clean"
        lines.append(
            f"{verdict}: {plural(s['errors'], 'error')}, {plural(s['warnings'], 'warning')};"
            f" {s['checked']} checks of {plural(s['figures'], 'figure')},"
            f" {s['not_evaluated']} not evaluated."
        )
        if coverage:
            lines.append(
                f"{coverage['figures_checked']} of {plural(s['figures'], 'figure')} checked by at"
                f" least one rule, {len(coverage['unconstrained'])} not constrained by any."
            )
        return "\n".join(lines) + "\n"
