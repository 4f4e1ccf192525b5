"""Values known only at deployment (``Unknown``): never malformed, never guessed.

Policy sources from templates carry ``linter.sources.Unknown`` where a template writes an
intrinsic or an interpolation. These tests build such sources directly, so they hold for every
template format: a finding only when it holds for every value the unknown could take.
"""

from __future__ import annotations

from linter.engine import Linter, LintOptions
from linter.model import PolicyType, Span
from linter.sources import ParsedFile, PolicySource, SpanTable, Unknown


def _lint(document: dict, policy_type: PolicyType, spans: dict | None = None) -> list:
    source = PolicySource(
        document,
        SpanTable(spans or {}),
        label="Resources.Thing.Properties.PolicyDocument",
        policy_type=policy_type,
        type_reason="test",
        wrapper="cloudformation",
    )
    parsed = ParsedFile("", "cloudformation", (source,))
    result = Linter(LintOptions(select=("ALL",))).lint_parsed(parsed, "template.yaml")
    return [(f.rule_id, f.json_path) for f in result.findings]


def test_unknown_values_in_every_element_are_neither_malformed_nor_crashes() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": Unknown("!Sub ${Name}Read"),
                "Effect": "Allow",
                "Action": ["s3:GetObject", Unknown("!Ref ExtraAction")],
                "Resource": [
                    Unknown("${Bucket.Arn}/*", "arn:*:s3:::*/*", "arn"),
                    Unknown("!GetAtt Bucket.Arn", "arn:*:s3:::*", "arn"),
                ],
            },
            Unknown("!If [WithLogs, {...}, !Ref AWS::NoValue]"),
            {"Effect": Unknown("!If [C, Allow, Deny]"), "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": Unknown("!Split [',', !Ref Actions]"), "Resource": "*"},
        ],
    }
    assert _lint(document, PolicyType.IDENTITY) == []


def test_a_condition_value_known_at_deployment_still_limits_a_public_principal() -> None:
    account = Unknown("!Ref AWS::AccountId", "*", "account-id")
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sqs:SendMessage",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ],
    }
    assert _lint(document, PolicyType.RESOURCE) == []
    document["Statement"][0]["Condition"] = {"StringNotEquals": {"aws:SourceAccount": account}}
    assert ("LPR007", ("Statement", 0, "Principal", "AWS")) in _lint(document, PolicyType.RESOURCE)


def test_a_condition_block_known_only_at_deployment_silences_the_grant_rules() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "transcribe:StartTranscriptionJob",
        "Resource": "*",
    }
    document = {"Version": "2012-10-17", "Statement": [statement]}
    unconditional = _lint(document, PolicyType.IDENTITY)
    assert ("TRN001", ("Statement", 0, "Action")) in unconditional
    statement["Condition"] = Unknown("!If [Encrypted, {...}, {...}]")
    assert _lint(document, PolicyType.IDENTITY) == []


def test_unknown_principals_are_not_public_and_not_malformed() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "AWS": Unknown("!GetAtt Role.Arn", "arn:*:iam::*:role/*", "arn"),
                    "Service": [Unknown("!Sub ${Service}.amazonaws.com")],
                },
                "Action": "sts:AssumeRole",
            },
            {"Effect": "Allow", "Principal": Unknown("!Ref Who"), "Action": "sts:AssumeRole"},
        ],
    }
    assert _lint(document, PolicyType.TRUST) == []


def test_a_policy_built_at_deployment_is_one_note_at_its_value() -> None:
    spans = {(): Span(5, 23, 5, 44)}
    source = PolicySource(
        Unknown("!Ref PolicyParameter"),
        SpanTable(spans),
        label="Resources.AppPolicy.Properties.PolicyDocument",
        policy_type=PolicyType.IDENTITY,
        wrapper="cloudformation",
    )
    result = Linter(LintOptions()).lint_parsed(
        ParsedFile("", "cloudformation", (source,)), "template.yaml"
    )
    assert [(f.rule_id, f.span, f.message, f.source) for f in result.findings] == [
        (
            "TPL002",
            Span(5, 23, 5, 44),
            "the policy (Resources.AppPolicy.Properties.PolicyDocument) is !Ref PolicyParameter, "
            "known only at deployment; it could not be checked: lint the policy where it is "
            "written",
            "Resources.AppPolicy.Properties.PolicyDocument",
        )
    ]


def test_size_quota_counts_unknown_values_as_empty_and_never_crashes() -> None:
    statements = [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": Unknown("!Ref B" * 1000)}
    ]
    document = {"Version": "2012-10-17", "Statement": statements}
    found = {rule_id for rule_id, _ in _lint(document, PolicyType.IDENTITY)}
    assert not found & {"INT001", "POL004"}
