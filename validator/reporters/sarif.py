"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, IDE viewers).

Each discrepancy is a result located at the row of its main figure in the table file, the
other figures as related locations; instances that could not be evaluated become tool
execution notifications, since SARIF has no result kind that means "not checked".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from validator.reporters.common import (
    cell_position,
    describe_key,
    figure_cell,
    figure_line,
    primary_figure,
    rule_ids,
)

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"

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
    }
    if summary:
        rule["properties"] = {
            "kind": kind,
            "checked": summary["checked"],
            "failed": summary["failed"],
            "notEvaluated": summary["not_evaluated"],
        }
    return rule


def _result(d: Mapping[str, Any], index: int, uri: str) -> dict[str, Any]:
    primary = primary_figure(d)
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


class SarifReporter:
    def render(self, records: Mapping[str, Any]) -> str:
        uri = table_uri(str(records["inputs"]["table"]))
        ids = rule_ids(records)
        index = {rid: i for i, rid in enumerate(ids)}
        summaries = {r["id"]: r for r in records["rules"]}
        first_seen = {d["rule"]: d for d in reversed(records["discrepancies"])}
        rules = [_rule(rid, summaries.get(rid, {}), first_seen.get(rid, {})) for rid in ids]
        notifications = []
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
                }
            )
        invocation: dict[str, Any] = {"executionSuccessful": True}
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        log = {
            "$schema": SARIF_SCHEMA,
            "version": SARIF_VERSION,
            "runs": [
                {
                    "tool": {"driver": {"name": "validator", "rules": rules}},
                    "invocations": [invocation],
                    "artifacts": [{"location": {"uri": uri}}],
                    "results": [
                        _result(d, index[d["rule"]], uri) for d in records["discrepancies"]
                    ],
                    "properties": {
                        "title": records.get("title") or "",
                        "rulesFile": records["inputs"]["rules"],
                        "summary": dict(records["summary"]),
                    },
                }
            ],
        }
        return json.dumps(log, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
