"""PRI007 wildcard-principal-in-trust-policy: `"Principal": "*"` in a role trust policy."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy


class WildcardPrincipalInTrustPolicy(Check):
    """## What it does
    Reports `"Principal": "*"` (the bare string form) in a role trust policy.

    ## Why is this bad?
    IAM does not accept `"Principal": "*"` in a role trust policy. An Allow that lets every
    principal assume a role would also be one of the most dangerous grants there is: name the
    accounts, roles, services or identity providers that may assume the role. In a Deny,
    `{"AWS": "*"}` expresses "every principal".

    ## Example
    ```json
    {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deployer"},
     "Action": "sts:AssumeRole"}
    ```

    ## References
    - [IAM JSON policy elements: Principal, all principals](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous)
    - Access Analyzer `ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL`; checkov `CKV_AWS_60`
    """

    id = "PRI007"
    name = "wildcard-principal-in-trust-policy"
    summary = 'A role trust policy with "Principal": "*", which IAM does not accept.'
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("principal", "trust")
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            item = statement.element("Principal")
            if item is None or item.value != "*":
                continue
            if statement.is_deny:
                fix = 'use {"AWS": "*"} to deny every principal'
            else:
                fix = (
                    "name the accounts, roles, services or identity providers that may "
                    "assume the role"
                )
            yield Report(
                item.path, f'"Principal": "*" is not supported in a role trust policy; {fix}'
            )
