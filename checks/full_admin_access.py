"""LPR001 full-admin-access: an Allow of every action on every resource without a condition."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.grants import matches_every_action
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants


class FullAdminAccess(Check):
    """## What it does
    Reports an `Allow` statement of an identity policy whose `Action` includes `"*"` (or `"*:*"`)
    and whose `Resource` includes `"*"` (or an ARN of only wildcards such as `arn:*:*:*:*:*`) or
    which uses `NotResource`: the statement grants every action of every AWS service. The finding
    is on the `"*"` action value.

    Silent when a constraining condition narrows the grant (for example `aws:MultiFactorAuthPresent`
    with `Bool` `"true"`, `aws:SourceIp`, `aws:RequestedRegion`); `...IfExists`, negated operators
    and `Null` do not count (`linter.conditions.constrains`). `Deny` statements (the usual
    `{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": …}` guard) are never reported,
    and neither are SCPs and RCPs, where `Allow * *` is the default `FullAWSAccess` filter.
    The finding stands for the statement's other grant findings (credentials, KMS, monitoring,
    Transcribe, privilege escalation, exposure): it names them instead of repeating them.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Whoever holds the policy can do anything in the account, including removing every other
    control (CloudTrail, AWS Config, key policies) and granting itself or others any permission.
    AWS's least-privilege guidance asks for the actions and resources a task needs; full
    administrator access belongs to a few closely watched break-glass roles, where the finding can
    be suppressed with a reason.

    ## Example
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["transcribe:StartTranscriptionJob", "transcribe:GetTranscriptionJob"],
      "Resource": "*"}]}
    ```

    ## References
    - [IAM best practices: apply least-privilege permissions](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    - [AWS managed policies for job functions: AdministratorAccess](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html)
    - Access Analyzer only indirectly (`PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE`,
      `CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE`); checkov `CKV_AWS_1` / `CKV_AWS_62`,
      `CKV2_AWS_40`; cfn_nag `IamPolicyWildcardAction`; parliament skips `Action: "*"` entirely
    """

    id = "LPR001"
    name = "full-admin-access"
    summary = "An Allow of every action on every resource without a constraining condition."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "least-privilege")
    # Everything on everything grants what these report in the same statement: one finding.
    subsumes = (
        "CRD001",
        "KMS001",
        "KMS004",
        "LPR002",
        "LPR003",
        "LPR008",
        "LPR009",
        "LPR010",
        "MON001",
        "MON002",
        "MON003",
        "TRN001",
        "TRN002",
        "TRN003",
        "TRN004",
    )

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            if not grants.full_admin(statement):
                continue
            if statement.resource_element == "NotResource":
                where = "on every resource outside NotResource"
            else:
                where = "on every resource"
            item = next(i for i in statement.actions if matches_every_action(i.value))
            yield Report(
                item.path,
                f'the statement allows every action ("{item.value}") {where}: full '
                "administrator access; list the actions and resources the principal "
                "needs, or add a condition that narrows the grant",
            )
