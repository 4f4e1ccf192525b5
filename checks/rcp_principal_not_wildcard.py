"""PRI009 rcp-principal-not-wildcard: a resource control policy names principals."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy


class RcpPrincipalNotWildcard(Check):
    """## What it does
    In a resource control policy (RCP), reports a `Principal` other than `"*"` (an object such as
    `{"AWS": "111122223333"}`, even `{"AWS": "*"}`) and any `NotPrincipal`.

    ## Why is this bad?
    AWS Organizations rejects the RCP: "RCPs only support specifying all principals ("*") in the
    Principal element. The NotPrincipal element is not supported for RCPs." Choose the
    principals an RCP applies to with conditions such as `aws:PrincipalOrgID`,
    `aws:PrincipalAccount`, `aws:PrincipalArn` or `aws:PrincipalIsAWSService`.

    ## Example
    ```json
    {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "s3:*", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"},
                   "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}
    ```

    ## References
    - [RCP syntax: Principal](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html)
    - Access Analyzer `RCP_SYNTAX_ERROR_PRINCIPAL`
    """

    id = "PRI009"
    name = "rcp-principal-not-wildcard"
    summary = 'A resource control policy whose Principal is not "*", or that uses NotPrincipal.'
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.RCP})
    tags = ("principal", "rcp")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            item = statement.element("Principal")
            # Strings other than "*" are malformed for every policy type: GRM008 reports them.
            if item is not None and isinstance(item.value, (dict, list)):
                yield Report(
                    item.path,
                    'an RCP\'s Principal must be "*"; choose principals with conditions such as '
                    "aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn",
                )
            if "NotPrincipal" in statement.data:
                yield Report(
                    (*statement.path, "NotPrincipal"),
                    'RCPs do not support "NotPrincipal"; use "Principal": "*" with a condition '
                    "on aws:PrincipalArn",
                    key=True,
                )
