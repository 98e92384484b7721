"""The command line: `validator check TABLE --rules RULES`.

`main(argv)` returns the exit code: 0 clean, 1 discrepancies at a failing severity, 2 bad input
or usage. Nothing below this module exits the process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import click

from validator import __version__
from validator.claims import ReleaseView, all_parts_result, record_result
from validator.engine import check as run_check
from validator.errors import InputError
from validator.prose import is_release, read_release_figures, table_results, unplaced_result
from validator.reporters import REPORTERS, Format, render
from validator.rules import load_rules
from validator.table import FORMATS, read_table, require_columns

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
@click.argument("table", metavar="TABLE")
@click.option("--rules", "rules_path", required=True, metavar="RULES.yaml",
              help="The rules file: dimensions, code lists, hierarchies and rules.")
@click.option("--format", "formats", multiple=True,
              type=click.Choice([f.value for f in REPORTERS]),
              help="Report format (repeatable, paired with --output in order). Default: text.")
@click.option("--output", "outputs", multiple=True, metavar="FILE",
              help="Write the report of the matching --format to FILE instead of stdout.")
@click.option("--table-format", type=click.Choice(FORMATS),
              help="Format of TABLE when its name does not tell (stdin is read as CSV).")
@click.option("--prior", "prior_path", metavar="LAST", default=None,
              help="The previous release's table: revisions and dropped figures are reported.")
@click.option("--table", "figures_table", metavar="FIGURES",
              help="With a press release as TABLE: also check its figures against this table.")
@click.option("--date", "release_date", type=click.DateTime(["%Y-%m-%d"]),
              help="With a press release: its date, for 'last year' and 'last month'.")
@click.option("--history", metavar="HISTORY",
              help="With a press release: a table of earlier periods, to check record claims.")
def check_command(table: str, rules_path: str, formats: tuple[str, ...],
                  outputs: tuple[str, ...], table_format: str | None,
                  figures_table: str | None, release_date: datetime | None,
                  history: str | None, prior_path: str | None) -> int:
    """Check TABLE against RULES.

    TABLE is a figures table (CSV, TSV, XLSX or Parquet; '-' for stdin) or a press release
    (.txt, .md, .html, .docx), whose figures are extracted first.
    """
    if len(outputs) > max(len(formats), 1):
        raise click.UsageError("more --output files than --format options")
    chosen = [Format(f) for f in formats] or [Format.TEXT]
    targets = list(outputs) + [None] * (len(chosen) - len(outputs))
    if targets.count(None) > 1:
        raise click.UsageError("only one report can go to stdout; give --output for the others")
    if (figures_table or history) and not is_release(table):
        raise click.UsageError("--table and --history go with a press release as TABLE (.txt, "
                               ".md, .html, .docx)")
    try:
        rules = load_rules(rules_path)
        if is_release(table):
            release = read_release_figures(table, rules,
                                           release_date.date() if release_date else None)
            checked = release.table
            builtins = [unplaced_result(release)]
            values = release.table.frame
            if figures_table:
                other = read_table(figures_table)
                builtins += table_results(release, other, rules)
                values = other.frame
            view = ReleaseView(release.extraction.sentences, release.table.frame)
            builtins.append(all_parts_result(view, values, rules))
            if history:
                past = read_table(history)
                require_columns(past, rules)
                builtins.append(record_result(view, past.frame, rules))
        else:
            checked = read_table(table, table_format)
            builtins = []
        prior = read_table(prior_path) if prior_path else None
        report = run_check(checked, rules, builtins, prior)
    except InputError as exc:
        raise BadInput(str(exc)) from None
    records = report.to_records()
    for fmt, target in zip(chosen, targets, strict=True):
        text = render(fmt, records)
        if target is None:
            click.echo(text, nl=False)
        else:
            try:
                Path(target).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise BadInput(f"{target}: cannot write the report: {exc.strerror}") from None
    return EXIT_DISCREPANCIES if report.count_failing() else EXIT_CLEAN


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
        found = read_release_figures(release, rules, release_date.date() if release_date else None)
    except InputError as exc:
        raise BadInput(str(exc)) from None
    click.echo(found.table.frame.to_csv(index=False, lineterminator="\n"), nl=False)
    for unplaced in found.extraction.unplaced:
        click.echo(f"validator: unplaced: sentence {unplaced.sentence}: '{unplaced.text}': "
                   f"{unplaced.reason}", err=True)
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
