"""The library: `validator.check(...)` and `validator.extract(...)`. The CLI is a shell over these.

    import validator
    report = validator.check("figures.csv", "rules/korea-ict.yaml")
    report.to_frame()                      # the discrepancies as a DataFrame
    validator.check(frame, rules)          # a pandas DataFrame (see validator/dataframe.py)
    release = validator.extract("release.txt", rules)   # the figures a press release states
    validator.check(release, rules)        # ... checked like a table, with the prose checks

Documented in docs/api.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Mapping, Sequence

import pandas as pd

from validator.claims import ReleaseView, all_parts_result, record_result
from validator.dataframe import DATAFRAME, table_from_frame
from validator.engine import Progress
from validator.engine import check as run_check
from validator.marks import mark_release
from validator.model import Outcome, RuleSet
from validator.prose import (
    Release,
    is_release,
    read_release_figures,
    table_results,
    unplaced_result,
)
from validator.report import Report
from validator.rules import load_rules
from validator.table import Table, read_table, require_columns

PathLike = str | os.PathLike[str]
TableLike = PathLike | pd.DataFrame | Table
RulesLike = PathLike | RuleSet
Decimals = int | Mapping[str, int] | None


def rules_of(rules: RulesLike) -> RuleSet:
    """A loaded rules file, or the RuleSet given."""
    return rules if isinstance(rules, RuleSet) else load_rules(os.fspath(rules))


def table_of(table: TableLike, table_format: str | None = None,
             decimals: Decimals = None, rules: RuleSet | None = None,
             sheets: Sequence[str] = ()) -> Table:
    """A figures table from a path ('-' for stdin), a DataFrame or a Table; with `rules`, a
    workbook's sheets laid out for print and CSV dialects are read too, `sheets` naming the
    sheets to read (default: every sheet with figures)."""
    if isinstance(table, Table):
        return table
    if isinstance(table, pd.DataFrame):
        return table_from_frame(table, decimals, DATAFRAME)
    return read_table(os.fspath(table), table_format, rules, sheets)


def extract(release: PathLike, rules: RulesLike, *,
            release_date: datetime.date | None = None) -> Release:
    """The figures a press release (.txt, .md, .html, .docx) states, as a table, with the
    sentences, the numbers left unplaced, and the stated changes."""
    return read_release_figures(os.fspath(release), rules_of(rules), release_date)


def check(table: TableLike | Release, rules: RulesLike, *,
          prior: TableLike | None = None,
          table_format: str | None = None,
          decimals: Decimals = None,
          figures_table: TableLike | None = None,
          history: TableLike | None = None,
          release_date: datetime.date | None = None,
          sheets: Sequence[str] = (),
          progress: Progress | None = None,
          engine: str = "memory",
          memory_limit: str | None = None,
          partition_rows: int | None = None,
          spark: object = None) -> Report:
    """Check a figures table or a press release against a rules file.

    `table`: a path (CSV, TSV, XLSX, Parquet; a press release by its suffix), a DataFrame (with
    `decimals` for numeric columns), or what `extract` returned. `prior`: the previous release's
    table, for revisions. With a press release, `figures_table` checks its figures against a
    table, `history` checks record claims, and `release_date` resolves "last year". `sheets`
    names the sheets of a workbook to read (default: every sheet with figures).

    `engine`: "memory" (the default), or "duckdb" or "spark" for a table larger than memory
    (validator/lazy): a CSV or Parquet path or glob, `duckdb:PATH::TABLE`, `spark:TABLE` or a
    Spark DataFrame, checked in parts of at most `partition_rows` rows (by default as many as
    `memory_limit` allows), on the `spark` session given (else the active or a local one).
    """
    ruleset = rules_of(rules)
    if engine != "memory":
        return _check_lazy(table, ruleset, engine, memory_limit, partition_rows, spark,
                           given=[n for n, v in (("prior", prior), ("table_format", table_format),
                                                 ("decimals", decimals),
                                                 ("table", figures_table),
                                                 ("history", history), ("sheet", sheets))
                                  if v])
    outcomes: list[Outcome] = []
    source = table
    if not isinstance(source, Release | pd.DataFrame | Table) and is_release(os.fspath(source)):
        source = extract(source, ruleset, release_date=release_date)
    if isinstance(source, Release):
        outcomes = _prose_outcomes(source, ruleset, figures_table, history)
        figures = source.table
    else:
        if figures_table is not None or history is not None:
            raise ValueError("figures_table and history go with a press release")
        figures = table_of(source, table_format, decimals, ruleset, sheets)
    previous = table_of(prior, decimals=decimals, rules=ruleset) if prior is not None else None
    if not isinstance(source, Release):
        return run_check(figures, ruleset, outcomes, previous, progress)
    report = run_check(figures, ruleset, outcomes, previous, progress, explain=True)
    marked = mark_release(source, report, ruleset)
    return dataclasses.replace(report, release=marked)


def _check_lazy(table: object, rules: RuleSet, engine: str, memory_limit: str | None,
                partition_rows: int | None, spark: object, given: list[str]) -> Report:
    from validator.errors import InputError
    from validator.lazy import Engine, check_lazy

    try:
        chosen = Engine(engine)
    except ValueError:
        raise InputError([f"unknown engine '{engine}' (expected one of: "
                          f"{', '.join(e.value for e in Engine)})"]) from None
    if given:
        flags = {"prior": "--prior", "table_format": "--table-format", "table": "--table",
                 "history": "--history", "sheet": "--sheet"}  # decimals: the library's only
        named = ", ".join(f"{g} ({flags[g]})" if g in flags else g for g in given)
        raise InputError([f"only the memory engine takes {named}, not --engine {engine}"])
    if isinstance(table, Release | pd.DataFrame | Table) or (
            isinstance(table, str | os.PathLike) and is_release(os.fspath(table))):
        raise InputError([f"--engine {engine} checks a table of figures (CSV, Parquet or a "
                          "table of the engine), not a press release or a frame in memory"])
    module = {Engine.DUCKDB: "duckdb", Engine.SPARK: "pyspark"}[chosen]
    try:
        __import__(module)
    except ImportError:
        raise InputError([f"--engine {engine} needs {module}: pip install "
                          f"'release-validator[{chosen.value}]'"]) from None
    source = os.fspath(table) if isinstance(table, str | os.PathLike) else table
    return check_lazy(source, rules, chosen, memory_limit=memory_limit,
                      partition_rows=partition_rows, spark=spark)


def _prose_outcomes(release: Release, rules: RuleSet, figures_table: TableLike | None,
                    history: TableLike | None) -> list[Outcome]:
    """The checks on a press release's own text, beside the rules file's."""
    outcomes = [unplaced_result(release)]
    values = release.table.frame
    if figures_table is not None:
        other = table_of(figures_table, rules=rules)
        outcomes += table_results(release, other, rules)
        values = other.frame
    view = ReleaseView(release.extraction.sentences, release.table.frame)
    outcomes.append(all_parts_result(view, values, rules))
    if history is not None:
        past = table_of(history, rules=rules)
        require_columns(past, rules)
        outcomes.append(record_result(view, past.frame, rules))
    return outcomes
