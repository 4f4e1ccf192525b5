"""TRN001-TRN004: severities, ``required_tag_keys``, Deny guards and AWS's Transcribe policies."""

from __future__ import annotations

import re
import textwrap

import pytest

from linter.context import RuleSettings
from linter.engine import Linter, LintOptions
from linter.model import Finding, PolicyType, Severity
from tests.conftest import ROOT, as_rows, lint, policy

TRN_RULES = ("TRN001", "TRN002", "TRN003", "TRN004")
KEY_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def lint_with(text: str, settings: RuleSettings, select=TRN_RULES) -> list[Finding]:
    options = LintOptions(select=select, policy_type=PolicyType.IDENTITY, rule_settings=settings)
    return Linter(options).lint_text(textwrap.dedent(text).strip() + "\n", "policy.json").findings


def allow(actions, resource="*", condition=None) -> dict:
    statement = {"Effect": "Allow", "Action": actions, "Resource": resource}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def summary(findings: list[Finding]) -> list[tuple[str, Severity]]:
    return [(f.rule_id, f.severity) for f in findings]


# TRN001 ------------------------------------------------------------------------------------------


def test_output_key_rule_covers_the_four_job_actions_only() -> None:
    text = policy(
        allow(
            [
                "transcribe:StartStreamTranscription",
                "transcribe:StartMedicalScribeStream",
                "transcribe:StartCallAnalyticsJob",
            ]
        )
    )
    findings = lint(text, "identity", ("TRN001",))
    assert summary(findings) == [("TRN001", Severity.NOTE)]
    assert findings[0].message.startswith("transcribe:StartCallAnalyticsJob is allowed without")


def test_output_key_condition_with_arn_operator_counts() -> None:
    condition = {
        "ArnLike": {"transcribe:OutputEncryptionKMSKeyId": "arn:aws:kms:*:111122223333:key/*"}
    }
    text = policy(allow("transcribe:StartTranscriptionJob", condition=condition))
    assert lint(text, "identity", ("TRN001",)) == []


def test_output_key_wildcard_value_does_not_count() -> None:
    condition = {"StringLike": {"transcribe:OutputEncryptionKMSKeyId": "*"}}
    text = policy(allow("transcribe:StartTranscriptionJob", condition=condition))
    assert "the StringLike condition" in lint(text, "identity", ("TRN001",))[0].message


def test_deny_guard_must_cover_the_action() -> None:
    text = policy(
        allow("transcribe:StartTranscriptionJob"),
        allow("transcribe:StartCallAnalyticsJob"),
        {
            "Effect": "Deny",
            "Action": "transcribe:StartTranscriptionJob",
            "Resource": "*",
            "Condition": {"Null": {"transcribe:OutputEncryptionKMSKeyId": "true"}},
        },
    )
    findings = lint(text, "identity", ("TRN001",))
    assert [f.message.split(" ")[0] for f in findings] == ["transcribe:StartCallAnalyticsJob"]


# TRN002 / TRN003 and required_tag_keys ------------------------------------------------------------


def test_required_tag_keys_make_abac_rules_stricter() -> None:
    settings = RuleSettings(required_tag_keys=("Owner", "CostCenter"))
    text = policy(
        allow(
            "transcribe:GetTranscriptionJob",
            condition={"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}},
        ),
        allow(
            "transcribe:StartTranscriptionJob",
            condition={
                "StringEquals": {
                    "aws:RequestTag/Owner": "${aws:username}",
                    "transcribe:OutputEncryptionKMSKeyId": KEY_ARN,
                },
                "Null": {"aws:RequestTag/CostCenter": "false"},
            },
        ),
        allow("transcribe:CreateVocabulary"),
    )
    findings = lint_with(text, settings)
    assert summary(findings) == [
        ("TRN002", Severity.WARNING),
        ("TRN003", Severity.WARNING),
    ]
    assert as_rows(findings) == [
        (
            "TRN002",
            6,
            17,
            6,
            49,
            "transcribe:GetTranscriptionJob is allowed on every resource without a condition on "
            'the required tag aws:ResourceTag/CostCenter; add "StringEquals": '
            '{"aws:ResourceTag/CostCenter": "<value>"}',
        ),
        (
            "TRN003",
            30,
            17,
            30,
            46,
            "transcribe:CreateVocabulary is allowed without requiring the tags Owner and "
            'CostCenter on the new resource; add "StringEquals": '
            '{"aws:RequestTag/Owner": "<value>"}',
        ),
    ]


def test_without_settings_any_tag_condition_is_enough() -> None:
    text = policy(
        allow(
            "transcribe:Get*",
            condition={"StringEquals": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}},
        ),
        allow(
            "transcribe:Create*",
            condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["Team"]}},
        ),
    )
    assert lint(text, "identity", TRN_RULES) == []


def test_resource_tag_on_create_actions_counts_as_a_tag_requirement() -> None:
    # aws:ResourceTag holds the tags of a resource created with tags; if it were absent, the
    # condition would block the action instead. Either way nothing is granted untagged.
    text = policy(
        allow(
            ["transcribe:StartTranscriptionJob", "transcribe:StartCallAnalyticsJob"],
            condition={"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}},
        )
    )
    assert lint(text, "identity", ("TRN003",)) == []


def test_streaming_actions_are_not_abac_targets() -> None:
    text = policy(allow(["transcribe:StartStreamTranscription*", "transcribe:List*"]))
    assert lint(text, "identity", TRN_RULES) == []


def test_deny_statements_are_never_reported() -> None:
    text = policy({"Effect": "Deny", "Action": "transcribe:*", "Resource": "*"})
    assert lint(text, "identity", TRN_RULES) == []


# TRN004 ------------------------------------------------------------------------------------------


def test_tagging_severity_depends_on_how_it_is_granted() -> None:
    broad = policy(allow("transcribe:*"))
    explicit = policy(allow("transcribe:TagResource"))
    abac_policy = policy(
        allow(
            "transcribe:Get*",
            condition={"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}},
        ),
        allow("*"),
    )
    assert summary(lint(broad, "identity", ("TRN004",))) == [("TRN004", Severity.NOTE)]
    assert summary(lint(explicit, "identity", ("TRN004",))) == [("TRN004", Severity.WARNING)]
    assert summary(lint(abac_policy, "identity", ("TRN004",))) == [("TRN004", Severity.WARNING)]
    configured = lint_with(broad, RuleSettings(required_tag_keys=("Owner",)), ("TRN004",))
    assert summary(configured) == [("TRN004", Severity.WARNING)]


def test_negated_or_if_exists_tag_keys_do_not_limit() -> None:
    for operator in ("ForAllValues:StringNotEquals", "ForAllValues:StringEqualsIfExists"):
        text = policy(
            allow("transcribe:TagResource", condition={operator: {"aws:TagKeys": ["Owner"]}})
        )
        assert [f.rule_id for f in lint(text, "identity", ("TRN004",))] == ["TRN004"], operator


# AWS's managed policies (read from the corpus, never copied) --------------------------------------


def test_amazon_transcribe_managed_policies(corpus_dir) -> None:
    linter = Linter(LintOptions(select=("KMS", "TRN")))
    full = linter.lint_bytes((corpus_dir / "AmazonTranscribeFullAccess.json").read_bytes(), "f")
    assert [(f.rule_id, f.span.line, f.severity) for f in full.findings] == [
        ("TRN001", 6, Severity.NOTE),
        ("TRN002", 6, Severity.NOTE),
        ("TRN003", 6, Severity.NOTE),
        ("TRN004", 6, Severity.NOTE),
    ]
    read_only = linter.lint_bytes(
        (corpus_dir / "AmazonTranscribeReadOnlyAccess.json").read_bytes(), "r"
    )
    assert [(f.rule_id, f.severity) for f in read_only.findings] == [("TRN002", Severity.NOTE)]


def test_no_error_or_warning_trn_findings_on_aws_managed_policies(corpus_dir) -> None:
    """Triage result: on the 1,452 AWS managed policies the TRN rules give notes only (the
    Transcribe full-access, read-only, admin and session policies grant on "*" without tags)."""
    linter = Linter(LintOptions(select=TRN_RULES))
    severe = [
        (path.name, f.rule_id, f.severity.value)
        for path in sorted(corpus_dir.glob("*.json"))
        for f in linter.lint_bytes(path.read_bytes(), str(path)).findings
        if f.severity is not Severity.NOTE
    ]
    assert severe == []


# docs/transcribe.md -------------------------------------------------------------------------------

_EXAMPLE = re.compile(
    r"<!-- iamlint-example: (\S+)((?: [A-Z]+\d{3})*) -->\n```json\n(.*?)\n```", re.S
)


def _doc_examples() -> list[tuple[str, tuple[str, ...], str]]:
    text = (ROOT / "docs" / "transcribe.md").read_text(encoding="utf-8")
    return [(m[1], tuple(m[2].split()), m[3]) for m in _EXAMPLE.finditer(text)]


def test_docs_page_has_a_failing_and_a_passing_example_per_practice() -> None:
    examples = _doc_examples()
    assert len([e for e in examples if e[1]]) == 7
    assert len([e for e in examples if not e[1]]) == 7


@pytest.mark.parametrize(
    "example", _doc_examples(), ids=lambda e: f"{e[0]}-{'-'.join(e[1]) or 'ok'}"
)
def test_docs_example_gets_exactly_the_rules_it_names(example) -> None:
    policy_type, rule_ids, text = example
    options = LintOptions(policy_type=PolicyType(policy_type))
    findings = Linter(options).lint_text(text, "doc.json").findings
    assert sorted({f.rule_id for f in findings}) == sorted(rule_ids), as_rows(findings)
