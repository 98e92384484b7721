"""The press release, marked: every number of the editor's own text checked, wrong or not read
(validator/marks.py and the HTML report's first section)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import validator
from validator.baseline import apply_baseline, baseline_document, dumps, load_baseline
from validator.reporters import Format, render
from validator.selection import select_rules

ROOT = Path(__file__).resolve().parent.parent
KOREA_RULES = ROOT / "rules" / "korea-ict.yaml"
KOREA_RELEASE = ROOT / "tests" / "fixtures" / "korea-2020" / "release.txt"
SEED = ROOT.parent / "shared" / "seeds" / "000_3e0d9022ac969422.txt"  # where it is shared
# Releases of the fixtures with their rules files (and the founding release where it is):
# every one must come back marked.
FIXTURES = [(KOREA_RELEASE, KOREA_RULES), *([(SEED, KOREA_RULES)] if SEED.exists() else []), *(
    (d / "release.txt", d / "rules.yaml")
    for d in sorted((ROOT / "tests" / "fixtures" / "extract").iterdir())
    if (d / "release.txt").exists()), *(
    (release, release.parent / "rules.yaml")
    for release in sorted((ROOT / "tests" / "fixtures" / "extract" / "corpus").glob(
        "*/*/release.*")))]


def marks(records: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for p in records["release"]["paragraphs"] for s in p["sentences"]
            for m in s["marks"]]


def planted(tmp_path: Path) -> Path:
    """The Korean release with the surplus's digits transposed and a number it cannot read."""
    text = KOREA_RELEASE.read_text(encoding="utf-8")
    assert "surplus of $71.0 billion" in text
    path = tmp_path / "release.txt"
    path.write_text(text.replace("surplus of $71.0 billion", "surplus of $17.0 billion")
                    + "\nThe ministry counted 4,800 exporting firms.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("release", "rules"), FIXTURES, ids=[
    r.name if r == SEED else str(r.relative_to(ROOT / "tests" / "fixtures")) for r, _ in FIXTURES])
def test_every_fixture_release_comes_back_marked(release: Path, rules: Path) -> None:
    report = validator.check(release, rules)
    records = report.to_records()
    found = marks(records)
    sentences = [s for p in records["release"]["paragraphs"] for s in p["sentences"]]
    # Every sentence of the extraction, once, in order; every number read or not is a mark.
    assert [s["number"] for s in sentences] == list(range(1, len(sentences) + 1))
    read = sum(1 for m in found if m["status"] not in ("unplaced", "aside"))
    unread = sum(1 for m in found if m["status"] == "unplaced")
    assert unread == sum(1 for d in report.discrepancies if d.rule == "prose.unplaced")
    # Every place a figure is written is one mark (overlapping places: one of them).
    spans = {(sp.sentence, sp.start) for row in validator.extract(release, rules).extraction.spans
             for sp in row}
    assert found and read <= len(spans) and (read > 0) == bool(spans)
    for s in sentences:
        for m in s["marks"]:
            assert s["text"][m["start"]:m["end"]] == m["text"] and m["text"].strip()
    html = render(Format.HTML, records)
    assert html.count('class="mark m-') >= len(found)


def test_a_planted_error_is_marked_as_the_likely_culprit_with_its_suggestion(
        tmp_path: Path) -> None:
    records = validator.check(planted(tmp_path), KOREA_RULES).to_records()
    by_text = {m["text"]: m for m in marks(records)}
    culprit = by_text["$17.0 billion"]
    assert (culprit["status"], culprit["suggestion"], culprit["measure"]) == (
        "suspect", "71.0", "value")
    assert culprit["key"] == {"flow": "balance", "product": "ICT", "partner": "World",
                              "period": "2020"}
    (problem,) = [records["discrepancies"][k] for k in culprit["problems"]]
    assert problem["rule"] == "balance"
    # The other figures of the failing balance are part of it; their rates are not.
    assert by_text["$112.6 billion"]["status"] == "discrepancy"
    assert by_text["3.8%"]["status"] == "checked"
    assert by_text["$100.3 billion"]["status"] == "checked"
    assert "products-within-total" in by_text["$100.3 billion"]["rules"]
    # The arithmetic that checked it: what the other figures allow, against what is printed.
    assert ("partners-within-total: China_HK 60.7, US 8.1, Vietnam 11.5, EU 2.3, Japan 1.1 "
            "allow at least 83.45; printed 100.3") in by_text["$100.3 billion"]["arithmetic"]
    assert by_text["5.4%"]["arithmetic"] and all(
        line.endswith("printed 5.4%") for line in by_text["5.4%"]["arithmetic"])
    assert "balance" not in by_text["5.4%"]["rules"]  # a rule on values does not use the rate
    # A number the extractor does not place is marked as not read, linked to its warning.
    unread = by_text["4,800"]
    assert unread["status"] == "unplaced" and unread["note"]
    assert records["discrepancies"][unread["problems"][0]]["rule"] == "prose.unplaced"
    # A threshold is not a figure of the release.
    assert by_text["$10.0 billion"]["status"] == "aside"


def test_the_html_report_opens_with_the_marked_release_linked_both_ways(tmp_path: Path) -> None:
    records = validator.check(planted(tmp_path), KOREA_RULES).to_records()
    page = render(Format.HTML, records)
    assert page.index('id="release"') < page.index('id="suspects-section"') < page.index(
        'id="problems-section"')
    counts = Counter(m["status"] for m in marks(records))
    for status, count in counts.items():
        assert f'<span class="count" data-status="{status}">{count}</span>' in page
    # The culprit links to its problem card, and the card back to the culprit.
    culprit = next(m for m in marks(records) if m["status"] == "suspect")
    card = culprit["problems"][0] + 1
    anchor = page[:page.index("$17.0 billion<span")].rsplit('id="mark-', 1)[1].split('"')[0]
    assert f'id="mark-{anchor}" href="#problem-{card}"' in page
    card_html = page[page.index(f'id="problem-{card}"'):]
    card_html = card_html[:card_html.index("</table>")]
    assert f'<a href="#mark-{anchor}" class="back">sentence 5: $17.0 billion</a>' in card_html
    assert "<span>Partners-within-total: China_HK 60.7, US 8.1, Vietnam 11.5" in page
    # Without colour: a symbol and words say the status.
    assert '<span class="sym" aria-hidden="true">\u2605</span>$17.0 billion' in page
    assert '<span class="sr-only"> (Most likely wrong)</span>' in page


def test_accepted_or_ignored_discrepancies_leave_their_numbers_checked(tmp_path: Path) -> None:
    report = validator.check(planted(tmp_path), KOREA_RULES)
    ignored = select_rules(report, (), ("balance",)).to_records()
    by_text = {m["text"]: m for m in marks(ignored)}
    assert by_text["$17.0 billion"]["status"] == "checked"
    assert by_text["$17.0 billion"]["problems"] == [] and by_text["$17.0 billion"][
        "suggestion"] is None
    # Indices follow the discrepancies that remain.
    for m in marks(ignored):
        for k in m["problems"]:
            assert ignored["discrepancies"][k]["rule"] != "balance"
    baseline_file = tmp_path / "baseline.json"
    baseline_file.write_text(dumps(baseline_document(report)), encoding="utf-8")
    accepted = apply_baseline(report, load_baseline(str(baseline_file))).to_records()
    assert {m["status"] for m in marks(accepted)} <= {"checked", "aside", "not_evaluated"}


def _commented_texts(path: Path) -> dict[str, str]:
    """Comment id -> the document text between its range start and end."""
    import zipfile
    from xml.etree import ElementTree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    open_ranges: set[str] = set()
    texts: dict[str, str] = {}
    for node in root.iter():
        if node.tag == f"{w}commentRangeStart":
            open_ranges.add(node.attrib[f"{w}id"])
            texts[node.attrib[f"{w}id"]] = ""
        elif node.tag == f"{w}commentRangeEnd":
            open_ranges.discard(node.attrib[f"{w}id"])
        elif node.tag == f"{w}t" and node.text:
            for cid in open_ranges:
                texts[cid] += node.text
    return texts


def test_a_docx_release_is_written_back_with_a_comment_on_each_number_to_act_on(
        tmp_path: Path) -> None:
    import docx

    from validator.cli import main

    source = tmp_path / "release.docx"
    document = docx.Document()
    for paragraph in planted(tmp_path).read_text(encoding="utf-8").split("\n\n"):
        p = document.add_paragraph()
        for i, word in enumerate(paragraph.split()):  # many runs, some bold: they get split
            p.add_run(word + " ").bold = i % 3 == 0
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Firms", "4,900 firms"
    document.save(str(source))
    before = source.read_bytes()
    target = tmp_path / "annotated.docx"
    assert main(["check", str(source), "--rules", str(KOREA_RULES), "--annotate", str(target),
                 "-q"]) == 1
    assert source.read_bytes() == before  # the original untouched
    out = docx.Document(str(target))
    comments = {str(c.comment_id): c.text for c in out.comments}
    anchored = _commented_texts(target)
    assert set(anchored) == set(comments)
    # Exactly the numbers to act on: the culprit, the other figures of its failing rule, and
    # the numbers not read (one in a table cell); each comment on exactly its number.
    assert sorted(anchored.values()) == sorted(
        ["USD 183.6 billion", "$112.6 billion", "$17.0 billion", "4,800", "4,900"])
    culprit = next(cid for cid, text in anchored.items() if text == "$17.0 billion")
    assert comments[culprit].startswith("Most likely wrong: should probably read 71.0.")
    assert "[balance]" in comments[culprit]
    unread = next(cid for cid, text in anchored.items() if text == "4,800")
    assert comments[unread] == "Not read as a figure: number without a unit."
    # The words around the numbers are all still there, in order.
    assert out.paragraphs[4].text.strip() == document.paragraphs[4].text.strip()


def test_annotate_docx_needs_a_docx_release(tmp_path: Path) -> None:
    from validator.cli import main

    assert main(["check", str(KOREA_RELEASE), "--rules", str(KOREA_RULES), "--annotate",
                 str(tmp_path / "out.docx")]) == 2
    assert not (tmp_path / "out.docx").exists()


def test_a_long_release_is_marked_without_the_arithmetic_of_each_number(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import validator.explain

    monkeypatch.setattr(validator.explain, "MAX_EXPLAINED_FIGURES", 10)
    by_text = {m["text"]: m for m in marks(validator.check(KOREA_RELEASE, KOREA_RULES)
                                            .to_records())}
    assert by_text["$100.3 billion"]["status"] == "checked"
    assert "products-within-total" in by_text["$100.3 billion"]["rules"]
    assert by_text["$100.3 billion"]["arithmetic"] == []
