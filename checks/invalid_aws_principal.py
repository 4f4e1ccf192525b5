"""PRI001 invalid-aws-principal: an AWS or CanonicalUser principal value has the wrong form."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.principals import all_principal_forms


class InvalidAwsPrincipal(Check):
    """## What it does
    Checks every value under `AWS` and `CanonicalUser` in `Principal` and `NotPrincipal`. An
    `AWS` value must be `"*"`, a 12-digit account id, or the ARN of an account root
    (`arn:aws:iam::111122223333:root`), an IAM user or role (`…:user/<path/name>`,
    `…:role/<path/name>`), an assumed-role session
    (`arn:aws:sts::111122223333:assumed-role/<role>/<session>`) or a federated user
    (`arn:aws:sts::111122223333:federated-user/<name>`); IAM and STS principal ARNs have no
    Region and a 12-digit account. A `CanonicalUser` value is 64 lower-case hex digits. IAM
    groups, access key ids, other services' ARNs and identity providers (which belong under
    `Federated`) are not AWS principals.

    Wildcards inside a value are reported by PRI004 and role or user unique ids (`AROA…`,
    `AIDA…`) by PRI005.

    ## Why is this bad?
    AWS rejects the policy with "Invalid principal in policy", or, for a value the service
    accepts but cannot resolve, the statement never matches anyone.

    ## Example
    ```json
    {"Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:group/admins", "11112222333"]},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:role/Admin", "111122223333"]},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
    ```

    ## References
    - [IAM JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
    - [IAM identifiers: ARNs](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns)
    - parliament `UNKNOWN_PRINCIPAL`; IAM error "Invalid principal in policy"
    """

    id = "PRI001"
    name = "invalid-aws-principal"
    summary = "An AWS or CanonicalUser principal value has an invalid form."
    severity = Severity.ERROR
    policy_types = frozenset(
        {PolicyType.RESOURCE, PolicyType.TRUST, PolicyType.KMS_KEY, PolicyType.VPC_ENDPOINT}
    )
    tags = ("principal",)
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            for principal, form in all_principal_forms(statement):
                if principal.kind in ("AWS", "CanonicalUser") and form.category == "invalid":
                    yield Report(
                        principal.path,
                        f'"{principal.value}" is not a valid {principal.kind} principal: '
                        f"{form.problem}",
                    )
