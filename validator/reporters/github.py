"""GitHub Actions workflow commands: one annotation per discrepancy on the table file's row,
then a notice with the summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
        table = records["inputs"]["table"]
        lines = []
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
