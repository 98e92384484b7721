"""Mutation testing of the core modules with mutmut, module by module.

    pip install -e '.[test,mutation]'
    python benchmarks/mutation.py                  # every module, in order of importance
    python benchmarks/mutation.py numbers report   # some of them (names as in MODULES)
    python benchmarks/mutation.py --report         # only the table, from the last run's results
    python benchmarks/mutation.py --report --survivors numbers   # ... and the survivors' names
    python benchmarks/mutation.py --rerun numbers  # only the survivors again (after new tests)
    python benchmarks/mutation.py --mutant NAME    # one mutant (repeatable; fnmatch patterns)
    python benchmarks/mutation.py --rerun numbers --mutant 'validator.report.*'  # both, one run
    python benchmarks/mutation.py --pending intake --focus intake  # what a stopped run left,
                                                   # against the FOCUS tests only
    python benchmarks/mutation.py checks --sample 150 --seed 1 --focus checks
                                                   # a random sample of a module's mutants
    python benchmarks/mutation.py checks --focus checks --workers 2   # on two cores

mutmut (configured in pyproject.toml, [tool.mutmut]) copies the package to mutants/, runs the
selected tests ([tool.mutmut] pytest_add_cli_args_test_selection) once to learn which tests reach
which function, then runs each mutant against only those tests, fastest first, stopping at the
first failure (a mutant that makes them loop is stopped after 3x their measured time).
Hypothesis runs the `mutation` profile there (10
examples per property) to keep that affordable on a shared 2-core machine. Results are kept in
mutants/ between runs. mutmut re-runs every mutant it is given by name or pattern, so naming
a module runs all of its mutants again; `--rerun` gives it only the module's survivors and
mutants no test reached (not those listed as equivalent), which is what to run after adding
tests: a test added to a selected file is picked up (mutmut maps new tests to functions), a
killed mutant stays killed. `--pending` gives it the mutants a stopped run did not reach.
Adding a file to the selection makes mutmut forget every result.
Each invocation first regenerates the mutants and runs the reaching tests once unmutated
(2 to 3 minutes), so name several modules or mutants in one call rather than one per call.

The score of a module is killed / (mutants - equivalent), where the equivalent mutants are those
listed with their reason in docs/mutation.md; a mutant that no test reaches counts as surviving.
The table goes to stdout (Markdown), ready for README.md.

`--sample N --seed S` draws N mutants of each named module uniformly (seeded, from the sorted
names of all its mutants) and runs only those; the draw is kept in mutants/sample.json, so that
`--report` shows the sample's own row (its counts and the score with a 95% Wilson interval, an
estimate of the module's) and `--rerun` reruns its survivors. The first `--sample` of a tree
with no results first lets mutmut generate the mutants (one run of the unmutated tests).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT_LIST = ROOT / "docs" / "mutation.md"

# name -> (mutmut pattern, the sources it covers); in order of importance.
MODULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "checks": ("validator.checks.*", ("validator/checks",)),
    "numbers": ("validator.numbers.*", ("validator/numbers.py",)),
    "figures": ("validator.figures.*", ("validator/figures.py",)),
    "intake": ("validator.intake.*", ("validator/intake.py",)),
    "report": ("validator.report.*", ("validator/report.py",)),
    "reporters": ("validator.reporters.*", ("validator/reporters",)),
}

# With --focus, the mutants of these modules run only the tests of these files that reach
# them (not the whole selection): nearly every test reaches the intake and the figures, so a
# surviving mutant there costs the whole selection (30 s) otherwise. A focused score is a lower
# bound: the rest of the selection could only kill more.
FOCUS: dict[str, tuple[str, ...]] = {
    "intake": ("tests/test_rule_cases.py", "tests/test_figures_lookup.py",
               "tests/test_example.py", "tests/test_real_releases.py"),
    "figures": ("tests/test_rule_cases.py", "tests/test_figures_lookup.py",
                "tests/test_example.py", "tests/test_real_releases.py"),
    "checks": ("tests/test_rule_cases.py", "tests/test_properties_no_false_alarms.py",
               "tests/test_properties_no_missed_errors.py", "tests/test_example.py",
               "tests/test_real_releases.py"),
    "reporters": ("tests/test_reporters_formats.py", "tests/test_report_formats.py",
                  "tests/test_formats_end_to_end.py", "tests/test_cli_ci.py"),
}
SAMPLE = ROOT / "mutants" / "sample.json"
STATS = ROOT / "mutants" / "mutmut-stats.json"
FULL_STATS = ROOT / "mutants" / "mutmut-stats.unfocused.json"


def focus(modules: list[str]) -> None:
    """Narrow mutmut's map of tests per function to the FOCUS files of these modules (the
    full map is kept aside and restored by `unfocus`)."""
    if not STATS.exists():
        raise SystemExit("--focus needs a first run (mutmut's map of tests to functions)")
    data = json.loads(STATS.read_text(encoding="utf-8"))
    FULL_STATS.write_text(json.dumps(data), encoding="utf-8")
    tests = data["tests_by_mangled_function_name"]
    for function, reaching in tests.items():
        module = module_of(function)
        if module in modules and module in FOCUS:
            kept = [t for t in reaching if t.split("::")[0] in FOCUS[module]]
            tests[function] = kept or reaching
    STATS.write_text(json.dumps(data), encoding="utf-8")


def unfocus() -> None:
    """Put back the full map, with any tests mutmut has added since (new tests)."""
    if not FULL_STATS.exists():
        return
    full = json.loads(FULL_STATS.read_text(encoding="utf-8"))
    now = json.loads(STATS.read_text(encoding="utf-8"))
    for function, reaching in now["tests_by_mangled_function_name"].items():
        known = set(full["tests_by_mangled_function_name"].get(function, []))
        full["tests_by_mangled_function_name"][function] = sorted(known | set(reaching))
    now["tests_by_mangled_function_name"] = full["tests_by_mangled_function_name"]
    STATS.write_text(json.dumps(now), encoding="utf-8")
    FULL_STATS.unlink()


# mutmut's exit-code convention (mutmut.stats.status_by_exit_code).
STATUS: dict[int | None, str] = {
    1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
    35: "suspicious", 36: "timeout", 37: "caught by type check", -24: "timeout", 24: "timeout",
    152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault", 2: "interrupted",
    None: "not checked"}


def equivalent_mutants() -> set[str]:
    """Mutant names listed in docs/mutation.md (in backticks, at the start of a table row)."""
    if not EQUIVALENT_LIST.exists():
        return set()
    text = EQUIVALENT_LIST.read_text(encoding="utf-8")
    return set(re.findall(r"^\|\s*`(validator\.[\w.]+__mutmut_\d+)`", text, re.M))


def results() -> dict[str, str]:
    """Mutant name -> status, from the .meta files mutmut leaves in mutants/."""
    found: dict[str, str] = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data.get("exit_code_by_key", {}).items():
            found[name] = STATUS.get(code, f"exit {code}")
    return found


def module_of(mutant: str) -> str | None:
    for name, (pattern, _) in MODULES.items():
        if mutant.startswith(pattern.rstrip("*")):
            return name
    return None


def tally(mine: dict[str, str], equivalent: set[str]) -> tuple[Counter[str], int, int, int]:
    """Of these mutants' statuses: the counts of the non-equivalent ones by status, the number
    equivalent, the number killed (a timeout or a type check counts) and the number judged."""
    counts = Counter(s for m, s in mine.items() if m not in equivalent)
    same = sum(1 for m in mine if m in equivalent)
    killed = counts["killed"] + counts["timeout"] + counts["caught by type check"]
    return counts, same, killed, len(mine) - same - counts["not checked"]


def table(statuses: dict[str, str], equivalent: set[str], modules: list[str]) -> str:
    lines = ["| module | mutants | killed | survived | no test reaches it | timeout | "
             "equivalent | score |", "|---|---|---|---|---|---|---|---|"]
    for module in modules:
        mine = {m: s for m, s in statuses.items() if module_of(m) == module}
        if not mine:
            lines.append(f"| {module} | not run | | | | | | |")
            continue
        counts, same, killed, judged = tally(mine, equivalent)
        score = f"{100 * killed / judged:.1f}%" if judged else "-"
        pending = f" ({counts['not checked']} not run)" if counts["not checked"] else ""
        lines.append(f"| {module} | {len(mine)}{pending} | {counts['killed']} | "
                     f"{counts['survived']} | {counts['no tests']} | {counts['timeout']} | "
                     f"{same} | {score} |")
    return "\n".join(lines)


def wilson(killed: int, judged: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion killed / judged."""
    if not judged:
        return 0.0, 1.0
    p = killed / judged
    centre = (p + z * z / (2 * judged)) / (1 + z * z / judged)
    spread = math.sqrt(p * (1 - p) / judged + z * z / (4 * judged * judged))
    half = z * spread / (1 + z * z / judged)
    return max(0.0, centre - half), min(1.0, centre + half)


def draw(statuses: dict[str, str], modules: list[str], size: int,
         seed: int) -> dict[str, list[str]]:
    """`size` mutant names of each module, drawn uniformly with `seed`."""
    rng = random.Random(seed)
    drawn = {}
    for module in modules:
        names = sorted(m for m in statuses if module_of(m) == module)
        drawn[module] = sorted(rng.sample(names, min(size, len(names))))
    return drawn


def sample_table(statuses: dict[str, str], equivalent: set[str]) -> str:
    """The rows of the stored sample: its counts and the estimated score."""
    if not SAMPLE.exists():
        return ""
    stored = json.loads(SAMPLE.read_text(encoding="utf-8"))
    lines = ["| module (sample) | drawn of | killed | survived | no test reaches it | timeout | "
             "equivalent | not run | score in the sample (95% interval) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for module, names in stored["names"].items():
        mine = {m: statuses.get(m, "not checked") for m in names}
        counts, same, killed, judged = tally(mine, equivalent)
        low, high = wilson(killed, judged)
        score = (f"{100 * killed / judged:.1f}% ({100 * low:.1f}% to {100 * high:.1f}%)"
                 if judged else "-")
        total = sum(1 for m in statuses if module_of(m) == module)
        lines.append(f"| {module} (seed {stored['seed']}) | {len(mine)} of {total} | "
                     f"{counts['killed']} | {counts['survived']} | {counts['no tests']} | "
                     f"{counts['timeout']} | {same} | {counts['not checked']} | {score} |")
    return "\n".join(lines)


def survivors(statuses: dict[str, str], equivalent: set[str], modules: list[str]) -> list[str]:
    """Mutants of these modules that survived or that no test reached, not counting the
    equivalent ones."""
    return [name for name, status in sorted(statuses.items())
            if status in ("survived", "no tests") and name not in equivalent
            and module_of(name) in modules]


def pending(statuses: dict[str, str], modules: list[str]) -> list[str]:
    """Mutants of these modules not run yet (a run stopped before them)."""
    return [name for name, status in sorted(statuses.items())
            if status == "not checked" and module_of(name) in modules]


def run_mutmut(names: list[str], workers: int = 1) -> None:
    """One mutmut run over these names or patterns: the reaching tests run once unmutated, then
    each mutant, those with the fastest tests first, on `workers` processes."""
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation"}
    started = time.monotonic()
    log = ROOT / "mutants" / "run.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(workers),
                        *names],
                       cwd=ROOT, env=env, check=False, stdout=out, stderr=subprocess.STDOUT)
    print(f"mutmut: {len(names)} names or patterns, {time.monotonic() - started:.0f} s "
          f"(its output: {log})", file=sys.stderr)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", choices=[[], *MODULES], default=[])
    parser.add_argument("--report", action="store_true", help="only print the table")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    parser.add_argument("--rerun", action="store_true",
                        help="run only the survivors of the modules (after adding tests)")
    parser.add_argument("--pending", action="store_true",
                        help="run the mutants of the modules a stopped run did not reach")
    parser.add_argument("--mutant", action="append", default=[],
                        help="run this mutant (a name or an fnmatch pattern; repeatable)")
    parser.add_argument("--focus", action="append", default=[], choices=list(FOCUS),
                        help="run this module's mutants against its FOCUS tests only")
    parser.add_argument("--sample", type=int, default=None,
                        help="run this many mutants of each module, drawn at random")
    parser.add_argument("--seed", type=int, default=0, help="the seed of --sample's draw")
    parser.add_argument("--workers", type=int, default=1,
                        help="mutants run at once (one per core; the default leaves a core free)")
    args = parser.parse_args(argv)
    modules = args.modules or list(MODULES)
    equivalent = equivalent_mutants()
    names: list[str] = []
    if args.sample is not None:
        statuses = results()
        if not any(module_of(m) in modules for m in statuses):
            # mutmut writes every mutant's name when it generates them, even for a filter
            # that matches none (it then stops with an assertion, which is expected here).
            run_mutmut(["validator.__generate_only__.*"])
            statuses = results()
        drawn = draw(statuses, modules, args.sample, args.seed)
        SAMPLE.write_text(json.dumps({"seed": args.seed, "names": drawn}, indent=1),
                          encoding="utf-8")
        names = [n for module in modules for n in drawn[module] if n not in equivalent]
    elif args.rerun or args.pending or args.mutant:
        # In one run, since each run costs minutes before the first mutant.
        statuses = results()
        names = [*(survivors(statuses, equivalent, modules) if args.rerun else []),
                 *(pending(statuses, modules) if args.pending else []), *args.mutant]
    elif not args.report:
        # One mutmut run for all of them: the tests that reach their functions run once, and
        # mutmut takes the mutants with the fastest tests first.
        names = [MODULES[m][0] for m in modules]
    if names:
        if args.focus:
            focus(args.focus)
        try:
            run_mutmut(names, args.workers)
        finally:
            unfocus()
    statuses = results()
    print(table(statuses, equivalent, modules))
    sampled = sample_table(statuses, equivalent)
    if sampled:
        print("\n" + sampled)
    if args.survivors:
        for name in survivors(statuses, equivalent, modules):
            print(f"{statuses[name]}: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
