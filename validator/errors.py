"""Errors that make an input unusable as a whole (exit 2), each with the place it was found."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class InputError(Exception):
    """A table or rules file that cannot be used at all."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = tuple(messages)


def read_text(path: str, what: str) -> str:
    """A UTF-8 file's text, or InputError naming the file: `what` says which input it is."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([f"{path}: cannot read the {what}: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise InputError([f"{path}: the {what} is not UTF-8 text (byte {exc.start})"]) from None
