"""YAML with positions: plain data plus the line and column of every key and value.

Scalars stay text (null becomes None), because codes such as `01` or `2020` and numbers
such as `1.0e9` must keep the spelling the statistician wrote (PyYAML's YAML 1.1 resolver would
turn the first into 1 and keep the last a string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]

# Anchors and aliases share nodes; expanding them into plain data could explode ("billion laughs").
MAX_NODES = 200_000
# A node inside itself (`a: &a [*a]`) or nesting this deep is no rules file; Python's recursion
# limit must not be what stops it.
MAX_DEPTH = 200


@dataclass(frozen=True)
class Mark:
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class YamlError(Exception):
    """The text is not YAML that can be used at all; carries one located message."""

    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(f"{mark}: {message}")
        self.mark = mark
        self.message = message


@dataclass
class Located:
    data: Any
    value_marks: dict[Path, Mark]
    key_marks: dict[Path, Mark]
    file: str

    def mark(self, path: Path) -> Mark:
        """The position of the value at `path`, or of its nearest located ancestor."""
        while path not in self.value_marks and path:
            path = path[:-1]
        return self.value_marks.get(path, Mark(self.file, 1, 1))

    def key_mark(self, path: Path) -> Mark:
        return self.key_marks.get(path) or self.mark(path)


_NULL = "tag:yaml.org,2002:null"
# libyaml's parser where installed: the pure-Python one takes seconds on a code list of
# 100,000 codes. Both give the same nodes with the same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# PyYAML's parser words ("expected <block end>, but found '?'") in the words of the person who
# wrote the file; the first pattern found in the problem (or its context) wins.
_PLAIN = (
    ("found character '\\t'", "a tab character: YAML indents with spaces only"),
    ("expected <block end>", "the indentation does not line up: this line is indented "
     "differently from the lines above it at the same level"),
    ("did not find expected key", "the indentation does not line up: this line is indented "
     "differently from the lines above it at the same level"),
    ("did not find expected '-' indicator", "a list item ('- ...') that does not line up with "
     "the items above it"),
    ("mapping values are not allowed here", "a ':' where no key can start: put text that "
     "contains ': ' in quotes, or check the indentation of this line"),
    ("could not find expected ':'", "a line that is neither 'key: value' nor a list item "
     "('- value'): a ':' is missing, or a quote is not closed"),
    ("found undefined alias", "an alias (*name) with no anchor (&name) before it"),
    ("expected ',' or ']'", "a [list] that is not closed, or a ',' missing between its items"),
    ("expected ',' or '}'", "a {mapping} that is not closed, or a ',' missing between its "
     "items"),
    ("found unexpected end of stream", "the file ends inside a quoted text: a quote is not "
     "closed"),
    ("found unknown escape character", "an unknown escape (\\...) in a double-quoted text: use "
     "single quotes, or double the backslash"),
    ("found unexpected ':'", "a ':' where no key can start: put the text in quotes"),
)


def plain_problem(exc: yaml.MarkedYAMLError) -> str:
    said = f"{exc.context or ''} {exc.problem or ''}"
    for pattern, plain in _PLAIN:
        if pattern in said:
            return plain
    return str(exc.problem or exc.context)


def load_located(text: str, file: str) -> Located:
    try:
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # The pure-Python parser words its errors as the pinned messages expect.
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise YamlError(Mark(file, 1, 1), f"nested more than {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(file, mark.line + 1, mark.column + 1) if mark else Mark(file, 1, 1)
        raise YamlError(where, f"not valid YAML: {plain_problem(exc)}") from None
    except yaml.YAMLError as exc:
        raise YamlError(Mark(file, 1, 1), f"not valid YAML: {exc}") from None
    located = Located(None, {}, {}, file)
    if root is None:
        return located
    budget = [MAX_NODES]
    located.data = _convert(root, (), located, budget)
    return located


def _mark(node: yaml.Node, file: str) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: yaml.Node, path: Path, located: Located, budget: list[int]) -> Any:
    budget[0] -= 1
    if len(path) > MAX_DEPTH:
        raise YamlError(
            _mark(node, located.file),
            f"nested more than {MAX_DEPTH} levels deep (an alias inside its own anchor?)",
        )
    if budget[0] < 0:
        raise YamlError(
            _mark(node, located.file),
            f"the document expands to more than {MAX_NODES} values (aliases?)",
        )
    located.value_marks[path] = _mark(node, located.file)
    if isinstance(node, yaml.ScalarNode):
        if _LONE_SURROGATE.search(node.value):
            # "\ud800" in a double-quoted scalar: no text any output could encode.
            raise YamlError(_mark(node, located.file), "a lone surrogate escape is not text")
        # Booleans stay text too: "NO" is Norway in a code list, not false.
        return None if node.tag == _NULL else node.value
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, i), located, budget) for i, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(_mark(key_node, located.file), "a key must be a plain value")
            key = key_node.value
            if key in result:
                raise YamlError(_mark(key_node, located.file), f"duplicate key '{key}'")
            located.key_marks[(*path, key)] = _mark(key_node, located.file)
            result[key] = _convert(value_node, (*path, key), located, budget)
        return result
    raise YamlError(_mark(node, located.file), "unsupported YAML node")
