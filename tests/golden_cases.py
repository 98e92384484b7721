"""The reports pinned byte for byte in tests/golden/, and the one command that rewrites them.

    python tests/golden_cases.py          # regenerate every golden file, then review `git diff`

The golden tests (tests/test_reporters_formats.py) only compare; nothing in a test run writes
these files. Every format of the reporter registry has a golden file for every case.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script: import this checkout, as pytest would
    sys.path[:0] = [str(HERE.parent), str(HERE)]

from reporter_cases import clean_report, problem_report  # noqa: E402

from validator.engine import check  # noqa: E402
from validator.reporters import REPORTERS, Format, render  # noqa: E402
from validator.rules import parse_rules  # noqa: E402
from validator.table import read_table  # noqa: E402

GOLDEN = HERE / "golden"

# File name endings; a format not listed here ends in its own name (csv -> .csv).
_SUFFIXES = {
    Format.TEXT: "txt",
    Format.MARKDOWN: "md",
    Format.JUNIT: "junit.xml",
    Format.SARIF: "sarif.json",
    Format.GITHUB: "github.txt",
}

SMALL_RULES = """\
title: Small release
figures: {value: value, unit: unit, units: {bn: 1.0e9}}
dimensions:
  flow: [exports, imports, balance]
rules:
  - id: balance
    description: The balance is exports minus imports
    identity: balance = exports - imports
    along: flow
  - id: non-negative
    bounds: {min: 0}
    severity: warning
"""
SMALL_TABLE = ("flow,value,unit,source\nexports,258.4,bn,s1\nimports,206.0,bn,s2\n"
               "balance,25.4,bn,s2\n")


def small_records() -> dict[str, Any]:
    """One small release through the engine, with one error."""
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "small.csv"
        table.write_text(SMALL_TABLE, encoding="utf-8")
        report = check(read_table(str(table)), parse_rules(SMALL_RULES, "small.yaml"))
    records = report.to_records()
    records["inputs"] = {**records["inputs"], "table": "small.csv", "rules": "small.yaml"}
    return records


RELEASE_RULES = """\
title: Small release
figures: {value: value, unit: unit, units: {USD bn: 1.0e9}}
dimensions:
  flow: [exports, imports, balance]
labels:
  flow:
    exports: {aliases: [exports]}
    imports: {aliases: [imports]}
    balance: {label: trade balance, aliases: [trade surplus, surplus]}
rules:
  - id: balance
    description: The balance is exports minus imports
    identity: balance = exports - imports
    along: flow
"""
# A press release with a balance whose digits are transposed, numbers the extractor cannot
# place, and markup that must stay text.
RELEASE_TEXT = """\
Small trade release <script>alert(1)</script>

Exports reached $258.4 billion and imports $206.0 billion, leaving a trade surplus of
$25.4 billion.

Shipments of "><img src=x onerror=alert(2)> widgets came to 12 crates.
"""


def release_records() -> dict[str, Any]:
    """A press release through the library API: its text comes back marked."""
    import validator

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "release.txt"
        path.write_text(RELEASE_TEXT, encoding="utf-8")
        report = validator.check(path, parse_rules(RELEASE_RULES, "release.yaml"))
    records = report.to_records()
    records["inputs"] = {**records["inputs"], "table": "release.txt", "rules": "release.yaml"}
    records["release"]["path"] = "release.txt"
    return records


CASES: dict[str, Callable[[], dict[str, Any]]] = {
    "clean": lambda: clean_report().to_records(),
    "problems": lambda: problem_report().to_records(),
    "small": small_records,
    "release": release_records,
}


def suffix(fmt: Format) -> str:
    return _SUFFIXES.get(fmt, fmt.value)


def golden_path(case: str, fmt: Format) -> Path:
    return GOLDEN / f"{case}.{suffix(fmt)}"


def outputs() -> dict[Path, str]:
    """Every golden file's expected content: each case in each registered format."""
    result = {}
    for case, records in CASES.items():
        for fmt in REPORTERS:
            result[golden_path(case, fmt)] = render(fmt, records())
    return result


def regenerate() -> list[Path]:
    written = []
    for path, text in outputs().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    changed = regenerate()
    for path in changed:
        print(f"wrote {path.relative_to(HERE.parent)}")
    print(f"{len(changed)} golden files changed; review them with git diff")
