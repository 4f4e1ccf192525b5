"""KMS001-KMS004: severities, settings and the AWS patterns the fixtures cannot express.

The fixture files pin spans and messages; these tests pin what the fixture format does not hold
(per-finding severity, ``required_encryption_context_keys``) and the interplay between rules.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from linter.context import RuleSettings
from linter.engine import Linter, LintOptions
from linter.model import Finding, PolicyType, Severity
from tests.aws_examples import EXAMPLE_4_1
from tests.conftest import as_rows, lint, policy

KMS_RULES = ("KMS001", "KMS002", "KMS003", "KMS004")
KEY_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::111122223333:role/ExampleRole"
ROOT = "arn:aws:iam::111122223333:root"


def lint_with(
    text: str,
    policy_type: str,
    settings: RuleSettings | None = None,
    select: tuple[str, ...] = KMS_RULES,
) -> list[Finding]:
    options = LintOptions(
        select=select,
        policy_type=PolicyType(policy_type),
        rule_settings=settings or RuleSettings(),
    )
    return Linter(options).lint_text(textwrap.dedent(text).strip() + "\n", "policy.json").findings


def key_statement(actions, principal=ROLE, condition=None, effect="Allow") -> dict:
    statement = {
        "Effect": effect,
        "Principal": {"AWS": principal},
        "Action": actions,
        "Resource": "*",
    }
    if condition is not None:
        statement["Condition"] = condition
    return statement


def severities(findings: list[Finding]) -> list[tuple[str, Severity]]:
    return [(f.rule_id, f.severity) for f in findings]


# KMS001 -----------------------------------------------------------------------------------------


def test_plain_key_user_is_a_note() -> None:
    findings = lint(policy(key_statement(["kms:Decrypt"])), "kms-key", KMS_RULES)
    assert severities(findings) == [("KMS001", Severity.NOTE)]


@pytest.mark.parametrize(
    ("principal", "reason"),
    [
        (
            {"AWS": "arn:aws:iam::111122223333:role/service-role/TranscribeAccess"},
            "principal arn:aws:iam::111122223333:role/service-role/TranscribeAccess",
        ),
        ({"Service": "transcribe.streaming.amazonaws.com"}, "principal transcribe.streaming"),
    ],
)
def test_transcribe_principal_makes_it_a_warning(principal: dict, reason: str) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "kms:Encrypt",
        "Resource": "*",
    }
    findings = lint(policy(statement), "kms-key", KMS_RULES)
    assert severities(findings) == [("KMS001", Severity.WARNING)]
    assert f"for Amazon Transcribe ({reason}" in findings[0].message


@pytest.mark.parametrize(
    "via",
    [
        "transcribe.amazonaws.com",
        "transcribe.streaming.amazonaws.com",
        "transcribe.eu-west-1.amazonaws.com",
        "transcribe.streaming.eu-west-1.amazonaws.com",
    ],
)
def test_transcribe_via_service_makes_it_a_warning(via: str) -> None:
    statement = {
        "Effect": "Allow",
        "Action": "kms:GenerateDataKey",
        "Resource": KEY_ARN,
        "Condition": {"StringEquals": {"kms:ViaService": via}},
    }
    findings = lint(policy(statement), "identity", KMS_RULES)
    assert severities(findings) == [("KMS001", Severity.WARNING)]
    assert f"(kms:ViaService {via})" in findings[0].message


def test_other_via_service_stays_a_note() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": KEY_ARN,
        "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}},
    }
    assert severities(lint(policy(statement), "identity", KMS_RULES)) == [("KMS001", Severity.NOTE)]


def test_call_analytics_alone_does_not_escalate() -> None:
    # StartCallAnalyticsJob has no KMSEncryptionContext parameter (domain.md §3.4): the grant is
    # not one that Transcribe could satisfy with a context, so no Transcribe escalation.
    text = policy(
        {"Effect": "Allow", "Action": "transcribe:StartCallAnalyticsJob", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": KEY_ARN},
    )
    assert severities(lint(text, "identity", KMS_RULES)) == [("KMS001", Severity.NOTE)]


def test_admin_wildcard_is_not_for_transcribe() -> None:
    text = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    findings = lint(text, "identity", KMS_RULES)
    assert severities(findings) == [("KMS001", Severity.NOTE)]
    assert "Transcribe" not in findings[0].message


def test_account_root_is_exempt_only_alone() -> None:
    alone = policy(key_statement("kms:*", principal=ROOT))
    assert lint(alone, "kms-key", KMS_RULES) == []
    bare_account = policy(key_statement("kms:*", principal="111122223333"))
    assert lint(bare_account, "kms-key", KMS_RULES) == []
    mixed = policy(key_statement("kms:*", principal=[ROOT, ROLE]))
    assert severities(lint(mixed, "kms-key", KMS_RULES)) == [("KMS001", Severity.NOTE)]


def test_deny_is_never_reported() -> None:
    text = policy(key_statement("kms:*", principal="*", effect="Deny"))
    assert lint(text, "kms-key", KMS_RULES) == []


def test_identity_statement_on_other_resources_is_silent() -> None:
    text = policy({"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:s3:::bucket/*"})
    assert lint(text, "identity", KMS_RULES) == []


def test_forallvalues_on_pair_is_left_to_kms002() -> None:
    text = policy(
        key_statement(
            "kms:Decrypt",
            condition={"ForAllValues:StringEquals": {"kms:EncryptionContext:project": "alpha"}},
        )
    )
    assert [f.rule_id for f in lint(text, "kms-key", KMS_RULES)] == ["KMS002"]


def test_required_context_keys_setting() -> None:
    settings = RuleSettings(required_encryption_context_keys=("project", "stage"))
    missing_one = policy(
        key_statement(
            ["kms:Encrypt", "kms:Decrypt"],
            condition={"StringEquals": {"kms:EncryptionContext:Project": "alpha"}},
        )
    )
    findings = lint_with(missing_one, "kms-key", settings)
    assert as_rows(findings) == [
        (
            "KMS001",
            10,
            9,
            10,
            22,
            "kms:Decrypt and kms:Encrypt are allowed without a condition on the required "
            'encryption-context key stage; add "StringEquals": '
            '{"kms:EncryptionContext:stage": "<value>"}',
        )
    ]
    assert findings[0].severity is Severity.WARNING

    presence_only = policy(
        key_statement(
            "kms:Decrypt",
            condition={
                "StringEquals": {"kms:EncryptionContext:project": "alpha"},
                "StringLike": {"kms:EncryptionContext:stage": "*"},
            },
        )
    )
    assert (
        "required encryption-context key stage"
        in lint_with(presence_only, "kms-key", settings)[0].message
    )

    both = policy(
        key_statement(
            "kms:Decrypt",
            condition={
                "StringEquals": {
                    "kms:EncryptionContext:project": "alpha",
                    "kms:EncryptionContext:stage": ["dev", "prod"],
                }
            },
        )
    )
    assert lint_with(both, "kms-key", settings) == []
    root = policy(key_statement("kms:*", principal=ROOT))
    assert lint_with(root, "kms-key", settings) == []


def test_message_names_at_most_five_actions() -> None:
    findings = lint(policy(key_statement("kms:*")), "kms-key", KMS_RULES)
    assert findings[0].message.startswith(
        "kms:CreateGrant, kms:Decrypt, kms:Encrypt, kms:GenerateDataKey, "
        "kms:GenerateDataKeyPair and 4 more are allowed without an encryption-context condition"
    )


# KMS002 / KMS003 --------------------------------------------------------------------------------


def test_set_operator_severities() -> None:
    condition = {"ForAllValues:StringEquals": {"kms:EncryptionContext:project": "alpha"}}
    identity_allow = policy(
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN, "Condition": condition}
    )
    identity_deny = policy(
        {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*", "Condition": condition}
    )
    key_deny = policy(key_statement("kms:Decrypt", "*", condition, effect="Deny"))
    any_value = policy(
        key_statement(
            "kms:Decrypt",
            condition={"ForAnyValue:StringEquals": {"kms:EncryptionContext:project": "alpha"}},
        )
    )
    assert severities(lint(identity_allow, "identity", ("KMS002",))) == [("KMS002", Severity.ERROR)]
    assert severities(lint(identity_deny, "identity", ("KMS002",))) == [
        ("KMS002", Severity.WARNING)
    ]
    key_findings = lint(key_deny, "kms-key", ("KMS002",))
    assert severities(key_findings) == [("KMS002", Severity.ERROR)]
    assert "OverlyPermissiveCondition:EncryptionContext" in key_findings[0].message
    assert severities(lint(any_value, "kms-key", ("KMS002",))) == [("KMS002", Severity.WARNING)]


def test_multivalued_key_with_qualifier_or_null_is_fine() -> None:
    text = policy(
        key_statement(
            "kms:Encrypt",
            condition={
                "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["AppName"]},
                "Null": {"kms:EncryptionContextKeys": "false"},
            },
        )
    )
    assert lint(text, "kms-key", KMS_RULES) == []


def test_missing_qualifier_is_an_error() -> None:
    text = policy(
        key_statement(
            "kms:Encrypt", condition={"StringEquals": {"kms:EncryptionContextKeys": "AppName"}}
        )
    )
    assert severities(lint(text, "kms-key", KMS_RULES)) == [("KMS003", Severity.ERROR)]


# KMS004 -----------------------------------------------------------------------------------------


def _transcribe_statement(condition: dict) -> str:
    base = {"StringEquals": {"kms:ViaService": "transcribe.amazonaws.com"}}
    for operator, keys in condition.items():
        base.setdefault(operator, {}).update(keys)
    return policy(
        {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": KEY_ARN, "Condition": base}
    )


@pytest.mark.parametrize("length", [1, 2000])
def test_context_value_length_limits_are_inclusive(length: int) -> None:
    text = _transcribe_statement({"StringEquals": {"kms:EncryptionContext:job": "a" * length}})
    assert lint(text, "identity", ("KMS004",)) == []


def test_context_value_over_limit_and_non_ascii() -> None:
    text = _transcribe_statement(
        {
            "StringEquals": {"kms:EncryptionContext:job": "a" * 2001},
            "StringLike": {"kms:EncryptionContext:clinic": "Malmö*"},
        }
    )
    messages = [f.message for f in lint(text, "identity", ("KMS004",))]
    assert messages == [
        'the encryption-context value "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..." has 2,001 '
        "characters, more than Transcribe's 2,000, so Amazon Transcribe requests never match it; "
        "use 1 to 2,000 printable ASCII characters",
        "the encryption-context value \"Malmö*\" contains 'ö' (U+00F6), which is not printable "
        "ASCII, so Amazon Transcribe requests never match it; use 1 to 2,000 printable ASCII "
        "characters",
    ]


def test_context_rules_are_silent_without_transcribe() -> None:
    text = policy(
        key_statement(
            "kms:Decrypt", condition={"StringEquals": {"kms:EncryptionContext:ville": "Malmö"}}
        )
    )
    assert lint(text, "kms-key", KMS_RULES) == []


def test_healthscribe_context_key_with_colons() -> None:
    text = _transcribe_statement(
        {
            "StringEquals": {
                "kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:session-id": "x-1"
            }
        }
    )
    assert lint(text, "identity", KMS_RULES) == []


# The AWS documentation examples and the corpus --------------------------------------------------


def test_example_4_1_gets_exactly_one_finding_from_all_rules() -> None:
    """domain.md §4.1 with every rule: one finding, on the kms:DescribeKey element, and it is the
    condition family's CND004 (the KMS rules must not report the same element again)."""
    result = Linter(LintOptions()).lint_bytes(EXAMPLE_4_1.encode(), "example.kms-key.json")
    assert result.policy_type is PolicyType.KMS_KEY
    assert as_rows(result.findings) == [
        (
            "CND004",
            11,
            15,
            11,
            32,
            "kms:DescribeKey does not support kms:EncryptionContext:color: the statement never "
            "grants it; move it to a statement without this condition",
        )
    ]


def test_no_error_level_kms_findings_on_aws_managed_policies(corpus_dir) -> None:
    """Triage result: the KMS rules find nothing AWS would reject in its managed policies (KMS001
    notes and the few Transcribe warnings are suggestions)."""
    linter = Linter(LintOptions(select=KMS_RULES))
    counts: dict[tuple[str, str], int] = {}
    for path in sorted(corpus_dir.glob("*.json")):
        for finding in linter.lint_bytes(path.read_bytes(), str(path)).findings:
            key = (finding.rule_id, finding.severity.value)
            counts[key] = counts.get(key, 0) + 1
    assert not [key for key in counts if key[1] == "error"], counts
    assert counts.get(("KMS001", "note"), 0) > 0


def test_json_boolean_null_false_is_accepted() -> None:
    condition = {"Null": {"kms:EncryptionContextKeys": False}}
    text = json.dumps(
        {"Version": "2012-10-17", "Statement": [key_statement("kms:Encrypt", ROLE, condition)]}
    )
    assert lint(text, "kms-key", KMS_RULES) == []
