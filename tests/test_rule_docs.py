"""docs/rules.md is generated from the registry and must be up to date."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from checks import ALL_CHECKS
from linter.cli import main
from linter.rule_docs import REGENERATE_COMMAND, anchor, help_uri, render_rules_markdown
from tests.conftest import ROOT

RULES_PAGE = ROOT / "docs" / "rules.md"


def test_the_committed_rules_page_is_up_to_date() -> None:
    expected = render_rules_markdown(ALL_CHECKS)
    assert RULES_PAGE.read_text(encoding="utf-8") == expected, (
        f"docs/rules.md is out of date: run `{REGENERATE_COMMAND}`"
    )


def test_every_rule_has_a_section_with_a_unique_anchor() -> None:
    text = render_rules_markdown(ALL_CHECKS)
    anchors = [anchor(rule) for rule in ALL_CHECKS]
    assert len(anchors) == len(set(anchors))
    for rule in ALL_CHECKS:
        assert f"\n## {rule.id} {rule.name}\n\n{rule.summary}\n" in text
        assert f"| [{rule.id}](#{anchor(rule)}) |" in text
        for heading in rule.doc_sections():
            assert f"### {heading}" in text
        assert help_uri(rule).endswith(f"docs/rules.md#{anchor(rule)}")


def test_the_command_prints_and_writes_the_page(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["rules", "--format", "markdown"])
    assert printed.exit_code == 0
    assert printed.output == render_rules_markdown(ALL_CHECKS)
    target = tmp_path / "rules.md"
    written = runner.invoke(main, ["rules", "--format", "markdown", "--output", str(target)])
    assert (written.exit_code, written.output) == (0, "")
    assert target.read_text(encoding="utf-8") == printed.output
