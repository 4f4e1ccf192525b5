"""LPR012 public-access: a resource policy makes a resource of a type Access Analyzer covers
public, after the policy's Deny statements (an offline ``CheckNoPublicAccess``)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from linter.access import (
    ActionEntry,
    action_entries,
    denied,
    has_public_principal,
    limited_by_deny,
    resource_targets,
    statement_limits_callers,
    summarize,
)
from linter.check import Check, Report
from linter.context import Context
from linter.data_files import data_file
from linter.model import PolicyType, Severity
from linter.policy import Policy, Statement

_LEVELS = (
    ("List", 0),
    ("Read", 1),
    ("Write", 2),
    ("Tagging", 3),
    ("Permissions management", 4),
)


@functools.cache
def public_resource_types() -> dict[str, str]:
    """Service prefix -> resource type label, from ``linter/data/public_access.json``."""
    return {
        service: entry["label"]
        for entry in data_file("public_access.json")["resource_types"]
        for service in entry["services"]
    }


class PublicAccess(Check):
    """## What it does
    Decides, for the resource types IAM Access Analyzer's `CheckNoPublicAccess` covers (S3
    buckets, access points, directory buckets and tables, Glacier vaults, KMS keys, SQS queues,
    SNS topics, Lambda functions, Secrets Manager secrets, ECR repositories, EFS file systems,
    OpenSearch domains, Kinesis streams, DynamoDB tables and streams, API Gateway REST APIs,
    CodeArtifact domains, Backup vaults and CloudTrail event data stores; the list, with sources,
    is `linter/data/public_access.json`), whether a resource or key policy makes the resource
    public, and reports each `Action` value (or `NotAction` element) that does, naming the
    resource type, the actions and their access levels (list, read, write, tagging,
    permissions management).

    An `Allow` is public when its principal is `"*"`, `{"AWS": "*"}` or a `NotPrincipal`, and
    no condition limits the callers: the keys of LPR007 (`aws:PrincipalOrgID`,
    `aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceVpc(e)`,
    `aws:SourceIp` with a range narrower than the Internet, `kms:CallerAccount`, ...) with fixed
    values, or `aws:PrincipalIsAWSService` / `aws:PrincipalServiceName`. The policy as a whole
    decides: an action is not public when an unconditional `Deny` for everyone removes it, or
    when a `Deny` for everyone with one condition denies every caller outside an account,
    organization, network or AWS service (`"StringNotEquals": {"aws:PrincipalOrgID":
    "o-a1b2c3d4e5"}`, `"Bool": {"aws:PrincipalIsAWSService": "false"}`). A `Deny` with several
    conditions fires only when all hold, and does not count.

    LPR007 reports the `"*"` principal of every such statement, whatever its actions and the
    rest of the policy; this rule is the policy-level verdict, per resource type. Role trust
    policies are the TRU rules'.

    ## Why is this bad?
    A public resource is readable (or writable) by every AWS account and, for most services,
    by anonymous callers on the Internet: public S3 objects and queues are among the most
    common causes of data exposure. Access Analyzer's `CheckNoPublicAccess` exists to stop them
    in CI; this rule gives the same verdict offline, at the action that makes it public.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::transcripts/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::transcripts/*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    ```

    ## References
    - [IAM Access Analyzer: CheckNoPublicAccess](https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoPublicAccess.html)
    - [Amazon S3: the meaning of "public"](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status)
    - policyuniverse `Policy.is_internet_accessible` (Netflix; compared in docs/public-access.md)
    - checkov S3/SQS/SNS/ECR/Glacier public policy checks; cfn-policy-validator
      `check-no-public-access`
    """

    id = "LPR012"
    name = "public-access"
    summary = "A resource policy makes its resource public, after the policy's Deny statements."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.RESOURCE, PolicyType.KMS_KEY})
    tags = ("security", "least-privilege", "principal", "public-access")
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in policy.statements:
            if not statement.is_allow or not has_public_principal(statement):
                continue
            if statement.condition_unknown or statement_limits_callers(statement):
                continue  # a Condition known only at deployment may limit the callers
            targets = tuple("*" if t.excluded else t.pattern for t in resource_targets(statement))
            for entry in action_entries(statement):
                public = [
                    action
                    for action in _covered_actions(entry, catalog)
                    if not denied(policy, action.full_name, targets)
                    and not limited_by_deny(policy, action.full_name, targets)
                ]
                if public:
                    yield Report(entry.path, _message(entry, public, statement, policy))


def _covered_actions(entry: ActionEntry, catalog: Any) -> list[Any]:
    """The catalog actions of the covered services that the entry grants."""
    types = public_resource_types()
    found: dict[str, Any] = {}
    if entry.negated:
        for prefix in types:
            service = catalog.service(prefix)
            for action in service.actions() if service else ():
                if entry.may_grant(action.full_name):
                    found.setdefault(action.full_name, action)
    else:
        for pattern in entry.patterns:
            for action in catalog.match_actions(pattern):
                if action.service.lower() in types:
                    found.setdefault(action.full_name, action)
    return list(found.values())


def _message(entry: ActionEntry, actions: list[Any], statement: Statement, policy: Policy) -> str:
    types = public_resource_types()
    labels = list(dict.fromkeys(types[a.service.lower()] for a in actions))
    levels = [level.lower() for level, _ in _LEVELS if level in {a.access_level for a in actions}]
    names = [a.full_name for a in actions]
    keys = "aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceVpce"
    if statement.principal_element == "NotPrincipal":
        who = "everyone but the NotPrincipal"
    elif policy.policy_type is PolicyType.KMS_KEY:
        who = "any principal of any AWS account"
        keys = "kms:CallerAccount, aws:PrincipalOrgID or aws:PrincipalAccount"
    else:
        who = "anyone, in any AWS account or anonymous,"
    what = summarize(labels, 2) + (" resource types" if len(labels) > 2 else "")
    access = f" ({summarize(levels)} access)" if levels else ""
    return (
        f"{entry.shown} makes the {what} public: {who} may call {summarize(names, 3)}{access}; "
        f"name the principals, or add a condition on {keys}"
    )
