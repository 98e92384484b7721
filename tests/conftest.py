"""Shared fixtures: the hand-built reports every reporter test renders."""

from __future__ import annotations

from typing import Any

import pytest
from reporter_cases import clean_report, problem_report


def pytest_configure(config: pytest.Config) -> None:
    # Registered here rather than in pyproject.toml so the marker lives with the tests using it.
    config.addinivalue_line(
        "markers",
        "browser: renders the HTML report in headless Chromium (deselect: -m 'not browser')",
    )


@pytest.fixture
def clean_records() -> dict[str, Any]:
    return clean_report().to_records()


@pytest.fixture
def problem_records() -> dict[str, Any]:
    return problem_report().to_records()
