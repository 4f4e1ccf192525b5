"""GitHub annotations, GitLab Code Quality, the documented JSON schema, several outputs per run."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from linter.check import Check, Report
from linter.cli import main
from linter.engine import Linter, LintOptions, RunResult
from linter.model import Severity, Span
from linter.reporters import RenderOptions, render
from linter.suppressions import Suppression
from tests.conftest import FIXTURES, ROOT

OLD_VERSION = FIXTURES / "GRM003" / "bad_2008.json"
OLD_VERSION_MESSAGE = 'Version "2008-10-17" disables policy variables; use "2012-10-17"'


class _Tricky(Check):
    """A test rule whose messages need escaping, with a multi-line and a note finding."""

    id = "TST100"
    name = "tricky"
    summary = "Test."
    severity = Severity.ERROR

    def run(self, policy, context) -> Iterator[Report]:
        yield Report(("Version",), "100% bad:\r\nreally, truly")
        yield Report((), "whole document", severity=Severity.NOTE, span=Span(1, 1, 3, 2))


def _render(format_name: str, result: RunResult, root: Path, **changes) -> str:
    options = RenderOptions(root=str(root), tool_version="0.1.0", catalog_as_of="2025-12-02")
    return render(format_name, result, options._replace(**changes))


# -- GitHub ------------------------------------------------------------------------------------


def test_github_annotations_escape_data_and_properties(tmp_path: Path) -> None:
    path = tmp_path / "odd, name: 50%.json"
    path.write_text('{"Version": "2012-10-17",\n "Statement": []\n}\n')
    result = Linter(LintOptions(), rules=[_Tricky]).lint_paths([str(path)])
    assert _render("github", result, tmp_path).splitlines() == [
        "::notice file=odd%2C name%3A 50%25.json,line=1,endLine=3,"
        "title=iamlint TST100 (tricky)::odd, name: 50%25.json:1:1: TST100 whole document",
        "::error file=odd%2C name%3A 50%25.json,line=1,col=13,endLine=1,endColumn=25,"
        "title=iamlint TST100 (tricky)::odd, name: 50%25.json:1:13: TST100 "
        "100%25 bad:%0D%0Areally, truly",
        "iamlint: 2 problems (1 error, 1 note) in 1 file checked.",
    ]


def test_github_format_for_a_real_rule_and_a_clean_run() -> None:
    result = Linter(LintOptions(select=("GRM003",))).lint_paths([str(OLD_VERSION)])
    assert _render("github", result, ROOT).splitlines() == [
        "::warning file=fixtures/GRM003/bad_2008.json,line=2,col=14,endLine=2,endColumn=26,"
        "title=iamlint GRM003 (old-version)::fixtures/GRM003/bad_2008.json:2:14: GRM003 "
        + OLD_VERSION_MESSAGE,
        "iamlint: 1 problem (1 warning) in 1 file checked.",
    ]
    good = FIXTURES / "GRM003" / "good_2012.json"
    clean = Linter(LintOptions(select=("GRM003",))).lint_paths([str(good)])
    assert _render("github", clean, ROOT) == "iamlint: no problems found (1 file checked).\n"


def test_github_says_when_annotations_will_be_dropped(tmp_path: Path) -> None:
    for number in range(12):
        (tmp_path / f"p{number:02}.json").write_text('{"Version": "2012-10-17", "Statement": []}')
    result = Linter(LintOptions(), rules=[_Tricky]).lint_paths([str(tmp_path)])
    lines = _render("github", result, tmp_path).splitlines()
    assert lines[0] == (
        "::notice title=iamlint::12 errors, 12 notes: GitHub shows only the first 10 "
        "annotations of each level per step; every finding is in this log"
    )
    assert lines[-1] == "iamlint: 24 problems (12 errors, 12 notes) in 12 files checked."
    assert len(lines) == 26


# -- GitLab ------------------------------------------------------------------------------------


def test_gitlab_code_quality_report_exactly() -> None:
    result = Linter(LintOptions(select=("GRM003",))).lint_paths([str(OLD_VERSION)])
    text = _render("gitlab", result, ROOT)
    assert not text.startswith("\ufeff")
    (issue,) = json.loads(text)
    fingerprint = issue.pop("fingerprint")
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprint)
    assert issue == {
        "description": f"GRM003: {OLD_VERSION_MESSAGE}",
        "check_name": "GRM003",
        "severity": "major",
        "location": {"path": "fixtures/GRM003/bad_2008.json", "lines": {"begin": 2, "end": 2}},
    }


def test_gitlab_fingerprints_are_unique_and_survive_reformatting(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "Action": ["", ""], "Resource": "*"}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document, indent=2))
    options = LintOptions(select=("GRM",))
    first = json.loads(_render("gitlab", Linter(options).lint_paths([str(path)]), tmp_path))
    path.write_text("\n\n" + json.dumps(document, indent="\t"))
    second = json.loads(_render("gitlab", Linter(options).lint_paths([str(path)]), tmp_path))
    fingerprints = [i["fingerprint"] for i in first]
    assert len(fingerprints) == len(set(fingerprints)) >= 2
    assert [i["fingerprint"] for i in second] == fingerprints
    assert [i["location"]["lines"]["begin"] for i in first] != [
        i["location"]["lines"]["begin"] for i in second
    ]


def test_gitlab_severities() -> None:
    from linter.reporters.gitlab import SEVERITIES

    assert SEVERITIES == {
        Severity.ERROR: "critical",
        Severity.WARNING: "major",
        Severity.NOTE: "minor",
    }


# -- JSON --------------------------------------------------------------------------------------


def _documented_blocks() -> tuple[dict, dict]:
    text = (ROOT / "docs" / "json-output.md").read_text()
    example, schema = (json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", text, re.DOTALL))
    return example, schema


def _validate_json_output(document: dict) -> None:
    _, schema = _documented_blocks()
    validator = jsonschema.Draft202012Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors[:5]


def test_the_documented_example_matches_the_documented_schema() -> None:
    example, schema = _documented_blocks()
    jsonschema.Draft202012Validator.check_schema(schema)
    _validate_json_output(example)


def test_json_output_over_every_fixture_matches_the_documented_schema() -> None:
    result = Linter(LintOptions()).lint_paths([str(FIXTURES)])
    document = json.loads(_render("json", result, ROOT))
    _validate_json_output(document)
    assert document["summary"]["findings"] == len(result.findings) == len(document["findings"])


def test_json_finding_suppressed_and_baseline_fields(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{\n  "Version": "2008-10-17",\n  "Statement": [{"Sid": "A", "Bad": 1}]\n}\n')
    suppression = Suppression("p.json", "GRM011", "ok here", sid="A", origin="x.toml")
    options = LintOptions(select=("GRM003", "GRM011"), suppressions=(suppression,))
    from linter.baseline import apply_baseline

    result = apply_baseline(Linter(options).lint_paths([str(path)]), [], "b.json", str(tmp_path))
    document = json.loads(_render("json", result, tmp_path))
    _validate_json_output(document)
    (finding,) = document["findings"]
    assert finding == {
        "path": str(path),
        "line": 2,
        "column": 14,
        "end_line": 2,
        "end_column": 26,
        "rule": "GRM003",
        "name": "old-version",
        "severity": "warning",
        "message": OLD_VERSION_MESSAGE,
        "json_path": ["Version"],
        "source": "",
        "fingerprint": finding["fingerprint"],
        "help_uri": "https://github.com/iamlint/iamlint/blob/main/docs/rules.md#grm003-old-version",
        "fix": None,
    }
    (hidden,) = document["suppressed"]
    assert (hidden["rule"], hidden["line"], hidden["json_path"]) == (
        "GRM011",
        3,
        ["Statement", 0, "Bad"],
    )
    assert hidden["suppression"] == {"source": "config", "reason": "ok here", "origin": "x.toml:1"}
    assert document["summary"] == {
        "files_checked": 1,
        "findings": 1,
        "errors": 0,
        "warnings": 1,
        "notes": 0,
        "suppressed": 1,
    }
    assert document["baseline"] == {"path": "b.json", "matched": 0, "stale": []}


# -- several outputs from one run ----------------------------------------------------------------


def test_one_run_writes_text_github_and_sarif(tmp_path: Path) -> None:
    sarif, gitlab = tmp_path / "out.sarif", tmp_path / "gl.json"
    outcome = CliRunner().invoke(
        main,
        [
            "check",
            "--no-config",
            "--select",
            "GRM003",
            "--no-source",
            "--output-file",
            f"sarif:{sarif}",
            "--output-file",
            "github:-",
            "--output-file",
            f"gitlab:{gitlab}",
            str(OLD_VERSION),
        ],
    )
    assert outcome.exit_code == 1
    lines = outcome.stdout.splitlines()
    assert lines[0] == f"{OLD_VERSION}:2:14: GRM003 [warning] {OLD_VERSION_MESSAGE}"
    assert lines[1] == "Found 1 problem (1 warning) in 1 file checked."
    assert lines[2].startswith("::warning file=")
    assert lines[3] == "iamlint: 1 problem (1 warning) in 1 file checked."
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "GRM003"
    assert json.loads(gitlab.read_text())[0]["check_name"] == "GRM003"


def test_output_file_syntax_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    for bad in ("results.sarif", "xml:out.xml", "sarif:"):
        outcome = runner.invoke(main, ["check", "--output-file", bad, str(OLD_VERSION)])
        assert outcome.exit_code == 2, bad
        assert "is not FORMAT:PATH with FORMAT one of text, json, sarif, github, gitlab" in (
            outcome.output
        )
    same = str(tmp_path / "x")
    outcome = runner.invoke(
        main, ["check", "--output-file", f"json:{same}", "--output-file", f"sarif:{same}", "."]
    )
    assert outcome.exit_code == 2
    assert "two outputs name the same file" in outcome.output
