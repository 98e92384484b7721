"""The lazy engines give the in-memory engine's report: the same discrepancies, counts and
coverage, on generated releases (with planted errors) and on the bundled examples, however
small the parts they cut the table into."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validator
from validator.cli import main
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
    records["inputs"].pop("table")  # how the engine names the table
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


def test_the_memory_limit_is_shared_between_duckdb_and_the_part_in_python() -> None:
    # DuckDB is given half (1,000 MB is 953.6 MiB); a part is sized to the other half at
    # 1,000 bytes a row, never below 10,000 rows.
    from validator.lazy.on_duckdb import DuckSource

    source = DuckSource(str(ROOT / "examples" / "korea-ict-2020" / "figures.csv"), "2GB")
    try:
        setting = source.con.execute("SELECT current_setting('memory_limit')").fetchall()
    finally:
        source.close()
    assert setting == [("953.6 MiB",)]
    assert part_rows("2GB") == 1_000_000
    assert part_rows("1 GiB") == 2**29 // 1_000
    assert part_rows("1MB") == 10_000
    assert part_rows(None) == 2_000_000


def test_a_part_without_usable_figures_does_not_leave_a_rule_unevaluated(
        tmp_path: Path) -> None:
    # Parts of a figure or two: the part with only a figure printed twice, as 1 and as 3,
    # checks nothing, but the table has usable figures, so the bounds rule is evaluated (as in
    # memory), not "not evaluated" once for that part.
    codes = "ABCDEFGHIJ"
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(
        f"version: 1\nfigures: {{value: value}}\ndimensions:\n  product: {list(codes)}\n"
        "rules:\n  - {id: non-negative, bounds: {min: 0}}\n", encoding="utf-8")
    path = tmp_path / "figures.csv"
    path.write_text("product,value\nA,1\nA,3\n" + "".join(f"{c},5\n" for c in codes[1:]),
                    encoding="utf-8")
    rules = load_rules(str(rules_file))
    got = assert_same(path, rules, Engine.DUCKDB, 1)
    summary = next(r for r in got.rules if r.id == "non-negative")
    assert (summary.checked, summary.not_evaluated) == (9, 0)
    path.write_text("product,value\nA,1\nA,3\n", encoding="utf-8")
    got = assert_same(path, rules, Engine.DUCKDB, 1)
    assert [e.reason for e in got.not_evaluated if e.rule == "non-negative"] == [
        "no figure in scope has a usable value"]


def planted(tmp_path: Path, suffix: str = ".csv") -> Path:
    """The Korean example with its balance's digits swapped (71.0 printed as 17.0)."""
    frame = pd.read_csv(ROOT / "examples" / "korea-ict-2020" / "figures.csv", dtype=str,
                        keep_default_na=False)
    frame.loc[2, "value"] = "17.0"
    path = tmp_path / f"figures{suffix}"
    frame.to_csv(path, index=False)
    return path


def test_the_command_line_gives_the_same_json_on_duckdb(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = planted(tmp_path)
    rules = str(ROOT / "rules" / "korea-ict.yaml")
    assert main(["check", str(path), "--rules", rules, "--format", "json"]) == 1
    expected = capsys.readouterr().out
    assert main(["check", str(path), "--rules", rules, "--format", "json",
                 "--engine", "duckdb", "--memory-limit", "1GB"]) == 1
    assert capsys.readouterr().out == expected


def test_a_duckdb_table_is_read_by_name(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    path = planted(tmp_path)
    database = tmp_path / "figures.duckdb"
    con = duckdb.connect(str(database))
    con.execute(f"CREATE TABLE trade AS SELECT * FROM read_csv('{path}', all_varchar = true)")
    con.close()
    spec = f"duckdb:{database}::trade"
    assert main(["check", spec, "--rules", str(ROOT / "rules" / "korea-ict.yaml"),
                 "--engine", "duckdb", "-q"]) == 1
    out = capsys.readouterr().out
    assert f"{spec}:2: error [balance]" in out and "1 error" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--engine", "duckdb", "--memory-limit", "lots"],
     "validator: --memory-limit: 'lots' is not an amount of memory such as 8GB\n"),
    (["--engine", "duckdb", "--prior", "PATH"],
     "validator: only the memory engine takes prior (--prior), not --engine duckdb\n"),
])
def test_lazy_engine_misuse_exits_2_with_one_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str) -> None:
    path = planted(tmp_path)
    args = [str(path) if a == "PATH" else a for a in args]
    assert main(["check", str(path), "--rules", str(ROOT / "rules" / "korea-ict.yaml"),
                 *args]) == 2
    assert capsys.readouterr().err == message


@pytest.mark.parametrize(("spec", "message"), [
    ("duckdb:{dir}/none.duckdb::trade", "{spec}: no DuckDB file '{dir}/none.duckdb'"),
    ("duckdb:{dir}/none.duckdb", "{spec}: name a table as duckdb:PATH::TABLE"),
    ("{dir}/none.csv", "{spec}: cannot read the table: No such file or directory"),
])
def test_a_table_duckdb_cannot_find_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           spec: str, message: str) -> None:
    spec = spec.format(dir=tmp_path)
    assert main(["check", spec, "--rules", str(ROOT / "rules" / "korea-ict.yaml"),
                 "--engine", "duckdb"]) == 2
    assert capsys.readouterr().err == f"validator: {message.format(spec=spec, dir=tmp_path)}\n"


# --- Spark: local[2], one session for the module --------------------------------------------

@pytest.fixture(scope="module")
def spark() -> Any:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (.ci/run installs it)")
    from validator.lazy.on_spark import session

    return session()


@pytest.mark.parametrize(("example", "rules_file"), EXAMPLES)
def test_spark_reports_the_examples_as_memory_does(spark: Any, example: str,
                                                   rules_file: str) -> None:
    rules = load_rules(str(ROOT / "rules" / rules_file))
    assert_same(ROOT / "examples" / example / "figures.csv", rules, Engine.SPARK, 6)


def test_spark_finds_the_planted_error_in_parquet_and_in_a_table(spark: Any,
                                                                 tmp_path: Path) -> None:
    rules = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
    csv_path = planted(tmp_path)
    parquet = tmp_path / "figures.parquet"
    pd.read_csv(csv_path, dtype=str, keep_default_na=False).to_parquet(parquet, index=False)
    report = assert_same(parquet, rules, Engine.SPARK, 4)
    assert [s.figure.row for s in report.suspects if s.rank == 1] == [4]
    spark.read.parquet(str(parquet)).createOrReplaceTempView("korea_ict")
    by_name = check_lazy("spark:korea_ict", rules, Engine.SPARK, partition_rows=4)
    assert canonical(by_name) == canonical(report)
    frame = spark.read.parquet(str(parquet))
    given = validator.check(frame, rules, engine="spark", partition_rows=5, spark=spark)
    assert canonical(given) == canonical(report)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_rules_and_release(max_rows=40), st.sampled_from(sorted(MUTATIONS)), st.data())
def test_spark_reports_generated_releases_as_memory_does(
        spark: Any, tmp_path_factory: pytest.TempPathFactory, case: GeneratedCase, kind: str,
        data: st.DataObject) -> None:
    row = data.draw(st.integers(0, len(case.frame) - 1), label="row")
    mutated = MUTATIONS[kind](case.frame, case.rules, row)
    path = tmp_path_factory.mktemp("spark") / "figures.csv"
    (case.frame if mutated is None else mutated).to_csv(path, index=False)
    got = check_lazy(str(path), case.rules, Engine.SPARK, partition_rows=3)
    assert canonical(got) == canonical(in_memory(path, case.rules)), case.yaml_text


def test_one_part_is_one_pass_and_more_parts_merge_no_further_than_they_cut() -> None:
    rules = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
    whole = plan(rules, 1)
    assert len(whole) == 1 and whole[0].apart == () and whole[0].inputs
    assert whole[0].signs == bool(rules.figures.signed)
    assert len(whole[0].rules) == len(plan(rules, 10**6)[0].rules) + sum(
        len(p.rules) for p in plan(rules, 10**6)[1:])
    codes = {d.name: len(d.codes) for d in rules.dimensions}
    counts = [len(plan(rules, parts)) for parts in (1, 2, 5, 50, 10**6)]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    for step in plan(rules, 2):  # two parts: every pass merged as far as two parts allow
        combinations = 1
        for dim in step.apart:
            combinations *= codes[dim]
        assert step.apart and combinations >= 4 * 2


def test_implied_prior_is_split_into_pieces_that_add_up(tmp_path: Path) -> None:
    rules = load_rules(str(ROOT / "rules" / "korea-ict.yaml"))
    prior = next(r for r in rules.rules if r.kind == "implied_prior")
    pieces = [p for step in plan(rules, 10**6) for p in step.rules if p.id == prior.id]
    assert sorted(p.options.rules for p in pieces) == sorted(
        [(), *((i,) for i in prior.options.rules)])
    assert [p.options.own for p in pieces].count(True) == 1


@pytest.mark.parametrize(("call", "message"), [
    (lambda: validator.check(ROOT / "examples" / "korea-ict-2020" / "figures.csv",
                             ROOT / "rules" / "korea-ict.yaml", engine="polars"),
     "unknown engine 'polars' (expected one of: memory, duckdb, spark)"),
    (lambda: validator.check(pd.DataFrame({"a": ["1"]}), ROOT / "rules" / "korea-ict.yaml",
                             engine="duckdb"),
     "--engine duckdb checks a table of figures (CSV, Parquet or a table of the engine), not a "
     "press release or a frame in memory"),
])
def test_the_library_refuses_what_a_lazy_engine_cannot_read(call: Any, message: str) -> None:
    from validator.errors import InputError

    with pytest.raises(InputError) as raised:
        call()
    assert list(raised.value.messages) == [message]
