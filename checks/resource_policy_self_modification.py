"""LPR016 resource-policy-self-modification: a resource policy lets any principal rewrite that
same policy (or the resource's ACL), and so grant itself any access to the resource."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from linter.access import (
    ActionEntry,
    action_entries,
    action_may_act_on,
    has_public_principal,
    limits_to_services,
    summarize,
)
from linter.arns import ACCOUNT_ID, parse_arn
from linter.check import Check, Report, services_of
from linter.conditions import constrains
from linter.context import Context
from linter.data_files import data_file
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy, Statement
from linter.policy_grants import Grant, policy_grants
from linter.principals import names_calling_principal
from linter.wildcards import glob_covers, has_wildcard


@functools.cache
def self_modification_actions() -> dict[str, str]:
    """Action -> the policy or ACL it rewrites on the resource itself (``"S3 bucket policy"``):
    the entries of ``linter/data/resource_exposure.json`` (LPR013's list) with ``itself``."""
    return {
        entry["action"]: entry["itself"]
        for entry in data_file("resource_exposure.json")["actions"]
        if "itself" in entry
    }


# Condition keys that only requests made by an AWS service on behalf of a resource carry
# (aws:SourceArn, aws:SourceAccount), the key of the SNS default topic policy (AWS:SourceOwner,
# AWS's own design, like the KMS default key policy), and kms:ViaService (a service calls only
# the cryptographic operations for its callers, never PutKeyPolicy): a constraining value of one
# of them keeps the principals of the account from calling the action directly.
_SERVICE_KEYS = frozenset(
    {"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "kms:viaservice"}
)
# Keys whose fixed values pin the caller's account.
_ACCOUNT_KEYS = frozenset({"aws:principalaccount", "kms:calleraccount"})


class ResourcePolicySelfModification(Check):
    """## What it does
    Reports an `Allow` statement of a resource or key policy that grants any principal
    (`"Principal": "*"`, `{"AWS": "*"}` or a `NotPrincipal`) an action that rewrites that same
    policy, or the resource's ACL, on the resource itself: `s3:PutBucketPolicy`,
    `s3:DeleteBucketPolicy` or `s3:PutBucketAcl` on the bucket (not on `bucket/*`, which names
    only objects; likewise an access point's objects or a table bucket's tables),
    `kms:PutKeyPolicy`, `sqs:SetQueueAttributes` / `sqs:AddPermission`,
    `sns:SetTopicAttributes` / `sns:AddPermission`, `lambda:AddPermission`,
    `secretsmanager:PutResourcePolicy`, `ecr:SetRepositoryPolicy`,
    `glacier:SetVaultAccessPolicy`, `elasticfilesystem:PutFileSystemPolicy`, CodeArtifact,
    Backup, Kinesis, DynamoDB, CloudTrail and S3 directory and table buckets (the entries with
    `itself` in `linter/data/resource_exposure.json`, LPR013's list; object ACLs, Block Public
    Access, `kms:CreateGrant` and OpenSearch are left out, the file says why). In a key policy
    only `kms` actions count, elsewhere those of the services whose ARNs the policy names (a
    `"*"` in a bucket policy is the bucket). Wildcards (`s3:*`,
    `kms:Put*`, `*`) and `NotAction` are expanded; the finding is at the `Action` value (or the
    `NotAction` key) that grants them, and names the actions.

    The policy as a whole decides (`linter/policy_grants.py`): an unconditional `Deny` of the
    action removes it, and a `Deny` whose one condition makes the grant require a key counts
    as that condition. The statement is not reported when a condition (its own, or one a
    `Deny` enforces) names the callers (`aws:PrincipalArn`, `aws:userid`, `aws:username`,
    `aws:PrincipalTag/...` with fixed values), admits only AWS services
    (`aws:PrincipalIsAWSService`, `aws:PrincipalServiceName`, `aws:SourceArn`,
    `aws:SourceAccount`, `kms:ViaService`), is the SNS default topic policy's `AWS:SourceOwner`,
    or pins the caller's account (`aws:PrincipalAccount`, `kms:CallerAccount`) to accounts
    that are all outside a non-empty `trusted-account-ids`. A Condition, Principal, Action or
    Resource known only at deployment (`!Ref`, `${var.x}`) is never guessed: only what holds
    for every value is reported.

    **Who is reported, and why not a named account.** S3 bucket policies
    (`PutBucketPolicy` answers `405 Method Not Allowed` to another account), KMS key
    policies (`PutKeyPolicy`: "Cross-account use: No") and SQS queue policies
    (`AddPermission` and `SetQueueAttributes` are among the actions "cross-account
    permissions don't apply to") can be rewritten only by principals of the resource's own
    account, and users report the same of Lambda's `AddPermission`
    (awsdocs/aws-lambda-developer-guide#139). So a policy naming another account
    (`arn:aws:iam::444455556666:root`) gives that account nothing here, and a
    policy naming its own account root (the KMS default key policy's `kms:*`) or named
    administrators (the console's key administrators with `kms:Put*`) delegates to IAM in the
    owning account by design: neither is reported, whatever `trusted-account-ids` says. What
    turns the grant into privilege escalation is a principal of `"*"`: every role and user of
    the resource's own account may then rewrite the policy *whatever its IAM policies allow*,
    because a same-account grant in a resource policy needs no identity policy. A condition
    that limits the callers to an account, an organization, a VPC, a VPC endpoint or an IP
    range (`aws:PrincipalOrgID`, `aws:SourceVpce`, ...) does not change that: those callers
    still include the whole account. Service principals are not reported.

    **LPR012 and this rule.** With no condition limiting the callers, LPR012 reports the same
    statement as public access. This rule subsumes LPR012 in that statement: one finding, this
    one, which names the policy rewrite, ends in "this also grants what LPR012 reports" and
    keeps LPR012's severity. With such a condition LPR012 is silent and this rule reports the
    escalation that remains inside the account.

    ## Why is this bad?
    A principal that can rewrite a resource's policy can grant itself, or anyone, any access
    to the resource: read every object, decrypt with the key, make the bucket or queue public,
    or remove the `Deny` statements that guard it. A resource policy that grants `s3:*` or
    `kms:*` to `"*"` (often with an organization condition, meaning "our accounts may use it")
    hands that power to every workload of the account, including the least-privileged one,
    beyond anything IAM grants them. Severity error: the one statement gives full control of
    the resource, exploitable with a single API call.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::transcripts", "arn:aws:s3:::transcripts/*"],
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::transcripts/*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    ```
    and let only named administrators change the policy (their ARNs as the principal, or an
    `aws:PrincipalArn` condition).

    ## References
    - [Amazon S3 PutBucketPolicy: the caller must belong to the bucket owner's account](https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html)
    - [AWS KMS PutKeyPolicy: cross-account use](https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html)
    - [Amazon SQS: limitations of custom policies (cross-account access)](https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limitations-of-custom-policies.html)
    - [AWS KMS: the default key policy](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
    - [IAM: policy evaluation within a single account](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
    - Access Analyzer `CheckNoPublicAccess` (the unlimited case only); cloudsplaining and
      parliament resource exposure (identity policies, LPR013)
    """

    id = "LPR016"
    name = "resource-policy-self-modification"
    summary = "A resource policy lets any principal rewrite that same policy or the resource's ACL."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.RESOURCE, PolicyType.KMS_KEY})
    tags = ("security", "least-privilege", "privilege-escalation", "resource-exposure")
    needs_elements = frozenset({"principal", "notprincipal"})
    needs_services = services_of(self_modification_actions())
    subsumes = ("LPR012",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        names = tuple(self_modification_actions())
        trusted = frozenset(context.settings.trusted_account_ids)
        services = _resource_services(policy)
        if services is not None:
            names = tuple(n for n in names if n.partition(":")[0].lower() in services)
            if not names:
                return
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            if not has_public_principal(statement) or statement.condition_unknown:
                continue
            found = [
                grant
                for grant in grants.usable(statement, names)
                if _reaches_the_resource(statement, grant, catalog)
                and not _admits_only_some(statement.conditions + grant.conditions, trusted)
            ]
            if not found:
                continue
            for entry in action_entries(statement):
                granted = [g.action for g in found if entry.may_grant(g.action)]
                if granted:
                    message = _message(entry, granted, statement)
                    yield Report(entry.path, message, key=entry.negated)


def _resource_services(policy: Policy) -> frozenset[str] | None:
    """The services whose resources the policy is about: ``kms`` for a key policy, else the
    services of the ARNs its statements name (a ``"*"`` in a bucket policy is the bucket);
    None when no statement names an ARN (any service)."""
    if policy.policy_type is PolicyType.KMS_KEY:
        return frozenset({"kms"})
    found = set()
    for statement in policy.statements:
        for item in statement.resources + statement.not_resources:
            arn = parse_arn(item.value)
            if arn is not None and arn.service and not has_wildcard(arn.service):
                found.add(arn.service.lower())
    return frozenset(found) or None


def _reaches_the_resource(statement: Statement, grant: Grant, catalog: Any) -> bool:
    """Whether the grant covers the resource itself for ``grant.action``: no Resource element
    (a policy attached to its resource), a Resource pattern an ARN of the action's resource
    type may match (``arn:aws:s3:::b``, ``*``; not ``arn:aws:s3:::b/*``), or a NotResource that
    excludes no such ARN. Values known only at deployment are not in ``grant.resources``."""
    if statement.resource_element is None:
        return True
    if grant.excluded and any(action_may_act_on(catalog, grant.action, n) for n in grant.excluded):
        return False  # the NotResource may exclude the resource itself: cannot tell
    return any(_names_the_resource(catalog, grant.action, p) for p in grant.resources)


def _names_the_resource(catalog: Any, action_name: str, pattern: str) -> bool:
    """Whether the Resource pattern may name a resource the action acts on
    (``action_may_act_on``), not only resources inside it: a pattern every match of which
    is an ARN of a sub-resource type (``accesspoint/x/object/*`` under an access point,
    ``bucket/b/table/*`` under a table bucket) names no access point or table bucket, though
    a variable of the ARN format may span ``/`` when the two are compared."""
    if not action_may_act_on(catalog, action_name, pattern):
        return False
    action = catalog.action(action_name)
    if action is None or pattern.strip("*") == "":
        return True
    own = {f for r in action.resource_types for f in r.resource_type.arn_formats}
    service = catalog.service(action.service)
    others = [
        f
        for r in (service.resource_types() if service else ())
        for f in r.arn_formats
        if f not in own
    ]
    for resource in action.resource_types:
        if not resource.resource_type.matches_arn(pattern):
            continue
        inner = [
            _as_glob(g)
            for g in others
            for f in resource.resource_type.arn_formats
            if g.startswith(f + "/")
        ]
        if not any(glob_covers(g, pattern) for g in inner):
            return True
    return False


def _as_glob(arn_format: str) -> str:
    """An ARN format with each ``${Variable}`` as ``*``."""
    return _VARIABLE.sub("*", arn_format)


_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _admits_only_some(entries: tuple[ConditionEntry, ...], trusted: frozenset[str]) -> bool:
    """Whether a condition keeps the principals of the resource's account at large from the
    grant: it names the callers, admits only AWS services, or pins the caller's account to
    accounts outside ``trusted`` (when the setting lists accounts)."""
    for entry in entries:
        if names_calling_principal(entry) or limits_to_services(entry):
            return True
        key = entry.key_lower
        if key in _SERVICE_KEYS and constrains(entry):
            return True
        if key in _ACCOUNT_KEYS and trusted and constrains(entry) and not entry.has_unknown:
            accounts = entry.string_values
            if accounts and all(
                ACCOUNT_ID.match(a) is not None and a not in trusted for a in accounts
            ):
                return True
    return False


def _message(entry: ActionEntry, actions: list[str], statement: Statement) -> str:
    table = self_modification_actions()
    rewritten = summarize(list(dict.fromkeys(table[name] for name in actions)), 3)
    if statement.principal_element == "NotPrincipal":
        who = "everyone but the NotPrincipal"
    elif statement.conditions:
        who = "any principal its conditions admit"
    else:
        who = "any principal"
    if all("Delete" in name for name in actions):
        outcome = "delete it, and every Deny it holds"
    else:
        outcome = "grant itself, or anyone, any access"
    return (
        f"{entry.shown} lets {who} change this {rewritten} ({summarize(actions, 3)}): any "
        f"role or user of its own account, whatever its IAM policies allow, can {outcome}; "
        "name the administrators instead (their ARNs as the principal, or an "
        "aws:PrincipalArn condition)"
    )
