"""HTML: one self-contained page for an editor who has never used a terminal.

Inline CSS and a little inline JavaScript (for sorting), no external resources, so the file
can be mailed or opened from a shared drive. All user text goes through Jinja's autoescaping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

from validator.reporters.common import (
    SEVERITY_ORDER,
    arithmetic_lines,
    counts_sentence,
    describe_key,
    figure_cell,
    ordered_figures,
    other_extra,
    plural,
    role_label,
    rule_ids,
    source_of,
)

# autoescape=True, not select_autoescape: the template is named *.html.j2, which
# select_autoescape's extension test would not recognise as HTML.
_ENV = jinja2.Environment(
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


def _discrepancy_view(i: int, d: Mapping[str, Any]) -> dict[str, Any]:
    rows = [int(f["row"]) for f in d["figures"] if f.get("row") is not None]
    return {
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


def _verdict(summary: Mapping[str, Any]) -> str:
    problems = summary["errors"] + summary["warnings"]
    if not problems:
        return "No problems found: every figure that could be checked adds up."
    return f"{plural(problems, 'problem')} found."


class HtmlReporter:
    def render(self, records: Mapping[str, Any]) -> str:
        s = records["summary"]
        template = _ENV.get_template("report.html.j2")
        return template.render(
            title=records.get("title") or "Release check",
            inputs=records["inputs"],
            summary=s,
            status=s["status"],
            verdict=_verdict(s),
            counts=counts_sentence(s),
            rules=records["rules"],
            rule_ids=rule_ids(records),
            discrepancies=[_discrepancy_view(i, d) for i, d in enumerate(records["discrepancies"])],
            not_evaluated=[
                {
                    "rule": n["rule"],
                    "reason": n["reason"],
                    "context": describe_key(n["context"]) if n.get("context") else "",
                    "missing": [describe_key(m) for m in n.get("missing", [])],
                }
                for n in records["not_evaluated"]
            ],
        )
