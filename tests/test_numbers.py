"""Printed text to intervals: exact cases, and properties of rounding and truncation."""

from __future__ import annotations

import warnings
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.numbers import (
    Parsed,
    Rounding,
    TrailingZeros,
    code_positions,
    is_one_of,
    parse_printed,
)

CASES = [
    ("71.0", 70.95, 71.05),
    ("995", 994.5, 995.5),
    ("130", 125.0, 135.0),
    ("2000", 1500.0, 2500.0),
    ("0", -0.5, 0.5),
    ("-3", -3.5, -2.5),
    ("\u22129.4", -9.45, -9.35),
    ("1,741.9", 1741.85, 1741.95),
    ("1 741.9", 1741.85, 1741.95),
    ("1\u2009741.9", 1741.85, 1741.95),
    ("6e+05", 550_000.0, 650_000.0),
    ("6.0E5", 595_000.0, 605_000.0),
    ("+0.25", 0.245, 0.255),
    (" 12.5 ", 12.45, 12.55),
]


@pytest.mark.parametrize(("text", "lo", "hi"), CASES)
def test_printed_number_is_an_interval(text: str, lo: float, hi: float) -> None:
    parsed = parse_printed(pd.Series([text], dtype="str"))
    assert parsed.lo[0] == pytest.approx(lo)
    assert parsed.hi[0] == pytest.approx(hi)
    assert not parsed.malformed[0]


@pytest.mark.parametrize("text", ["x", "1,2", "12,34.5", "-", ".", "1.2.3", "nan", "inf",
                                  "1e999", "1e5e5", "--5", "5-", "$5"])
def test_malformed_numbers_are_flagged(text: str) -> None:
    parsed = parse_printed(pd.Series([text], dtype="str"))
    assert parsed.malformed[0]
    assert np.isnan(parsed.lo[0])


def test_empty_is_not_reported_rather_than_malformed() -> None:
    parsed = parse_printed(pd.Series(["", "  "], dtype="str"))
    assert parsed.empty.tolist() == [True, True]
    assert parsed.malformed.tolist() == [False, False]


def test_significant_trailing_zeros_and_scale() -> None:
    parsed = parse_printed(pd.Series(["130", "995"], dtype="str"),
                           trailing_zeros=TrailingZeros.SIGNIFICANT, scale=np.array([1e6, 1e9]))
    assert parsed.lo.tolist() == pytest.approx([129.5e6, 994.5e9])
    assert parsed.hi.tolist() == pytest.approx([130.5e6, 995.5e9])


def test_truncation_extends_away_from_zero() -> None:
    parsed = parse_printed(pd.Series(["10.8", "-9.4"], dtype="str"), Rounding.TRUNCATED)
    assert parsed.lo.tolist() == pytest.approx([10.8, -9.5])
    assert parsed.hi.tolist() == pytest.approx([10.9, -9.4])


values = st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False,
                     places=6)


@given(values, st.integers(min_value=0, max_value=4))
def test_rounded_value_lies_in_its_printed_interval(value: Decimal, decimals: int) -> None:
    printed = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    parsed = parse_printed(pd.Series([f"{printed:f}"], dtype="str"),
                           trailing_zeros=TrailingZeros.SIGNIFICANT)
    assert parsed.lo[0] - 1e-9 * (1 + abs(float(value))) <= float(value)
    assert float(value) <= parsed.hi[0] + 1e-9 * (1 + abs(float(value)))
    assert parsed.hi[0] - parsed.lo[0] == pytest.approx(10.0**-decimals,
                                                        abs=1e-9 * (1 + abs(float(value))))


@given(values, st.integers(min_value=0, max_value=4))
def test_truncated_value_lies_in_its_printed_interval(value: Decimal, decimals: int) -> None:
    printed = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)
    parsed = parse_printed(pd.Series([f"{printed:f}"], dtype="str"), Rounding.TRUNCATED,
                           TrailingZeros.SIGNIFICANT)
    slack = 1e-9 * (1 + abs(float(value)))
    assert parsed.lo[0] - slack <= float(value) <= parsed.hi[0] + slack


@given(st.integers(min_value=1, max_value=10**12))
def test_thousands_separators_do_not_change_the_value(value: int) -> None:
    plain, grouped = f"{value}", f"{value:,}"
    parsed = parse_printed(pd.Series([plain, grouped, grouped.replace(",", " ")], dtype="str"),
                           trailing_zeros=TrailingZeros.SIGNIFICANT)
    assert parsed.lo[0] == parsed.lo[1] == parsed.lo[2]
    assert not parsed.malformed.any()


def parse(*texts: str, **options: object) -> Parsed:
    return parse_printed(pd.Series(list(texts), dtype="str"), **options)  # type: ignore[arg-type]


def test_printed_decimals_count_places_and_rounded_tens() -> None:
    parsed = parse("71.0", "995", "130", "2000", "0", "6e+05", "6.0E5", "1.25e-3", "100.")
    assert parsed.decimals.tolist() == [1, 0, -1, -3, 0, -5, -4, 5, 0]
    assert parsed.decimals.dtype == np.int64  # whole places, for messages and comparisons
    assert parse("71.0", "130").decimals.dtype == np.int64  # also without any exponent
    assert parsed.mid.tolist() == pytest.approx([71.0, 995, 130, 2000, 0, 6e5, 6e5, 1.25e-3, 100])
    significant = parse("130", "2000", "0", trailing_zeros=TrailingZeros.SIGNIFICANT)
    assert significant.decimals.tolist() == [0, 0, 0]
    assert significant.decimals.dtype == np.int64


def test_exponents_move_the_unit_both_ways() -> None:
    parsed = parse("1.5e2", "15e-1", "2E+3", "-4e1")
    assert parsed.lo.tolist() == pytest.approx([145.0, 1.45, 1500.0, -45.0])
    assert parsed.hi.tolist() == pytest.approx([155.0, 1.55, 2500.0, -35.0])
    assert not parsed.malformed.any()


def test_truncated_negative_figures_extend_downwards_with_exponents_and_tens() -> None:
    parsed = parse("-130", "-1.5e2", "130", "-0.5", rounding=Rounding.TRUNCATED)
    assert parsed.lo.tolist() == pytest.approx([-140.0, -160.0, 130.0, -0.6])
    assert parsed.hi.tolist() == pytest.approx([-130.0, -150.0, 140.0, -0.5])


def test_exact_figures_have_no_width() -> None:
    parsed = parse("71.0", "-3", "130", rounding=Rounding.EXACT)
    assert parsed.lo.tolist() == parsed.hi.tolist() == parsed.mid.tolist() == [71.0, -3.0, 130.0]
    parsed.lo[0] = 0.0  # the bounds are arrays of their own, not views of each other
    assert (parsed.hi[0], parsed.mid[0]) == (71.0, 71.0)


def test_grouped_numbers_with_decimals_and_signs() -> None:
    parsed = parse("-1,741.9", "+12\u202f345", "1\xa0000.50", "12,345,678")
    assert parsed.mid.tolist() == pytest.approx([-1741.9, 12345.0, 1000.5, 12345678.0])
    assert parsed.decimals.tolist() == [1, 0, 2, 0]
    assert not parsed.malformed.any()


def test_the_largest_figure_is_read_and_anything_larger_is_malformed() -> None:
    parsed = parse("1e100", "-1e100", "1.1e100", "2e100", "1e101")
    assert parsed.malformed.tolist() == [False, False, True, True, True]
    assert parsed.mid[:2].tolist() == [1e100, -1e100]
    assert np.isnan(parsed.mid[2:]).all() and np.isnan(parsed.hi[2:]).all()


def test_a_malformed_cell_has_no_bounds_and_no_midpoint() -> None:
    parsed = parse("12", "x", "")
    assert (parsed.malformed.tolist(), parsed.empty.tolist()) == ([False, True, False],
                                                                  [False, False, True])
    assert (parsed.lo[0], parsed.hi[0], parsed.mid[0]) == (11.5, 12.5, 12.0)
    assert np.isnan([parsed.lo[1], parsed.hi[1], parsed.mid[1]]).all()


def test_a_scaled_figure_multiplies_every_bound_and_keeps_the_rest() -> None:
    parsed = parse("1.5", "x", "")
    scaled = parsed.scaled(np.array([1e3, 1e6, 1.0]))
    assert scaled.lo[0] == pytest.approx(1450.0) and scaled.hi[0] == pytest.approx(1550.0)
    assert scaled.mid[0] == pytest.approx(1500.0)
    assert scaled.decimals is parsed.decimals and scaled.empty is parsed.empty
    assert scaled.malformed is parsed.malformed
    assert parsed.mid[0] == 1.5  # the original is unchanged
    assert parse("2").scaled(1e9).hi[0] == pytest.approx(2.5e9)


def test_code_positions_and_membership() -> None:
    cells = pd.Series(["b", "a", "z", "", "a"], index=[10, 11, 12, 13, 14], dtype="str")
    assert code_positions(cells, ["a", "b"]).tolist() == [1, 0, -1, -1, 0]
    assert code_positions(cells, []).tolist() == [-1] * 5
    member = is_one_of(cells, ["a", "b"])
    assert member.tolist() == [True, True, False, False, True]
    assert member.index.tolist() == [10, 11, 12, 13, 14]


def test_empty_cells_and_readable_numbers_are_not_malformed_the_rest_is() -> None:
    cells = pd.Series(["12", "", "  ", "1,741.9", "\u22129.4", "6e+05", "1e100", "-1e100",
                       "1e101", "1e999", "x", "1,2", "nan"], index=range(5, 18), dtype="str")
    parsed = parse_printed(cells)
    assert (~parsed.malformed).tolist() == [True] * 8 + [False] * 5
    assert parsed.empty.tolist() == [False, True, True] + [False] * 10


def test_scaling_past_the_float_range_gives_inf_quietly() -> None:
    # A declared unit can push a readable figure past the float range: the intake reports such
    # a figure as too large, so scaling must not also warn (a RuntimeWarning on the console).
    parsed = parse("1e100", "2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = parsed.scaled(np.array([1e300, 1e300]))
    assert np.isinf(scaled.hi[0]) and np.isinf(scaled.mid[0])
    assert scaled.mid[1] == pytest.approx(2e300)


def test_a_number_may_start_at_its_decimal_point() -> None:
    parsed = parse(".5", "-.25", "+.5e1", "5.")
    assert parsed.lo.tolist() == pytest.approx([0.45, -0.255, 4.5, 4.5])
    assert parsed.hi.tolist() == pytest.approx([0.55, -0.245, 5.5, 5.5])
    assert parsed.decimals.tolist() == [1, 2, 0, 0]


def test_reading_any_column_gives_no_warning() -> None:
    # Warnings would reach the console of every check: a column mixing exponents, plain,
    # malformed, empty and overlarge cells reads quietly.
    cells = ("6e+05", "12", "", "x", "1e999", "-1.5E-3", "1,741.9", "nan", "1e5e5", "inf")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for rounding in Rounding:
            parsed = parse(*cells, rounding=rounding)
            assert parsed.malformed.tolist() == [False, False, False, True, True, False, False,
                                                 True, True, True]


@pytest.mark.parametrize("rounding", list(Rounding))
def test_a_zero_with_a_huge_exponent_is_malformed_whatever_the_rounding(rounding: Rounding) -> None:
    # "0e999" is zero to 10^999: an interval with an infinite end, half open when truncated.
    parsed = parse("0e999", "0e5", rounding=rounding)
    assert parsed.malformed.tolist() == [rounding is not Rounding.EXACT, False]
    assert np.isnan(parsed.hi[0]) or rounding is Rounding.EXACT
