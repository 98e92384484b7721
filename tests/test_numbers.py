"""Printed text to intervals: exact cases, and properties of rounding and truncation."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.numbers import Rounding, TrailingZeros, parse_printed

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
