"""The seed release checks clean, and each typical editing error planted in it is caught."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE

RunJson = Callable[..., tuple[int, dict[str, Any]]]


def plant(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    planted = tmp_path / "figures.csv"
    planted.write_text(text.replace(old, new), encoding="utf-8")
    return planted


def test_the_real_release_checks_clean(run_json: RunJson) -> None:
    code, report = run_json(EXAMPLE)
    assert code == 0
    assert report["summary"]["status"] == "clean"
    assert report["discrepancies"] == []
    assert report["summary"]["figures"] == 36
    checked = {r["id"]: r["checked"] for r in report["rules"]}
    assert checked["balance"] == 2  # the year and December
    assert checked["products-within-total"] == 8
    assert checked["partners-within-total"] == 6
    assert checked["months-within-year"] == 11
    assert checked["non-negative"] == 34


# (label, text as in the example, planted text, {rule: rows named by its discrepancies})
PLANTED = [
    ("dropped digit", "semiconductors,World,2020,100.3,", "semiconductors,World,2020,10.3,",
     {"partners-within-total": [[5, 11, 14, 19, 21, 25]],
      "prior-year": [[5, 11, 14, 19, 21, 25]]}),
    ("transposed digits", "exports,ICT,World,2020,183.6,", "exports,ICT,World,2020,138.6,",
     {"balance": [[4, 2, 3]], "products-within-total": [[2, 5, 6, 8, 9]],
      "partners-within-total": [[2, 10, 13, 16, 20, 23]],
      "prior-year": [[2, 5, 6, 8, 9], [2, 10, 13, 16, 20, 23]]}),
    ("growth rate with its sign flipped", "computers,US,2020,4.5,USD bn,95.9,",
     "computers,US,2020,4.5,USD bn,-95.9,",
     {"prior-year": [[10, 11, 12], [6, 12]]}),
    ("balance typo", "balance,ICT,World,2020,71.0,", "balance,ICT,World,2020,17.0,",
     {"balance": [[4, 2, 3]]}),
    ("millions labelled as billions", "displays,Japan,2020,130,USD mn,",
     "displays,Japan,2020,130,USD bn,",
     {"products-within-total": [[23, 24, 25]], "partners-within-total": [[8, 17, 24]],
      "prior-year": [[23, 24, 25], [8, 17, 24]]}),
    ("region larger than its total", "exports,ICT,China_HK,2020,86.9,",
     "exports,ICT,China_HK,2020,186.9,",
     {"partners-within-total": [[2, 10, 13, 16, 20, 23]],
      "prior-year": [[2, 10, 13, 16, 20, 23]]}),
    ("rate below -100%", "ssd,World,2020,10.1,USD bn,101.5,", "ssd,World,2020,10.1,USD bn,-101.5,",
     {"prior-year": [[7]]}),
    ("December region in millions labelled billions", "ICT,EU,2020-12,995,USD mn",
     "ICT,EU,2020-12,995,USD bn",
     {"partners-within-total": [[26, 33, 34, 35, 36, 37]],
      "months-within-year": [[20, 36]],
      "prior-year": [[26, 33, 34, 35, 36, 37], [20, 36]]}),
]


@pytest.mark.parametrize(("old", "new", "expected"), [p[1:] for p in PLANTED],
                         ids=[p[0] for p in PLANTED])
def test_planted_error_is_reported_by_the_right_rule(
    tmp_path: Path, run_json: RunJson, old: str, new: str, expected: dict[str, list[list[int]]]
) -> None:
    code, report = run_json(plant(tmp_path, old, new))
    assert code == 1
    found: dict[str, list[list[int]]] = {}
    for d in report["discrepancies"]:
        # The total first, then the parts in code-list order (not file order): sort the rows.
        rows = [f["row"] for f in d["figures"]]
        found.setdefault(d["rule"], []).append(rows[:1] + sorted(rows[1:]))
    assert found == {rule: [rows[:1] + sorted(rows[1:]) for rows in listed]
                     for rule, listed in expected.items()}


def test_balance_typo_message_gives_the_arithmetic(tmp_path: Path, run_json: RunJson) -> None:
    _, report = run_json(plant(tmp_path, "balance,ICT,World,2020,71.0,",
                               "balance,ICT,World,2020,17.0,"))
    (d,) = report["discrepancies"]
    assert d["message"] == (
        "ICT, World, 2020: exports 183.6 - imports 112.6 = 71.0 +/- 0.1, but balance is "
        "reported as 17.0: 53.9 beyond rounding"
    )
    assert d["severity"] == "error"
    assert d["description"] == "The trade balance equals exports minus imports"
    assert d["expected"] == pytest.approx([70.9, 71.1])
    assert d["reported"] == pytest.approx([16.95, 17.05])
    assert d["gap"] == pytest.approx(53.85)
    assert d["unit"] == "USD bn"
    assert [f["key"]["flow"] for f in d["figures"]] == ["balance", "exports", "imports"]
    assert [f["extra"]["source"] for f in d["figures"]] == ["s4", "s1 s2", "s4"]


def test_a_difference_of_one_in_the_last_digit_is_not_an_error(
    tmp_path: Path, run_json: RunJson
) -> None:
    # 183.6 - 112.6 = 71.0; a balance printed 71.1 is still within the rounding of all three.
    code, report = run_json(plant(tmp_path, "balance,ICT,World,2020,71.0,",
                                  "balance,ICT,World,2020,71.1,"))
    assert code == 0, report["discrepancies"]
    code, report = run_json(plant(tmp_path, "balance,ICT,World,2020,71.0,",
                                  "balance,ICT,World,2020,71.2,"))
    assert code == 1
