"""Rules-file messages a person can act on: 'did you mean', no follow-up errors caused by an
earlier one, YAML syntax errors in plain words. Each message's text is pinned."""

from __future__ import annotations

import pytest

from validator.errors import InputError
from validator.rules import TOP_KEYS, parse_rules
from validator.suggest import closest, did_you_mean

# The sections are listed from the loader, so that a new section changes no pinned message.
SECTIONS = ", ".join(TOP_KEYS)

GOOD = """\
figures: {value: value}
dimensions:
  flow: [exports, imports, balance]
  partner: [World, China]
rules:
  - id: balance
    identity: balance = exports - imports
    along: flow
  - id: prior-year
    implied_prior: [balance]
"""


def messages(text: str) -> tuple[str, ...]:
    with pytest.raises(InputError) as caught:
        parse_rules(text, "r.yaml")
    return caught.value.messages


def test_the_good_file_parses() -> None:
    assert [r.id for r in parse_rules(GOOD, "r.yaml").rules] == ["balance", "prior-year"]


@pytest.mark.parametrize(("old", "new", "expected"), [
    # A misspelled kind: one message, and no "no rule with id 'balance'" from prior-year.
    ("    identity: balance", "    identiy: balance",
     ("r.yaml:7:5: rule 'balance' has no kind: 'identiy' is not a kind (did you mean "
      "'identity'?)",)),
    # A misspelled section: one message, not also "'dimensions' must map ..." and every rule's
    # "'along' must name a dimension".
    ("dimensions:", "dimensons:",
     ("r.yaml:2:1: unknown key 'dimensons' in rules file: did you mean 'dimensions'? (expected "
      f"one of: {SECTIONS})",)),
    ("rules:", "rulse:",
     ("r.yaml:5:1: unknown key 'rulse' in rules file: did you mean 'rules'? (expected one of: "
      f"{SECTIONS})",)),
    ("    along: flow", "    along: flows",
     ("r.yaml:8:12: 'along' must name a dimension (did you mean 'flow'?) (one of: flow, "
      "partner)",)),
    ("balance = exports - imports", "balance = exports - imprts",
     ("r.yaml:7:15: 'imprts' is not a code of dimension 'flow' (did you mean 'imports'?)",)),
    ("implied_prior: [balance]", "implied_prior: [balanse]",
     ("r.yaml:10:21: no rule with id 'balanse' (did you mean 'balance'?)",)),
    ("    along: flow\n", "    along: flow\n    where: {partner: world}\n",
     ("r.yaml:9:22: unknown code 'world' in dimension 'partner' (did you mean 'World'?)",)),
    ("    along: flow\n", "    along: flow\n    where: {partnr: World}\n",
     ("r.yaml:9:13: unknown dimension 'partnr' in 'where' (did you mean 'partner'?)",)),
    ("    along: flow\n", "    alongg: flow\n",
     ("r.yaml:8:5: unknown key 'alongg' in a rule of kind 'identity': did you mean 'along'? "
      "(expected one of: id, description, severity, where, tolerance, identity, along)",)),
    ("    along: flow\n", "    along: flow\n    severty: warning\n",
     ("r.yaml:9:5: unknown key 'severty' in a rule of kind 'identity': did you mean "
      "'severity'? (expected one of: id, description, severity, where, tolerance, identity, "
      "along)",)),
])
def test_misspellings_get_one_message_with_a_suggestion(old: str, new: str,
                                                        expected: tuple[str, ...]) -> None:
    assert old in GOOD
    assert messages(GOOD.replace(old, new, 1)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("a:\n  b: 1\n c: 2\n", "r.yaml:3:2: not valid YAML: the indentation does not line up: this "
     "line is indented differently from the lines above it at the same level"),
    ("a:\n\tb: 1\n", "r.yaml:2:1: not valid YAML: a tab character: YAML indents with spaces only"),
    ("a: b: c\n", "r.yaml:1:5: not valid YAML: a ':' where no key can start: put text that "
     "contains ': ' in quotes, or check the indentation of this line"),
    ("a: [1, 2\nb: 3\n", "r.yaml:2:2: not valid YAML: a [list] that is not closed, or a ',' "
     "missing between its items"),
    ('a: "x\n', "r.yaml:2:1: not valid YAML: the file ends inside a quoted text: a quote is not "
     "closed"),
    ("a: *x\n", "r.yaml:1:4: not valid YAML: an alias (*name) with no anchor (&name) before it"),
    ("rules:\n  - id: x\n    along: flow\n   bounds: {}\n", "r.yaml:4:4: not valid YAML: the "
     "indentation does not line up: this line is indented differently from the lines above it "
     "at the same level"),
])
def test_yaml_syntax_errors_in_plain_words(text: str, expected: str) -> None:
    assert messages(text) == (expected,)


def test_suggestions() -> None:
    assert closest("identiy", ["identity", "breakdown"]) == "identity"
    assert closest("world", ["World", "China"]) == "World"
    assert closest("zzz", ["identity", "breakdown"]) is None
    assert did_you_mean("zzz", ["a"]) == ""
    assert did_you_mean("breakdwn", ["breakdown"]) == " (did you mean 'breakdown'?)"
