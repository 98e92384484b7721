"""The `ratio` rule kind's rules-file errors (its evaluation cases are tests/cases/ratio.yaml)."""

from __future__ import annotations

import pytest

from validator.errors import InputError
from validator.rules import parse_rules

RULES = """\
version: 1
figures: {value: value, unit: unit, units: {USD bn: 1.0e9, "%": 1}, time: period}
dimensions:
  flow: [exports, imports, cover]
  product: [ICT, chips]
  partner: [World]
  period: ["2020"]
rules:
"""


@pytest.mark.parametrize(("rule", "message"), [
    ("ratio: exports - imports\n    along: flow\n    max: 2",
     "r.yaml:10:12: 'ratio' must be a quotient such as 'exports / imports' or "
     "'cover = exports / imports'"),
    ("ratio: exports / tourists\n    along: flow\n    max: 2",
     "r.yaml:10:12: 'tourists' is not a code of dimension 'flow'"),
    ("ratio: exports / imports\n    along: flow",
     "r.yaml:10:12: a ratio needs a printed figure ('cover = exports / imports') or bounds "
     "('min', 'max')"),
    ("ratio: exports / exports\n    along: flow\n    max: 2",
     "r.yaml:10:12: a code appears more than once in the ratio"),
    ("ratio: exports / imports\n    along: flow\n    min: 3\n    max: 2",
     "r.yaml:12:10: 'min' is larger than 'max'"),
    ("ratio: cover = exports / imports\n    along: flow\n    times: -1",
     "r.yaml:12:12: 'times' must be a positive number"),
    ("ratio: exports / imports\n    along: flow\n    max: lots",
     "r.yaml:12:10: 'max' must be a number"),
])
def test_rules_file_errors_are_located(rule: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_rules(RULES + f"  - id: r\n    {rule}\n", "r.yaml")
    assert list(caught.value.messages) == [message]
