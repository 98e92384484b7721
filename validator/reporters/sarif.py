"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, IDE viewers).

Each discrepancy is a result located at the row of its main figure in the table file, the
other figures as related locations; instances that could not be evaluated become tool
execution notifications, since SARIF has no result kind that means "not checked".

For GitHub code scanning a document is one run with one category (`automationDetails.id`,
`validator/<dataset>/`): the tables of a dataset are one run, and each dataset its own upload.
Every result carries `partialFingerprints` made of the rule id and the keys of its figures (not
their rows or values), so a discrepancy keeps its alert across commits while it is not fixed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from validator import __version__
from validator.escaping import visible_records
from validator.reporters.common import (
    cell_position,
    describe_key,
    figure_cell,
    figure_line,
    primary_figure,
    rule_ids,
    suspect_rows,
    unread_lines,
    verdict_of,
    verdict_sentence,
)

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
TOOL_NAME = "validator"
# The partialFingerprints key: versioned, so a change of what goes into it is a new key.
FINGERPRINT_KEY = "releaseFigures/v1"

# Our severities map one to one onto SARIF levels; anything unknown is reported, not hidden.
_LEVELS: Mapping[str, str] = {"error": "error", "warning": "warning"}


def table_uri(path: str) -> str:
    """A SARIF `uri-reference` for the table path: relative paths stay relative (code
    scanning resolves them against the repository), absolute ones become file URIs."""
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return PurePosixPath(posix).as_uri()
    return quote(posix, safe="/")


def _location(uri: str, figure: Mapping[str, Any] | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if figure is not None and figure.get("row") is not None and int(figure["row"]) >= 1:
        physical["region"] = {"startLine": int(figure["row"])}
        cell = figure_cell(figure)
        position = cell_position(cell) if cell else None
        if position is not None:
            # A workbook cell: its row and column, and the cell by name for a reader.
            physical["region"] = {"startLine": position[0], "startColumn": position[1],
                                  "snippet": {"text": cell}}
    return {"physicalLocation": physical}


def _rule(rid: str, summary: Mapping[str, Any], fallback: Mapping[str, Any]) -> dict[str, Any]:
    description = summary.get("description") or fallback.get("description") or rid
    kind = summary.get("kind") or fallback.get("kind") or ""
    severity = summary.get("severity") or fallback.get("severity") or "warning"
    rule: dict[str, Any] = {
        "id": rid,
        "shortDescription": {"text": description},
        "fullDescription": {"text": f"{description} ({kind} rule)" if kind else description},
        "defaultConfiguration": {"level": _LEVELS.get(severity, "warning")},
        "help": {
            "text": _help_text(rid, description, kind),
            "markdown": _help_markdown(rid, description, kind),
        },
    }
    if summary:
        rule["properties"] = {
            "kind": kind,
            "checked": summary["checked"],
            "failed": summary["failed"],
            "notEvaluated": summary["not_evaluated"],
            "notApplicable": summary.get("not_applicable", 0),
        }
    return rule


_HELP = ("It fails only when no values inside the printed precision of the figures can "
         "satisfy it; each result names the figures, the arithmetic and how far off they are "
         "beyond rounding.")


def _help_text(rid: str, description: str, kind: str) -> str:
    what = f" (kind: {kind})" if kind else ""
    return f"{description}\n\nRule '{rid}'{what}. {_HELP}"


def _help_markdown(rid: str, description: str, kind: str) -> str:
    what = f" (kind: `{kind}`)" if kind else ""
    return f"**{_markdown_escape(description)}**\n\nRule `{rid.replace('`', '')}`{what}. {_HELP}"


def _markdown_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in "\\`*_{}[]<>()#+-.!|" else ch for ch in text)


def fingerprint(d: Mapping[str, Any]) -> str:
    """Rule id and figure keys: stable while the same figures break the same rule."""
    keys = sorted(json.dumps(dict(f["key"]), sort_keys=True, ensure_ascii=False)
                  for f in d["figures"])
    canonical = json.dumps({"rule": d["rule"], "figures": keys, "context": d.get("context", {})},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _result(d: Mapping[str, Any], index: int, uri: str,
            suspects: Mapping[Any, frozenset[int]]) -> dict[str, Any]:
    primary = primary_figure(d, suspects)
    related = [
        {"id": i, "message": {"text": figure_line(f)}, **_location(uri, f)}
        for i, f in enumerate(d["figures"])
        if f.get("row") is not None and f is not primary
    ]
    result: dict[str, Any] = {
        "ruleId": d["rule"],
        "ruleIndex": index,
        "level": _LEVELS.get(d["severity"], "warning"),
        "message": {"text": d["message"]},
        "locations": [_location(uri, primary)],
        "properties": {
            "kind": d["kind"],
            "context": d.get("context", {}),
            "expected": d.get("expected"),
            "reported": d.get("reported"),
            "gap": d.get("gap"),
            "unit": d.get("unit", ""),
            "figures": [figure_line(f) for f in d["figures"]],
        },
    }
    if related:
        result["relatedLocations"] = related
    return result


def _worst_verdict(verdicts: Sequence[str]) -> str:
    for verdict in ("nothing checked", "discrepancies"):
        if verdict in verdicts:
            return verdict
    return "clean"


def default_category(records: Mapping[str, Any]) -> str:
    """The dataset of a config, else the table: one code-scanning category each."""
    return str(records["inputs"].get("dataset") or records["inputs"]["table"])


def sarif_log(reports: Sequence[Mapping[str, Any]], category: str) -> dict[str, Any]:
    """One SARIF document, one run under `category`, with the results of every report."""
    ids: list[str] = []
    summaries: dict[str, Mapping[str, Any]] = {}
    first_seen: dict[str, Mapping[str, Any]] = {}
    for records in reports:
        ids += [rid for rid in rule_ids(records) if rid not in ids]
        for r in records["rules"]:
            summaries.setdefault(r["id"], r)
        for d in records["discrepancies"]:
            first_seen.setdefault(d["rule"], d)
    index = {rid: i for i, rid in enumerate(ids)}
    rules = [_rule(rid, summaries.get(rid, {}), first_seen.get(rid, {})) for rid in ids]
    notifications: list[dict[str, Any]] = []
    results = []
    artifacts = []
    seen: Counter[str] = Counter()
    verdicts = []
    for raw in reports:
        records = visible_records(raw, keep_breaks=True)
        uri = table_uri(str(records["inputs"]["table"]))
        artifacts.append({"location": {"uri": uri}})
        verdict = verdict_of(records)
        verdicts.append(verdict)
        # The verdict is the first notification of each table: an error when nothing was checked.
        notifications.append({
            "level": "error" if verdict == "nothing checked" else "note",
            "message": {"text": verdict_sentence(records)},
            "descriptor": {"id": "validator.verdict"},
        })
        notifications += [{"level": "warning", "message": {"text": u},
                           "descriptor": {"id": "validator.unread"}}
                          for u in unread_lines(records)]
        for n in records["not_evaluated"]:
            missing = "; ".join(describe_key(m) for m in n.get("missing", []))
            where = f" ({describe_key(n['context'])})" if n.get("context") else ""
            text = f"Not evaluated{where}: {n['reason']}" + (
                f"; missing: {missing}" if missing else ""
            )
            notifications.append(
                {
                    "level": "note",
                    "message": {"text": text},
                    "associatedRule": {"id": n["rule"], "index": index[n["rule"]]},
                    "locations": [_location(uri, None)],
                }
            )
        suspects = suspect_rows(records)
        for d in records["discrepancies"]:
            result = _result(d, index[d["rule"]], uri, suspects)
            key = f"{uri}\0{fingerprint(d)}"
            seen[key] += 1
            # A repeated discrepancy (the same figures twice) keeps one alert per occurrence.
            suffix = f":{seen[key]}" if seen[key] > 1 else ""
            result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(d) + suffix}
            results.append(result)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    first = reports[0] if reports else {}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"{TOOL_NAME}/{category}/"},
        "invocations": [invocation],
        "artifacts": artifacts,
        "results": results,
        "properties": {
            "verdict": _worst_verdict(verdicts),
            "unread": [u for r in reports for u in unread_lines(r)],
            "title": first.get("title") or "",
            "rulesFile": first["inputs"]["rules"] if first else "",
            "tables": [
                {"table": r["inputs"]["table"], "summary": dict(r["summary"])} for r in reports
            ],
        },
    }
    if len(reports) == 1:
        run["properties"]["summary"] = dict(reports[0]["summary"])
    # The verdict first: the run's properties lead it.
    run = {"properties": run.pop("properties"), **run}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def sarif_text(reports: Sequence[Mapping[str, Any]], category: str) -> str:
    return json.dumps(sarif_log(reports, category), indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"


class SarifReporter:
    def render(self, records: Mapping[str, Any]) -> str:
        return sarif_text([records], default_category(records))
