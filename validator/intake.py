"""From a table to usable figures: the pandera schema, the parse, and the input discrepancies.

A table without the columns the rules file names cannot be used (InputError, exit 2). Problems in
single rows become findings of built-in `input.*` rules naming the row; those figures are left out
of the other rules, which then count the instances that needed them as not evaluated.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from validator.errors import InputError
from validator.figures import Figures, Texts, key_radix
from validator.limits import MAX_FIGURES_PER_FINDING, MAX_MAGNITUDE
from validator.model import Dimension, FigureRole, FiguresSpec, Finding, RuleSet
from validator.numbers import (
    Parsed,
    code_positions,
    is_one_of,
    parse_printed,
)
from validator.periods import is_period, shift_period
from validator.table import FORMULA_VALUE, FORMULA_VALUE_DESCRIPTION, Table
from validator.value_forms import UNIT_CONFLICT, UNIT_CONFLICT_DESCRIPTION, normalise

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors
# With PySpark installed (the spark extra), pandera imports pyspark.pandas when it first
# validates, which warns about the pandas version on every run; that is not the user's concern.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support",
                        category=FutureWarning)

MISSING_CODE = "input.missing-code"
UNKNOWN_CODE = "input.unknown-code"
MALFORMED_NUMBER = "input.malformed-number"
UNKNOWN_UNIT = "input.unknown-unit"
DUPLICATE = "input.duplicate"

INPUT_RULES = {
    MISSING_CODE: "Every figure gives a code in each dimension",
    UNKNOWN_CODE: "Every code is in its dimension's code list",
    MALFORMED_NUMBER: "Values and % changes are printed numbers",
    UNKNOWN_UNIT: "Every unit is declared in the rules file",
    DUPLICATE: "A figure printed twice has values that can both be right",
}
# Digits with separators and an exponent: a number, if one too large to check.
_NUMERIC_LOOKING = re.compile(r"[+\-]?[\d.,\s]*\d[\d.,\s]*(?:[eE][+\-]?\d+)?")
# Reported only when the rules file asks for what they check (`figures.unit_words`).
OPTIONAL_INPUT_RULES = {UNIT_CONFLICT: UNIT_CONFLICT_DESCRIPTION,
                        FORMULA_VALUE: FORMULA_VALUE_DESCRIPTION}


@dataclass
class Intake:
    figures: Figures
    row_keys: np.ndarray  # the key of every row of the table, -1 where a code is unknown
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)


class ParsedColumns:
    """Each column parsed once: the schema's row checks and the intake share the result."""

    def __init__(self, frame: pd.DataFrame, rules: RuleSet) -> None:
        self.frame = frame
        self.spec = rules.figures
        self.dimensions = {d.name: d for d in rules.dimensions}
        self._numbers: dict[str, Parsed] = {}
        self._codes: dict[str, np.ndarray] = {}

    def dimension(self, name: str) -> Dimension:
        """The dimension, a time dimension with the periods the table uses added."""
        dim = self.dimensions[name]
        if dim.is_time and name not in self._codes:
            self.dimensions[name] = dim = _with_observed_periods(dim, self.frame[name])
        return dim

    def codes(self, name: str) -> np.ndarray:
        if name not in self._codes:
            dim = self.dimension(name)
            self._codes[name] = code_positions(self.frame[name], dim.codes)
        return self._codes[name]

    def number(self, column: str, role: str) -> Parsed:
        """The column read as printed numbers in its own unit (scale 1)."""
        if column not in self._numbers:
            self._numbers[column] = parse_printed(self.frame[column], self.spec.rounding_of(role),
                                                  self.spec.trailing_zeros)
        return self._numbers[column]


def build_schema(rules: RuleSet, parsed: ParsedColumns) -> pa.DataFrameSchema:
    """Columns the rules file names, with the row checks that become input discrepancies.

    The row checks reuse the intake's parse of each column instead of reading the text again.
    """
    value_column = rules.figures.value

    def no_value(unit: pd.Series) -> pd.Series:
        # The unit check sees its own column only; the empty values come from the frame it
        # belongs to, which the schema validates as a whole.
        values = parsed.frame[value_column]
        return (values.astype("str").str.strip() == "") & (unit.str.strip() == "")

    columns: dict[str, pa.Column] = {}
    spec = rules.figures
    for dim in rules.dimensions:
        check = pa.Check(lambda s, name=dim.name: pd.Series(parsed.codes(name) >= 0,
                                                            index=s.index),
                         name=UNKNOWN_CODE)
        columns[dim.name] = pa.Column(str, check, nullable=False)
    for column, role in number_columns(spec).items():
        number = pa.Check(lambda s, c=column, r=role: pd.Series(
            ~parsed.number(c, r).malformed, index=s.index), name=MALFORMED_NUMBER)
        # Only values are required: a rule that reads another column the table lacks (a press
        # release has no shares) is not evaluated, with the reason (validator.engine).
        columns[column] = pa.Column(str, number, required=role == "value")
    if spec.unit:
        # Where no value is printed, no unit is needed either.
        unit_check = (
            [pa.Check(lambda s, units=tuple(spec.units): is_one_of(s, units) | no_value(s),
                      name=UNKNOWN_UNIT)]
            if spec.units else []
        )
        columns[spec.unit] = pa.Column(str, unit_check)
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def unit_scale(frame: pd.DataFrame, spec: FiguresSpec) -> np.ndarray:
    """The scale of each row's unit (NaN for a unit the rules file does not declare)."""
    if not (spec.unit and spec.units and spec.unit in frame):
        return np.ones(len(frame))
    scales = np.append(np.array(list(spec.units.values()), dtype=np.float64), np.nan)
    return np.asarray(scales[code_positions(frame[spec.unit], list(spec.units))])


def printed_intervals(frame: pd.DataFrame, spec: FiguresSpec) -> tuple[Parsed, Parsed | None]:
    """Values (in base units) and % changes of a table as printed, for checks outside the
    engine (prose against a table, a history table); None where there is no change column."""
    value = parse_printed(frame[spec.value], spec.rounding_of("value"),
                          spec.trailing_zeros).scaled(unit_scale(frame, spec))
    if not spec.change or spec.change not in frame:
        return value, None
    return value, parse_printed(frame[spec.change], spec.rounding_of("change"),
                                spec.trailing_zeros)


def number_columns(spec: FiguresSpec) -> dict[str, str]:
    """Column -> role of every column of printed numbers."""
    roles = {"value": spec.value, "change": spec.change, "share": spec.share,
             "abs_change": spec.abs_change}
    return {column: role for role, column in roles.items() if column}


def schema_failures(table: Table, rules: RuleSet, parsed: ParsedColumns) -> pd.DataFrame:
    """Failure cases (column, check, failure_case, index); InputError for missing columns."""
    try:
        build_schema(rules, parsed).validate(table.frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        missing = cases[cases["check"].astype("str") == "column_in_dataframe"]
        if len(missing):
            found = ", ".join(table.frame.columns) or "none"
            raise InputError([
                f"{table.path}: row 1: required column '{name}' is missing (columns found: "
                f"{found}; the rules file {rules.path} names it)"
                for name in missing["failure_case"].astype("str")
            ]) from None
        wrong_type = cases[~cases["check"].astype("str").str.startswith("input.")]
        if len(wrong_type):
            first = wrong_type.iloc[0]
            raise InputError(
                [f"{table.path}: column '{first['column']}': {first['check']}"]
            ) from None
        result: pd.DataFrame = cases[["column", "check", "failure_case", "index"]]
        return result
    return pd.DataFrame(columns=["column", "check", "failure_case", "index"])


def take_in(table: Table, rules: RuleSet) -> Intake:
    spec = rules.figures
    # Currency signs, unit words and parentheses become plain numbers before the schema runs.
    normalised = normalise(table, spec)
    table = normalised.table
    frame = table.frame
    parsed = ParsedColumns(frame, rules)
    failures = schema_failures(table, rules, parsed)
    n = len(frame)
    dimensions = tuple(parsed.dimension(d.name) for d in rules.dimensions)
    _check_key_space(dimensions)

    codes = np.empty((n, len(dimensions)), dtype=np.int64)
    for i, dim in enumerate(dimensions):
        codes[:, i] = parsed.codes(dim.name)
    keyed = (codes >= 0).all(axis=1)

    unit_text = frame[spec.unit] if spec.unit else None
    scale = unit_scale(frame, spec)
    value = parsed.number(spec.value, "value").scaled(scale)
    has_change = spec.change is not None and spec.change in frame
    if spec.change and has_change:
        rate = parsed.number(spec.change, "change")
        rate_lo, rate_hi, rate_bad = rate.lo, rate.hi, rate.malformed
    else:
        rate_lo = rate_hi = np.full(n, np.nan)
        rate_bad = np.zeros(n, dtype=bool)
    # A number that reads but is too large once its unit is applied (1e95 USD bn) is no figure
    # the checks can add up without overflowing (see limits.MAX_MAGNITUDE).
    with np.errstate(invalid="ignore"):
        overflow = (~value.malformed & ~value.empty & np.isfinite(scale)
                    & ~(np.maximum(np.abs(value.lo), np.abs(value.hi)) <= MAX_MAGNITUDE))
    usable = (~value.malformed & ~value.empty & np.isfinite(scale) & ~normalised.unusable
              & ~overflow)
    share = _optional(parsed, spec.share, "share", 1.0)
    amount = _optional(parsed, spec.abs_change, "abs_change", scale)
    # A malformed rate costs only the checks that need a rate, not the value itself.
    rate_lo = np.where(rate_bad, np.nan, rate_lo)
    rate_hi = np.where(rate_bad, np.nan, rate_hi)

    intake_findings = list(_row_findings(failures, table, rules))
    intake_findings.extend(normalised.findings)
    for row in np.flatnonzero(overflow):
        intake_findings.append((MALFORMED_NUMBER, Finding(
            message=(f"row {table.rows[row]}: value '{frame.at[row, spec.value]!s}' in "
                     f"{frame.at[row, spec.unit] if spec.unit else 'base units'!s} is too "
                     f"large to check (more than {MAX_MAGNITUDE:g} in base units)"),
            figures=(FigureRole(int(row), "figure"),),
            context=_row_key(table, rules, int(row)))))
    checked = {rule: n for rule in INPUT_RULES}
    if spec.unit_words:
        checked[UNIT_CONFLICT] = normalised.checked
    if table.formulas:
        checked[FORMULA_VALUE] = table.formulas
        intake_findings.extend((FORMULA_VALUE, Finding(
            message=problem.message,
            figures=() if problem.record is None else (FigureRole(problem.record, "figure"),),
            context={} if problem.record is None else _row_key(table, rules, problem.record),
        )) for problem in table.problems)

    # One figure per key: agreeing duplicates narrow each other, conflicting ones are unusable.
    multiplier = key_radix(dimensions)
    packed = np.zeros(n, dtype=np.int64)
    for i in range(len(dimensions)):  # integer matmul has no BLAS path; a sum per column does
        packed += codes[:, i] * multiplier[i]
    key = np.where(keyed, packed, -1)
    lo, hi = value.lo.copy(), value.hi.copy()
    lo[~usable] = np.nan
    hi[~usable] = np.nan
    # A rate stays with its key even where no value is printed ("up 3.8 percent" on its own), so
    # that a headline rate and a body rate that disagree are caught as duplicates.
    decimals = value.decimals
    unusable_reason: dict[int, str] = {}
    for row in np.flatnonzero(keyed & ~usable & ~value.empty):
        unusable_reason[int(key[row])] = f"row {table.rows[row]} has an unreadable number or unit"
    for row in np.flatnonzero(keyed & normalised.unusable):
        unusable_reason[int(key[row])] = f"row {table.rows[row]} has two different units"

    keep = np.flatnonzero(keyed)
    frame_keys = pd.Series(key[keep])
    if not frame_keys.is_unique:
        groups = pd.DataFrame({
            "key": key[keep], "lo": lo[keep], "hi": hi[keep], "rlo": rate_lo[keep],
            "rhi": rate_hi[keep], "dec": decimals[keep], "row": keep,
        }).groupby("key", sort=False)
        merged = groups.agg(lo=("lo", "max"), hi=("hi", "min"), rlo=("rlo", "max"),
                            rhi=("rhi", "min"), dec=("dec", "max"), row=("row", "first"),
                            count=("row", "size"))
        conflict = (merged["lo"] > merged["hi"]) | (merged["rlo"] > merged["rhi"])
        dup_keys = merged.index[conflict & (merged["count"] > 1)].to_numpy(dtype=np.int64)
        # The rows of each conflicting key, found in one sort (not one scan per key).
        in_dup = keep[np.isin(key[keep], dup_keys)]
        in_dup = in_dup[np.argsort(key[in_dup], kind="stable")]
        for rows in np.split(in_dup, np.flatnonzero(np.diff(key[in_dup])) + 1):
            if not len(rows):
                continue
            intake_findings.append((DUPLICATE, _duplicate_finding(rows, table, rules)))
            unusable_reason[int(key[rows[0]])] = f"{_rows_named(rows, table)} disagree"
        merged.loc[conflict, ["lo", "hi", "rlo", "rhi"]] = np.nan
        keep = merged["row"].to_numpy(dtype=np.int64)
        lo, hi = _place(merged["lo"], keep, n), _place(merged["hi"], keep, n)
        rate_lo, rate_hi = _place(merged["rlo"], keep, n), _place(merged["rhi"], keep, n)
        decimals = _place(merged["dec"], keep, n, fill=0).astype(np.int64)

    figures = Figures(
        spec=spec,
        dimensions=dimensions,
        codes=codes[keep],
        key=key[keep],
        lo=lo[keep],
        hi=hi[keep],
        available=np.isfinite(lo[keep]) & np.isfinite(hi[keep]),
        rate_lo=rate_lo[keep],
        rate_hi=rate_hi[keep],
        decimals=decimals[keep],
        scale=np.where(np.isfinite(scale), scale, 1.0)[keep],
        unit=Texts(unit_text, keep),
        value_text=Texts(frame[spec.value], keep),
        change_text=Texts(frame[spec.change] if spec.change and has_change else None, keep),
        frame_index=keep,
        unusable=unusable_reason,
        share_lo=None if share is None else share[0][keep],
        share_hi=None if share is None else share[1][keep],
        share_text=None if share is None else Texts(frame[spec.share], keep),
        abs_lo=None if amount is None else amount[0][keep],
        abs_hi=None if amount is None else amount[1][keep],
        abs_text=(None if amount is None
                  else Texts(frame[spec.abs_change], keep)),
        signed=_signed(codes[keep], dimensions, spec.signed) if spec.signed else None,
    )
    return Intake(figures=figures, row_keys=key, findings=intake_findings, checked=checked)


def _optional(parsed: ParsedColumns, column: str | None, role: str,
              scale: np.ndarray | float) -> tuple[np.ndarray, np.ndarray] | None:
    """Interval of an optional number column (shares, changes in amount); NaN where unusable."""
    if column is None or column not in parsed.frame:
        return None
    numbers = parsed.number(column, role).scaled(scale)
    return numbers.lo, numbers.hi


def _signed(codes: np.ndarray, dimensions: tuple[Dimension, ...],
            signed: Mapping[str, frozenset[str]]) -> np.ndarray:
    mask = np.zeros(len(codes), dtype=bool)
    for i, dim in enumerate(dimensions):
        if dim.name in signed:
            wanted = [dim.position[c] for c in signed[dim.name] if c in dim.position]
            mask |= np.isin(codes[:, i], wanted)
    return mask


def _place(values: pd.Series, rows: np.ndarray, n: int, fill: float = np.nan) -> np.ndarray:
    out = np.full(n, fill, dtype=np.float64)
    out[rows] = values.to_numpy(dtype=np.float64)
    return out


def _check_key_space(dimensions: tuple[Dimension, ...]) -> None:
    space = 1
    for d in dimensions:
        space *= len(d.codes) + 1
    if space >= 2**62:
        raise InputError([
            "the dimensions have too many combinations of codes to key figures "
            f"({space:.3g}); split the table or the code lists"
        ])


def _with_observed_periods(dim: Dimension, column: pd.Series) -> Dimension:
    """A time dimension also knows the well-formed periods in the table, and the year before."""
    if not dim.is_time:
        return dim
    known = set(dim.codes)
    observed = [c for c in column.unique() if isinstance(c, str) and c not in known
                and is_period(c)]
    extra: list[str] = []
    for code in [*dim.codes, *sorted(observed)]:
        for candidate in (code, shift_period(code)):
            if candidate and candidate not in known:
                known.add(candidate)
                extra.append(candidate)
    return Dimension(dim.name, (*dim.codes, *extra), dim.children, dim.is_time)


def _row_key(table: Table, rules: RuleSet, row: int) -> dict[str, str]:
    return {d.name: str(table.frame.at[row, d.name]) for d in rules.dimensions}


def _row_findings(failures: pd.DataFrame, table: Table, rules: RuleSet) -> Iterator[
    tuple[str, Finding]
]:
    """One finding per failing cell, in row order."""
    dims = {d.name: d for d in rules.dimensions}
    spec = rules.figures
    ordered = failures.assign(index=failures["index"].astype("int64")).sort_values(
        ["index", "column"], kind="stable"
    )
    for column, check, case, row in ordered.itertuples(index=False):
        row = int(row)
        text = "" if pd.isna(case) else str(case)
        line = int(table.rows[row])
        key = _row_key(table, rules, row)
        if check == UNKNOWN_CODE and text.strip() == "":
            rule, message = MISSING_CODE, f"row {line}: no code in column '{column}'"
        elif check == UNKNOWN_CODE:
            dim = dims[str(column)]
            rule = UNKNOWN_CODE
            message = f"row {line}: '{text}' is not a code of {column}"
            close = difflib.get_close_matches(text, dim.codes, n=1)
            if close:
                message += f" (did you mean '{close[0]}'?)"
        elif check == UNKNOWN_UNIT:
            rule = UNKNOWN_UNIT
            declared = ", ".join(spec.units)
            shown = f"unit '{text}'" if text.strip() else "no unit"
            message = f"row {line}: {shown} is not declared in the rules file ({declared})"
        else:
            rule = MALFORMED_NUMBER
            what = {spec.value: "value", spec.share: "share",
                    spec.abs_change: "change in amount"}.get(str(column), "% change")
            message = f"row {line}: {what} '{text}' in column '{column}' is not a number"
            if _NUMERIC_LOOKING.fullmatch(text.strip().replace("\u2212", "-")):
                message = (f"row {line}: {what} '{text}' in column '{column}' is too large to "
                           f"check (more than {MAX_MAGNITUDE:g})")
        yield rule, Finding(message=message, figures=(FigureRole(row, "figure"),), context=key)


# A figure printed more often than this is described by its distinct printed versions.
ROWS_NAMED = 10


def _rows_named(rows: np.ndarray, table: Table) -> str:
    """'rows 2, 3, 4' or, for many, 'rows 2, 3, ..., and 999,998 more'."""
    shown = ", ".join(str(table.rows[r]) for r in rows[:ROWS_NAMED])
    if len(rows) <= ROWS_NAMED:
        return f"{'row' if len(rows) == 1 else 'rows'} {shown}"
    return f"rows {shown} and {len(rows) - ROWS_NAMED:,} more"


def _duplicate_finding(rows: np.ndarray, table: Table, rules: RuleSet) -> Finding:
    key = _row_key(table, rules, int(rows[0]))
    where = ", ".join(key.values())
    if len(rows) <= ROWS_NAMED:
        lines = [str(table.rows[r]) for r in rows]
        values = [_printed(table, rules, int(r)) for r in rows]
        message = (f"rows {', '.join(lines)} give the same figure ({where}) as "
                   f"{' and '.join(values)}, which cannot all be right")
        return Finding(message=message, figures=tuple(FigureRole(int(r), "figure") for r in rows),
                       context=key)
    # Many copies (a million rows of one figure, one of them different): one phrase per distinct
    # printed version, in order of first appearance, and the first rows of each as figures.
    printed = _printed_texts(table, rules, rows)
    versions, first, inverse = np.unique(printed, return_index=True, return_inverse=True)
    phrases, listed = [], []
    room = max(MAX_FIGURES_PER_FINDING // len(versions), 1)
    for v in np.argsort(first, kind="stable"):
        members = rows[inverse == v]
        phrases.append(f"{versions[v]} ({_rows_named(members, table)})")
        listed.extend(members[:room].tolist())
    message = (f"{len(rows):,} rows give the same figure ({where}) as "
               f"{' and '.join(phrases)}, which cannot all be right")
    return Finding(message=message,
                   figures=tuple(FigureRole(int(r), "figure") for r in sorted(listed)),
                   context=key)


def _printed_texts(table: Table, rules: RuleSet, rows: np.ndarray) -> np.ndarray:
    """`_printed` for many rows at once."""
    spec = rules.figures
    frame = table.frame.iloc[rows]
    value = frame[spec.value].astype("str").str.strip()
    text = value.where(value != "", "no value")
    if spec.unit:
        text = text.where(value == "", text + " " + frame[spec.unit].astype("str"))
    if spec.change:
        change = frame[spec.change].astype("str").str.strip()
        signed = change.where(change.str.startswith(("-", "+", "\u2212")), "+" + change)
        text = text.where(change == "", text + " (" + signed + "%)")
    return np.asarray(text.to_numpy(dtype=str))


def _printed(table: Table, rules: RuleSet, row: int) -> str:
    spec = rules.figures
    text = str(table.frame.at[row, spec.value]).strip()
    if not text:
        text = "no value"
    elif spec.unit:
        text += " " + str(table.frame.at[row, spec.unit])
    if spec.change in table.frame and str(table.frame.at[row, spec.change]).strip():
        text += f" ({format_change(str(table.frame.at[row, spec.change]))})"
    return text


def format_change(text: str) -> str:
    text = text.strip()
    return text + "%" if text.startswith(("-", "+", "\u2212")) else f"+{text}%"


