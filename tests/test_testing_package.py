"""validator.testing: an optional extra, with an oracle that covers every rule kind on its own."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.checks import CHECKS
from validator.numbers import Rounding, TrailingZeros, parse_printed
from validator.rules import parse_rules
from validator.testing import oracle
from validator.testing.oracle import ORACLES, printed_interval

ROOT = Path(__file__).resolve().parents[1]

# Runs the snippet with hypothesis made unimportable, as after a plain `pip install .`.
_WITHOUT_HYPOTHESIS = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
"""


def _run_without_hypothesis(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _WITHOUT_HYPOTHESIS + code], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_importing_without_hypothesis_names_the_extra() -> None:
    result = _run_without_hypothesis(
        "try:\n    import validator.testing.strategies\n"
        "except ImportError as exc:\n    print(exc)\nelse:\n    print('imported')\n")
    assert result.returncode == 0, result.stderr
    assert "pip install 'release-validator[testing]'" in result.stdout
    assert "imported" not in result.stdout


def test_the_runtime_package_needs_no_test_support() -> None:
    result = _run_without_hypothesis(
        "import validator.cli, validator.engine, validator.reporters\n"
        "print(sorted(m for m in sys.modules if m.startswith('validator.testing')))\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_testing_extra_brings_hypothesis() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert any(dep.startswith("hypothesis>=") for dep in extras["testing"])
    assert "release-validator[testing]" in extras["test"]


def test_the_oracle_covers_every_rule_kind() -> None:
    assert set(ORACLES) == set(CHECKS)


def test_a_kind_the_oracle_does_not_know_is_an_error_not_a_pass() -> None:
    rules = parse_rules("figures: {value: value}\ndimensions: {flow: [a]}\nrules:\n"
                        "  - id: r\n    bounds: {min: 0}\n", "r.yaml")
    rule = dataclasses.replace(rules.rules[0], kind="no-such-kind")
    with pytest.raises(NotImplementedError, match="no-such-kind"):
        oracle.evaluate(rules, rule, {}, set())


# ---------------------------------------------------------------- the oracle's own reader

HALF, CUT, EXACT = Rounding.HALF_UNIT, Rounding.TRUNCATED, Rounding.EXACT
LOOSE, STRICT = TrailingZeros.INSIGNIFICANT, TrailingZeros.SIGNIFICANT


@pytest.mark.parametrize(("text", "rounding", "zeros", "expected"), [
    ("71.0", HALF, LOOSE, (70.95, 71.05)),
    ("-71.0", HALF, LOOSE, (-71.05, -70.95)),
    ("71.0", CUT, LOOSE, (71.0, 71.1)),
    ("-71.0", CUT, LOOSE, (-71.1, -71.0)),  # truncation cuts towards zero
    ("130", HALF, LOOSE, (125.0, 135.0)),  # rounded to tens
    ("130", HALF, STRICT, (129.5, 130.5)),
    ("0", HALF, LOOSE, (-0.5, 0.5)),
    ("1,234.5", HALF, LOOSE, (1234.45, 1234.55)),
    ("1\u202f234", HALF, STRICT, (1233.5, 1234.5)),
    ("\u22125.1", HALF, LOOSE, (-5.15, -5.05)),
    ("+3", EXACT, LOOSE, (3.0, 3.0)),
    ("6e+05", HALF, LOOSE, (550000.0, 650000.0)),
    (".5", HALF, LOOSE, (0.45, 0.55)),
])
def test_printed_interval(text: str, rounding: Rounding, zeros: TrailingZeros,
                          expected: tuple[float, float]) -> None:
    assert printed_interval(text, rounding, zeros) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", ["", "  ", "x", "1O.0", "12,34", "1,2345", "1e999", "--1", "."])
def test_printed_interval_of_what_is_no_number(text: str) -> None:
    assert all(math.isnan(b) for b in printed_interval(text, HALF, LOOSE))


def test_printed_interval_scales_exactly() -> None:
    assert printed_interval("258.4", HALF, LOOSE, 1e9) == (258.35e9, 258.45e9)


_printed = st.builds(
    lambda sign, whole, frac, exp: f"{sign}{whole}{'.' + frac if frac is not None else ''}"
    f"{'e' + str(exp) if exp is not None else ''}",
    st.sampled_from(["", "-", "+"]),
    st.from_regex(r"[0-9]{1,9}", fullmatch=True),
    st.none() | st.from_regex(r"[0-9]{0,6}", fullmatch=True),
    st.none() | st.integers(-5, 5),
)


@given(texts=st.lists(_printed, min_size=1, max_size=20),
       rounding=st.sampled_from(list(Rounding)), zeros=st.sampled_from(list(TrailingZeros)))
def test_the_engine_reads_printed_numbers_as_the_oracle_does(
        texts: list[str], rounding: Rounding, zeros: TrailingZeros) -> None:
    parsed = parse_printed(pd.Series(texts, dtype="str"), rounding, zeros)
    for i, text in enumerate(texts):
        lo, hi = printed_interval(text, rounding, zeros)
        assert np.isclose(parsed.lo[i], lo, rtol=1e-12, atol=0), text
        assert np.isclose(parsed.hi[i], hi, rtol=1e-12, atol=0), text
