"""TRU001-TRU006: severities, settings, AWS's Transcribe trust policies and the data files.

Fixtures pin spans and messages; these tests pin per-finding severity, the settings
(``trusted_account_ids``, ``trusted_oidc_providers``), AWS's own examples (domain.md 4.6-4.8)
and the helpers' edge cases.
"""

from __future__ import annotations

import textwrap

import pytest

from checks.github_oidc_subject_too_broad import subject_breadth
from checks.service_role_confused_deputy import normalise_service
from checks.trust_any_principal import pins_callers
from linter.context import RuleSettings
from linter.data_files import data_file
from linter.engine import Linter, LintOptions
from linter.model import Finding, PolicyType, Severity
from linter.policy import Statement
from linter.principals import classify_principal
from tests.aws_examples import EXAMPLE_4_6 as CONFUSED_DEPUTY_EXAMPLE
from tests.conftest import as_rows, policy

TRU_RULES = ("TRU001", "TRU002", "TRU003", "TRU004", "TRU005", "TRU006")
GITHUB = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"


def lint_with(
    text: str,
    policy_type: str = "trust",
    settings: RuleSettings | None = None,
    select: tuple[str, ...] = TRU_RULES,
) -> list[Finding]:
    options = LintOptions(
        select=select, policy_type=PolicyType(policy_type), rule_settings=settings or RuleSettings()
    )
    return Linter(options).lint_text(textwrap.dedent(text).strip() + "\n", "policy.json").findings


def severities(findings: list[Finding]) -> list[tuple[str, Severity]]:
    return [(f.rule_id, f.severity) for f in findings]


def trust(principal: dict, condition: dict | None = None, action="sts:AssumeRole", **extra):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, **extra}
    if condition is not None:
        statement["Condition"] = condition
    return statement


# AWS's Transcribe examples (domain.md 4.6-4.8) ----------------------------------------------------


def test_confused_deputy_example_gets_only_its_trailing_comma() -> None:
    findings = lint_with(CONFUSED_DEPUTY_EXAMPLE, select=(*TRU_RULES, "JSON002"))
    assert [(f.rule_id, f.span.line) for f in findings] == [("JSON002", 10)]


@pytest.mark.parametrize(
    "service", ["transcribe.amazonaws.com", "transcribe.streaming.amazonaws.com"]
)
def test_transcribe_trust_policies_are_clean(service: str) -> None:
    condition = {
        "StringEquals": {"aws:SourceAccount": "111122223333"},
        "ArnLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"},
    }
    assert lint_with(policy(trust({"Service": [service]}, condition))) == []


@pytest.mark.parametrize(
    "service", ["transcribe.amazonaws.com", "transcribe.streaming.amazonaws.com"]
)
def test_transcribe_trust_without_condition_is_a_warning(service: str) -> None:
    findings = lint_with(policy(trust({"Service": service})))
    assert severities(findings) == [("TRU001", Severity.WARNING)]
    assert findings[0].json_path == ("Statement", 0, "Principal", "Service")


# TRU001 -----------------------------------------------------------------------------------------


def test_service_severity_follows_the_documentation_data() -> None:
    services = ["ec2.amazonaws.com", "codebuild.amazonaws.com", "scheduler.amazonaws.com"]
    findings = lint_with(policy(trust({"Service": services})), select=("TRU001",))
    assert [(f.json_path[-1], f.severity) for f in findings] == [
        (1, Severity.NOTE),
        (2, Severity.WARNING),
    ]


def test_open_source_arn_is_reported_at_its_key_with_the_service_severity() -> None:
    condition = {"ArnLike": {"aws:SourceArn": "arn:aws:transcribe:*:*:*"}}
    findings = lint_with(policy(trust({"Service": "transcribe.amazonaws.com"}, condition)))
    assert severities(findings) == [("TRU001", Severity.WARNING)]
    assert findings[0].json_path == ("Statement", 0, "Condition", "ArnLike", "aws:SourceArn")
    other = policy(trust({"Service": "codebuild.amazonaws.com"}, condition))
    assert severities(lint_with(other)) == [("TRU001", Severity.NOTE)]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": "111122223333"}},
        {"ArnEquals": {"aws:SourceArn": "arn:aws:states:us-east-1:111122223333:stateMachine:x"}},
        {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}},
        {"ForAnyValue:StringLike": {"aws:SourceOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}},
        {"StringEquals": {"sts:ExternalId": "111122223333"}},  # Amazon Data Firehose
    ],
)
def test_source_conditions_silence_the_rule(condition: dict) -> None:
    assert lint_with(policy(trust({"Service": "states.amazonaws.com"}, condition))) == []


def test_service_principal_forms() -> None:
    assert normalise_service("states.us-east-1.amazonaws.com") == "states.amazonaws.com"
    assert normalise_service("Transcribe.amazonaws.com") == "transcribe.amazonaws.com"
    assert normalise_service("ec2.amazonaws.com.cn") == "ec2.amazonaws.com.cn"
    assert normalise_service("transcribe.streaming.amazonaws.com") == (
        "transcribe.streaming.amazonaws.com"
    )


def test_only_statements_granting_assume_role() -> None:
    text = policy(trust({"Service": "transcribe.amazonaws.com"}, action="sts:TagSession"))
    assert lint_with(text, select=("TRU001",)) == []


# TRU002 -----------------------------------------------------------------------------------------


def test_mismatch_severity_error_when_nothing_matches_warning_when_some_values_do() -> None:
    def statement(arns):
        return trust(
            {"Service": "transcribe.amazonaws.com"},
            {
                "StringEquals": {"aws:SourceAccount": "111122223333"},
                "ArnLike": {"aws:SourceArn": arns},
            },
        )

    dead = lint_with(policy(statement("arn:aws:transcribe:us-west-2:444455556666:*")))
    assert severities(dead) == [("TRU002", Severity.ERROR)]
    partly = [
        "arn:aws:transcribe:us-west-2:111122223333:*",
        "arn:aws:transcribe:us-west-2:444455556666:*",
    ]
    assert severities(lint_with(policy(statement(partly)))) == [("TRU002", Severity.WARNING)]


def test_mismatch_applies_to_every_policy_type() -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": "arn:aws:sqs:us-east-1:111122223333:queue",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": "111122223333"},
            "ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:444455556666:topic"},
        },
    }
    assert severities(lint_with(policy(statement), "resource")) == [("TRU002", Severity.ERROR)]


# TRU003 -----------------------------------------------------------------------------------------


def _entry(operator: str, key: str, values) -> object:
    statement = Statement({"Condition": {operator: {key: values}}}, ("Statement", 0), 0)
    return statement.conditions[0]


@pytest.mark.parametrize(
    ("operator", "key", "values", "expected"),
    [
        ("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5", True),
        ("StringLike", "aws:PrincipalOrgID", "o-*", True),
        ("StringLike", "aws:PrincipalOrgID", "*", False),
        ("StringEquals", "aws:PrincipalAccount", ["111122223333", "444455556666"], True),
        ("StringLike", "aws:PrincipalAccount", "1111*", False),
        ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/*", True),
        ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/Admin", False),
        ("StringEqualsIfExists", "aws:PrincipalOrgID", "o-a1b2c3d4e5", False),
        ("StringNotEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5", False),
        ("StringEquals", "sts:ExternalId", "secret", False),
        ("StringLike", "aws:userid", "AROAEXAMPLEID:*", True),
    ],
)
def test_pins_callers(operator: str, key: str, values, expected: bool) -> None:
    assert pins_callers(_entry(operator, key, values)) is expected


def test_bare_star_principal_is_left_to_pri007() -> None:
    text = policy({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
    assert [f.rule_id for f in lint_with(text, select=(*TRU_RULES, "PRI007"))] == ["PRI007"]


# TRU004 -----------------------------------------------------------------------------------------

VENDOR = "arn:aws:iam::444455556666:root"
OWN = "arn:aws:iam::111122223333:role/Deployer"


def test_cross_account_is_a_note_without_configuration() -> None:
    findings = lint_with(policy(trust({"AWS": [VENDOR, OWN]})), select=("TRU004",))
    assert severities(findings) == [("TRU004", Severity.NOTE)] * 2


def test_trusted_accounts_are_exempt_and_others_become_warnings() -> None:
    settings = RuleSettings(trusted_account_ids=("111122223333",))
    findings = lint_with(
        policy(trust({"AWS": [VENDOR, OWN]})), settings=settings, select=("TRU004",)
    )
    assert severities(findings) == [("TRU004", Severity.WARNING)]
    assert "444455556666" in findings[0].message


# TRU005 / TRU006 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "condition", "expected"),
    [
        (
            GITHUB,
            {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
            Severity.ERROR,
        ),
        (
            GITHUB,
            {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}},
            Severity.WARNING,
        ),
        ("cognito-identity.amazonaws.com", None, Severity.ERROR),
        ("graph.facebook.com", {"StringEquals": {"graph.facebook.com:id": "123"}}, Severity.ERROR),
        (
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"}},
            Severity.WARNING,
        ),
        (
            "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
            {"StringEquals": {"app.terraform.io:aud": "aws.workload.identity"}},
            Severity.ERROR,
        ),
        ("arn:aws:iam::111122223333:oidc-provider/idp.example.com", None, Severity.WARNING),
    ],
)
def test_oidc_missing_condition_severity(principal: str, condition, expected: Severity) -> None:
    text = policy(trust({"Federated": principal}, condition, "sts:AssumeRoleWithWebIdentity"))
    assert severities(lint_with(text, select=("TRU005",))) == [("TRU005", expected)]


@pytest.mark.parametrize(
    "trusted",
    [("token.actions.githubusercontent.com",), (GITHUB,), ("token.actions.*",)],
)
def test_trusted_oidc_providers_are_exempt(trusted: tuple[str, ...]) -> None:
    condition = {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}
    text = policy(trust({"Federated": GITHUB}, condition, "sts:AssumeRoleWithWebIdentity"))
    assert len(lint_with(text, select=("TRU005", "TRU006"))) == 2
    settings = RuleSettings(trusted_oidc_providers=trusted)
    assert lint_with(text, settings=settings, select=("TRU005", "TRU006")) == []


def test_github_subject_severity_by_breadth() -> None:
    values = ["repo:*", "repo:my-org/*", "repo:my-org/app:*", "repo:my-org/app:environment:prod"]
    condition = {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": values},
    }
    text = policy(trust({"Federated": GITHUB}, condition, "sts:AssumeRoleWithWebIdentity"))
    assert severities(lint_with(text)) == [
        ("TRU006", Severity.ERROR),
        ("TRU006", Severity.WARNING),
        ("TRU006", Severity.NOTE),
    ]


@pytest.mark.parametrize(
    ("claim", "value", "expected"),
    [
        ("sub", "repo:my-org/app:ref:refs/heads/main", None),
        ("sub", "repo:my-org/app:ref:refs/tags/v*", None),
        ("sub", "repo:my-org/app:ref:refs/heads/*", ("ref", "my-org/app")),
        ("sub", "repo:my-org/app:environment:*", ("ref", "my-org/app")),
        ("sub", "repo:my-org/app:pull_request", None),
        ("sub", "repo:my-org/app", None),
        ("sub", "repo:my-org/app*", ("owner", "my-org")),
        ("sub", "repo:my-org?/app:*", ("any", "my-org?")),
        ("sub", "repo:*", ("any", "*")),
        ("sub", "*:ref:refs/heads/main", ("any", "*:ref:refs/heads/main")),
        ("sub", "repository_owner_id:123:repository_id:*", None),  # custom format: not parsed
        ("repository", "my-org/*", ("owner", "my-org")),
        ("repository", "*", ("any", "*")),
    ],
)
def test_subject_breadth(claim: str, value: str, expected) -> None:
    assert subject_breadth(claim, value) == expected


# Data -------------------------------------------------------------------------------------------


def test_trust_data_principals_and_sources_are_well_formed() -> None:
    data = data_file("trust.json")
    sources = set(data["sources"])
    for group in data["service_principals"].values():
        for entry in group:
            assert classify_principal("Service", entry["principal"]).category == "service", entry
            assert set(entry["sources"]) <= sources, entry
    providers = data["oidc_providers"]
    assert providers[-1]["match"] == "*"
    for entry in providers:
        assert set(entry["sources"]) <= sources, entry
        assert entry["audience"] and entry["audience_severity"] in ("error", "warning", "note")
        if entry["subject"]:
            assert entry["subject_severity"] in ("error", "warning", "note")


def test_rows_are_reported_at_the_principal_value() -> None:
    text = policy(
        trust({"Federated": "accounts.google.com"}, None, "sts:AssumeRoleWithWebIdentity")
    )
    rows = as_rows(lint_with(text))
    assert [(r[0], r[1]) for r in rows] == [("TRU005", 7)]
