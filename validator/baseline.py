"""A baseline of accepted discrepancies: fingerprints, the baseline file, and applying it.

A fingerprint identifies a discrepancy by what a reader sees, not by where it sits: the rule id
and, for each figure involved, its key (a code per dimension) and its printed value, unit and
% change. Row numbers are left out on purpose, so inserting or sorting rows keeps a baseline
valid, while correcting any figure involved makes the discrepancy new again (to be looked at).
The file format is documented in docs/ci.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from validator.errors import InputError, read_text
from validator.limits import MAX_JSON_DEPTH, json_depth_problem
from validator.report import BaselineSummary, Discrepancy, Report, RuleSummary

BASELINE_FORMAT_VERSION = 1
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
FINGERPRINT_DIGITS = 16  # hex digits of SHA-256 kept: collisions are not a practical concern


def fingerprint(discrepancy: Discrepancy) -> str:
    """A stable id: SHA-256 of the canonical JSON of rule id and figures (sorted, no rows)."""
    figures = sorted(
        json.dumps(
            {"key": dict(f.key), "value": f.value, "unit": f.unit, "change": f.change},
            sort_keys=True, ensure_ascii=False, separators=(",", ":"),
        )
        for f in discrepancy.figures
    )
    # Figures are sorted so that the order the engine met them in (row order) does not matter.
    canonical = json.dumps({"rule": discrepancy.rule, "figures": figures}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:FINGERPRINT_DIGITS]


def entry(discrepancy: Discrepancy) -> dict[str, Any]:
    """One accepted discrepancy as written to the baseline file."""
    return {
        "fingerprint": fingerprint(discrepancy),
        "rule": discrepancy.rule,
        "severity": discrepancy.severity.value,
        "message": discrepancy.message,
        "figures": [
            {"key": dict(f.key), "value": f.value, "unit": f.unit, "change": f.change}
            for f in discrepancy.figures
        ],
    }


def baseline_document(report: Report) -> dict[str, Any]:
    """The baseline file accepting every discrepancy of `report`."""
    return {
        "version": BASELINE_FORMAT_VERSION,
        "table": report.table,
        "rules": report.rules_file,
        "accepted": [entry(d) for d in report.discrepancies],
    }


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Baseline:
    file: str
    entries: tuple[Mapping[str, Any], ...]


def load_baseline(path: str) -> Baseline:
    """Read a baseline file; InputError with one message naming the file if it is unusable."""
    text = read_text(path, "baseline")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([f"{path}: line {exc.lineno}, column {exc.colno}: the baseline is not "
                          f"valid JSON: {exc.msg}"]) from None
    except RecursionError:
        data = None
    if data is None or json_depth_problem(data):
        raise InputError([f"{path}: the baseline nests more than {MAX_JSON_DEPTH} levels deep "
                          "(a baseline file is 5 levels deep)"])
    surrogate = _LONE_SURROGATE.search(text) or _LONE_SURROGATE.search(
        json.dumps(data, ensure_ascii=False))
    if surrogate:
        raise InputError([f"{path}: the baseline holds a lone surrogate "
                          f"(\\u{ord(surrogate.group()):04x}), which is no text"])
    problem = _shape_problem(data)
    if problem:
        raise InputError([f"{path}: not a baseline file: {problem}"])
    return Baseline(file=path, entries=tuple(data["accepted"]))


def _shape_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "expected a JSON object with 'version' and 'accepted'"
    if data.get("version") != BASELINE_FORMAT_VERSION:
        return (f"'version' is {json.dumps(data.get('version'))}, "
                f"expected {BASELINE_FORMAT_VERSION}")
    accepted = data.get("accepted")
    if not isinstance(accepted, list):
        return "'accepted' must be a list"
    for i, item in enumerate(accepted):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            return f"accepted[{i}] must be an object with a string 'fingerprint'"
    return None


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """The report without the discrepancies the baseline accepts, and what the baseline did.

    Matching counts multiplicity: an entry accepts one discrepancy, so a second identical
    discrepancy (same figures printed twice) is new unless the baseline lists it twice too.
    """
    remaining = Counter(str(e["fingerprint"]) for e in baseline.entries)
    kept: list[Discrepancy] = []
    hidden: Counter[str] = Counter()
    for d in report.discrepancies:
        fp = fingerprint(d)
        if remaining[fp] > 0:
            remaining[fp] -= 1
            hidden[d.rule] += 1
        else:
            kept.append(d)
    stale: list[Mapping[str, Any]] = []
    for e in baseline.entries:
        fp = str(e["fingerprint"])
        if remaining[fp] > 0:
            remaining[fp] -= 1
            stale.append(e)
    return replace(
        report,
        # A rule's `failed` counts what the report lists; accepted ones are in `baseline`.
        rules=tuple(_less_failed(r, hidden[r.id]) for r in report.rules),
        discrepancies=tuple(kept),
        baseline=BaselineSummary(baseline.file, sum(hidden.values()), tuple(stale)),
    )


def _less_failed(summary: RuleSummary, hidden: int) -> RuleSummary:
    return replace(summary, failed=summary.failed - hidden) if hidden else summary
