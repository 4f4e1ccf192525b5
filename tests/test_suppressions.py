"""Suppressions from configuration: by path, rule and Sid; SUP001 for the ones that hide nothing."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from click.testing import CliRunner

from linter.cli import main
from linter.engine import Linter, LintOptions
from linter.suppressions import Suppression, statement_sid

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Legacy", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Old": 1},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Other": 2},
    ],
}
CONFIG = """
[project]
name = "policies"

[tool.iamlint]
select = ["GRM011", "GRM003"]

[[tool.iamlint.suppress]]
path = "policies/*.json"
rule = "unknown-element"
sid = "Legacy"
reason = "kept for the old client"

[[tool.iamlint.suppress]]
path = "policies/*.json"
rule = "GRM003"
reason = "no longer needed"
"""


def _project(tmp_path: Path, config: str = CONFIG) -> Path:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "app.json").write_text(json.dumps(POLICY, indent=2) + "\n")
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(config).lstrip())
    return tmp_path


def _run(cwd: Path, *args: str):
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(previous)


def test_a_sid_suppression_hides_only_that_statement_and_an_unused_one_is_sup001(
    tmp_path: Path,
) -> None:
    _project(tmp_path)
    outcome = _run(tmp_path, "check", "-q", "policies")
    assert outcome.exit_code == 1
    assert outcome.output.splitlines() == [
        'policies/app.json:15:7: GRM011 [error] "Other" is not a statement element',
        'pyproject.toml:13:1: SUP001 [warning] unused suppression: rule "GRM003" in '
        '"policies/*.json" matched no finding in the 1 file checked; remove it',
    ]


def test_suppressed_findings_are_listed_in_json_with_their_reason(tmp_path: Path) -> None:
    _project(tmp_path)
    outcome = _run(tmp_path, "check", "--format", "json", "--ignore", "SUP001", "policies")
    document = json.loads(outcome.output)
    assert [(f["rule"], f["line"]) for f in document["findings"]] == [("GRM011", 15)]
    (hidden,) = document["suppressed"]
    assert (hidden["rule"], hidden["line"], hidden["column"]) == ("GRM011", 9, 7)
    assert hidden["suppression"] == {
        "source": "config",
        "reason": "kept for the old client",
        "origin": "pyproject.toml:7",
    }
    assert outcome.exit_code == 1


def test_the_sup001_finding_in_every_format(tmp_path: Path) -> None:
    _project(tmp_path)
    github = _run(tmp_path, "check", "--format", "github", "--select", "GRM003", "policies")
    assert github.output.splitlines()[0] == (
        "::warning file=pyproject.toml,line=13,col=1,endLine=13,endColumn=26,"
        "title=iamlint SUP001 (unused-suppression)::pyproject.toml:13:1: SUP001 unused "
        'suppression: rule "GRM003" in "policies/*.json" matched no finding in the 1 file '
        "checked; remove it"
    )
    sarif = json.loads(_run(tmp_path, "check", "--format", "sarif", "policies").output)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "SUP001"]
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "pyproject.toml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 13, "startColumn": 1, "endLine": 13, "endColumn": 26},
    }


def test_entries_out_of_scope_of_the_run_are_not_judged(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "other.json").write_text(json.dumps(POLICY))
    partial = _run(tmp_path, "check", "-q", "other.json")  # like pre-commit on one changed file
    assert "SUP001" not in partial.output
    grm011_only = _run(tmp_path, "check", "-q", "--select", "GRM011", "policies")
    assert "SUP001" not in grm011_only.output
    silenced = _run(tmp_path, "check", "-q", "--ignore", "SUP001", "policies")
    assert "SUP001" not in silenced.output


def test_a_finding_hidden_by_every_matching_entry_counts_once(tmp_path: Path) -> None:
    duplicate = CONFIG.replace(
        'rule = "GRM003"\nreason = "no longer needed"', 'rule = "GRM011"\nreason = "all"'
    )
    _project(tmp_path, duplicate)
    outcome = _run(tmp_path, "check", "-q", "policies")
    # The second entry (rule GRM011, any statement) hides the finding in the unnamed statement.
    assert outcome.output == ""
    assert outcome.exit_code == 0


def test_an_inline_array_entry_is_reported_at_1_1(tmp_path: Path) -> None:
    inline = """
    [tool.iamlint]
    suppress = [{path = "policies/*.json", rule = "GRM003", reason = "x"}]
    """
    _project(tmp_path, inline)
    outcome = _run(tmp_path, "check", "-q", "--select", "GRM003", "policies")
    assert outcome.output.startswith("pyproject.toml:1:1: SUP001 [warning] unused suppression")


def test_suppressions_see_the_sid_inside_aws_cli_wrappers(tmp_path: Path) -> None:
    wrapped = tmp_path / "role-policy.json"
    wrapped.write_text(json.dumps({"RoleName": "r", "PolicyName": "p", "PolicyDocument": POLICY}))
    entry = Suppression("role-policy.json", "GRM011", "ok", sid="Legacy")
    result = Linter(LintOptions(select=("GRM011",), suppressions=(entry,))).lint_paths(
        [str(wrapped)]
    )
    assert [f.json_path for f in result.findings] == [("Statement", 1, "Other")]
    (hidden,) = result.files[0].suppressed
    assert hidden.finding.json_path == ("Statement", 0, "Old")
    assert hidden.suppression == entry


def test_per_file_ignores_accept_rule_names_and_tags(tmp_path: Path) -> None:
    config = """
    [tool.iamlint]
    select = ["GRM011", "GRM003"]
    per-file-ignores = {"policies/app.json" = ["unknown-element"]}
    """
    _project(tmp_path, config)
    outcome = _run(tmp_path, "check", "-q", "policies")
    assert (outcome.exit_code, outcome.output) == (0, "")


def test_statement_sid() -> None:
    assert statement_sid(POLICY, ("Statement", 0, "Old")) == "Legacy"
    assert statement_sid(POLICY, ("Statement", 1)) is None
    assert statement_sid({"Statement": {"Sid": "One"}}, ("Statement", "Action")) == "One"
    assert statement_sid(POLICY, ("Version",)) is None
    assert statement_sid(None, ()) is None


def test_a_glob_entry_is_not_judged_on_part_of_its_files(tmp_path: Path) -> None:
    """pre-commit passes the changed files: an entry whose other files were not checked may
    still hide something there; on the whole project it is judged."""
    _project(tmp_path)
    policies = tmp_path / "policies"
    [first] = sorted(policies.glob("*.json"))
    (policies / "another.json").write_text(json.dumps(POLICY))
    partial = _run(tmp_path, "check", "-q", "--select", "GRM003", str(first.relative_to(tmp_path)))
    assert "SUP001" not in partial.output
    whole = _run(tmp_path, "check", "-q", "--select", "GRM003", "policies")
    assert "SUP001" in whole.output
