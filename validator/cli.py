"""The command line: `validator check TABLE --rules RULES`.

`main(argv)` returns the exit code: 0 clean, 1 discrepancies at a failing severity, 2 bad input
or usage. Nothing below this module exits the process.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from validator import __version__
from validator.engine import check as run_check
from validator.errors import InputError
from validator.reporters import REPORTERS, Format, render
from validator.rules import load_rules
from validator.table import FORMATS, read_table

EXIT_CLEAN, EXIT_DISCREPANCIES, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(click.ClickException):
    exit_code = EXIT_BAD_INPUT


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
def check_command(table: str, rules_path: str, formats: tuple[str, ...],
                  outputs: tuple[str, ...], table_format: str | None,
                  prior_path: str | None = None) -> int:
    """Check TABLE (CSV, TSV, XLSX or Parquet; '-' for stdin) against RULES."""
    if len(outputs) > max(len(formats), 1):
        raise click.UsageError("more --output files than --format options")
    chosen = [Format(f) for f in formats] or [Format.TEXT]
    targets = list(outputs) + [None] * (len(chosen) - len(outputs))
    if targets.count(None) > 1:
        raise click.UsageError("only one report can go to stdout; give --output for the others")
    try:
        rules = load_rules(rules_path)
        figures = read_table(table, table_format)
        prior = read_table(prior_path) if prior_path else None
        report = run_check(figures, rules, prior)
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
    return result if isinstance(result, int) else EXIT_CLEAN


def entry_point() -> None:
    raise SystemExit(main())
