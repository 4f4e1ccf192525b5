"""PRI006 federated-principal-not-supported: a Federated principal outside a role trust policy."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy


class FederatedPrincipalNotSupported(Check):
    """## What it does
    Reports a `Federated` principal in a resource-based policy or key policy. Only role trust
    policies accept `Federated`: identity federation works by assuming a role.

    ## Why is this bad?
    AWS rejects the policy (for example a SAML provider in an S3 bucket policy). Federated users
    reach a resource through the role they assume: name that role under `AWS`. If the file is a
    role trust policy that was detected as a resource policy, set its type.

    ## Example
    ```json
    {"Effect": "Allow",
     "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/ExampleIdP"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleIdPUsers"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
    ```

    ## References
    - [IAM JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
    - [Create a role for a third-party identity provider](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp.html)
    - Access Analyzer `FEDERATED_PRINCIPAL_NOT_SUPPORTED`
    """

    id = "PRI006"
    name = "federated-principal-not-supported"
    summary = "A Federated principal in a policy that is not a role trust policy."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.RESOURCE, PolicyType.KMS_KEY})
    tags = ("principal",)
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        what = "a key policy" if policy.policy_type is PolicyType.KMS_KEY else "a resource policy"
        for statement in policy.statements:
            for element in ("Principal", "NotPrincipal"):
                item = statement.element(element)
                if item is None or not isinstance(item.value, dict):
                    continue
                if "Federated" in item.value:
                    yield Report(
                        (*item.path, "Federated"),
                        f"a Federated principal is only valid in a role trust policy, not in "
                        f'{what}; name the role the federated users assume under "AWS" (or, '
                        "if this is a trust policy, set its type: --policy-type trust or a "
                        "file name such as role.trust.json)",
                        key=True,
                    )
