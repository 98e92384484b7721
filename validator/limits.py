"""The limits on every input, so that hostile or broken files end with exit 2 and a message
naming the file and place, never with a hang or a MemoryError. docs/limits.md says why each
number is what it is.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from validator.errors import InputError

MiB = 1 << 20

# A tidy table has a column per dimension and per figure; Excel stops at 16,384 columns.
MAX_COLUMNS = 50_000
# One cell: a code, a label, a number or an extracted sentence is never near this.
MAX_CELL_BYTES = 1 * MiB
# stdin cannot be measured in advance; a table larger than this is given as a file.
MAX_STDIN_BYTES = 1024 * MiB
# .xlsx and .docx are zip archives: what they expand to, in all, and how many members.
MAX_ARCHIVE_BYTES = 2048 * MiB
MAX_ARCHIVE_MEMBERS = 100_000
# Nesting of a baseline file (JSON): the real one is 5 levels deep.
MAX_JSON_DEPTH = 64
# A release: one line (a paragraph of a text release), and the whole text.
MAX_RELEASE_LINE_CHARS = 200_000
MAX_RELEASE_BYTES = 64 * MiB
# Figures of a press release beyond which its marked numbers say which rules used them but not
# the arithmetic of each (a loop per rule instance).
MAX_EXPLAINED_FIGURES = 20_000
# The absolute value of a figure in base units. Beyond it, sums and products of a few figures,
# unit scales and coefficients could overflow a float into inf or NaN, and an overflowed
# comparison would pass: such a figure is an input discrepancy, never a silent pass.
MAX_MAGNITUDE = 1e100
# Figures a single finding lists (a breakdown of 100,000 parts, a figure printed a million
# times): the check covers all of them; the report names this many, and counts the rest.
MAX_FIGURES_PER_FINDING = 1_000
# Failing rule instances beyond which no suspects are computed: localisation is a search per
# group of failures (a second or more in all for a few thousand), and a flood of failures (a
# wrong column, a wrong vintage) has one cause that no figure-by-figure ranking names.
MAX_LOCALISED_FAILURES = 5_000
# Unit scales and identity coefficients, for the same reason.
MAX_SCALE = 1e30


def _size(n: int) -> str:
    return f"{n / MiB:,.0f} MiB" if n >= MiB else f"{n:,} bytes"


def read_bounded(stream: IO[bytes], limit: int, what: str) -> bytes:
    """Read a stream (stdin) to its end, or InputError once it passes `limit` bytes."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(16 * MiB, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputError([f"{what}: more than {_size(limit)} (the limit for stdin; give "
                              "the table as a file)"])


def check_archive(data: bytes | str) -> None:
    """InputError if a zip archive (.xlsx, .docx) declares more than the limits allow; one
    that is no zip at all is left to its reader to report.

    Python's zipfile never inflates a member past its declared size (and checks its CRC), so
    bounding the declared sizes bounds what reading can expand to; `read_member` counts too.
    """
    source: Any = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise InputError([f"the archive has {len(members):,} members (the limit is "
                          f"{MAX_ARCHIVE_MEMBERS:,})"])
    declared = sum(m.file_size for m in members)
    if declared > MAX_ARCHIVE_BYTES:
        raise InputError([f"the archive expands to {_size(declared)} (the limit is "
                          f"{_size(MAX_ARCHIVE_BYTES)}): a zip bomb?"])


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member of an archive, counting the bytes actually inflated against the limits."""
    info = archive.getinfo(name)
    limit = min(info.file_size, MAX_ARCHIVE_BYTES)
    chunks: list[bytes] = []
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(MiB):
            total += len(chunk)
            if total > limit:
                raise InputError([f"{name} expands past its declared size"])
            chunks.append(chunk)
    return b"".join(chunks)


def json_depth_problem(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than `limit` (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children: Iterable[Any] = (item.values() if isinstance(item, dict)
                                   else item if isinstance(item, list) else ())
        stack.extend((child, depth + 1) for child in children)
    return False
