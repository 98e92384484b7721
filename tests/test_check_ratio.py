"""The `ratio` rule kind: its docstring's examples, its options and its messages."""

from __future__ import annotations

import re

import pytest

from tests.conftest import found, rows
from validator.checks import ratio
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
COVER = "  - id: cover\n    ratio: cover = exports / imports\n    along: flow\n    times: 100\n"
BOUNDED = "  - id: import-cover\n    ratio: exports / imports\n    along: flow\n    max: {max}\n"


def table(exports: str = "183.6", imports: str = "112.6", cover: str = "163.1") -> str:
    return ("flow,product,partner,period,value,unit\n"
            f"exports,ICT,World,2020,{exports},USD bn\nimports,ICT,World,2020,{imports},USD bn\n"
            f"cover,ICT,World,2020,{cover},%\n")


def _docstring_messages() -> list[str]:
    doc = " ".join((ratio.__doc__ or "").split())
    return re.findall(r'"(ICT, World, 2020: .*? beyond rounding)"', doc)


def test_the_docstring_examples(runner) -> None:  # type: ignore[no-untyped-def]
    passing = runner(RULES + COVER + BOUNDED.format(max=2), table())
    assert passing.discrepancies == ()
    assert [(r.checked, r.failed) for r in passing.rules if r.kind == "ratio"] == [(1, 0), (1, 0)]
    failing = runner(RULES + COVER + BOUNDED.format(max=1.5), table(cover="150.0"))
    messages = sorted(d.message for d in failing.discrepancies)
    assert messages == sorted(_docstring_messages())
    assert len(messages) == 2


def test_a_printed_ratio_names_its_figures_the_ratio_first(runner) -> None:  # type: ignore[no-untyped-def]
    report = runner(RULES + COVER, table(cover="150.0"))
    (wrong,) = found(report, "cover")
    assert rows(wrong) == [4, 2, 3]
    assert [f.role for f in wrong.figures] == ["ratio", "numerator", "denominator"]
    assert wrong.reported == (149.95, 150.05)
    assert wrong.expected is not None and wrong.expected[0] < 163.06 < wrong.expected[1]


@pytest.mark.parametrize(("cover", "fails"), [("163.1", False), ("163.0", False),
                                                ("162.8", True), ("163.3", True)])
def test_a_printed_ratio_fails_only_beyond_rounding(runner, cover: str,  # type: ignore[no-untyped-def]
                                                    fails: bool) -> None:
    # 183.55..183.65 / 112.55..112.65 x 100 = 162.94..163.17
    report = runner(RULES + COVER, table(cover=cover))
    assert bool(found(report, "cover")) is fails


def test_bounds_on_the_quotient_meet_its_interval(runner) -> None:  # type: ignore[no-untyped-def]
    # The quotient reaches 1.6294..1.6317: a minimum of 1.63 is met by its interval.
    low = "  - id: low\n    ratio: exports / imports\n    along: flow\n    min: 1.63\n"
    assert runner(RULES + low, table()).discrepancies == ()
    high = "  - id: high\n    ratio: exports / imports\n    along: flow\n    min: 1.64\n"
    (below,) = runner(RULES + high, table()).discrepancies
    assert "below the minimum 1.64: 0.0083 beyond rounding" in below.message
    assert below.expected == (1.64, float("inf"))


def test_a_denominator_that_may_be_zero_is_not_evaluated(runner) -> None:  # type: ignore[no-untyped-def]
    report = runner(RULES + COVER, table(imports="0.0"))
    assert report.discrepancies == ()
    (skipped,) = report.not_evaluated
    assert skipped.reason == "the denominator imports may be zero"
    assert [(r.checked, r.not_evaluated) for r in report.rules if r.id == "cover"] == [(0, 1)]


def test_a_missing_figure_is_not_evaluated_and_named(runner) -> None:  # type: ignore[no-untyped-def]
    csv = table() + "exports,chips,World,2020,100.3,USD bn\n"
    report = runner(RULES + BOUNDED.format(max=2), csv)
    (skipped,) = report.not_evaluated
    assert skipped.reason == "figures not reported"
    assert skipped.missing == ({"flow": "imports", "product": "chips", "partner": "World",
                                "period": "2020"},)
    assert [(r.checked, r.not_evaluated) for r in report.rules if r.id == "import-cover"] == [
        (1, 1)]


def test_where_restricts_the_instances(runner) -> None:  # type: ignore[no-untyped-def]
    scoped = BOUNDED.format(max=1.5) + "    where: {product: chips}\n"
    report = runner(RULES + scoped, table())
    assert report.discrepancies == ()
    assert [r.not_evaluated for r in report.rules if r.id == "import-cover"] == [1]


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
