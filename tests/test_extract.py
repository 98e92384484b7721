"""Extraction from release prose: fixtures, direction words, readers, unplaced numbers."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from validator.errors import InputError
from validator.extraction import (
    Lexicon,
    direction_findings,
    extract_figures,
    extract_to_csv,
    read_release,
)
from validator.rules import load_rules, parse_rules

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
# The seed's figures in our own sentences (the seed itself is not part of the repository).
RELEASE = Path(__file__).parent / "fixtures" / "korea-2020" / "release.txt"
KEY_AND_FIGURE = ["flow", "product", "partner", "period", "value", "unit", "change_pct"]
# The wire story's dateline has no year; the others date themselves.
RELEASE_DATES = {"wire": datetime.date(2024, 3, 1)}


def rules(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def lexicon_from(data: dict[str, Any]) -> Lexicon:
    """The lexicon of a rules file given as data, read the one way every rules file is read."""
    return Lexicon.from_rules(parse_rules(yaml.safe_dump(data, sort_keys=False), "rules.yaml"))


def expected_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def extracted(
    text: str, rules_path: Path, release_date: datetime.date | None = None
) -> pd.DataFrame:
    lexicon = lexicon_from(rules(rules_path))
    table = extract_figures(text, lexicon, release_date=release_date).table
    return table[KEY_AND_FIGURE].reset_index(drop=True)


@pytest.mark.parametrize("name", ["ministry", "bulletin", "wire"])
def test_fixture_table_is_extracted_exactly(name: str) -> None:
    folder = FIXTURES / name
    got = extracted(
        (folder / "release.txt").read_text(encoding="utf-8"),
        folder / "rules.yaml",
        RELEASE_DATES.get(name),
    )
    pd.testing.assert_frame_equal(got, expected_table(folder / "expected.csv"))


def test_seed_style_release_every_figure_placed() -> None:
    got = extracted(RELEASE.read_text(encoding="utf-8"), FIXTURES / "seed-rules.yaml")
    pd.testing.assert_frame_equal(got, expected_table(FIXTURES / "seed-expected.csv"))


def test_seed_style_threshold_is_listed_not_dropped() -> None:
    lexicon = lexicon_from(rules(FIXTURES / "seed-rules.yaml"))
    extraction = extract_figures(RELEASE.read_text(encoding="utf-8"), lexicon)
    assert extraction.release_date == datetime.date(2021, 1, 18)
    assert [(u.text, u.reason) for u in extraction.unplaced] == [
        ("$10.0 billion", "threshold, not a level")
    ]


def test_all_columns_are_text_in_rules_order() -> None:
    folder = FIXTURES / "ministry"
    lexicon = lexicon_from(rules(folder / "rules.yaml"))
    table = extract_figures((folder / "release.txt").read_text(encoding="utf-8"), lexicon).table
    assert list(table.columns) == [*KEY_AND_FIGURE, "source", "sentence"]
    assert all(isinstance(v, str) for v in table.to_numpy().ravel())


def test_headline_repeated_in_body_gives_one_row_with_all_sources() -> None:
    folder = FIXTURES / "ministry"
    lexicon = lexicon_from(rules(folder / "rules.yaml"))
    table = extract_figures((folder / "release.txt").read_text(encoding="utf-8"), lexicon).table
    total = table[
        (table["product"] == "machinery")
        & (table["period"] == "2023")
        & (table["flow"] == "exports")
        & (table["partner"] == "World")
    ]
    assert total[["value", "change_pct", "source"]].values.tolist() == [["412.5", "6.2", "1,2,3"]]


def test_conflicting_repeat_keeps_both_rows() -> None:
    lexicon = lexicon_from(rules(FIXTURES / "wire" / "rules.yaml"))
    text = "In February 2024 exports rose 3.0 percent to $50.1 billion. Exports were $50.7 billion."
    table = extract_figures(text, lexicon).table
    assert table["value"].tolist() == ["50.1", "50.7"]


def test_wire_unplaced_numbers_are_listed_with_reasons() -> None:
    folder = FIXTURES / "wire"
    lexicon = lexicon_from(rules(folder / "rules.yaml"))
    extraction = extract_figures(
        (folder / "release.txt").read_text(encoding="utf-8"),
        lexicon,
        release_date=RELEASE_DATES["wire"],
    )
    assert [(u.sentence, u.text, u.reason) for u in extraction.unplaced] == [
        (2, "3.5 percent", "forecast or target"),
        (5, "$1.2 billion", "change in amount, not a level"),
        (7, "$4 billion", "approximate amount"),
        (9, "18.5 percent", "share of a total, not a change"),
        (9, "2.1 percentage points", "change in percentage points"),
    ]
    for u in extraction.unplaced:
        assert extraction.sentences[u.sentence - 1][u.start : u.end] == u.text


def test_without_release_date_relative_period_is_unplaced() -> None:
    folder = FIXTURES / "wire"
    lexicon = lexicon_from(rules(folder / "rules.yaml"))
    extraction = extract_figures((folder / "release.txt").read_text(encoding="utf-8"), lexicon)
    assert extraction.release_date is None
    assert extraction.table.empty
    reasons = {u.reason for u in extraction.unplaced}
    assert "period 'February' cannot be resolved without a release date" in reasons


DIRECTION_WORDS = [
    ("rose", ""), ("went up", ""), ("moved up", ""), ("expanded", ""), ("inched up", ""),
    ("jumped", ""), ("advanced", ""), ("gained", ""), ("soared", ""), ("increased", ""),
    ("fell", "-"), ("dipped", "-"), ("declined", "-"), ("contracted", "-"), ("decreased", "-"),
    ("went down", "-"), ("slid", "-"), ("edged down", "-"),
]  # fmt: skip


@pytest.fixture
def seed_lexicon() -> Lexicon:
    return lexicon_from(rules(FIXTURES / "seed-rules.yaml"))


@pytest.mark.parametrize(("verb", "sign"), DIRECTION_WORDS)
def test_direction_verb_signs_the_change(seed_lexicon: Lexicon, verb: str, sign: str) -> None:
    text = f"In 2020, chip exports {verb} 5.1 percent to $100.3 billion."
    table = extract_figures(text, seed_lexicon).table
    assert table[["product", "value", "change_pct"]].values.tolist() == [
        ["semiconductors", "100.3", sign + "5.1"]
    ]


@pytest.mark.parametrize(
    ("phrase", "change"),
    [
        ("posted a 53.1 percent growth to $13.9 billion", "53.1"),
        ("recorded a 4.2% decline to $13.9 billion", "-4.2"),
        ("were $13.9 billion, down 4.2 percent", "-4.2"),
        ("were $13.9 billion (up 4.2 percent)", "4.2"),
        ("were $13.9 billion (-4.2%)", "-4.2"),
    ],
)
def test_noun_and_trailing_forms_of_change(seed_lexicon: Lexicon, phrase: str, change: str) -> None:
    table = extract_figures(f"In 2020, computer exports {phrase}.", seed_lexicon).table
    assert table[["product", "value", "change_pct"]].values.tolist() == [
        ["computers", "13.9", change]
    ]


def test_change_without_direction_word_is_unplaced(seed_lexicon: Lexicon) -> None:
    extraction = extract_figures("In 2020, chip exports were 5.1 percent.", seed_lexicon)
    assert extraction.table.empty
    assert [u.reason for u in extraction.unplaced] == ["change without a direction word"]


def test_direction_findings_report_sign_disagreement(seed_lexicon: Lexicon) -> None:
    text = (
        "Exports of ICT goods in 2020 rose 3.8 percent to $183.6 billion. "
        "Those of handsets slid 6.0 percent to $11.3 billion."
    )
    table = pd.DataFrame(
        [
            ["exports", "ICT", "World", "2020", "183.6", "USD bn", "3.8"],
            ["exports", "mobile_phones", "World", "2020", "11.3", "USD bn", "+6.0"],
        ],
        columns=KEY_AND_FIGURE,
    )
    findings = direction_findings(text, table, seed_lexicon)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.sentence == 2
    assert finding.text.startswith("Those of handsets slid")
    assert finding.key == {
        "flow": "exports",
        "product": "mobile_phones",
        "partner": "World",
        "period": "2020",
    }
    assert (finding.expected_sign, finding.table_change) == ("-", "+6.0")


def test_direction_findings_empty_when_signs_agree(seed_lexicon: Lexicon) -> None:
    text = "In 2020, exports of displays dipped 5.1 percent to $20.7 billion."
    table = pd.DataFrame(
        [["exports", "displays", "World", "2020", "20.7", "USD bn", "-5.1"]], columns=KEY_AND_FIGURE
    )
    assert direction_findings(text, table, seed_lexicon) == []


def test_unit_words_template_and_unknown_unit() -> None:
    data = rules(FIXTURES / "wire" / "rules.yaml")
    data["figures"]["unit_words"] = {"USD bn": ["{n} bn US dollars"]}
    lexicon = lexicon_from(data)
    text = (
        "In February 2024 exports rose 1.0 percent to 52.3 bn US dollars. "
        "Imports were NT$ 12.0 billion."
    )
    extraction = extract_figures(text, lexicon)
    assert extraction.table[["value", "unit"]].values.tolist() == [["52.3", "USD bn"]]
    assert [u.reason for u in extraction.unplaced] == ["unit not in the rules: NT$ billion"]


def test_us_dollar_sign_is_not_a_region(seed_lexicon: Lexicon) -> None:
    table = extract_figures(
        "In 2020, chip exports rose 5.4 percent to US$100.3 billion.", seed_lexicon
    ).table
    assert table[["partner", "value", "unit"]].values.tolist() == [["World", "100.3", "USD bn"]]


def test_space_thousands_and_minus_after_currency() -> None:
    lexicon = lexicon_from(rules(FIXTURES / "bulletin" / "rules.yaml"))
    table = extract_figures(
        "In March 2024 the balance of trade stood at EUR -1 741.9 million.", lexicon
    ).table
    assert table[["flow", "value", "unit"]].values.tolist() == [["balance", "-1741.9", "EUR mn"]]


# Readers ------------------------------------------------------------------------------------

RELEASE_BODY = "In 2020, chip exports moved up 5.4 percent to $100.3 billion."


def docx_bytes(paragraphs: list[str]) -> bytes:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = f'<?xml version="1.0"?><w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_read_markdown(tmp_path: Path, seed_lexicon: Lexicon) -> None:
    path = tmp_path / "release.md"
    path.write_text(f"# Chip trade\n\n**{RELEASE_BODY}** See [the table](t.html).\n")
    text = read_release(path)
    assert "**" not in text and "#" not in text and "the table" in text
    assert extract_figures(text, seed_lexicon).table["value"].tolist() == ["100.3"]


def test_read_html(tmp_path: Path, seed_lexicon: Lexicon) -> None:
    path = tmp_path / "release.html"
    path.write_text(
        "<html><head><style>p {color: red}</style><script>var x = 99;</script></head>"
        f"<body><h1>Chip trade</h1><p>{RELEASE_BODY.replace('$', '&#36;')}</p></body></html>"
    )
    text = read_release(path)
    assert text.split("\n\n") == ["Chip trade", RELEASE_BODY]
    assert extract_figures(text, seed_lexicon).table["value"].tolist() == ["100.3"]


def test_read_docx(tmp_path: Path, seed_lexicon: Lexicon) -> None:
    path = tmp_path / "release.docx"
    path.write_bytes(docx_bytes(["Chip trade", RELEASE_BODY]))
    assert read_release(path) == f"Chip trade\n\n{RELEASE_BODY}"


def test_docx_with_dtd_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(ValueError, match="DTD"):
        read_release(path)


def test_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "release.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ValueError, match="unsupported"):
        read_release(path)


def test_extract_to_csv(tmp_path: Path) -> None:
    folder = FIXTURES / "wire"
    csv = extract_to_csv(
        folder / "release.txt", load_rules(str(folder / "rules.yaml")), RELEASE_DATES["wire"]
    )
    table = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(table[KEY_AND_FIGURE], expected_table(folder / "expected.csv"))
    assert table["source"].tolist()[0] == "2"


def test_lexicon_rejects_labels_for_unknown_codes() -> None:
    data = rules(FIXTURES / "wire" / "rules.yaml")
    data["labels"]["partner"]["Mars"] = {"aliases": ["the red planet"]}
    with pytest.raises(InputError, match=r"rules.yaml:\d+:\d+: unknown code 'Mars' in dimension "
                       "'partner'"):
        lexicon_from(data)


def test_holdout_known_gaps() -> None:
    """The held-out release, written after the extractor was frozen, documents what it misses."""
    folder = FIXTURES / "holdout"
    got = extracted((folder / "release.txt").read_text(encoding="utf-8"), folder / "rules.yaml")
    want = expected_table(folder / "expected.csv")
    got_rows = set(map(tuple, got.to_numpy().tolist()))
    want_rows = set(map(tuple, want.to_numpy().tolist()))
    assert len(got_rows & want_rows) == 5
    assert want_rows - got_rows == {
        # "A and B exports were X and Y respectively": no pairing of lists with "respectively".
        ("exports", "electronics", "World", "2024-06", "2.8", "EUR bn", ""),
        ("exports", "textiles", "World", "2024-06", "0.9", "EUR bn", ""),
        # "the first half of the year" is not a period pattern.
        ("exports", "total", "World", "2024-01/2024-06", "41.5", "EUR bn", ""),
    }
    assert got_rows - want_rows == {
        # the second amount of the "respectively" list falls back to the root, and "rose 1.1%
        # from May" (a named previous month) is taken for the year-on-year change.
        ("exports", "total", "World", "2024-06", "0.9", "EUR bn", "1.1"),
        ("exports", "total", "World", "2024-06", "41.5", "EUR bn", ""),
    }
