"""The lazy engines give the in-memory engine's report: the same discrepancies, counts and
coverage, on generated releases (with planted errors) and on the bundled examples, however
small the parts they cut the table into."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.engine import check
from validator.lazy import Engine, check_lazy, part_rows
from validator.lazy.plan import plan
from validator.model import RuleSet
from validator.report import Report
from validator.rules import load_rules
from validator.table import read_table
from validator.testing.mutations import MUTATIONS
from validator.testing.strategies import GeneratedCase, random_rules_and_release

pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [("korea-ict-2020", "korea-ict.yaml"), ("monthly-trade-deficit", "monthly-trade.yaml")]


def canonical(report: Report) -> dict[str, Any]:
    """The report's records, with the discrepancies and instances not evaluated as sets (a
    lazy engine may list them in another order within a rule)."""
    records = report.to_records()
    for key in ("discrepancies", "not_evaluated"):
        records[key] = sorted(json.dumps(r, sort_keys=True) for r in records[key])
    records.pop("table", None)
    return records


def in_memory(path: Path, rules: RuleSet) -> Report:
    return check(read_table(str(path), rules=rules), rules)


def assert_same(path: Path, rules: RuleSet, engine: Engine, rows: int | None) -> Report:
    expected = in_memory(path, rules)
    got = check_lazy(str(path), rules, engine, partition_rows=rows)
    assert canonical(got) == canonical(expected)
    return got


@pytest.mark.parametrize("rows", [None, 1, 5])
@pytest.mark.parametrize(("example", "rules_file"), EXAMPLES)
def test_duckdb_reports_the_examples_as_memory_does(example: str, rules_file: str,
                                                    rows: int | None) -> None:
    rules = load_rules(str(ROOT / "rules" / rules_file))
    report = assert_same(ROOT / "examples" / example / "figures.csv", rules, Engine.DUCKDB, rows)
    assert report.coverage.figures_checked > 0


@pytest.mark.parametrize("rows", [1, 4])
def test_duckdb_finds_a_planted_error_and_its_suspect(tmp_path: Path, rows: int) -> None:
    rules = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
    frame = pd.read_csv(ROOT / "examples" / "korea-ict-2020" / "figures.csv", dtype=str,
                        keep_default_na=False)
    frame.loc[2, "value"] = "17.0"  # the balance 71.0, its digits swapped
    path = tmp_path / "figures.csv"
    frame.to_csv(path, index=False)
    report = assert_same(path, rules, Engine.DUCKDB, rows)
    assert report.discrepancies
    assert [s.figure.row for s in report.suspects if s.rank == 1] == [4]


def test_duckdb_reads_parquet_as_the_memory_engine_does(tmp_path: Path) -> None:
    rules = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
    frame = pd.read_csv(ROOT / "examples" / "korea-ict-2020" / "figures.csv", dtype=str,
                        keep_default_na=False)
    frame["value"] = frame["value"].astype(float)  # a typed column, printed as its repr
    frame.loc[2, "value"] = 17.0
    path = tmp_path / "figures.parquet"
    frame.to_parquet(path, index=False)
    report = assert_same(path, rules, Engine.DUCKDB, 3)
    assert report.discrepancies


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_rules_and_release(max_rows=60), st.sampled_from(sorted(MUTATIONS)),
       st.integers(1, 9), st.data())
def test_duckdb_reports_generated_releases_as_memory_does(
        tmp_path_factory: pytest.TempPathFactory, case: GeneratedCase, kind: str, rows: int,
        data: st.DataObject) -> None:
    row = data.draw(st.integers(0, len(case.frame) - 1), label="row")
    mutated = MUTATIONS[kind](case.frame, case.rules, row)
    frame = case.frame if mutated is None else mutated
    path = tmp_path_factory.mktemp("lazy") / "figures.csv"
    frame.to_csv(path, index=False)
    expected = in_memory(path, case.rules)
    got = check_lazy(str(path), case.rules, Engine.DUCKDB, partition_rows=rows)
    assert canonical(got) == canonical(expected), case.yaml_text


def test_passes_keep_every_instance_whole() -> None:
    rules = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
    passes = plan(rules)
    assert passes[0].inputs and sum(p.inputs for p in passes) == 1
    # Every piece of every rule is in exactly one pass, which does not cut along what it varies.
    pieces = [(r.id, r.options) for p in passes for r in p.rules]
    assert len(pieces) == len(set(map(repr, pieces)))
    for step in passes:
        assert not set(step.apart) & step.varies


def test_part_rows_follow_the_memory_limit() -> None:
    assert part_rows("8GB") == 4_000_000
    assert part_rows(None) > 0
