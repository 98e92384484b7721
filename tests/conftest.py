"""Shared fixtures: paths of the bundled example, and a helper to run the CLI in-process."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "korea-ict-2020" / "figures.csv"
KOREA_RULES = ROOT / "rules" / "korea-ict.yaml"


@pytest.fixture
def run_json(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, dict[str, Any]]]:
    """Run `validator check ... --format json` and return (exit code, report records)."""
    from validator.cli import main

    def run(table: Path | str, rules: Path | str = KOREA_RULES, *extra: str) -> tuple[
        int, dict[str, Any]
    ]:
        code = main(["check", str(table), "--rules", str(rules), "--format", "json", *extra])
        out = capsys.readouterr().out
        return code, json.loads(out) if out else {}

    return run
