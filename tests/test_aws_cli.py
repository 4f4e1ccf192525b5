"""Saved AWS CLI outputs: the policy (or policies) inside, typed by the command and the document."""

from __future__ import annotations

import json

from linter.engine import Linter, LintOptions
from linter.model import PolicyType

BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::transcripts/*",
        }
    ],
}
KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ],
}


def _sources(document: dict) -> list[tuple]:
    result = Linter(LintOptions()).lint_text(json.dumps(document, indent=2), "saved.json")
    return [(s.label, s.policy_type, s.wrapper) for s in result.sources]


def test_the_policy_string_shape_is_told_apart_by_the_document_and_its_neighbours() -> None:
    assert _sources({"Policy": json.dumps(BUCKET_POLICY)}) == [
        ("", PolicyType.RESOURCE, "aws s3api get-bucket-policy")
    ]
    assert _sources({"Policy": json.dumps(KEY_POLICY)}) == [
        ("", PolicyType.KMS_KEY, "aws kms get-key-policy")
    ]
    assert _sources({"Policy": json.dumps(BUCKET_POLICY), "RevisionId": "abc"}) == [
        ("", PolicyType.RESOURCE, "aws lambda get-policy")
    ]


def test_resource_policy_commands_are_resource_policies() -> None:
    text = json.dumps(BUCKET_POLICY)
    assert _sources({"registryId": "1", "repositoryName": "r", "policyText": text}) == [
        ("", PolicyType.RESOURCE, "aws ecr get-repository-policy")
    ]
    assert _sources({"ARN": "arn", "Name": "s", "ResourcePolicy": text}) == [
        ("", PolicyType.RESOURCE, "aws secretsmanager get-resource-policy")
    ]
    assert _sources({"Attributes": {"Policy": text, "QueueArn": "arn"}}) == [
        ("", PolicyType.RESOURCE, "aws sqs get-queue-attributes")
    ]
    assert _sources({"Attributes": {"Policy": text, "TopicArn": "arn"}}) == [
        ("", PolicyType.RESOURCE, "aws sns get-topic-attributes")
    ]


def test_a_bucket_policy_is_not_judged_as_a_key_policy() -> None:
    result = Linter(LintOptions()).lint_text(json.dumps({"Policy": json.dumps(BUCKET_POLICY)}))
    assert not [f for f in result.findings if f.rule_id == "ACT005"]


def test_an_ecr_repository_policy_needs_no_resource() -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    wrapped = {"registryId": "1", "repositoryName": "r", "policyText": policy}
    findings = Linter(LintOptions()).lint_text(json.dumps(wrapped)).findings
    assert "GRM007" not in {f.rule_id for f in findings}


def test_authorization_details_give_one_labelled_source_per_policy_at_its_lines() -> None:
    admin = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    details = {
        "UserDetailList": [
            {
                "UserName": "alice",
                "UserPolicyList": [{"PolicyName": "inline-admin", "PolicyDocument": admin}],
            }
        ],
        "GroupDetailList": [],
        "RoleDetailList": [
            {"RoleName": "app", "AssumeRolePolicyDocument": trust, "RolePolicyList": []}
        ],
        "Policies": [
            {
                "PolicyName": "Managed",
                "PolicyVersionList": [
                    {"Document": admin, "IsDefaultVersion": False, "VersionId": "v1"},
                    {"Document": admin, "IsDefaultVersion": True, "VersionId": "v2"},
                ],
            }
        ],
    }
    text = json.dumps(details, indent=1)
    result = Linter(LintOptions(select=("LPR001", "TRU003"))).lint_text(text, "details.json")
    assert [(s.label, s.policy_type) for s in result.sources] == [
        (
            "UserDetailList[0].UserPolicyList[0] (user alice, policy inline-admin)",
            PolicyType.IDENTITY,
        ),
        ("RoleDetailList[0].AssumeRolePolicyDocument (role app)", PolicyType.TRUST),
        ("Policies[0].PolicyVersionList[1] (managed policy Managed)", PolicyType.IDENTITY),
    ]
    lines = text.split("\n")
    found = [(f.rule_id, f.span.line, f.source) for f in result.findings]
    assert [rule for rule, _, _ in found] == ["LPR001", "TRU003", "LPR001"]
    for finding in result.findings:
        line = lines[finding.span.line - 1]
        assert line[finding.span.column - 1 : finding.span.end_column - 1] == '"*"'
    # The default version only: v1 (line of its "Action") is not reported.
    assert found[2][2].startswith("Policies[0].PolicyVersionList[1]")
