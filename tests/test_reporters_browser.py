"""The HTML report in a real headless Chromium: what an editor would see.

Needs Debian's `chromium`; installs it with apt-get when missing (root only), else skips.
Deselect with `-m "not browser"`.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from reporter_cases import EVIL_REASON, EVIL_REGION, problem_report

from validator.reporters import Format, render

pytestmark = pytest.mark.browser

_FLAGS = [
    "--headless",
    "--no-sandbox",  # runs as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _install_chromium() -> str:
    """Install Debian's chromium; a reason to skip if that is impossible here."""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return "chromium is not installed and apt-get is not usable (not Debian, or not root)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return f"`{' '.join(cmd)}` timed out"
        if done.returncode != 0:
            return f"`{' '.join(cmd)}` failed: {done.stderr.strip()[-300:]}"
    return ""


@pytest.fixture(scope="session")
def chromium() -> str:
    found = _find_chromium()
    if found is None:
        reason = _install_chromium()
        found = _find_chromium()
        if found is None:
            pytest.skip(f"headless Chromium unavailable: {reason or 'not found after install'}")
    return found


def _run(chromium: str, tmp_path: Path, page: Path, *args: str) -> str:
    profile = tmp_path / "profile"
    # A session of its own, so that on a hang the whole browser (all its helper processes)
    # can be ended, and only it.
    proc = subprocess.Popen(
        [chromium, *_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        # An injected alert() blocks headless Chromium forever, so a hang is a finding too.
        pytest.fail("Chromium did not finish: did a script in the page open a dialog?")
    assert proc.returncode == 0, err[-2000:]
    return out


@pytest.fixture
def records() -> dict[str, Any]:
    recs = problem_report().to_records()
    # Put the warning first, so the page's own script has to sort the error to the top.
    recs["discrepancies"].reverse()
    return recs


@pytest.fixture
def page(tmp_path: Path, records: dict[str, Any]) -> Path:
    path = tmp_path / "report.html"
    path.write_text(render(Format.HTML, records), encoding="utf-8")
    return path


def test_rendered_dom_shows_the_report(
    chromium: str, tmp_path: Path, page: Path, records: dict[str, Any]
) -> None:
    dom = _run(chromium, tmp_path, page, "--dump-dom")
    summary = records["summary"]
    assert f'<strong id="count-errors">{summary["errors"]}</strong>' in dom
    assert f'<strong id="count-warnings">{summary["warnings"]}</strong>' in dom
    assert f'<strong id="count-not-evaluated">{summary["not_evaluated"]}</strong>' in dom
    for d in records["discrepancies"]:
        assert html.escape(d["message"], quote=False) in dom
    # The page's script ran to its end and sorted the error above the warning.
    assert re.search(r'<html[^>]*class="js-ready"', dom)
    order = re.findall(r'<li class="problem (\w+)"', dom)
    assert order == ["error", "warning"]


def test_user_text_is_shown_as_text_and_never_runs(
    chromium: str, tmp_path: Path, page: Path, records: dict[str, Any]
) -> None:
    dom = _run(chromium, tmp_path, page, "--dump-dom")
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is not None
    # Had the onerror payload run, it would have set the title to 'pwned'.
    # The verdict first, then the title.
    assert html.unescape(title.group(1)) == f"Discrepancies: {records['title']} - release check"
    assert html.escape(EVIL_REGION, quote=False) in dom
    assert html.escape(EVIL_REASON, quote=False) in dom
    assert "<script>alert" not in dom
    assert "<img" not in dom
    assert dom.count("<script") == 1


def test_screenshot(chromium: str, tmp_path: Path, page: Path) -> None:
    png = tmp_path / "report.png"
    _run(chromium, tmp_path, page, f"--screenshot={png}", "--window-size=1200,1600")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    # Keep a copy to look at when asked (e.g. REPORT_SCREENSHOT=/tmp/report.png).
    if target := os.environ.get("REPORT_SCREENSHOT"):
        shutil.copyfile(png, target)


def test_marked_release_in_the_browser(chromium: str, tmp_path: Path) -> None:
    """The press release, marked: every number a mark, links both ways, hostile text inert."""
    from golden_cases import release_records

    records = release_records()
    page = tmp_path / "release.html"
    page.write_text(render(Format.HTML, records), encoding="utf-8")
    dom = _run(chromium, tmp_path, page, "--dump-dom")
    marks = [m for p in records["release"]["paragraphs"] for s in p["sentences"]
             for m in s["marks"]]
    statuses = re.findall(r'class="mark m-(\w+)" id="mark-\d+"', dom)
    assert statuses == [m["status"] for m in marks]
    assert "suspect" in statuses and "unplaced" in statuses
    # Every link from a mark reaches a problem card, and every card's link a mark.
    ids = set(re.findall(r'\bid="([^"]+)"', dom))
    targets = re.findall(r'<a class="mark[^>]*href="#([^"]+)"', dom)
    backs = re.findall(r'<a href="#([^"]+)" class="back"', dom)
    assert targets and backs
    assert set(targets) <= ids and set(backs) <= ids
    # Each mark is reachable by keyboard and described for a screen reader.
    for anchor in re.findall(r'class="mark m-\w+" id="(mark-\d+)"', dom):
        assert f'id="{anchor}-tip"' in dom
    # The release's markup stayed text.
    assert "<img" not in dom and dom.count("<script") == 1
    assert "&lt;script&gt;alert(" in dom
    png = tmp_path / "release.png"
    _run(chromium, tmp_path, page, f"--screenshot={png}", "--window-size=1200,1200")
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000
