"""Issue 13: releases of other agencies (the development corpus), every phrasing class of the issue
as its own case, tables in text, and numbers never dropped silently (`prose.unplaced`)."""

from __future__ import annotations

import datetime
import io
import json
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from validator.cli import main
from validator.extraction import Lexicon, extract_figures, read_release
from validator.extraction.cjk import find_amounts, in_unit
from validator.rules import parse_rules

CORPUS = Path(__file__).parent / "fixtures" / "extract" / "corpus"
DEV = sorted(p for p in (CORPUS / "dev").iterdir() if p.is_dir())


def release_of(folder: Path) -> Path:
    return next(p for p in sorted(folder.iterdir()) if p.stem == "release")


def date_of(folder: Path) -> datetime.date | None:
    path = folder / "date"
    return datetime.date.fromisoformat(path.read_text().strip()) if path.exists() else None


@pytest.mark.parametrize("folder", DEV, ids=[p.name for p in DEV])
def test_development_release_is_read_as_transcribed(folder: Path) -> None:
    rules = parse_rules((folder / "rules.yaml").read_text(encoding="utf-8"), "rules.yaml")
    text = read_release(release_of(folder))
    table = extract_figures(text, Lexicon.from_rules(rules), release_date=date_of(folder)).table
    expected = pd.read_csv(folder / "expected.csv", dtype=str, keep_default_na=False)
    columns = list(expected.columns)
    assert sorted(map(tuple, table[columns].to_numpy().tolist())) == sorted(
        map(tuple, expected.to_numpy().tolist())
    )


RULES = """
version: 1
figures: {value: value, change: change_pct, unit: unit, time: period,
          units: {USD bn: 1.0e9, EUR bn: 1.0e9, USD mn: 1.0e6}}
dimensions:
  flow: [exports, imports, balance]
  partner:
    World: [China, US, EU]
  period: ["2023-01", "2023-02", "2024-01", "2024-02", "2023", "2024"]
labels:
  flow:
    balance: {aliases: [surplus], negative_aliases: [deficit]}
  partner:
    US: {label: United States}
defaults: {flow: exports}
rules: []
"""


def lexicon() -> Lexicon:
    return Lexicon.from_rules(parse_rules(RULES, "rules.yaml"))


def rows(text: str, date: datetime.date | None = None) -> list[list[str]]:
    table = extract_figures(text, lexicon(), release_date=date).table
    return table[["flow", "partner", "period", "value", "unit", "change_pct"]].values.tolist()


# The release's reference period ---------------------------------------------------------------

def test_reference_period_from_the_headline_after_a_parenthesised_abbreviation() -> None:
    text = "Merchandise trade (MT), February 2024\n\nExports rose 3.0% to $50.1 billion."
    assert rows(text) == [["exports", "World", "2024-02", "50.1", "USD bn", "3.0"]]


def test_reference_period_from_the_release_date_and_the_rules_periods() -> None:
    text = "Trade figures\n\nExports rose 3.0% to $50.1 billion."
    # Released 10 March 2024: the latest period of the rules that ended before it.
    assert rows(text, datetime.date(2024, 3, 10)) == [
        ["exports", "World", "2024-02", "50.1", "USD bn", "3.0"]
    ]


def test_reference_period_from_the_rules_defaults() -> None:
    text = "Trade figures\n\nExports rose 3.0% to $50.1 billion."
    assert rows(text) == []  # no period anywhere and no date: unplaced, not guessed
    with_default = RULES.replace("defaults: {flow: exports}",
                                 "defaults: {flow: exports, period: '2024-01'}")
    table = extract_figures(text, Lexicon.from_rules(parse_rules(with_default, "r.yaml"))).table
    assert table["period"].tolist() == ["2024-01"]


# Amount forms ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("phrase", "value", "unit"),
    [
        ("$US185 bln", "185", "USD bn"),
        ("185 billion U.S. dollars", "185", "USD bn"),
        ("US$185bn", "185", "USD bn"),
        ("EUR 185 billion", "185", "EUR bn"),
    ],
)
def test_amount_forms(phrase: str, value: str, unit: str) -> None:
    assert rows(f"In February 2024 exports rose 3.0% to {phrase}.") == [
        ["exports", "World", "2024-02", value, unit, "3.0"]
    ]


def test_billion_inherits_the_currency_of_an_earlier_amount_in_the_sentence() -> None:
    got = rows("In February 2024 exports were EUR 94.6 billion and imports 76.5 billion.")
    assert [r[3:5] for r in got] == [["94.6", "EUR bn"], ["76.5", "EUR bn"]]


def test_a_lost_dollar_sign_takes_the_one_unit_of_that_scale() -> None:
    only_usd = RULES.replace("USD bn: 1.0e9, EUR bn: 1.0e9, ", "USD bn: 1.0e9, ")
    table = extract_figures("In February 2024 exports were 52.5 billion.",
                            Lexicon.from_rules(parse_rules(only_usd, "r.yaml"))).table
    assert table[["value", "unit"]].values.tolist() == [["52.5", "USD bn"]]


def test_earlier_period_amounts() -> None:
    got = rows("In 2024 exports rose to $5.1 billion, up from $4.2 billion in 2023. "
               "Imports were $3.3 billion, compared with $3.0 billion a year earlier.")
    assert sorted(r[:5] for r in got) == [
        ["exports", "World", "2023", "4.2", "USD bn"],
        ["exports", "World", "2024", "5.1", "USD bn"],
        ["imports", "World", "2023", "3.0", "USD bn"],
        ["imports", "World", "2024", "3.3", "USD bn"],
    ]


def test_an_amount_restated_in_another_currency_is_not_a_figure() -> None:
    extraction = extract_figures(
        "In February 2024 the surplus was EUR 5.2 billion ($5.6 billion).", lexicon()
    )
    assert extraction.table["value"].tolist() == ["5.2"]
    assert [(u.text, u.counted) for u in extraction.unplaced] == [("$5.6 billion", False)]


# Korean and Japanese --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "value", "exponent"),
    [
        ("550억9000만 달러", Decimal("55090000000"), 7),
        ("7兆2,927億円", Decimal("7292700000000"), 8),
        ("130억 달러", Decimal("13000000000"), 9),
        ("△4억1100만 달러", Decimal("-411000000"), 6),
        ("5천만 달러", Decimal("50000000"), 7),
    ],
)
def test_korean_and_japanese_numerals(text: str, value: Decimal, exponent: int) -> None:
    (amount,) = find_amounts(text)
    assert (amount.value, amount.exponent) == (value, exponent)


def test_cjk_amount_in_the_rules_unit_keeps_the_printed_precision() -> None:
    (amount,) = find_amounts("550억9000만 달러")
    assert in_unit(amount, {"USD bn": 1e9, "USD mn": 1e6}, {"USD bn": "USD", "USD mn": "USD"}) \
        == ("55.09", "USD bn")
    (small,) = find_amounts("4억1100만 달러")
    assert in_unit(small, {"USD bn": 1e9, "USD mn": 1e6}, {"USD bn": "USD", "USD mn": "USD"}) \
        == ("411", "USD mn")


@pytest.mark.parametrize(
    ("sentence", "change"),
    [
        ("2024년 2월 수출은 전년 대비 5.1% 증가한 550억9000만 달러였다.", "5.1"),
        ("2024년 2월 수출은 9.7% 감소한 550억9000만 달러였다.", "-9.7"),
        ("2024년 2월 수출은 550억9000만 달러로 12.8% 늘었다.", "12.8"),
        ("2024年2月の輸出は550億9000万ドルで、前年同月比0.6%増となった。", "0.6"),
        ("2024年2月の輸出は550億9000万ドルで、前年同月比9.9%減だった。", "-9.9"),
    ],
)
def test_korean_and_japanese_direction_words(sentence: str, change: str) -> None:
    cjk_rules = RULES.replace("    balance: {aliases: [surplus], negative_aliases: [deficit]}",
                              "    balance: {aliases: [surplus], negative_aliases: [deficit]}\n"
                              "    exports: {aliases: [수출, 輸出]}")
    table = extract_figures(sentence, Lexicon.from_rules(parse_rules(cjk_rules, "r"))).table
    assert table[["flow", "period", "value", "unit", "change_pct"]].values.tolist() == [
        ["exports", "2024-02", "55.09", "USD bn", change]
    ]


# Two codes of one dimension in a clause -------------------------------------------------------

def test_respectively_pairs_codes_and_figures_in_order() -> None:
    got = rows("In February 2024 exports to China and the United States were $12.5 billion and "
               "$13.2 billion respectively.")
    assert [r[1] + "=" + r[3] for r in got] == ["China=12.5", "US=13.2"]


def test_two_partners_in_one_clause_without_respectively() -> None:
    got = rows("In February 2024 exports to China and the United States rose 5.0% and 3.0%.")
    assert [(r[1], r[5]) for r in got] == [("China", "5.0"), ("US", "3.0")]


# Rates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "phrase",
    [
        "rose by $1.9 billion (7.8 per cent) to $25.7 billion",
        "increased $1.9 billion, or 7.8%, to $25.7 billion",
        "grew 0.2% on the month and 7.8% on the year, to $25.7 billion",
    ],
)
def test_a_rate_after_a_change_in_amount_or_a_second_rate(phrase: str) -> None:
    got = rows(f"In February 2024 exports {phrase}.")
    assert [r[3:] for r in got] == [["25.7", "USD bn", "7.8"]]


DIRECTION_WORDS = [
    ("improved", ""), ("escalated", ""), ("leaped", ""), ("leapt", ""), ("rebounded", ""),
    ("edged up", ""), ("widened", ""), ("picked up", ""), ("surrendered", "-"), ("slid", "-"),
    ("narrowed", "-"), ("edged down", "-"), ("weakened", "-"), ("shed", "-"),
]  # fmt: skip


@pytest.mark.parametrize(("verb", "sign"), DIRECTION_WORDS)
def test_direction_words_and_their_kin(verb: str, sign: str) -> None:
    assert rows(f"In February 2024 exports {verb} 4.0% to $25.7 billion.") == [
        ["exports", "World", "2024-02", "25.7", "USD bn", sign + "4.0"]
    ]


def test_a_sign_glued_to_the_unit_and_no_space_after_a_full_stop() -> None:
    text = ("US trade, February 2024\n\nExports were 206.0 billion in February, revised."
            "Exports: 206.0 Billion-0.9% Imports: 258.4 Billion+1.7%")
    # With USD bn and EUR bn in the rules a bare "billion" is ambiguous: unplaced, not guessed.
    assert rows(text) == [["exports", "World", "2024-02", "", "", "-0.9"],
                          ["imports", "World", "2024-02", "", "", "1.7"]]
    only_usd = RULES.replace("USD bn: 1.0e9, EUR bn: 1.0e9, ", "USD bn: 1.0e9, ")
    table = extract_figures(text, Lexicon.from_rules(parse_rules(only_usd, "r.yaml"))).table
    got = table[["flow", "partner", "period", "value", "unit", "change_pct"]].values.tolist()
    assert sorted(r[0:1] + r[3:] for r in got) == [
        ["exports", "206.0", "USD bn", "-0.9"], ["imports", "258.4", "USD bn", "1.7"]
    ]


# Holdout 4's classes (issue 13, after the fourth freeze) -------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "In February 2024 exports rose 1.9% on month and 7.5% on year to $25.7 billion.",
        "In February 2024 exports slipped 4.8 percent month on month to $25.7 billion but were "
        "7.5 percent higher year on year.",
        "In February 2024 exports grew 1.9% (mom) and 7.5% (yoy) to $25.7 billion.",
    ],
)
def test_a_rate_on_the_month_is_not_the_annual_change(sentence: str) -> None:
    assert [r[3:] for r in rows(sentence)] == [["25.7", "USD bn", "7.5"]]


@pytest.mark.parametrize(
    "sentence",
    [
        "In the three months to February 2024, exports were 5.1% higher than in the preceding "
        "three months, and imports were 1.7% higher.",
        "Set against the three months before, exports in the three months ending February 2024 "
        "rose 4%; imports went down 3.2%.",
    ],
)
def test_rates_against_the_preceding_three_months_are_not_figures(sentence: str) -> None:
    extraction = extract_figures(sentence, lexicon())
    assert extraction.table.empty
    assert {u.reason for u in extraction.unplaced} == {"change on the previous month or quarter"}


def test_a_change_in_amount_then_its_rate_and_a_comparative() -> None:
    text = ("In February 2024 exports were $1.2 billion (18%) higher than a year before. "
            "Imports were 61% higher at $4.7 billion.")
    assert rows(text) == [["exports", "World", "2024-02", "", "", "18"],
                          ["imports", "World", "2024-02", "4.7", "USD bn", "61"]]


def test_a_rate_in_parentheses_after_a_change_in_amount_is_not_a_breakdown() -> None:
    text = ("In February 2024 exports to China fell 5.0%. Imports rose by $0.2 billion (5%) "
            "on an annual basis.")
    assert rows(text)[1] == ["imports", "World", "2024-02", "", "", "5"]


def test_a_balance_in_deficit_by_an_amount_is_its_level() -> None:
    assert rows("In February 2024 trade was in deficit by $0.68 billion.") == [
        ["balance", "World", "2024-02", "-0.68", "USD bn", ""]
    ]


def test_a_rate_measured_against_the_amount_of_the_month_before() -> None:
    text = ("Exports in February 2024 came to $15.2 billion, 11.7 percent more than the "
            "$13.6 billion of January 2024, while imports fell 2.9 percent from $13.9 billion "
            "in January 2024 to $13.5 billion.")
    assert sorted(rows(text)) == [
        ["exports", "World", "2024-01", "13.6", "USD bn", ""],
        ["exports", "World", "2024-02", "15.2", "USD bn", ""],
        ["imports", "World", "2024-01", "13.9", "USD bn", ""],
        ["imports", "World", "2024-02", "13.5", "USD bn", ""],
    ]


@pytest.mark.parametrize(
    ("opening", "period"),
    [
        ("Cumulatively, between January and February 2024 exports", "2024-02-YTD"),
        ("Over January to February 2024, exports", "2024-02-YTD"),
    ],
)
def test_runs_of_months_opening_a_sentence(opening: str, period: str) -> None:
    text = f"Exports rose in February 2024. {opening} totalled $50.1 billion."
    assert rows(text) == [["exports", "World", period, "50.1", "USD bn", ""]]


def test_the_june_year_is_the_twelve_months_ending_in_june() -> None:
    from validator.periods import find_periods

    found = find_periods("the deficit widened in the June 2017 year", None, [])
    assert [p.code for p in found] == ["2016-07/2017-06"]


@pytest.mark.parametrize(
    ("amount", "value", "unit"),
    [("RM17.33 billion", "17.33", "MYR bn"), ("Rp 12.5 trillion", "12.5", "IDR tn"),
     ("R$ 4.1 billion", "4.1", "BRL bn"), ("1.2 billion ringgit", "1.2", "MYR bn")],
)
def test_more_currency_forms(amount: str, value: str, unit: str) -> None:
    rules = RULES.replace("units: {", "units: {MYR bn: 1.0e9, IDR tn: 1.0e12, BRL bn: 1.0e9, ")
    table = extract_figures(f"In February 2024 exports were {amount}.",
                            Lexicon.from_rules(parse_rules(rules, "r.yaml"))).table
    assert table[["value", "unit"]].values.tolist() == [[value, unit]]


def test_a_table_with_share_columns_accountants_minus_and_a_change_per_period() -> None:
    text = ("Trade, EUR billion\n\n"
            "                February 2024   Share of total   February 2023   "
            "February 2024 % change   February 2023 % change\n"
            "  Exports           136.7           53.1%           127.0              7.6"
            "                  1.2\n"
            "  Balance           (16.0)           ..            (1.5)              9.9"
            "                  2.0\n")
    got = extract_figures(text, Lexicon.from_rules(parse_rules(TABLE_RULES, "r.yaml")))
    assert got.table[["flow", "period", "value", "unit", "change_pct"]].values.tolist() == [
        ["exports", "2024-02", "136.7", "EUR bn", "7.6"],
        ["exports", "2023-02", "127.0", "EUR bn", "1.2"],
        ["balance", "2024-02", "-16.0", "EUR bn", "9.9"],
        ["balance", "2023-02", "-1.5", "EUR bn", "2.0"],
    ]
    assert [u.reason for u in got.unplaced] == ["share of a total, not a change"]


def test_a_flow_named_right_after_an_amount_worth() -> None:
    text = ("Goods worth $94.6 billion left the country in February 2024 and goods worth "
            "$76.5 billion came in.")
    rules = RULES.replace("balance: {aliases: [surplus]",
                          "exports: {aliases: [left the country]}\n    imports: {aliases: "
                          "[came in]}\n    balance: {aliases: [surplus]")
    table = extract_figures(text, Lexicon.from_rules(parse_rules(rules, "r.yaml"))).table
    assert table[["flow", "value"]].values.tolist() == [["exports", "94.6"], ["imports", "76.5"]]


def test_a_headline_amount_on_a_defaulted_total_merges_with_the_body_on_a_child() -> None:
    text = ("Trade deficit widens to $23.5 billion in February 2024\n\n"
            "The trade deficit with China widened to $23.5 billion in February 2024.")
    assert rows(text) == [["balance", "China", "2024-02", "-23.5", "USD bn", ""]]


# Holdout 5's classes (issue 13, after the fifth freeze) --------------------------------------

@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("In February 2024 exports to China were $6.2 billion, up nearly 65% on a year ago.",
         "approximate change"),
        ("In February 2024 exports were $6.2 billion, almost 22% more than a year earlier.",
         "approximate change"),
        ("The ministry expects exports in February 2024 to grow by more than 10% to $6.2 billion.",
         "forecast or target"),
    ],
)
def test_approximate_threshold_and_forecast_rates_are_not_stated_changes(
    sentence: str, reason: str
) -> None:
    extraction = extract_figures(sentence, lexicon())
    assert all(change == "" for change in extraction.table["change_pct"])
    assert reason in {u.reason for u in extraction.unplaced}


def test_month_on_month_anywhere_in_the_sentence() -> None:
    text = ("On a month-on-month seasonally adjusted basis, exports grew 10.3 percent in "
            "February 2024 to $16.9 billion, after a 6.5 percent rise the month before.")
    assert rows(text) == [["exports", "World", "2024-02", "16.9", "USD bn", ""]]


def test_an_amount_in_singapore_dollars_restated_in_us_dollars() -> None:
    rules = RULES.replace("units: {", "units: {SGD bn: 1.0e9, ").replace(
        "USD bn: 1.0e9, ", "")
    text = ("In February 2024 exports were 16.9 billion Singapore dollars (about 12.49 billion "
            "U.S. dollars).")
    extraction = extract_figures(text, Lexicon.from_rules(parse_rules(rules, "r.yaml")))
    assert extraction.table[["value", "unit"]].values.tolist() == [["16.9", "SGD bn"]]
    assert [u.reason for u in extraction.unplaced] == ["the same amount in another currency"]


def test_a_figure_after_following_keeps_the_clause_period() -> None:
    text = ("Exports to China fell 7.8 percent in February 2024, following a 6.9 percent drop in "
            "January 2024, while exports to the United States climbed 26.2 percent.")
    assert rows(text) == [["exports", "China", "2024-02", "", "", "-7.8"],
                          ["exports", "China", "2024-01", "", "", "-6.9"],
                          ["exports", "US", "2024-02", "", "", "26.2"]]


def test_a_rate_measured_against_its_clause_period_is_the_change_of_the_year_after() -> None:
    text = ("In February 2024 exports were $169.1 billion. In February 2023 exports had been "
            "$151.0 billion, so exports rose by 12 percent on February 2023.")
    assert sorted(rows(text)) == [["exports", "World", "2023-02", "151.0", "USD bn", ""],
                                  ["exports", "World", "2024-02", "169.1", "USD bn", "12"]]


@pytest.mark.parametrize("phrase", ["exports and imports both fell by 4 percent",
                                    "exports and imports fell 4 percent each"])
def test_one_rate_said_of_two_codes(phrase: str) -> None:
    assert rows(f"In February 2024 {phrase}.") == [
        ["exports", "World", "2024-02", "", "", "-4"], ["imports", "World", "2024-02", "", "", "-4"]
    ]


def test_a_table_of_months_under_year_columns() -> None:
    text = ("Exports (EUR billion)\n\n"
            "             2023     2024\n"
            "  January    120.1    131.2\n"
            "  February   127.0    136.7\n")
    assert table_rows(text) == [
        ["exports", "2023-01", "120.1", "EUR bn", ""],
        ["exports", "2024-01", "131.2", "EUR bn", ""],
        ["exports", "2023-02", "127.0", "EUR bn", ""],
        ["exports", "2024-02", "136.7", "EUR bn", ""],
    ]


# Holdout 6's classes (issue 13, after the sixth freeze) --------------------------------------

def test_price_and_volume_changes_are_not_value_changes() -> None:
    text = ("In February 2024 import prices were 3 percent higher and export prices 2 percent "
            "higher, and import volumes rose by 1 percent.")
    extraction = extract_figures(text, lexicon())
    assert extraction.table.empty
    assert {u.reason for u in extraction.unplaced} == {
        "change in prices or volumes, not in value"}


def test_an_amount_above_a_previous_high_is_a_difference() -> None:
    text = "In February 2024 exports were $1.4 billion above the previous high of last March."
    extraction = extract_figures(text, lexicon(), release_date=datetime.date(2024, 3, 1))
    assert extraction.table.empty
    assert [u.reason for u in extraction.unplaced] == ["change in amount, not a level"]


def test_a_code_tied_to_the_amount_outranks_one_named_before() -> None:
    rules = RULES.replace("flow: [exports, imports, balance]",
                          "flow: [trade, exports, imports, balance]")
    text = ("The foreign trade secretariat said the country ran a $1.15 billion surplus in "
            "February 2024, 50.4% smaller than in February 2023, after January 2024's $1.13 "
            "billion deficit.")
    table = extract_figures(text, Lexicon.from_rules(parse_rules(rules, "r.yaml"))).table
    got = table[["flow", "period", "value", "change_pct"]].values.tolist()
    assert got == [["balance", "2024-02", "1.15", "-50.4"], ["balance", "2024-01", "-1.13", ""]]


def test_a_rate_from_one_amount_to_another_is_the_change_of_the_second() -> None:
    text = ("Year-to-date exports to February 2024 grew by 5.4% from $818.6 billion in 2023 to "
            "$862.6 billion in 2024.")
    assert sorted(rows(text)) == [["exports", "World", "2023-02-YTD", "818.6", "USD bn", ""],
                                  ["exports", "World", "2024-02-YTD", "862.6", "USD bn", "5.4"]]


def test_an_amount_was_a_rate_above_another_amount() -> None:
    text = ("Exports of $101.8 billion in February 2024 were 2.6% more than the $99.2 billion of "
            "February 2023, and imports of $97.8 billion were 1.2% below the $99.0 billion of "
            "February 2023.")
    assert sorted(rows(text)) == [
        ["exports", "World", "2023-02", "99.2", "USD bn", ""],
        ["exports", "World", "2024-02", "101.8", "USD bn", "2.6"],
        ["imports", "World", "2023-02", "99.0", "USD bn", ""],
        ["imports", "World", "2024-02", "97.8", "USD bn", "-1.2"],
    ]


@pytest.mark.parametrize("opening", ["Between January and February 2024",
                                     "From January 2024 to February 2024,"])
def test_a_change_between_consecutive_months_is_on_the_month_before(opening: str) -> None:
    extraction = extract_figures(f"{opening} exports rose by 10.0%.", lexicon())
    assert extraction.table.empty
    assert [u.reason for u in extraction.unplaced] == ["change on the previous month or quarter"]


def test_a_sentence_of_comparisons_is_about_the_period_it_names() -> None:
    text = ("Exports rose in January 2024. The February 2024 surplus is below the $21.8 billion "
            "surplus of February 2023. Exports were $191.6 billion.")
    assert sorted(rows(text)) == [["balance", "World", "2023-02", "21.8", "USD bn", ""],
                                  ["exports", "World", "2024-02", "191.6", "USD bn", ""]]


def test_the_rand_printed_as_r() -> None:
    rules = RULES.replace("units: {", "units: {ZAR bn: 1.0e9, ")
    table = extract_figures("In February 2024 exports were R1 519.02 billion.",
                            Lexicon.from_rules(parse_rules(rules, "r.yaml"))).table
    assert table[["value", "unit"]].values.tolist() == [["1519.02", "ZAR bn"]]


# Tables ---------------------------------------------------------------------------------------

TABLE_RULES = """
version: 1
figures: {value: value, change: change_pct, unit: unit, time: period,
          units: {EUR bn: 1.0e9, EUR mn: 1.0e6}}
dimensions:
  flow: [exports, imports, balance]
  period: ["2023-02", "2024-02"]
rules: []
"""
TABLE_WANT = [
    ["exports", "2024-02", "136.7", "EUR bn", "7.6"],
    ["exports", "2023-02", "127.0", "EUR bn", ""],
    ["imports", "2024-02", "120.7", "EUR bn", "-3.8"],
    ["imports", "2023-02", "125.5", "EUR bn", ""],
]


def table_rows(text: str) -> list[list[str]]:
    lexicon_ = Lexicon.from_rules(parse_rules(TABLE_RULES, "r.yaml"))
    table = extract_figures(text, lexicon_).table
    return table[["flow", "period", "value", "unit", "change_pct"]].values.tolist()


def test_aligned_plain_text_table() -> None:
    text = ("Trade in goods, EUR billion\n\n"
            "             February 2024   February 2023   % change\n"
            "  Exports        136.7           127.0          7.6\n"
            "  Imports        120.7           125.5         -3.8\n")
    assert table_rows(text) == TABLE_WANT


def test_markdown_table(tmp_path: Path) -> None:
    path = tmp_path / "release.md"
    path.write_text("Trade in goods (EUR billion)\n\n"
                    "| | February 2024 | February 2023 | % change |\n"
                    "|---|---:|---:|---:|\n| Exports | 136.7 | 127.0 | 7.6 |\n"
                    "| Imports | 120.7 | 125.5 | -3.8 |\n", encoding="utf-8")
    assert table_rows(read_release(path)) == TABLE_WANT


def test_html_table(tmp_path: Path) -> None:
    path = tmp_path / "release.html"
    path.write_text("<p>Trade in goods.</p><table><caption>EUR billion</caption>"
                    "<tr><th></th><th>February 2024</th><th>February 2023</th>"
                    "<th>% change</th></tr>"
                    "<tr><td>Exports</td><td>136.7</td><td>127.0</td><td>7.6</td></tr>"
                    "<tr><td>Imports</td><td>120.7</td><td>125.5</td><td>-3.8</td></tr></table>",
                    encoding="utf-8")
    assert table_rows(read_release(path)) == TABLE_WANT


def docx_with_table(paragraph: str, grid: list[list[str]]) -> bytes:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def cell(text: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    rows_xml = "".join("<w:tr>" + "".join(cell(c) for c in row) + "</w:tr>" for row in grid)
    body = f"<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p><w:tbl>{rows_xml}</w:tbl>"
    xml = f'<?xml version="1.0"?><w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_docx_table(tmp_path: Path) -> None:
    path = tmp_path / "release.docx"
    path.write_bytes(docx_with_table("Trade in goods, EUR billion", [
        ["", "February 2024", "February 2023", "% change"],
        ["Exports", "136.7", "127.0", "7.6"],
        ["Imports", "120.7", "125.5", "-3.8"],
    ]))
    assert table_rows(read_release(path)) == TABLE_WANT


def test_each_table_cell_is_located_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "release.txt"
    text = ("Trade in goods, EUR billion\n\n"
            "             February 2024   February 2023   % change\n"
            "  Exports        136.7           127.0          7.6\n"
            "  Imports        120.7           125.5         -3.8\n")
    path.write_text(text, encoding="utf-8")
    rules_path = tmp_path / "rules.yaml"
    rules_path.write_text(TABLE_RULES, encoding="utf-8")
    from validator.prose import read_release_figures
    from validator.rules import load_rules

    release = read_release_figures(str(path), load_rules(str(rules_path)))
    assert release.table.rows.tolist() == [4, 4, 5, 5]


# Long lines -----------------------------------------------------------------------------------

def test_long_lines_do_not_backtrack() -> None:
    line = ("Exports to China and the United States rose 5.0% and 3.0% to $1,234.5 billion, "
            "and 12 345 678 9 " + "1" * 5000 + " | ") * 40
    started = time.process_time()
    extract_figures("In February 2024 " + line, lexicon())
    extract_figures("| " + " | ".join(["12,345"] * 3000) + " |", lexicon())
    # No timing assertion (benchmarks measure speed): the call returning at all is the test, and
    # a generous bound catches exponential backtracking, which takes minutes, not seconds.
    assert time.process_time() - started < 60


# Nothing dropped silently ---------------------------------------------------------------------

def run_check(capsys: pytest.CaptureFixture[str], folder: Path,
              *extra: str) -> tuple[int, dict[str, object]]:
    args = ["check", str(release_of(folder)), "--rules", str(folder / "rules.yaml"),
            "--format", "json", *extra]
    if (date := date_of(folder)) is not None:
        args += ["--date", date.isoformat()]
    code = main(args)
    return code, json.loads(capsys.readouterr().out)


def test_a_release_with_unplaced_numbers_is_not_clean_and_fails_on_warnings(
    capsys: pytest.CaptureFixture[str]
) -> None:
    folder = CORPUS / "dev" / "us-census"
    code, report = run_check(capsys, folder)
    assert code == 0  # warnings do not fail by default
    assert report["summary"]["status"] == "warnings"  # type: ignore[index]
    (unread,) = report["unread"]  # type: ignore[misc]
    assert unread == "8 of 23 numbers in the text not read as figures (15 read; see prose.unplaced)"
    unplaced = [d for d in report["discrepancies"]  # type: ignore[union-attr]
                if d["rule"] == "prose.unplaced"]
    assert len(unplaced) == 8
    assert all(d["severity"] == "warning" for d in unplaced)
    assert unplaced[0]["message"].startswith(
        "sentence 3: '2.6 billion' was not read as a figure (change in amount, not a level): "
        "\"The U.S. Census Bureau")
    code, _ = run_check(capsys, folder, "--fail-on", "warning")
    assert code == 1


def test_a_release_read_whole_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    # Every number read; its rules tie none of them together, so nothing is checked (never
    # "clean"), which --allow-empty accepts on purpose.
    code, report = run_check(capsys, CORPUS / "dev" / "korea-customs", "--fail-on", "warning",
                             "--allow-empty")
    assert (code, report["summary"]["status"], report["unread"]) == (  # type: ignore[index]
        0, "nothing checked", [])
    (rule,) = [r for r in report["rules"] if r["id"] == "prose.unplaced"]  # type: ignore[union-attr]
    assert (rule["checked"], rule["failed"]) == (17, 0)


def test_the_text_report_says_how_many_numbers_were_not_read(
    capsys: pytest.CaptureFixture[str]
) -> None:
    folder = CORPUS / "dev" / "us-census"
    main(["check", str(release_of(folder)), "--rules", str(folder / "rules.yaml")])
    out = capsys.readouterr().out
    assert "Not read: 8 of 23 numbers in the text not read as figures" in out
    assert "NOT clean" in out


def test_extract_command_states_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    folder = CORPUS / "dev" / "us-census"
    assert main(["extract", str(release_of(folder)), "--rules", str(folder / "rules.yaml")]) == 0
    assert "validator: 15 numbers read as figures, 8 not read" in capsys.readouterr().err


# Holdout 7's classes (issue 13, after the seventh freeze) ------------------------------------

ZH_RULES = """
version: 1
figures: {value: value, change: change_pct, unit: unit, time: period,
          units: {MOP bn: 1.0e9, MOP mn: 1.0e6}}
dimensions:
  flow: [trade, exports, re_exports, imports, balance]
  partner:
    World: [HK, US]
  period: ["2023-01/2023-08", "2022-01/2022-08", "2023-08"]
labels:
  flow:
    trade: {label: 對外商品貿易總額}
    exports: {label: 貨物出口, aliases: [出口]}
    re_exports: {label: 再出口}
    imports: {label: 貨物進口, aliases: [進口]}
    balance: {negative_aliases: [貨物貿易逆差, 逆差]}
  partner:
    HK: {label: 香港}
    US: {label: 美國}
defaults: {flow: exports}
rules: []
"""


def zh_rows(text: str, date: datetime.date | None = datetime.date(2023, 9, 29)) -> list[list[str]]:
    lexicon_ = Lexicon.from_rules(parse_rules(ZH_RULES, "r.yaml"))
    table = extract_figures(text, lexicon_, release_date=date).table
    return table[["flow", "partner", "period", "value", "unit", "change_pct"]].values.tolist()


@pytest.mark.parametrize(
    ("text", "value", "exponent", "currency"),
    [
        ("9.9億元（澳門元，下同）", Decimal("990000000"), 7, "MOP"),
        ("49萬元", Decimal("490000"), 4, "YUAN"),
        ("61.8亿港元", Decimal("6180000000"), 7, "HKD"),
        ("3.1億美元", Decimal("310000000"), 7, "USD"),
    ],
)
def test_chinese_amounts_and_their_currency(
    text: str, value: Decimal, exponent: int, currency: str
) -> None:
    (amount,) = find_amounts(text)
    assert (amount.value, amount.exponent, amount.currency) == (value, exponent, currency)


def test_a_bare_yuan_is_the_rules_one_currency_else_cny() -> None:
    (amount,) = find_amounts("49萬元")
    assert in_unit(amount, {"MOP bn": 1e9, "MOP mn": 1e6},
                   {"MOP bn": "MOP", "MOP mn": "MOP"}) == ("0.49", "MOP mn")
    assert in_unit(amount, {"CNY mn": 1e6, "USD mn": 1e6},
                   {"CNY mn": "CNY", "USD mn": "USD"}) == ("0.49", "CNY mn")


@pytest.mark.parametrize(
    ("sentence", "change"),
    [
        ("2023年8月貨物出口總值為9.9億元，較去年同月減少27.9%。", "-27.9"),
        ("2023年8月貨物出口總值為9.9億元，按年下跌27.9%。", "-27.9"),
        ("2023年8月貨物出口總值為9.9億元，按年上升27.9%。", "27.9"),
        ("2023年8月貨物出口總值為9.9億元，增加27.9%。", "27.9"),
        ("2023年8月貨物出口總值为9.9亿元，同比下降27.9%。", "-27.9"),
    ],
)
def test_chinese_direction_words(sentence: str, change: str) -> None:
    assert zh_rows(sentence) == [["exports", "World", "2023-08", "990", "MOP mn", change]]


@pytest.mark.parametrize("run", ["1至8月", "首八個月", "前8个月", "2023年1至8月"])
def test_chinese_runs_of_months(run: str) -> None:
    assert zh_rows(f"{run}貨物進口總值上升5.1%至940.7億元。") == [
        ["imports", "World", "2023-01/2023-08", "94.07", "MOP bn", "5.1"]]


def test_chinese_respectively_and_the_amount_compared_with() -> None:
    text = ("首八個月對外商品貿易總額達1,024.2億元，比去年同期的986.3億元增加3.9%。"
            "再出口（73.3億元）及貨物進口（940.7億元）分別減少5.4%和26.6%。"
            "首八個月的貨物貿易逆差為857.2億元，去年同期為803.6億元。"
            "輸往香港（61.8億元）及美國（3.1億元）的出口按年分別下降11.7%和34.0%。")
    assert sorted(zh_rows(text)) == [
        ["balance", "World", "2022-01/2022-08", "-80.36", "MOP bn", ""],
        ["balance", "World", "2023-01/2023-08", "-85.72", "MOP bn", ""],
        ["exports", "HK", "2023-01/2023-08", "6.18", "MOP bn", "-11.7"],
        ["exports", "US", "2023-01/2023-08", "310", "MOP mn", "-34.0"],
        ["imports", "World", "2023-01/2023-08", "94.07", "MOP bn", "-26.6"],
        ["re_exports", "World", "2023-01/2023-08", "7.33", "MOP bn", "-5.4"],
        ["trade", "World", "2022-01/2022-08", "98.63", "MOP bn", ""],
        ["trade", "World", "2023-01/2023-08", "102.42", "MOP bn", "3.9"],
    ]


def test_a_subject_with_its_amount_in_parentheses_then_its_rate() -> None:
    text = ("In February 2024 exports to China ($0.9 billion) climbed 18.2% and exports to the "
            "United States ($1.4 billion) slipped 7.3%.")
    assert rows(text) == [["exports", "China", "2024-02", "0.9", "USD bn", "18.2"],
                          ["exports", "US", "2024-02", "1.4", "USD bn", "-7.3"]]


def test_a_second_rate_without_a_verb_after_the_amount_the_first_went_to() -> None:
    text = ("In February 2024 exports grew 11.6% at an annual rate to USD 28,403.2 million and "
            "imports of goods 24.1% to USD 2,327.0 million.")
    assert rows(text) == [["exports", "World", "2024-02", "28403.2", "USD mn", "11.6"],
                          ["imports", "World", "2024-02", "2327.0", "USD mn", "24.1"]]


def test_the_first_of_a_pair_of_rates_shares_the_unit_of_the_second() -> None:
    extraction = extract_figures(
        "In February 2024 exports and imports fell 5.5 and 2.2 per cent respectively.", lexicon())
    assert extraction.table[["flow", "change_pct"]].values.tolist() == [
        ["exports", "-5.5"], ["imports", "-2.2"]]
    assert extraction.numbers_unread == 0


def test_shares_in_parentheses_after_amounts_and_page_furniture_numbers() -> None:
    text = ("In February 2024 exports made up $5.8 billion (38.4%) of that total and imports "
            "$9.3 billion (61.6%).\n\nTable 1. Exports rose 9.7% to $5.8 billion.")
    extraction = extract_figures(text, lexicon())
    assert extraction.table[["flow", "value", "change_pct"]].values.tolist() == [
        ["exports", "5.8", "9.7"], ["imports", "9.3", ""]]
    assert [(u.text, u.reason) for u in extraction.unplaced] == [
        ("38.4%", "share of a total, not a change"), ("61.6%", "share of a total, not a change")]


def test_a_period_above_the_row_labels_is_every_columns() -> None:
    text = ("| February 2024, EUR billion | Value | Annual change (%) |\n|---|---:|---:|\n"
            "| Exports | 136.7 | 7.6 |\n| Imports | 120.7 | -3.8 |\n")
    assert table_rows(text) == [["exports", "2024-02", "136.7", "EUR bn", "7.6"],
                                ["imports", "2024-02", "120.7", "EUR bn", "-3.8"]]


def test_change_columns_naming_two_periods() -> None:
    text = ("Trade in goods, EUR billion\n\n"
            "| | February 2024 | Change in per cent, January 2024 - February 2024 "
            "| Change in per cent, February 2023 - February 2024 |\n|---|---:|---:|---:|\n"
            "| Exports | 136.7 | -5.5 | 7.6 |\n| Imports | 120.7 | -2.2 | -3.8 |\n")
    rules = TABLE_RULES.replace('period: ["2023-02", "2024-02"]',
                                'period: ["2023-02", "2024-01", "2024-02"]')
    extraction = extract_figures(text, Lexicon.from_rules(parse_rules(rules, "r.yaml")))
    got = extraction.table[["flow", "period", "value", "unit", "change_pct"]].values.tolist()
    assert got == [["exports", "2024-02", "136.7", "EUR bn", "7.6"],
                   ["imports", "2024-02", "120.7", "EUR bn", "-3.8"]]
    # the change on the month before, when the year-on-year change is given too, is not a figure
    assert [(u.text, u.reason) for u in extraction.unplaced] == [
        ("-5.5", "change on the previous month or quarter"),
        ("-2.2", "change on the previous month or quarter")]
    # alone, a change between consecutive periods stays the figure's change (ABS releases)
    alone = ("Trade in goods, EUR billion\n\n| | February 2024 | Jan 24 to Feb 24 (% change) |\n"
             "|---|---:|---:|\n| Exports | 136.7 | -5.5 |\n")
    table = extract_figures(alone, Lexicon.from_rules(parse_rules(rules, "r.yaml"))).table
    assert table["change_pct"].tolist() == ["-5.5"]


# Holdout 8's classes (issue 13, after the eighth freeze) -------------------------------------

def test_chinese_trillions_quarters_and_shares() -> None:
    rules = ZH_RULES.replace("units: {MOP bn: 1.0e9, MOP mn: 1.0e6}",
                             "units: {CNY tn: 1.0e12, CNY bn: 1.0e9}").replace(
        '"2023-01/2023-08"', '"2023-01/2023-09"')
    text = ("2023年前三季度貨物出口11.86万亿元人民币，增长6.5%。其中對美國出口3.06万亿元，"
            "占出口总值的25.8%。")
    table = extract_figures(text, Lexicon.from_rules(parse_rules(rules, "r.yaml"))).table
    assert table[["flow", "partner", "period", "value", "unit", "change_pct"]].values.tolist() == [
        ["exports", "World", "2023-01/2023-09", "11.86", "CNY tn", "6.5"],
        ["exports", "US", "2023-01/2023-09", "3.06", "CNY tn", ""]]


@pytest.mark.parametrize(
    ("phrase", "code"),
    [("第一季度", "2023-Q1"), ("首季", "2023-Q1"), ("上半年", "2023-01/2023-06"),
     ("前三季度", "2023-01/2023-09")],
)
def test_chinese_quarters_and_halves(phrase: str, code: str) -> None:
    from validator.periods import find_periods

    (period,) = find_periods(f"{phrase}出口增长6.5%", datetime.date(2023, 10, 20), [])
    assert period.code == code


def test_a_number_glued_to_a_cjk_word_is_never_dropped_silently() -> None:
    extraction = extract_figures("2023年8月貨物出口總值為9.9億港元，按年下跌27.9%。",
                                 Lexicon.from_rules(parse_rules(ZH_RULES, "r.yaml")))
    assert [(u.text, u.reason) for u in extraction.unplaced] == [
        ("9.9億港元", "unit not in the rules: HKD")]
    # a number the extractor cannot read at all is still listed, not skipped
    extraction = extract_figures("2023年8月貨物出口總值為9.9兆億元。",
                                 Lexicon.from_rules(parse_rules(ZH_RULES, "r.yaml")))
    assert extraction.numbers_unread >= 1
    # counts and days are not numbers of the release
    extraction = extract_figures("海关12日公布，出口5년 7개월 만에 최대。", lexicon())
    assert extraction.unplaced == []


def test_a_base_after_a_list_of_rates_is_each_rates() -> None:
    extraction = extract_figures(
        "Seasonally adjusted, exports fell by 4.1% and imports by 1.9% against January 2024.",
        lexicon(), release_date=datetime.date(2024, 3, 10))
    assert extraction.table.empty
    assert [u.reason for u in extraction.unplaced] == [
        "change on the previous month or quarter"] * 2


def test_changes_in_amount_against_a_period_and_an_earlier_estimate() -> None:
    text = ("In February 2024 exports fell 23.5% to $5.8 billion. The fall in exports, $1.8 "
            "billion against February 2023, came from prices. Imports were $0.6 billion below "
            "February 2023, after a revised 1.6% fall in January 2024 (first reported as -1.4%).")
    extraction = extract_figures(text, lexicon())
    assert extraction.table[["flow", "period", "value", "change_pct"]].values.tolist() == [
        ["exports", "2024-02", "5.8", "-23.5"], ["imports", "2024-01", "", "-1.6"]]
    assert [(u.text, u.reason, u.counted) for u in extraction.unplaced] == [
        ("$1.8 billion", "change in amount, not a level", True),
        ("$0.6 billion", "change in amount, not a level", True),
        ("-1.4%", "an earlier estimate, since revised", False)]


def test_a_definition_names_no_codes_and_a_noun_after_a_colon_amount() -> None:
    rules = RULES.replace("flow: [exports, imports, balance]",
                          "flow: [trade, exports, imports, balance]").replace(
        "    balance: {aliases: [surplus], negative_aliases: [deficit]}",
        "    trade: {label: total trade}\n"
        "    balance: {aliases: [surplus], negative_aliases: [deficit]}")
    text = ("Total trade, exports plus imports, shrank 16.1% in February 2024 to $12.3 billion. "
            "The balance swung to a $0.3 billion surplus (February 2023: $0.7 billion deficit).")
    table = extract_figures(text, Lexicon.from_rules(parse_rules(rules, "r.yaml"))).table
    assert table[["flow", "period", "value", "change_pct"]].values.tolist() == [
        ["trade", "2024-02", "12.3", "-16.1"], ["balance", "2024-02", "0.3", ""],
        ["balance", "2023-02", "-0.7", ""]]


def test_a_rolling_run_of_months() -> None:
    rules = RULES.replace('period: ["2023-01"', 'period: ["2023-03/2024-02", "2023-01"')
    text = ("Over the twelve months to February 2024 the deficit came to $9.7 billion, and "
            "exports collapsed 21.2% in February 2024.")
    table = extract_figures(text, Lexicon.from_rules(parse_rules(rules, "r.yaml"))).table
    assert table[["flow", "period", "value", "change_pct"]].values.tolist() == [
        ["balance", "2023-03/2024-02", "-9.7", ""], ["exports", "2024-02", "", "-21.2"]]


def test_over_a_rate_in_the_past_is_approximate_not_a_forecast() -> None:
    extraction = extract_figures("In February 2024 exports contracted by over 30%.", lexicon())
    assert [(u.reason, u.counted) for u in extraction.unplaced] == [("approximate change", True)]


# Holdout 9's classes (issue 13, after the ninth freeze) --------------------------------------

@pytest.mark.parametrize(("phrase", "change"), [("grew by three per cent", "3"),
                                                ("fell twenty-five percent", "-25"),
                                                ("rose eleven per cent", "11")])
def test_a_rate_written_in_words(phrase: str, change: str) -> None:
    extraction = extract_figures(f"In February 2024 exports {phrase} to $4.9 billion.", lexicon())
    assert rows(f"In February 2024 exports {phrase} to $4.9 billion.") == [
        ["exports", "World", "2024-02", "4.9", "USD bn", change]]
    assert extraction.numbers_unread == 0


def test_a_fiscal_years_run_of_months_and_the_same_period_of_the_year_before() -> None:
    rules = RULES.replace('period: ["2023-01"', 'period: ["2022-07/2023-02", "2023-07/2024-02", '
                          '"2023-01"')
    text = ("In July-February of fiscal year 2023-24 exports rose 24.6 percent to $23.3 billion, "
            "against $18.7 billion in the same period of 2022-23.")
    table = extract_figures(text, Lexicon.from_rules(parse_rules(rules, "r.yaml")),
                            release_date=datetime.date(2024, 3, 10)).table
    assert sorted(table[["period", "value", "change_pct"]].values.tolist()) == [
        ["2022-07/2023-02", "18.7", ""], ["2023-07/2024-02", "23.3", "24.6"]]


def test_a_comparison_amount_takes_the_period_an_earlier_one_named() -> None:
    text = ("In February 2024 exports rose 24.6 percent to $23.3 billion from $18.7 billion a "
            "year earlier, while imports climbed 48.6 percent to $58.7 billion from $39.5 "
            "billion.")
    assert sorted(rows(text)) == [
        ["exports", "World", "2023-02", "18.7", "USD bn", ""],
        ["exports", "World", "2024-02", "23.3", "USD bn", "24.6"],
        ["imports", "World", "2023-02", "39.5", "USD bn", ""],
        ["imports", "World", "2024-02", "58.7", "USD bn", "48.6"],
    ]
    # with no earlier comparison naming a period, it stays unread
    extraction = extract_figures("In February 2024 imports climbed 48.6 percent to $58.7 billion "
                                 "from $39.5 billion.", lexicon())
    assert [u.reason for u in extraction.unplaced] == ["comparison amount without its own period"]


def test_exchange_rates_shares_in_a_list_and_slightly_over() -> None:
    text = ("In February 2024 raw materials made up 40 percent of imports and consumer goods 19 "
            "percent. The shekel gained 0.7 percent against the dollar. The deficit came to "
            "slightly over $2.6 billion.")
    extraction = extract_figures(text, lexicon())
    assert extraction.table.empty
    assert [(u.text, u.reason, u.counted) for u in extraction.unplaced] == [
        ("40 percent", "share of a total, not a change", True),
        ("19 percent", "share of a total, not a change", True),
        ("0.7 percent", "change in an exchange rate, not in value", True),
        ("$2.6 billion", "approximate amount", True)]


def test_a_comparison_after_a_rate_compared_with_a_named_period() -> None:
    # holdout 4's last unread amount: the period of the first comparison is the second's
    text = ("In February 2024 exports were 17.6 percent higher than the $92.5 billion of "
            "February 2023, and imports were up from $87.4 billion.")
    assert ["imports", "World", "2023-02", "87.4", "USD bn", ""] in rows(text)
