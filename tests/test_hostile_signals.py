"""Ctrl-C (SIGINT) and SIGTERM at any moment, start-up included: one line on stderr, exit 130
or 143, no traceback, and no partial report (the previous one stays, or the new one is whole).

Real subprocesses, signalled at delays spread over start-up (imports), reading, checking and
writing. A run may finish before its signal arrives; then it must have exited normally.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AREAS = 40_000


@pytest.fixture(scope="module")
def slow_inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A table large enough that reading and checking take a noticeable time."""
    folder = tmp_path_factory.mktemp("signals")
    rules = folder / "rules.yaml"
    codes = ", ".join(f"a{i}" for i in range(AREAS))
    rules.write_text(
        "figures: {value: value}\n"
        f"dimensions:\n  flow: [exports, imports, balance]\n  area: [{codes}]\n"
        "rules:\n  - id: balance\n    identity: balance = exports - imports\n    along: flow\n",
        encoding="utf-8")
    lines = ["flow,area,value"]
    for i in range(AREAS):
        lines += [f"exports,a{i},5.0", f"imports,a{i},3.0", f"balance,a{i},2.0"]
    table = folder / "figures.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return table, rules


DELAYS = [0.0, 0.3, 0.8, 1.4, 2.2, 3.0, 4.5]


def _wait_for_handlers(pid: int, timeout: float = 30.0) -> None:
    """Until the process catches SIGTERM (SigCgt in /proc): the tool's first act at start-up.

    Before that only the Python interpreter itself runs (its own start-up, some milliseconds),
    where a signal has Python's default effect; every delay counts from here.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return
        caught = int(next(line.split()[1] for line in status.splitlines()
                          if line.startswith("SigCgt:")), 16)
        if caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.002)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("delay", DELAYS)
def test_a_signal_at_any_moment_ends_cleanly(slow_inputs: tuple[Path, Path], tmp_path: Path,
                                             signum: int, delay: float) -> None:
    table, rules = slow_inputs
    report = tmp_path / "report.json"
    report.write_text("previous\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "validator", "check", str(table), "--rules", str(rules),
         "--format", "json", "--output", str(report), "--format", "text"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    _wait_for_handlers(process.pid)
    time.sleep(delay)
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err and "internal error" not in err, err
    if process.returncode in (0, 1):  # finished before the signal: a whole report
        assert json.loads(report.read_text())["verdict"] == "clean"
        assert out.startswith("CLEAN: ")
        return
    assert process.returncode == 128 + signum, (process.returncode, err)
    assert err.splitlines() == [f"validator: interrupted ({signal.Signals(signum).name}); "
                                "nothing written"]
    text = report.read_text()
    # Either untouched, or (when the signal came during the final rename) the whole new one.
    assert text == "previous\n" or json.loads(text)["verdict"] == "clean"
    if text == "previous\n":
        assert out == ""
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_handlers_are_in_place_before_the_heavy_imports() -> None:
    """The launcher installs them before importing the CLI (pandas, pyarrow, ...)."""
    code = ("import sys, signal, validator.__main__ as m; m.install(); "
            "print(signal.getsignal(signal.SIGTERM).__name__, 'pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["_raise", "False"], done.stderr
