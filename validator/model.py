"""The rules file as the engine sees it, and what a check hands back to the engine."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import Any

import numpy as np

from validator.numbers import Rounding, TrailingZeros
from validator.periods import is_period
from validator.suggest import closest, did_you_mean
from validator.yamlpos import Located, Mark, Path


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Dimension:
    name: str
    codes: tuple[str, ...]
    children: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    is_time: bool = False

    @cached_property
    def position(self) -> dict[str, int]:
        """Each code's position in the code list (`codes.index` is a scan: code lists of
        thousands, asked once per code, made checks quadratic)."""
        return {c: i for i, c in enumerate(self.codes)}

    def parent_of(self) -> dict[str, str]:
        return {child: parent for parent, kids in self.children.items() for child in kids}

    @property
    def roots(self) -> tuple[str, ...]:
        """Codes without a parent, in code-list order (none for a flat list)."""
        if not self.children:
            return ()
        parents = self.parent_of()
        return tuple(c for c in self.codes if c not in parents)

    def ancestors(self, code: str) -> list[str]:
        parents = self.parent_of()
        chain: list[str] = []
        while code in parents and parents[code] not in chain:
            code = parents[code]
            chain.append(code)
        return chain


@dataclass(frozen=True)
class CodeLabel:
    """How a release names one code: its label and aliases; `negative_aliases` name it with
    amounts printed as positive magnitudes of a negative figure ("a deficit of $3 billion")."""

    label: str | None = None
    aliases: tuple[str, ...] = ()
    negative_aliases: tuple[str, ...] = ()


# The columns of printed numbers a figure may have, by role, and what each holds.
COLUMN_ROLES = {"value": "values", "change": "% changes", "share": "shares",
                "abs_change": "changes in amount"}


@dataclass(frozen=True)
class FiguresSpec:
    value: str = "value"
    change: str | None = None
    unit: str | None = None
    units: Mapping[str, float] = field(default_factory=dict)
    time: str | None = None
    rounding: Rounding = Rounding.HALF_UNIT
    trailing_zeros: TrailingZeros = TrailingZeros.INSIGNIFICANT
    # Real-release options (validator/figures_section.py reads them from the rules file).
    share: str | None = None  # column of shares in % of a whole ("46.8")
    abs_change: str | None = None  # column of changes in amount, in the value's unit
    column_rounding: Mapping[str, Rounding] = field(default_factory=dict)  # role -> rounding
    signed: Mapping[str, frozenset[str]] = field(default_factory=dict)  # dim -> balance codes
    unit_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # unit -> forms
    negatives: str = "minus"  # or "parentheses": "(9.4)" is -9.4

    def column_of(self, role: str) -> str | None:
        """The column of one role (value, change, share, abs_change); None if none is named."""
        return {"value": self.value, "change": self.change, "share": self.share,
                "abs_change": self.abs_change}[role]

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
    revision_severity: Severity = Severity.WARNING  # `revisions: {severity: ...}`, for --prior
    # The words of a release (validator/vocabulary.py): dimension -> code -> words.
    labels: Mapping[str, Mapping[str, CodeLabel]] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)  # dimension -> code
    ignore_phrases: tuple[str, ...] = ()
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

    def unknown_keys(self, data: Mapping[str, Any], path: Path, allowed: Sequence[str],
                     what: str) -> set[str]:
        """An error at every key of `data` that is not `allowed`; returns the allowed keys
        those look like misspellings of."""
        meant = set()
        for key in data:
            if key not in allowed:
                guess = self.unknown_key((*path, key), str(key), allowed, what)
                meant |= {guess} if guess else set()
        return meant

    def unknown_key(self, path: Path, key: str, allowed: Sequence[str], what: str,
                    noun: str = "key") -> str | None:
        expected = (f"expected: {allowed[0]}" if len(allowed) == 1
                    else f"expected one of: {', '.join(allowed)}")
        guess = closest(key, allowed)
        hint = f": did you mean '{guess}'?" if guess else ""
        self.error(path, f"unknown {noun} '{key}' in {what}{hint} ({expected})", at_key=True)
        return guess

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
                self.error(where, f"unknown code '{code}' in dimension '{dimension}'"
                           f"{did_you_mean(code, known.codes)}")
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
    # Instances none of whose checked figures the release prints: counted, never listed.
    not_applicable: int = 0
    # Figure positions (in the Figures arrays) that took part in an evaluated rule instance;
    # repeats allowed. The engine turns them into the report's coverage.
    touched: np.ndarray = field(default_factory=_no_positions)
    # Why nothing could be checked, should nothing be checked in the whole table: a statement
    # about the table, so the report makes the entry once (a lazy engine's part may have none
    # of the usable figures another part has).
    idle: str = ""

    def skip(self, instances: Iterable[int], count: int,
             describe: Callable[[int], Unevaluated]) -> None:
        """Count `count` instances as not evaluated; describe the first ones only."""
        self.not_evaluated += count
        room = max(MAX_LISTED_UNEVALUATED - len(self.unevaluated), 0)
        self.unevaluated.extend(describe(int(i)) for i in islice(instances, room))

    def skip_unprinted(self, instances: np.ndarray, printed: np.ndarray,
                       describe: Callable[[int], Unevaluated]) -> None:
        """Instances that cannot be evaluated: not evaluated where the release prints one of
        the figures the rule checks (`printed`), else only counted as not applicable."""
        self.not_applicable += int(np.count_nonzero(~printed))
        kept = instances[printed]
        self.skip(kept, len(kept), describe)

    def skip_one(self, entry: Unevaluated) -> None:
        self.skip([0], 1, lambda _: entry)

    def extend(self, other: Evaluation) -> None:
        self.checked += other.checked
        self.not_applicable += other.not_applicable
        self.findings.extend(other.findings)
        self.skip(range(len(other.unevaluated)), other.not_evaluated,
                  lambda i: other.unevaluated[i])
        self.touched = np.concatenate([self.touched, other.touched])
        self.idle = self.idle or other.idle


class BuiltinKind(enum.StrEnum):
    """Kinds of the rules that are not in the rules file."""

    INPUT = "input"
    PROSE = "prose"
    REVISION = "revision"
    SIGN = "sign"


# What a failing built-in rule means for the reader; a rules-file kind's headline is in its
# module (validator/checks/).
BUILTIN_HEADLINES: Mapping[BuiltinKind, str] = {
    BuiltinKind.INPUT: "A problem with the table itself",
    BuiltinKind.PROSE: "The text and the figures disagree",
    BuiltinKind.REVISION: "A figure differs from the previous release",
    BuiltinKind.SIGN: "A rate on a figure whose sign changed",
}


@dataclass(frozen=True)
class Outcome:
    """What every rule hands the engine, from the rules file or built in (input checks, sign
    changes, revisions, the prose checks): the rule's identity and its evaluation."""

    rule_id: str
    kind: str
    description: str
    severity: Severity
    evaluation: Evaluation
    unread: tuple[str, ...] = ()  # parts of the input this check could not read (Report.unread)
