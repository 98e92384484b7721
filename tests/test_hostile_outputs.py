"""Inputs are never destroyed, reports are never half written.

`--output` resolving to an input (directly, through a symlink or a hard link) or named twice is
refused with exit 2 before anything is written; a report file is replaced atomically, so a
failed write (full disk, file-size limit) leaves the previous report and no temporary file.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from validator.cli import main

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules" / "korea-ict.yaml"
TABLE = ROOT / "examples" / "korea-ict-2020" / "figures.csv"
PRIOR = ROOT / "examples" / "monthly-trade-deficit" / "previous-release.csv"


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    files = {"table": tmp_path / "figures.csv", "rules": tmp_path / "rules.yaml",
             "prior": tmp_path / "prior.csv"}
    files["table"].write_bytes(TABLE.read_bytes())
    files["rules"].write_bytes(RULES.read_bytes())
    files["prior"].write_bytes(TABLE.read_bytes())
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", str(files["table"]), "--rules", str(files["rules"]),
                 "--output", str(baseline)]) == 0
    files["baseline"] = baseline
    return files


def _snapshot(files: dict[str, Path]) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in files.items()}


def _check(files: dict[str, Path], *extra: str) -> list[str]:
    return ["check", str(files["table"]), "--rules", str(files["rules"]),
            "--baseline", str(files["baseline"]), "--prior", str(files["prior"]), *extra]


LINKS: dict[str, Callable[[Path, Path], None]] = {
    "the same path": lambda target, link: None,
    "a symlink": lambda target, link: link.symlink_to(target),
    "a hard link": lambda target, link: os.link(target, link),
    "a relative detour": lambda target, link: None,
}


@pytest.mark.parametrize("victim", ["table", "rules", "baseline", "prior"])
@pytest.mark.parametrize("how", list(LINKS))
def test_an_output_onto_an_input_is_refused_before_anything_is_written(
        inputs: dict[str, Path], tmp_path: Path, victim: str, how: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(inputs)
    target = inputs[victim]
    if how == "the same path":
        output = str(target)
    elif how == "a relative detour":
        (tmp_path / "sub").mkdir()
        output = str(tmp_path / "sub" / ".." / target.name)
    else:
        link = tmp_path / f"link-{victim}"
        LINKS[how](target, link)
        output = str(link)
    other = tmp_path / "other.md"
    code = main(_check(inputs, "--format", "markdown", "--output", str(other),
                       "--format", "json", "--output", output))
    assert code == 2
    err = capsys.readouterr().err
    assert "refusing to write the report over the input" in err
    assert _snapshot(inputs) == before
    assert not other.exists()  # nothing at all was written


def test_the_same_output_twice_is_refused(inputs: dict[str, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.txt"
    link = tmp_path / "alias.txt"
    link.symlink_to(out)
    for second in (out, link):
        code = main(["check", str(inputs["table"]), "--rules", str(inputs["rules"]),
                     "--format", "json", "--output", str(out),
                     "--format", "sarif", "--output", str(second)])
        assert code == 2
        assert "named twice" in capsys.readouterr().err
        assert not out.exists()


def test_baseline_output_onto_its_table_is_refused(inputs: dict[str, Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(inputs)
    for victim in ("table", "rules"):
        code = main(["baseline", str(inputs["table"]), "--rules", str(inputs["rules"]),
                     "--output", str(inputs[victim])])
        assert code == 2
        assert "refusing to write" in capsys.readouterr().err
    assert _snapshot(inputs) == before


def test_a_failed_write_keeps_the_previous_report(inputs: dict[str, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    report, second = tmp_path / "report.json", tmp_path / "report.md"
    report.write_text("previous report\n")
    second.write_text("previous markdown\n")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    code = main(["check", str(inputs["table"]), "--rules", str(inputs["rules"]),
                 "--format", "json", "--output", str(report),
                 "--format", "markdown", "--output", str(second)])
    assert code == 2
    assert "No space left on device" in capsys.readouterr().err
    assert report.read_text() == "previous report\n"
    assert second.read_text() == "previous markdown\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["figures.csv", "rules.yaml", "prior.csv", "baseline.json", "report.json", "report.md"])


def test_a_file_size_limit_keeps_the_previous_report(inputs: dict[str, Path],
                                                     tmp_path: Path) -> None:
    """RLIMIT_FSIZE: the write fails with EFBIG (SIGXFSZ would kill the process mid-file)."""
    report = tmp_path / "report.json"
    report.write_text("previous\n")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))  # below the report's size

    done = subprocess.run(
        [sys.executable, "-m", "validator", "check", str(inputs["table"]), "--rules",
         str(inputs["rules"]), "--format", "json", "--output", str(report)],
        cwd=ROOT, capture_output=True, text=True, preexec_fn=limit, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "cannot write the report" in done.stderr and "Traceback" not in done.stderr
    assert report.read_text() == "previous\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_report_replaces_the_previous_one_whole(inputs: dict[str, Path],
                                                  tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("previous\n")
    os.chmod(report, 0o640)
    assert main(["check", str(inputs["table"]), "--rules", str(inputs["rules"]),
                 "--format", "json", "--output", str(report)]) == 0
    assert json.loads(report.read_text())["verdict"] == "clean"
    assert report.stat().st_mode & 0o777 == 0o640  # the file's permissions are kept
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
