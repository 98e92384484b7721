"""The figures lookup API: explicit missing masks, and the dense and sparse indexes agree."""

from __future__ import annotations

import numpy as np
import pytest

import validator.figures as figures_module
from validator.engine import check
from validator.figures import Figures
from validator.intake import take_in
from validator.rules import load_rules
from validator.table import read_table

EXAMPLES = [
    ("examples/korea-ict-2020/figures.csv", "rules/korea-ict.yaml", None),
    ("examples/monthly-trade-deficit/figures.csv", "rules/monthly-trade.yaml",
     "examples/monthly-trade-deficit/previous-release.csv"),
]


def _figures() -> Figures:
    table = read_table(EXAMPLES[0][0])
    return take_in(table, load_rules(EXAMPLES[0][1])).figures


def test_a_missing_figure_is_never_found_and_reads_the_fill() -> None:
    figures = _figures()
    assert figures._slots is not None  # the example's key space is small: a dense index
    keys = np.array([int(figures.key[3]), -1, figures.key_space, figures.key_space + 7])
    lookup = figures.find(keys)
    assert lookup.found.tolist() == [True, False, False, False]
    assert int(lookup.positions[0]) == 3
    assert lookup.or_missing().tolist() == [3, -1, -1, -1]
    taken = lookup.take(figures.lo)
    assert taken[0] == figures.lo[3] and np.isnan(taken[1:]).all()


def test_under_another_code_and_along_a_dimension() -> None:
    figures = _figures()
    dim = figures.dimensions[0]
    own = int(figures.codes[0, 0])
    codes = np.arange(len(dim.codes))
    lookup = figures.under(np.zeros(len(codes), dtype=np.int64), dim.name, codes)
    assert lookup.found[own] and int(lookup.positions[own]) == 0
    for code, found, position in zip(codes, lookup.found, lookup.positions, strict=True):
        if found:
            assert figures.codes[position, 0] == code
            assert (np.delete(figures.codes[position], 0) == np.delete(figures.codes[0], 0)).all()
    assert not figures.under(np.array([0]), dim.name, np.array([-1])).found.any()
    instances = figures.instance_keys(np.array([0]), dim.name)
    grid = figures.along(instances, dim.name, codes)
    assert grid.found.shape == (len(codes), 1)
    assert (grid.found[:, 0] == lookup.found).all()


@pytest.mark.parametrize("table,rules,prior", EXAMPLES)
def test_the_sparse_index_gives_the_same_report(table: str, rules: str, prior: str | None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = load_rules(rules)
    previous = read_table(prior) if prior else None
    dense = check(read_table(table), ruleset, prior=previous).to_records()
    monkeypatch.setattr(figures_module, "DENSE_SLOTS_PER_FIGURE", 0)
    monkeypatch.setattr(figures_module, "DENSE_MIN_SLOTS", 0)
    assert take_in(read_table(table), ruleset).figures._slots is None
    sparse = check(read_table(table), ruleset, prior=previous).to_records()
    assert sparse == dense


def test_unique_keys_matches_numpy() -> None:
    figures = _figures()
    rng = np.random.default_rng(3)
    keys = rng.choice(figures.key, size=600 * len(figures.key))  # enough for the dense path
    unique, inverse = figures.unique_keys(keys)
    expected, expected_inverse = np.unique(keys, return_inverse=True)
    assert (unique == expected).all() and (inverse == expected_inverse).all()
