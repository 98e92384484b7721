"""The command line: `validator check`, `validator baseline` and `validator extract`.

`main(argv)` returns the exit code: 0 clean, 1 discrepancies at a failing severity, 2 bad input
or usage. Nothing below this module exits the process.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from validator import __version__
from validator.api import check, extract, table_of
from validator.baseline import apply_baseline, baseline_document, dumps, load_baseline
from validator.config import (
    CONFIG_FILE,
    PYPROJECT,
    Config,
    changed_since,
    discover,
    load_config,
    plan,
    shown,
)
from validator.errors import InputError
from validator.escaping import visible, visible_lines
from validator.model import RuleSet
from validator.outputs import Output, commit, refuse_clobbering
from validator.prior import GIT_PREFIX, read_prior
from validator.progress import StageProgress, wanted
from validator.prose import Release, is_release
from validator.report import FailOn, Report
from validator.reporters import COMBINABLE, INTERACTIVE, REPORTERS, Format, render
from validator.reporters.common import DEFAULT_MAX_PER_RULE, spreadsheet_safe
from validator.reporters.github import command, input_error_annotations
from validator.reporters.sarif import sarif_text
from validator.reporters.text import concise
from validator.rules import load_rules
from validator.selection import select_rules, split_selectors, unknown_selectors
from validator.signals import Interrupted, finish, install
from validator.table import FORMATS, STDIN, Table

EXIT_CLEAN, EXIT_DISCREPANCIES, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(click.ClickException):
    exit_code = EXIT_BAD_INPUT

    def show(self, file: object = None) -> None:
        for line in visible_lines(self.message):
            click.echo(f"validator: {line}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="validator")
def cli() -> None:
    """Check that the figures of a statistical release add up, within printed rounding."""


@cli.command("check")
@click.argument("tables", metavar="[PATH...]", nargs=-1)
@click.option("--rules", "rules_path", metavar="RULES.yaml",
              help="The rules file for every PATH. Without it, the project's config "
                   "(validator.toml, or [tool.validator] in pyproject.toml, found from the "
                   "working directory upwards) says which rules file checks which table.")
@click.option("--config", "config_path", metavar="FILE",
              help="This config file instead of the one found from the working directory up.")
@click.option("--format", "formats", multiple=True,
              type=click.Choice([f.value for f in REPORTERS]),
              help="Report format (repeatable, paired with --output in order). Default: text.")
@click.option("--output", "outputs", multiple=True, metavar="FILE",
              help="Write the report of the matching --format to FILE instead of stdout.")
@click.option("--reports", "reports_dir", metavar="DIR",
              help="With a config: write each dataset's reports (its `formats`) into DIR.")
@click.option("--table-format", type=click.Choice(FORMATS),
              help="Format of TABLE when its name does not tell (else its content tells).")
@click.option("--fail-on", type=click.Choice([f.value for f in FailOn]),
              help="Exit 1 on errors, on warnings too, or never.  [default: error, or the "
                   "config's]")
@click.option("--select", "select", multiple=True, metavar="RULE",
              help="Report only these rule ids (repeatable or comma-separated; 'input' "
                   "selects every 'input.' check).")
@click.option("--ignore", "ignore", multiple=True, metavar="RULE",
              help="Leave these rule ids out of the report and the exit code.")
@click.option("--baseline", "baseline_path", metavar="BASELINE.json",
              help="Hide the discrepancies this file accepts (made by `validator baseline`); "
                   "fail only on new ones and list entries no longer found.")
@click.option("--prior", "prior_path", metavar="LAST",
              help="The previous release's table: a path ('-' for stdin), or git:REV for the "
                   "same table at another commit. Revisions and dropped figures are reported.")
@click.option("--table", "figures_table", metavar="FIGURES",
              help="With a press release as TABLE: also check its figures against this table.")
@click.option("--date", "release_date", type=click.DateTime(["%Y-%m-%d"]),
              help="With a press release: its date, for 'last year' and 'last month'.")
@click.option("--history", metavar="HISTORY",
              help="With a press release: a table of earlier periods, to check record claims.")
@click.option("--since", metavar="REV",
              help="With a config: only the tables changed since the git commit REV (or whose "
                   "rules file changed), working tree included: a pull request's base.")
@click.option("-q", "--quiet", is_flag=True,
              help="Text: only the discrepancies, one line each, and one verdict per table.")
@click.option("-v", "--verbose", is_flag=True,
              help="Say on stderr which config, datasets and tables are used.")
@click.option("--max-per-rule", type=click.IntRange(min=0), default=DEFAULT_MAX_PER_RULE,
              show_default=True, metavar="N",
              help="Show at most N discrepancies of each rule in the text, markdown, html and "
                   "github formats, with the count of the rest (0: none; json and csv list "
                   "all).")
@click.option("--allow-empty", is_flag=True,
              help="Accept a run that checked nothing (verdict 'nothing checked'): exit 0 "
                   "instead of 1.")
@click.option("--sheet", "sheets", multiple=True, metavar="NAME",
              help="Read only this sheet of a workbook (repeatable). Default: every sheet with "
                   "figures; the others are listed as not read.")
@click.option("--engine", type=click.Choice(["memory", "duckdb", "spark"]), default="memory",
              show_default=True,
              help="Where the figures are held: in memory, or for a table larger than memory "
                   "in DuckDB (a CSV or Parquet path or glob, or duckdb:PATH::TABLE) or Spark "
                   "(a path or spark:TABLE); the report is the same.")
@click.option("--memory-limit", metavar="SIZE",
              help="With --engine duckdb or spark: the memory to stay within, such as 8GB "
                   "(DuckDB spills to disk beyond it; parts are cut to fit).")
@click.option("--annotate", "annotate_path", metavar="OUT.xlsx|OUT.docx",
              help="Also write a copy of the workbook (a new one for a CSV) with every "
                   "discrepancy as a comment on its cells and a sheet with the summary; for a "
                   ".docx press release, a copy with a comment on every number that is part "
                   "of a discrepancy or was not read.")
def check_command(tables: tuple[str, ...], rules_path: str | None, config_path: str | None,
                  formats: tuple[str, ...], outputs: tuple[str, ...], reports_dir: str | None,
                  table_format: str | None, fail_on: str | None, select: tuple[str, ...],
                  ignore: tuple[str, ...], baseline_path: str | None, prior_path: str | None,
                  figures_table: str | None, release_date: datetime | None,
                  history: str | None, since: str | None, quiet: bool,
                  verbose: bool, max_per_rule: int, allow_empty: bool = False,
                  sheets: tuple[str, ...] = (), annotate_path: str | None = None,
                  engine: str = "memory", memory_limit: str | None = None) -> int:
    """Check release tables: each PATH (a file, a folder or a glob) or, with no PATH, every
    table of the project's config.

    A table is a figures table (CSV, TSV, XLSX or Parquet; '-' for stdin) or a press release
    (.txt, .md, .html, .docx), whose figures are extracted first. With several tables the exit
    code is the worst of them, and their reports follow one another in the text, markdown and
    github formats (the others take one TABLE at a time; with a config, --reports writes one
    set of files per dataset).
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose do not go together")
    chosen, targets = _report_targets(formats, outputs)
    github = Format.GITHUB in chosen
    cli_select, cli_ignore = split_selectors(select), split_selectors(ignore)
    try:
        if rules_path is not None:
            if config_path is not None or reports_dir is not None or since is not None:
                raise click.UsageError("--config, --reports and --since go without --rules (the "
                                       "config names the rules files)")
            jobs = _jobs_from_paths(tables, rules_path, FailOn(fail_on or FailOn.ERROR.value))
            config = None
        else:
            config, jobs = _jobs_from_config(config_path, tables, fail_on, since, verbose)
    except InputError as exc:
        _bad_input(exc, github)
        return EXIT_BAD_INPUT
    if prior_path is not None:
        jobs = [replace(job, prior=prior_path) for job in jobs]
    try:
        # No report may overwrite an input: refused before anything is read or written.
        refuse_clobbering(targets, [*(job.table for job in jobs), *(job.rules for job in jobs),
                                    *(job.prior for job in jobs), baseline_path, figures_table,
                                    history])
    except InputError as exc:
        raise BadInput(str(exc)) from None
    if sum(1 for job in jobs if job.prior == STDIN) + tables.count(STDIN) > 1:
        raise click.UsageError("stdin ('-') can be read once: as a TABLE or as --prior")
    if len(jobs) > 1:
        single = [f.value for f in chosen if f not in COMBINABLE]
        if single:
            raise click.UsageError(
                f"--format {single[0]} reports on one TABLE at a time; run once per table "
                f"(several tables go with: {', '.join(sorted(f.value for f in COMBINABLE))}"
                "; with a config, --reports DIR writes each dataset's reports)")
        if baseline_path is not None:
            raise click.UsageError("--baseline applies to one TABLE at a time")
        if annotate_path is not None:
            raise click.UsageError("--annotate applies to one TABLE at a time")
    if annotate_path is not None:
        wants_docx = Path(annotate_path).suffix.lower() == ".docx"
        if any((Path(job.table).suffix.lower() == ".docx") != wants_docx for job in jobs):
            raise click.UsageError(
                "--annotate writes OUT.docx for a .docx press release, and OUT.xlsx for a "
                "table or workbook" if wants_docx else
                "--annotate OUT.xlsx goes with a table or workbook; for a .docx press release "
                "name OUT.docx")
        _refuse_overwrite(annotate_path, [
            *(job.table for job in jobs), *(job.rules for job in jobs),
            *(p for p in (prior_path, figures_table, history, baseline_path) if p)])
    if (figures_table or history) and not all(is_release(job.table) for job in jobs):
        raise click.UsageError("--table and --history go with a press release as TABLE (.txt, "
                               ".md, .html, .docx)")
    options = CheckOptions(
        table_format=table_format,
        figures_table=figures_table,
        release_date=release_date.date() if release_date else None,
        history=history,
        interactive=all(f in INTERACTIVE for f in chosen) and not quiet,
        sheets=sheets,
        engine=engine,
        memory_limit=memory_limit,
    )
    try:
        baseline = load_baseline(baseline_path) if baseline_path is not None else None
    except InputError as exc:
        _bad_input(exc, github)
        return EXIT_BAD_INPUT
    rendered: list[list[str]] = [[] for _ in chosen]
    per_dataset: dict[str, list[dict[str, Any]]] = {}
    seen_rules: list[str] = []
    loaded: dict[str, RuleSet] = {}
    worst = EXIT_CLEAN
    for job in jobs:
        if verbose:
            where = f" (dataset {job.dataset})" if job.dataset else ""
            prior = f", prior {job.prior}" if job.prior else ""
            click.echo(f"validator: checking {job.table} against {job.rules}{where}{prior}",
                       err=True)
        try:
            if job.rules not in loaded:
                loaded[job.rules] = load_rules(job.rules)
            report = _check_table(job.table, loaded[job.rules],
                                  replace(options, prior=job.prior))
            job_baseline = baseline or (load_baseline(job.baseline) if job.baseline else None)
        except InputError as exc:
            if len(jobs) == 1 and not github:
                raise BadInput(str(exc)) from None
            # One unusable table must not hide the reports on the others.
            for texts, fmt in zip(rendered, chosen, strict=True):
                if fmt is Format.GITHUB:
                    texts.append(input_error_annotations(exc.messages, job.table))
            BadInput(str(exc)).show()
            worst = max(worst, EXIT_BAD_INPUT)
            continue
        if job_baseline is not None:
            report = apply_baseline(report, job_baseline)
        seen_rules.extend(r.id for r in report.rules)
        report = select_rules(report, (*job.select, *cli_select), (*job.ignore, *cli_ignore))
        records = report.to_records()
        if job.dataset is not None:
            records["inputs"]["dataset"] = job.dataset
            per_dataset.setdefault(job.dataset, []).append(records)
        if annotate_path is not None:
            _annotate(job.table, records, annotate_path, loaded[job.rules].figures.value)
        for texts, fmt in zip(rendered, chosen, strict=True):
            texts.append(concise(records) if quiet and fmt is Format.TEXT
                         else render(fmt, records, max_per_rule))
        if report.fails(job.fail_on, allow_empty or bool(config and config.allow_empty)):
            worst = max(worst, EXIT_DISCREPANCIES)
    unknown = unknown_selectors((*cli_select, *cli_ignore), seen_rules) if seen_rules else []
    if unknown:
        raise click.UsageError("; ".join(f"--select/--ignore: {m}" for m in unknown))
    reports: list[Output] = []
    for texts, fmt, target in zip(rendered, chosen, targets, strict=True):
        # Quiet text is a line per finding: one table's lines follow the other's directly.
        reports.append(Output(target, ("" if quiet and fmt is Format.TEXT else "\n").join(texts)))
    _emit(reports)
    if not jobs and github:
        click.echo(command("notice", "no table to check: nothing the config covers changed, "
                           "or its datasets have no tables", title="validator"))
    if config is not None:
        _write_reports(config, reports_dir or config.reports, per_dataset)
    return worst


TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xls", ".xlsm", ".parquet", ".pq")


@dataclass(frozen=True)
class Job:
    """One table to check, with its rules file and the options that apply to it."""

    table: str
    rules: str
    fail_on: FailOn = FailOn.ERROR
    dataset: str | None = None  # the config's dataset, None with --rules
    prior: str | None = None
    baseline: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def _jobs_from_paths(paths: tuple[str, ...], rules: str, fail_on: FailOn) -> list[Job]:
    """With --rules: files as given, the tables under folders, the files globs match."""
    if not paths:
        raise click.UsageError("Missing argument 'PATH...': give the tables to check with "
                               "--rules (or leave out --rules to check the project's config)")
    jobs = []
    for item in paths:
        if item != STDIN and Path(item).is_dir():
            found = sorted(p for p in Path(item).rglob("*")
                           if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)
            if not found:
                raise InputError([f"{item}: no tables in this folder (looked for: "
                                  f"{', '.join(TABLE_SUFFIXES)})"])
            jobs += [Job(str(p), rules, fail_on) for p in found]
        elif item != STDIN and any(ch in item for ch in "*?[") and not Path(item).exists():
            matched = sorted(glob.glob(item, recursive=True))
            if not matched:
                raise InputError([f"{item}: no file matches this pattern"])
            jobs += [Job(p, rules, fail_on) for p in matched if Path(p).is_file()]
        else:
            jobs.append(Job(item, rules, fail_on))
    return jobs


def _jobs_from_config(config_path: str | None, paths: tuple[str, ...], fail_on: str | None,
                      since: str | None, verbose: bool) -> tuple[Config, list[Job]]:
    found = Path(config_path) if config_path is not None else discover(Path.cwd())
    if found is None:
        # An input problem, not a usage slip: in CI it must show as an annotation too.
        raise InputError([
            f"no rules file and no config: give --rules RULES.yaml, or add {CONFIG_FILE} (or "
            f"[tool.validator] in {PYPROJECT}) to the project; none was found in {Path.cwd()} "
            "or above (see docs/ci.md)"])
    config = load_config(found)
    if verbose:
        click.echo(f"validator: config {found}", err=True)
    planned = plan(config, paths)
    here = Path.cwd()
    for name in planned.excluded:
        click.echo(f"validator: {name}: excluded by {found} (a prior, or in 'exclude'); "
                   "not checked", err=True)
    missing = [f"{name}: no such file" for name in planned.not_covered
               if not Path(name).exists()]
    if missing:
        raise InputError(missing)
    for name in planned.not_covered:
        click.echo(f"validator: {name}: in no dataset of {found}; not checked", err=True)
    problems = [f"{found}: dataset '{d.name}': no table matches {', '.join(d.tables)}"
                for d in planned.empty]
    if problems and not config.allow_empty:
        raise InputError([*problems, "(set allow-empty = true to accept a dataset without "
                          "tables)"])
    targets = planned.targets
    if since is not None:
        targets = changed_since(config, since, targets)
        if not targets:
            click.echo(f"validator: no table of {found} changed since {since}; nothing to check",
                       err=True)
    jobs = []
    for target in targets:
        dataset = target.dataset
        prior = dataset.prior
        if prior and not prior.startswith(GIT_PREFIX) and prior != STDIN:
            prior = shown(config.root / prior, here)
        jobs.append(Job(
            table=target.table,
            rules=shown(config.root / dataset.rules, here),
            fail_on=FailOn(fail_on) if fail_on else dataset.fail_on,
            dataset=dataset.name,
            prior=prior,
            baseline=shown(config.root / dataset.baseline, here) if dataset.baseline else None,
            select=dataset.select,
            ignore=dataset.ignore,
        ))
    return config, jobs


def _bad_input(exc: InputError, github: bool) -> None:
    if github:
        click.echo(input_error_annotations(exc.messages), nl=False)
    BadInput(str(exc)).show()


REPORT_SUFFIXES: dict[Format, str] = {
    Format.TEXT: "txt", Format.JSON: "json", Format.MARKDOWN: "md", Format.HTML: "html",
    Format.JUNIT: "xml", Format.SARIF: "sarif", Format.GITHUB: "github.txt",
}


def _write_reports(config: Config, directory: str | None,
                   per_dataset: dict[str, list[dict[str, Any]]]) -> None:
    """Each dataset's `formats` into DIR: SARIF (one run, the dataset its category) and the
    combinable formats as one file per dataset, the other formats one file per table."""
    if directory is None:
        return
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"{directory}: cannot create the reports folder: {exc.strerror}") from None
    for dataset in config.datasets:
        records = per_dataset.get(dataset.name)
        if not records:
            continue
        for fmt in dataset.formats:
            suffix = REPORT_SUFFIXES[fmt]
            if fmt is Format.SARIF:
                text = sarif_text(records, dataset.name)
                _emit([Output(str(folder / f"{dataset.name}.{suffix}"), text)])
            elif fmt in COMBINABLE:
                _emit([Output(str(folder / f"{dataset.name}.{suffix}"),
                              "\n".join(render(fmt, r) for r in records))])
            else:
                for r in records:
                    name = str(r["inputs"]["table"]).replace("/", "__").replace("\\", "__")
                    _emit([Output(str(folder / f"{dataset.name}--{name}.{suffix}"),
                                  render(fmt, r))])


@cli.command("baseline")
@click.argument("table", metavar="TABLE")
@click.option("--rules", "rules_path", metavar="RULES.yaml",
              help="The rules file the table is checked against (default: its dataset's in "
                   "the project's config, with its prior).")
@click.option("--output", metavar="FILE", help="Write the baseline to FILE instead of stdout.")
@click.option("--table-format", type=click.Choice(FORMATS),
              help="Format of TABLE when its name does not tell (stdin is read as CSV).")
def baseline_command(table: str, rules_path: str | None, output: str | None,
                     table_format: str | None) -> int:
    """Write a baseline accepting every discrepancy TABLE has now (JSON, see docs/ci.md).

    Then `validator check TABLE --baseline FILE` fails only on new ones.
    """
    try:
        if rules_path is not None:
            job = Job(table, rules_path)
        else:
            _, jobs = _jobs_from_config(None, (table,), None, None, False)
            if len(jobs) != 1:
                raise InputError([f"{table}: {len(jobs)} datasets of the config check this "
                                  "table; give --rules"] if jobs else
                                 [f"{table}: no dataset of the config checks this table; "
                                  "give --rules"])
            job = jobs[0]
        refuse_clobbering([output], [table, job.rules, job.prior])
        rules = load_rules(job.rules)
        report = _check_table(job.table, rules,
                              CheckOptions(table_format=table_format, prior=job.prior))
    except InputError as exc:
        raise BadInput(str(exc)) from None
    _emit([Output(output, dumps(baseline_document(report)))])
    n = len(report.discrepancies)
    click.echo(f"validator: baseline of {n} {'discrepancy' if n == 1 else 'discrepancies'}",
               err=True)
    return EXIT_CLEAN


def _report_targets(formats: tuple[str, ...],
                    outputs: tuple[str, ...]) -> tuple[list[Format], list[str | None]]:
    """Each chosen format with its --output file, None for stdout."""
    if len(outputs) > max(len(formats), 1):
        raise click.UsageError("more --output files than --format options")
    chosen = [Format(f) for f in formats] or [Format.TEXT]
    targets: list[str | None] = [*outputs, *([None] * (len(chosen) - len(outputs)))]
    if targets.count(None) > 1:
        raise click.UsageError("only one report can go to stdout; give --output for the others")
    return chosen, targets


@dataclass(frozen=True)
class CheckOptions:
    """How to read and check one TABLE, as the command line says."""

    table_format: str | None = None
    prior: str | None = None  # a path, '-' or git:REV
    figures_table: str | None = None
    release_date: date | None = None
    history: str | None = None
    interactive: bool = True
    sheets: tuple[str, ...] = ()
    engine: str = "memory"
    memory_limit: str | None = None


def _check_table(table: str, rules: RuleSet, options: CheckOptions) -> Report:
    if options.engine != "memory":
        return check(table, rules, engine=options.engine, memory_limit=options.memory_limit,
                     prior=options.prior, table_format=options.table_format,
                     sheets=options.sheets)
    source: Table | Release = (extract(table, rules, release_date=options.release_date)
                               if is_release(table) else table_of(table, options.table_format,
                                                            rules=rules, sheets=options.sheets))
    # A path, '-' or git:REV (the same table at another commit).
    prior = read_prior(options.prior, table) if options.prior else None
    kwargs: dict[str, Any] = {
        "prior": prior, "figures_table": options.figures_table,
        "history": options.history,
    } if isinstance(source, Release) else {"prior": prior}
    size = len(source.table.frame if isinstance(source, Release) else source.frame)
    # The size is known only once the table is read, so a bar starts with "read" done.
    if not (options.interactive and wanted(size, sys.stderr)):
        return check(source, rules, **kwargs)
    progress = StageProgress(2 + len(rules.rules), sys.stderr)
    progress("read")
    try:
        return check(source, rules, progress=progress, **kwargs)
    finally:
        progress.close()


def _refuse_overwrite(target: str, inputs: Sequence[str]) -> None:
    """--annotate never writes over an input."""
    out = Path(target)
    for given in inputs:
        if given == "-":
            continue
        source = Path(given)
        same = out.resolve() == source.resolve()
        if not same and out.exists() and source.exists():
            same = os.path.samefile(out, source)
        if same:
            raise click.UsageError(f"--annotate {target} is an input; name another file")


def _annotate(table: str, records: dict[str, object], target: str, value_column: str) -> None:
    from validator.annotate import annotate
    from validator.annotate_docx import annotate_docx

    try:
        if Path(target).suffix.lower() == ".docx":
            annotate_docx(table, records, target)
        else:
            annotate(None if table == "-" else table, records, target, value_column)
    except InputError as exc:
        raise BadInput(str(exc)) from None


def _emit(outputs: list[Output]) -> None:
    try:
        commit(outputs)
    except InputError as exc:
        raise BadInput(str(exc)) from None


@cli.command("extract")
@click.argument("release", metavar="RELEASE")
@click.option("--rules", "rules_path", required=True, metavar="RULES.yaml",
              help="The rules file: its dimensions, and labels with the words for each code.")
@click.option("--date", "release_date", type=click.DateTime(["%Y-%m-%d"]),
              help="The release's date, for 'last year' and 'last month' (else found in the text).")
def extract_command(release: str, rules_path: str, release_date: datetime | None) -> int:
    """Write the figures stated in RELEASE (.txt, .md, .html, .docx) as a CSV table.

    Numbers that cannot be placed on codes are listed on stderr, never dropped silently.
    """
    try:
        rules = load_rules(rules_path)
        found = extract(release, rules, release_date=release_date.date() if release_date else None)
    except InputError as exc:
        raise BadInput(str(exc)) from None
    # Cells a spreadsheet would run as formulas are neutralised (see spreadsheet_safe).
    safe = found.table.frame.map(lambda cell: spreadsheet_safe(str(cell)))
    _emit([Output(None, safe.to_csv(index=False, lineterminator="\n"))])
    for unplaced in found.extraction.unplaced:
        click.echo(visible(f"validator: unplaced: sentence {unplaced.sentence}: "
                           f"'{unplaced.text}': {unplaced.reason}"), err=True)
    extraction = found.extraction
    click.echo(f"validator: {extraction.numbers_read} numbers read as figures, "
               f"{extraction.numbers_unread} not read", err=True)
    return EXIT_CLEAN


@cli.command("layout")
@click.argument("table", metavar="TABLE")
@click.option("--rules", "rules_path", required=True, metavar="RULES.yaml",
              help="The rules file: its dimensions, codes and labels.")
@click.option("--sheet", "sheets", multiple=True, metavar="NAME",
              help="Only this sheet (repeatable).")
@click.option("--suggest", is_flag=True, default=True,
              help="Print the layout found, and the hierarchy its indentation shows, as a "
                   "rules-file section (the default and only action).")
def layout_command(table: str, rules_path: str, sheets: tuple[str, ...], suggest: bool) -> int:
    """Print how TABLE (a workbook or CSV laid out for print) is read, as a `layout` section.

    Parents and children shown by the indentation of the row labels come out as a
    `dimensions` hierarchy to paste into the rules file.
    """
    from validator.layout import suggest as suggest_layout
    from validator.table import read_grids

    del suggest
    try:
        rules = load_rules(rules_path)
        grids = read_grids(table, rules, sheets)
    except InputError as exc:
        raise BadInput(str(exc)) from None
    click.echo(suggest_layout(grids, rules), nl=False)
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="validator", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return EXIT_BAD_INPUT
    except BadInput as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except click.ClickException as exc:
        _show_usage_error(exc)
        return exc.exit_code if exc.exit_code != 1 else EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("validator: aborted", err=True)
        return EXIT_BAD_INPUT
    except Interrupted as exc:
        click.echo(exc.message, err=True)
        return exc.exit_code
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): nothing more can be said there.
        click.echo("validator: the output stream was closed before the report was written",
                   err=True)
        return EXIT_BAD_INPUT
    except Exception as exc:  # the last line of defence: a message, never a traceback
        if os.environ.get("VALIDATOR_DEBUG"):
            raise
        click.echo(visible(f"validator: internal error: {type(exc).__name__}: {exc} (please "
                           "report it; set VALIDATOR_DEBUG=1 for details)"), err=True)
        return EXIT_BAD_INPUT
    return result if isinstance(result, int) else EXIT_CLEAN


def _show_usage_error(exc: click.ClickException) -> None:
    """click's own message, with the user's text in it made visible."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        click.echo(f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.\n", err=True)
    for line in visible_lines(exc.format_message()):
        click.echo(f"Error: {line}", err=True)


def entry_point() -> None:
    install()
    finish(main())
