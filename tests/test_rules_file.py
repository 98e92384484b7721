"""Rules-file errors: every one collected, each located as path:line:col, each text pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, KOREA_RULES
from validator.checks import CHECKS
from validator.cli import main
from validator.errors import InputError
from validator.rules import load_rules, parse_rules

KINDS = ", ".join(CHECKS)

BROKEN = """\
version: 1
figures:
  value: value
  units: {USD bn: lots}
  rounding: sloppy
dimensions:
  flow: [exports, imports, balance, exports]
  product:
    ICT: [chips, ICT]
    chips: [memory]
    phones: [memory]
rules:
  - id: balance
    identity: balance = exports - imprts
    along: flow
  - id: balance
    breakdown: flow
  - id: nothing
    where: {flow: exports}
  - id: both
    breakdown: product
    bounds: {min: 0}
  - id: prior
    implied_prior: [balance, missing-rule]
  - id: b2
    bounds: {min: zero}
    colour: red
  - id: w
    bounds: {min: 0}
    where: {flow: [exports, exprts], region: [x]}
    tolerance: {abs: -1}
"""

EXPECTED = [
    "r.yaml:4:19: the scale of unit 'USD bn' must be a positive number of at most 1e+30",
    "r.yaml:5:13: 'rounding' must be one of: half-unit, truncated, exact (got 'sloppy')",
    "r.yaml:7:37: code 'exports' is listed twice",
    "r.yaml:9:18: code 'ICT' is listed as its own child",
    "r.yaml:11:14: code 'memory' has two parents: 'chips' and 'phones'",
    "r.yaml:14:15: 'imprts' is not a code of dimension 'flow' (did you mean 'imports'?)",
    "r.yaml:16:9: rule id 'balance' is used twice",
    "r.yaml:17:16: dimension 'flow' has no hierarchy to break down",
    # The kinds are listed from the registry, so that a new kind changes no pinned message.
    f"r.yaml:18:5: rule 'nothing' has no kind: give exactly one of: {KINDS}",
    f"r.yaml:20:5: rule 'both' has several kinds (breakdown, bounds): give exactly one of: "
    f"{KINDS}",
    "r.yaml:24:30: no rule with id 'missing-rule'",
    "r.yaml:26:19: 'min' must be a finite number",
    "r.yaml:27:5: unknown key 'colour' in a rule of kind 'bounds' (expected one of: id, "
    "description, severity, where, tolerance, bounds)",
    "r.yaml:30:29: unknown code 'exprts' in dimension 'flow' (did you mean 'exports'?)",
    "r.yaml:30:38: unknown dimension 'region' in 'where'",
    "r.yaml:31:22: 'abs' must be a number of zero or more",
]


def test_all_errors_are_collected_with_positions() -> None:
    with pytest.raises(InputError) as caught:
        parse_rules(BROKEN, "r.yaml")
    assert sorted(caught.value.messages) == sorted(EXPECTED)


@pytest.mark.parametrize(("text", "message"), [
    ("a: [1,\n", "r.yaml:2:1: not valid YAML: expected the node content, but found "
     "'<stream end>'"),
    ("a: 1\na: 2\n", "r.yaml:2:1: duplicate key 'a'"),
    ("- 1\n", "r.yaml:1:1: a rules file is a mapping with 'figures', 'dimensions' and 'rules'"),
    ("dimensions: {flow: [a]}\nrules: []\nversion: 2\n",
     "r.yaml:3:10: unsupported version '2' (supported: 1)"),
    ("dimensions: {flow: [a]}\nrules: {}\n", "r.yaml:2:8: 'rules' must be a list of rules"),
    ("rules: []\n", "r.yaml:1:1: 'dimensions' must map each dimension column to its codes"),
    ("dimensions: {p: {A: [B], B: [A]}}\nrules: []\n",
     "r.yaml:1:17: the hierarchy of 'p' has a cycle through 'B'"),
    ("dimensions: {flow: [a, b]}\nrules:\n  - id: x\n    identity: a = = b\n    along: flow\n",
     "r.yaml:4:15: cannot read the identity: unexpected '='"),
    ("dimensions: {flow: [a, b]}\nrules:\n  - id: input.x\n    bounds: {min: 0}\n",
     "r.yaml:3:9: rule ids starting with 'input.' are reserved for input checks"),
    ("dimensions: {flow: [a]}\nfigures: {time: period}\nrules: []\ncolour: red\n",
     "r.yaml:2:17: 'time' must name a dimension (one of: flow)"),
])
def test_single_error_messages(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_rules(text, "r.yaml")
    assert caught.value.messages[0] == message


def test_unknown_top_level_key_is_named() -> None:
    with pytest.raises(InputError) as caught:
        parse_rules("dimensions: {flow: [a]}\nrules: []\ncolour: red\n", "r.yaml")
    assert caught.value.messages == (
        "r.yaml:3:1: unknown key 'colour' in rules file (expected one of: version, title, "
        "description, figures, dimensions, rules, labels, defaults, ignore_phrases, revisions, "
        "layout)",
    )


def test_the_shipped_rules_load() -> None:
    rules = load_rules(str(KOREA_RULES))
    assert [r.id for r in rules.rules] == [
        "balance", "products-within-total", "partners-within-total", "months-within-year",
        "prior-year", "non-negative",
    ]
    product = rules.dimension("product")
    assert product.children["ICT"] == ("semiconductors", "computers", "displays", "mobile_phones")
    assert rules.figures.units == {"USD bn": 1e9, "USD mn": 1e6}


def test_nested_hierarchy_form_is_accepted() -> None:
    rules = parse_rules(
        "dimensions:\n  geo:\n    World:\n      - Asia: [China, Japan]\n      - Europe\n"
        "rules: []\n", "r.yaml")
    assert rules.dimension("geo").children == {"World": ("Asia", "Europe"),
                                               "Asia": ("China", "Japan")}


def test_codes_keep_their_spelling() -> None:
    rules = parse_rules("dimensions:\n  country: [NO, 01, 2020, true]\nrules: []\n", "r.yaml")
    assert rules.dimension("country").codes == ("NO", "01", "2020", "true")


def test_broken_rules_file_exits_2_with_every_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(BROKEN, encoding="utf-8")
    assert main(["check", str(EXAMPLE), "--rules", str(rules)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == len(EXPECTED)
    assert lines[0] == (
        f"validator: {rules}:4:19: the scale of unit 'USD bn' must be a positive number of at "
        "most 1e+30"
    )
