"""Output formats: exact output pinned in tests/golden/, plus structural checks per format.

The golden tests only compare. After an intended change, regenerate the golden files with
`python tests/golden_cases.py` and review the diff.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import golden_cases
import jinja2
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reporter_cases import EVIL_REASON, EVIL_REGION, clean_report, problem_report

from validator.escaping import visible
from validator.report import (
    Discrepancy,
    FigureRef,
    NotEvaluated,
    Report,
    RuleSummary,
    Severity,
)
from validator.reporters import REPORTERS, Format, html_report, render
from validator.reporters.common import fmt_interval
from validator.reporters.github import escape_data, escape_property
from validator.reporters.markdown import escape_md
from validator.reporters.sarif import table_uri

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SARIF_SCHEMA = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))

CASES = {"clean": clean_report, "problems": problem_report}


def records_of(case: str) -> dict[str, Any]:
    return CASES[case]().to_records()


# ---------------------------------------------------------------- registry and golden files


def test_every_format_has_a_reporter() -> None:
    assert set(REPORTERS) == set(Format)


@pytest.mark.parametrize("case", sorted(golden_cases.CASES))
@pytest.mark.parametrize("fmt", list(REPORTERS), ids=str)
def test_every_registered_format_has_golden_files(case: str, fmt: Format) -> None:
    path = golden_cases.golden_path(case, fmt)
    assert path.is_file(), f"no golden file {path.name}: run python tests/golden_cases.py"


@pytest.mark.parametrize("case", sorted(golden_cases.CASES))
@pytest.mark.parametrize("fmt", list(REPORTERS), ids=str)
def test_golden_output(case: str, fmt: Format) -> None:
    path = golden_cases.golden_path(case, fmt)
    before = path.read_bytes() if path.exists() else None
    output = render(fmt, golden_cases.CASES[case]())
    assert output == path.read_text(encoding="utf-8")
    assert path.read_bytes() == before  # comparing never writes


def test_no_golden_file_without_a_case_and_format() -> None:
    expected = set(golden_cases.outputs())
    assert {p for p in GOLDEN.iterdir() if p.is_file()} == expected


@pytest.mark.parametrize("fmt", list(REPORTERS), ids=str)
def test_output_ends_with_newline_and_is_deterministic(fmt: Format) -> None:
    first = render(fmt, records_of("problems"))
    assert first.endswith("\n")
    assert first == render(fmt, records_of("problems"))


# ---------------------------------------------------------------- markdown


def test_markdown_escapes_user_text() -> None:
    md = render(Format.MARKDOWN, records_of("problems"))
    assert "<script" not in md and "<img" not in md
    assert r"&lt;script&gt;alert(1)&lt;/script&gt; \| A, B: C" in md
    assert r"\$995 million" in md  # `$` would start math on GitHub
    # Every table row has as many unescaped pipes as its header.
    for block in re.split(r"\n\n", md):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) <= 1, block


def test_markdown_summary_and_rule_table() -> None:
    md = render(Format.MARKDOWN, records_of("problems"))
    assert md.startswith("### Failed: ")
    assert "**1 error, 1 warning; 3 checks of 6 figures, 1 not evaluated.**" in md
    assert "| balance | Trade balance equals exports minus imports | error | 2 | 1 | 1 |" in md
    clean = render(Format.MARKDOWN, records_of("clean"))
    assert clean.startswith("### Clean: ") and "Discrepancies" not in clean


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", r"a\|b"),
        ("<b>&", "&lt;b&gt;&amp;"),
        ("*x* _y_ `z` [l](u) ~s~", r"\*x\* \_y\_ \`z\` \[l\](u) \~s\~"),
        ("line\nbreak", "line break"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_escape_md(raw: str, escaped: str) -> None:
    assert escape_md(raw) == escaped


@given(st.text())
def test_escape_md_leaves_no_markup(text: str) -> None:
    out = escape_md(text)
    assert "<" not in out and ">" not in out and "\n" not in out
    assert not re.search(r"(?<!\\)(\\\\)*[|*_`\[\]]", out.replace("&lt;", "").replace("&gt;", ""))


# ---------------------------------------------------------------- HTML


# Fields whose values come from a closed set the tool defines, not from the user's files.
_CLOSED_FIELDS = {"severity", "kind", "status", "role", "version", "measure"}


def with_markup_everywhere(records: Any, path: tuple[str, ...] = ()) -> tuple[Any, set[str]]:
    """The records with a distinct `<b>field</b>` put in front of every user-supplied string
    (messages, rule ids, descriptions, codes and dimension names, labels, reasons, units, the
    title and the input paths), and the set of those markers."""
    markers: set[str] = set()
    if isinstance(records, list):
        items = [with_markup_everywhere(v, path) for v in records]
        return [v for v, _ in items], set().union(*(m for _, m in items))
    if not isinstance(records, dict):
        return records, markers
    result = {}
    for key, value in records.items():
        name = key
        if (path and path[-1] in ("key", "context")) or path[-1:] == ("missing",):
            name = f"<b>{'.'.join(path)}:{key}</b>"  # a dimension's name, from the rules file
            markers.add(name)
        if isinstance(value, str) and key not in _CLOSED_FIELDS:
            marker = f"<b>{'.'.join((*path, key))}</b>"
            markers.add(marker)
            result[name] = marker + value
        else:
            result[name], inner = with_markup_everywhere(value, (*path, key))
            markers |= inner
    return result, markers


def unescaped(page: str, markers: set[str]) -> set[str]:
    """Markers that went into the page as markup, or not at all."""
    return {m for m in markers
            if m in page or m.replace("<", "&lt;").replace(">", "&gt;") not in page}


def test_html_escapes_all_user_text() -> None:
    records, markers = with_markup_everywhere(records_of("problems"))
    assert {"<b>discrepancies.message</b>", "<b>discrepancies.rule</b>", "<b>title</b>",
            "<b>discrepancies.figures.key.region</b>", "<b>not_evaluated.reason</b>",
            "<b>discrepancies.figures.key:region</b>"} <= markers
    page = render(Format.HTML, records)
    assert unescaped(page, markers) == set()
    assert "<b>" not in page


def test_the_escaping_test_sees_a_template_that_trusts_user_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The check above must fail for a template that marks a message `| safe`.
    source = (Path(__file__).parents[1] / "validator" / "reporters" / "templates" /
              "report.html.j2").read_text(encoding="utf-8")
    assert "{{ d.message }}" in source
    trusting = jinja2.Environment(loader=jinja2.DictLoader(
        {"report.html.j2": source.replace("{{ d.message }}", "{{ d.message | safe }}")}),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)
    monkeypatch.setattr(html_report, "_environment", lambda: trusting)
    records, markers = with_markup_everywhere(records_of("problems"))
    assert unescaped(render(Format.HTML, records), markers) == {"<b>discrepancies.message</b>"}


def test_markdown_and_junit_carry_user_markup_as_text() -> None:
    records, _ = with_markup_everywhere(records_of("problems"))
    assert "<b>" not in render(Format.MARKDOWN, records)
    root = ET.fromstring(render(Format.JUNIT, records))
    assert root.find(".//b") is None  # markup in a message never becomes an element
    texts = " ".join([*(e.text or "" for e in root.iter()),
                      *(v for e in root.iter() for v in e.attrib.values())])
    assert "<b>discrepancies.message</b>" in texts


def test_html_page_loads_nothing_and_runs_only_its_own_script() -> None:
    page = render(Format.HTML, records_of("problems"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | A, B: C" in page
    assert "<script>alert" not in page
    assert "<img" not in page and "&lt;img src=x onerror=" in page
    assert "Trade release &lt;September&gt; &amp; co" in page
    # Only our own inline script; nothing loaded from elsewhere.
    assert page.count("<script") == 1 and "<script>\n" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<link" not in page and "@import" not in page


def test_html_summary_and_breakdown_table() -> None:
    page = render(Format.HTML, records_of("problems"))
    assert '<strong id="count-errors">1</strong>' in page
    assert '<strong id="count-warnings">1</strong>' in page
    assert "2 problems found." in page
    # The breakdown table lists the total first, then its parts, whatever the engine's order.
    breakdown = page.split('id="problem-2"')[1]
    rows = re.findall(r'<tr class="role-(\w+)">', breakdown)
    assert rows == ["total", "part", "part"]
    clean = render(Format.HTML, records_of("clean"))
    assert "No problems found" in clean and 'class="banner clean"' in clean
    assert 'id="problems"' not in clean


# ---------------------------------------------------------------- JUnit


def test_junit_structure() -> None:
    root = ET.fromstring(render(Format.JUNIT, records_of("problems")))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("5", "2", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    # The verdict comes first, as a suite of its own.
    assert list(suites) == ["validator.verdict", "balance", "regions"]
    balance = suites["balance"]
    cases = balance.findall("testcase")
    assert len(cases) == int(balance.get("tests", "-1")) == 3
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert failure.get("message") == "balance 5.3 is not exports 258.4 - imports 206.0 = 52.4"
    assert "row 4" in (failure.text or "")
    assert cases[1].get("name") == "balance: 1 instance passed" and len(cases[1]) == 0
    skipped = cases[2].find("skipped")
    assert skipped is not None and EVIL_REASON in (skipped.get("message") or "")
    regions_failure = suites["regions"].find("testcase/failure")
    assert regions_failure is not None and EVIL_REGION in (regions_failure.text or "")


def test_junit_clean_has_only_passing_cases() -> None:
    root = ET.fromstring(render(Format.JUNIT, records_of("clean")))
    assert root.get("failures") == "0" and root.findall(".//failure") == []
    assert [c.get("name") for c in root.iter("testcase")] == ["verdict: clean",
                                                             "balance: 1 instance passed"]


def _report(**fields: Any) -> Report:
    """A report of t.csv against rules.yaml, with nothing in it but `fields`."""
    defaults: dict[str, Any] = {"title": "t", "table": "t.csv", "rules_file": "rules.yaml",
                                "figures": 0, "rules": (), "discrepancies": (),
                                "not_evaluated": ()}
    return Report(**{**defaults, **fields})


def _bounds_failure(rule: str, message: str, figure: FigureRef) -> Discrepancy:
    return Discrepancy(rule, "bounds", Severity.ERROR, "desc", message, (figure,),
                       "A figure is outside its allowed range")


def _one_discrepancy(message: str, label: str, rule: str = "r1", row: int | None = 3) -> Report:
    figure = FigureRef(key={"item": label}, value="1.0", row=row, unit="EUR m", role="figure")
    return _report(title=label, figures=1,
                   rules=(RuleSummary(rule, "bounds", "desc", Severity.ERROR, 1, 1, 0),),
                   discrepancies=(_bounds_failure(rule, message, figure),))


@given(message=st.text(), label=st.text())
def test_junit_parses_for_any_text(message: str, label: str) -> None:
    root = ET.fromstring(render(Format.JUNIT, _one_discrepancy(message, label).to_records()))
    failure = root.find(".//failure")
    assert failure is not None
    assert failure.get("message") is not None


# ---------------------------------------------------------------- SARIF


@pytest.mark.parametrize("case", sorted(CASES))
def test_sarif_validates_against_official_schema(case: str) -> None:
    log = json.loads(render(Format.SARIF, records_of(case)))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


def test_sarif_results_point_at_rows() -> None:
    log = json.loads(render(Format.SARIF, records_of("problems")))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "validator"
    assert [r["defaultConfiguration"]["level"] for r in rules] == ["error", "warning"]
    results = run["results"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in results] == ["error", "warning"]
    # The breakdown points at its most likely wrong figure (row 6, its rank-1 suspect); without
    # suspects it would point at its total (tests/test_localise.py).
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    assert lines == [4, 6]
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "data/trade%2C2024%3A09.csv"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["descriptor"] == {"id": "validator.verdict"}
    assert notes[1]["associatedRule"] == {"id": "balance", "index": 0}


def test_sarif_rule_without_summary_and_figure_without_row() -> None:
    records = _one_discrepancy("bad code", "x", rule="input.unknown-code", row=None).to_records()
    records["rules"] = []  # built-in input checks may come without a summary
    records["inputs"]["table"] = "/abs path/table.csv"
    log = json.loads(render(Format.SARIF, records))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "input.unknown-code"
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "file:///abs%20path/table.csv"}}


def test_table_uri() -> None:
    assert table_uri("data/t.csv") == "data/t.csv"
    assert table_uri("a b:c.csv") == "a%20b%3Ac.csv"
    assert table_uri("/x/y.csv") == "file:///x/y.csv"


@given(message=st.text(), label=st.text())
def test_sarif_valid_for_any_text(message: str, label: str) -> None:
    log = json.loads(render(Format.SARIF, _one_discrepancy(message, label).to_records()))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    # Control characters, bidi overrides and lone surrogates are shown as escapes.
    assert log["runs"][0]["results"][0]["message"]["text"] == visible(message, keep_breaks=True)


# ---------------------------------------------------------------- GitHub workflow commands

_COMMAND = re.compile(r"^::(\w+)(?: ([^:]*))?::(.*)$")


def _unescape(text: str, props: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if props else [])
    for escaped, raw in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, raw)
    return text


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse a workflow command the way the Actions runner does."""
    match = _COMMAND.match(line)
    assert match, line
    name, props, data = match.groups()
    properties = {}
    for pair in (props or "").split(","):
        key, _, value = pair.partition("=")
        properties[key] = _unescape(value, props=True)
    return name, properties, _unescape(data, props=False)


def test_github_escaping_rules() -> None:
    assert escape_data("50% up\r\nnext") == "50%25 up%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("a:b,c") == "a:b,c"


def test_github_annotations() -> None:
    lines = render(Format.GITHUB, records_of("problems")).split("\n")[:-1]
    assert len(lines) == 4
    assert lines.pop(0) == "::notice title=validator verdict::DISCREPANCIES: 1 error, 1 warning."
    name, props, message = parse_command(lines[0])
    assert name == "error"
    assert props == {"file": "data/trade,2024:09.csv", "line": "4", "title": "balance"}
    assert message.splitlines()[0] == "balance 5.3 is not exports 258.4 - imports 206.0 = 52.4"
    name, props, message = parse_command(lines[1])
    assert (name, props["line"], props["title"]) == ("warning", "6", "regions")  # the suspect
    assert EVIL_REGION in message and "(46.8% of the total)" in message
    assert parse_command(lines[2])[0] == "notice"
    clean = render(Format.GITHUB, records_of("clean")).splitlines()
    assert len(clean) == 2 and clean[0].startswith("::notice title=validator verdict::CLEAN: ")
    assert clean[1].startswith("::notice title=validator::clean: ")


@given(message=st.text(), label=st.text(), rule=st.text(min_size=1))
def test_github_round_trips_any_text(message: str, label: str, rule: str) -> None:
    line = render(Format.GITHUB, _one_discrepancy(message, label, rule=rule).to_records())
    # The runner reads its output line by line at \n (str.splitlines would also split at \x1e).
    first = line.split("\n")[1]  # after the verdict
    name, props, data = parse_command(first)
    assert (name, props["title"], props["line"]) == ("error", visible(rule, keep_breaks=True), "3")
    assert data.startswith(visible(message, keep_breaks=True) + "\n")


# ---------------------------------------------------------------- shared formatting


@pytest.mark.parametrize(("interval", "text"), [
    ((None, 5.0), "at most 5"),  # only a maximum
    ((3.0, None), "at least 3"),  # only a minimum
    ((None, None), "any value"),
    ((2.0, 2.0), "2"),
    ((1.5, 2.25), "1.5 to 2.25"),
    ((-2.5, -1.0), "-2.5 to -1"),
])
def test_intervals_read_as_words_with_their_unit(interval: tuple[float | None, float | None],
                                                 text: str) -> None:
    assert fmt_interval(interval) == text  # no unit: nothing trails
    assert fmt_interval(interval, "USD bn") == f"{text} USD bn"
    assert fmt_interval(None, "USD bn") == ""


@pytest.mark.parametrize("fmt", [Format.MARKDOWN, Format.HTML], ids=str)
def test_an_untitled_report_is_called_a_release_check(fmt: Format) -> None:
    records = records_of("clean")
    records["title"] = ""
    assert "Release check" in render(fmt, records)


def test_markdown_names_a_status_it_has_no_headline_for() -> None:
    records = records_of("clean")
    records["summary"]["status"] = "partly checked"
    assert render(Format.MARKDOWN, records).startswith("### partly checked: ")


# ---------------------------------------------------------------- counting what is left out

def test_more_sentence_agrees_its_noun_with_the_count() -> None:
    from validator.reporters.common import more_sentence
    tail = " not shown (--max-per-rule; --format json or csv lists them all)"
    assert more_sentence("r", 1) == "[r] 1 more discrepancy" + tail
    assert more_sentence("r", 2) == "[r] 2 more discrepancies" + tail
    assert more_sentence("r", 1, "instance") == "[r] 1 more instance" + tail
    assert more_sentence("r", 3, "instance") == "[r] 3 more instances" + tail


def test_first_per_rule_counts_each_rule_on_its_own() -> None:
    from validator.reporters.common import first_per_rule
    items = [{"rule": "a"}, {"rule": "b"}, {"rule": "a"}, {"rule": "b"}, {"rule": "a"}]
    shown, left = first_per_rule(items, 2)
    assert shown == items[:4]
    assert left == {"a": 1}


def test_a_figure_cell_is_its_first_cell_and_none_for_a_plain_table() -> None:
    from validator.reporters.common import figure_cell
    assert figure_cell({"cells": {"value": "Table 1!C7", "change": "Table 1!D7"}}) == "Table 1!C7"
    assert figure_cell({"row": 4}) == ""


def _records_with_rules(ids: list[str], figures: int = 3) -> dict[str, Any]:
    return _report(figures=figures, rules=tuple(
        RuleSummary(i, "bounds", "desc", Severity.ERROR, 0, 0, 0) for i in ids)).to_records()


def test_nothing_checked_says_why_the_rules_file_gave_nothing_to_check() -> None:
    from validator.reporters.common import verdict_sentence
    sentence = verdict_sentence(_records_with_rules(["input.unknown-code"]))
    assert sentence == ("NOTHING CHECKED: no rule instance was evaluated (the rules file has no "
                        "rules); this is not a pass.")
    assert "the input has no figures" in verdict_sentence(_records_with_rules([], figures=0))


def _flood(rule: str = "r1", count: int = 3) -> dict[str, Any]:
    figures = [FigureRef(key={"item": f"i{n}"}, value="1.0", row=n + 2, unit="EUR m",
                         role="figure") for n in range(count)]
    return _report(
        figures=count,
        rules=(RuleSummary(rule, "bounds", "desc", Severity.ERROR, count, count, 0),),
        discrepancies=tuple(_bounds_failure(rule, f"m{n}", f) for n, f in enumerate(figures)),
    ).to_records()


def test_github_annotations_say_how_many_more_a_limit_left_out() -> None:
    out = REPORTERS[Format.GITHUB](max_per_rule=1).render(_flood())
    notices = [line for line in out.splitlines() if line.startswith("::notice")]
    assert any("title=r1%3A more::" in n and "[r1] 2 more discrepancies not shown" in n
               for n in notices), notices


def test_markdown_with_a_limit_shows_no_more_than_it_and_counts_the_rest() -> None:
    out = REPORTERS[Format.MARKDOWN](max_per_rule=1).render(_flood(count=4))
    assert "m0" in out and "m3" not in out
    assert "3 more discrepancies not shown" in out


def test_html_with_a_limit_shows_no_more_than_it() -> None:
    out = REPORTERS[Format.HTML](max_per_rule=2).render(_flood(count=4))
    assert "m1" in out and "m2" not in out and "m3" not in out
    assert "2 more discrepancies not shown" in out


def test_concise_text_names_the_first_row_of_each_discrepancy() -> None:
    from validator.reporters.text import concise
    lines = concise(_flood(count=2)).splitlines()
    assert lines[0] == "t.csv:2: error [r1] m0"
    assert lines[1] == "t.csv:3: error [r1] m1"


def _not_evaluated_report(listed: int, counted: int) -> dict[str, Any]:
    return _report(
        figures=4,
        rules=(RuleSummary("r1", "share", "desc", Severity.ERROR, 1, 0, counted),),
        not_evaluated=tuple(NotEvaluated("r1", "the whole is missing",
                                         missing=({"item": "total"},), context={"area": "n"})
                            for _ in range(listed)),
    ).to_records()


def test_junit_counts_the_instances_not_listed_as_one_skipped_case() -> None:
    root = ET.fromstring(render(Format.JUNIT, _not_evaluated_report(listed=1, counted=5)))
    suite = root.find("testsuite[@name='r1']")
    assert suite is not None
    assert suite.get("skipped") == "2" and root.get("skipped") == "2"
    names = [c.get("name") for c in suite.iter("testcase")]
    assert "r1: 4 more instances not evaluated" in names
    messages = [s.get("message") for s in suite.iter("skipped")]
    assert any(m is not None and m.endswith("; missing: item=total") for m in messages), messages
