"""Checking the press release itself: extraction wired into `validator check` and `extract`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import EXAMPLE, KOREA_RULES, ROOT
from validator.cli import main
from validator.model import Evaluation, Unevaluated

# A release in the style of the founding seed (Korea's ICT exports in 2020): the seed's figures,
# our own sentences, so these tests run wherever the repository does.
RELEASE = ROOT / "tests" / "fixtures" / "korea-2020" / "release.txt"


def planted_release(tmp_path: Path, old: str, new: str) -> Path:
    text = RELEASE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "release.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["check", *args, "--rules", str(KOREA_RULES), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def rules_failed(report: dict[str, object]) -> dict[str, int]:
    rules = report["rules"]
    assert isinstance(rules, list)
    return {r["id"]: r["failed"] for r in rules if r["failed"]}


def test_the_seed_release_checks_clean_on_its_own_and_against_the_table(
    capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run(capsys, str(RELEASE))
    assert code == 0
    assert rules_failed(report) == {}
    code, report = run(capsys, str(RELEASE), "--table", str(EXAMPLE))
    assert code == 0
    assert rules_failed(report) == {}
    checked = {r["id"]: r["checked"] for r in report["rules"]}  # type: ignore[union-attr]
    assert checked["prose.matches-table"] == 36
    # The one number that is not a figure (a threshold) is listed, not dropped, and not a warning.
    (unplaced,) = [n for n in report["not_evaluated"]  # type: ignore[union-attr]
                   if n["rule"] == "prose.unplaced"]
    assert "'$10.0 billion' is not a figure of the release" in unplaced["reason"]
    assert report["summary"]["status"] == "clean"  # type: ignore[index]
    assert report["unread"] == []


def test_extract_writes_the_figures_table_of_the_example(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", str(RELEASE), "--rules", str(KOREA_RULES)]) == 0
    out, err = capsys.readouterr()
    extracted = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    expected = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    columns = ["flow", "product", "partner", "period", "value", "unit", "change_pct"]
    key = ["flow", "product", "partner", "period"]
    assert (extracted[columns].sort_values(key).reset_index(drop=True)
            .equals(expected[columns].sort_values(key).reset_index(drop=True)))
    assert list(extracted.columns[-2:]) == ["source", "sentence"]
    assert "validator: unplaced: sentence" in err


def test_a_typo_in_the_text_is_caught_by_the_rules_and_against_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = planted_release(tmp_path, "trade surplus of $71.0 billion",
                              "trade surplus of $17.0 billion")
    code, report = run(capsys, str(release), "--table", str(EXAMPLE))
    assert code == 1
    assert rules_failed(report) == {"balance": 1, "prose.matches-table": 1}
    (mismatch,) = [d for d in report["discrepancies"]  # type: ignore[union-attr]
                   if d["rule"] == "prose.matches-table"]
    assert mismatch["message"].endswith(
        "the text gives balance, ICT, World, 2020 as 17.0 USD bn, but the table "
        f"{EXAMPLE} (row 4) has 71.0 USD bn")
    assert mismatch["figures"][0]["extra"]["sentence"].startswith("ICT imports totalled")


def test_a_direction_word_that_contradicts_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = planted_release(tmp_path, "mobile phones fell 6.0 percent",
                              "mobile phones rose 6.0 percent")
    code, report = run(capsys, str(release), "--table", str(EXAMPLE))
    assert code == 1
    failed = rules_failed(report)
    assert failed["prose.direction"] == 1
    assert failed["prose.matches-table"] == 1
    (direction,) = [d for d in report["discrepancies"]  # type: ignore[union-attr]
                    if d["rule"] == "prose.direction"]
    assert "the text reports a rise for exports, mobile_phones, World, 2020, but the table's " \
           "change is -6.0%" in direction["message"]


def test_table_option_needs_a_release(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--table", str(EXAMPLE)])
    assert code == 2
    assert "--table and --history go with a press release" in capsys.readouterr().err


def test_unreadable_release_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(tmp_path / "missing.txt"), "--rules", str(KOREA_RULES)])
    assert code == 2
    assert "missing.txt: cannot read the release" in capsys.readouterr().err


def test_evaluation_counts_every_skipped_instance_but_lists_a_bounded_number() -> None:
    inner = Evaluation()
    inner.skip(range(1500), 1500, lambda i: Unevaluated(reason=f"r{i}"))
    outer = Evaluation(checked=2)
    outer.extend(inner)
    assert outer.not_evaluated == 1500
    assert len(outer.unevaluated) == 1000
    assert outer.unevaluated[-1].reason == "r999"


def test_a_claim_about_all_parts_that_the_figures_contradict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run(capsys, str(RELEASE))
    assert {r["id"]: r["checked"] for r in report["rules"]}["prose.all-parts"] == 1  # type: ignore[union-attr]
    release = planted_release(tmp_path, "Mobile phones jumped 48.3 percent",
                              "Mobile phones fell 48.3 percent")
    code, report = run(capsys, str(release))
    assert code == 1
    (claim,) = [d for d in report["discrepancies"]  # type: ignore[union-attr]
                if d["rule"] == "prose.all-parts"]
    assert claim["message"].endswith(
        "the text says 'all four major product categories' rose, but not all did: "
        "mobile_phones -48.3%")


HISTORY = "flow,product,partner,period,value,unit\n" \
    "exports,computers,World,2019,9.1,USD bn\nexports,computers,World,2018,{2018},USD bn\n"


@pytest.mark.parametrize(("value_2018", "failed"), [("8.0", 0), ("15.0", 1)])
def test_a_record_claim_against_the_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value_2018: str, failed: int
) -> None:
    history = tmp_path / "history.csv"
    history.write_text(HISTORY.replace("{2018}", value_2018), encoding="utf-8")
    code, report = run(capsys, str(RELEASE), "--history", str(history))
    (rule,) = [r for r in report["rules"] if r["id"] == "prose.record"]  # type: ignore[union-attr]
    assert (rule["checked"], rule["failed"]) == (1, failed)
    assert code == failed
    if failed:
        (claim,) = [d for d in report["discrepancies"]  # type: ignore[union-attr]
                    if d["rule"] == "prose.record"]
        assert claim["message"] == (
            "sentence 9: exports, computers, World, 2020 is called the highest in history, but "
            "in the history table 1 earlier period was higher")


def test_discrepancies_on_a_text_release_point_at_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = planted_release(tmp_path, "mobile phones fell 6.0 percent",
                              "mobile phones rose 6.0 percent")
    line = 1 + release.read_text(encoding="utf-8").split("mobile phones rose")[0].count("\n")
    code = main(["check", str(release), "--rules", str(KOREA_RULES), "--table", str(EXAMPLE),
                 "--format", "github"])
    assert code == 1
    annotations = [a for a in capsys.readouterr().out.splitlines() if a.startswith("::error")]
    assert len(annotations) == 2
    assert all(a.startswith(f"::error file={release},line={line},") for a in annotations)


def test_a_headline_that_disagrees_with_the_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = planted_release(tmp_path, "record 3.8% growth", "record 8.3% growth")
    code, report = run(capsys, str(release))
    assert code == 1
    (duplicate,) = [d for d in report["discrepancies"]  # type: ignore[union-attr]
                    if d["rule"] == "input.duplicate"]
    assert "(exports, ICT, World, 2020)" in duplicate["message"]
    assert {f["change"] for f in duplicate["figures"]} == {"8.3", "3.8"}


def test_a_figure_shaped_number_no_pattern_reads_is_listed_and_the_release_is_not_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = RELEASE.read_text(encoding="utf-8").rstrip("\n")
    path = tmp_path / "release.txt"
    # A range of rates: no pattern of the extractor reads "6-7%", so only the net sees it.
    path.write_text(text + "\n\nThe ministry sees growth of 6-7% next year.\n", encoding="utf-8")
    code, report = run(capsys, str(path), "--fail-on", "warning")
    assert code == 1
    (net,) = [d for d in report["discrepancies"]  # type: ignore[union-attr]
              if "no pattern of the extractor reads" in d["message"]]
    assert net["rule"] == "prose.unplaced" and net["severity"] == "warning"
    assert "'7%'" in net["message"]
    assert report["summary"]["status"] == "warnings"  # type: ignore[index]
    assert rules_failed(report) == {"prose.unplaced": 1}  # the figures themselves add up


@pytest.mark.parametrize("sentence", [
    "5G handsets and COVID-19 test kits were among the new products.",
    "The table's columns read February 2024 % change and Jan 20 % change.",
])
def test_numbers_that_are_not_figures_stay_out_of_the_net(sentence: str) -> None:
    from validator.extraction.safety_net import unaccounted

    assert unaccounted([sentence], [], []) == []


def test_the_net_leaves_what_a_row_or_an_unplaced_entry_covers() -> None:
    from validator.extraction.extractor import Span, Unplaced
    from validator.extraction.safety_net import NOT_READ, unaccounted

    sentence = "Exports rose 5.1% to $3.2 billion, imports by 2 per cent."
    spans = [[Span(1, 13, 17, "change"), Span(1, 21, 33, "value")]]
    (left,) = unaccounted([sentence], spans, [])
    assert (left.text, left.reason) == ("2 per cent", NOT_READ)
    assert unaccounted([sentence], spans, [Unplaced(1, "2", 47, 48, "x")]) == []


@pytest.mark.parametrize(("run", "found"), [("1\u00a0", 0), ("1,", 0), ("1\u202f2.3,", 0),
                                             ("-1", 1)])
def test_the_net_reads_a_hostile_line_of_digits_and_separators_in_one_pass(
        run: str, found: int) -> None:
    from validator.extraction.safety_net import unaccounted

    # A start inside such a run would make the scan quadratic: 200,000 characters, hours.
    assert len(unaccounted([run * 50_000 + " billion"], [], [])) == found
