"""CRD001-CRD003: severities, AWS's own policies and the corpus, which fixtures cannot express.

The fixture files pin spans and messages; these tests pin per-finding severity, the silence on
AWS-recommended policies (domain.md section 6.2), the triaged corpus findings, and the shared
helpers the rules rely on (the per-statement index must agree with plain pattern matching).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from checks import RULES_BY_ID
from linter.engine import Linter, LintOptions
from linter.grants import statement_grants
from linter.model import Finding, PolicyType, Severity
from linter.policy import Policy, Statement, action_pattern_matches
from tests.conftest import as_rows, policy

CRD_RULES = ("CRD001", "CRD002", "CRD003")
SELF = "arn:aws:iam::*:user/${aws:username}"


def lint_with(text: str, policy_type: str, select: tuple[str, ...] = CRD_RULES) -> list[Finding]:
    options = LintOptions(select=select, policy_type=PolicyType(policy_type))
    return Linter(options).lint_text(textwrap.dedent(text).strip() + "\n", "policy.json").findings


def severities(findings: list[Finding]) -> list[tuple[str, Severity]]:
    return [(f.rule_id, f.severity) for f in findings]


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


# CRD001 -----------------------------------------------------------------------------------------


def test_aws_self_rotation_policy_is_silent() -> None:
    # IAM User Guide, "Managing access keys for IAM users": the policy AWS recommends.
    text = policy(
        allow(
            [
                "iam:CreateAccessKey",
                "iam:DeleteAccessKey",
                "iam:GetAccessKeyLastUsed",
                "iam:GetUser",
                "iam:ListAccessKeys",
                "iam:UpdateAccessKey",
                "iam:TagUser",
            ],
            SELF,
        )
    )
    assert lint_with(text, "identity") == []


@pytest.mark.parametrize(
    "action",
    [
        "iam:*",
        "iam:Create*",
        "*",
        "iam:CreateAccessKey",
        "IAM:createAccessKey",
        "iam:Create?ccessKey",
    ],
)
def test_wildcards_and_case_grant_create_access_key(action: str) -> None:
    findings = lint_with(policy(allow(action)), "identity", ("CRD001",))
    assert severities(findings) == [("CRD001", Severity.WARNING)]
    assert "iam:CreateAccessKey" in findings[0].message


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::111122223333:user/${aws:username}",
        "arn:aws:iam::*:user/division_abc/subdivision_xyz/${aws:username}",
        "arn:aws:iam::*:user/*/${aws:username}",
    ],
)
def test_the_callers_own_user_under_any_path_is_silent(resource: str) -> None:
    assert lint_with(policy(allow("iam:CreateAccessKey", resource)), "identity") == []


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::*:user/${aws:username}*",  # alice-admin for alice
        "arn:aws:iam::*:user/${aws:PrincipalTag/team}",
        "arn:aws:iam::111122223333:*",
        "arn:aws:*::111122223333:user/*",
    ],
)
def test_other_users_are_reached(resource: str) -> None:
    findings = lint_with(policy(allow("iam:CreateAccessKey", resource)), "identity")
    assert severities(findings) == [("CRD001", Severity.WARNING)]


def test_not_action_grants_unless_it_excludes_iam() -> None:
    granted = policy({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})
    excluded = policy({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"})
    assert severities(lint_with(granted, "identity")) == [("CRD001", Severity.WARNING)]
    assert lint_with(excluded, "identity") == []


def test_one_finding_per_statement_at_the_first_granting_action() -> None:
    text = policy(allow(["iam:GetUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"], "*"))
    findings = lint_with(text, "identity")
    assert len(findings) == 1
    assert findings[0].json_path == ("Statement", 0, "Action", 1)
    assert "(iam:CreateAccessKey and iam:CreateLoginProfile)" in findings[0].message


def test_condition_naming_the_callers_makes_it_a_note() -> None:
    text = policy(
        allow(
            "iam:CreateAccessKey",
            "arn:aws:iam::111122223333:user/*",
            Condition={"StringEquals": {"aws:PrincipalTag/team": "identity-admins"}},
        )
    )
    assert severities(lint_with(text, "identity")) == [("CRD001", Severity.NOTE)]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEqualsIfExists": {"aws:PrincipalTag/team": "admins"}},  # absent tag matches
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},  # names nobody
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},  # says how, not who
    ],
)
def test_conditions_that_do_not_name_callers_keep_the_warning(condition: dict) -> None:
    text = policy(allow("iam:CreateAccessKey", Condition=condition))
    assert severities(lint_with(text, "identity")) == [("CRD001", Severity.WARNING)]


def test_deny_and_other_policy_types_are_silent() -> None:
    deny = policy({"Effect": "Deny", "Action": "iam:*", "Resource": "*"})
    assert lint_with(deny, "identity") == []
    assert lint_with(policy(allow("*")), "scp", ("CRD001",)) == []


# CRD002 -----------------------------------------------------------------------------------------


def test_user_principal_is_a_note_in_key_resource_and_trust_policies() -> None:
    user = "arn:aws:iam::111122223333:user/alice"
    key = policy(
        {"Effect": "Allow", "Principal": {"AWS": user}, "Action": "kms:Decrypt", "Resource": "*"}
    )
    trust = policy({"Effect": "Allow", "Principal": {"AWS": user}, "Action": "sts:AssumeRole"})
    for text, kind in ((key, "kms-key"), (key, "resource"), (trust, "trust")):
        assert severities(lint_with(text, kind, ("CRD002",))) == [("CRD002", Severity.NOTE)]
    assert "IAM Identity Center" in lint_with(trust, "trust", ("CRD002",))[0].message


def test_user_unique_ids_and_roles_are_not_user_arns() -> None:
    text = policy(
        {
            "Effect": "Allow",
            "Principal": {
                "AWS": ["AIDACKCEVSQ6C2EXAMPLE", "arn:aws:iam::111122223333:role/user/x"]
            },
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
    )
    assert lint_with(text, "kms-key", ("CRD002",)) == []


# CRD003 -----------------------------------------------------------------------------------------


def test_transcribe_tag_example_is_silent_without_a_role_signal() -> None:
    # domain.md 4.5 (with the action name corrected): iamlint cannot know the policy is for a
    # role, so CRD003 says nothing; with aws:PrincipalType limiting it to roles it does.
    statement = allow(
        "transcribe:GetTranscriptionJob",
        "arn:aws:transcribe:*:*:transcription-job/*",
        Condition={"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}},
    )
    assert lint_with(policy(statement), "identity", ("CRD003",)) == []
    statement["Condition"]["StringEquals"]["aws:PrincipalType"] = ["AssumedRole", "FederatedUser"]
    findings = lint_with(policy(statement), "identity", ("CRD003",))
    assert severities(findings) == [("CRD003", Severity.NOTE)]
    assert findings[0].json_path == (
        "Statement",
        0,
        "Condition",
        "StringEquals",
        "aws:ResourceTag/Owner",
    )


def test_principal_type_user_may_have_a_user_name() -> None:
    statement = allow(
        "s3:GetObject",
        "arn:aws:s3:::bucket/${aws:username}/*",
        Condition={"StringEquals": {"aws:PrincipalType": ["AssumedRole", "User"]}},
    )
    assert lint_with(policy(statement), "identity", ("CRD003",)) == []


def test_role_arns_in_principal_arn_condition() -> None:
    statement = allow(
        "s3:GetObject",
        "arn:aws:s3:::bucket/${aws:username}/*",
        Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}},
    )
    rows = as_rows(lint_with(policy(statement), "identity", ("CRD003",)))
    assert [r[0] for r in rows] == ["CRD003"]
    assert "the roles that aws:PrincipalArn allows" in rows[0][5]


# Shared helper ----------------------------------------------------------------------------------

NAMES = (
    "iam:CreateAccessKey",
    "iam:UpdateLoginProfile",
    "cloudtrail:StopLogging",
    "config:DeleteDeliveryChannel",
    "kms:ScheduleKeyDeletion",
    "s3:GetObject",
)


@pytest.mark.parametrize(
    "element",
    [
        {"Action": "*"},
        {"Action": ["iam:Create*", "cloudtrail:Stop*"]},
        {"Action": ["*:Stop*", "IAM:UPDATE*"]},
        {"Action": ["c*:*", "kms:Schedule?eyDeletion"]},
        {"Action": "s3"},
        {"NotAction": ["iam:*", "config:Delete*"]},
        {"NotAction": "*"},
        {"NotAction": ["k?s:*", "s3:Get*"]},
        {},
    ],
)
def test_statement_index_agrees_with_plain_matching(element: dict) -> None:
    statement = Statement({"Effect": "Allow", "Resource": "*", **element}, ("Statement", 0), 0)
    patterns = [element.get("Action") or element.get("NotAction") or []]
    patterns = patterns[0] if isinstance(patterns[0], list) else patterns
    matched = [n for n in NAMES if any(action_pattern_matches(p, n) for p in patterns)]
    expected = [n for n in NAMES if n not in matched] if "NotAction" in element else matched
    covered = statement_grants(statement).covered(NAMES)
    assert sorted(covered) == sorted(expected)
    assert len(set(covered)) == len(covered)
    assert all(statement_grants(statement).covers(n) == (n in expected) for n in NAMES)


# Corpus triage ------------------------------------------------------------------------------------

CORPUS_CRD001 = {
    # file: (line, granted actions in the message); all checked by hand: each policy really lets
    # its holder create or re-activate long-term credentials of any IAM user.
    "AdministratorAccess.json": 5,  # "*" on "*"
    "AWSMcpServiceActionsFullAccess.json": 5,  # "*" on "*" for MCP-server calls
    "IAMFullAccess.json": 6,  # "iam:*" on "*"
    "SystemAdministrator.json": (135, 247),  # iam:UpdateSigningCertificate, iam:Upload* on "*"
}


def test_corpus_findings_are_the_triaged_ones(corpus_dir: Path) -> None:
    linter = Linter(LintOptions(select=CRD_RULES))
    found: dict[str, list[int]] = {}
    for finding in linter.lint_paths([str(corpus_dir)]).findings:
        assert finding.rule_id == "CRD001", finding
        found.setdefault(Path(finding.path).name, []).append(finding.span.line)
    expected = {
        name: list(lines) if isinstance(lines, tuple) else [lines]
        for name, lines in CORPUS_CRD001.items()
    }
    assert found == expected


@pytest.mark.parametrize(
    "name",
    [
        "IAMUserSSHKeys.json",
        "IAMSelfManageServiceSpecificCredentials.json",
        "AWSCodeCommitPowerUser.json",
        "IAMCreateRootUserPassword.json",
        "PowerUserAccess.json",
    ],
)
def test_corpus_self_service_policies_are_silent(corpus_dir: Path, name: str) -> None:
    text = (corpus_dir / name).read_text()
    assert Policy(json.loads(text), PolicyType.IDENTITY).statements
    assert lint_with(text, "identity") == []


# The detail page's examples ---------------------------------------------------------------------

DOCS = (
    Path(__file__).resolve().parent.parent / "docs" / "transcribe-credentials-roles-monitoring.md"
)
_EXAMPLE = re.compile(r"<!-- iamlint-example: (\S+)((?: \S+)*) -->\n```json\n(.*?)\n```", re.DOTALL)
FAMILIES = ("CRD", "TRU", "MON")


def _docs_examples() -> list[tuple[str, tuple[str, ...], str]]:
    return [
        (m.group(1), tuple(m.group(2).split()), m.group(3))
        for m in _EXAMPLE.finditer(DOCS.read_text())
    ]


def test_docs_page_has_examples() -> None:
    assert len(_docs_examples()) >= 8


@pytest.mark.parametrize(
    ("policy_type", "rule_ids", "text"),
    _docs_examples(),
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_docs_example_gets_exactly_the_rules_it_names(
    policy_type: str, rule_ids: tuple[str, ...], text: str
) -> None:
    select = tuple(r for r in RULES_BY_ID if r[:3] in FAMILIES)
    findings = lint_with(text, policy_type, select)
    assert sorted({f.rule_id for f in findings}) == sorted(rule_ids), as_rows(findings)
