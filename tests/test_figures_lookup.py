"""The figures lookup API: explicit missing masks, and the dense and sparse indexes agree."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import validator.figures as figures_module
from validator.engine import check
from validator.figures import (
    Display,
    Figures,
    Lookup,
    Texts,
    format_amount,
    implied_prior_interval,
    interval_divide,
    key_radix,
)
from validator.intake import take_in
from validator.model import Dimension, FigureRole
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


def test_a_lookup_in_a_store_without_figures_finds_nothing_and_reads_the_fill() -> None:
    figures = _figures()
    empty = figures.key[:0]
    lookup = Lookup(positions=np.zeros(3, dtype=np.int64), found=np.zeros(3, dtype=bool))
    assert np.isnan(lookup.take(figures.lo[:0])).all()
    assert lookup.take(empty, fill=-1).tolist() == [-1, -1, -1]
    assert lookup.marked(np.zeros(0, dtype=bool)).tolist() == [False, False, False]


def test_marked_is_found_and_the_figures_entry_of_the_mask() -> None:
    figures = _figures()
    lookup = figures.find(np.array([int(figures.key[0]), int(figures.key[1]), -1]))
    mask = np.zeros(len(figures.key), dtype=bool)
    mask[1] = True
    assert lookup.marked(mask).tolist() == [False, True, False]
    mask[0] = True  # position 0 stands in for the key not found: it must not be marked
    assert lookup.marked(mask).tolist() == [True, True, False]


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
    assert unique.dtype == expected.dtype == np.int64  # keys, as numpy gives them


# --- amounts, intervals and keys in plain numbers -------------------------------------------


@pytest.mark.parametrize(("amount", "decimals", "text"), [
    (53.849999999, 2, "53.85"), (0.125, 2, "0.13"), (-0.125, 2, "-0.13"), (2.5, 0, "3"),
    (-2.5, 0, "-3"), (1234.5, -1, "1235"), (0.4, 0, "0"), (-0.4, 0, "0"), (-0.04, 1, "-0.0"),
    (0.0, 0, "0"), (1.23456789012, 12, "1.234567890"), (1e20, 1, "100000000000000000000.0"),
    (math.inf, 1, "inf"), (-math.inf, 0, "-inf"), (7.0, 3, "7.000")])
def test_amounts_round_half_up_to_at_most_nine_decimals(amount: float, decimals: int,
                                                        text: str) -> None:
    assert format_amount(amount, decimals) == text


def test_format_amount_names_nan() -> None:
    assert format_amount(math.nan, 2) == "nan"


def test_float_noise_six_places_past_the_decimals_is_dropped_before_rounding() -> None:
    assert format_amount(0.124999996, 2) == "0.13"  # 0.125 with noise: rounds up
    assert format_amount(0.12499, 2) == "0.12"  # a real digit: rounds down


def test_the_largest_figures_are_written_in_full() -> None:
    # Figures up to limits.MAX_MAGNITUDE have 100 digits, past the 28 of Decimal's default.
    assert format_amount(1e95, 2) == "1" + "0" * 95 + ".00"
    assert format_amount(-1e95, 0) == "-1" + "0" * 95


def test_a_display_writes_amounts_and_intervals_in_its_unit() -> None:
    display = Display(unit="USD bn", scale=1e9, decimals=1)
    assert display.format(71.05e9) == "71.1"
    assert display.format_interval(70.95e9, 71.05e9) == "71.0 +/- 0.05"
    assert display.format_interval(70.9e9, 71.1e9) == "71.0 +/- 0.1"  # a trailing zero goes
    assert Display("", 1.0, 0).format_interval(9.0, 11.0) == "10 +/- 1"
    assert Display("", 1.0, 0).format_interval(9.5, 10.5) == "10 +/- 0.5"
    assert Display("", 1.0, -1).format_interval(100.0, 120.0) == "110 +/- 10"


def test_a_display_states_a_finding_in_its_unit_with_two_more_decimals() -> None:
    display = Display(unit="USD mn", scale=1e6, decimals=1)
    role = FigureRole(3, "total")
    found = display.finding("m", (role,), {"year": "2020"}, (1.5e6, 2.5e6), (3e6, 4e6), 5e5)
    assert (found.message, found.figures, dict(found.context)) == ("m", (role,),
                                                                   {"year": "2020"})
    assert found.expected == (1.5, 2.5) and found.reported == (3.0, 4.0)
    assert found.gap == 0.5 and found.unit == "USD mn" and found.decimals == 3


def test_interval_division_takes_the_extremes_whatever_the_signs() -> None:
    lo, hi = np.array([6.0, -6.0, -6.0, 6.0, -3.0, 1.0]), np.array([8.0, 8.0, -4.0, 8.0,
                                                                      6.0, 2.0])
    d_lo, d_hi = np.array([2.0, 2.0, 2.0, -4.0, -2.0, -1.0]), np.array([4.0, 4.0, 4.0, -2.0,
                                                                         -1.0, 1.0])
    q_lo, q_hi = interval_divide(lo, hi, d_lo, d_hi)
    assert q_lo[:5].tolist() == [1.5, -3.0, -3.0, -4.0, -6.0]
    assert q_hi[:5].tolist() == [4.0, 4.0, -1.0, -1.5, 3.0]
    assert np.isnan(q_lo[5]) and np.isnan(q_hi[5])  # the divisor holds zero
    with warnings.catch_warnings():  # dividing by a zero end (0/0 too) warns nothing
        warnings.simplefilter("error")
        zero_ends = interval_divide(np.array([1.0, 0.0]), np.array([2.0, 0.0]),
                                    np.array([0.0, -1.0]), np.array([1.0, 0.0]))
    assert np.isnan(zero_ends[0]).all() and np.isnan(zero_ends[1]).all()


def test_implied_prior_values_divide_by_one_plus_the_rate() -> None:
    lo, hi = implied_prior_interval(np.array([110.0, -90.0, 50.0, 50.0, 50.0]),
                                    np.array([110.0, -90.0, 50.0, 50.0, 50.0]),
                                    np.array([10.0, -10.0, -100.0, -150.0, -99.0]),
                                    np.array([10.0, -10.0, -90.0, -100.0, -99.0]))
    assert lo[:2].tolist() == pytest.approx([100.0, -100.0])
    assert hi[:2].tolist() == pytest.approx([100.0, -100.0])
    assert np.isnan(lo[2:4]).all() and np.isnan(hi[2:4]).all()  # -100% or less: no prior
    assert lo[4] == pytest.approx(5000.0) and hi[4] == pytest.approx(5000.0)


def test_keys_pack_one_code_per_dimension_in_mixed_radix() -> None:
    dims = [Dimension("a", ("x", "y")), Dimension("b", ("p", "q", "r")), Dimension("c", ("z",))]
    assert key_radix(dims).tolist() == [8, 2, 1]  # sizes 3, 4, 2 (each code list + "none")
    assert key_radix(dims[:1]).tolist() == [1]
    assert key_radix([]).tolist() == []


def test_keys_and_codes_of_the_example() -> None:
    figures = _figures()
    flows = len(figures.dimensions[0].codes) + 1
    assert figures.key_space == int(figures.radix[0]) * flows
    assert figures.key.max() < figures.key_space
    first = int(figures.key[0])
    assert figures.key_codes(first) == {"flow": "exports", "product": "ICT",
                                        "partner": "World", "period": "2020"}
    assert figures.context(first, without="period") == {"flow": "exports", "product": "ICT",
                                                        "partner": "World"}
    assert figures.lead(first) == "exports, ICT, World, 2020: "
    assert figures.code_of(0, "partner") == "World" and figures.code_of(3, "product") == \
        "semiconductors"
    assert figures.code_in(first, "flow") == 0
    assert figures.code_in(figures.key[1], "flow") == 1
    assert figures.code_positions("flow", ["balance", "nope", "exports"]).tolist() == [2, -1, 0]
    none = figures.code_positions("flow", [])
    assert figures.key[none].tolist() == []  # no codes: still positions to index with
    moved = figures.with_code(np.array([first, -1]), "flow", np.array([2, 2]))
    assert figures.key_codes(moved[0])["flow"] == "balance" and moved[1] == -1
    assert figures.with_code(first, "flow", -1) == -1
    scope = figures.in_scope({"flow": frozenset({"imports", "balance"})})
    assert scope[:3].tolist() == [False, True, True]
    assert figures.in_scope({}).all()
    assert figures.role(2, "total") == FigureRole(int(figures.frame_index[2]), "total")


def test_texts_values_as_printed_and_rates_with_their_sign() -> None:
    figures = _figures()
    assert figures.value_text[0] == "183.6" and figures.rate_text(0) == "+3.8"
    signed = replace(figures, change_text=Texts([" +3.8", "-1.2", "\u22121.2", "0"],
                                                np.arange(4)))
    assert [signed.rate_text(i) for i in range(4)] == ["+3.8", "-1.2", "\u22121.2", "+0"]
    assert figures.verb == "reported" and figures.implied_prior().verb == "implied"
    texts = Texts(["a", "-1.5", "\u22122"], np.array([2, 0, 1]))
    assert (texts[0], texts[1], texts[2], len(texts)) == ("\u22122", "a", "-1.5", 3)
    assert Texts(None, np.array([0]))[0] == ""
    arrow = Texts(pd.Series(["x", None], dtype="string[pyarrow]"), np.array([1, 0]))
    assert (arrow[0], arrow[1]) == ("", "x")


def test_a_display_takes_the_first_unit_and_the_finest_decimals() -> None:
    figures = _figures()
    display = figures.display([0, 1])
    assert (display.unit, display.scale, display.decimals) == ("USD bn", 1e9, 1)
    # 183.6 bn beside 112,600 mn (no decimals): a million is three decimals of a billion.
    mixed = replace(figures, scale=np.array([1e9, 1e6, *figures.scale[2:]]),
                    decimals=np.array([1, 0, *figures.decimals[2:]]))
    assert mixed.display([0, 1]).decimals == 3
    assert mixed.display([1, 0]).decimals == 0  # in mn, 0.1 bn is 100 mn
    assert figures.shown(0, display) == "183.6"
    assert figures.shown(0, Display("USD mn", 1e6, 0)) == "183600"


def test_missing_figures_say_why() -> None:
    figures = _figures()
    assert figures.missing_reason(np.array([figures.key_space + 1])) == "figures not reported"
    assert figures.implied_prior().missing_reason(np.array([-5])) == \
        "figures without a reported value and % change"
    unusable = replace(figures, unusable={7: "b is malformed", 5: "a is empty"})
    assert unusable.missing_reason(np.array([7, 5, 7, 9])) == \
        "figures not usable: a is empty; b is malformed"


def test_the_prior_view_keeps_only_figures_with_a_usable_rate() -> None:
    figures = _figures()
    prior = figures.implied_prior()
    assert prior.implied and (prior.decimals == figures.decimals + 1).all()
    assert prior.share_lo is None and prior.abs_lo is None
    shares = np.ones(len(figures.key))
    current_only = replace(figures, share_lo=shares, share_hi=shares, abs_lo=shares,
                           abs_hi=shares).implied_prior()
    assert (current_only.share_lo, current_only.share_hi, current_only.abs_lo,
            current_only.abs_hi) == (None, None, None, None)  # they describe this period
    assert prior.lo[0] == pytest.approx(figures.lo[0] / 1.0385)
    assert prior.hi[0] == pytest.approx(figures.hi[0] / 1.0375)
    assert prior.available[0] and not prior.available[1]  # imports print no % change
    assert prior.printed(np.array([0, 1, -1])).tolist() == [True, False, False]
    assert figures.printed(np.array([0, 1, -1])).tolist() == [True, True, False]
    assert prior.key_codes(figures.key[0])["period"] == "2019"
    assert not figures.is_signed().any() and len(figures.is_signed()) == len(figures.key)


def test_a_release_of_one_figure_is_found_by_either_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "one.csv"
    lines = Path(EXAMPLES[0][0]).read_text(encoding="utf-8").splitlines()[:2]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = take_in(read_table(str(table)), load_rules(EXAMPLES[0][1])).figures
    assert len(one.key) == 1
    assert one.implied_prior().printed(np.array([0, -1])).tolist() == [True, False]
    key = int(one.key[0])
    keys = np.array([key - 1, key, key + 1, -1])
    assert one.find(keys).found.tolist() == [False, True, False, False]
    monkeypatch.setattr(figures_module, "DENSE_SLOTS_PER_FIGURE", 0)
    monkeypatch.setattr(figures_module, "DENSE_MIN_SLOTS", 0)
    sparse = take_in(read_table(str(table)), load_rules(EXAMPLES[0][1])).figures
    assert sparse._slots is None
    assert sparse.find(keys).found.tolist() == [False, True, False, False]


def test_a_table_without_figures_finds_none_by_either_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "none.csv"
    table.write_text(Path(EXAMPLES[0][0]).read_text(encoding="utf-8").splitlines()[0] + "\n",
                     encoding="utf-8")
    for dense in (True, False):
        if not dense:
            monkeypatch.setattr(figures_module, "DENSE_SLOTS_PER_FIGURE", 0)
            monkeypatch.setattr(figures_module, "DENSE_MIN_SLOTS", 0)
        empty = take_in(read_table(str(table)), load_rules(EXAMPLES[0][1])).figures
        assert len(empty.key) == 0 and (empty._slots is None) is not dense
        lookup = empty.find(np.array([[0, 1], [-1, empty.key_space - 1]]))
        assert lookup.found.shape == (2, 2) and not lookup.found.any()
        assert lookup.positions.dtype == np.int64 and lookup.or_missing().tolist() == [[-1] * 2] * 2


def test_a_scope_in_several_dimensions_keeps_what_all_of_them_allow() -> None:
    figures = _figures()
    scope = figures.in_scope({"flow": frozenset({"exports"}), "product": frozenset({"ICT"})})
    flows = figures.codes[:, figures.dim_index("flow")]
    products = figures.codes[:, figures.dim_index("product")]
    expected = (flows == figures.code_positions("flow", ["exports"])[0]) & (
        products == figures.code_positions("product", ["ICT"])[0])
    assert scope.tolist() == expected.tolist() and 0 < scope.sum() < (flows == 0).sum()


def test_a_figure_found_outside_the_scope_is_not_usable() -> None:
    figures = _figures()
    lookup = figures.find(np.array([int(figures.key[3]), -1]))
    assert lookup.usable(figures).tolist() == [True, False]
    outside = np.ones(len(figures.key), dtype=bool)
    outside[3] = False
    assert not lookup.usable(figures, scope=outside).any()  # found, but out of scope
    assert lookup.usable(figures, scope=~outside).tolist() == [True, False]
