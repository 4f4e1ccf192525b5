"""LPR001-LPR010: what the fixtures cannot express.

The fixture files pin spans and messages. These tests pin per-finding severities, the data files
against the catalog, the privilege-escalation index (it must look statements up by action, not
try every method against every statement), the AWS documentation examples that must stay clean,
and the triaged error-level findings on the AWS managed policy corpus.
"""

from __future__ import annotations

import json
import re
import textwrap

import pytest

import linter.grants
from checks.privilege_escalation import allowed_methods, escalation_grants, escalation_methods
from linter.catalog import load_catalog
from linter.data_files import data_file
from linter.engine import Linter, LintOptions
from linter.grants import matches_every_action, reaches_every_resource
from linter.model import Finding, PolicyType, Severity
from linter.policy import Policy
from linter.principals import limits_public_access
from tests.conftest import FIXTURES, ROOT, policy

LPR = tuple(f"LPR{n:03d}" for n in range(1, 11))


def lint_with(text: str, policy_type: str, select: tuple[str, ...] = LPR) -> list[Finding]:
    options = LintOptions(select=select, policy_type=PolicyType(policy_type))
    return Linter(options).lint_text(textwrap.dedent(text).strip() + "\n", "policy.json").findings


def rows(findings: list[Finding]) -> list[tuple[str, int, Severity]]:
    return [(f.rule_id, f.span.line, f.severity) for f in findings]


def allow(action, resource="*", **extra) -> dict:
    key = "NotAction" if extra.pop("not_action", False) else "Action"
    return {"Effect": "Allow", key: action, "Resource": resource, **extra}


# Data files ---------------------------------------------------------------------------------------

RHINO_2018 = [
    "CreateNewPolicyVersion",
    "SetExistingDefaultPolicyVersion",
    "CreateEC2WithExistingIP",
    "CreateAccessKey",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "AttachUserPolicy",
    "AttachGroupPolicy",
    "AttachRolePolicy",
    "PutUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "AddUserToGroup",
    "UpdateRolePolicyToAssumeIt",
    "PassExistingRoleToNewLambdaThenInvoke",
    "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
    "EditExistingLambdaFunctionWithRole",
    "PassExistingRoleToNewGlueDevEndpoint",
    "UpdateExistingGlueDevEndpoint",
    "PassExistingRoleToCloudFormation",
    "PassExistingRoleToNewDataPipeline",
]


def test_privilege_escalation_data_is_versioned_sourced_and_in_the_catalog() -> None:
    data = data_file("privilege_escalation.json")
    catalog = load_catalog()
    assert data["version"]
    methods = data["methods"]
    names = [m["name"] for m in methods]
    assert len(names) == len(set(names)) == 72
    assert len({m["id"] for m in methods}) == 72
    # Rhino Security Labs' 21 methods of 2018 (#16 counted once: two DynamoDB variants)
    assert set(RHINO_2018) <= set(names)
    assert sum("RHINO-2018" in m["also_in"] for m in methods) == 22
    assert sum("CLOUDSPLAINING-0.9.1" in m["also_in"] for m in methods) == 59
    # Bishop Fox iam-vulnerable's 31 paths (the two Lambda-Dynamo variants are one path there)
    assert sum("BISHOPFOX-IAM-VULNERABLE" in m["also_in"] for m in methods) == 31
    for method in methods:
        assert method["source"].startswith("https://"), method["name"]
        assert method["impact"] in ("administrator", "role"), method["name"]
        assert ("passes_role_to" in method) == ("iam:PassRole" in method["actions"]), method
        for action in method["actions"]:
            found = catalog.action(action)
            assert found is not None and found.full_name == action, action
        for ref in method["also_in"]:
            assert ref in data["sources"] or ref.startswith("https://pathfinding.cloud/"), ref
    covered = [m["name"] for m in methods if "covered_by" in m]
    assert covered == [
        "CreateAccessKey",
        "CreateLoginProfile",
        "UpdateLoginProfile",
        "CreateAndRotateAccessKey",
    ]


@pytest.mark.parametrize("name", ["credentials_exposure.json", "data_exfiltration.json"])
def test_action_lists_have_sources_and_exist_in_the_catalog(name: str) -> None:
    data = data_file(name)
    catalog = load_catalog()
    actions = [entry["action"] for entry in data["actions"]]
    assert len(actions) == len(set(actions))
    for entry in data["actions"]:
        found = catalog.action(entry["action"])
        assert found is not None and found.full_name == entry["action"], entry
        assert entry["sources"] and all(s in data["sources"] for s in entry["sources"]), entry
    for entry in data.get("not_included", ()):
        assert entry["reason"] and entry["action"] not in actions


def test_credential_lists_leave_iam_user_credentials_to_crd001() -> None:
    actions = {e["action"] for e in data_file("credentials_exposure.json")["actions"]}
    crd = {e["action"] for e in data_file("long_term_credentials.json")["actions"]}
    assert not actions & crd


# Helpers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("*", True),
        ("arn:aws:iam::111122223333:role/*", True),
        ("arn:aws:iam::*:role/*", True),
        ("arn:aws:iam::*:*", True),
        ("arn:aws:iam::*:role/service-role/*", False),
        ("arn:aws:iam::*:role/app-*", False),
        ("arn:aws:iam::*:role/${aws:username}", False),
        ("arn:aws:iam::*:user/*", False),  # not a role
        ("arn:aws:s3:::*", False),
    ],
)
def test_reaches_every_role(value: str, expected: bool) -> None:
    pass_role = load_catalog().action("iam:PassRole")
    assert reaches_every_resource(value, pass_role) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("arn:aws:s3:::*/*", True), ("arn:aws:s3:::transcripts/*", False), ("*", True)],
)
def test_reaches_every_object(value: str, expected: bool) -> None:
    assert reaches_every_resource(value, load_catalog().action("s3:GetObject")) is expected


def test_an_action_without_resource_types_is_reached_only_by_star() -> None:
    start = load_catalog().action("transcribe:StartTranscriptionJob")
    assert reaches_every_resource("*", start)
    assert not reaches_every_resource("arn:aws:transcribe:*:*:*", start)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("*", True), ("*:*", True), ("**", True), ("s3:*", False), ("*:Get*", False), ("", False)],
)
def test_matches_every_action(value: str, expected: bool) -> None:
    assert matches_every_action(value) is expected


@pytest.mark.parametrize(
    ("operator", "key", "values", "expected"),
    [
        ("StringEquals", "kms:CallerAccount", "111122223333", True),
        ("StringEquals", "kms:ViaService", "ec2.us-west-2.amazonaws.com", False),
        ("StringEquals", "AWS:SourceAccount", ["111122223333", "444455556666"], True),
        ("StringEqualsIfExists", "aws:SourceAccount", "111122223333", False),
        ("StringNotEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5", False),
        ("StringLike", "aws:PrincipalOrgID", "o-*", False),
        ("StringEquals", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*", True),
        ("ArnLike", "aws:SourceArn", "arn:aws:s3:::transcripts", True),
        ("ArnLike", "aws:SourceArn", "arn:aws:s3:::*", False),
        ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/admin", False),
        ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/*", True),
        ("StringEquals", "aws:SourceVpce", "vpce-1a2b3c4d", True),
        ("IpAddress", "aws:SourceIp", "203.0.113.0/24", True),
        ("IpAddress", "aws:SourceIp", ["203.0.113.0/24", "::/0"], False),
        ("StringLike", "aws:userid", "AROAEXAMPLEID:*", True),
        ("StringLike", "aws:userid", "*:jane", False),
        ("Bool", "aws:SecureTransport", "true", False),
    ],
)
def test_limits_public_access(operator: str, key: str, values, expected: bool) -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    statement["Condition"] = {operator: {key: values}}
    parsed = Policy({"Statement": [statement]}, PolicyType.RESOURCE)
    (entry,) = parsed.statements[0].conditions
    assert limits_public_access(entry) is expected


# Privilege escalation: the index ------------------------------------------------------------------


def _escalation_policy(irrelevant: int) -> Policy:
    statements = [
        allow("s3:GetObject", f"arn:aws:s3:::bucket-{n}/*", Sid=f"Data{n}")
        for n in range(irrelevant)
    ]
    statements.insert(irrelevant // 2, allow("iam:PassRole", Sid="PassAnyRole"))
    statements.append(allow(["lambda:CreateFunction", "lambda:InvokeFunction"], Sid="Functions"))
    return Policy({"Version": "2012-10-17", "Statement": statements}, PolicyType.IDENTITY)


def test_escalation_detection_indexes_statements_by_action(monkeypatch) -> None:
    """Statements about other services cost no pattern match and no catalog lookup: the work
    grows with the statements that name a method's service, not with methods x statements."""
    counts = {"match": 0, "lookup": 0}
    real_match = linter.grants.action_pattern_matches
    catalog = load_catalog()
    real_action = catalog.action

    def counting_match(pattern: str, name: str) -> bool:
        counts["match"] += 1
        return real_match(pattern, name)

    def counting_action(name: str):
        counts["lookup"] += 1
        return real_action(name)

    monkeypatch.setattr(linter.grants, "action_pattern_matches", counting_match)
    monkeypatch.setattr(catalog, "action", counting_action)
    measured = []
    for irrelevant in (10, 1000):
        counts.update(match=0, lookup=0)
        found = allowed_methods(_escalation_policy(irrelevant), catalog)
        assert [c.method.name for c in found] == ["PassExistingRoleToNewLambdaThenInvoke"]
        measured.append(dict(counts))
    assert measured[0] == measured[1]  # 990 more statements, not one more match or lookup
    assert measured[1]["lookup"] == 3  # iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction
    assert measured[1]["match"] == 0  # exact names are set lookups, not pattern matches


def test_escalation_index_holds_the_unrestricted_method_actions() -> None:
    parsed = _escalation_policy(3)
    first = escalation_grants(parsed, load_catalog())
    assert set(first) == {"iam:passrole", "lambda:createfunction", "lambda:invokefunction"}
    assert [grant.statement.sid for grant in first["iam:passrole"]] == ["PassAnyRole"]


def test_method_is_reported_at_the_statement_that_completes_it() -> None:
    text = policy(
        allow("lambda:InvokeFunction", Sid="Invoke"),
        allow(["s3:GetObject", "iam:PassRole"], Sid="Pass"),
        allow("lambda:CreateFunction", Sid="Create"),
    )
    (finding,) = lint_with(text, "identity", ("LPR003",))
    assert finding.json_path == ("Statement", 2, "Action")
    assert finding.severity is Severity.WARNING
    assert (
        'PassExistingRoleToNewLambdaThenInvoke (iam:PassRole from statement "Pass", '
        'lambda:InvokeFunction from statement "Invoke" with lambda:CreateFunction here)'
    ) in finding.message


def test_unconditional_deny_breaks_a_method_and_a_conditional_one_does_not() -> None:
    statements = [
        allow("iam:PassRole"),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
    ]
    deny = {"Effect": "Deny", "Action": "lambda:Invoke*", "Resource": "*"}
    assert lint_with(policy(*statements, deny), "identity", ("LPR003",)) == []
    conditional = {**deny, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
    assert len(lint_with(policy(*statements, conditional), "identity", ("LPR003",))) == 1
    on_one_function = {**deny, "Resource": "arn:aws:lambda:us-west-2:111122223333:function:x"}
    assert len(lint_with(policy(*statements, on_one_function), "identity", ("LPR003",))) == 1


def test_passed_to_service_selects_the_methods() -> None:
    def methods(services) -> list[str]:
        condition = {"StringEquals": {"iam:PassedToService": services}}
        parsed = Policy(
            {
                "Statement": [
                    allow("iam:PassRole", Condition=condition),
                    allow(["ec2:RunInstances", "lambda:CreateFunction", "lambda:InvokeFunction"]),
                ]
            },
            PolicyType.IDENTITY,
        )
        return [c.method.name for c in allowed_methods(parsed, load_catalog())]

    assert methods("lambda.amazonaws.com") == ["PassExistingRoleToNewLambdaThenInvoke"]
    assert methods(["ec2.amazonaws.com"]) == ["CreateEC2WithExistingIP"]
    assert methods("transcribe.amazonaws.com") == []


def test_a_method_that_contains_another_is_not_listed() -> None:
    text = policy(allow(["iam:AttachUserPolicy", "iam:CreateAccessKey"], "*"))
    (finding,) = lint_with(text, "identity", ("LPR003",))
    assert "AttachUserPolicy (iam:AttachUserPolicy)" in finding.message
    assert "ThenCreateAccessKey" not in finding.message
    assert finding.severity is Severity.ERROR


def test_every_checked_method_has_an_impact() -> None:
    administrator = {m.name for m in escalation_methods() if m.administrator}
    assert {"CreateNewPolicyVersion", "AttachRolePolicy", "PutUserPolicy"} <= administrator
    assert "PassExistingRoleToNewLambdaThenInvoke" not in administrator
    assert len(escalation_methods()) == 68  # 72 minus the four CRD001 covers


# Severities the fixtures do not pin ---------------------------------------------------------------


def test_fixture_severities() -> None:
    def severities(path: str) -> list[tuple[str, int, Severity]]:
        linter_ = Linter(LintOptions(select=(path.split("/")[0],)))
        data = (FIXTURES / path).read_bytes()
        return rows(linter_.lint_bytes(data, path.split("/")[1]).findings)

    e, w, n = Severity.ERROR, Severity.WARNING, Severity.NOTE
    assert severities("LPR003/bad_across_statements.identity.json") == [
        ("LPR003", 13, w),
        ("LPR003", 18, e),
        ("LPR003", 24, e),
    ]
    assert severities("LPR004/bad_not_action.identity.json") == [
        ("LPR004", 7, w),
        ("LPR004", 13, n),
        ("LPR004", 19, n),
    ]
    assert severities("LPR005/bad_not_resource.identity.json") == [
        ("LPR005", 8, w),
        ("LPR005", 14, w),
        ("LPR005", 20, n),
    ]
    assert severities("LPR006/bad_not_principal.resource.json") == [
        ("LPR006", 7, e),
        ("LPR006", 14, w),
    ]
    assert [s for *_, s in severities("LPR009/bad_exfiltration.identity.json")] == [n] * 4
    assert [s for *_, s in severities("LPR010/bad_write_on_star.identity.json")] == [n] * 3


# AWS documentation examples (domain.md) stay clean ------------------------------------------------

DOCUMENTATION_EXAMPLES = {
    # §4.1 KMS encryption context policy (key policy: "*" means this key)
    "kms-key-4.1": (
        "kms-key",
        policy(
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
        ),
    ),
    # §4.5 tag view jobs (List action on "*"); §4.10 S3 buckets of the Transcribe IAM page
    "identity-4.5-4.10": (
        "identity",
        policy(
            allow("transcribe:ListTranscriptionJobs", Sid="ListTranscriptionJobsInConsole"),
            allow(
                "transcribe:GetTranscriptionJob",
                "arn:aws:transcribe:*:*:transcription-job/*",
                Condition={"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}},
            ),
            allow(
                ["s3:GetObject", "s3:ListBucket"],
                [
                    "arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET",
                    "arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET/*",
                ],
            ),
            allow(["s3:PutObject"], ["arn:aws:s3:::DOC-EXAMPLE-OUTPUT-BUCKET/*"]),
        ),
    ),
    # §7.2 revoking old sessions: a Deny of "*" on "*" is not an admin grant
    "identity-7.2": (
        "identity",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Deny",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2014-05-07T23:47:00Z"}},
                },
            }
        ),
    ),
    # §6.2 the IAM self-rotation policy (credential creation on the caller itself)
    "identity-6.2": (
        "identity",
        policy(
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
                "arn:aws:iam::*:user/${aws:username}",
            )
        ),
    ),
    # §4.7 Transcribe role trust policy
    "trust-4.7": (
        "trust",
        policy(
            {
                "Effect": "Allow",
                "Principal": {"Service": ["transcribe.amazonaws.com"]},
                "Action": ["sts:AssumeRole"],
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": "111122223333"},
                    "StringLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"},
                },
            }
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTATION_EXAMPLES))
def test_aws_documentation_examples_are_clean(name: str) -> None:
    policy_type, text = DOCUMENTATION_EXAMPLES[name]
    assert lint_with(text, policy_type) == []


# The AWS managed policy corpus --------------------------------------------------------------------

# Every error-level LPR finding on ../shared/corpus/aws-managed, triaged by hand: each policy really
# grants what the finding says (full administrator access, or a way to write itself any permission).
CORPUS_ERRORS = [
    ("AdministratorAccess-Amplify.json", "LPR003", 220),  # CreatePolicyVersion, AttachRolePolicy,
    # CreatePolicyVersion on "*" (one statement: lambda and iam actions for Amplify backends)
    ("AdministratorAccess.json", "LPR001", 5),  # "*" on "*"
    ("IAMFullAccess.json", "LPR003", 6),  # iam:* on "*"
]


def test_corpus_error_level_findings_are_the_triaged_ones(corpus_dir) -> None:
    linter_ = Linter(LintOptions(select=("LPR",)))
    errors = []
    for path in sorted(corpus_dir.glob("*.json")):
        for finding in linter_.lint_bytes(path.read_bytes(), path.name).findings:
            if finding.severity is Severity.ERROR:
                errors.append((path.name, finding.rule_id, finding.span.line))
    assert errors == CORPUS_ERRORS


# docs/least-privilege.md examples ---------------------------------------------------------------

_EXAMPLE = re.compile(r"<!-- iamlint-example: (\S+)((?: \S+)*) -->\n```json\n(.*?)\n```", re.DOTALL)


def _docs_examples() -> list[tuple[str, tuple[str, ...], str]]:
    text = (ROOT / "docs" / "least-privilege.md").read_text()
    return [(m.group(1), tuple(m.group(2).split()), m.group(3)) for m in _EXAMPLE.finditer(text)]


def test_docs_page_has_examples() -> None:
    assert len(_docs_examples()) >= 6


@pytest.mark.parametrize(("policy_type", "rule_ids", "text"), _docs_examples())
def test_docs_example_gets_exactly_the_rules_it_names(
    policy_type: str, rule_ids: tuple[str, ...], text: str
) -> None:
    findings = lint_with(text, policy_type)
    assert sorted({f.rule_id for f in findings}) == sorted(rule_ids), rows(findings)
