"""The CI details of issue 14: report paths from the repository root, SARIF severities, tags,
limits and provenance, colour, ``--stdin-filename``, ``--statistics``, ``.gitignore``, duplicate
paths, ``catalog update`` and the GitHub Action."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter import vcs
from linter.check import Check, Report
from linter.cli import main
from linter.engine import Linter, LintOptions
from linter.model import Severity
from linter.reporters import RenderOptions, render
from linter.reporters.sarif import SarifLimitError, is_security_rule
from tests.conftest import FIXTURES

COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER_COMMIT = "89abcdef0123456789abcdef0123456789abcdef"
OLD_VERSION = '{\n  "Version": "2008-10-17",\n  "Statement": []\n}\n'
GRM003_MESSAGE = 'Version "2008-10-17" disables policy variables; use "2012-10-17"'


def _git_repository(root: Path, remote: str | None = None) -> Path:
    """A work tree whose ``.git`` is written by hand: HEAD on ``main``, a loose ref, a config."""
    git = root / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text(COMMIT + "\n")
    config = "[core]\n\tbare = false\n"
    if remote is not None:
        config += '[remote "upstream"]\n\turl = https://example.com/other.git\n'
        config += (
            f'[remote "origin"]\n\turl = {remote}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n'
        )
    (git / "config").write_text(config)
    return root


def _run(args: list[str], cwd: Path, **kwargs) -> object:
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, **kwargs)
    finally:
        os.chdir(previous)


# -- 1. paths from the repository root -----------------------------------------------------------


def test_ci_paths_are_relative_to_the_repository_root_from_a_subdirectory(tmp_path: Path) -> None:
    repo = _git_repository(
        tmp_path / "repo", remote="https://ci-bot:s3cret@github.com/acme/policies.git"
    )
    policies = repo / "infra" / "policies"
    policies.mkdir(parents=True)
    (policies / "old.json").write_text(OLD_VERSION)
    outcome = _run(
        [
            "check",
            "--no-config",
            "--select",
            "GRM003",
            "--format",
            "github",
            "--output-file",
            "sarif:out.sarif",
            "--output-file",
            "gitlab:gl.json",
            "old.json",
        ],
        policies,
    )
    assert outcome.exit_code == 1, outcome.output
    annotation = outcome.output.splitlines()[0]
    assert annotation == (
        "::warning file=infra/policies/old.json,line=2,col=14,endLine=2,endColumn=26,"
        "title=iamlint GRM003 (old-version)::infra/policies/old.json:2:14: GRM003 " + GRM003_MESSAGE
    )
    (issue,) = json.loads((policies / "gl.json").read_text())
    assert issue["location"] == {"path": "infra/policies/old.json", "lines": {"begin": 2, "end": 2}}

    run = json.loads((policies / "out.sarif").read_text())["runs"][0]
    (result,) = run["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "infra/policies/old.json",
        "uriBaseId": "%SRCROOT%",
    }
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.as_uri() + "/"}}
    assert run["invocations"][0]["workingDirectory"] == {"uri": policies.as_uri() + "/"}
    assert run["versionControlProvenance"] == [
        {
            "repositoryUri": "https://github.com/acme/policies.git",  # no credentials
            "revisionId": COMMIT,
            "branch": "main",
            "mappedTo": {"uriBaseId": "%SRCROOT%"},
        }
    ]


def test_without_git_the_configuration_directory_is_the_root(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / ".iamlint.toml").write_text('select = ["GRM003"]\n')
    (project / "sub" / "old.json").write_text(OLD_VERSION)
    if vcs.find_repository_root(str(project)) is not None:
        pytest.skip("the temporary directory is inside a git work tree")
    outcome = _run(["check", "--format", "gitlab", "old.json"], project / "sub")
    assert outcome.exit_code == 1, outcome.output
    (issue,) = json.loads(outcome.output)
    assert issue["location"]["path"] == "sub/old.json"
    assert vcs.report_root(str(project / "sub")) == str(project / "sub")  # no config: cwd


def test_a_worktree_git_file_with_packed_refs_and_a_scp_like_remote(tmp_path: Path) -> None:
    common = tmp_path / "main.git"
    (common / "worktrees" / "feature").mkdir(parents=True)
    (common / "config").write_text(
        '[remote "origin"]\n  url = "git@github.com:acme/policies.git"\n'
    )
    (common / "packed-refs").write_text(
        "# pack-refs with: peeled fully-peeled sorted\n"
        f"{OTHER_COMMIT} refs/heads/feature/x\n^{COMMIT}\n"
    )
    worktree_git = common / "worktrees" / "feature"
    (worktree_git / "HEAD").write_text("ref: refs/heads/feature/x\n")
    (worktree_git / "commondir").write_text("../..\n")
    work = tmp_path / "work"
    (work / "deep" / "er").mkdir(parents=True)
    (work / ".git").write_text(f"gitdir: {worktree_git}\n")

    assert vcs.find_repository_root(str(work / "deep" / "er")) == str(work)
    assert vcs.provenance(str(work)) == vcs.Provenance(
        "ssh://github.com/acme/policies.git", OTHER_COMMIT, "feature/x"
    )


def test_a_detached_head_and_no_remote(tmp_path: Path) -> None:
    repo = _git_repository(tmp_path)
    (repo / ".git" / "HEAD").write_text(OTHER_COMMIT + "\n")
    assert vcs.provenance(str(repo)) == vcs.Provenance(repo.as_uri(), OTHER_COMMIT, None)


def test_remote_url_parsing() -> None:
    config = (
        '[remote "origin"] # comment\n\turl = https://h.example/a.git ; trailing\n'
        '[remote "origin2"]\n\turl = nope\n'
    )
    assert vcs.remote_url(config, "origin") == "https://h.example/a.git"
    assert vcs.remote_url(config, "missing") is None


# -- 1. SARIF severities, tags, limit ------------------------------------------------------------


class _Escalating(Check):
    """A test security rule whose findings carry their own level."""

    id = "TST901"
    name = "escalating"
    summary = "Reports at three levels."
    severity = Severity.ERROR
    tags = ("security", "least-privilege")

    def run(self, policy, context) -> Iterator[Report]:
        yield Report(("Statement",), "a note", severity=Severity.NOTE)
        yield Report(("Version",), "an error")


def test_security_severity_comes_from_each_results_level(tmp_path: Path) -> None:
    policy = tmp_path / "p.json"
    policy.write_text(OLD_VERSION)
    result = Linter(LintOptions(), rules=[_Escalating]).lint_paths([str(policy)])
    log = json.loads(render("sarif", result, RenderOptions(root=str(tmp_path))))
    run = log["runs"][0]
    (rule,) = run["tool"]["driver"]["rules"]
    assert rule["properties"]["tags"] == ["security", "least-privilege"]
    assert rule["properties"]["security-severity"] == "8.0"
    levels = {
        r["message"]["text"]: (r["level"], r["properties"]["security-severity"])
        for r in run["results"]
    }
    assert levels == {"a note": ("note", "2.0"), "an error": ("error", "8.0")}


def test_only_security_rules_are_tagged_security() -> None:
    from checks import ALL_CHECKS

    by_id = {rule.id: rule for rule in ALL_CHECKS}
    for rule_id in ("JSON001", "GRM003", "SUP001", "INT001", "IO001"):
        assert not is_security_rule(rule_id, by_id[rule_id].tags), rule_id
    for rule_id in ("LPR001", "PRI001", "TRU001", "CND001"):
        assert is_security_rule(rule_id, by_id[rule_id].tags), rule_id
    assert not is_security_rule("TPL001")
    assert not is_security_rule("ACT999", ("style", "actions"))
    assert is_security_rule("GRM999", ("security",))  # the tag wins over the family

    result = Linter(LintOptions()).lint_paths([str(FIXTURES)])
    log = json.loads(render("sarif", result, RenderOptions(root=str(FIXTURES))))
    tagged = {
        r["id"]
        for r in log["runs"][0]["tool"]["driver"]["rules"]
        if "security" in r["properties"]["tags"]
    }
    assert tagged and not any(r.startswith(("JSON", "GRM", "SUP", "INT", "IO")) for r in tagged)
    assert any(r.startswith("LPR") for r in tagged)


def test_a_sarif_report_over_the_limit_is_refused(tmp_path: Path) -> None:
    policy = tmp_path / "p.json"
    policy.write_text(OLD_VERSION)
    result = Linter(LintOptions(), rules=[_Escalating]).lint_paths([str(policy)])
    with pytest.raises(SarifLimitError, match=r"would hold 2 results; .* more than 1\."):
        render("sarif", result, RenderOptions(root=str(tmp_path), sarif_max_results=1))
    assert render("sarif", result, RenderOptions(root=str(tmp_path), sarif_max_results=2))


def test_the_cli_exits_2_on_a_sarif_report_over_the_limit(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(OLD_VERSION)
    (tmp_path / "b.json").write_text(OLD_VERSION)
    args = ["check", "--no-config", "--select", "GRM003", "--format", "sarif", "."]
    refused = _run([*args, "--sarif-max-results", "1"], tmp_path)
    assert refused.exit_code == 2
    assert (
        "the SARIF report would hold 2 results; GitHub code scanning rejects a run of more "
        "than 1." in refused.output
    )
    unlimited = _run([*args, "--sarif-max-results", "0"], tmp_path)
    assert unlimited.exit_code == 1
    assert len(json.loads(unlimited.output)["runs"][0]["results"]) == 2
