"""LPR013 resource-exposure: an identity policy lets its holder rewrite resource policies, ACLs
or sharing on every resource of their type."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from linter.access import denied, resource_targets, summarize
from linter.check import Check, Report, services_of
from linter.context import Context
from linter.data_files import data_file
from linter.grants import (
    constraining_entries,
    every_resource_anchor,
    grant_anchor,
    is_full_admin,
    statement_grants,
)
from linter.model import JsonPath, PolicyType, Severity
from linter.policy import Policy, Statement


@functools.cache
def exposure_actions() -> tuple[str, ...]:
    """The actions of ``linter/data/resource_exposure.json``."""
    return tuple(e["action"] for e in data_file("resource_exposure.json")["actions"])


@functools.cache
def rewrites() -> dict[str, str]:
    """What each action of the data file rewrites (``"S3 bucket policies"``)."""
    return {e["action"]: e["rewrites"] for e in data_file("resource_exposure.json")["actions"]}


class ResourceExposure(Check):
    """## What it does
    Reports an `Allow` statement of an identity policy that lets its holder rewrite who may use
    resources: a resource policy (`s3:PutBucketPolicy`, `kms:PutKeyPolicy`,
    `ecr:SetRepositoryPolicy`, `lambda:AddPermission`, `sqs:SetQueueAttributes`, ...), an ACL
    (`s3:PutBucketAcl`, `s3:PutObjectAcl`), a grant (`kms:CreateGrant`) or a sharing attribute
    (`ec2:ModifySnapshotAttribute`, `rds:ModifyDBSnapshotAttribute`), on every resource of
    their type (`"*"`, `NotResource`, `arn:aws:s3:::*`) and without a constraining condition.
    Actions without resource types (`logs:PutResourcePolicy`, `ecr:PutRegistryPolicy`,
    `s3:PutAccountPublicAccessBlock`) act on the whole account, so granting them at all is
    reported. The list, with sources, is `linter/data/resource_exposure.json`. Wildcards and
    `NotAction` are expanded; an unconditional `Deny` of the same policy that covers the action
    on those resources removes it. One finding per statement, on the first `Action` value that
    grants them. Full-admin statements are LPR001's; an `Allow` with `NotAction` is folded into
    LPR004's finding when that rule runs.

    ## Why is this bad?
    Whoever can rewrite a resource policy or ACL decides who else may use the resource: one
    call makes a bucket, key, queue, image or snapshot public or shares it with another account,
    beyond anything this policy grants. cloudsplaining and parliament call this resource
    exposure; Access Analyzer reports the public resources only after the fact.

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["s3:PutBucketPolicy", "s3:PutObjectAcl"], "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:PutBucketPolicy",
     "Resource": "arn:aws:s3:::transcripts-output"}
    ```

    ## References
    - [IAM: grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    - [Access Analyzer: supported resource types](https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html)
    - cloudsplaining ResourceExposure; parliament `RESOURCE_EXPOSURE` (community); checkov
      `CKV_AWS_109` (permissions management without constraints)
    """

    id = "LPR013"
    name = "resource-exposure"
    summary = "Actions that rewrite resource policies or ACLs are allowed on every resource."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "least-privilege", "resource-exposure")
    needs_services = services_of(exposure_actions())

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        names = exposure_actions()
        for statement in policy.statements:
            if not statement.is_allow or constraining_entries(statement):
                continue
            if statement.condition_unknown:  # known only at deployment: may constrain
                continue
            if is_full_admin(statement):
                continue
            found = []
            for name in statement_grants(statement).covered(names):
                if _everywhere(statement, name, catalog) and not _removed(policy, statement, name):
                    found.append(name)
            if found:
                path, key = _anchor(statement, found)
                yield Report(path, _message(found), key=key)


def _everywhere(statement: Statement, name: str, catalog: Any) -> bool:
    action = catalog.action(name)
    if action is None:
        return False
    if action.has_resource_types:
        return every_resource_anchor(statement, action) is not None
    if statement.resource_element == "NotResource":
        return True
    return any(item.value.strip("*") == "" for item in statement.resources)


def _removed(policy: Policy, statement: Statement, name: str) -> bool:
    targets = tuple("*" if t.excluded else t.pattern for t in resource_targets(statement))
    return denied(policy, name, targets)


def _anchor(statement: Statement, found: list[str]) -> tuple[JsonPath, bool]:
    return grant_anchor(statement, found[:1])


def _message(found: list[str]) -> str:
    table = rewrites()
    what = summarize(list(dict.fromkeys(table[name] for name in found)), 3)
    names = summarize(found, 4)
    verb = "lets" if len(found) == 1 else "let"
    return (
        f"{names} on every resource {verb} the holder rewrite {what}, and so make any of them "
        "public or share them with any account; name the resources, or add a condition"
    )
