"""The library API: `validator.check` and `validator.extraction`, the DataFrame intake, the Report's
notebook and DataFrame views, and the runnable example of docs/api.md."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import validator
from tests.conftest import EXAMPLE, KOREA_RULES, ROOT
from validator.dataframe import table_from_frame
from validator.errors import InputError
from validator.rules import load_rules

DOC = ROOT / "docs" / "api.md"


def test_the_documented_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert code is not None
    monkeypatch.chdir(ROOT)
    exec(compile(code.group(1), str(DOC), "exec"), {})


def test_check_takes_a_path_or_a_loaded_rule_set() -> None:
    by_path = validator.check(EXAMPLE, KOREA_RULES)
    by_rules = validator.check(str(EXAMPLE), load_rules(str(KOREA_RULES)))
    assert by_path.to_records() == by_rules.to_records()
    assert by_path.count_failing() == 0 and by_path.figures == 36


def test_a_dataframe_checks_like_its_csv() -> None:
    frame = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    from_frame = validator.check(frame, KOREA_RULES).to_records()
    from_file = validator.check(EXAMPLE, KOREA_RULES).to_records()
    from_frame["inputs"] = from_file["inputs"]
    assert from_frame == from_file


def test_numeric_columns_print_their_shortest_form_or_the_declared_decimals() -> None:
    frame = pd.DataFrame({"a": ["x", None, "z"], "v": [183.6, 3.0, np.nan],
                          "n": pd.array([1, None, 30], dtype="Int64")})
    assert table_from_frame(frame).frame.to_dict("list") == {
        "a": ["x", "", "z"], "v": ["183.6", "3.0", ""], "n": ["1", "", "30"]}
    declared = table_from_frame(pd.DataFrame({"v": [2.9999999, 17.0, 0.05]}), {"v": 2})
    assert declared.frame["v"].tolist() == ["3.00", "17.00", "0.05"]
    assert table_from_frame(frame).rows.tolist() == [2, 3, 4]


def test_declared_decimals_decide_whether_a_figure_adds_up() -> None:
    # 183.6 - 112.6 = 71.0; a balance stored as 71.04 passes at one decimal ("71.0") and fails
    # at two ("71.04" against 71.00 +/- 0.01 is 0.02 beyond rounding).
    frame = pd.DataFrame({
        "flow": ["exports", "imports", "balance"], "product": ["ICT"] * 3,
        "partner": ["World"] * 3, "period": ["2020"] * 3,
        "value": [183.6, 112.6, 71.04], "unit": ["USD bn"] * 3,
    })
    assert validator.check(frame, KOREA_RULES, decimals={"value": 1}).count_failing() == 0
    failing = validator.check(frame, KOREA_RULES, decimals={"value": 2})
    assert [d.rule for d in failing.discrepancies] == ["balance"]


def test_dataframe_problems_are_input_errors() -> None:
    with pytest.raises(InputError, match="decimals are declared for column 'valeur'"):
        table_from_frame(pd.DataFrame({"value": [1.0]}), {"valeur": 1})
    with pytest.raises(InputError, match="column 'v' appears more than once"):
        table_from_frame(pd.DataFrame([[1, 2]], columns=["v", "v"]))


def test_to_frame_has_one_row_per_discrepancy(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "balance,ICT,World,2020,71.0", "balance,ICT,World,2020,17.0")
    assert text != EXAMPLE.read_text(encoding="utf-8")
    table.write_text(text, encoding="utf-8")
    report = validator.check(table, KOREA_RULES)
    frame = report.to_frame()
    assert len(frame) == len(report.discrepancies) > 0
    first = frame.iloc[0]
    assert (first["rule"], first["severity"]) == ("balance", "error")
    assert 4 in first["rows"]
    assert first["expected_lo"] < first["expected_hi"]
    assert validator.check(EXAMPLE, KOREA_RULES).to_frame().empty


def test_repr_html_is_the_report_body_with_its_style() -> None:
    html = validator.check(EXAMPLE, KOREA_RULES)._repr_html_()
    assert html.startswith("<style>") and "<main>" in html
    assert "<html" not in html and "<body" not in html


def test_extract_then_check_equals_checking_the_release() -> None:
    folder = ROOT / "tests" / "fixtures" / "extract" / "wire"
    date = datetime.date(2024, 3, 1)  # the wire story's dateline has no year
    release = validator.extract(folder / "release.txt", folder / "rules.yaml", release_date=date)
    assert len(release.table.frame) > 0
    assert (validator.check(release, folder / "rules.yaml").to_records()
            == validator.check(folder / "release.txt", folder / "rules.yaml",
                               release_date=date).to_records())


def test_the_cli_and_the_library_give_the_same_report(capsys: pytest.CaptureFixture[str]) -> None:
    from validator.cli import main
    from validator.reporters import Format, render

    assert main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--format", "json"]) == 0
    library = render(Format.JSON, validator.check(str(EXAMPLE), str(KOREA_RULES)).to_records())
    assert capsys.readouterr().out == library


def test_importing_the_package_does_not_load_pandas() -> None:
    import subprocess
    import sys

    code = "import sys, validator; print('pandas' in sys.modules, validator.__version__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.split() == ["False", validator.__version__]
