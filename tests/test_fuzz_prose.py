"""Random release-like text never crashes the extractor or the checks on prose."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, KOREA_RULES
from validator.cli import main

WORDS = ["exports", "imports", "rose", "fell", "dipped", "jumped", "percent", "$", "USD",
         "billion", "million", "bn", "to", "from", "China", "the", "U.S.", "EU", "Vietnam",
         "1.5", "10.0", "130", "-2.3", "(up", "(down", "%)", "%", "last year", "last month",
         "December", "2020", "2019-12", "January 5, 2021", ".", ",", ";", "surplus", "deficit",
         "semiconductors", "chips", "Those", "This is", "all four major product categories",
         "highest value in history", "second highest", "record high", "improvements", "and",
         "respectively", "mobile phones", "SSDs", "\n\n", "a year earlier",
         "the $10.0 billion mark"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=60))
def test_random_release_text_ends_in_an_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], words: list[str]
) -> None:
    release = tmp_path / "release.txt"
    release.write_text(" ".join(words), encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("flow,product,partner,period,value,unit\n"
                       "exports,ICT,World,2019,170.0,USD bn\n", encoding="utf-8")
    code = main(["check", str(release), "--rules", str(KOREA_RULES), "--table", str(EXAMPLE),
                 "--history", str(history), "--format", "json"])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "internal error" not in err and "Traceback" not in err
