"""Issue 13: the classes holdout 11 found (a Korean balance of payments restated by a news
service, Egypt's and Uganda's trade restated by dailies, a fiscal year's run of months in
Bangladesh, a Chilean release in Spanish with a table), each as its own case in words other
than the holdout's."""

from __future__ import annotations

import datetime

import pytest

from validator.extraction import Extraction, Lexicon, extract_figures
from validator.extraction.safety_net import NOT_READ
from validator.periods import detect_release_date
from validator.rules import parse_rules

RULES = """
version: 1
figures: {value: value, change: change_pct, unit: unit, time: period,
          units: {USD mn: 1.0e6, USD bn: 1.0e9}}
dimensions:
  flow: [exports, imports, balance]
  product:
    total: [tea, cars]
  partner:
    World: [ECOWAS, Kenya]
  period: ["2021-03", "2022-02", "2022-03", "2021", "2022", "2021-12", "2022-12",
           "2020-07/2021-03", "2021-07/2022-03"]
labels:
  flow:
    exports: {aliases: [export receipts]}
    balance: {label: trade balance, aliases: [surplus], negative_aliases: [deficit]}
  partner:
    ECOWAS: {label: Economic Community of West African States}
defaults: {flow: exports}
rules: []
"""
KOREAN = """
version: 1
figures: {value: value, change: change_pct, unit: unit, time: period, units: {USD bn: 1.0e9}}
dimensions:
  flow: [exports, imports, services]
  period: ["2020-10", "2021-09", "2021-10"]
labels:
  flow:
    exports: {label: 수출}
    imports: {label: 수입}
    services: {label: 서비스수지, negative_aliases: [적자]}
defaults: {flow: exports}
rules: []
"""
SPANISH = """
version: 1
figures: {value: value, change: change_pct, unit: unit, time: period,
          units: {USD mn: 1.0e6, USD bn: 1.0e9}}
dimensions:
  flow: [exports, imports]
  product:
    total: [vino]
  period: ["2020-09", "2020-10", "2021-09", "2021-10", "2020", "2021", "2021-12"]
labels:
  flow:
    exports: {label: exportaciones, aliases: [envíos]}
    imports: {label: importaciones}
defaults: {flow: exports}
rules: []
"""


def extract(text: str, rules: str = RULES, date: datetime.date | None = None) -> Extraction:
    return extract_figures(text, Lexicon.from_rules(parse_rules(rules, "rules.yaml")),
                           release_date=date)


def rows(got: Extraction) -> list[list[str]]:
    return sorted(got.table.drop(columns=["source", "sentence"]).to_numpy().tolist())


def reasons(got: Extraction) -> list[tuple[str, str]]:
    return [(u.text, u.reason) for u in got.unplaced]


@pytest.mark.parametrize(("text", "date"), [
    ("Updated 2021.11.15 10:30 | Markets", datetime.date(2021, 11, 15)),
    ("최종수정 2019. 3. 8. 오후", datetime.date(2019, 3, 8)),
    ("配信 2022/06/01", datetime.date(2022, 6, 1)),
    ("Lima, 3 de febrero de 2021 (agencia)", datetime.date(2021, 2, 3)),
])
def test_a_date_written_year_first_or_in_spanish_dates_the_release(
        text: str, date: datetime.date) -> None:
    assert detect_release_date(text) == date


def test_korean_comparison_periods_and_their_amounts_in_parentheses() -> None:
    text = ("등록 2021.11.05\n\n10월 수출은 512억3000만달러로 전월(498억1000만달러)과 전년 동월"
            "(431억7000만달러)보다 많았다. 수입은 2019년 3월 이후 가장 큰 460억2000만달러였다.")
    assert rows(extract(text, KOREAN)) == [
        ["exports", "2020-10", "43.17", "USD bn", ""],
        ["exports", "2021-09", "49.81", "USD bn", ""],
        ["exports", "2021-10", "51.23", "USD bn", ""],
        ["imports", "2021-10", "46.02", "USD bn", ""]]


def test_the_same_period_a_year_earlier_after_a_run_of_months() -> None:
    text = ("In July-March, export receipts reached $23.30 billion, against $18.69 billion in "
            "the same period a year earlier.")
    assert rows(extract(text, date=datetime.date(2022, 4, 5))) == [
        ["exports", "total", "World", "2020-07/2021-03", "18.69", "USD bn", ""],
        ["exports", "total", "World", "2021-07/2022-03", "23.30", "USD bn", ""]]


def test_a_fiscal_year_spelt_out_in_parentheses_is_not_the_figures_period() -> None:
    text = ("In March, the ninth month of fiscal 2021-22 (July 2021-June 2022), tea exports "
            "were worth 0.31 billion dollars.")
    assert rows(extract(text, date=datetime.date(2022, 4, 10))) == [
        ["exports", "tea", "World", "2022-03", "0.31", "USD bn", ""]]


def test_near_is_an_approximate_amount() -> None:
    got = extract("Exports near $4 billion in March 2022", date=datetime.date(2022, 4, 1))
    assert rows(got) == []
    assert reasons(got) == [("$4 billion", "approximate amount")]


def test_an_amount_restated_in_shillings_keeps_its_own_period_and_partner() -> None:
    text = ("The country posted a surplus of $52.10 million (about TSh121.2 billion) with the "
            "Economic Community of West African States in March 2022, up from $40.25 million "
            "(TSh93.6 billion) a year earlier. Receipts from Kenya fell from $9.80 million "
            "(UShs35.1 billion) in March 2021 to $7.45 million (UShs26.7 billion) in March 2022.")
    got = extract(text, date=datetime.date(2022, 5, 2))
    assert rows(got) == [
        ["balance", "total", "ECOWAS", "2021-03", "40.25", "USD mn", ""],
        ["balance", "total", "ECOWAS", "2022-03", "52.10", "USD mn", ""],
        ["exports", "total", "Kenya", "2021-03", "9.80", "USD mn", ""],
        ["exports", "total", "Kenya", "2022-03", "7.45", "USD mn", ""]]
    assert {r for _, r in reasons(got)} == {"the same amount in another currency"}


def test_a_headline_repeat_keeps_the_body_amount_read() -> None:
    text = ("Trade surplus with ECOWAS widens to $52.10 million\n\n"
            "The trade surplus was $52.10 million in March 2022.")
    got = extract(text, date=datetime.date(2022, 5, 2))
    assert [u for u in got.unplaced if u.reason == NOT_READ] == []


def test_an_amount_from_no_period_takes_the_one_period_compared_with() -> None:
    text = ("Comparing December 2021 with December 2022, car exports rose 12.0 percent from "
            "$410.5 million to $459.8 million.")
    assert rows(extract(text, date=datetime.date(2023, 2, 1))) == [
        ["exports", "cars", "World", "2021-12", "410.5", "USD mn", ""],
        ["exports", "cars", "World", "2022-12", "459.8", "USD mn", "12.0"]]


@pytest.mark.parametrize("opening", [
    "The ministry attributed the decline to",
    "This decline came from",
])
def test_a_sentence_explaining_the_change_before_continues_its_subject(opening: str) -> None:
    text = (f"Imports dropped 4.2% in March 2022. {opening} lower purchases of goods such as "
            "cars by 9.1%.")
    assert rows(extract(text, date=datetime.date(2022, 5, 2))) == [
        ["imports", "cars", "World", "2022-03", "", "", "-9.1"],
        ["imports", "total", "World", "2022-03", "", "", "-4.2"]]


def test_spanish_months_of_a_year_and_rates_without_a_verb() -> None:
    text = ("Valparaíso, 8 de noviembre de 2021 (diario)\n\n"
            "Las exportaciones sumaron US$ 7.310,5 millones en octubre, frente a los US$ 6.902 "
            "millones del mes anterior. En el año, los envíos de vino llegaron a US$ 1.650,2 "
            "millones, 3,4% menos que en 2020. Las importaciones tuvieron una baja de 2,2%.")
    assert rows(extract(text, SPANISH)) == [
        ["exports", "total", "2021-09", "6902", "USD mn", ""],
        ["exports", "total", "2021-10", "7310.5", "USD mn", ""],
        ["exports", "vino", "2021", "1650.2", "USD mn", "-3.4"],
        ["imports", "total", "2021", "", "", "-2.2"]]


def test_spanish_last_month_of_the_year() -> None:
    text = ("Las exportaciones de 2021 crecieron 9,0%. En el último mes del año sumaron "
            "US$ 8.004,1 millones.")
    assert rows(extract(text, SPANISH, datetime.date(2022, 1, 10)))[-1] == [
        "exports", "total", "2021-12", "8004.1", "USD mn", ""]


def test_a_table_with_decimal_commas_and_spanish_month_abbreviations() -> None:
    text = ("Las importaciones bajaron 3,1% en octubre de 2021.\n\n"
            "Intercambio comercial (miles de millones de US$)\n\n"
            "                  sep-21    oct-21    Var. % 12 meses\n"
            "Exportaciones       6,90      7,31               4,8\n"
            "Vino                0,14      0,16\n")
    got = extract(text, SPANISH, datetime.date(2021, 11, 8))
    assert rows(got) == [
        ["exports", "total", "2021-09", "6.90", "USD bn", ""],
        ["exports", "total", "2021-10", "7.31", "USD bn", "4.8"],
        ["exports", "vino", "2021-09", "0.14", "USD bn", ""],
        ["exports", "vino", "2021-10", "0.16", "USD bn", ""],
        ["imports", "total", "2021-10", "", "", "-3.1"]]
    assert any("6,90" in sentence for sentence in got.sentences)  # the row as printed


def test_with_after_a_balance_names_its_partner_never_its_flow() -> None:
    got = extract("In March 2022 the surplus was $3.10 billion with exports up 4.0%.",
                  date=datetime.date(2022, 5, 2))
    assert ["balance", "total", "World", "2022-03", "3.10", "USD bn", ""] in rows(got)


@pytest.mark.parametrize(("phrase", "period"), [
    ("entre enero y septiembre", "2021-01/2021-09"),
    ("en los nueve primeros meses", "2021-01/2021-09"),
    ("en los primeros 9 meses del año 2021", "2021-01/2021-09"),
])
def test_spanish_runs_of_months_without_their_year(phrase: str, period: str) -> None:
    rules = SPANISH.replace('"2021-12"]', '"2021-12", "2021-01/2021-09"]')
    got = extract(f"Las exportaciones sumaron US$ 61.204,5 millones {phrase}.", rules,
                  datetime.date(2021, 10, 7))
    assert rows(got) == [["exports", "total", period, "61204.5", "USD mn", ""]]


@pytest.mark.parametrize("text", [
    "Los envíos de vino bajaron en octubre frente a igual mes del año pasado, cuando sumaron "
    "US$ 1.170,3 millones.",
    "Wine shipments fell in October 2021 against the same month a year earlier, when they "
    "reached US$1,170.3 million.",
])
def test_an_amount_in_a_when_clause_after_a_base_is_the_bases(text: str) -> None:
    rules = SPANISH.replace("aliases: [envíos]}", "aliases: [envíos, shipments]}").replace(
        "labels:\n", "labels:\n  product:\n    vino: {aliases: [wine]}\n")
    got = extract(text, rules, datetime.date(2021, 11, 8))
    assert rows(got) == [["exports", "vino", "2020-10", "1170.3", "USD mn", ""]]


def test_a_jump_from_the_amount_of_the_month_before_is_not_the_annual_change() -> None:
    text = ("Tea exports were $41.20 million in March 2022, a 12 percent jump from the $36.79 "
            "million shipped in February 2022.")
    got = extract(text, date=datetime.date(2022, 5, 2))
    assert rows(got) == [
        ["exports", "tea", "World", "2022-02", "36.79", "USD mn", ""],
        ["exports", "tea", "World", "2022-03", "41.20", "USD mn", ""]]
    assert ("12 percent", "change on the previous month or quarter") in reasons(got)


def test_a_korean_amount_in_parentheses_then_its_rate_against_a_year_before() -> None:
    text = "등록 2021.11.05\n\n10월 수입(488억4000만달러)은 전년 동월 대비 37.8% 늘었다."
    assert rows(extract(text, KOREAN)) == [["imports", "2021-10", "48.84", "USD bn", "37.8"]]


def test_months_with_their_amounts_in_parentheses_are_a_history() -> None:
    text = ("등록 2021.11.05\n\n10월 수출은 512억3000만달러였다. 수출은 "
            "2020년 10월(431억7000만달러)에서 2021년 9월(498억1000만달러)까지 늘었다. "
            "수입은 460억2000만달러였다.")
    assert ["imports", "2021-10", "46.02", "USD bn", ""] in rows(extract(text, KOREAN))


def test_a_korean_comparison_period_as_a_subject_is_its_own_figures_period() -> None:
    text = "등록 2021.11.05\n\n10월 수출은 512억3000만달러였다. 전월 수출은 498억1000만달러였다."
    assert rows(extract(text, KOREAN)) == [
        ["exports", "2021-09", "49.81", "USD bn", ""],
        ["exports", "2021-10", "51.23", "USD bn", ""]]
