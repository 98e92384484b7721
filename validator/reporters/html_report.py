"""HTML: one self-contained page for an editor who has never used a terminal.

Inline CSS and a little inline JavaScript (for sorting), no external resources, so the file
can be mailed or opened from a shared drive. All user text goes through Jinja's autoescaping.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from validator.escaping import visible_records
from validator.report import PATTERN_PHRASES
from validator.reporters.common import (
    DEFAULT_MAX_PER_RULE,
    SEVERITY_ORDER,
    VERDICT_HEADLINES,
    arithmetic_lines,
    counts_sentence,
    describe_key,
    discrepancy_group,
    figure_cell,
    first_per_rule,
    group_of,
    more_sentence,
    ordered_figures,
    other_extra,
    plural,
    role_label,
    rule_ids,
    source_of,
    suspect_groups,
    suspect_headline,
    unread_lines,
    verdict_of,
    verdict_sentence,
)

if TYPE_CHECKING:
    import jinja2


@cache
def _environment() -> jinja2.Environment:
    # Imported on first use: a run that writes no HTML does not pay for jinja2.
    import jinja2

    # autoescape=True, not select_autoescape: the template is named *.html.j2, which
    # select_autoescape's extension test would not recognise as HTML.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("validator.reporters", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

# Sort key for discrepancies without any row: after all those with one.
_NO_ROW = 10**9


def _figure_view(f: Mapping[str, Any]) -> dict[str, Any]:
    role = str(f.get("role", "figure"))
    return {
        "role": role,
        "role_label": role_label(role),
        "label": describe_key(f["key"]),
        "value": f.get("value") or "(empty)",
        "unit": f.get("unit", ""),
        "change": f"{f['change']}%" if f.get("change") else "",
        "row": figure_cell(f) or f.get("row"),
        "source": source_of(f),
        "extra": other_extra(f),
    }


def _discrepancy_view(i: int, d: Mapping[str, Any], suspect: str = "") -> dict[str, Any]:
    rows = [int(f["row"]) for f in d["figures"] if f.get("row") is not None]
    return {
        "suspect": suspect,
        "index": i,
        "severity": d["severity"],
        "severity_rank": SEVERITY_ORDER.get(d["severity"], len(SEVERITY_ORDER)),
        "rule": d["rule"],
        "kind": d.get("kind", ""),
        "headline": d["headline"],
        "description": d.get("description", ""),
        "message": d["message"],
        "context": describe_key(d["context"]) if d.get("context") else "",
        "arithmetic": arithmetic_lines(d),
        "figures": [_figure_view(f) for f in ordered_figures(d["figures"])],
        "first_row": min(rows) if rows else _NO_ROW,
    }


def _suspect_view(s: Mapping[str, Any]) -> dict[str, Any]:
    f = s["figure"]
    printed = " ".join(t for t in (f.get("value") or "", f.get("unit") or "") if t)
    if f.get("change"):
        printed += f", change {f['change']}%"
    return {
        "group": s["group"],
        "rank": s["rank"],
        "label": describe_key(f["key"]),
        "row": f.get("row"),
        "column": s.get("column", ""),
        "printed": printed,
        "suggestion": s.get("suggestion") or "",
        "pattern": PATTERN_PHRASES.get(str(s.get("pattern")), "") if s.get("pattern") else "",
        "explains": [f"{e['rule']} ({describe_key(e['context'])})" if e.get("context")
                     else str(e["rule"]) for e in s["explains"]],
        "reason": s["reason"],
        "extra": {k: v for k, v in f.get("extra", {}).items() if v},
    }


def _verdict(summary: Mapping[str, Any], verdict: str) -> str:
    if verdict == "nothing checked":
        return "Nothing was checked: no figure could be tested against a rule."
    problems = summary["errors"] + summary["warnings"]
    if not problems:
        return "No problems found: every figure that could be checked adds up."
    return f"{plural(problems, 'problem')} found."


class HtmlReporter:
    def __init__(self, max_per_rule: int | None = DEFAULT_MAX_PER_RULE) -> None:
        self.max_per_rule = max_per_rule

    def render(self, records: Mapping[str, Any]) -> str:
        records = visible_records(records, keep_breaks=True)
        s = records["summary"]
        verdict = verdict_of(records)
        template = _environment().get_template("report.html.j2")
        shown, hidden = first_per_rule(records["discrepancies"], self.max_per_rule)
        listed, unlisted = first_per_rule(records["not_evaluated"], self.max_per_rule)
        groups = group_of(records)
        headlines: dict[int | None, str] = {
            g: suspect_headline(members) for g, members in suspect_groups(records).items()}
        return template.render(
            title=records.get("title") or "Release check",
            inputs=records["inputs"],
            summary=s,
            status=s["status"],
            status_class=str(s["status"]).replace(" ", "-"),
            verdict=_verdict(s, verdict),
            verdict_headline=VERDICT_HEADLINES.get(verdict, verdict),
            verdict_sentence=verdict_sentence(records),
            unread=unread_lines(records),
            counts=counts_sentence(s),
            rules=records["rules"],
            rule_ids=rule_ids(records),
            discrepancies=[
                _discrepancy_view(i, d, headlines.get(discrepancy_group(d, groups), ""))
                for i, d in enumerate(shown)
            ],
            more=[more_sentence(rule, count) for rule, count in hidden.items()],
            more_not_evaluated=[more_sentence(rule, count, "instance")
                                for rule, count in unlisted.items()],
            suspects=list(headlines.values()),
            suspect_rows=[_suspect_view(x) for x in records.get("suspects", [])],
            not_evaluated=[
                {
                    "rule": n["rule"],
                    "reason": n["reason"],
                    "context": describe_key(n["context"]) if n.get("context") else "",
                    "missing": [describe_key(m) for m in n.get("missing", [])],
                }
                for n in listed
            ],
        )
