"""Every number in every format is rounded to what the printed figures support: no interval
ends such as 42.4689899587 from float arithmetic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from validator.engine import check
from validator.reporters import REPORTERS, render
from validator.rules import parse_rules
from validator.table import read_table

RULES = """\
figures: {value: value, share: share}
dimensions:
  partner: {World: [China, Other]}
rules:
  - id: shares
    share: partner
"""
# 86.9 of 183.6 is 47.33 +/- 0.04 %; printed 42.5.
TABLE = "partner,value,share\nWorld,183.6,\nChina,86.9,42.5\nOther,96.7,52.7\n"
LONG_DECIMALS = re.compile(r"\d\.\d{5,}")


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    path = Path(tmp_path_factory.mktemp("t")) / "t.csv"
    path.write_text(TABLE)
    return check(read_table(str(path)), parse_rules(RULES, "r.yaml")).to_records()


def test_the_share_interval_is_rounded(records: dict[str, object]) -> None:
    (d,) = records["discrepancies"]  # type: ignore[misc]
    lo, hi = d["expected"]
    assert (lo, hi) == (47.291, 47.371)  # a tenth of the width: 0.08 wide, to 0.001
    assert d["gap"] == round(d["gap"], 3)


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_format_prints_float_noise(records: dict[str, object], fmt: object) -> None:
    text = render(fmt, records)  # type: ignore[arg-type]
    assert not LONG_DECIMALS.findall(text), LONG_DECIMALS.findall(text)[:3]
