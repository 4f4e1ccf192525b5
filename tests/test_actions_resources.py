"""ACT and RES rules: AWS documentation examples, AWS's own bugs in managed policies, helpers.

The fixtures (fixtures/ACT00x, fixtures/RES00x) pin every message and span; this file covers
what a single fixture cannot: whole AWS examples checked against *all* ACT/RES rules, the
corpus of AWS managed policies, and the documented decisions (SCP wildcards, catalog date).
"""

from __future__ import annotations

import json

import pytest

from checks.unknown_service_prefix import removed_services, suggest_prefix
from linter.arns import (
    arn_field_problem,
    arn_syntax_problem,
    is_universal_resource,
    kms_key_reference,
    split_arn_fields,
)
from linter.catalog import load_catalog
from linter.engine import Linter, LintOptions
from linter.model import PolicyType
from tests.aws_examples import EXAMPLE_4_5 as VIEW_JOBS_BY_TAG
from tests.conftest import CORPUS, as_rows, lint

FAMILY = ("ACT", "RES")


def _family(text: str, policy_type: str | None = None) -> list[tuple]:
    return as_rows(lint(text, policy_type, select=FAMILY))


# --- domain.md §4: AWS documentation examples ------------------------------------------------


def test_transcribe_view_jobs_by_tag_example_gives_exactly_the_unknown_action() -> None:
    """domain.md §4.5: the unknown action, with did-you-mean, the catalog date and the refresh
    command; nothing about `Resource: "*"` on the List action or the region wildcard ARN."""
    as_of = load_catalog().as_of
    assert _family(VIEW_JOBS_BY_TAG) == [
        (
            "ACT002",
            13,
            23,
            13,
            56,
            "transcribe:GetTranscriptionJobs is not an action of Amazon Transcribe in the IAM "
            f"catalog of {as_of} (did you mean transcribe:GetTranscriptionJob?); fix the name, "
            'or refresh the catalog with "iamlint catalog update --from FILE" if the action is '
            "newer",
        )
    ]


def test_the_corrected_example_is_clean() -> None:
    fixed = VIEW_JOBS_BY_TAG.replace("GetTranscriptionJobs", "GetTranscriptionJob")
    assert _family(fixed) == []


AWS_EXAMPLES_WITHOUT_FINDINGS = {
    # §4.1 KMS encryption context policy (key policy): Resource "*" means "this key".
    "kms_context.kms-key": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
                "Action": [
                    "kms:Decrypt",
                    "kms:DescribeKey",
                    "kms:Encrypt",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                ],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:EncryptionContext:color": "indigoBlue"}},
            }
        ],
    },
    # §4.2 key ARN in a key policy.
    "s3_encryption_key.kms-key": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
                "Action": ["kms:Decrypt"],
                "Resource": "arn:aws:kms:us-west-2:111122223333:key/KMS-Example-KeyId",
            }
        ],
    },
    # §4.4 HealthScribe access role (identity policy, key ARN, region-less kms:ViaService).
    "healthscribe_access_role.identity": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "arn:aws:kms:us-west-2:111122223333:key/KMS-Example-KeyId",
                "Condition": {
                    "StringEquals": {"kms:ViaService": "transcribe.streaming.amazonaws.com"}
                },
            },
            {
                "Effect": "Allow",
                "Action": ["kms:DescribeKey"],
                "Resource": "arn:aws:kms:us-west-2:111122223333:key/KMS-Example-KeyId",
            },
        ],
    },
    # §4.7 trust policy: no Resource is correct, sts:AssumeRole is a trust action.
    "trust.trust": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["transcribe.amazonaws.com"]},
                "Action": ["sts:AssumeRole"],
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": "111122223333"},
                    "StringLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"},
                },
            }
        ],
    },
    # §4.10 S3 input and output bucket policies, Statement as an object.
    "input_bucket.identity": {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [
                "arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET",
                "arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET/*",
            ],
        },
    },
    "output_bucket.identity": {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": ["s3:PutObject"],
            "Resource": ["arn:aws:s3:::DOC-EXAMPLE-OUTPUT-BUCKET/*"],
        },
    },
}


@pytest.mark.parametrize("name", sorted(AWS_EXAMPLES_WITHOUT_FINDINGS))
def test_aws_examples_get_no_action_or_resource_finding(name: str) -> None:
    policy_type = name.rsplit(".", 1)[1]
    text = json.dumps(AWS_EXAMPLES_WITHOUT_FINDINGS[name], indent=2)
    assert _family(text, policy_type) == []


# --- documented decisions ----------------------------------------------------------------------


def test_scp_wildcards_in_the_middle_of_actions_are_accepted() -> None:
    """AWS Organizations has accepted the full IAM language in SCPs since September 2025,
    including wildcards at the beginning or in the middle of actions: Access Analyzer's
    SCP_SYNTAX_ERROR_ACTION_WILDCARD is not reported."""
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["ec2:*Instances", "*:Delete*"], "Resource": "*"}]}'  # noqa: E501
    assert _family(text, "scp") == []


def test_deny_with_wildcards_is_only_judged_for_validity() -> None:
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}]}'  # noqa: E501
    assert _family(text) == []


def test_removed_services_are_named_as_such() -> None:
    assert removed_services()["deeplens"] == "AWS DeepLens"
    assert "elastic-inference" in removed_services()


@pytest.mark.parametrize(
    ("prefix", "name", "expected"),
    [
        ("s4", "GetObject", "s3:GetObject"),
        ("ec3", "RunInstances", "ec2:RunInstances"),
        ("lamda", "InvokeFunction", "lambda:InvokeFunction"),
        ("transcibe", "*", 'the prefix "transcribe"'),
        ("zzzzservice", "Foo", None),
    ],
)
def test_prefix_suggestions(prefix: str, name: str, expected: str | None) -> None:
    assert suggest_prefix(prefix, name, load_catalog()) == expected


# --- helpers -----------------------------------------------------------------------------------


def test_arn_fields_ignore_colons_inside_policy_variables() -> None:
    assert split_arn_fields("arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}") == (
        "arn",
        "aws",
        "iam",
        "",
        "${aws:PrincipalAccount}",
        "user/${aws:username}",
    )
    assert split_arn_fields("arn:aws:s3:::bucket/key:with:colons") == (
        "arn",
        "aws",
        "s3",
        "",
        "",
        "bucket/key:with:colons",
    )


@pytest.mark.parametrize(
    "arn",
    [
        "*",
        "arn:aws:transcribe:*:*:transcription-job/*",
        "arn:aws:transcribe:us-*:111122223333:transcription-job/${aws:PrincipalTag/Team}-*",
        "arn:*:s3:::bucket",
        "arn:aws*:s3:::bucket",
        "arn:${aws:partition}:s3:::bucket",
        "arn:aws-iso-b:s3:::bucket",
        "arn:aws-eusc:sqs:eusc-de-east-1:111122223333:queue",
        "arn:aws:s3:::bucket/${aws:username}/*",
    ],
)
def test_valid_arn_patterns(arn: str) -> None:
    assert arn_syntax_problem(arn) is None


def test_kms_key_references() -> None:
    assert kms_key_reference("1234abcd-12ab-34cd-56ef-1234567890ab") == "key id"
    assert kms_key_reference("mrk-1234abcd12ab34cd56ef1234567890ab") == "key id"
    assert kms_key_reference("alias/ExampleAlias") == "alias name"
    assert kms_key_reference("arn:aws:kms:us-west-2:111122223333:alias/x") == "alias ARN"
    assert kms_key_reference("arn:aws:kms:us-west-2:111122223333:key/x") is None


def test_universal_resources() -> None:
    assert is_universal_resource("*")
    assert is_universal_resource("arn:aws:*:*:*:*")
    assert not is_universal_resource("arn:aws:s3:::*")


def test_aws_owned_ssm_documents_need_no_account() -> None:
    catalog = load_catalog()
    assert arn_field_problem(catalog, "arn:aws:ssm:*::document/AWS-RunShellScript") is None
    assert arn_field_problem(catalog, "arn:aws:ssm:*::document/MyDocument") is not None


# --- AWS managed policies (../shared/corpus/aws-managed) ---------------------------------------


@pytest.fixture(scope="module")
def corpus_findings() -> dict[str, list]:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    corpus = CORPUS
    linter = Linter(LintOptions(select=FAMILY))
    found: dict[str, list] = {}
    for path in sorted(corpus.glob("*.json")):
        for finding in linter.lint_bytes(path.read_bytes(), path.name).findings:
            found.setdefault(path.name, []).append(finding)
    return found


def test_the_only_errors_in_aws_managed_policies_are_real_bugs(corpus_findings) -> None:
    """AWSRefactoringToolkitFullAccess grants kms:Decrypt, Encrypt, DescribeKey,
    GenerateDataKey and CreateGrant on "arn:aws:kms:*::*": KMS key ARNs always have an account,
    so both statements grant nothing."""
    errors = [
        (name, f.rule_id, f.span.line, f.message.split('"')[1])
        for name, findings in corpus_findings.items()
        for f in findings
        if f.severity.value == "error"
    ]
    assert errors == [
        ("AWSRefactoringToolkitFullAccess.json", "RES002", 539, "arn:aws:kms:*::*"),
        ("AWSRefactoringToolkitFullAccess.json", "RES002", 575, "arn:aws:kms:*::*"),
    ]


@pytest.mark.parametrize(
    ("name", "line", "start"),
    [
        # DescribeKey on a KMS "ARN" with an empty account and a ":*" resource part.
        ("AmazonBedrockFullAccess.json", 24, "arn:*:kms:*:::* fits no kms resource type"),
        # SageMaker endpoint ARNs without their resource type ("endpoint/").
        ("AmazonSageMakerCanvasDirectDeployAccess.json", 15, "arn:aws:sagemaker:*:*:Canvas* fits"),
        # "endpointconfig/*" for the resource type "endpoint-config".
        (
            "AmazonSageMakerHyperPodInferenceAccess.json",
            246,
            "arn:aws:sagemaker:*:*:endpointconfig/*",
        ),
    ],
)
def test_aws_managed_policy_bugs_are_pinned(corpus_findings, name, line, start) -> None:
    messages = [f.message for f in corpus_findings.get(name, []) if f.span.line == line]
    assert any(m.startswith(start) for m in messages), messages


@pytest.mark.parametrize(
    "name",
    [
        "AWSGlueConsoleFullAccess.json",  # arn:aws:logs:*:*:/aws-glue/*: the * spans colons
        "AmazonRedshiftQueryEditorV2FullAccess.json",  # ...:*:*:sqlworkbench!* (same)
        "AWSProtonFullAccess.json",  # codestar-connections actions on codeconnections ARNs
        "AWSBackupFullAccess.json",  # s3:ListAllMyBuckets on arn:aws:s3:::*
        "AWSMSKReplicatorExecutionRole.json",  # layout: actions split over statements
    ],
)
def test_aws_managed_policies_that_work_get_no_resource_finding(corpus_findings, name) -> None:
    assert not [f for f in corpus_findings.get(name, []) if f.rule_id == "RES003"]


def test_policy_type_is_respected() -> None:
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["kms:Decrypt", "s3:GetObject"], "Resource": "*"}]}'  # noqa: E501
    assert [r[0] for r in _family(text, PolicyType.KMS_KEY.value)] == ["ACT005"]
    assert _family(text, PolicyType.RESOURCE.value) == []
