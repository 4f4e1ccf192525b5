"""ACT005 action-not-for-policy-type: an action the policy type cannot use."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.action_entries import split_action
from linter.check import Check, Report
from linter.context import Context
from linter.data_files import data_file
from linter.model import PolicyType, Severity
from linter.policy import Policy, action_pattern_matches
from linter.wording import summarize_names


class ActionNotForPolicyType(Check):
    """## What it does
    Reports an `Action` entry that the policy type cannot use:

    - in a **role trust policy**, anything that matches none of the role trust actions
      `sts:AssumeRole`, `sts:AssumeRoleWithSAML`, `sts:AssumeRoleWithWebIdentity`,
      `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext` (so `sts:*` and `*` are fine,
      `s3:GetObject` or `sts:GetCallerIdentity` are not);
    - in a **KMS key policy**, an action of another service than `kms` (a key policy controls
      only AWS KMS operations on its key);
    - in a **resource control policy** (RCP), an action of a service that RCPs do not apply to
      (RCPs cover S3, STS, AWS KMS, SQS, Secrets Manager, Amazon Cognito, DynamoDB, ECR,
      OpenSearch Serverless and CloudWatch Logs; the list is data in
      `linter/data/policy_type_actions.json`).

    Identity, resource and service control policies can name any action. Since September
    2025 SCPs also accept wildcards at the beginning or in the middle of an action (AWS
    Organizations "full IAM language" for SCPs), so iamlint no longer reports Access Analyzer's
    `SCP_SYNTAX_ERROR_ACTION_WILDCARD`.

    ## Why is this bad?
    AWS rejects the policy (IAM refuses a trust policy with other actions; Organizations
    refuses an RCP naming unsupported services) or the entry can never take effect: a key
    policy is consulted only for requests to its own KMS key.

    ## Example
    ```json
    {
      "Effect": "Allow",
      "Principal": {"Service": "transcribe.amazonaws.com"},
      "Action": ["sts:AssumeRole", "s3:GetObject"]
    }
    ```

    ## Use instead
    ```json
    {
      "Effect": "Allow",
      "Principal": {"Service": "transcribe.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
    ```
    and grant `s3:GetObject` in the role's permissions policy.

    ## References
    - [Roles terms and concepts: trust policy](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html)
    - [Key policies in AWS KMS](https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html)
    - [RCP syntax](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html)
      and [services that support RCPs](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html)
    - Access Analyzer `RCP_SYNTAX_ERROR_ACTION`, `UNSUPPORTED_ACTION_IN_POLICY`
    """

    id = "ACT005"
    name = "action-not-for-policy-type"
    summary = "An action cannot be used in this policy type (trust, KMS key or RCP)."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.TRUST, PolicyType.KMS_KEY, PolicyType.RCP})
    tags = ("validity", "actions", "policy-type")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        kind = policy.policy_type
        for statement in policy.statements:
            for item in statement.actions:
                if item.value == "*":
                    continue
                parts = split_action(item.value)
                if parts is None:
                    continue  # GRM006
                if kind is PolicyType.TRUST:
                    if not any(action_pattern_matches(item.value, a) for a in trust_actions()):
                        yield Report(
                            item.path,
                            f"{item.value} cannot be used in a role trust policy, which allows "
                            f"only {summarize_names(trust_actions(), 6)}; grant it in the "
                            "role's permissions policy instead",
                        )
                elif kind is PolicyType.KMS_KEY:
                    if not action_pattern_matches(parts.service, "kms"):
                        yield Report(
                            item.path,
                            f"{item.value} cannot be used in a KMS key policy, which controls "
                            "only kms: actions on its key; grant it in an identity or resource "
                            "policy instead",
                        )
                elif kind is PolicyType.RCP and not any(
                    action_pattern_matches(parts.service, prefix) for prefix in rcp_services()
                ):
                    yield Report(
                        item.path,
                        f"{item.value} cannot be used in a resource control policy: RCPs apply "
                        f"only to {summarize_names(rcp_services(), 11)} actions; remove it or "
                        "enforce it with a service control policy",
                    )


@functools.cache
def trust_actions() -> tuple[str, ...]:
    """The actions a role trust policy can allow (``sts:AssumeRole`` …), canonical spelling."""
    return tuple(
        entry["action"] for entry in data_file("policy_type_actions.json")["trust_actions"]
    )


@functools.cache
def rcp_services() -> tuple[str, ...]:
    """The service prefixes whose actions a resource control policy applies to."""
    return tuple(entry["prefix"] for entry in data_file("policy_type_actions.json")["rcp_services"])
