"""The ready-made CI: the workflow's checking step run on this repository's own files and in a
scratch git repository, the repository's copy of the workflow, and the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import EXAMPLE, KOREA_RULES, ROOT
from validator.cli import main

USER_WORKFLOW = ROOT / "ci" / "github-actions" / "validate-release.yml"
REPO_WORKFLOW = ROOT / ".github" / "workflows" / "validate.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
STEP = "Check release tables"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="needs git and bash")


def workflow(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def steps(path: Path) -> list[dict[str, Any]]:
    return list(workflow(path)["jobs"]["validate"]["steps"])


def step(path: Path, name: str = STEP) -> dict[str, Any]:
    (found,) = [s for s in steps(path) if s.get("name") == name]
    return dict(found)


def test_the_repository_runs_the_same_script_as_users() -> None:
    assert step(REPO_WORKFLOW)["run"] == step(USER_WORKFLOW)["run"]
    repo = workflow(REPO_WORKFLOW)
    assert set(repo["env"]) == set(workflow(USER_WORKFLOW)["env"])
    assert repo["env"]["CHECK_ALL"] == "true"
    test_steps = " ".join(str(s.get("run", "")) for s in repo["jobs"]["tests"]["steps"])
    assert "pytest" in test_steps


@pytest.mark.parametrize("path", [USER_WORKFLOW, REPO_WORKFLOW])
def test_the_workflow_uploads_sarif_to_code_scanning(path: Path) -> None:
    job = workflow(path)["jobs"]["validate"]
    assert job["permissions"]["security-events"] == "write"
    (upload,) = [s for s in job["steps"] if "upload-sarif" in str(s.get("uses", ""))]
    assert upload["with"]["sarif_file"] == "${{ env.REPORTS_DIR }}"
    # One validator call: the config says what to check.
    assert step(path)["run"].count("validator check") == 1


def test_the_user_workflow_pins_no_tag_that_does_not_exist() -> None:
    package = workflow(USER_WORKFLOW)["env"]["VALIDATOR_PACKAGE"]
    assert "@v0.1.0" not in package and "@COMMIT" in package


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


def run_step(cwd: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
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
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        **env,
    }
    return subprocess.run(["bash", "-c", step(USER_WORKFLOW)["run"]], cwd=cwd, env=full_env,
                          capture_output=True, text=True, check=False)


def sarif_files(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text()) for p in sorted(folder.glob("*.sarif"))}


def test_the_workflow_checks_this_repositorys_examples_green(tmp_path: Path) -> None:
    env = {k: str(v) for k, v in workflow(REPO_WORKFLOW)["env"].items()}
    reports = tmp_path / "reports"
    result = run_step(ROOT, tmp_path, **{**env, "REPORTS_DIR": str(reports)})
    assert result.returncode == 0, result.stdout + result.stderr
    notices = re.findall(r"^::notice title=validator::(.*)$", result.stdout, re.M)
    assert len(notices) == 2 and all(n.startswith("clean: ") for n in notices)
    assert "::error" not in result.stdout and "::warning" not in result.stdout
    assert "previous-release.csv" not in result.stdout
    logs = sarif_files(reports)
    assert sorted(logs) == ["korea-ict-2020.sarif", "monthly-trade-deficit.sarif"]
    for name, log in logs.items():
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
        (run,) = log["runs"]
        assert run["automationDetails"]["id"] == f"validator/{name.removesuffix('.sarif')}/"
    monthly = logs["monthly-trade-deficit.sarif"]["runs"][0]
    # Checked against its previous release: the revision rules ran.
    assert "revision" in [r["id"] for r in monthly["tool"]["driver"]["rules"]]
    summary = (tmp_path / "summary.md").read_text()
    assert "korea-ict-2020/figures.csv" in summary
    assert "monthly-trade-deficit/figures.csv" in summary


CONFIG = """\
[[datasets]]
name = "a"
tables = ["data/a/*.csv"]
rules = "rules/korea.yaml"

[[datasets]]
name = "b"
tables = ["data/b/*.csv"]
rules = "rules/korea.yaml"
"""


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A repository with a clean table committed, then a commit adding a wrong one."""
    repo = tmp_path / "repo"
    (repo / "data" / "a").mkdir(parents=True)
    (repo / "rules").mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.org")
    git(repo, "config", "user.name", "CI")
    shutil.copy(EXAMPLE, repo / "data" / "a" / "figures.csv")
    shutil.copy(KOREA_RULES, repo / "rules" / "korea.yaml")
    (repo / "validator.toml").write_text(CONFIG)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "data" / "b").mkdir()
    (repo / "data" / "b" / "t 1.csv").write_text(
        EXAMPLE.read_text().replace("balance,ICT,World,2020,71.0", "balance,ICT,World,2020,17.0"))
    (repo / "notes.txt").write_text("not a table\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")
    return repo


def test_workflow_checks_changed_tables_only(scratch: Path, tmp_path: Path) -> None:
    result = run_step(scratch, tmp_path, BASE_SHA=git(scratch, "rev-parse", "HEAD~1"))
    out = result.stdout
    assert result.returncode == 1, result.stderr
    assert re.search(r"::error file=data/b/t 1\.csv,line=\d+,title=balance::", out)
    assert "data/a/figures.csv" not in out  # unchanged
    assert out.count("::notice title=validator::") == 1
    assert sorted(sarif_files(scratch / "validator-reports")) == ["b.sarif"]
    log = sarif_files(scratch / "validator-reports")["b.sarif"]
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    (run,) = log["runs"]
    assert run["automationDetails"]["id"] == "validator/b/"
    assert run["tool"]["driver"]["version"]
    assert run["results"] and all(r["partialFingerprints"] for r in run["results"])


def test_a_changed_rules_file_rechecks_its_tables(scratch: Path, tmp_path: Path) -> None:
    base = git(scratch, "rev-parse", "HEAD")
    rules = scratch / "rules" / "korea.yaml"
    rules.write_text(rules.read_text() + "\n")
    result = run_step(scratch, tmp_path, BASE_SHA=base)
    assert result.stdout.count("::notice title=validator::") == 2, result.stdout + result.stderr


def test_workflow_without_a_base_checks_everything(scratch: Path, tmp_path: Path) -> None:
    result = run_step(scratch, tmp_path, BASE_SHA="0" * 40)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("::notice title=validator::") == 2


def test_workflow_with_nothing_changed_exits_0(scratch: Path, tmp_path: Path) -> None:
    result = run_step(scratch, tmp_path, BASE_SHA=git(scratch, "rev-parse", "HEAD"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing to check" in result.stderr
    assert "::notice title=validator::no table to check" in result.stdout


def test_bad_input_is_an_annotation_too(scratch: Path, tmp_path: Path) -> None:
    rules = scratch / "rules" / "korea.yaml"
    rules.write_text(rules.read_text().replace("identity:", "identiy:", 1))
    result = run_step(scratch, tmp_path, CHECK_ALL="true")
    assert result.returncode == 2
    annotation = re.search(r"^::error file=rules/korea\.yaml,line=(\d+),col=(\d+),"
                           r"title=validator%3A input not usable::(.*)$", result.stdout, re.M)
    assert annotation, result.stdout
    assert "did you mean 'identity'" in annotation[3]
    assert "rules/korea.yaml" in result.stderr  # and in the log


def test_a_broken_config_is_an_annotation(scratch: Path, tmp_path: Path) -> None:
    (scratch / "validator.toml").write_text(CONFIG.replace("rules =", "rule =", 1))
    result = run_step(scratch, tmp_path, CHECK_ALL="true")
    assert result.returncode == 2
    assert "::error file=" in result.stdout and "did you mean 'rules'" in result.stdout


def test_pre_commit_hook_runs_validator_check_on_the_staged_tables(
        scratch: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert hook["id"] == "validate-release"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("data/figures.csv") and files.search("q3.parquet")
    assert not files.search("rules.yaml") and not files.search("README.md")
    # pre-commit runs: entry + args + filenames, in the repository's root.
    command = [*hook["entry"].split(), *hook["args"]]
    assert command[:2] == ["validator", "check"]
    monkeypatch.chdir(scratch)
    assert main([*command[1:], "data/a/figures.csv", "data/b/t 1.csv"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[-1].startswith("data/b/t 1.csv: discrepancies: 1 error")
    assert lines[0].startswith("data/a/figures.csv: clean: ")
    assert re.match(r"data/b/t 1\.csv:\d+: error \[balance\] ", lines[1])
    assert len(lines) == 3  # quiet: no flood
    assert main([*command[1:], "data/a/figures.csv"]) == 0


def test_no_config_is_an_annotation(tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    git(bare, "init", "-q")
    result = run_step(bare, tmp_path, CHECK_ALL="true")
    assert result.returncode == 2
    assert re.search(r"^::error title=validator%3A input not usable::no rules file and no "
                     r"config", result.stdout, re.M), result.stdout
