"""Output formats. Each reporter renders `Report.to_records()` and sees nothing else.

A format is picked by name from `REPORTERS`; adding one means adding a module and a line here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Protocol

from validator.reporters.json_report import JsonReporter
from validator.reporters.text import TextReporter


class Format(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


class Reporter(Protocol):
    def render(self, records: Mapping[str, Any]) -> str: ...


REPORTERS: dict[Format, type[Reporter]] = {
    Format.TEXT: TextReporter,
    Format.JSON: JsonReporter,
}


def render(fmt: Format, records: Mapping[str, Any]) -> str:
    return REPORTERS[fmt]().render(records)
