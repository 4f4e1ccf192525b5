"""Every rule's fixtures: bad files give exactly the expected findings, good files none.

Layout: ``fixtures/<RULE-ID>/bad_<case>[.<policy-type>].json`` with
``bad_<case>[.<policy-type>].expected.json`` beside it, and ``good_<case>[...].json``.
Set ``IAMLINT_UPDATE_FIXTURES=1`` to rewrite the expected files, then read the diff.
A rule that only reports with settings has an ``.iamlint.toml`` in its directory, read as the
configuration of its fixtures. A rule that compares with an earlier version (``--new-access-since``)
has a ``before/`` directory: each fixture is linted in a temporary git repository whose first
commit holds ``before/<fixture name>`` (none: the file is new) under the fixture's name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from checks import RULES_BY_ID
from linter.engine import Linter, LintOptions
from tests.conftest import FIXTURES, as_dicts

UPDATE = os.environ.get("IAMLINT_UPDATE_FIXTURES") == "1"


def _policy_files(prefix: str) -> list[Path]:
    return sorted(
        p
        for p in FIXTURES.glob(f"*/{prefix}*")
        if p.suffix in (".json", ".txt", ".yaml", ".yml", ".template", ".tf")
        and not p.name.endswith(".expected.json")
    )


def _expected_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + ".expected.json")


def _options_for(directory: Path) -> LintOptions:
    settings = directory / ".iamlint.toml"
    if not settings.is_file():
        return LintOptions()
    from linter import config

    return config.resolve(config.load_config(str(settings)), config.CommandLine())[0]


def _findings_for(path: Path) -> list[dict]:
    rule_id = path.parent.name
    if (path.parent / "before").is_dir():
        result = _lint_against_before(path)
    else:
        linter = Linter(_options_for(path.parent))
        result = linter.lint_bytes(path.read_bytes(), path.name)
    return as_dicts([f for f in result.findings if f.rule_id == rule_id])


def _lint_against_before(path: Path) -> Any:
    """Lint the fixture as the change from ``before/<name>`` committed in a new repository."""
    import shutil
    import subprocess
    import tempfile

    from linter.revisions import resolve_revision

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    with tempfile.TemporaryDirectory() as directory:
        repository = Path(directory)

        def git(*arguments: str) -> None:
            subprocess.run(["git", *arguments], cwd=repository, check=True, capture_output=True)

        git("init", "-q")
        before = path.parent / "before" / path.name
        if before.is_file():
            shutil.copyfile(before, repository / path.name)
            git("add", path.name)
        git(
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "before",
            "--allow-empty",
        )
        (repository / path.name).write_bytes(path.read_bytes())
        revision = resolve_revision("HEAD", directory)
        options = _options_for(path.parent)._replace(new_access_since=revision)
        return Linter(options).lint_bytes(path.read_bytes(), str(repository / path.name))


@pytest.mark.parametrize("path", _policy_files("bad_"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bad_fixture_gives_exactly_the_expected_findings(path: Path) -> None:
    assert path.parent.name in RULES_BY_ID, f"fixture directory for unknown rule {path.parent.name}"
    actual = _findings_for(path)
    expected_path = _expected_path(path)
    if UPDATE:
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(expected_path.read_text())
    assert actual, f"{path.name} must trigger {path.parent.name}"
    assert actual == expected


@pytest.mark.parametrize("path", _policy_files("good_"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_good_fixture_is_clean_for_its_rule(path: Path) -> None:
    assert path.parent.name in RULES_BY_ID, f"fixture directory for unknown rule {path.parent.name}"
    assert _findings_for(path) == []
