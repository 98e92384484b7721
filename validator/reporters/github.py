"""GitHub Actions workflow commands: one annotation per discrepancy on the table file's row,
then a notice with the summary."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from validator.escaping import visible_records
from validator.reporters.common import (
    DEFAULT_MAX_PER_RULE,
    counts_sentence,
    discrepancy_group,
    figure_line,
    first_per_rule,
    group_of,
    more_sentence,
    primary_figure,
    suspect_groups,
    suspect_headline,
    suspect_rows,
    unread_lines,
    verdict_of,
    verdict_sentence,
)

# Escaping as the Actions toolkit does it (@actions/core `escapeData` / `escapeProperty`):
# `%` first, so that the escapes added after it are not escaped again.
_DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY_ESCAPES = (*_DATA_ESCAPES, (":", "%3A"), (",", "%2C"))

# Annotation commands GitHub knows; a severity we do not know still shows, as a warning.
_COMMANDS: Mapping[str, str] = {"error": "error", "warning": "warning"}


def escape_data(text: object) -> str:
    s = str(text)
    for raw, escaped in _DATA_ESCAPES:
        s = s.replace(raw, escaped)
    return s


def escape_property(text: object) -> str:
    s = str(text)
    for raw, escaped in _PROPERTY_ESCAPES:
        s = s.replace(raw, escaped)
    return s


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


class GithubReporter:
    def __init__(self, max_per_rule: int | None = DEFAULT_MAX_PER_RULE) -> None:
        # GitHub shows only a few annotations per step anyway; the rest are counted.
        self.max_per_rule = max_per_rule

    def render(self, records: Mapping[str, Any]) -> str:
        records = visible_records(records, keep_breaks=True)
        table = records["inputs"]["table"]
        # The verdict first: an error annotation when nothing was checked, else a notice.
        lines = [command("error" if verdict_of(records) == "nothing checked" else "notice",
                         verdict_sentence(records), title="validator verdict")]
        lines += [command("warning", u, title="validator: not read") for u in unread_lines(records)]
        shown, hidden = first_per_rule(records["discrepancies"], self.max_per_rule)
        suspects = suspect_rows(records)
        groups = group_of(records)
        headlines: dict[int | None, str] = {
            g: suspect_headline(m) for g, m in suspect_groups(records).items()}
        for d in shown:
            props: dict[str, object] = {"file": table}
            figure = primary_figure(d, suspects)
            if figure is not None:
                props["line"] = figure["row"]
            props["title"] = d["rule"]
            # The annotation shows the figures under the message: multi-line via %0A.
            headline = headlines.get(discrepancy_group(d, groups))
            message = "\n".join([d["message"], *([headline] if headline else []),
                                 *(figure_line(f) for f in d["figures"])])
            lines.append(command(_COMMANDS.get(d["severity"], "warning"), message, **props))
        for rule, count in hidden.items():
            lines.append(command("notice", more_sentence(rule, count), title=f"{rule}: more"))
        baseline = records.get("baseline")
        if baseline is not None:
            # Stale entries are worth a look in review but never fail a run by themselves.
            stale = len(baseline["stale"])
            text = (f"{baseline['accepted']} accepted by {baseline['file']};"
                    f" {stale} stale {'entry' if stale == 1 else 'entries'} (no longer found)")
            lines.append(command("notice", text, title="validator baseline"))
        verdict = "clean" if records["summary"]["status"] == "clean" else "NOT clean"
        lines.append(
            command(
                "notice", f"{verdict}: {counts_sentence(records['summary'])}", title="validator"
            )
        )
        return "\n".join(lines) + "\n"


# "rules.yaml:3:5: message", "table.csv: row 7: message", "table.csv: message".
_LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<text>.*)$", re.S)
_ROW = re.compile(r"^(?P<file>[^:\n]+): (?:row|line) (?P<line>\d+): (?P<text>.*)$", re.S)
_FILE = re.compile(r"^(?P<file>[^:\n]+): (?P<text>.*)$", re.S)


def input_error_annotations(messages: Sequence[str], table: str | None = None) -> str:
    """An error annotation for each message of an input that could not be used (a table, a
    rules file, a config), on the file and line it names, so a red job says why."""
    lines = []
    for message in messages:
        props: dict[str, object] = {}
        for pattern in (_LOCATED, _ROW, _FILE):
            match = pattern.match(message)
            if match and Path(match["file"].strip()).suffix:
                groups = match.groupdict()
                props["file"] = groups["file"].strip()
                if groups.get("line"):
                    props["line"] = groups["line"]
                if groups.get("col"):
                    props["col"] = groups["col"]
                break
        else:
            if table is not None:
                props["file"] = table
        props["title"] = "validator: input not usable"
        lines.append(command("error", message, **props))
    return "\n".join(lines) + "\n" if lines else ""
