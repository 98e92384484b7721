"""GitHub Actions workflow commands: one annotation per discrepancy on the table file's row,
then a notice with the summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from validator.escaping import visible_records
from validator.reporters.common import (
    counts_sentence,
    figure_line,
    primary_figure,
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
    def render(self, records: Mapping[str, Any]) -> str:
        records = visible_records(records, keep_breaks=True)
        table = records["inputs"]["table"]
        # The verdict first: an error annotation when nothing was checked, else a notice.
        lines = [command("error" if verdict_of(records) == "nothing checked" else "notice",
                         verdict_sentence(records), title="validator verdict")]
        lines += [command("warning", u, title="validator: not read") for u in unread_lines(records)]
        for d in records["discrepancies"]:
            props: dict[str, object] = {"file": table}
            figure = primary_figure(d)
            if figure is not None:
                props["line"] = figure["row"]
            props["title"] = d["rule"]
            # The annotation shows the figures under the message: multi-line via %0A.
            message = "\n".join([d["message"], *(figure_line(f) for f in d["figures"])])
            lines.append(command(_COMMANDS.get(d["severity"], "warning"), message, **props))
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
