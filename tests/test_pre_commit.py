"""The pre-commit hook, for real: pre-commit installs iamlint from a commit of this tree, runs it.

pre-commit only sees committed content, so the test copies the working tree (tracked and untracked,
not ignored files) into a temporary repository and commits it there; nothing outside the test's
temporary directory is written (``PRE_COMMIT_HOME`` points inside it too). The hook environment is
built with pip from the package indexes configured on the machine, as a user's would be; the
``.pre-commit-config.yaml`` is the one docs/ci.md shows, pointed at the temporary commit.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import ROOT

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed"
    ),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

GIT_IDENTITY = ["-c", "user.name=iamlint tests", "-c", "user.email=tests@iamlint.invalid"]
GOOD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-reports/monthly/*"
    }
  ]
}
"""
BAD = GOOD.replace("2012-10-17", "2008-10-17")


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout


def _commit_working_tree(target: Path) -> str:
    """Copy this checkout's current files to ``target``, commit them, return the commit id."""
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    target.mkdir()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "snapshot of the working tree for the pre-commit test")
    return _git(target, "rev-parse", "HEAD").strip()


def _documented_hook_config() -> str:
    text = (ROOT / "docs" / "ci.md").read_text()
    section = text.split("## pre-commit", 1)[1]
    return re.search(r"```yaml\n(.*?)\n```", section, re.DOTALL).group(1)


class Installation(NamedTuple):
    """iamlint committed in a temporary repository; the pre-commit home of its hook env."""

    repository: Path
    commit: str
    home: Path


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """One commit and one PRE_COMMIT_HOME for the module: pre-commit builds the environment once."""
    base = tmp_path_factory.mktemp("pre-commit")
    commit = _commit_working_tree(base / "iamlint")
    return Installation(base / "iamlint", commit, base / "pre-commit-home")


def _project(installation: Installation, project: Path, extra_hook_keys: str = "") -> None:
    config = _documented_hook_config()
    config = config.replace("https://github.com/iamlint/iamlint", str(installation.repository))
    config = re.sub(r"rev: \S+", f"rev: {installation.commit}", config)
    config = config.replace("      - id: iamlint\n", "      - id: iamlint\n" + extra_hook_keys)
    (project / ".pre-commit-config.yaml").write_text(config + "\n")
    _git(project, "init", "-q")
    _git(project, "add", "-A")


def _pre_commit(project: Path, installation: Installation, *arguments: str) -> tuple[int, str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(installation.home)}
    for name in ("PRE_COMMIT", "PRE_COMMIT_NO_CONCURRENCY", "TRAVIS"):
        environment.pop(name, None)
    chosen = arguments or ("--all-files",)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *chosen, "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment,
        timeout=900,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_the_hook_fails_on_the_bad_policy_only(tmp_path: Path, installation: Installation) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "bad.json").write_text(BAD)
    (project / "good.json").write_text(GOOD)
    (project / "package.json").write_text('{"name": "web", "version": "1.0.0"}\n')
    _project(installation, project)

    status, output = _pre_commit(project, installation)
    assert status == 1, output
    assert re.search(r"^iamlint\.+Failed$", output, re.MULTILINE), output
    assert "- exit code: 1" in output
    assert (
        'bad.json:2:14: GRM003 [warning] Version "2008-10-17" disables policy variables; '
        'use "2012-10-17"' in output
    ), output
    assert "good.json" not in output
    assert "package.json" not in output
    assert re.search(r"^Found \d+ problems? \(.*\) in 2 files checked\.$", output, re.MULTILINE)


POLICY_COUNT = 80  # pre-commit splits 80 names into cpu_count() batches without require_serial


def _long_project(project: Path) -> None:
    policies = project / "policies"
    policies.mkdir(parents=True)
    for index in range(POLICY_COUNT - 10):
        (policies / f"p{index:02}.json").write_text(GOOD)
    for index in range(5):
        (policies / f"bad-{index}.json").write_text(BAD)
        (policies / f"legacy-{index}.json").write_text(BAD if index == 3 else GOOD)
    (project / "package.json").write_text('{"name": "web", "version": "1.0.0"}\n')
    (project / "stack.template").write_text("AWSTemplateFormatVersion: '2010-09-09'\n")
    (project / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    (project / ".iamlint.toml").write_text(
        '[[suppress]]\npath = "policies/legacy-*.json"\nrule = "GRM003"\n'
        'reason = "legacy policies keep the 2008 version until the migration"\n'
    )


def test_the_project_hook_lints_every_policy_when_one_changes(
    tmp_path: Path, installation: Installation
) -> None:
    """``iamlint-project``: the whole repository, whatever files pre-commit passes."""
    project = tmp_path / "project"
    _long_project(project)
    _project(installation, project)
    config = project / ".pre-commit-config.yaml"
    config.write_text(config.read_text().replace("- id: iamlint\n", "- id: iamlint-project\n"))
    _git(project, "add", "-A")

    status, output = _pre_commit(project, installation, "--files", "policies/legacy-0.json")
    assert status == 1, output
    assert re.search(r"^iamlint \(whole project\)\.+Failed$", output, re.MULTILINE), output
    assert "SUP001" not in output  # legacy-3.json, whose finding it hides, was linted too
    summaries = re.findall(r"^Found \d+ problems? .*$", output, re.MULTILINE)
    # stack.template and main.tf hold no policy: skipped like package.json, not counted.
    assert summaries == [f"Found 5 problems (5 warnings) in {POLICY_COUNT} files checked."]


def test_a_long_file_list_gives_one_summary_and_no_false_sup001(
    tmp_path: Path, installation: Installation
) -> None:
    """``require_serial: true``: one process sees every file, whatever pre-commit's batching."""
    project = tmp_path / "project"
    _long_project(project)
    _project(installation, project)

    status, output = _pre_commit(project, installation)
    assert status == 1, output
    assert re.search(r"^iamlint\.+Failed$", output, re.MULTILINE), output
    findings = sorted(line for line in output.splitlines() if ": GRM003 [warning] " in line)
    assert findings == [
        f'policies/bad-{index}.json:2:14: GRM003 [warning] Version "2008-10-17" disables '
        'policy variables; use "2012-10-17"'
        for index in range(5)
    ], output
    assert "SUP001" not in output
    summaries = re.findall(r"^Found \d+ problems? .*$", output, re.MULTILINE)
    # The policies only: stack.template and main.tf hold no policy and are skipped silently.
    checked = POLICY_COUNT
    assert summaries == [f"Found 5 problems (5 warnings) in {checked} files checked."], output
    for name in ("package.json", "stack.template", "main.tf", ".pre-commit-config.yaml"):
        assert name not in output

    # What require_serial guards against: the same hook split over processes prints several
    # summaries. A batch that did not see legacy-3.json no longer reports its suppression as
    # unused: the entry's other files were not checked there.
    if (os.cpu_count() or 1) > 1:
        config = project / ".pre-commit-config.yaml"
        config.write_text(
            config.read_text().replace(
                "      - id: iamlint\n", "      - id: iamlint\n        require_serial: false\n"
            )
        )
        _, split_output = _pre_commit(project, installation)
        assert len(re.findall(r"^Found \d+ problems?", split_output, re.MULTILINE)) > 1
        assert "SUP001" not in split_output


def test_the_new_access_hook_reports_what_the_staged_change_grants(
    tmp_path: Path, installation: Installation
) -> None:
    """``iamlint-new-access``: the staged file against the same file at HEAD."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "reports.json").write_text(GOOD)
    _project(installation, project)
    config = project / ".pre-commit-config.yaml"
    config.write_text(config.read_text().replace("- id: iamlint\n", "- id: iamlint-new-access\n"))
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "reports policy")
    widened = GOOD.replace('"s3:GetObject"', '["s3:GetObject", "s3:PutObject"]')
    (project / "reports.json").write_text(widened)
    (project / "new.json").write_text(GOOD)
    _git(project, "add", "-A")

    status, output = _pre_commit(project, installation)
    assert status == 1, output
    assert re.search(r"^iamlint \(new access since HEAD\)\.+Failed$", output, re.MULTILINE)
    lines = sorted(line for line in output.splitlines() if ": LPR01" in line)
    assert lines == [
        "new.json:3:3: LPR015 [note] new policy since HEAD (the file did not exist at HEAD): "
        "all of its access is new; review it as a whole",
        "reports.json:6:34: LPR014 [warning] new access since HEAD: s3:PutObject on "
        "arn:aws:s3:::example-reports/monthly/*",
    ], output
