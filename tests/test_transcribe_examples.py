"""Every AWS example policy of ../shared/docs/domain.md §4.1-4.10 (and the §6.2 self-service policy
that §4.11 lists) through ALL rules: the complete list of findings each must get (§4.11).

The policies are AWS's documentation text, verbatim where domain.md quotes them (whitespace as
quoted there); the KMS Developer Guide statements that domain.md §4.9 only describes are written
out as one key policy each. Each expectation lists every finding, with rule id, span, severity and
message, so a new rule that fires on AWS's valid examples fails here. Notes that domain.md allows
("may suggest", "optionally") are marked as such.
"""

# The AWS policies keep their documented line breaks and the messages are compared whole.
# ruff: noqa: E501

from __future__ import annotations

from typing import NamedTuple

import pytest

from linter.engine import Linter, LintOptions
from linter.model import PolicyType
from tests.aws_examples import (
    EXAMPLE_4_1,
    EXAMPLE_4_2,
    EXAMPLE_4_3,
    EXAMPLE_4_4,
    EXAMPLE_4_5,
    EXAMPLE_4_6,
    EXAMPLE_4_7,
    EXAMPLE_4_8,
    EXAMPLE_4_8_WITHOUT_CONDITION,
    EXAMPLE_4_10_INPUT,
    EXAMPLE_4_10_OUTPUT,
)


class Example(NamedTuple):
    name: str
    policy_type: PolicyType
    text: str
    expected: list[tuple]  # (id, line, column, end_line, end_column, severity, message)


EXAMPLE_4_7_STREAMING = EXAMPLE_4_7.replace(
    "transcribe.amazonaws.com", "transcribe.streaming.amazonaws.com"
)


def _key_policy(statement: str) -> str:
    return '{"Version": "2012-10-17", "Statement": [\n' + statement + "\n]}\n"


# §4.9, KMS Developer Guide statements (quoted ones verbatim, described ones written out).
EXAMPLE_4_9_EXACT_PAIR = _key_policy("""\
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::712816755609:user/alice"},
 "Action": "kms:GenerateDataKey", "Resource": "*",
 "Condition": {"StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"},
               "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["AppName"]}}}""")

EXAMPLE_4_9_ANY_CONTEXT = _key_policy("""\
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/RoleForExampleApp"},
 "Action": ["kms:Encrypt", "kms:GenerateDataKey*"], "Resource": "*",
 "Condition": {"Null": {"kms:EncryptionContextKeys": false}}}""")

EXAMPLE_4_9_PAIR = _key_policy("""\
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/RoleForExampleApp"},
 "Action": "kms:GenerateDataKey", "Resource": "*",
 "Condition": {"StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"}}}""")

EXAMPLE_4_9_FOR_ANY_VALUE = _key_policy("""\
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/RoleForExampleApp"},
 "Action": ["kms:Encrypt", "kms:GenerateDataKey*"], "Resource": "*",
 "Condition": {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "AppName"}}}""")

EXAMPLE_4_9_DENY_PAIR = _key_policy("""\
{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:role/RoleForExampleApp"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:EncryptionContext:Stage": "Restricted"}}}""")

EXAMPLE_4_9_EBS = _key_policy("""\
{"Sid": "Allow access through EBS for all principals in the account that are authorized to use EBS",
 "Effect": "Allow", "Principal": {"AWS": "*"},
 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
            "kms:CreateGrant", "kms:DescribeKey"],
 "Resource": "*",
 "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333",
                                "kms:ViaService": "ec2.us-west-2.amazonaws.com"}}}""")

EXAMPLE_4_9_VIA_SERVICES = _key_policy("""\
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
            "kms:CreateGrant", "kms:ListGrants", "kms:DescribeKey"],
 "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": ["ec2.us-west-2.amazonaws.com",
                                                    "rds.us-west-2.amazonaws.com"]}}}""")

EXAMPLE_4_9_GRANT_CONSTRAINT = _key_policy("""\
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
 "Action": "kms:CreateGrant", "Resource": "*",
 "Condition": {"StringEquals": {"kms:GrantConstraintType": "EncryptionContextEquals"}}}""")

EXAMPLE_4_9_PERSISTENT_RESOURCES = _key_policy("""\
{"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
 "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
 "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}}""")


# §6.2 "Managing access keys for IAM users": the self-rotation policy, as domain.md describes it.
EXAMPLE_6_2 = """\
{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ManageOwnAccessKeys",
            "Effect": "Allow",
            "Action": [
                "iam:CreateAccessKey",
                "iam:DeleteAccessKey",
                "iam:GetAccessKeyLastUsed",
                "iam:GetUser",
                "iam:ListAccessKeys",
                "iam:UpdateAccessKey",
                "iam:TagUser"
            ],
            "Resource": "arn:aws:iam::*:user/${aws:username}"
        }
    ]
}
"""

KEY = PolicyType.KMS_KEY
IDENTITY = PolicyType.IDENTITY
TRUST = PolicyType.TRUST

EXAMPLES = [
    Example(
        "4.1 KMS encryption context policy",
        KEY,
        EXAMPLE_4_1,
        # must: DescribeKey does not support kms:EncryptionContext:* (CND004, not a KMS rule)
        [
            (
                "CND004",
                11,
                15,
                11,
                32,
                "error",
                "kms:DescribeKey does not support kms:EncryptionContext:color: the statement never grants it; move it to a statement without this condition",
            ),
        ],
    ),
    Example(
        "4.2 S3 encryption key",
        KEY,
        EXAMPLE_4_2,
        # may: an encryption-context suggestion, as a note (domain.md §4.2)
        [
            (
                "KMS001",
                3,
                14,
                3,
                27,
                "note",
                'kms:Decrypt is allowed without an encryption-context condition; require a pair with "StringEquals": {"kms:EncryptionContext:<key>": "<value>"} or at least a context with "Null": {"kms:EncryptionContextKeys": "false"}',
            ),
        ],
    ),
    Example(
        "4.3 HealthScribe key policy",
        KEY,
        EXAMPLE_4_3,
        [],
    ),
    Example(
        "4.4 HealthScribe access role",
        IDENTITY,
        EXAMPLE_4_4,
        [],
    ),
    Example(
        "4.5 view jobs based on tags",
        IDENTITY,
        EXAMPLE_4_5,
        # must: unknown action with a did-you-mean
        [
            (
                "ACT002",
                13,
                23,
                13,
                56,
                "warning",
                'transcribe:GetTranscriptionJobs is not an action of Amazon Transcribe in the IAM catalog of 2025-12-02 (did you mean transcribe:GetTranscriptionJob?); fix the name, or refresh the catalog with "iamlint catalog update --from FILE" if the action is newer',
            ),
        ],
    ),
    Example(
        "4.6 confused deputy prevention",
        TRUST,
        EXAMPLE_4_6,
        # must: the trailing comma after sts:AssumeRole, line 10; may: the ArnLike suggestion
        [
            (
                "JSON002",
                10,
                25,
                10,
                26,
                "error",
                "trailing comma before ']'",
            ),
            (
                "CND008",
                17,
                11,
                17,
                26,
                "note",
                "aws:SourceArn is an ARN key: AWS recommends ArnLike over StringLike for ARNs",
            ),
        ],
    ),
    Example(
        "4.7 trust policy",
        TRUST,
        EXAMPLE_4_7,
        # may: the ArnLike suggestion for aws:SourceArn (domain.md §4.7)
        [
            (
                "CND008",
                5,
                32,
                5,
                47,
                "note",
                "aws:SourceArn is an ARN key: AWS recommends ArnLike over StringLike for ARNs",
            ),
        ],
    ),
    Example(
        "4.7 trust policy, streaming",
        TRUST,
        EXAMPLE_4_7_STREAMING,
        # may: the ArnLike suggestion for aws:SourceArn (domain.md §4.7)
        [
            (
                "CND008",
                5,
                32,
                5,
                47,
                "note",
                "aws:SourceArn is an ARN key: AWS recommends ArnLike over StringLike for ARNs",
            ),
        ],
    ),
    Example(
        "4.8 HealthScribe trust policy",
        TRUST,
        EXAMPLE_4_8,
        [],
    ),
    Example(
        "4.8 without its condition",
        TRUST,
        EXAMPLE_4_8_WITHOUT_CONDITION,
        # must: the confused-deputy rule (domain.md §4.8 negative variant)
        [
            (
                "TRU001",
                6,
                39,
                6,
                75,
                "warning",
                "transcribe.streaming.amazonaws.com may assume this role for any AWS account's resources (confused deputy); add aws:SourceAccount with your account ID and aws:SourceArn (ArnLike) with your resources' ARN",
            ),
        ],
    ),
    Example(
        "4.9 exact pair",
        KEY,
        EXAMPLE_4_9_EXACT_PAIR,
        # the CRD note on an IAM user principal (use a role), nothing on the conditions
        [
            (
                "CRD002",
                2,
                42,
                2,
                80,
                "note",
                "arn:aws:iam::712816755609:user/alice is an IAM user, which signs with long-term credentials; grant the access to an IAM role that the application or person assumes",
            ),
        ],
    ),
    Example(
        "4.9 any context",
        KEY,
        EXAMPLE_4_9_ANY_CONTEXT,
        [],
    ),
    Example(
        "4.9 pair",
        KEY,
        EXAMPLE_4_9_PAIR,
        [],
    ),
    Example(
        "4.9 ForAnyValue keys",
        KEY,
        EXAMPLE_4_9_FOR_ANY_VALUE,
        [],
    ),
    Example(
        "4.9 Deny one pair",
        KEY,
        EXAMPLE_4_9_DENY_PAIR,
        [],
    ),
    Example(
        "4.9 EBS",
        KEY,
        EXAMPLE_4_9_EBS,
        # may: KMS001 note; Principal * limited by kms:CallerAccount + kms:ViaService is valid
        [
            (
                "KMS001",
                4,
                13,
                4,
                26,
                "note",
                'kms:CreateGrant, kms:Decrypt, kms:Encrypt, kms:GenerateDataKey, kms:GenerateDataKeyPair and 4 more are allowed without an encryption-context condition; require a pair with "StringEquals": {"kms:EncryptionContext:<key>": "<value>"} or at least a context with "Null": {"kms:EncryptionContextKeys": "false"}',
            ),
        ],
    ),
    Example(
        "4.9 ViaService list",
        KEY,
        EXAMPLE_4_9_VIA_SERVICES,
        # may: KMS001 note; several kms:ViaService values need no set operator
        [
            (
                "KMS001",
                3,
                13,
                3,
                26,
                "note",
                'kms:CreateGrant, kms:Decrypt, kms:Encrypt, kms:GenerateDataKey, kms:GenerateDataKeyPair and 4 more are allowed without an encryption-context condition; require a pair with "StringEquals": {"kms:EncryptionContext:<key>": "<value>"} or at least a context with "Null": {"kms:EncryptionContextKeys": "false"}',
            ),
        ],
    ),
    Example(
        "4.9 grant constraint",
        KEY,
        EXAMPLE_4_9_GRANT_CONSTRAINT,
        [],
    ),
    Example(
        "4.9 persistent resources",
        KEY,
        EXAMPLE_4_9_PERSISTENT_RESOURCES,
        [],
    ),
    Example(
        "4.10 input bucket",
        IDENTITY,
        EXAMPLE_4_10_INPUT,
        [],
    ),
    Example(
        "4.10 output bucket",
        IDENTITY,
        EXAMPLE_4_10_OUTPUT,
        [],
    ),
    Example(
        "6.2 self-service access keys",
        IDENTITY,
        EXAMPLE_6_2,
        [],
    ),
]


def findings_of(example: Example) -> list[tuple]:
    """Lint with every rule; the policy type comes from content detection, as for a user's file,
    and is checked separately."""
    result = Linter(LintOptions()).lint_bytes(example.text.encode(), "example.json")
    return [
        (
            f.rule_id,
            f.span.line,
            f.span.column,
            f.span.end_line,
            f.span.end_column,
            f.severity.value,
            f.message,
        )
        for f in result.findings
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_aws_example_is_detected_as_its_policy_type(example: Example) -> None:
    result = Linter(LintOptions()).lint_bytes(example.text.encode(), "example.json")
    assert result.policy_type is example.policy_type


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_aws_example_gets_exactly_its_findings(example: Example) -> None:
    assert findings_of(example) == example.expected


def test_confused_deputy_example_trailing_comma_is_reported_at_line_10() -> None:
    example = next(e for e in EXAMPLES if e.name.startswith("4.6"))
    comma = [row for row in findings_of(example) if row[0] == "JSON002"]
    assert [row[1:5] for row in comma] == [(10, 25, 10, 26)]
    assert example.text.splitlines()[9][24] == ","


def test_only_the_buggy_examples_get_errors() -> None:
    erroneous = {e.name for e in EXAMPLES if any(row[5] == "error" for row in findings_of(e))}
    assert erroneous == {"4.1 KMS encryption context policy", "4.6 confused deputy prevention"}
