"""JSON: the records themselves, documented in docs/json-report.md."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class JsonReporter:
    def render(self, records: Mapping[str, Any]) -> str:
        return json.dumps(records, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
