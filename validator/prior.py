"""Where `--prior` reads the previous release: a path, `-` (stdin) or `git:REV`.

`git:REV` is the same table at another commit (a pull request's base), read with
`git show REV:./NAME` in the table's folder, so it works from any directory of the checkout.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from validator.errors import InputError
from validator.table import FORMATS, STDIN, Table, detect_format, parse_table, read_table

GIT_PREFIX = "git:"


def read_prior(spec: str, table: str, table_format: str | None = None) -> Table:
    """The prior table `spec` names, for the release `table`."""
    if not spec.startswith(GIT_PREFIX):
        return read_table(spec, table_format)
    revision = spec[len(GIT_PREFIX):]
    if table == STDIN:
        raise InputError([f"--prior {spec}: the table is read from stdin, so it has no path "
                          "at another commit"])
    if not revision or revision.startswith("-"):
        raise InputError([f"--prior {spec}: expected git:REV, a commit, branch or tag "
                          "(git:HEAD~1, git:origin/main)"])
    git = shutil.which("git")
    if git is None:
        raise InputError([f"--prior {spec}: git is not installed"])
    path = Path(table)
    try:
        shown = subprocess.run([git, "show", f"{revision}:./{path.name}"],
                               cwd=path.parent if str(path.parent) else ".",
                               capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError([f"--prior {spec}: cannot run git: {exc}"]) from None
    if shown.returncode != 0:
        reason = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = reason[-1] if reason else f"git exited with {shown.returncode}"
        raise InputError([f"--prior {spec}: {table} at {revision}: {detail}"])
    fmt = table_format or detect_format(table)
    return parse_table(shown.stdout, f"{table}@{revision}", fmt if fmt in FORMATS else None)
