"""README's two commands stay the ones CI runs and users copy."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Try it", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)


def test_readme_has_exactly_two_commands_install_and_test() -> None:
    install, test = _readme_commands()
    assert "iamlint check examples/" in install
    assert ".[test]" in test and "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, test = _readme_commands()
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()
