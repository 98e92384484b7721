"""JUnit XML for CI test dashboards.

The records hold per-rule counts and the failures only, so each rule becomes a testsuite with
one failing testcase per discrepancy, one passing testcase standing for all instances that
passed, and one skipped testcase per instance that could not be evaluated.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from validator.escaping import visible_records
from validator.reporters.common import (
    arithmetic_lines,
    describe_key,
    figure_line,
    plural,
    primary_figure,
    rule_ids,
    unread_lines,
    verdict_of,
    verdict_sentence,
)

# XML 1.0 cannot carry most control characters at all, not even as character references;
# ElementTree would write them raw and produce a file no parser accepts. User text has been
# through `visible` already; this guards the text we join around it.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    return _XML_INVALID.sub("\ufffd", str(text))


def _case_name(d: Mapping[str, Any]) -> str:
    # Name a failing instance by its context and the figure it points at, so that the same
    # problem keeps the same name from one run to the next (CI dashboards track by name).
    parts = [describe_key(d["context"])] if d.get("context") else []
    figure = primary_figure(d) or (d["figures"][0] if d["figures"] else None)
    if figure is not None:
        parts.append(describe_key(figure["key"]))
    return f"{d['rule']}: {'; '.join(parts)}" if parts else str(d["rule"])


def _failure_body(d: Mapping[str, Any]) -> str:
    lines = [d["message"]]
    if d.get("description"):
        lines.append(f"rule: {d['description']}")
    lines += arithmetic_lines(d)
    lines += [f"- {figure_line(f)}" for f in d["figures"]]
    return "\n".join(lines)


def _attrs(element: ET.Element, **values: object) -> None:
    for name, value in values.items():
        element.set(name, xml_text(value))


class JunitReporter:
    def render(self, records: Mapping[str, Any]) -> str:
        records = visible_records(records, keep_breaks=True)
        summaries = {r["id"]: r for r in records["rules"]}
        title = records.get("title") or "Release check"
        root = ET.Element("testsuites")
        totals = {"tests": 0, "failures": 0, "skipped": 0}
        # The verdict first, as a suite of its own: "nothing checked" fails it, so a dashboard
        # that counts failures does not show an empty run as green.
        verdict = verdict_of(records)
        suite = ET.SubElement(root, "testsuite")
        empty = verdict == "nothing checked"
        unread = unread_lines(records)
        _attrs(suite, name="validator.verdict", tests=1 + len(unread), failures=int(empty),
               errors=0, skipped=len(unread), time=0)
        case = ET.SubElement(suite, "testcase")
        _attrs(case, classname="validator.verdict", name=f"verdict: {verdict}", time=0)
        if empty:
            _attrs(ET.SubElement(case, "failure"), message=verdict_sentence(records),
                   type="nothing checked")
        for text in unread:  # parts of the input not read: skipped, by name
            case = ET.SubElement(suite, "testcase")
            _attrs(case, classname="validator.verdict", name=f"not read: {text}", time=0)
            _attrs(ET.SubElement(case, "skipped"), message=text)
        totals["tests"] += 1 + len(unread)
        totals["failures"] += int(empty)
        totals["skipped"] += len(unread)
        for rid in rule_ids(records):
            failures = [d for d in records["discrepancies"] if d["rule"] == rid]
            skipped = [n for n in records["not_evaluated"] if n["rule"] == rid]
            summary = summaries.get(rid, {})
            # `checked` counts evaluated instances, failed ones included.
            passed = max(int(summary.get("checked", 0)) - len(failures), 0)
            # The summary may count more not-evaluated instances than are itemised.
            unlisted = max(int(summary.get("not_evaluated", 0)) - len(skipped), 0)
            n_skipped = len(skipped) + (1 if unlisted else 0)
            tests = len(failures) + (1 if passed else 0) + n_skipped

            suite = ET.SubElement(root, "testsuite")
            _attrs(
                suite,
                name=rid,
                tests=tests,
                failures=len(failures),
                errors=0,
                skipped=n_skipped,
                time=0,
            )
            props = ET.SubElement(suite, "properties")
            for name in ("kind", "severity", "description"):
                if summary.get(name):
                    _attrs(ET.SubElement(props, "property"), name=name, value=summary[name])
            classname = f"validator.{rid}"
            for d in failures:
                case = ET.SubElement(suite, "testcase")
                _attrs(case, classname=classname, name=_case_name(d), time=0)
                failure = ET.SubElement(case, "failure")
                _attrs(failure, message=d["message"], type=d["severity"])
                failure.text = xml_text(_failure_body(d))
            if passed:
                case = ET.SubElement(suite, "testcase")
                _attrs(
                    case,
                    classname=classname,
                    name=f"{rid}: {plural(passed, 'instance')} passed",
                    time=0,
                )
            for n in skipped:
                case = ET.SubElement(suite, "testcase")
                label = describe_key(n["context"]) if n.get("context") else "not evaluated"
                _attrs(case, classname=classname, name=f"{rid}: {label}", time=0)
                missing = "; ".join(describe_key(m) for m in n.get("missing", []))
                reason = n["reason"] + (f"; missing: {missing}" if missing else "")
                _attrs(ET.SubElement(case, "skipped"), message=reason)
            if unlisted:
                case = ET.SubElement(suite, "testcase")
                _attrs(
                    case,
                    classname=classname,
                    name=f"{rid}: {plural(unlisted, 'more instance')} not evaluated",
                    time=0,
                )
                _attrs(ET.SubElement(case, "skipped"), message="not evaluated")
            totals["tests"] += tests
            totals["failures"] += len(failures)
            totals["skipped"] += n_skipped
        _attrs(
            root,
            name=f"validator: {verdict}: {title}",
            tests=totals["tests"],
            failures=totals["failures"],
            errors=0,
            skipped=totals["skipped"],
            time=0,
        )
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
