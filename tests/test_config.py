"""The project config (validator.toml / [tool.validator]), checking a project in one command,
folders and globs, --select / --ignore, --quiet / -v, and where --prior reads from."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, KOREA_RULES, ROOT
from validator.cli import main
from validator.config import discover, load_config, plan
from validator.errors import InputError

WRONG = EXAMPLE.read_text().replace("balance,ICT,World,2020,71.0", "balance,ICT,World,2020,17.0")


# ---------------------------------------------------------------- this repository


def test_validator_check_at_the_root_checks_both_examples(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    tables = [line.split("  rules:")[0] for line in out.splitlines() if line.startswith("table: ")]
    assert tables == ["table: examples/korea-ict-2020/figures.csv",
                      "table: examples/monthly-trade-deficit/figures.csv"]
    # The monthly example against its previous release, which is not checked as a release.
    assert "revision.dropped" in out
    assert "previous-release.csv" not in out


def test_the_repository_config_names_both_datasets() -> None:
    config = load_config(ROOT / "validator.toml")
    assert [d.name for d in config.datasets] == ["korea-ict-2020", "monthly-trade-deficit"]
    assert config.datasets[1].prior == "examples/monthly-trade-deficit/previous-release.csv"
    targets = plan(config, cwd=ROOT).targets
    assert [t.table for t in targets] == ["examples/korea-ict-2020/figures.csv",
                                         "examples/monthly-trade-deficit/figures.csv"]


# ---------------------------------------------------------------- discovery


def project(root: Path, config: str, name: str = "validator.toml") -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "rules").mkdir(exist_ok=True)
    shutil.copy(KOREA_RULES, root / "rules" / "korea.yaml")
    shutil.copy(EXAMPLE, root / "data" / "good.csv")
    (root / "data" / "wrong.csv").write_text(WRONG)
    (root / name).write_text(config)
    return root


SIMPLE = """\
[[datasets]]
name = "korea"
tables = ["data/*.csv"]
rules = "rules/korea.yaml"
"""


def test_discovery_walks_up_and_prefers_validator_toml(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert discover(tmp_path / "a" / "b") is None or not str(
        discover(tmp_path / "a" / "b")).startswith(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 1\n")
    # A pyproject.toml without [tool.validator] is not a config.
    found = discover(tmp_path / "a" / "b")
    assert found is None or not str(found).startswith(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text("[tool.validator]\n" + SIMPLE.replace(
        "[[datasets]]", "[[tool.validator.datasets]]"))
    assert discover(tmp_path / "a" / "b") == tmp_path / "pyproject.toml"
    (tmp_path / "a" / "validator.toml").write_text(SIMPLE)
    assert discover(tmp_path / "a" / "b") == tmp_path / "a" / "validator.toml"
    (tmp_path / "pyproject.toml").rename(tmp_path / "a" / "pyproject.toml")
    assert discover(tmp_path / "a") == tmp_path / "a" / "validator.toml"


def test_pyproject_config_checks_from_a_subfolder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, SIMPLE.replace("[[datasets]]", "[[tool.validator.datasets]]"),
            "pyproject.toml")
    monkeypatch.chdir(tmp_path / "data")
    assert main(["check", "-q"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("good.csv: clean: ")
    assert out[-1].startswith("wrong.csv: discrepancies: 1 error")


def test_no_config_and_no_rules_is_a_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    if discover(tmp_path) is not None:
        pytest.skip("a config above the temporary folder")
    assert main(["check", str(EXAMPLE)]) == 2
    assert "no rules file and no config: give --rules RULES.yaml, or add validator.toml" in (
        capsys.readouterr().err)


@pytest.mark.parametrize(("text", "message"), [
    ("[[datasets]]\nname = 'k'\ntables = ['*.csv']\nrule = 'r.yaml'\n",
     "datasets[0].rule: unknown key (did you mean 'rules'?) (expected one of: name, tables, "
     "exclude, baseline, rules, prior, fail-on, formats, select, ignore)"),
    ("[[datasets]]\ntables = ['*.csv']\nrules = 'r.yaml'\nfail-on = 'warnings'\n",
     "datasets[0].fail-on: 'warnings' is not one of: error, warning, never (did you mean "
     "'warning'?)"),
    ("[[datasets]]\ntables = ['*.csv']\nrules = 'r.yaml'\nformats = ['sarf']\n",
     "datasets[0].formats: unknown format 'sarf' (did you mean 'sarif'?)"),
    ("[[datasets]]\nrules = 'r.yaml'\n",
     "datasets[0].tables: a dataset needs 'tables': globs of its table files"),
    ("[defaults]\nrules = 'r.yaml'\n",
     "datasets: no datasets: add a [[datasets]] table with 'tables' and 'rules'"),
    ("[[datasets]]\ntables = ['*.csv']\nrules = 'r.yaml'\n[[datasets]]\ntables = ['x/*.csv']\n"
     "rules = 'r.yaml'\n",
     "datasets[1].name: 'r' names two datasets (give each its own 'name': it is the SARIF "
     "category)"),
])
def test_config_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "validator.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert caught.value.messages == (f"{path}: {message}",)


def test_a_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "validator.toml"
    path.write_text("[[datasets]]\ntables = = ['*.csv']\n")
    with pytest.raises(InputError) as caught:
        load_config(path)
    (message,) = caught.value.messages
    assert message.startswith(f"{path}:2:10: not valid TOML: ")


# ---------------------------------------------------------------- which tables


def test_folders_globs_and_files_as_arguments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, SIMPLE)
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-q", "data"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["check", "-q", "data/g*.csv"]) == 0
    assert capsys.readouterr().out.startswith("data/good.csv: clean")
    # A file no dataset covers is named and skipped; a file that does not exist is an error.
    assert main(["check", "-q", "notes.csv", "data/good.csv"]) == 0
    captured = capsys.readouterr()
    assert "notes.csv: in no dataset of" in captured.err
    assert main(["check", "-q", "data/missing.csv"]) == 2
    assert "data/missing.csv: no such file" in capsys.readouterr().err


def test_a_prior_and_exclude_are_not_checked_as_releases(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, SIMPLE.replace('rules = "rules/korea.yaml"',
                                     'rules = "rules/korea.yaml"\nprior = "data/good.csv"'))
    config = load_config(tmp_path / "validator.toml")
    assert [t.table for t in plan(config, cwd=tmp_path).targets] == ["data/wrong.csv"]
    text = (tmp_path / "validator.toml").read_text()
    (tmp_path / "validator.toml").write_text('exclude = ["data/w*.csv"]\n' + text)
    config = load_config(tmp_path / "validator.toml")
    assert plan(config, cwd=tmp_path).targets == []
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert "dataset 'korea': no table matches data/*.csv" in capsys.readouterr().err
    (tmp_path / "validator.toml").write_text('allow-empty = true\nexclude = ["data/w*.csv"]\n'
                                             + text)
    assert main(["check"]) == 0


def test_reports_folder_gets_one_sarif_per_dataset(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, SIMPLE)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-q", "--reports", "out"]) == 1
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["korea--data__good.csv.html", "korea--data__wrong.csv.html", "korea.md",
                     "korea.sarif"]
    log = json.loads((tmp_path / "out" / "korea.sarif").read_text())
    (run,) = log["runs"]
    assert run["automationDetails"]["id"] == "validator/korea/"
    assert [a["location"]["uri"] for a in run["artifacts"]] == ["data/good.csv", "data/wrong.csv"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]} == {"data/wrong.csv"}


# ---------------------------------------------------------------- --select / --ignore / -q / -v


def test_select_and_ignore_rule_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, SIMPLE)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "data/wrong.csv", "--ignore", "balance"]) == 0
    out = capsys.readouterr().out
    assert "[balance]" not in out and "  balance " not in out
    assert main(["check", "data/wrong.csv", "--select", "input,balance"]) == 1
    rules = [line.split()[0] for line in capsys.readouterr().out.splitlines()
             if line.startswith("  ") and "checked" in line]
    assert rules == ["input.missing-code", "input.unknown-code", "input.malformed-number",
                     "input.unknown-unit", "input.duplicate", "balance"]
    assert main(["check", "data/wrong.csv", "--select", "balanse"]) == 2
    assert "--select/--ignore: no rule has the id 'balanse' (did you mean 'balance'?)" in (
        capsys.readouterr().err)


def test_select_in_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, "[defaults]\nignore = ['balance']\n" + SIMPLE)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-q"]) == 0
    capsys.readouterr()


def test_quiet_and_verbose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, SIMPLE)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-v"]) == 1
    err = capsys.readouterr().err
    assert f"validator: config {tmp_path / 'validator.toml'}" in err
    assert "validator: checking data/wrong.csv against rules/korea.yaml (dataset korea)" in err
    assert main(["check", "-q", "-v"]) == 2
    capsys.readouterr()


def test_with_rules_folders_and_globs_expand(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, SIMPLE)
    assert main(["check", "-q", str(tmp_path / "data"), "--rules", str(KOREA_RULES)]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["check", "-q", str(tmp_path / "data" / "g*.csv"), "--rules",
                 str(KOREA_RULES)]) == 0
    assert main(["check", "-q", str(tmp_path / "nothing*.csv"), "--rules",
                 str(KOREA_RULES)]) == 2
    assert "no file matches this pattern" in capsys.readouterr().err


# ---------------------------------------------------------------- --prior


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_prior_at_another_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.org")
    git(repo, "config", "user.name", "CI")
    table = repo / "data" / "t.csv"
    table.write_text(EXAMPLE.read_text())
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    table.write_text(EXAMPLE.read_text().replace("exports,ICT,World,2020,183.6",
                                                 "exports,ICT,World,2020,190.0"))
    git(repo, "commit", "-qam", "revised")
    monkeypatch.chdir(repo)
    assert main(["check", "data/t.csv", "--rules", str(KOREA_RULES), "--prior", "git:HEAD~1",
                 "--format", "json", "--select", "revision"]) == 0  # revisions are warnings
    data = json.loads(capsys.readouterr().out)
    (revision,) = [d for d in data["discrepancies"] if d["rule"] == "revision"]
    assert "183.6" in revision["message"] and "190.0" in revision["message"]
    # From another folder, the same path at the commit still resolves.
    monkeypatch.chdir(repo / "data")
    assert main(["check", "t.csv", "--rules", str(KOREA_RULES), "--prior", "git:HEAD~1",
                 "-q", "--select", "revision"]) == 0
    capsys.readouterr()
    assert main(["check", "t.csv", "--rules", str(KOREA_RULES), "--prior", "git:nosuchrev"]) == 2
    assert "--prior git:nosuchrev: t.csv at nosuchrev: " in capsys.readouterr().err


def test_prior_from_stdin(monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    import io

    stdin = io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["check", str(EXAMPLE), "--rules", str(KOREA_RULES), "--prior", "-",
                 "--format", "json"]) == 0
    rules = [r["id"] for r in json.loads(capsys.readouterr().out)["rules"]]
    assert "revision" in rules
    assert main(["check", "-", "--rules", str(KOREA_RULES), "--prior", "-"]) == 2


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_prior_by_process_substitution() -> None:
    # `<(...)` is /dev/fd/63: no name to tell the format, so the content does.
    command = (f'"{sys.executable}" -m validator check "{EXAMPLE}" --rules "{KOREA_RULES}" '
               f'--prior <(cat "{EXAMPLE}") --format json')
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "revision" in [r["id"] for r in json.loads(done.stdout)["rules"]]


def test_baseline_with_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, SIMPLE.replace('rules = "rules/korea.yaml"',
                                     'rules = "rules/korea.yaml"\nbaseline = "accepted.json"'))
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-q"]) == 2  # the baseline file does not exist yet
    capsys.readouterr()
    assert main(["baseline", "data/wrong.csv", "--output", "accepted.json"]) == 0
    assert "baseline of 1 discrepancy" in capsys.readouterr().err
    # The dataset's baseline accepts it; good.csv has nothing to accept.
    assert main(["check", "-q"]) == 0
    assert main(["baseline", "notes.csv"]) == 2
