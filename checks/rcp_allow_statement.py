"""POL006 rcp-allow-statement: an Allow statement in a resource control policy."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy, Statement


class RcpAllowStatement(Check):
    """## What it does
    Reports an `"Effect": "Allow"` statement in a resource control policy (RCP), at its `Effect`
    value, unless it is exactly the statement of the AWS-managed `RCPFullAWSAccess` policy
    (`"Principal": "*"`, `"Action": "*"`, `"Resource": "*"`, no `Condition`).

    ## Why is this bad?
    AWS Organizations: "The effect of Allow is only supported for the RCPFullAWSAccess policy",
    which is attached everywhere automatically and cannot be detached. An RCP only restricts:
    its statements are Denys. Access Analyzer rejects an Allow with another principal, resource
    or a condition (`RCP_SYNTAX_ERROR_ALLOW`); the documentation rules out any other Allow, and
    iamlint follows the documentation. An Allow in an RCP never grants anything anyway.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"},
                   "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}
    ```

    ## References
    - [RCP syntax: Effect](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html)
    - Access Analyzer `RCP_SYNTAX_ERROR_ALLOW`
    """

    id = "POL006"
    name = "rcp-allow-statement"
    summary = "An Allow statement in a resource control policy, where only Deny is supported."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.RCP})
    tags = ("policy", "rcp")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            if statement.is_allow and not _is_full_access(statement):
                yield Report(
                    (*statement.path, "Effect"),
                    'an RCP only restricts access: "Allow" is supported only in the AWS-managed '
                    'RCPFullAWSAccess policy; write the restriction as a "Deny" statement',
                )


def _is_full_access(statement: Statement) -> bool:
    data = statement.data
    return (
        data.get("Principal") == "*"
        and data.get("Action") in ("*", ["*"])
        and data.get("Resource") in ("*", ["*"])
        and "Condition" not in data
    )
