"""ACT006 not-action-in-rcp: a resource control policy statement uses NotAction."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy


class NotActionInRcp(Check):
    """## What it does
    Reports `NotAction` in a statement of a resource control policy (RCP).

    ## Why is this bad?
    The RCP grammar has no `NotAction` element: AWS Organizations rejects the policy. RCP
    statements name the denied actions in `Action` (`"*"` or actions of the services RCPs
    support).

    ## Example
    ```json
    {
      "Effect": "Deny",
      "Principal": "*",
      "NotAction": "s3:GetObject",
      "Resource": "*",
      "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"}}
    }
    ```

    ## Use instead
    ```json
    {
      "Effect": "Deny",
      "Principal": "*",
      "Action": ["s3:PutObject", "s3:DeleteObject"],
      "Resource": "*",
      "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"}}
    }
    ```

    ## References
    - [RCP syntax](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html)
      (elements: Version, Statement, Sid, Effect, Principal, Action, Resource, NotResource,
      Condition)
    - Access Analyzer `RCP_SYNTAX_ERROR_NOTACTION`
    """

    id = "ACT006"
    name = "not-action-in-rcp"
    summary = "A resource control policy statement uses NotAction."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.RCP})
    tags = ("validity", "actions", "policy-type")
    needs_elements = frozenset({"notaction"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            if "NotAction" in statement.data:
                yield Report(
                    (*statement.path, "NotAction"),
                    'a resource control policy cannot use "NotAction": list the actions to '
                    'deny in "Action" instead',
                    key=True,
                )
