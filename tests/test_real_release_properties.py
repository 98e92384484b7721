"""Properties: consistent figures, printed by rounding (or truncating), never fail a rule of the
new kinds. Each generates true values that satisfy the rule exactly and prints them."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import run_texts
from validator.report import Report, Severity

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
amounts = st.floats(min_value=0.5, max_value=5000, allow_nan=False, allow_infinity=False)
decimals = st.integers(min_value=0, max_value=3)


def printed(x: float, d: int) -> str:
    return f"{x:.{d}f}"


def truncated(x: float, d: int) -> str:
    return str(Decimal(repr(x)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_DOWN))


def run(rules: str, csv: str, prior: str | None = None) -> Report:
    with TemporaryDirectory() as tmp:
        return run_texts(Path(tmp), rules, csv, prior)


def errors(report: Report) -> list[str]:
    return [d.message for d in report.discrepancies if d.severity is Severity.ERROR]


SHARE_RULES = """
figures: {share: share_pct}
dimensions:
  partner:
    World: [a, b, c, d]
rules:
  - id: shares
    share: partner
"""


@SETTINGS
@given(st.lists(amounts, min_size=1, max_size=4), decimals, decimals)
def test_shares_of_rounded_figures_pass(parts: list[float], d_value: int, d_share: int) -> None:
    whole = sum(parts)
    lines = ["partner,value,share_pct", f"World,{printed(whole, d_value)},"]
    for code, part in zip("abcd", parts, strict=False):
        lines.append(f"{code},{printed(part, d_value)},{printed(100 * part / whole, d_share)}")
    report = run(SHARE_RULES, "\n".join(lines) + "\n")
    assert report.clean, report.discrepancies


PERIOD_RULES = """
figures: {time: period}
dimensions:
  flow: [exports]
  period: ["2020-01"]
rules:
  - id: ytd
    period_total: ytd
  - id: days
    period_total: within_month
"""


@SETTINGS
@given(st.lists(amounts, min_size=1, max_size=12), st.tuples(amounts, amounts, amounts),
       decimals)
def test_period_totals_of_rounded_figures_pass(months: list[float],
                                               thirds: tuple[float, float, float],
                                               d: int) -> None:
    m = len(months)
    lines = ["flow,period,value"]
    lines += [f"exports,2020-{i + 1:02d},{printed(v, d)}" for i, v in enumerate(months)]
    lines.append(f"exports,2020-{m:02d}-YTD,{printed(sum(months), d)}")
    a, b, c = thirds
    lines += [f"exports,2021-03-10d,{printed(a, d)}", f"exports,2021-03-20d,{printed(a + b, d)}",
              f"exports,2021-03,{printed(a + b + c, d)}"]
    report = run(PERIOD_RULES, "\n".join(lines) + "\n")
    assert report.clean, report.discrepancies
    assert sum(r.checked for r in report.rules if r.id in ("ytd", "days")) == 3


ABS_RULES = """
figures: {change: change_pct, abs_change: change_amt, time: period}
dimensions:
  flow: [exports, imports]
  period: ["2020-06"]
rules:
  - id: on-year
    abs_change: year
  - id: on-month
    abs_change: previous
"""


@SETTINGS
@given(amounts, amounts, amounts, decimals, st.integers(min_value=0, max_value=2))
def test_changes_in_amount_of_rounded_figures_pass(now: float, month_before: float,
                                                   year_before: float, d: int,
                                                   d_rate: int) -> None:
    rate = (now / year_before - 1) * 100
    lines = [
        "flow,period,value,change_pct,change_amt",
        # On the year, from the rate alone (the year before is not in the table).
        f"exports,2020-06,{printed(now, d)},{printed(rate, d_rate)},"
        f"{printed(now - year_before, d)}",
        # On the month, from the month before reported.
        f"imports,2020-06,{printed(now, d)},,{printed(now - month_before, d)}",
        f"imports,2020-05,{printed(month_before, d)},,",
    ]
    report = run(ABS_RULES, "\n".join(lines) + "\n")
    assert report.clean, report.discrepancies


SIGN_RULES = """
figures: {change: change_pct, time: period, signed: {flow: [balance]}}
dimensions:
  flow: [exports, imports, balance]
  period: ["2020"]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
  - id: prior-year
    implied_prior: [balance]
  - id: growth
    bounds: {min: -100, measure: change}
"""


@SETTINGS
@given(amounts, amounts, amounts, amounts, decimals)
def test_balances_changing_sign_raise_no_errors(e: float, i: float, e0: float, i0: float,
                                                d: int) -> None:
    b, b0 = e - i, e0 - i0
    if abs(b0) < 0.01 or abs(b) < 0.01:
        return  # a rate on (nearly) nothing is not printed
    lines = ["flow,period,value,change_pct"]
    for flow, v, v0 in (("exports", e, e0), ("imports", i, i0), ("balance", b, b0)):
        lines.append(f"{flow},2020,{printed(v, d)},{printed((v / v0 - 1) * 100, 1)}")
    report = run(SIGN_RULES, "\n".join(lines) + "\n")
    assert errors(report) == []


TRUNCATION_RULES = """
figures: {change: change_pct, rounding: {value: truncated, change: half-unit}}
dimensions:
  product:
    total: [a, b, c, d, e]
rules:
  - id: parts
    breakdown: product
    complete: true
"""


@SETTINGS
@given(st.lists(amounts, min_size=1, max_size=5), decimals)
def test_truncated_figures_pass(parts: list[float], d: int) -> None:
    products = "abcde"[:len(parts)]
    rules = TRUNCATION_RULES.replace("[a, b, c, d, e]", f"[{', '.join(products)}]")
    lines = ["product,value,change_pct", f"total,{truncated(sum(parts), d)},"]
    lines += [f"{p},{truncated(v, d)}," for p, v in zip(products, parts, strict=True)]
    report = run(rules, "\n".join(lines) + "\n")
    assert report.clean, report.discrepancies


FORMAT_RULES = """
figures:
  unit: unit
  units: {USD bn: 1.0e9, USD mn: 1.0e6}
  unit_words: {USD bn: ["$ billion", "USD bn"], USD mn: ["$ million", "# mn"]}
  negatives: parentheses
dimensions:
  flow: [exports, imports, balance]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
"""
forms = st.sampled_from(["${} billion", "USD {} bn", "{}|USD bn", "${} million", "{} mn"])


def written(x: float, d: int, form: str) -> str:
    if "million" in form or ("mn" in form and "USD" not in form):
        x, d = x * 1000, max(d - 3, 0)
    number = printed(x, d)
    if x < 0 and form.startswith("{}|"):
        number = f"({printed(-x, d)})"
    text = form.format(number)
    return text.replace("|", ",") if "|" in text else text + ","


@SETTINGS
@given(amounts, amounts, decimals, forms, forms, forms)
def test_values_written_with_units_pass(e: float, i: float, d: int, fe: str, fi: str,
                                        fb: str) -> None:
    lines = ["flow,value,unit"]
    for flow, v, form in (("exports", e, fe), ("imports", i, fi), ("balance", e - i, fb)):
        lines.append(f'{flow},"{written(v, d, form).split(",")[0]}",'
                     f'{written(v, d, form).split(",")[1]}')
    report = run(FORMAT_RULES, "\n".join(lines) + "\n")
    assert report.clean, report.discrepancies


REVISION_RULES = """
figures: {change: change_pct, time: period}
dimensions:
  flow: [exports]
  period: ["2020-06"]
rules:
  - id: positive
    bounds: {min: 0}
"""


@SETTINGS
@given(amounts, amounts, decimals, st.integers(min_value=0, max_value=2))
def test_unrevised_figures_raise_no_revision(now: float, year_before: float, d: int,
                                             d_rate: int) -> None:
    rate = (now / year_before - 1) * 100
    assume(rate > -99)  # a printed -100% implies no prior value at all
    current = (f"flow,period,value,change_pct\nexports,2020-06,{printed(now, d)},"
               f"{printed(rate, d_rate)}\n")
    previous = f"flow,period,value,change_pct\nexports,2019-06,{printed(year_before, d)},\n"
    report = run(REVISION_RULES, current, previous)
    assert report.clean, report.discrepancies
    assert [r.checked for r in report.rules if r.id == "revision"] == [1]
