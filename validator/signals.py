"""Ctrl-C and SIGTERM end a run at any moment with one line and exit 130 / 143.

`install()` runs first thing at start-up (before the heavy imports): SIGINT and SIGTERM raise
`Interrupted`, a BaseException so that no `except Exception` on the way swallows it; the CLI
turns it into "validator: interrupted" and 128 + the signal number. Outputs are committed with
the signals deferred (`deferred_signals`), so a report is either written whole or not at all.
SIGXFSZ (a file-size limit) is ignored so that writing past the limit fails with EFBIG, which
the atomic writer reports, instead of killing the process with a truncated file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was stopped by a signal; `exit_code` is 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def message(self) -> str:
        return f"validator: interrupted ({signal.Signals(self.signum).name}); nothing written"


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _exit_now(signum: int, frame: FrameType | None) -> None:
    # After the run: the output is complete, so just end with the signal's exit code.
    os._exit(128 + signum)


def install() -> None:
    """Signal handling for a CLI run (main thread only; a no-op elsewhere)."""
    try:
        for signum in HANDLED:
            signal.signal(signum, _raise)
        if hasattr(signal, "SIGXFSZ"):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    except ValueError:  # not the main thread (an embedding application): leave theirs alone
        pass


def finish(code: int) -> NoReturn:
    """End the process with `code`, its output complete.

    A signal from here on ends it at once with its own code, and the interpreter's shutdown is
    skipped: it would put the default handlers back, and a SIGTERM then would kill the process
    with no code of ours.
    """
    try:
        for signum in HANDLED:
            signal.signal(signum, _exit_now)
    except ValueError:
        pass
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe: nothing more can be said there.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


@contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done; a pending one is raised after it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
