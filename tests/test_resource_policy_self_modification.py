"""LPR016 beyond its fixtures: trusted-account-ids, values known only at deployment, the data
list it shares with LPR013, and how it and LPR012 give one finding per problem."""

from __future__ import annotations

import json

from checks.public_access import public_resource_types
from checks.resource_policy_self_modification import (
    ResourcePolicySelfModification,
    _names_the_resource,
    self_modification_actions,
)
from linter.catalog import load_catalog
from linter.context import Context, RuleSettings
from linter.engine import Linter
from linter.model import PolicyType
from linter.policy import Policy
from linter.results import LintOptions
from linter.sources import Unknown

BUCKET = "arn:aws:s3:::transcripts"


def _paths(statements: list, settings: RuleSettings | None = None, kind=PolicyType.RESOURCE):
    policy = Policy({"Version": "2012-10-17", "Statement": statements}, kind)
    return [r.path for r in ResourcePolicySelfModification().run(policy, Context(settings))]


def _writer(**changes: object) -> dict:
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject", "s3:PutBucketPolicy"],
        "Resource": [BUCKET, f"{BUCKET}/*"],
    }
    statement.update(changes)
    return statement


def test_an_account_pin_outside_trusted_accounts_admits_no_owner_principal() -> None:
    pinned = _writer(Condition={"StringEquals": {"aws:PrincipalAccount": "444455556666"}})
    reported = [("Statement", 0, "Action", 1)]
    # Without the setting the pinned account may be the bucket's own: reported.
    assert _paths([pinned]) == reported
    # The account is not ours: a bucket policy cannot be rewritten from another account.
    assert _paths([pinned], RuleSettings(trusted_account_ids=("111122223333",))) == []
    # It is ours: every principal of it may rewrite the policy.
    assert _paths([pinned], RuleSettings(trusted_account_ids=("444455556666",))) == reported
    # A deploy-time account (${AWS::AccountId}) is usually the own one: never assumed foreign.
    deploy_time = _writer(
        Condition={"StringEquals": {"aws:PrincipalAccount": Unknown("${AWS::AccountId}")}}
    )
    settings = RuleSettings(trusted_account_ids=("111122223333",))
    assert _paths([deploy_time], settings) == reported


def test_named_principals_are_never_reported_whatever_the_trusted_accounts() -> None:
    settings = RuleSettings(trusted_account_ids=("111122223333",))
    for principal in (
        {"AWS": "arn:aws:iam::444455556666:root"},
        {"AWS": "444455556666"},
        {"AWS": "arn:aws:iam::111122223333:role/BucketAdmin"},
        {"Service": "s3.amazonaws.com"},
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
    ):
        assert _paths([_writer(Principal=principal, Action="s3:*")], settings) == []


def test_values_known_only_at_deployment_are_never_guessed() -> None:
    reported = [("Statement", 0, "Action", 1)]
    assert _paths([_writer()]) == reported
    # a Condition block known only at deployment may name the administrators
    assert _paths([_writer(Condition=Unknown("!If [IsProd, ...]"))]) == []
    # a Resource known only at deployment may be the objects only
    bucket = Unknown("!GetAtt Bucket.Arn", "arn:*:s3:::*", "arn")
    assert _paths([_writer(Resource=bucket)]) == []
    # ... but a literal bucket ARN beside it still reaches the bucket
    assert _paths([_writer(Resource=[bucket, BUCKET])]) == reported
    # a principal known only at deployment is not "*"
    assert _paths([_writer(Principal={"AWS": Unknown("!Ref Admin")})]) == []
    # an Action value known only at deployment leaves the literal ones
    action = [Unknown("!Ref Extra"), "s3:PutBucketPolicy"]
    assert _paths([_writer(Action=action)]) == [("Statement", 0, "Action", 1)]
    # a Deny whose Resource is known only at deployment may cover the bucket: silent
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutBucketPolicy", "Resource": bucket}
    assert _paths([_writer(), deny]) == []


def test_the_resource_itself_must_be_reached() -> None:
    assert _paths([_writer(Resource=f"{BUCKET}/*")]) == []
    assert _paths([_writer(Resource="arn:aws:s3:::transcripts*")]) == [
        ("Statement", 0, "Action", 1)
    ]
    # NotResource that may exclude the bucket itself: cannot tell
    statement = _writer(NotResource=BUCKET)
    del statement["Resource"]
    assert _paths([statement]) == []
    statement = _writer(NotResource=f"{BUCKET}/private/*")
    del statement["Resource"]
    assert _paths([statement]) == [("Statement", 0, "Action", 1)]
    # an ARN format variable may span "/" when compared, yet an access point's objects and a
    # table bucket's tables are not the access point or the table bucket
    catalog = load_catalog()
    for action, pattern, expected in (
        ("s3:PutAccessPointPolicy", "arn:aws:s3:us-west-2:111122223333:accesspoint/ap", True),
        (
            "s3:PutAccessPointPolicy",
            "arn:aws:s3:us-west-2:111122223333:accesspoint/ap/object/*",
            False,
        ),
        ("s3tables:PutTableBucketPolicy", "arn:aws:s3tables:us-east-1:111122223333:bucket/b", True),
        (
            "s3tables:PutTableBucketPolicy",
            "arn:aws:s3tables:us-east-1:111122223333:bucket/b/table/*",
            False,
        ),
        ("ecr:SetRepositoryPolicy", "arn:aws:ecr:us-east-1:111122223333:repository/team/app", True),
        (
            "dynamodb:PutResourcePolicy",
            "arn:aws:dynamodb:us-east-1:111122223333:table/t/stream/*",
            True,
        ),
        (
            "dynamodb:PutResourcePolicy",
            "arn:aws:dynamodb:us-east-1:111122223333:table/t/index/*",
            False,
        ),
    ):
        assert _names_the_resource(catalog, action, pattern) is expected, (action, pattern)
    # a key policy: only kms actions, "*" is the key
    key = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}
    policy = Policy({"Version": "2012-10-17", "Statement": [key]}, PolicyType.KMS_KEY)
    (report,) = ResourcePolicySelfModification().run(policy, Context())
    assert "(kms:PutKeyPolicy)" in report.message and "S3" not in report.message


def test_the_data_list_is_lpr013s_and_names_resource_policy_types() -> None:
    catalog = load_catalog()
    covered = set(public_resource_types())
    assert len(self_modification_actions()) == 24
    for name in self_modification_actions():
        action = catalog.action(name)
        assert action is not None and action.full_name == name, name
        assert action.has_resource_types, name
        assert action.service.lower() in covered, name
    # deliberately left out (docs/public-access.md)
    for name in ("s3:PutObjectAcl", "kms:CreateGrant", "es:UpdateDomainConfig"):
        assert name not in self_modification_actions()


def _lint(document: dict, *select: str) -> list:
    options = LintOptions(select=select, policy_type=PolicyType.RESOURCE)
    findings = Linter(options).lint_text(json.dumps(document, indent=1), "p.json").findings
    return [(f.rule_id, f.json_path, f.message) for f in findings if f.rule_id.startswith("LPR01")]


def test_one_finding_per_problem_with_lpr012() -> None:
    public = _writer()
    limited = _writer(Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})
    document = {"Version": "2012-10-17", "Statement": [public, limited]}
    both = _lint(document, "LPR012", "LPR016")
    assert [(rule, path) for rule, path, _ in both] == [
        ("LPR016", ("Statement", 0, "Action", 1)),
        ("LPR016", ("Statement", 1, "Action", 1)),
    ]
    assert both[0][2].endswith("; this also grants what LPR012 reports")
    assert not both[1][2].endswith("LPR012 reports")  # LPR012 finds the org-limited one private
    # LPR012 alone still reports the public statement, at both of its actions
    assert [(rule, path) for rule, path, _ in _lint(document, "LPR012")] == [
        ("LPR012", ("Statement", 0, "Action", 0)),
        ("LPR012", ("Statement", 0, "Action", 1)),
    ]
