"""The project configuration: which tables are checked against which rules file, and how.

`validator check` without a rules file looks for it from the working directory upwards, as ruff
does: the first directory holding `validator.toml`, or a `pyproject.toml` with a
`[tool.validator]` table (in one directory `validator.toml` wins; a `pyproject.toml` without
that table is passed over). Paths in it are relative to the directory of the file.

    [defaults]                  # for every dataset that does not say otherwise
    fail-on = "error"           # error | warning | never
    formats = ["sarif", "markdown"]   # reports written with --reports DIR (or `reports`)

    exclude = ["**/scratch/*.csv"]    # never checked as releases
    allow-empty = false

    [[datasets]]
    name = "monthly"                  # the SARIF category; default: the rules file's stem
    tables = ["data/monthly/*.csv"]   # globs; `**` crosses folders
    rules = "rules/monthly.yaml"
    prior = "data/monthly/previous.csv"   # optional; also "git:REV" (the table at REV)

The prior of a dataset is never checked as a release itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator.errors import InputError
from validator.report import FailOn
from validator.reporters import Format
from validator.suggest import closest, did_you_mean

CONFIG_FILE = "validator.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_FORMATS = (Format.SARIF, Format.MARKDOWN, Format.HTML)

TOP_KEYS = ("defaults", "datasets", "exclude", "allow-empty", "reports")
DEFAULT_KEYS = ("rules", "prior", "fail-on", "formats", "select", "ignore")
DATASET_KEYS = ("name", "tables", "exclude", "baseline", *DEFAULT_KEYS)


@dataclass(frozen=True)
class Dataset:
    """Tables checked against one rules file, with the same options."""

    name: str
    tables: tuple[str, ...]  # glob patterns, relative to the config's directory
    rules: str  # a path as the command line would take it
    prior: str | None = None  # a path, "git:REV" or "-"
    baseline: str | None = None
    fail_on: FailOn = FailOn.ERROR
    formats: tuple[Format, ...] = DEFAULT_FORMATS
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path
    root: Path  # the directory of the config file: relative paths in it start here
    datasets: tuple[Dataset, ...]
    exclude: tuple[str, ...] = ()
    allow_empty: bool = False
    reports: str | None = None

    def relative(self, path: str) -> str:
        """A path of the config as the command line, run in the root, would write it."""
        return path if Path(path).is_absolute() else str(self.root / path)


@dataclass(frozen=True)
class Target:
    """One table to check, and the dataset that says how."""

    dataset: Dataset
    table: str


@dataclass
class Plan:
    targets: list[Target] = field(default_factory=list)
    not_covered: list[str] = field(default_factory=list)  # named but in no dataset
    excluded: list[str] = field(default_factory=list)  # named but excluded (priors included)
    empty: list[Dataset] = field(default_factory=list)  # datasets whose globs match no table


def discover(start: Path) -> Path | None:
    """The config file that applies in `start`: the nearest one, upwards."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # not ours to judge: a broken pyproject without our table is not our config
    return isinstance(data.get("tool"), dict) and "validator" in data["tool"]


_TOML_POSITION = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def load_config(path: Path) -> Config:
    """Read a config file; InputError with every problem found, each naming file and key."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([f"{name}: cannot read the config file: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise InputError([f"{name}: the config file is not UTF-8 text (byte {exc.start})"]
                         ) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.match(str(exc))
        if match:
            raise InputError([f"{name}:{match['line']}:{match['col']}: not valid TOML: "
                              f"{match['message'][0].lower()}{match['message'][1:]}"]) from None
        raise InputError([f"{name}: not valid TOML: {exc}"]) from None
    prefix = ""
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("validator", {})
        prefix = "tool.validator."
    reader = _Reader(name, prefix)
    config = reader.config(data, path)
    if reader.errors:
        raise InputError(reader.errors)
    return config


class _Reader:
    """Collects every problem of a config file, each naming the key it is at."""

    def __init__(self, name: str, prefix: str) -> None:
        self.name = name
        self.prefix = prefix
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{self.name}: {self.prefix}{where}: {message}")

    def keys(self, data: Mapping[str, Any], where: str, allowed: tuple[str, ...]) -> set[str]:
        """Report unknown keys; the allowed keys they look like misspellings of."""
        meant = set()
        for key in data:
            if key not in allowed:
                guess = closest(key, allowed)
                hint = f" (did you mean '{guess}'?)" if guess else ""
                self.error(f"{where}{key}", f"unknown key{hint} (expected one of: "
                           f"{', '.join(allowed)})")
                meant |= {guess} if guess else set()
        return meant

    def config(self, data: Mapping[str, Any], path: Path) -> Config:
        if not isinstance(data, dict):
            self.error("", "expected a table")
            return Config(path, path.parent, ())
        self.keys(data, "", TOP_KEYS)
        defaults = data.get("defaults", {})
        if not isinstance(defaults, dict):
            self.error("defaults", "expected a table of options for every dataset")
            defaults = {}
        self.keys(defaults, "defaults.", DEFAULT_KEYS)
        raw_sets = data.get("datasets", [])
        if not isinstance(raw_sets, list) or not all(isinstance(d, dict) for d in raw_sets):
            self.error("datasets", "expected [[datasets]] tables")
            raw_sets = []
        if not raw_sets:
            self.error("datasets", "no datasets: add a [[datasets]] table with 'tables' and "
                       "'rules'")
        datasets = [self.dataset(raw, i, defaults) for i, raw in enumerate(raw_sets)]
        names = [d.name for d in datasets]
        for i, dataset_name in enumerate(names):
            if dataset_name in names[:i]:
                self.error(f"datasets[{i}].name", f"'{dataset_name}' names two datasets (give "
                           "each its own 'name': it is the SARIF category)")
        reports = data.get("reports")
        if reports is not None and not isinstance(reports, str):
            self.error("reports", "expected the path of a folder")
            reports = None
        allow_empty = data.get("allow-empty", False)
        if not isinstance(allow_empty, bool):
            self.error("allow-empty", "expected true or false")
            allow_empty = False
        return Config(path=path, root=path.parent, datasets=tuple(datasets),
                      exclude=self.strings(data, "exclude", ""), allow_empty=allow_empty,
                      reports=reports)

    def dataset(self, raw: Mapping[str, Any], i: int, defaults: Mapping[str, Any]) -> Dataset:
        where = f"datasets[{i}]."
        # A misspelled key is one message, not also "a dataset needs ..." for the real one.
        meant = self.keys(raw, where, DATASET_KEYS)
        merged = {**defaults, **raw}
        source = {key: (where if key in raw else "defaults.") for key in merged}
        tables = self.strings(raw, "tables", where)
        if not tables and "tables" not in meant:
            self.error(f"{where}tables", "a dataset needs 'tables': globs of its table files")
        rules = merged.get("rules")
        if not isinstance(rules, str) or not rules:
            if "rules" not in meant:
                self.error(f"{source.get('rules', where)}rules",
                           "a dataset needs 'rules': the path of its rules file")
            rules = ""
        name = raw.get("name", Path(rules).stem or f"dataset-{i + 1}")
        if not isinstance(name, str) or not re.fullmatch(r"[\w.-]+", name):
            self.error(f"{where}name", "expected a name of letters, digits, '.', '-' or '_'")
            name = f"dataset-{i + 1}"
        fail_on = merged.get("fail-on", FailOn.ERROR.value)
        if fail_on not in {f.value for f in FailOn}:
            self.error(f"{source['fail-on']}fail-on", f"'{fail_on}' is not one of: "
                       f"{', '.join(f.value for f in FailOn)}"
                       f"{did_you_mean(str(fail_on), [f.value for f in FailOn])}")
            fail_on = FailOn.ERROR.value
        formats = []
        for value in self.strings(merged, "formats", source.get("formats", where),
                                  default=tuple(DEFAULT_FORMATS)):
            if value in {f.value for f in Format}:
                formats.append(Format(value))
            else:
                self.error(f"{source['formats']}formats",
                           f"unknown format '{value}'{did_you_mean(value, list(Format))}")
        return Dataset(
            name=name,
            tables=tables,
            rules=rules,
            prior=self.optional_string(merged, "prior", source.get("prior", where)),
            baseline=self.optional_string(raw, "baseline", where),
            fail_on=FailOn(fail_on),
            formats=tuple(formats),
            exclude=self.strings(raw, "exclude", where),
            select=self.strings(merged, "select", source.get("select", where)),
            ignore=self.strings(merged, "ignore", source.get("ignore", where)),
        )

    def strings(self, data: Mapping[str, Any], key: str, where: str,
                default: Iterable[str] = ()) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return tuple(default)
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self.error(f"{where}{key}", "expected a string or a list of strings")
        return tuple(default)

    def optional_string(self, data: Mapping[str, Any], key: str, where: str) -> str | None:
        value = data.get(key)
        if value is None or isinstance(value, str):
            return value
        self.error(f"{where}{key}", "expected a path")
        return None


# ---------------------------------------------------------------- which tables


def _expand(root: Path, patterns: Iterable[str]) -> set[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        if Path(pattern).is_absolute():
            anchor = Path(Path(pattern).anchor)
            matches = anchor.glob(str(Path(pattern).relative_to(anchor)))
        else:
            matches = root.glob(pattern)
        found.update(p.resolve() for p in matches if p.is_file())
    return found


def _priors(config: Config) -> set[Path]:
    """Prior tables named by path: inputs of the check, never releases to check."""
    return {(config.root / d.prior).resolve() for d in config.datasets
            if d.prior and not d.prior.startswith("git:") and d.prior != "-"}


def plan(config: Config, named: Iterable[str] = (), cwd: Path | None = None) -> Plan:
    """The tables to check: every dataset's when nothing is named; else the named files, the
    tables under named folders and the files named globs match, each with its dataset."""
    here = cwd or Path.cwd()
    excluded = _expand(config.root, config.exclude) | _priors(config)
    members: list[tuple[Dataset, set[Path]]] = []
    for dataset in config.datasets:
        own = _expand(config.root, dataset.tables) - excluded - _expand(config.root,
                                                                          dataset.exclude)
        members.append((dataset, own))
    result = Plan()
    wanted: set[Path] | None = None
    if named := list(named):
        wanted = set()
        for item in named:
            wanted |= _named_files(item, here, members, excluded, result)
    for dataset, own in members:
        chosen = own if wanted is None else own & wanted
        if wanted is None and not own:
            result.empty.append(dataset)
        result.targets.extend(Target(dataset, shown(p, here)) for p in sorted(chosen))
    return result


def _named_files(item: str, here: Path, members: list[tuple[Dataset, set[Path]]],
                 excluded: set[Path], result: Plan) -> set[Path]:
    covered = set().union(*(own for _, own in members))
    path = (here / item).resolve()
    if path.is_dir():
        return {p for p in covered if p.is_relative_to(path)}
    files = _expand(here, [item]) if any(ch in item for ch in "*?[") else {path}
    for file in sorted(files - covered):
        (result.excluded if file in excluded else result.not_covered).append(shown(file, here))
    return files & covered


def shown(path: Path, here: Path) -> str:
    """A path as the user would type it in `here`: relative when it is below, else absolute."""
    resolved, base = path.resolve(), here.resolve()
    return str(resolved.relative_to(base)) if resolved.is_relative_to(base) else str(resolved)


def changed_since(config: Config, revision: str, targets: Iterable[Target]) -> list[Target]:
    """The targets a change since `revision` touches: the table itself, or its dataset's rules
    file or baseline (new rules re-check every table they apply to). The working tree counts,
    so uncommitted edits are included."""
    top = _git(config.root, "rev-parse", "--show-toplevel").strip()
    listing = _git(config.root, "diff", "-z", "--name-only", "--diff-filter=ACMR", revision)
    changed = {(Path(top) / name).resolve() for name in listing.split("\0") if name}
    chosen = []
    for target in targets:
        dataset = target.dataset
        inputs = [target.table] + [config.relative(p) for p in (dataset.rules, dataset.baseline)
                                   if p]
        paths = [Path(inputs[0]).resolve(), *(Path(p).resolve() for p in inputs[1:])]
        if any(p in changed for p in paths):
            chosen.append(target)
    return chosen


def _git(where: Path, *args: str) -> str:
    git = shutil.which("git")
    if git is None:
        raise InputError(["--since: git is not installed"])
    try:
        done = subprocess.run([git, *args], cwd=where, capture_output=True, check=False,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError([f"--since: cannot run git: {exc}"]) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError([f"--since: git {args[0]}: {lines[-1] if lines else done.returncode}"])
    return done.stdout.decode("utf-8", "surrogateescape")
