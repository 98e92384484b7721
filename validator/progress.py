"""A progress bar on stderr for long checks, stepped by stage names (read, parse, each rule).

The engine only calls a `progress(stage)` callback; this module is the CLI's display for it.
"""

from __future__ import annotations

from typing import TextIO

import click

# Below this many rows a check takes a second or two and a bar would only flicker.
PROGRESS_MIN_ROWS = 200_000


class StageProgress:
    """A click progress bar over a known number of stages; call it with each stage's name
    as the stage starts, then `close()`."""

    def __init__(self, stages: int, file: TextIO) -> None:
        self._bar = click.progressbar(
            length=stages,
            label="checking",
            file=file,
            show_eta=False,
            show_pos=True,
            item_show_func=_show,
        )
        self._started = False

    def __call__(self, stage: str) -> None:
        if self._started:
            # A stage is announced when it starts, so the bar counts the ones finished before.
            self._bar.update(1, stage)
        else:
            self._started = True
            self._bar.current_item = stage
            self._bar.render_progress()

    def close(self) -> None:
        if self._started:
            self._bar.update(1, "done")
        self._bar.render_finish()


def _show(stage: str | None) -> str | None:
    return stage


def wanted(rows: int, file: TextIO) -> bool:
    """Show progress only for large tables, and only to a person watching a terminal."""
    return rows > PROGRESS_MIN_ROWS and file.isatty()
