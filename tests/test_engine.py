"""The engine: rule crashes, unreadable files, non-policies, AWS CLI wrappers, type detection."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator

import pytest

from linter.check import Check, Report
from linter.engine import Linter, LintOptions
from linter.model import PolicyType, Severity, Span
from tests.conftest import as_rows, lint, policy

_DOC = "\n".join(
    f"## {h}\nx"
    for h in ("What it does", "Why is this bad?", "Example", "Use instead", "References")
)
GOOD = policy(
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
)


class _Exploding(Check):
    __doc__ = _DOC

    id = "TST001"
    name = "exploding"
    summary = "Raises."
    severity = Severity.ERROR

    def run(self, policy, context) -> Iterator[Report]:
        yield Report(("Version",), "before the crash")
        raise KeyError("boom")


class _ReportsVersion(Check):
    __doc__ = _DOC

    id = "TST002"
    name = "reports-version"
    summary = "Reports Version."
    severity = Severity.NOTE

    def run(self, policy, context) -> Iterator[Report]:
        yield Report(("Version",), "the version")
        yield Report(("Version",), "the version key", key=True)


def test_a_crashing_rule_becomes_an_internal_error_and_the_others_still_run() -> None:
    result = Linter(LintOptions(), rules=[_Exploding, _ReportsVersion]).lint_text(GOOD, "p.json")
    ids = [f.rule_id for f in result.findings]
    assert ids == ["INT001", "TST002", "TST002"]
    crash = result.findings[0]
    assert crash.span == Span(1, 1, 1, 1)
    assert crash.message.startswith("rule TST001 (exploding) crashed: KeyError: 'boom' at ")
    assert result.notifications == ["rule TST001 failed: KeyError('boom')"]


def test_paths_resolve_to_value_and_key_spans() -> None:
    result = Linter(LintOptions(), rules=[_ReportsVersion]).lint_text(GOOD, "p.json")
    assert as_rows(result.findings) == [
        ("TST002", 2, 3, 2, 12, "the version key"),
        ("TST002", 2, 14, 2, 26, "the version"),
    ]


def test_missing_files_and_broken_links_are_reported_and_the_run_goes_on(tmp_path) -> None:
    good = tmp_path / "good.json"
    good.write_text(GOOD)
    broken = tmp_path / "broken.json"
    broken.symlink_to(tmp_path / "nowhere.json")
    result = Linter(LintOptions()).lint_paths([str(tmp_path), str(tmp_path / "missing.json")])
    by_path = {f.path: f for f in result.files}
    assert by_path[str(good)].status == "linted"
    assert by_path[str(broken)].status == "unreadable"
    assert not result.execution_successful
    messages = sorted(f.message for f in result.findings if f.rule_id == "IO001")
    assert messages == [
        f"cannot read {broken}: broken symbolic link",
        f"cannot read {tmp_path / 'missing.json'}: no such file or directory",
    ]


def test_permission_denied_is_reported(tmp_path) -> None:
    locked = tmp_path / "locked.json"
    locked.write_text(GOOD)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("this user (root) can read mode-0 files")
        result = Linter(LintOptions()).lint_paths([str(locked)])
    finally:
        locked.chmod(0o644)
    assert [f.message for f in result.findings] == [f"cannot read {locked}: Permission denied"]


def test_a_directory_loop_is_reported_once(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.json").write_text(GOOD)
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    result = Linter(LintOptions()).lint_paths([str(tmp_path)])
    assert [f.status for f in result.files].count("linted") == 1
    assert [f.rule_id for f in result.findings] == ["IO001"]
    assert "symbolic link loop" in result.findings[0].message


def test_non_policy_json_is_skipped_silently(tmp_path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    (tmp_path / "tsconfig.json").write_text('{\n  // comment\n  "compilerOptions": {},\n}\n')
    (tmp_path / "broken.json").write_text('{"name": ')
    result = Linter(LintOptions()).lint_paths([str(tmp_path)])
    assert [(f.path.rsplit("/", 1)[-1], f.status) for f in result.files] == [
        ("broken.json", "not-a-policy"),
        ("package.json", "not-a-policy"),
        ("tsconfig.json", "not-a-policy"),
    ]
    assert result.findings == []


def test_a_broken_file_that_mentions_statement_is_reported(tmp_path) -> None:
    (tmp_path / "p.json").write_text('{"Statement": [}')
    result = Linter(LintOptions()).lint_paths([str(tmp_path)])
    assert [f.rule_id for f in result.findings] == ["JSON001"]


def test_file_over_the_size_limit_is_refused_with_a_finding() -> None:
    linter = Linter(LintOptions(max_file_size=100))
    result = linter.lint_bytes(GOOD.encode() + b" " * 200, "big.json")
    assert [(f.rule_id, f.span) for f in result.findings] == [("JSON008", Span(1, 1, 1, 1))]
    assert "100" in result.findings[0].message


def test_aws_cli_get_policy_version_output_is_unwrapped() -> None:
    document = {
        "PolicyVersion": {
            "Document": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]},
            "VersionId": "v1",
        }
    }
    findings = lint(json.dumps(document, indent=2), select=("GRM001", "GRM007"))
    assert as_rows(findings) == [
        (
            "GRM001",
            4,
            7,
            4,
            18,
            'the policy has no "Version": IAM applies the 2008-10-17 rules, '
            'in which policy variables are not substituted; add "Version": "2012-10-17"',
        ),
        ("GRM007", 6, 11, 6, 19, 'the statement has neither "Resource" nor "NotResource"'),
    ]
    # Paths are relative to the policy document; the wrapper is the source, not the path.
    assert findings[1].json_path == ("Statement", 0, "Effect")


def test_kms_get_key_policy_output_points_inside_the_string() -> None:
    inner = policy(
        {
            "Effect": "allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    text = json.dumps({"Policy": inner, "PolicyName": "default"})
    result = Linter(LintOptions(select=("GRM005",))).lint_text(text, "key.json")
    assert result.policy_type is PolicyType.KMS_KEY
    assert result.wrapper == "aws kms get-key-policy"
    [finding] = result.findings
    start = text.index('\\"allow\\"') + 1
    assert finding.span == Span(1, start, 1, start + len('\\"allow\\"'))


def test_get_role_output_is_a_trust_policy() -> None:
    document = {
        "Role": {
            "RoleName": "r",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
        }
    }
    result = Linter(LintOptions()).lint_text(json.dumps(document), "role.json")
    assert result.policy_type is PolicyType.TRUST
    assert [f.rule_id for f in result.findings if f.rule_id.startswith("GRM")] == []


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
            "identity",
        ),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            },
            "trust",
        ),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::1:root"},
                        "Action": "kms:*",
                        "Resource": "*",
                    }
                ]
            },
            "kms-key",
        ),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::b/*",
                    }
                ]
            },
            "resource",
        ),
    ],
)
def test_policy_type_detection(document: dict, expected: str) -> None:
    result = Linter(LintOptions()).lint_text(json.dumps(document), "p.json")
    assert result.policy_type is PolicyType(expected)


def test_policy_type_from_file_name_and_option() -> None:
    text = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    assert Linter(LintOptions()).lint_text(text, "x.scp.json").policy_type is PolicyType.SCP
    forced = LintOptions(policy_type=PolicyType.RCP)
    assert Linter(forced).lint_text(text, "x.scp.json").policy_type is PolicyType.RCP
    globbed = LintOptions(policy_type_globs=(("scps/*.json", PolicyType.SCP),))
    assert Linter(globbed).lint_text(text, "org/scps/a.json").policy_type is PolicyType.SCP


def test_findings_are_sorted_and_deterministic() -> None:
    text = '{"Statement": [{"Effect": "allow", "action": "s3:x"}, {"Sid": 1}]}'
    first = lint(text)
    assert first == lint(text)
    assert first == sorted(first, key=lambda f: f.sort_key())


def test_per_file_ignores_and_severity_overrides() -> None:
    text = (
        '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",'
        ' "Resource": "arn:aws:s3:::example-bucket/*"}]}'
    )
    options = LintOptions(
        per_file_ignores=(("legacy/*.json", ("GRM001",)),),
        severity_overrides={"GRM001": Severity.ERROR},
    )
    linter = Linter(options)
    assert [f.rule_id for f in linter.lint_text(text, "legacy/a.json").findings] == []
    [finding] = linter.lint_text(text, "new/a.json").findings
    assert finding.severity is Severity.ERROR


def test_results_are_identical_with_one_and_two_processes() -> None:
    from tests.conftest import FIXTURES

    linter = Linter(LintOptions())
    one = linter.lint_paths([str(FIXTURES)], jobs=1)
    two = linter.lint_paths([str(FIXTURES)], jobs=2)
    assert one.findings == two.findings
    assert [(f.path, f.status) for f in one.files] == [(f.path, f.status) for f in two.files]
    assert len(one.findings) > 50


@pytest.mark.parametrize(
    "path",
    [
        "x.scp.json",
        "roles/app.TRUST.json",
        "roles/app.trust.json/",
        "roles/app.trust.json/.",
        "./a/b.key.json",
        ".rcp.json",
        "..rcp.json",
        ".hidden.identity.json",
        "a..json",
        "a.trust.",
        "a.trust.json.",
        "trust.json",
        "a.b.trust.json",
        "/",
        "",
        ".",
        "-",
        "<stdin>",
        "dir.trust/file.json",
        "a.kms-key.json",
    ],
)
def test_policy_type_from_file_name_agrees_with_pathlib(path: str) -> None:
    from pathlib import PurePath

    from linter.policy_type import parse_policy_type, type_from_file_name

    suffixes = PurePath(path).suffixes
    expected = None
    if len(suffixes) >= 2:
        with contextlib.suppress(ValueError):  # not a type name
            expected = parse_policy_type(suffixes[-2].lstrip("."))
    assert type_from_file_name(path) is expected
