"""Which figure is most likely wrong: the `suspects` of a report (validator/localise.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.helpers import run
from validator.report import Report
from validator.reporters import Format, render
from validator.rules import load_rules, parse_rules
from validator.testing.mutations import MUTATIONS
from validator.testing.strategies import releases

ROOT = Path(__file__).resolve().parent.parent
KOREA = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
EXAMPLE = pd.read_csv(ROOT / "examples" / "korea-ict-2020" / "figures.csv", dtype=str,
                      keep_default_na=False)
SMALL = parse_rules("""\
figures: {value: value}
dimensions:
  flow: [exports, imports, balance]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
""", "small.yaml")


def first_rank(report: Report) -> set[int]:
    return {s.figure.row for s in report.suspects if s.rank == 1 and s.figure.row is not None}


def changed_rows(frame: pd.DataFrame, mutated: pd.DataFrame) -> set[int]:
    return {i + 2 for i in range(len(frame)) if not mutated.iloc[i].equals(frame.iloc[i])}


def test_clean_release_has_no_suspects() -> None:
    assert run(EXAMPLE, KOREA).suspects == ()


def test_transposed_balance_is_the_one_suspect_with_its_original_value() -> None:
    mutated = EXAMPLE.copy()
    mutated.loc[2, "value"] = "17.0"  # row 4: balance ICT World 2020, 71.0 printed as 17.0
    report = run(mutated, KOREA)
    first = [s for s in report.suspects if s.rank == 1]
    assert [(s.figure.row, s.suggestion, s.pattern) for s in first] == [
        (4, "71.0", "transposed_digits")]
    assert first[0].explains == (("balance", {"product": "ICT", "partner": "World",
                                              "period": "2020"}),)
    text = render(Format.TEXT, report.to_records())
    assert ("Most likely wrong: row 4, balance ICT World 2020, printed 17.0; 71.0 makes the "
            "failing rule hold (digits transposed)") in text


def test_a_single_rule_on_its_own_figures_is_a_tie_unless_a_pattern_tells() -> None:
    # 258.4 - 206.0 = 52.4 against 12.3: any one of the three figures alone could be wrong,
    # and no typing error turns 52.4 into 12.3, so all three share rank 1.
    frame = pd.DataFrame({"flow": ["exports", "imports", "balance"],
                          "value": ["258.4", "206.0", "12.3"]})
    report = run(frame, SMALL)
    assert {s.rank for s in report.suspects} == {1}
    assert first_rank(report) == {2, 3, 4}
    assert all(s.pattern is None for s in report.suspects)
    assert "a tie the data cannot break" in render(Format.TEXT, report.to_records())


def test_rate_sign_flip_is_suspected_in_the_change_column() -> None:
    # Row 29: semiconductor exports in December, +29.6% printed as -29.6%. The data also lets
    # other figures explain it (a tie), but the flipped rate is among them, restored.
    mutated = MUTATIONS["rate sign flip"](EXAMPLE, KOREA, 27)
    assert mutated is not None
    report = run(mutated, KOREA)
    flips = [(s.figure.row, s.column, s.suggestion, s.pattern) for s in report.suspects
             if s.rank == 1 and s.measure == "change"]
    assert (29, "change_pct", "29.6", "sign_flip") in flips


def test_swapped_figures_are_suspected_together() -> None:
    mutated = MUTATIONS["swapped figures"](EXAMPLE, KOREA, 3)  # semiconductors <-> computers
    assert mutated is not None
    report = run(mutated, KOREA)
    first = [s for s in report.suspects if s.rank == 1]
    assert {s.figure.row for s in first} == {5, 6}
    assert {s.pattern for s in first} == {"swapped_pair"}
    assert {s.suggestion for s in first} == {"100.3", "13.9"}


def test_sarif_points_at_the_suspect_and_otherwise_at_the_total() -> None:
    import json
    mutated = EXAMPLE.copy()
    mutated.loc[2, "value"] = "17.0"
    records = run(mutated, KOREA).to_records()
    (result,) = json.loads(render(Format.SARIF, records))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    records["suspects"] = []
    (result,) = json.loads(render(Format.SARIF, records))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 4  # first term


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_every_detected_example_mutation_has_its_figure_at_rank_one(kind: str) -> None:
    for row in range(len(EXAMPLE)):
        mutated = MUTATIONS[kind](EXAMPLE, KOREA, row)
        if mutated is None:
            continue
        report = run(mutated, KOREA)
        changed = changed_rows(EXAMPLE, mutated)
        named = {f.row for d in report.discrepancies for f in d.figures}
        if changed & named:
            assert first_rank(report) & changed, (kind, row)


@pytest.mark.xfail(reason="known gap since the generators print figures twice and shares: a "
                   "planted digit error can rank below another candidate (issue 12 stays open)",
                   strict=False)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# One planted error: a swap changes two figures at once, and is measured on the bundled
# examples instead (benchmarks/localisation.py and the test above).
@given(releases(KOREA, max_rows=80),
       st.sampled_from(sorted(k for k in MUTATIONS if k != "swapped figures")), st.data())
def test_one_planted_error_is_always_in_the_rank_one_set(frame: pd.DataFrame, kind: str,
                                                         data: st.DataObject) -> None:
    """Generated consistent releases with one planted error: the method may tie, never mislead."""
    frame = frame.reset_index(drop=True)
    row = data.draw(st.integers(0, len(frame) - 1), label="row")
    mutated = MUTATIONS[kind](frame, KOREA, row)
    if mutated is None:
        return
    report = run(mutated, KOREA)
    changed = changed_rows(frame, mutated)
    named = {f.row for d in report.discrepancies for f in d.figures}
    rules_of_file = {r.id for r in KOREA.rules}
    if not changed & named or not any(d.rule in rules_of_file for d in report.discrepancies):
        event("not detected by a rule of the file")
        return
    event(f"{kind}: localised")
    assert first_rank(report) & changed
