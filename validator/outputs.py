"""Writing report files without ever destroying an input or leaving half a file.

- `refuse_clobbering` runs before anything is read or written: an output that resolves to an
  input (the table, the rules file, the baseline, the prior; through symlinks and hard links
  too) or the same output named twice is an error (exit 2).
- `commit` writes every output atomically: each text goes to a temporary file in the target's
  own folder (same file system, so the rename is atomic), is flushed and fsynced, and only when
  all of them are complete are they renamed over their targets. A full disk, a file-size limit
  (EFBIG; SIGXFSZ is ignored so the write fails instead of killing the process), a crash or a
  signal leaves every previous report as it was and no temporary file behind.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from validator.errors import InputError
from validator.signals import deferred_signals

STDIN = "-"


def _identity(path: str) -> tuple[str, tuple[int, int] | None]:
    """The real path of `path` and, if it exists, its (device, inode) for hard links."""
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except OSError:
        return real, None
    return real, (info.st_dev, info.st_ino)


def refuse_clobbering(outputs: Iterable[str | None], inputs: Iterable[str | None]) -> None:
    """InputError if an output would overwrite an input or another output."""
    seen_inputs: dict[object, str] = {}
    for path in inputs:
        if path is None or path == STDIN:
            continue
        real, node = _identity(path)
        seen_inputs[real] = path
        if node is not None:
            seen_inputs[node] = path
    seen_outputs: dict[object, str] = {}
    problems: list[str] = []
    for path in outputs:
        if path is None:
            continue
        real, node = _identity(path)
        keys = [real] + ([node] if node is not None else [])
        clash = next((seen_inputs[k] for k in keys if k in seen_inputs), None)
        if clash is not None:
            problems.append(f"{path}: refusing to write the report over the input {clash}")
            continue
        twice = next((seen_outputs[k] for k in keys if k in seen_outputs), None)
        if twice is not None:
            problems.append(f"{path}: the same file is named twice as --output ({twice})")
            continue
        if os.path.isdir(real):
            problems.append(f"{path}: is a folder, not a file to write the report to")
            continue
        seen_outputs.update((k, path) for k in keys)
    if problems:
        raise InputError(problems)


@dataclass(frozen=True)
class Output:
    target: str | None  # None for stdout
    text: str


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _encode(text: str) -> bytes:
    # A lone surrogate (from a file name the OS could not decode) must not lose the report:
    # it is written as a backslash escape, which JSON reads back as the same escape.
    return text.encode("utf-8", errors="backslashreplace")


def _write_temp(target: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_for(target))
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _to_stdout(text: str) -> None:
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a captured stream in tests: text only
        stream.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))
        stream.flush()
        return
    stream.flush()
    buffer.write(_encode(text))
    buffer.flush()


def commit(outputs: Sequence[Output]) -> None:
    """Write every output or none; stdout last, once the files are in place.

    InputError (exit 2) naming the file if one cannot be written; the others are untouched.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for out in outputs:
            if out.target is None:
                continue
            target = Path(os.path.realpath(out.target))
            try:
                staged.append((_write_temp(target, _encode(out.text)), target))
            except OSError as exc:
                raise InputError([f"{out.target}: cannot write the report: "
                                  f"{exc.strerror or exc}"]) from None
        # Renames and the stdout write are not interrupted halfway: a signal waits for them.
        with deferred_signals():
            for temp, target in staged:
                os.replace(temp, target)
            staged = []
            for out in outputs:
                if out.target is None:
                    _to_stdout(out.text)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
