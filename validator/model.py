"""The rules file as the engine sees it, and what a check hands back to the engine."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np

from validator.numbers import Rounding, TrailingZeros
from validator.report import Severity
from validator.yamlpos import Located, Mark, Path

_PERIOD_FORMS = [
    (re.compile(r"^(\d{4})$"), "{year}"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "{year}-{rest}"),
    (re.compile(r"^(\d{4})-?(Q[1-4])$"), "{year}{sep}{rest}"),
    (re.compile(r"^(\d{4})-?(H[12]|S[12])$"), "{year}{sep}{rest}"),
    (re.compile(r"^(\d{4})-(W\d{2})$"), "{year}-{rest}"),
    (re.compile(r"^(\d{4})-(\d{2})-(D1|D2|10d|20d)$"), "{year}-{rest}"),
    (re.compile(r"^(\d{4})-(\d{2})-YTD$"), "{year}-{rest}"),  # January to that month
]
PERIOD_PATTERN = (
    r"^\d{4}(?:-\d{2}(?:-(?:D1|D2|10d|20d|YTD))?|-?Q[1-4]|-?H[12]|-?S[12]|-W\d{2})?$"
)


def is_period(code: str) -> bool:
    return re.fullmatch(PERIOD_PATTERN, code) is not None


def shift_period(code: str, years: int = -1) -> str | None:
    """The same period `years` years away: 2020 -> 2019, 2020-12 -> 2019-12, 2020Q3 -> 2019Q3."""
    if not is_period(code):
        return None
    year = int(code[:4]) + years
    if not 0 < year < 10000:
        return None
    return f"{year:04d}{code[4:]}"


def previous_period(code: str) -> str | None:
    """The period just before: 2020-01 -> 2019-12, 2020Q1 -> 2019Q4, 2020H1 -> 2019H2, 2020 ->
    2019. None for periods without a predecessor of the same length (weeks, days, year to date)."""
    if re.fullmatch(r"\d{4}", code):
        return shift_period(code)
    match = re.fullmatch(r"(\d{4})(-?)([QHS]?)(\d{1,2})", code)
    if match is None or not is_period(code):
        return None
    year, sep, letter, number = int(match[1]), match[2], match[3], int(match[4])
    last = {"Q": 4, "H": 2, "S": 2, "": 12}[letter]
    if number > 1:
        year_code, number = year, number - 1
    else:
        year_code, number = year - 1, last
    if not 0 < year_code < 10000:
        return None
    digits = f"{number:02d}" if letter == "" else str(number)
    return f"{year_code:04d}{sep}{letter}{digits}"


@dataclass(frozen=True)
class Dimension:
    name: str
    codes: tuple[str, ...]
    children: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    is_time: bool = False

    def parent_of(self) -> dict[str, str]:
        return {child: parent for parent, kids in self.children.items() for child in kids}


@dataclass(frozen=True)
class FiguresSpec:
    value: str = "value"
    change: str | None = None
    unit: str | None = None
    units: Mapping[str, float] = field(default_factory=dict)
    time: str | None = None
    rounding: Rounding = Rounding.HALF_UNIT
    trailing_zeros: TrailingZeros = TrailingZeros.INSIGNIFICANT
    # Real-release options (validator/real_figures.py reads them from the rules file).
    share: str | None = None  # column of shares in % of a whole ("46.8")
    abs_change: str | None = None  # column of changes in amount, in the value's unit
    column_rounding: Mapping[str, Rounding] = field(default_factory=dict)  # role -> rounding
    signed: Mapping[str, frozenset[str]] = field(default_factory=dict)  # dim -> balance codes
    unit_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # unit -> forms
    negatives: str = "minus"  # or "parentheses": "(9.4)" is -9.4

    def rounding_of(self, role: str) -> Rounding:
        """Rounding of one column role (value, change, share, abs_change)."""
        return self.column_rounding.get(role, self.rounding)


@dataclass(frozen=True)
class Tolerance:
    absolute: float = 0.0  # in base units (after the unit map)
    relative: float = 0.0  # of the magnitude of the expected value

    def slack(self, magnitude: Any) -> Any:
        return self.absolute + self.relative * abs(magnitude)


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    description: str
    severity: Severity
    where: Mapping[str, frozenset[str]]
    tolerance: Tolerance
    options: Any
    mark: Mark


@dataclass(frozen=True)
class RuleSet:
    path: str
    title: str
    figures: FiguresSpec
    dimensions: tuple[Dimension, ...]
    rules: tuple[Rule, ...]
    raw: Mapping[str, Any]  # the whole file as data, for sections read elsewhere (labels)
    revision_severity: Severity = Severity.WARNING  # `revisions: {severity: ...}`, for --prior
    layout: Any = None  # validator.layout.Layout: how tables laid out for print are read

    def dimension(self, name: str) -> Dimension:
        return next(d for d in self.dimensions if d.name == name)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


class ParseContext:
    """Collects located errors while a rules file is read, so all are reported at once."""

    def __init__(self, located: Located, dimensions: tuple[Dimension, ...] = ()) -> None:
        self.located = located
        self.dimensions = {d.name: d for d in dimensions}
        self.errors: list[tuple[Mark, str]] = []
        self.units: dict[str, float] = {}
        self.rule_kinds: dict[str, str] = {}  # id -> kind of every rule in the file

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        mark = self.located.key_mark(path) if at_key else self.located.mark(path)
        self.errors.append((mark, message))

    def codes_of(self, dimension: str, path: Path, value: Any) -> frozenset[str] | None:
        """A code or list of codes of one dimension; None (and an error) if any is unknown."""
        values = value if isinstance(value, list) else [value]
        known = self.dimensions[dimension]
        result = set()
        for i, code in enumerate(values):
            where = (*path, i) if isinstance(value, list) else path
            if not isinstance(code, str):
                self.error(where, f"expected a code of '{dimension}'")
                return None
            if code not in known.codes and not (known.is_time and is_period(code)):
                self.error(where, f"unknown code '{code}' in dimension '{dimension}'")
                return None
            result.add(code)
        return frozenset(result)


@dataclass(frozen=True)
class FigureRole:
    row_index: int  # position in the table frame, not the printed row number
    role: str


@dataclass(frozen=True)
class Finding:
    """A failing rule instance, before the engine stamps rule id and severity onto it."""

    message: str
    figures: tuple[FigureRole, ...] = ()
    context: Mapping[str, str] = field(default_factory=dict)
    expected: tuple[float, float] | None = None
    reported: tuple[float, float] | None = None
    gap: float | None = None
    unit: str = ""
    decimals: int | None = None  # how precisely the amounts mean anything, in `unit`


@dataclass(frozen=True)
class Unevaluated:
    reason: str
    missing: tuple[Mapping[str, str], ...] = ()
    context: Mapping[str, str] = field(default_factory=dict)


# Instances not evaluated are counted in full but described only up to this many per rule:
# a rule on a figure that is never reported (a balance without a % change) would otherwise
# list one entry per combination of the other dimensions.
MAX_LISTED_UNEVALUATED = 1000


def _no_positions() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass
class Evaluation:
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    unevaluated: list[Unevaluated] = field(default_factory=list)
    not_evaluated: int = 0  # every instance not evaluated, listed or not
    # Figure positions (in the Figures arrays) that took part in an evaluated rule instance;
    # repeats allowed. The engine turns them into the report's coverage.
    touched: np.ndarray = field(default_factory=_no_positions)

    def skip(self, instances: Iterable[int], count: int,
             describe: Callable[[int], Unevaluated]) -> None:
        """Count `count` instances as not evaluated; describe the first ones only."""
        self.not_evaluated += count
        room = max(MAX_LISTED_UNEVALUATED - len(self.unevaluated), 0)
        self.unevaluated.extend(describe(int(i)) for i in islice(instances, room))

    def skip_one(self, entry: Unevaluated) -> None:
        self.skip([0], 1, lambda _: entry)

    def extend(self, other: Evaluation) -> None:
        self.checked += other.checked
        self.findings.extend(other.findings)
        self.skip(range(len(other.unevaluated)), other.not_evaluated,
                  lambda i: other.unevaluated[i])
        self.touched = np.concatenate([self.touched, other.touched])
