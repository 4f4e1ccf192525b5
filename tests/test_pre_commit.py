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


def test_the_hook_fails_on_the_bad_policy_only(tmp_path: Path) -> None:
    commit = _commit_working_tree(tmp_path / "iamlint")
    project = tmp_path / "project"
    project.mkdir()
    (project / "bad.json").write_text(BAD)
    (project / "good.json").write_text(GOOD)
    (project / "package.json").write_text('{"name": "web", "version": "1.0.0"}\n')
    config = _documented_hook_config()
    config = config.replace("https://github.com/iamlint/iamlint", str(tmp_path / "iamlint"))
    config = re.sub(r"rev: \S+", f"rev: {commit}", config)
    (project / ".pre-commit-config.yaml").write_text(config + "\n")
    _git(project, "init", "-q")
    _git(project, "add", "-A")

    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    environment.pop("PRE_COMMIT", None)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment,
        timeout=900,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"^iamlint\.+Failed$", output, re.MULTILINE), output
    assert "- exit code: 1" in output
    assert (
        'bad.json:2:14: GRM003 [warning] Version "2008-10-17" disables policy variables; '
        'use "2012-10-17"' in output
    ), output
    assert "good.json" not in output
    assert "package.json" not in output
    assert re.search(r"^Found \d+ problems? \(.*\) in 2 files checked\.$", output, re.MULTILINE)
