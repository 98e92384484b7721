"""The command line: `validator check`, `validator baseline` and `validator extract`.

`main(argv)` returns the exit code: 0 clean, 1 discrepancies at a failing severity, 2 bad input
or usage. Nothing below this module exits the process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from validator import __version__
from validator.api import check, extract, table_of
from validator.baseline import apply_baseline, baseline_document, dumps, load_baseline
from validator.errors import InputError
from validator.model import RuleSet
from validator.progress import StageProgress, wanted
from validator.prose import Release, is_release
from validator.report import FailOn, Report
from validator.reporters import COMBINABLE, INTERACTIVE, REPORTERS, Format, render
from validator.rules import load_rules
from validator.table import FORMATS, Table

EXIT_CLEAN, EXIT_DISCREPANCIES, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(click.ClickException):
    exit_code = EXIT_BAD_INPUT

    def show(self, file: object = None) -> None:
        for line in self.message.splitlines():
            click.echo(f"validator: {line}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="validator")
def cli() -> None:
    """Check that the figures of a statistical release add up, within printed rounding."""


@cli.command("check")
@click.argument("tables", metavar="TABLE...", nargs=-1, required=True)
@click.option("--rules", "rules_path", required=True, metavar="RULES.yaml",
              help="The rules file: dimensions, code lists, hierarchies and rules.")
@click.option("--format", "formats", multiple=True,
              type=click.Choice([f.value for f in REPORTERS]),
              help="Report format (repeatable, paired with --output in order). Default: text.")
@click.option("--output", "outputs", multiple=True, metavar="FILE",
              help="Write the report of the matching --format to FILE instead of stdout.")
@click.option("--table-format", type=click.Choice(FORMATS),
              help="Format of TABLE when its name does not tell (stdin is read as CSV).")
@click.option("--fail-on", type=click.Choice([f.value for f in FailOn]),
              default=FailOn.ERROR.value, show_default=True,
              help="Exit 1 on errors, on warnings too, or never.")
@click.option("--baseline", "baseline_path", metavar="BASELINE.json",
              help="Hide the discrepancies this file accepts (made by `validator baseline`); "
                   "fail only on new ones and list entries no longer found.")
@click.option("--prior", "prior_path", metavar="LAST",
              help="The previous release's table: revisions and dropped figures are reported.")
@click.option("--table", "figures_table", metavar="FIGURES",
              help="With a press release as TABLE: also check its figures against this table.")
@click.option("--date", "release_date", type=click.DateTime(["%Y-%m-%d"]),
              help="With a press release: its date, for 'last year' and 'last month'.")
@click.option("--history", metavar="HISTORY",
              help="With a press release: a table of earlier periods, to check record claims.")
@click.option("--sheet", "sheets", multiple=True, metavar="NAME",
              help="Read only this sheet of a workbook (repeatable). Default: every sheet with "
                   "figures; the others are listed as not read.")
@click.option("--annotate", "annotate_path", metavar="OUT.xlsx",
              help="Also write a copy of the workbook (a new one for a CSV) with every "
                   "discrepancy as a comment on its cells and a sheet with the summary.")
def check_command(tables: tuple[str, ...], rules_path: str, formats: tuple[str, ...],
                  outputs: tuple[str, ...], table_format: str | None, fail_on: str,
                  baseline_path: str | None, prior_path: str | None, figures_table: str | None,
                  release_date: datetime | None, history: str | None,
                  sheets: tuple[str, ...], annotate_path: str | None) -> int:
    """Check each TABLE against RULES.

    A TABLE is a figures table (CSV, TSV, XLSX or Parquet; '-' for stdin) or a press release
    (.txt, .md, .html, .docx), whose figures are extracted first. With several tables the exit
    code is the worst of them, and their reports follow one another in the text, markdown and
    github formats (the others take one TABLE at a time).
    """
    chosen, targets = _report_targets(formats, outputs)
    if len(tables) > 1:
        single = [f.value for f in chosen if f not in COMBINABLE]
        if single:
            raise click.UsageError(
                f"--format {single[0]} reports on one TABLE at a time; run once per table "
                f"(several tables go with: {', '.join(sorted(f.value for f in COMBINABLE))})")
        if baseline_path is not None:
            raise click.UsageError("--baseline applies to one TABLE at a time")
        if annotate_path is not None:
            raise click.UsageError("--annotate applies to one TABLE at a time")
    if annotate_path is not None:
        _refuse_overwrite(annotate_path, [*tables, rules_path, *(p for p in (
            prior_path, figures_table, history, baseline_path) if p)])
    if (figures_table or history) and not all(is_release(t) for t in tables):
        raise click.UsageError("--table and --history go with a press release as TABLE (.txt, "
                               ".md, .html, .docx)")
    try:
        rules = load_rules(rules_path)
        baseline = load_baseline(baseline_path) if baseline_path is not None else None
    except InputError as exc:
        raise BadInput(str(exc)) from None
    options = CheckOptions(
        table_format=table_format,
        prior=prior_path,
        figures_table=figures_table,
        release_date=release_date.date() if release_date else None,
        history=history,
        interactive=all(f in INTERACTIVE for f in chosen),
        sheets=sheets,
    )
    rendered: list[list[str]] = [[] for _ in chosen]
    worst = EXIT_CLEAN
    for table in tables:
        try:
            report = _check_table(table, rules, options)
        except InputError as exc:
            if len(tables) == 1:
                raise BadInput(str(exc)) from None
            # One unusable table must not hide the reports on the others.
            BadInput(str(exc)).show()
            worst = max(worst, EXIT_BAD_INPUT)
            continue
        if baseline is not None:
            report = apply_baseline(report, baseline)
        records = report.to_records()
        if annotate_path is not None:
            _annotate(table, records, annotate_path, rules.figures.value)
        for texts, fmt in zip(rendered, chosen, strict=True):
            texts.append(render(fmt, records))
        if report.count_failing(FailOn(fail_on)):
            worst = max(worst, EXIT_DISCREPANCIES)
    for texts, target in zip(rendered, targets, strict=True):
        _emit("\n".join(texts), target)
    return worst


@cli.command("baseline")
@click.argument("table", metavar="TABLE")
@click.option("--rules", "rules_path", required=True, metavar="RULES.yaml",
              help="The rules file the table is checked against.")
@click.option("--output", metavar="FILE", help="Write the baseline to FILE instead of stdout.")
@click.option("--table-format", type=click.Choice(FORMATS),
              help="Format of TABLE when its name does not tell (stdin is read as CSV).")
def baseline_command(table: str, rules_path: str, output: str | None,
                     table_format: str | None) -> int:
    """Write a baseline accepting every discrepancy TABLE has now (JSON, see docs/ci.md).

    Then `validator check TABLE --rules RULES --baseline FILE` fails only on new ones.
    """
    try:
        rules = load_rules(rules_path)
        report = _check_table(table, rules, CheckOptions(table_format=table_format))
    except InputError as exc:
        raise BadInput(str(exc)) from None
    _emit(dumps(baseline_document(report)), output)
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
    prior: str | None = None
    figures_table: str | None = None
    release_date: date | None = None
    history: str | None = None
    interactive: bool = True
    sheets: tuple[str, ...] = ()


def _check_table(table: str, rules: RuleSet, options: CheckOptions) -> Report:
    source: Table | Release = (extract(table, rules, release_date=options.release_date)
                               if is_release(table) else table_of(table, options.table_format,
                                                            rules=rules, sheets=options.sheets))
    kwargs: dict[str, Any] = {
        "prior": options.prior, "figures_table": options.figures_table,
        "history": options.history,
    } if isinstance(source, Release) else {"prior": options.prior}
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

    try:
        annotate(None if table == "-" else table, records, target, value_column)
    except InputError as exc:
        raise BadInput(str(exc)) from None


def _emit(text: str, target: str | None) -> None:
    if target is None:
        click.echo(text, nl=False)
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{target}: cannot write the report: {exc.strerror}") from None


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
    click.echo(found.table.frame.to_csv(index=False, lineterminator="\n"), nl=False)
    for unplaced in found.extraction.unplaced:
        click.echo(f"validator: unplaced: sentence {unplaced.sentence}: '{unplaced.text}': "
                   f"{unplaced.reason}", err=True)
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
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code if exc.exit_code != 1 else EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("validator: aborted", err=True)
        return EXIT_BAD_INPUT
    except Exception as exc:  # the last line of defence: a message, never a traceback
        if os.environ.get("VALIDATOR_DEBUG"):
            raise
        click.echo(f"validator: internal error: {type(exc).__name__}: {exc} (please report it; "
                   "set VALIDATOR_DEBUG=1 for details)", err=True)
        return EXIT_BAD_INPUT
    return result if isinstance(result, int) else EXIT_CLEAN


def entry_point() -> None:
    raise SystemExit(main())
