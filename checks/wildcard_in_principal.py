"""PRI004 wildcard-in-principal: a `*` or `?` inside a principal value."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.principals import all_principal_forms

_FIXES = {
    "AWS": 'use "*" (or the account) with an ArnLike condition on aws:PrincipalArn to match '
    "principals by pattern",
    "Service": "list each service principal",
    "Federated": "name the identity provider",
    "CanonicalUser": "give the 64-digit canonical user id",
}
_ARTICLE = {"AWS": "an", "Service": "a", "Federated": "a", "CanonicalUser": "a"}


class WildcardInPrincipal(Check):
    """## What it does
    Reports a wildcard (`*` or `?`) inside a principal value: a partial ARN such as
    `arn:aws:iam::111122223333:role/app-*`, `arn:aws:iam::*:root`, `*.amazonaws.com`, or `*`
    under `Service`, `Federated` or `CanonicalUser`. `"Principal": "*"` and
    `{"AWS": "*"}` (every principal) are valid and not reported here.

    ## Why is this bad?
    IAM does not match principals by pattern: "You cannot use a wildcard to match part of a
    principal name or ARN". AWS rejects the policy, or the value matches nothing. To grant to
    principals by pattern, use `"AWS": "*"` and restrict it with `ArnLike` on
    `aws:PrincipalArn`, or `aws:PrincipalAccount` / `aws:PrincipalOrgID`.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-*"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "*"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*",
     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}}}
    ```

    ## References
    - [IAM JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
    - Access Analyzer `UNSUPPORTED_WILDCARD_IN_PRINCIPAL`
    """

    id = "PRI004"
    name = "wildcard-in-principal"
    summary = "A wildcard inside a principal value, which IAM does not support."
    severity = Severity.ERROR
    policy_types = frozenset(
        {PolicyType.RESOURCE, PolicyType.TRUST, PolicyType.KMS_KEY, PolicyType.VPC_ENDPOINT}
    )
    tags = ("principal",)
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            for principal, form in all_principal_forms(statement):
                if principal.kind in _FIXES and form.category == "wildcard":
                    yield Report(
                        principal.path,
                        f"wildcards are not supported in {_ARTICLE[principal.kind]} "
                        f"{principal.kind} principal "
                        f'("{principal.value}"); {_FIXES[principal.kind]}',
                    )
