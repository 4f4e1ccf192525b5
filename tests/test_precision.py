"""Right on other people's policies: policy types by content, placeholders, one finding per
problem, precise defaults (issue 13). Every case asserts exact findings."""

from __future__ import annotations

import json

import pytest

from checks import RULE_INFO_BY_ID, RULES
from linter import config
from linter.engine import Linter, LintOptions
from linter.model import Finding, PolicyType, Severity, Span
from linter.placeholders import is_placeholder, placeholders_in
from linter.policy import Policy
from linter.policy_type import (
    detect_policy_type,
    detect_policy_type_and_reason,
    explain_policy_type,
)
from linter.selection import select_rules, unknown_selectors
from linter.subsumption import merge_subsumed, statement_prefix
from tests.conftest import as_rows


def _lint(text: str, path: str = "policy.json", select: tuple[str, ...] = ("ALL",)) -> list:
    return Linter(LintOptions(select=select)).lint_text(text, path).findings


def _rows(text: str, path: str = "policy.json", select: tuple[str, ...] = ("ALL",)) -> list:
    return as_rows(_lint(text, path, select))


def _type(document: dict) -> tuple[PolicyType, str]:
    return detect_policy_type_and_reason(Policy(document, PolicyType.IDENTITY))


# -- 1. policy types by content ---------------------------------------------------------------

RCP_WEB_IDENTITY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyBuiltInWebIdentity",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Resource": "*",
      "Condition": {"Null": {"www.amazon.com:app_id": "false"}}
    }
  ]
}
"""

ENDPOINT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5",
                                     "aws:ResourceOrgID": "o-a1b2c3d4e5"}}
    },
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*",
      "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}
    }
  ]
}
"""


def test_a_sts_only_rcp_with_resource_is_not_a_trust_policy() -> None:
    document = json.loads(RCP_WEB_IDENTITY)
    assert _type(document) == (
        PolicyType.RESOURCE,
        'content: every statement denies Principal "*": a resource control policy or a '
        "resource policy's guard, judged by the rules that hold for both",
    )
    assert _rows(RCP_WEB_IDENTITY) == []  # neither PRI007 nor GRM007 (trust rules)


def test_a_trust_policy_is_still_a_trust_policy() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }
    assert _type(document) == (
        PolicyType.TRUST,
        "content: a Principal with only sts:AssumeRole* actions and no Resource",
    )
    # Resource makes it something else, never a trust policy
    document["Statement"][0]["Resource"] = "*"
    assert _type(document)[0] is PolicyType.RESOURCE


def test_an_endpoint_policy_is_detected_and_judged_as_one() -> None:
    assert _type(json.loads(ENDPOINT)) == (
        PolicyType.VPC_ENDPOINT,
        'content: every Principal is "*" and an Allow filters rather than grants (Action "*" on '
        'Resource "*", or a condition on the resource\'s owner): a VPC endpoint policy (or an '
        "RCP, judged alike)",
    )
    # no LPR007 public principal, no KMS001/TRN grant notes on the filter statements
    assert _rows(ENDPOINT) == []


def test_an_endpoint_statement_on_the_resource_owner_marks_the_type() -> None:
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::*/*",
                "Condition": {"StringEquals": {"aws:ResourceAccount": "111122223333"}},
            }
        ]
    }
    assert _type(document)[0] is PolicyType.VPC_ENDPOINT


def test_a_public_bucket_policy_stays_a_resource_policy_and_is_reported() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::transcripts/*"}
  ]
}
"""
    assert _type(json.loads(text)) == (PolicyType.RESOURCE, "content: a Principal with a Resource")
    assert _rows(text, select=("LPR007",)) == [
        (
            "LPR007",
            4,
            38,
            4,
            41,
            'Principal "*" makes s3:GetObject public: anyone, in any AWS account or anonymous, is '
            "allowed; name the accounts or roles, or add a condition on aws:SourceAccount, "
            "aws:PrincipalOrgID or aws:PrincipalAccount",
        )
    ]


def test_identity_and_key_policies_by_content() -> None:
    identity = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    assert _type(identity) == (
        PolicyType.IDENTITY,
        "content: no statement has a Principal (an SCP looks the same: name it *.scp.json)",
    )
    key = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
    }
    assert _type(key) == (PolicyType.KMS_KEY, "content: a Principal with only kms: actions on keys")
    assert detect_policy_type(Policy(key, PolicyType.IDENTITY)) is PolicyType.KMS_KEY


def test_explain_policy_type_gives_the_precedence_and_the_reason() -> None:
    policy = Policy(json.loads(ENDPOINT), PolicyType.IDENTITY)
    assert explain_policy_type("a.json", policy, override=PolicyType.RCP) == (
        PolicyType.RCP,
        "--policy-type",
    )
    globs = (("org/*.json", PolicyType.SCP),)
    assert explain_policy_type("org/a.json", policy, globs=globs) == (
        PolicyType.SCP,
        'configuration policy-types "org/*.json"',
    )
    assert explain_policy_type("org/a.rcp.json", policy) == (
        PolicyType.RCP,
        'file name suffix ".rcp.json"',
    )
    assert explain_policy_type(
        "a.json", policy, implied=PolicyType.TRUST, wrapper="aws iam get-role"
    ) == (PolicyType.TRUST, "wrapper: aws iam get-role")
    assert explain_policy_type("a.json", policy)[0] is PolicyType.VPC_ENDPOINT


def test_an_endpoint_policy_statement_needs_a_principal() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "NoPrincipal", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
  ]
}
"""
    assert _rows(text, "ep.vpc-endpoint.json", select=("GRM008",)) == [
        ("GRM008", 4, 6, 4, 11, 'a statement in a VPC endpoint policy needs a "Principal"')
    ]


def test_an_endpoint_policy_over_its_size_quota() -> None:
    actions = [f"s3:GetObject{i:05d}" for i in range(1200)]
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": actions, "Resource": "*"}
            ],
        }
    )
    assert _rows(text, "ep.vpc-endpoint.json", select=("POL004",)) == [
        (
            "POL004",
            1,
            2,
            1,
            11,
            "the VPC endpoint policy has 24,099 characters even with all whitespace between "
            "tokens removed, over the 20,480-character quota (whitespace counts too); shorten it",
        )
    ]


# -- 2. LPR007 ----------------------------------------------------------------------------------


def test_public_principal_limited_to_aws_services_is_not_public() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
     "Resource": "arn:aws:sqs:us-east-1:111122223333:q",
     "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}
  ]
}
"""
    assert _rows(text, "q.resource.json", select=("LPR007",)) == []
    # BoolIfExists "true" does not count: requests without the key pass
    weak = text.replace('"Bool"', '"BoolIfExists"')
    assert [r[0] for r in _rows(weak, "q.resource.json", select=("LPR007",))] == ["LPR007"]


def test_public_principal_message_when_anonymous_callers_are_excluded() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
     "Resource": "arn:aws:sqs:us-east-1:111122223333:q",
     "Condition": {"StringEquals": {"aws:PrincipalTag/team": "media"}}}
  ]
}
"""
    assert _rows(text, "q.resource.json", select=("LPR007",)) == [
        (
            "LPR007",
            4,
            38,
            4,
            41,
            'Principal "*" makes sqs:SendMessage public: any principal of any AWS account is '
            "allowed; name the accounts or roles, or add a condition on aws:SourceAccount, "
            "aws:PrincipalOrgID or aws:PrincipalAccount",
        )
    ]


def test_public_principal_is_silent_on_endpoint_policies() -> None:
    text = """{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
"Resource": "arn:aws:s3:::b/*"}]}"""
    assert _rows(text, "ep.vpc-endpoint.json", select=("LPR007", "KMS001")) == []


# -- 3. placeholders ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("arn:aws:ssm:<region>::document/*", ["<region>"]),
        ("<my-vpc>", ["<my-vpc>"]),
        ("[MAX_SIGNATURE_AGE_IN_MILLISECONDS]", ["[MAX_SIGNATURE_AGE_IN_MILLISECONDS]"]),
        ("arn:aws:iam::${Account}:role/${aws:username}", ["${Account}"]),
        ("arn:aws:s3:::${AWS::Region}-logs", ["${AWS::Region}"]),
        ("{{ bucket }}/*", ["{{ bucket }}"]),
        ("${self:custom.bucket}-${opt:stage}", ["${self:custom.bucket}", "${opt:stage}"]),
        (
            "${file(./config.yml):account}${cf(us-east-1):s.o}",
            ["${file(./config.yml):account}", "${cf(us-east-1):s.o}"],
        ),
        ("${ssm:parameter}${s3:prefix}", []),  # could be IAM keys: not guessed
        ("<a>-<a>-<b>", ["<a>", "<b>"]),
        ("arn:aws:s3:::home/${aws:username}/*", []),
        ("${aws:PrincipalTag/team, 'none'}", []),
        ("${*}${?}${$}", []),
        ("${}", []),  # a malformed IAM variable: CND015's
        ("EXAMPLE-BUCKET", []),
        ("a<b", []),
        ("[x]", []),
        (17, []),
    ],
)
def test_placeholders_in(value: object, found: list[str]) -> None:
    assert placeholders_in(value) == found
    assert is_placeholder(value) is bool(found)


PLACEHOLDERS = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": ["s3:*", "<action>"],
      "Resource": ["arn:aws:s3:::logs-<region>/*", "arn:aws:ssm:<region>::document/*",
                   "arn:aws:lambda:*:<service-account-id>:layer:*"],
      "Condition": {
        "StringNotEquals": {"aws:SourceVpc": "<my-vpc>", "<idp>:sub": "x"},
        "NumericGreaterThan": {"s3:signatureAge": "[MAX_SIGNATURE_AGE]"},
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${Account}:role/x"}
      }
    }
  ]
}
"""


def test_each_placeholder_is_one_finding_and_no_other_rule_reports_its_value() -> None:
    assert _rows(PLACEHOLDERS) == [
        (
            "POL007",
            6,
            26,
            6,
            36,
            "<action> is an unfilled template placeholder: the policy cannot be deployed as "
            "written; replace it with the real value",
        ),
        (
            "POL007",
            7,
            20,
            7,
            50,
            '<region> is an unfilled template placeholder in "arn:aws:s3:::logs-<region>/*" (and '
            "in 1 more value): the policy cannot be deployed as written; replace it with the real "
            "value",
        ),
        (
            "POL007",
            8,
            20,
            8,
            67,
            '<service-account-id> is an unfilled template placeholder in "arn:aws:lambda:*:'
            '<service-account-id>:layer:*": the policy cannot be deployed as written; replace it '
            "with the real value",
        ),
        (
            "POL007",
            10,
            46,
            10,
            56,
            "<my-vpc> is an unfilled template placeholder: the policy cannot be deployed as "
            "written; replace it with the real value",
        ),
        (
            "POL007",
            10,
            58,
            10,
            69,
            '<idp> is an unfilled template placeholder in "<idp>:sub": the policy cannot be '
            "deployed as written; replace it with the real value",
        ),
        (
            "POL007",
            11,
            51,
            11,
            72,
            "[MAX_SIGNATURE_AGE] is an unfilled template placeholder: the policy cannot be "
            "deployed as written; replace it with the real value",
        ),
        (
            "POL007",
            12,
            41,
            12,
            73,
            '${Account} is an unfilled template placeholder in "arn:aws:iam::${Account}:role/x": '
            "the policy cannot be deployed as written; replace it with the real value",
        ),
    ]


# -- 4. one finding per problem -----------------------------------------------------------------

ADMIN = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*"}
  ]
}
"""


def test_full_admin_absorbs_the_grants_of_its_statement() -> None:
    findings = _lint(ADMIN, "admin.json", select=("LPR001", "CRD", "KMS", "MON", "TRN"))
    merged = merge_subsumed(findings, RULE_INFO_BY_ID)
    assert as_rows(merged) == [
        (
            "LPR001",
            4,
            35,
            4,
            38,
            'the statement allows every action ("*") on every resource: full administrator '
            "access; list the actions and resources the principal needs, or add a condition that "
            "narrows the grant; this also grants what CRD001, KMS001, MON001, MON002, MON003, "
            "TRN001, TRN002, TRN003 and TRN004 report",
        ),
        (
            "MON001",
            5,
            35,
            5,
            59,
            "the statement allows stopping, deleting or changing CloudTrail logging "
            "(cloudtrail:StopLogging); allow these actions only to a security administration role "
            "(e.g. with an aws:PrincipalArn condition) and deny them to everyone else with an SCP",
        ),
    ]
    assert merged[0].severity is Severity.ERROR
    # an iterable of RuleInfo works as well as the mapping
    assert merge_subsumed(findings, RULES) == merged


def _finding(rule: str, json_path: tuple, source: str = "", severity=Severity.NOTE) -> Finding:
    return Finding("p.json", Span(1, 1, 1, 2), rule, "m", severity, json_path, "", source)


def test_merge_keeps_statements_and_sources_apart() -> None:
    cause = _finding("LPR001", ("PolicyVersion", "Document", "Statement", 0, "Action"))
    same = _finding("KMS001", ("PolicyVersion", "Document", "Statement", 0, "Action"))
    other_statement = _finding("KMS001", ("PolicyVersion", "Document", "Statement", 1, "Action"))
    other_source = cause._replace(rule_id="CRD001", source="role/app")
    unrelated = _finding("ACT002", ("PolicyVersion", "Document", "Statement", 0, "Action"))
    merged = merge_subsumed([cause, same, other_statement, other_source, unrelated], RULES)
    assert [(f.rule_id, f.json_path[3], f.source) for f in merged] == [
        ("ACT002", 0, ""),
        ("CRD001", 0, "role/app"),
        ("KMS001", 1, ""),
        ("LPR001", 0, ""),
    ]
    assert merged[3].message == "m; this also grants what KMS001 reports"
    assert statement_prefix(("Statement", "Action")) == ("Statement",)
    assert statement_prefix(("Version",)) is None


def test_retired_service_entries_are_one_finding_per_statement() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["deepracer:Get*", "s3:GetObject", "deepracer:List*",
     "deepracer:Create*", "deepracer:Delete*", "s4:GetObject"], "Resource": "*"}
  ]
}
"""
    assert _rows(text, select=("ACT001",)) == [
        (
            "ACT001",
            4,
            36,
            4,
            52,
            'the service prefix "deepracer" of deepracer:Get*, deepracer:List*, deepracer:Create* '
            "and 1 more (AWS DeepRacer) is no longer in the IAM catalog of 2025-12-02: AWS removed "
            "it from the Service Authorization Reference (retired or renamed service), so these "
            "entries match nothing; remove them",
        ),
        (
            "ACT001",
            5,
            48,
            5,
            62,
            'the service prefix "s4" of s4:GetObject is not in the IAM catalog of 2025-12-02 (did '
            'you mean s3:GetObject?); fix the prefix, or refresh the catalog with "iamlint catalog '
            'update --from FILE" if the service is newer',
        ),
    ]


# -- 5. precise defaults ------------------------------------------------------------------------


def test_default_selection_leaves_opt_in_rules_out() -> None:
    options, _ = config.resolve(None, config.CommandLine())
    assert options.select == ("DEFAULT",)
    default_ids = {rule.id for rule in select_rules(RULES, options.select, ())}
    assert "LPR010" not in default_ids and "ACT004" not in default_ids
    assert {"LPR001", "LPR007", "POL007", "GRM001"} <= default_ids
    assert {rule.id for rule in select_rules(RULES, ("ALL",), ())} == {r.id for r in RULES}
    extended = {rule.id for rule in select_rules(RULES, ("DEFAULT", "LPR010"), ())}
    assert extended == default_ids | {"LPR010"}
    # naming a prefix opts its rules in, as --select ALL does
    assert "LPR010" in {rule.id for rule in select_rules(RULES, ("LPR",), ())}
    assert unknown_selectors(RULES, ("DEFAULT", "ALL")) == []


def test_opt_in_rules_are_the_measured_ones() -> None:
    assert sorted(rule.id for rule in RULES if not rule.default) == [
        "ACT004",
        "CND006",
        "CND011",
        "CRD002",
        "KMS001",
        "LPR009",
        "LPR010",
        "POL001",
        "POL002",
        "POL003",
        "PRI011",
        "TRN001",
        "TRN002",
        "TRN003",
    ]


def test_default_run_on_a_write_statement_has_no_lpr010_note() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "sqs:Delete*", "Resource": "*"}]}'
    )
    assert [r[0] for r in _rows(text, select=("ALL",))] == ["LPR010"]
    assert _rows(text, select=("DEFAULT",)) == []


# -- 6. privilege escalation catalog ------------------------------------------------------------


def test_newer_catalog_methods_are_found_across_statements() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["ssm:SendCommand", "batch:RegisterJobDefinition", "batch:SubmitJob"], "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
     "Condition": {"StringEquals": {"iam:PassedToService": "batch.amazonaws.com"}}}
  ]
}
"""  # noqa: E501
    tail = (
        "; scope these actions to named resources or add conditions (iam:PassedToService for "
        "iam:PassRole), or split them between roles"
    )
    assert _rows(text, select=("LPR003",)) == [
        (
            "LPR003",
            4,
            36,
            4,
            53,
            "the policy allows privilege escalation to the permissions of other roles by a method: "
            "SendCommandToInstanceWithRole (ssm:SendCommand)" + tail,
        ),
        (
            "LPR003",
            5,
            35,
            5,
            49,
            "the policy allows privilege escalation to the permissions of other roles by a method: "
            "PassExistingRoleToNewBatchJob (batch:RegisterJobDefinition from Statement[0], "
            "batch:SubmitJob from Statement[0] with iam:PassRole here)" + tail,
        ),
    ]
    # a role passed only to another service rules the Batch method out
    other = text.replace("batch.amazonaws.com", "lambda.amazonaws.com")
    assert [r[1] for r in _rows(other, select=("LPR003",))] == [4]


def test_placeholders_first_seen_in_one_value_share_a_finding() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow",
     "Principal": {"Federated": "arn:${Partition}:iam::${Account}:oidc-provider/token.actions.githubusercontent.com"},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:${GitHubOrg}/app:ref:refs/heads/main"},
                   "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}
  ]
}
"""  # noqa: E501
    # and CND016 (a variable in Principal) leaves the ${Partition} placeholder alone
    assert _rows(text) == [
        (
            "POL007",
            5,
            33,
            5,
            117,
            '${Partition} and ${Account} are unfilled template placeholders in "arn:${Partition}:'
            'iam::${Account}:oidc-provider/token.actions.githubusercontent.com": the policy cannot '
            "be deployed as written; replace them with the real values",
        ),
        (
            "POL007",
            7,
            78,
            7,
            121,
            '${GitHubOrg} is an unfilled template placeholder in "repo:${GitHubOrg}/app:ref:refs/'
            'heads/main": the policy cannot be deployed as written; replace it with the real value',
        ),
    ]


def test_a_bare_wildcard_on_an_arn_key_is_not_a_cross_field_match() -> None:
    text = """{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*",
"Resource": "*", "Condition": {"StringLike": {"aws:PrincipalArn": "*"}}}]}"""
    assert _rows(text, select=("CND008",)) == [
        (
            "CND008",
            2,
            47,
            2,
            65,
            "aws:PrincipalArn is an ARN key: AWS recommends ArnLike over StringLike for ARNs",
        )
    ]


@pytest.mark.parametrize(
    "document",
    [
        {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}},
        {"Statement": [{"Principal": ["*"], "Action": [1, None], "Resource": {"a": "b"}}]},
        {"Statement": [{"Principal": {"AWS": ["*", 3]}, "Condition": ["x"], "Effect": 1}]},
        {"Statement": [[], "x", None, {"Principal": {"Service": {}}}]},
        {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}]},
        [],
        "text",
        None,
    ],
)
def test_detection_and_the_new_rules_take_any_shape(document: object) -> None:
    policy_type, reason = _type(document)
    assert isinstance(policy_type, PolicyType) and reason.startswith("content: ")
    text = json.dumps(document)
    findings = _lint(text, select=("POL007", "LPR007", "GRM008", "POL004", "ACT001"))
    assert not [f for f in findings if f.rule_id == "INT001"]


def test_subsumed_rules_exist_and_do_not_subsume_back() -> None:
    ids = {rule.id for rule in RULES}
    for rule in RULES:
        assert set(rule.subsumes) <= ids - {rule.id}, rule.id
        for other in rule.subsumes:
            assert rule.id not in RULE_INFO_BY_ID[other].subsumes, (rule.id, other)
    assert RULE_INFO_BY_ID["LPR001"].subsumes[:2] == ("CRD001", "KMS001")
