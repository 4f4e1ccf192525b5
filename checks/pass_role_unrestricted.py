"""LPR002 pass-role-unrestricted: iam:PassRole allowed on every role without iam:PassedToService."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import action_supports_key
from linter.context import Context
from linter.grants import (
    constraining_entries,
    constrains,
    every_resource_phrase,
    grant_anchor,
)
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy, Statement
from linter.policy_grants import policy_grants

PASS_ROLE = "iam:PassRole"
_PASS_ROLE_ONLY = (PASS_ROLE,)
# Keys that narrow which roles can be passed, or to what: iam:PassRole's own keys and the role's
# tags (the catalog: iam:PassedToService, iam:AssociatedResourceArn, aws:ResourceTag/${TagKey},
# iam:ResourceTag/${TagKey}).
_NARROWING_KEYS = ("iam:passedtoservice", "iam:associatedresourcearn")
_NARROWING_PREFIXES = ("aws:resourcetag/", "iam:resourcetag/")


def narrows_pass_role(statement: Statement, required: tuple[ConditionEntry, ...] = ()) -> bool:
    """Whether a constraining condition of ``statement``, or one a Deny of the policy makes the
    grant require (``required``, ``Grant.conditions``), limits the roles that can be passed or
    the services they can be passed to."""
    return any(
        entry.key_lower in _NARROWING_KEYS or entry.key_lower.startswith(_NARROWING_PREFIXES)
        for entry in constraining_entries(statement) + tuple(e for e in required if constrains(e))
    )


class PassRoleUnrestricted(Check):
    """## What it does
    Reports an `Allow` statement of an identity policy that grants `iam:PassRole` (by name, through
    a wildcard such as `iam:*`, `iam:Pass*` or `*`, or through `NotAction`) on every role — a
    `Resource` of `"*"` or `arn:aws:iam::<account>:role/*`, or any `NotResource` — without a
    condition that narrows it: `iam:PassedToService`, `iam:AssociatedResourceArn`, or a role tag
    (`aws:ResourceTag/<key>`, `iam:ResourceTag/<key>`) under a constraining operator. One finding
    per statement, on the `Resource` value (or the `NotResource` key).

    Role name patterns such as `arn:aws:iam::*:role/service-role/AWSGlueServiceRole*` name fewer
    roles and are not reported. A constraining condition on a key `iam:PassRole` does not support
    means the statement never grants it (CND004 reports that). `Deny` statements are never
    reported.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Passing a role to a service (an EC2 instance profile, a Lambda function, a CloudFormation
    stack) lets the caller run code or deploy resources with that role's permissions. With
    `iam:PassRole` on every role, the caller can pass the most privileged role in the account to any
    service it can use, which is the first half of most privilege-escalation paths (LPR003).

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "iam:PassRole",
     "Resource": "arn:aws:iam::111122223333:role/transcribe-data-access",
     "Condition": {"StringEquals": {"iam:PassedToService": "transcribe.amazonaws.com"}}}
    ```

    ## References
    - [Grant a user permissions to pass a role to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
    - [IAM condition keys: iam:PassedToService](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService)
    - Access Analyzer `PASS_ROLE_WITH_STAR_IN_RESOURCE`, `PASS_ROLE_WITH_NOT_RESOURCE`,
      `PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE`,
      `PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE`,
      `PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION`,
      `PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE`; cfn_nag `IamPolicyPassRoleWildcardResource`;
      KICS "IAM Role Policy passRole Allows All"
    """

    id = "LPR002"
    name = "pass-role-unrestricted"
    summary = "iam:PassRole is allowed on every role without an iam:PassedToService condition."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "least-privilege", "privilege-escalation", "iam")
    needs_services = frozenset({"iam"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        action = None
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            effective = grants.effective(statement, _PASS_ROLE_ONLY)
            if not effective:
                continue  # not granted, or an unconditional Deny removes it
            grant = effective[0]
            if grants.full_admin(statement):
                continue  # LPR001 reports "*" on "*"
            if narrows_pass_role(statement, grant.conditions):
                continue  # a condition of its own, or one a Deny makes it require
            if action is None:
                action = context.catalog.action(PASS_ROLE)
                if action is None:  # a catalog without IAM: nothing to decide
                    return
            if any(
                not action_supports_key(context.catalog, action, entry.key)
                for entry in constraining_entries(statement)
            ):
                continue  # a key iam:PassRole never receives: never granted (CND004)
            anchor = grants.every_resource_anchor(statement, grant, action)
            if anchor is None:
                continue
            path, key = anchor
            roles = every_resource_phrase(statement, action)
            yield Report(
                path,
                f"iam:PassRole is allowed{_through(statement)} on every role {roles} and to "
                "every service: the caller can hand any role, up to an administrator role, to a "
                "service it controls; name the roles and add an iam:PassedToService condition",
                key=key,
            )


def _through(statement: Statement) -> str:
    """`` through "iam:*"`` or `` through NotAction`` when the grant is not by name."""
    path, key = grant_anchor(statement, (PASS_ROLE,))
    if key:
        return " through NotAction"
    value = next(item.value for item in statement.actions if item.path == path)
    return "" if value.lower() == PASS_ROLE.lower() else f' through "{value}"'
