"""Output formats. Each reporter renders `Report.to_records()` and sees nothing else.

A format is picked by name from `REPORTERS`; adding one means adding a module and a line here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from validator.reporters.common import DEFAULT_MAX_PER_RULE
from validator.reporters.csv_report import CsvReporter
from validator.reporters.github import GithubReporter
from validator.reporters.html_report import HtmlReporter
from validator.reporters.json_report import JsonReporter
from validator.reporters.junit import JunitReporter
from validator.reporters.markdown import MarkdownReporter
from validator.reporters.sarif import SarifReporter
from validator.reporters.text import TextReporter


class Format(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    JUNIT = "junit"
    SARIF = "sarif"
    GITHUB = "github"
    CSV = "csv"


class Reporter(Protocol):
    def render(self, records: Mapping[str, Any]) -> str: ...


REPORTERS: dict[Format, type[Reporter]] = {
    Format.TEXT: TextReporter,
    Format.JSON: JsonReporter,
    Format.MARKDOWN: MarkdownReporter,
    Format.HTML: HtmlReporter,
    Format.JUNIT: JunitReporter,
    Format.SARIF: SarifReporter,
    Format.GITHUB: GithubReporter,
    Format.CSV: CsvReporter,
}


# Formats whose reports stay valid written one after another into one stream, so one run can
# report on several tables; JSON, SARIF, JUnit and HTML are single documents and cannot.
COMBINABLE: frozenset[Format] = frozenset({Format.TEXT, Format.MARKDOWN, Format.GITHUB})

# Formats meant for a person at a terminal: only with these does the CLI show progress.
INTERACTIVE: frozenset[Format] = frozenset({Format.TEXT})


# Formats a person reads: they show at most `max_per_rule` discrepancies of each rule.
LIMITED: dict[Format, Callable[[int | None], Reporter]] = {
    Format.TEXT: TextReporter,
    Format.MARKDOWN: MarkdownReporter,
    Format.HTML: HtmlReporter,
    Format.GITHUB: GithubReporter,
}


def render(fmt: Format, records: Mapping[str, Any],
           max_per_rule: int | None = DEFAULT_MAX_PER_RULE) -> str:
    """The report in `fmt`; the formats in LIMITED show `max_per_rule` discrepancies of each
    rule (None: all) and count the rest."""
    if fmt in LIMITED:
        return LIMITED[fmt](max_per_rule).render(records)
    return REPORTERS[fmt]().render(records)
