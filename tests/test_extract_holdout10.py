"""Issue 13: the classes holdout 10 found (a quarter in naira, a Kenyan quarter restated by a
broadcaster, a central bank's "US dollars 364 million", a release in Spanish), each as its own
case in words other than the holdout's."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from validator.extraction import Extraction, Lexicon, extract_figures
from validator.extraction.extractor import decimal_comma
from validator.extraction.safety_net import NOT_READ
from validator.rules import parse_rules

RULES = """
version: 1
figures: {value: value, change: change_pct, unit: unit, time: period,
          units: {UNITS}}
dimensions:
  flow: [trade, exports, imports, balance]
  partner:
    World: [Spain, Ghana, Togo]
  period: [PERIODS]
labels:
  flow:
    balance: {label: trade balance, aliases: [surplus], negative_aliases: [deficit]}
defaults: {flow: exports}
rules: []
"""
QUARTERS = '"2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2", "2022", "2023"'
MONTHS = '"2022-06", "2023-05", "2023-06", "2022H1", "2023H1", "2017-12", "2018-12", "2017", "2018"'


def extract(text: str, units: str = "USD mn: 1.0e6, USD bn: 1.0e9", periods: str = MONTHS,
            date: datetime.date | None = None) -> Extraction:
    rules = RULES.replace("UNITS", units).replace("PERIODS", periods)
    return extract_figures(text, Lexicon.from_rules(parse_rules(rules, "rules.yaml")),
                           release_date=date)


def rows(text: str, **kwargs: Any) -> list[list[str]]:
    table = extract(text, **kwargs).table
    return sorted(table[["flow", "partner", "period", "value", "unit", "change_pct"]]
                  .values.tolist())


def reasons(text: str, **kwargs: Any) -> list[tuple[str, str]]:
    return [(u.text, u.reason) for u in extract(text, **kwargs).unplaced]


# Numbers read whole, or not at all -------------------------------------------------------------

def test_a_number_is_never_read_from_inside_itself() -> None:
    # The naira is not in these rules: "N11,722.44 billion" is not 722.44 billion dollars.
    text = "In June 2023 total trade came to N11,722.44 billion."
    assert rows(text) == []
    assert reasons(text) == [("N11,722.44 billion", NOT_READ)]


def test_the_naira_printed_n_when_the_rules_list_it() -> None:
    text = "Exports stood at N6,359.61 billion in the fourth quarter of 2022 (Q4 2022)."
    assert rows(text, units="NGN bn: 1.0e9", periods=QUARTERS) == [
        ["exports", "World", "2022Q4", "6359.61", "NGN bn", ""]]


def test_a_letter_before_a_number_is_no_currency_unless_the_rules_list_it() -> None:
    assert rows("In June 2023 exports of N95 masks rose 4.0% to $1.2 billion.") == [
        ["exports", "World", "2023-06", "1.2", "USD bn", "4.0"]]


def test_rates_printed_pc_are_read_and_never_dropped() -> None:
    text = "In June 2023 exports rose 9.6pc to Ksh 249.2 billion, equal to 42.1pc of the total."
    assert rows(text, units="KES bn: 1.0e9") == [
        ["exports", "World", "2023-06", "249.2", "KES bn", "9.6"]]
    assert reasons(text, units="KES bn: 1.0e9") == [("42.1pc", "share of a total, not a change")]


def test_the_kenya_shilling_and_an_exchange_rate_without_a_scale() -> None:
    text = ("In June 2023 exports grew to Ksh 105 billion. The shilling averaged Ksh 137.13 to "
            "the dollar.")
    assert rows(text, units="KES bn: 1.0e9") == [
        ["exports", "World", "2023-06", "105", "KES bn", ""]]
    assert reasons(text, units="KES bn: 1.0e9") == [("Ksh 137.13", "unit not in the rules: Ksh")]


# "US dollars 364 million" ----------------------------------------------------------------------

def test_us_dollars_written_before_the_number() -> None:
    text = ("The trade balance showed a deficit of US dollars 364 million in June 2023. "
            "Exports stayed above US dollars 1.0 billion for a second month, and around US "
            "dollars 250 million of aid arrived.")
    assert rows(text) == [["balance", "World", "2023-06", "-364", "USD mn", ""]]
    assert reasons(text) == [("US dollars 1.0 billion", "threshold, not a level"),
                             ("US dollars 250 million", "approximate amount")]


def test_an_amount_at_the_end_of_a_month_is_of_that_month() -> None:
    assert rows("Exports rose to US dollars 3.7 billion in June 2023, against US dollars 3.5 "
                "billion at end May 2023.") == [
        ["exports", "World", "2023-05", "3.5", "USD bn", ""],
        ["exports", "World", "2023-06", "3.7", "USD bn", ""]]


def test_a_rate_over_the_corresponding_month_of_a_year_keeps_the_figure_period() -> None:
    assert rows("Exports fell by 19.5 per cent in June 2023 over the corresponding month of 2022,"
                " to US dollars 1,005 million.") == [
        ["exports", "World", "2023-06", "1005", "USD mn", "-19.5"]]


# Quarters --------------------------------------------------------------------------------------

def test_a_quarter_to_a_month_this_year_and_the_same_quarter_last_year() -> None:
    text = ("The trade deficit for the second quarter to June this year narrowed to Ksh 397.8 "
            "billion. Exports were up from Ksh 227.4 billion in the same quarter last year.")
    assert rows(text, units="KES bn: 1.0e9", periods=QUARTERS,
                date=datetime.date(2023, 10, 6)) == [
        ["balance", "World", "2023Q2", "-397.8", "KES bn", ""],
        ["exports", "World", "2022Q2", "227.4", "KES bn", ""]]


def test_the_quarter_under_review_is_the_period_the_text_is_about() -> None:
    text = ("In the second quarter of 2023 imports fell. Purchases dropped from Ksh 168.3 billion"
            " in the second quarter of 2022 to Ksh 148.8 billion in the quarter under review.")
    got = rows(text, units="KES bn: 1.0e9", periods=QUARTERS)
    assert [r[2:4] for r in got] == [["2022Q2", "168.3"], ["2023Q2", "148.8"]]


def test_each_rate_of_a_list_goes_with_its_base_respectively() -> None:
    # Against the quarter before: not a figure of the schema; against the year before: the change.
    text = ("Exports rose in Q4 2022 by 7.17% and 10.28% when set against the third quarter of "
            "2022 (N5,934.15 billion) and the fourth quarter of 2021 (N5,766.62 billion) "
            "respectively.")
    periods = QUARTERS + ', "2021Q4"'
    assert rows(text, units="NGN bn: 1.0e9", periods=periods) == [
        ["exports", "World", "2021Q4", "5766.62", "NGN bn", ""],
        ["exports", "World", "2022Q3", "5934.15", "NGN bn", ""],
        ["exports", "World", "2022Q4", "", "", "10.28"]]
    assert reasons(text, units="NGN bn: 1.0e9", periods=periods) == [
        ("7.17%", "change on the previous month or quarter")]


def test_a_rate_below_a_base_after_an_amount_of_the_value_of_a_quarter() -> None:
    text = ("In Q4 2022 imports dropped by 15.46% from the value of the third quarter of 2022 "
            "(N6,343.53 billion) and were 9.73% below the fourth quarter of 2021 "
            "(N5,940.58 billion).")
    periods = QUARTERS + ', "2021Q4"'
    assert rows(text, units="NGN bn: 1.0e9", periods=periods) == [
        ["imports", "World", "2021Q4", "5940.58", "NGN bn", ""],
        ["imports", "World", "2022Q3", "6343.53", "NGN bn", ""],
        ["imports", "World", "2022Q4", "", "", "-9.73"]]


# Shares ----------------------------------------------------------------------------------------

def test_amounts_with_their_shares_pair_with_a_list_of_partners() -> None:
    text = ("In Q4 2022 the main destinations were Spain, Ghana and Togo, with N617.17 billion or "
            "9.70%, N90.45 billion or 1.71% and N73.27 billion or 1.44% of total exports "
            "respectively.")
    got = rows(text, units="NGN bn: 1.0e9", periods=QUARTERS)
    assert [r[1:4] for r in got] == [["Ghana", "2022Q4", "90.45"], ["Spain", "2022Q4", "617.17"],
                                     ["Togo", "2022Q4", "73.27"]]
    assert {r for _, r in reasons(text, units="NGN bn: 1.0e9", periods=QUARTERS)} == {
        "share of a total, not a change"}


def test_a_rate_in_parentheses_after_a_share_is_a_share() -> None:
    text = ("In Q4 2022 crude oil exports were N4,911.92 billion, or 77.24% of the total, while "
            "other exports came to N1,447.69 billion (22.76%).")
    assert [r for _, r in reasons(text, units="NGN bn: 1.0e9", periods=QUARTERS)] == [
        "share of a total, not a change"] * 2


# Comparisons with a year before, across sentences ---------------------------------------------

def test_a_comparison_without_its_period_after_comparisons_with_a_year_before() -> None:
    text = ("In June 2023 exports rose to $43.8 billion from $40.3 billion a year earlier. "
            "Imports edged up, from $12.3 billion to $13.6 billion.")
    assert rows(text) == [
        ["exports", "World", "2022-06", "40.3", "USD bn", ""],
        ["exports", "World", "2023-06", "43.8", "USD bn", ""],
        ["imports", "World", "2022-06", "12.3", "USD bn", ""],
        ["imports", "World", "2023-06", "13.6", "USD bn", ""]]


def test_without_an_earlier_comparison_with_a_year_before_it_stays_unplaced() -> None:
    text = ("In June 2023 exports rose to $43.8 billion from $40.3 billion in May 2023. "
            "Imports edged up, from $12.3 billion to $13.6 billion.")
    assert ("$12.3 billion", "comparison amount without its own period") in reasons(text)
    assert ["imports", "World", "2022-06", "12.3", "USD bn", ""] not in rows(text)


def test_the_first_amount_of_a_pair_shares_the_scale_of_the_second() -> None:
    assert rows("In June 2023 exports climbed from $7.7 to $8.3 billion.") == [
        ["exports", "World", "2023-06", "8.3", "USD bn", ""]]
    assert reasons("In June 2023 exports climbed from $7.7 to $8.3 billion.") == [
        ("$7.7", "comparison amount without its own period")]


# Spanish and decimal commas --------------------------------------------------------------------

SPANISH = """
version: 1
figures: {value: value, change: change_pct, unit: unit, time: period, units: {USD mn: 1.0e6}}
dimensions:
  flow: [exports]
  product:
    total: [cafe, petroleo]
  period: ["2017-12", "2018-12", "2017", "2018"]
labels:
  flow:
    exports: {label: exportaciones, aliases: [ventas externas]}
  product:
    cafe: {label: café}
    petroleo: {label: petróleo}
rules: []
"""


def spanish(text: str) -> list[list[str]]:
    table = extract_figures(text, Lexicon.from_rules(parse_rules(SPANISH, "r.yaml"))).table
    return sorted(table[["product", "period", "value", "unit", "change_pct"]].values.tolist())


def test_decimal_commas_are_read_only_where_the_text_never_writes_a_decimal_point() -> None:
    assert decimal_comma("cayeron 14,6% y sumaron US$3.192,3 millones")
    assert decimal_comma("las ventas bajaron 0,7 %")
    assert not decimal_comma("exports fell 14.6% to $3,192.3 million")
    assert not decimal_comma("exports fell 14.6%; in the other table 10,6%")
    assert not decimal_comma("exports of US$3.980 million")  # nothing says which


def test_a_release_in_spanish() -> None:
    text = ("Las ventas externas cayeron 14,6% en diciembre de 2018: pasaron de US$3.980 millones "
            "en diciembre de 2017 a US$3.400 millones. El café registró un alza de 5,1% (de "
            "US$553 millones a US$581,2 millones) y el petróleo bajó 20,3%.")
    assert spanish(text) == [
        ["cafe", "2017-12", "553", "USD mn", ""],
        ["cafe", "2018-12", "581.2", "USD mn", "5.1"],
        ["petroleo", "2018-12", "", "", "-20.3"],
        ["total", "2017-12", "3980", "USD mn", ""],
        ["total", "2018-12", "3400", "USD mn", "-14.6"]]


def test_spanish_runs_of_months_and_a_shared_scale() -> None:
    text = ("Entre enero y diciembre de 2018 las exportaciones crecieron 10,4%, frente al mismo "
            "periodo de 2017, y el crecimiento de 8% del café las llevó de US$7.710 a US$8.324 "
            "millones.")
    # since holdout 11 the amount after "de" takes the one period the sentence compares with
    assert spanish(text) == [
        ["cafe", "2017", "7710", "USD mn", ""],
        ["cafe", "2018", "8324", "USD mn", "8"],
        ["total", "2018", "", "", "10.4"]]
    # in millions too, compared with the period the sentence's rate is measured against
    got = extract_figures(text, Lexicon.from_rules(parse_rules(SPANISH, "r.yaml")))
    assert [(u.text, u.reason) for u in got.unplaced] == []


@pytest.mark.parametrize(("verb", "sign"), [
    ("subieron", ""), ("aumentó", ""), ("creció", ""), ("repuntaron", ""),
    ("cayeron", "-"), ("bajó", "-"), ("disminuyeron", "-"), ("retrocedió", "-")])
def test_spanish_direction_words(verb: str, sign: str) -> None:
    assert spanish(f"En diciembre de 2018 las exportaciones {verb} 3,2%.") == [
        ["total", "2018-12", "", "", f"{sign}3.2"]]


def test_the_printed_number_is_kept_in_what_is_not_read() -> None:
    got = extract_figures(
        "En diciembre de 2018 las exportaciones sumaron 1.234,5 toneladas y cayeron 14,6%.",
        Lexicon.from_rules(parse_rules(SPANISH, "r.yaml")))
    assert [u.text for u in got.unplaced] == ["1.234,5"]


# Found by the development releases written for these classes ----------------------------------

def test_spanish_shares_signed_variations_and_points() -> None:
    text = ("En diciembre de 2018 el café participó con 54,6% del valor total, con ventas por "
            "US$691,5 millones y una variación de 0,1%; el petróleo restó 11,6 puntos "
            "porcentuales.")
    assert spanish(text) == [["cafe", "2018-12", "691.5", "USD mn", "0.1"]]
    got = extract_figures(text, Lexicon.from_rules(parse_rules(SPANISH, "r.yaml")))
    assert [u.reason for u in got.unplaced] == ["share of a total, not a change",
                                                "change in percentage points"]


def test_the_total_a_share_is_of_names_no_code() -> None:
    # "del valor total" after a share is not the product "total": the amount stays the café's
    text = ("En diciembre de 2018 el café participó con 54,6% del valor total y facturó "
            "US$2.017 millones.")
    assert spanish(text) == [["cafe", "2018-12", "2017", "USD mn", ""]]


def test_a_spanish_demonstrative_continues_the_subject() -> None:
    text = ("En diciembre de 2018 la baja vino del café. Ese grupo facturó US$2.017 millones, "
            "con una disminución de -4,5%.")
    assert spanish(text) == [["cafe", "2018-12", "2017", "USD mn", "-4.5"]]


def test_an_amount_in_another_currency_restated_in_the_rules_currency() -> None:
    text = "In June 2023 the oil bill came to $3.48 billion (Sh410.4 billion)."
    assert rows(text, units="KES bn: 1.0e9") == []
    assert [r for _, r in reasons(text, units="KES bn: 1.0e9")] == [
        "unit not in the rules: $ billion", "the same amount in another currency"]


def test_a_quarter_with_a_comma_and_the_value_recorded_in_the_preceding_quarter() -> None:
    text = ("Trade at the end of Q3, 2015 was ₦4,021.4 billion, 7.8% less than the value "
            "(₦4,359.5 billion, revised) recorded in the preceding quarter.")
    periods = '"2015Q2", "2015Q3"'
    assert rows(text, units="NGN bn: 1.0e9", periods=periods) == [
        ["trade", "World", "2015Q2", "4359.5", "NGN bn", ""],
        ["trade", "World", "2015Q3", "4021.4", "NGN bn", ""]]
    assert reasons(text, units="NGN bn: 1.0e9", periods=periods) == [
        ("7.8%", "change on the previous month or quarter")]


def test_a_spanish_dateline_dates_the_release_and_a_month_without_its_year() -> None:
    text = ("Exportaciones subieron 14,6 % en enero\n\nBogotá, marzo de 2018\n\n"
            "El café sufrió una caída de 50,9 %, al pasar de US$124,1 millones FOB en enero de "
            "2017 a US$60,9 millones FOB en el primer mes de este año.")
    spanish_2018 = SPANISH.replace('"2017-12", "2018-12"', '"2017-01", "2018-01"')
    table = extract_figures(text, Lexicon.from_rules(parse_rules(spanish_2018, "r.yaml"))).table
    assert sorted(table[["product", "period", "value", "change_pct"]].values.tolist()) == [
        ["cafe", "2017-01", "124.1", ""],
        ["cafe", "2018-01", "60.9", "-50.9"],
        ["total", "2018-01", "", "14.6"]]
