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
    suspects_note,
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


def _discrepancy_view(i: int, d: Mapping[str, Any], suspect: str = "",
                      marks: list[dict[str, str]] | None = None) -> dict[str, Any]:
    rows = [int(f["row"]) for f in d["figures"] if f.get("row") is not None]
    return {
        "marks": marks or [],
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


# What became of a number of the release: (symbol, label). The symbol and the underline style
# carry the status as well as the colour does (readable without colour, and printed).
MARK_STATUS = {
    "suspect": ("\u2605", "Most likely wrong"),
    "discrepancy": ("\u2717", "Part of a discrepancy"),
    "checked": ("\u2713", "Checked and consistent"),
    "not_evaluated": ("\u25cb", "Read but not checked"),
    "unplaced": ("?", "Not read as a figure"),
    "aside": ("\u2013", "Not a figure of the release"),
}


def _release_view(release: Mapping[str, Any], discrepancies: list[Mapping[str, Any]],
                  shown: set[int], described: Mapping[str, str]
                  ) -> tuple[dict[str, Any], dict[int, list[dict[str, str]]]]:
    """The release's text in pieces (plain text and marks), and each problem's marks.
    `described`: each rule's description, said beside its id."""
    backlinks: dict[int, list[dict[str, str]]] = {}
    counts = dict.fromkeys(MARK_STATUS, 0)
    paragraphs = []
    number = 0
    for paragraph in release["paragraphs"]:
        sentences = []
        for sentence in paragraph["sentences"]:
            text, at, pieces = sentence["text"], 0, []
            for m in sentence["marks"]:
                number += 1
                anchor = f"mark-{number}"
                symbol, label = MARK_STATUS.get(m["status"], ("", m["status"]))
                counts[m["status"]] = counts.get(m["status"], 0) + 1
                problems = [k for k in m["problems"] if k in shown]
                tip = [label + (f" ({m['measure'].replace('change', '% change')})"
                                if m["measure"] else "")]
                if m["key"]:
                    tip.append("Figure: " + describe_key(m["key"]))
                if m["suggestion"]:
                    tip.append(f"Should probably read {m['suggestion']}")
                tip += [f"Problem {k + 1}: {discrepancies[k]['message']}" for k in problems]
                tip += [f"Rule {rule}: {described[rule]}" if described.get(rule)
                        else f"Rule {rule}" for rule in m["rules"]]
                tip += [line[:1].upper() + line[1:] for line in m.get("arithmetic", [])]
                if m["note"]:
                    tip.append(m["note"][:1].upper() + m["note"][1:])
                for k in problems:
                    backlinks.setdefault(k, []).append(
                        {"anchor": anchor, "text": f"sentence {sentence['number']}: {m['text']}"})
                pieces.append({"text": text[at:m["start"]]})
                pieces.append({"mark": {
                    "anchor": anchor, "status": m["status"], "symbol": symbol,
                    "label": label, "text": m["text"], "tip": tip,
                    "suggestion": m["suggestion"] or "",
                    "href": f"#problem-{problems[0] + 1}" if problems else ""}})
                at = m["end"]
            pieces.append({"text": text[at:]})
            sentences.append({"number": sentence["number"], "pieces": pieces})
        paragraphs.append({"table": paragraph["table"], "sentences": sentences})
    legend = [{"status": k, "symbol": v[0], "label": v[1], "count": counts.get(k, 0)}
              for k, v in MARK_STATUS.items()]
    return {"path": release["path"], "paragraphs": paragraphs, "legend": legend}, backlinks


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
        index_of = {id(d): i for i, d in enumerate(records["discrepancies"])}
        release, backlinks = (_release_view(
            records["release"], records["discrepancies"], {index_of[id(d)] for d in shown},
            {r["id"]: r.get("description", "") for r in records["rules"]})
            if records.get("release") else (None, {}))
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
            suspects_note=suspects_note(records),
            counts=counts_sentence(s),
            rules=records["rules"],
            rule_ids=rule_ids(records),
            release=release,
            discrepancies=[
                _discrepancy_view(index_of[id(d)], d,
                                  headlines.get(discrepancy_group(d, groups), ""),
                                  backlinks.get(index_of[id(d)], []))
                for d in shown
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
