"""The grants index (linter/policy_grants.py): what statements cover and what Denies leave."""

from __future__ import annotations

import pytest

from linter.catalog import load_catalog
from linter.grants import (
    EVERY_ACTION,
    SCOPE_ALL,
    SCOPE_NAMED,
    SCOPE_NONE,
    SCOPE_PATTERN,
    StatementGrants,
    may_overlap,
    statement_grants,
)
from linter.model import PolicyType
from linter.policy import Policy
from linter.policy_grants import Grant, common_conditions, policy_grants
from linter.sources import Unknown

TRAIL = "arn:aws:cloudtrail:us-west-2:111122223333:trail/audit"


def _policy(*statements: dict, policy_type: PolicyType = PolicyType.IDENTITY) -> Policy:
    return Policy({"Version": "2012-10-17", "Statement": list(statements)}, policy_type)


def _allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def _effective(policy: Policy, names, index: int = 0) -> list[tuple]:
    grants = policy_grants(policy, load_catalog())
    return [
        (
            g.action,
            g.resources,
            g.narrowed,
            [(e.operator, e.key, e.string_values) for e in g.conditions],
        )
        for g in grants.effective(policy.statements[index], names)
    ]


# -- one statement ---------------------------------------------------------------------------------


def test_statement_covers_through_wildcards_and_not_action() -> None:
    policy = _policy(
        _allow(["s3:Get*", "KMS:decrypt", "iam:PassRole"]),
        {"Effect": "Allow", "NotAction": ["iam:*", "s3:Put*"], "Resource": "*"},
        _allow("*"),
    )
    named, negated, every = (StatementGrants(s) for s in policy.statements)
    names = ("iam:PassRole", "s3:GetObject", "s3:PutObject", "kms:Decrypt", "ec2:RunInstances")
    assert named.covered(names) == ("s3:GetObject", "kms:Decrypt", "iam:PassRole")
    assert named.services == frozenset({"s3", "kms", "iam"})
    assert negated.covered(names) == ("s3:GetObject", "kms:Decrypt", "ec2:RunInstances")
    assert negated.services is None
    assert every.covered(names) == names
    assert (named.every_action, negated.every_action, every.every_action) == (False, False, True)
    assert every.covers(EVERY_ACTION) and not named.covers(EVERY_ACTION)


def test_statement_expands_actions_through_the_catalog_once() -> None:
    catalog = load_catalog()
    grants = StatementGrants(_policy(_allow("kms:GenerateDataKey*")).statements[0])
    first = grants.actions(catalog)
    assert [a.full_name for a in first] == [
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyPair",
        "kms:GenerateDataKeyPairWithoutPlaintext",
        "kms:GenerateDataKeyWithoutPlaintext",
    ]
    assert grants.actions(catalog) is first


def test_statement_resources_and_conditions() -> None:
    policy = _policy(
        _allow("s3:GetObject", ["arn:aws:s3:::logs/*", "arn:aws:s3:::data/*"]),
        {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::logs/*"},
        _deny("kms:Decrypt", Condition={"Null": {"kms:EncryptionContext:project": "true"}}),
        _deny("kms:Decrypt", Condition={"StringNotEqualsIfExists": {"aws:SourceVpce": ["vpce-1"]}}),
        _deny("kms:Decrypt", Condition={"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}}),
        _deny("kms:Decrypt", Condition={"StringNotEquals": {"a:b": "1"}, "Bool": {"c:d": "true"}}),
        _deny("kms:Decrypt", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}}),
        _deny("kms:Decrypt", Condition={}),
    )
    allow, not_resource, null, negated, qualified, two, positive, empty = (
        StatementGrants(s) for s in policy.statements
    )
    assert allow.resource_patterns == ("arn:aws:s3:::logs/*", "arn:aws:s3:::data/*")
    assert allow.covers_resource("arn:aws:s3:::logs/2026/*")
    assert not allow.covers_resource("arn:aws:s3:::*")
    assert not_resource.covers_resource("arn:aws:s3:::data/*")
    assert not not_resource.covers_resource("arn:aws:s3:::logs/x")  # inside NotResource
    assert not not_resource.covers_resource("*")
    assert (null.enforced.operator, null.enforced.key, null.enforced.string_values) == (
        "Null",
        "kms:EncryptionContext:project",
        ("false",),
    )
    assert null.enforced.key_path == (
        "Statement",
        2,
        "Condition",
        "Null",
        "kms:EncryptionContext:project",
    )
    assert (negated.enforced.operator, negated.enforced.if_exists) == ("StringEquals", False)
    assert negated.enforced.string_values == ("vpce-1",)
    assert qualified.enforced is None
    assert two.enforced is None
    assert positive.enforced is None
    assert empty.unconditional and empty.enforced is None


# -- a policy's effective grants -------------------------------------------------------------------


def test_unconditional_deny_that_covers_the_allow_removes_it() -> None:
    policy = _policy(_allow("iam:*"), _deny("iam:*"))
    assert _effective(policy, ("iam:PassRole", "iam:CreateAccessKey")) == []
    assert policy_grants(policy, load_catalog()).removed(policy.statements[0])


def test_narrower_deny_removes_only_what_it_covers() -> None:
    cloudtrail = ("cloudtrail:StopLogging", "cloudtrail:DeleteTrail")
    one_action = _policy(_allow("cloudtrail:*"), _deny("cloudtrail:StopLogging"))
    assert _effective(one_action, cloudtrail) == [("cloudtrail:DeleteTrail", ("*",), False, [])]
    one_trail = _policy(
        _allow("cloudtrail:*"), _deny("cloudtrail:*", "arn:aws:cloudtrail:*:*:trail/audit")
    )
    assert _effective(one_trail, cloudtrail) == [
        ("cloudtrail:StopLogging", ("*",), False, []),
        ("cloudtrail:DeleteTrail", ("*",), False, []),
    ]
    assert not policy_grants(one_trail, load_catalog()).removed(one_trail.statements[0])
    same_trail = _policy(
        _allow("cloudtrail:*", TRAIL), _deny("cloudtrail:*", "arn:aws:cloudtrail:*:*:trail/audit")
    )
    assert _effective(same_trail, cloudtrail) == []
    two_trails = _policy(
        _allow("cloudtrail:*", [TRAIL, TRAIL + "-2"]),
        _deny("cloudtrail:*", "arn:aws:cloudtrail:*:*:trail/audit"),
    )
    assert _effective(two_trails, ("cloudtrail:StopLogging",)) == [
        ("cloudtrail:StopLogging", (TRAIL + "-2",), True, [])
    ]


def test_deny_with_not_resource_keeps_only_what_lies_inside_it() -> None:
    inside = "arn:aws:iam::111122223333:role/transcribe-*"
    policy = _policy(
        _allow("iam:PassRole"), {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": inside}
    )
    assert _effective(policy, ("iam:PassRole",)) == [("iam:PassRole", (inside,), True, [])]
    roles = _policy(
        _allow(
            "iam:PassRole", ["arn:aws:iam::111122223333:role/transcribe-jobs", "arn:aws:s3:::x"]
        ),
        {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": inside},
    )
    assert _effective(roles, ("iam:PassRole",)) == [
        ("iam:PassRole", ("arn:aws:iam::111122223333:role/transcribe-jobs",), True, [])
    ]
    # An overlap pattern comparison cannot settle: the grant is kept as it is.
    unsure = _policy(
        _allow("iam:PassRole", "arn:aws:iam::*:role/app-*"),
        {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::*:role/*-prod"},
    )
    assert _effective(unsure, ("iam:PassRole",)) == [
        ("iam:PassRole", ("arn:aws:iam::*:role/app-*",), False, [])
    ]


def test_allow_with_not_resource_is_removed_only_by_a_deny_on_every_resource() -> None:
    allow = {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::audit/*"}
    kept = _policy(allow, _deny("s3:*", "arn:aws:s3:::data/*"))
    grants = policy_grants(kept, load_catalog()).effective(kept.statements[0], ("s3:GetObject",))
    assert grants == [Grant("s3:GetObject", ("*",), ("arn:aws:s3:::audit/*",), False, ())]
    gone = _policy(allow, _deny("s3:*", "arn:*:*:*:*:*"))
    assert _effective(gone, ("s3:GetObject",)) == []
    narrowed = _policy(
        allow,
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "NotResource": ["arn:aws:s3:::audit/x", "arn:aws:s3:::data/*"],
        },
    )
    assert _effective(narrowed, ("s3:GetObject",)) == [
        ("s3:GetObject", ("arn:aws:s3:::data/*",), True, [])
    ]


def test_deny_with_not_action_covers_every_other_action() -> None:
    policy = _policy(
        _allow("*"), {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}
    )
    assert [
        g[0] for g in _effective(policy, ("s3:GetObject", "iam:PassRole", "sts:AssumeRole"))
    ] == [
        "iam:PassRole",
        "sts:AssumeRole",
    ]
    grants = policy_grants(policy, load_catalog())
    assert not grants.removed(policy.statements[0])
    assert grants.full_admin(policy.statements[0])  # still every IAM action: reported


def test_conditional_deny_becomes_a_condition_of_the_grant() -> None:
    policy = _policy(
        _allow(["kms:Decrypt", "kms:Encrypt"], "arn:aws:kms:us-west-2:111122223333:key/k"),
        _deny("kms:Decrypt", Condition={"Null": {"kms:EncryptionContext:project": "true"}}),
    )
    assert _effective(policy, ("kms:Decrypt", "kms:Encrypt")) == [
        (
            "kms:Decrypt",
            ("arn:aws:kms:us-west-2:111122223333:key/k",),
            False,
            [("Null", "kms:EncryptionContext:project", ("false",))],
        ),
        ("kms:Encrypt", ("arn:aws:kms:us-west-2:111122223333:key/k",), False, []),
    ]
    grants = policy_grants(policy, load_catalog())
    allow = policy.statements[0]
    assert grants.requires_key(allow, "kms:Decrypt", "kms:EncryptionContext:")
    assert not grants.requires_key(allow, "kms:Encrypt", "kms:EncryptionContext:")
    assert grants.effective(allow, ("kms:Decrypt",))[0].requires("kms:EncryptionContext:")
    assert grants.required(allow) == ()  # the Deny does not cover kms:Encrypt


def test_conditional_deny_on_fewer_resources_requires_nothing() -> None:
    policy = _policy(
        _allow("s3:PutObject"),
        _deny(
            "s3:PutObject",
            "arn:aws:s3:::data/*",
            Condition={"StringNotEquals": {"s3:x-amz-acl": "private"}},
        ),
    )
    assert _effective(policy, ("s3:PutObject",)) == [("s3:PutObject", ("*",), False, [])]


def test_requires_key_reads_the_allow_and_the_denies() -> None:
    policy = _policy(
        _allow(
            "transcribe:CreateVocabulary", Condition={"StringEquals": {"aws:RequestTag/team": "a"}}
        ),
        _allow(
            "transcribe:CreateVocabulary",
            Condition={"StringNotEquals": {"aws:RequestTag/team": "a"}},
        ),
        _allow("iam:PassRole"),
    )
    grants = policy_grants(policy, load_catalog())
    own, negated, other = policy.statements
    assert grants.requires_key(own, "transcribe:CreateVocabulary", "aws:RequestTag/")
    assert not grants.requires_key(negated, "transcribe:CreateVocabulary", "aws:RequestTag/")
    assert grants.requires_key(
        other, "transcribe:CreateVocabulary", "aws:RequestTag/"
    )  # not granted


def test_principals_decide_whether_a_deny_applies() -> None:
    service = {"Service": "transcribe.amazonaws.com"}
    allow = {"Effect": "Allow", "Principal": service, "Action": "sts:AssumeRole"}

    def after(principal) -> list:
        deny = {"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": principal}
        return _effective(_policy(allow, deny, policy_type=PolicyType.TRUST), ("sts:AssumeRole",))

    kept = [("sts:AssumeRole", (), False, [])]
    assert after("*") == []
    assert after({"Service": "TRANSCRIBE.amazonaws.com"}) == []
    assert after({"AWS": "*"}) == kept  # AWS "*" names AWS principals, not services
    assert after({"Service": "lambda.amazonaws.com"}) == kept
    roles = {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:role/a"]}, "Action": "kms:*"}
    deny_all_aws = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
    assert _effective(_policy(roles | {"Resource": "*"}, deny_all_aws), ("kms:Decrypt",)) == []
    not_principal = {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": "x"},
        "Action": "kms:*",
        "Resource": "*",
    }
    assert len(_effective(_policy(roles | {"Resource": "*"}, not_principal), ("kms:Decrypt",))) == 1


def test_removed_and_required_judge_the_whole_statement() -> None:
    not_action = {"Effect": "Allow", "NotAction": ["iam:*", "s3:*"], "Resource": "*"}
    catalog = load_catalog()

    def removed(*denies: dict) -> bool:
        policy = _policy(not_action, *denies)
        return policy_grants(policy, catalog).removed(policy.statements[0])

    assert removed(_deny("*"))
    assert removed({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"})
    assert not removed({"Effect": "Deny", "NotAction": ["iam:*", "ec2:*"], "Resource": "*"})
    assert not removed(_deny("ec2:*"))
    assert not removed(_deny("*", "arn:aws:s3:::x"))
    policy = _policy(
        _allow("s3:GetObject", "arn:aws:s3:::data/*", Principal="*"),
        _deny(
            "s3:*",
            "arn:aws:s3:::data/*",
            Principal="*",
            Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}},
        ),
    )
    required = policy_grants(policy, catalog).required(policy.statements[0])
    assert [(e.operator, e.key, e.string_values) for e in required] == [
        ("StringEquals", "aws:PrincipalOrgID", ("o-1",))
    ]


def test_scope_and_full_admin_follow_the_denies() -> None:
    catalog = load_catalog()
    names = ("cloudtrail:StopLogging", "cloudtrail:LookupEvents")
    cases = [
        (_allow("cloudtrail:*"), (), (names, SCOPE_ALL)),
        (_allow("cloudtrail:*", TRAIL), (), (("cloudtrail:StopLogging",), SCOPE_NAMED)),
        (
            _allow("cloudtrail:*", "arn:aws:cloudtrail:*:*:trail/*"),
            (),
            (("cloudtrail:StopLogging",), SCOPE_PATTERN),
        ),
        (
            _allow("cloudtrail:*"),
            ({"Effect": "Deny", "Action": "cloudtrail:*", "NotResource": TRAIL},),
            (("cloudtrail:StopLogging",), SCOPE_NAMED),
        ),
        (_allow("cloudtrail:*"), (_deny("cloudtrail:*"),), ((), SCOPE_NONE)),
    ]
    for allow, denies, expected in cases:
        policy = _policy(allow, *denies)
        assert policy_grants(policy, catalog).in_scope(policy.statements[0], names) == expected

    def full_admin(*denies: dict) -> bool:
        policy = _policy(_allow("*"), *denies)
        return policy_grants(policy, catalog).full_admin(policy.statements[0])

    assert full_admin()
    assert full_admin(_deny("iam:*"))
    assert not full_admin(_deny("*"))
    assert not full_admin({"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::b/*"})
    assert not full_admin(
        _deny("*", Condition={"StringNotEquals": {"aws:RequestedRegion": "us-west-2"}})
    )
    assert full_admin(_deny("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))


def test_unrestricted_grants_after_the_denies() -> None:
    catalog = load_catalog()
    names = ("s3:GetObject", "secretsmanager:GetSecretValue", "ssm:GetParameter")
    policy = _policy(
        _allow(["s3:GetObject", "secretsmanager:GetSecretValue", "ssm:GetParameter"]),
        {"Effect": "Deny", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::transcripts/*"},
        _deny("ssm:GetParameter", Condition={"StringNotEquals": {"aws:ResourceTag/team": "a"}}),
    )
    assert policy_grants(policy, catalog).unrestricted(policy.statements[0], names) == [
        "secretsmanager:GetSecretValue"
    ]


def test_the_index_is_built_once_per_policy_and_catalog() -> None:
    policy = _policy(_allow("s3:GetObject"))
    catalog = load_catalog()
    first = policy_grants(policy, catalog)
    assert policy_grants(policy, catalog) is first
    assert policy.grants_index is first
    statement = policy.statements[0]
    assert first.of(statement) is first.statements[0] is statement_grants(statement)
    assert statement.grants_index is statement_grants(statement)


def test_common_conditions() -> None:
    policy = _policy(
        _allow(["kms:Decrypt", "kms:Encrypt"]),
        _deny(
            "kms:*", Condition={"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/a"}}
        ),
        _deny("kms:Decrypt", Condition={"Null": {"kms:EncryptionContextKeys": "true"}}),
    )
    grants = policy_grants(policy, load_catalog())
    found = common_conditions(
        grants.effective(policy.statements[0], ("kms:Decrypt", "kms:Encrypt"))
    )
    assert [e.key for e in found] == ["aws:PrincipalArn"]
    assert common_conditions([]) == ()


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("arn:aws:s3:::a/*", "arn:aws:s3:::a/b", True),
        ("arn:aws:s3:::a/*", "arn:aws:s3:::b/*", False),
        ("arn:aws:s3:::*.log", "arn:aws:s3:::x/*.txt", False),
        ("arn:aws:s3:::x", "arn:aws:s3:::y", False),
        ("arn:aws:s3:::x", "arn:aws:s3:::x", True),
        ("*", "arn:aws:s3:::y", True),
        ("arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::1:user/bob", True),
    ],
)
def test_may_overlap(first: str, second: str, expected: bool) -> None:
    assert may_overlap(first, second) is expected
    assert may_overlap(second, first) is expected


def test_trust_policy_statements_without_resource() -> None:
    service = {"Service": "transcribe.amazonaws.com"}
    allow = {"Effect": "Allow", "Principal": service, "Action": "sts:AssumeRole"}
    deny = {"Effect": "Deny", "Principal": service, "Action": "sts:*"}
    policy = _policy(allow, deny, policy_type=PolicyType.TRUST)
    grants = policy_grants(policy, load_catalog())
    assert grants.effective(policy.statements[0], ("sts:AssumeRole",)) == []
    assert grants.removed(policy.statements[0])
    on_a_bucket = _policy(
        allow, deny | {"Resource": "arn:aws:s3:::b"}, policy_type=PolicyType.TRUST
    )
    grants = policy_grants(on_a_bucket, load_catalog())
    assert len(grants.effective(on_a_bucket.statements[0], ("sts:AssumeRole",))) == 1
    assert not grants.removed(on_a_bucket.statements[0])


def test_a_deny_with_a_deploy_time_value_may_cover_anything() -> None:
    unknown = Unknown("!Ref ProtectedTrail", kind="arn")
    policy = _policy(_allow("cloudtrail:*"), _deny("cloudtrail:StopLogging", [unknown]))
    grants = policy_grants(policy, load_catalog())
    names = ("cloudtrail:StopLogging", "cloudtrail:DeleteTrail")
    assert [g.action for g in grants.effective(policy.statements[0], names)] == [
        "cloudtrail:DeleteTrail"
    ]
    actions = _policy(_allow("cloudtrail:*"), _deny([Unknown("${var.action}")]))
    assert policy_grants(actions, load_catalog()).effective(actions.statements[0], names) == []
    assert policy_grants(actions, load_catalog()).removed(actions.statements[0])
