"""Errors that make an input unusable as a whole (exit 2), each with the place it was found."""

from __future__ import annotations

from collections.abc import Sequence


class InputError(Exception):
    """A table or rules file that cannot be used at all."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = tuple(messages)
