"""The ready-made CI: the workflow's table-checking script run in a scratch git repository,
the repository's copy of the workflow, and the pre-commit hook definition."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLE, KOREA_RULES, ROOT
from validator.cli import main

USER_WORKFLOW = ROOT / "ci" / "github-actions" / "validate-release.yml"
REPO_WORKFLOW = ROOT / ".github" / "workflows" / "validate.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
STEP = "Check changed tables"

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="needs git and bash")


def workflow(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def step(path: Path, name: str = STEP) -> dict[str, Any]:
    steps = workflow(path)["jobs"]["validate"]["steps"]
    (found,) = [s for s in steps if s.get("name") == name]
    return dict(found)


def test_the_repository_runs_the_same_script_as_users() -> None:
    assert step(REPO_WORKFLOW)["run"] == step(USER_WORKFLOW)["run"]
    repo = workflow(REPO_WORKFLOW)
    assert set(repo["env"]) == set(workflow(USER_WORKFLOW)["env"])
    assert repo["env"]["DATA_DIR"] == "examples"
    assert (ROOT / repo["env"]["RULES_FILE"]).is_file()
    test_steps = " ".join(str(s.get("run", "")) for s in repo["jobs"]["tests"]["steps"])
    assert "pytest" in test_steps


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A repository with a clean table committed, then a commit changing tables."""
    repo = tmp_path / "repo"
    (repo / "data" / "a").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.org")
    git(repo, "config", "user.name", "CI")
    shutil.copy(EXAMPLE, repo / "data" / "a" / "figures.csv")
    shutil.copy(KOREA_RULES, repo / "data" / "a" / "rules.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    # b: a wrong balance, with its rules next to it under the table's own name.
    (repo / "data" / "b").mkdir()
    (repo / "data" / "b" / "t 1.csv").write_text(
        EXAMPLE.read_text().replace("balance,ICT,World,2020,71.0", "balance,ICT,World,2020,17.0"))
    shutil.copy(KOREA_RULES, repo / "data" / "b" / "t 1.rules.yaml")
    # c: no rules file anywhere; notes are not a table.
    (repo / "data" / "c").mkdir()
    shutil.copy(EXAMPLE, repo / "data" / "c" / "x.csv")
    (repo / "data" / "notes.txt").write_text("not a table\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")
    return repo


def run_step(repo: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # `validator` as the installed console script would be, run from this checkout.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "validator"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m validator "$@"\n')
    shim.chmod(0o755)
    base_env = {k: str(v) for k, v in workflow(USER_WORKFLOW)["env"].items()}
    full_env = {
        **os.environ,
        **base_env,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    full_env.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(["bash", "-c", step(USER_WORKFLOW)["run"]], cwd=repo, env=full_env,
                          capture_output=True, text=True, check=False)


def test_workflow_checks_changed_tables_only(scratch: Path, tmp_path: Path) -> None:
    base = git(scratch, "rev-parse", "HEAD~1")
    result = run_step(scratch, tmp_path, BASE_SHA=base)
    out = result.stdout
    assert result.returncode == 2, result.stderr  # x.csv has no rules: the worst outcome
    assert "::error file=data/c/x.csv,title=validator::no rules file for data/c/x.csv" in out
    assert re.search(r"::error file=data/b/t 1\.csv,line=\d+,title=balance::", out)
    assert "data/a/figures.csv" not in out  # unchanged
    assert "notes.txt" not in out
    assert "::notice title=validator::1 table(s) checked" in out
    reports = sorted(p.name for p in (scratch / "validator-reports").iterdir())
    assert reports == ["data__b__t 1.csv.html", "data__b__t 1.csv.md", "data__b__t 1.csv.sarif"]


def test_workflow_check_all_uses_the_fallback_rules_and_baselines(
        scratch: Path, tmp_path: Path) -> None:
    # Accept b's discrepancy through the baseline convention DIR/NAME.baseline.json.
    table = scratch / "data" / "b" / "t 1.csv"
    baseline = scratch / "data" / "b" / "t 1.baseline.json"
    assert main(["baseline", str(table), "--rules", str(KOREA_RULES),
                 "--output", str(baseline)]) == 0
    result = run_step(scratch, tmp_path, CHECK_ALL="true", RULES_FILE=str(KOREA_RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::notice title=validator::3 table(s) checked" in result.stdout
    assert "::error" not in result.stdout


def test_workflow_without_a_base_checks_everything(scratch: Path, tmp_path: Path) -> None:
    result = run_step(scratch, tmp_path, BASE_SHA="0" * 40, RULES_FILE=str(KOREA_RULES))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "::notice title=validator::3 table(s) checked" in result.stdout


def test_pre_commit_hook_runs_validator_check_on_the_staged_tables(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert hook["id"] == "validate-release"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("data/figures.csv") and files.search("q3.parquet")
    assert not files.search("rules.yaml") and not files.search("README.md")
    # pre-commit runs: entry + args + filenames.
    command = hook["entry"].split()
    assert command[0] == "validator"
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(EXAMPLE.read_text().replace("balance,ICT,World,2020,71.0",
                                                 "balance,ICT,World,2020,17.0"))
    args = ["--rules", str(KOREA_RULES)]
    assert main([*command[1:], *args, str(EXAMPLE), str(wrong)]) == 1
    out = capsys.readouterr().out
    assert f"table: {EXAMPLE}" in out and f"table: {wrong}" in out
    assert main([*command[1:], *args, str(EXAMPLE)]) == 0
