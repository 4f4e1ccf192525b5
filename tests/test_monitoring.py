"""MON001-MON003: severities, settings, AWS's key policies, the corpus and the data file.

Fixtures pin spans and messages; these tests pin per-finding severity, ``key_administrators``,
the triaged corpus findings (AWS managed policies), the speed of the CRD/TRU/MON rules on the
corpus, and that every listed action exists in the catalog with a source.
"""

from __future__ import annotations

import collections
import json
import textwrap
import time
from pathlib import Path

import pytest

from checks import RULES_BY_ID
from linter.catalog import load_catalog
from linter.context import Context, RuleSettings
from linter.data_files import data_file
from linter.engine import Linter, LintOptions
from linter.grants import names_resources
from linter.model import Finding, PolicyType, Severity
from linter.policy import Policy
from linter.policy_type import detect_policy_type
from tests.conftest import policy

MON_RULES = ("MON001", "MON002", "MON003")
ROOT = "arn:aws:iam::111122223333:root"
APP = "arn:aws:iam::111122223333:role/TranscribeApp"
ADMIN = "arn:aws:iam::111122223333:role/KeyAdmin"


def lint_with(
    text: str,
    policy_type: str = "identity",
    settings: RuleSettings | None = None,
    select: tuple[str, ...] = MON_RULES,
) -> list[Finding]:
    options = LintOptions(
        select=select, policy_type=PolicyType(policy_type), rule_settings=settings or RuleSettings()
    )
    return Linter(options).lint_text(textwrap.dedent(text).strip() + "\n", "policy.json").findings


def severities(findings: list[Finding]) -> list[tuple[str, Severity]]:
    return [(f.rule_id, f.severity) for f in findings]


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


# MON001 / MON002 --------------------------------------------------------------------------------


def test_administrator_access_gets_one_finding_per_rule() -> None:
    findings = lint_with(policy(allow("*")))
    assert severities(findings) == [
        ("MON001", Severity.WARNING),
        ("MON002", Severity.WARNING),
        ("MON003", Severity.WARNING),
    ]
    assert all(f.json_path == ("Statement", 0, "Action") for f in findings)
    assert "and 6 more" in findings[0].message  # 11 CloudTrail actions aggregated


@pytest.mark.parametrize(
    "element",
    [
        {"Action": "cloudtrail:Stop*"},
        {"Action": "*"},
        {"Action": "cloudtrail:*"},
        {"NotAction": "iam:*"},
        {"Action": ["s3:GetObject", "CLOUDTRAIL:stoplogging"]},
    ],
)
def test_stop_logging_is_granted_through_wildcards_and_not_action(element: dict) -> None:
    text = policy({"Effect": "Allow", "Resource": "*", **element})
    findings = lint_with(text, select=("MON001",))
    assert severities(findings) == [("MON001", Severity.WARNING)]
    assert "cloudtrail:StopLogging" in findings[0].message


def test_deny_is_never_reported() -> None:
    text = policy(
        {"Effect": "Deny", "Action": ["cloudtrail:*", "config:*", "kms:*"], "Resource": "*"}
    )
    assert lint_with(text) == []
    assert lint_with(policy(allow("*") | {"Effect": "Deny"}), "kms-key") == []


def test_indirect_actions_and_named_resources_are_notes() -> None:
    indirect = policy(allow(["cloudtrail:RemoveTags", "config:PutConfigRule"]))
    assert severities(lint_with(indirect)) == [
        ("MON001", Severity.NOTE),
        ("MON002", Severity.NOTE),
    ]
    named = policy(allow("cloudtrail:StopLogging", "arn:aws:cloudtrail:*:*:trail/app-audit*"))
    assert severities(lint_with(named)) == [("MON001", Severity.NOTE)]
    every = policy(allow("cloudtrail:StopLogging", "arn:aws:cloudtrail:*:*:trail/*"))
    assert severities(lint_with(every)) == [("MON001", Severity.WARNING)]


@pytest.mark.parametrize(
    ("condition", "silent"),
    [
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/SecurityAudit"}}, True),
        ({"StringEquals": {"aws:PrincipalTag/role": "security"}}, True),
        ({"StringEquals": {"aws:userid": "AROAEXAMPLEID:alice"}}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}, False),
        ({"StringEqualsIfExists": {"aws:PrincipalTag/role": "security"}}, False),
        ({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Security"}}, False),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, False),
    ],
)
def test_a_condition_naming_the_callers_silences_tamper_rules(
    condition: dict, silent: bool
) -> None:
    text = policy(allow("cloudtrail:StopLogging", Condition=condition))
    assert (lint_with(text) == []) is silent


def test_service_linked_recorder_named_by_its_service_principal_is_a_note() -> None:
    service = "network-security-director.amazonaws.com"
    condition = {"StringLikeIfExists": {"config:ConfigurationRecorderServicePrincipal": service}}
    text = policy(allow("config:DeleteServiceLinkedConfigurationRecorder", Condition=condition))
    assert severities(lint_with(text)) == [("MON002", Severity.NOTE)]
    open_condition = {"StringLike": {"config:ConfigurationRecorderServicePrincipal": "*"}}
    text = policy(
        allow("config:DeleteServiceLinkedConfigurationRecorder", Condition=open_condition)
    )
    assert severities(lint_with(text)) == [("MON002", Severity.WARNING)]


def test_scp_and_resource_policies_are_not_checked() -> None:
    assert lint_with(policy(allow("*")), "scp") == []
    statement = allow("*", Principal={"AWS": ROOT})
    assert lint_with(policy(statement), "resource") == []


# MON003 -----------------------------------------------------------------------------------------


def key_statement(actions, principal=APP, **extra) -> dict:
    return {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": actions,
        "Resource": "*",
    } | extra


HEALTHSCRIBE_KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        key_statement(["kms:*"], ROOT, Sid="AllowAccessForKeyAdministrators"),
        key_statement(
            ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
            "arn:aws:iam::111122223333:role/ResourceAccessRole",
            Condition={
                "StringEquals": {
                    "kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:session-id": (
                        "1234abcd-12ab-34cd-56ef-123456SAMPLE"
                    )
                }
            },
        ),
        key_statement("kms:DescribeKey", "arn:aws:iam::111122223333:role/ResourceAccessRole"),
    ],
}


def test_healthscribe_key_policy_is_clean() -> None:
    # domain.md 4.3: the account-root kms:* statement is AWS's default pattern.
    assert lint_with(json.dumps(HEALTHSCRIBE_KEY_POLICY, indent=2), "kms-key") == []


def test_key_user_with_admin_actions_is_reported_admin_only_is_not() -> None:
    mixed = policy(key_statement(["kms:Decrypt", "kms:ScheduleKeyDeletion"]))
    assert severities(lint_with(mixed, "kms-key")) == [("MON003", Severity.WARNING)]
    admin_only = policy(key_statement(["kms:Put*", "kms:ScheduleKeyDeletion"], ADMIN))
    assert lint_with(admin_only, "kms-key") == []


def test_key_administrators_setting_names_the_administrators() -> None:
    settings = RuleSettings(key_administrators=("arn:aws:iam::111122223333:role/Key*",))
    admin_only = policy(key_statement(["kms:Put*", "kms:ScheduleKeyDeletion"], [ADMIN, APP, ROOT]))
    findings = lint_with(admin_only, "kms-key", settings)
    assert severities(findings) == [("MON003", Severity.WARNING)]
    assert findings[0].message.startswith(f"{APP} may destroy or lock this key")
    assert lint_with(policy(key_statement("kms:*", [ADMIN, ROOT])), "kms-key", settings) == []


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"kms:ViaService": "transcribe.amazonaws.com"}},
        {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/BreakGlass"}},
    ],
)
def test_limited_key_statements_are_silent(condition: dict) -> None:
    text = policy(key_statement("kms:*", Condition=condition))
    assert lint_with(text, "kms-key") == []


def test_identity_policies_need_use_and_administration_in_one_statement() -> None:
    key = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert severities(lint_with(policy(allow("kms:*", key)))) == [("MON003", Severity.WARNING)]
    assert lint_with(policy(allow(["kms:Disable*", "kms:ScheduleKeyDeletion"]))) == []
    # kms:Decrypt on an S3 object ARN grants nothing; kms:DisableKey does reach "*"
    assert lint_with(policy(allow(["kms:Decrypt", "kms:DisableKey"], "arn:aws:s3:::b/*"))) == []


# Helpers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:cloudtrail:us-east-1:111122223333:trail/app", True),
        ("arn:aws:cloudtrail:*:*:trail/aws-controltower*", True),
        ("arn:aws:iam::*:user/${aws:username}", True),
        ("arn:aws:cloudtrail:*:*:trail/*", False),
        ("arn:aws:cloudtrail:*:*:*", False),
        ("arn:aws:config:*:*:config-rule/?abc", False),
        ("arn:aws:s3:::bucket", True),
        ("arn:aws:s3:::*", False),
        ("*", False),
    ],
)
def test_names_resources(arn: str, expected: bool) -> None:
    assert names_resources(arn) is expected


def test_tamper_data_actions_exist_and_cite_sources() -> None:
    data = data_file("monitoring_tamper.json")
    catalog = load_catalog()
    sources = set(data["sources"])
    for group in ("cloudtrail", "config", "kms_key_tamper"):
        for entry in data[group]:
            assert catalog.action(entry["action"]) is not None, entry
            assert entry["sources"] and set(entry["sources"]) <= sources, entry
            assert entry.get("severity", "warning") in ("warning", "note"), entry
    for name in data["kms_key_use"]["actions"]:
        assert catalog.action(name) is not None, name
    credentials = data_file("long_term_credentials.json")
    for entry in credentials["actions"]:
        assert catalog.action(entry["action"]) is not None, entry
        assert set(entry["sources"]) <= set(credentials["sources"]), entry


# Corpus -----------------------------------------------------------------------------------------

# Triaged by hand (see docs/transcribe-credentials-roles-monitoring.md): every finding is true;
# the warnings are admin job-function policies and AWS service(-linked) role policies whose job is
# managing trails, recorders or rules; no error-level finding.
CORPUS_COUNTS = {
    ("MON001", "warning"): 6,
    ("MON001", "note"): 3,
    ("MON002", "warning"): 10,
    ("MON002", "note"): 17,
    ("MON003", "warning"): 3,
}


def test_corpus_counts(corpus_dir: Path) -> None:
    findings = Linter(LintOptions(select=MON_RULES)).lint_paths([str(corpus_dir)]).findings
    counts = collections.Counter((f.rule_id, f.severity.value) for f in findings)
    assert dict(counts) == CORPUS_COUNTS
    by_file = {(Path(f.path).name, f.rule_id) for f in findings if f.rule_id == "MON003"}
    assert by_file == {
        ("AdministratorAccess.json", "MON003"),
        ("PowerUserAccess.json", "MON003"),
        ("AWSMcpServiceActionsFullAccess.json", "MON003"),
    }


def test_crd_tru_mon_rules_are_fast_on_the_corpus(corpus_dir: Path) -> None:
    documents = [json.loads(p.read_text()) for p in sorted(corpus_dir.glob("*.json"))]
    policies = []
    for document in documents:
        item = Policy(document, PolicyType.IDENTITY)
        item.policy_type = detect_policy_type(item)
        policies.append(item)
    context = Context()
    context.catalog.match_actions("*")
    rules = [RULES_BY_ID[r]() for r in RULES_BY_ID if r[:3] in ("CRD", "TRU", "MON")]

    def run_all() -> float:
        start = time.perf_counter()
        for item in policies:
            for rule in rules:
                if item.policy_type in rule.policy_types:
                    list(rule.run(item, context))
        return time.perf_counter() - start

    run_all()  # builds the statement model every rule shares (Items, conditions, the action index)
    elapsed = run_all()
    # ~0.15 s measured on a 2-core machine; the bound catches quadratic regressions, not noise
    assert elapsed < 1.0, elapsed
