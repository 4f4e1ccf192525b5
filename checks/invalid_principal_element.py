"""GRM008 invalid-principal-element: Principal/NotPrincipal wrong for the policy type or shape."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import PRINCIPAL_KINDS, Policy, Statement, json_type

_NEEDS_PRINCIPAL = frozenset(
    {
        PolicyType.RESOURCE,
        PolicyType.TRUST,
        PolicyType.KMS_KEY,
        PolicyType.RCP,
        PolicyType.VPC_ENDPOINT,
    }
)
_NO_PRINCIPAL = frozenset({PolicyType.IDENTITY, PolicyType.SCP})


class InvalidPrincipalElement(Check):
    """## What it does
    Checks the `Principal` and `NotPrincipal` elements against the policy type and the grammar:
    identity policies and SCPs cannot name a principal; resource, key, trust policies and RCPs
    must; a statement cannot have both; the value is `"*"` or an object whose keys are `AWS`,
    `Service`, `Federated` or `CanonicalUser` with string or string-array values; a role trust
    policy cannot use `NotPrincipal`.

    ## Why is this bad?
    AWS rejects the policy. A principal in an identity policy usually means the file is a
    resource policy checked as the wrong type (set the type with `--policy-type` or a file name
    such as `bucket.resource.json`).

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"aws": "arn:aws:iam::111122223333:root"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
    ```

    ## References
    - [IAM JSON policy elements:
      Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
    - Access Analyzer `MISSING_PRINCIPAL`, `UNSUPPORTED_PRINCIPAL`, `INVALID_PRINCIPAL_FORMAT`,
      `INVALID_PRINCIPAL_KEY`, `SCP_SYNTAX_ERROR_PRINCIPAL`,
      `ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL`
    """

    id = "GRM008"
    name = "invalid-principal-element"
    summary = "Principal/NotPrincipal is wrong for the policy type or malformed."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        policy_type = policy.policy_type
        for statement in policy.statements:
            present = [e for e in ("Principal", "NotPrincipal") if e in statement.data]
            if policy_type in _NO_PRINCIPAL:
                for element in present:
                    yield Report(
                        (*statement.path, element),
                        f'{_article(policy_type)} cannot have "{element}"; if this is a resource, '
                        "key or trust policy, set its type (--policy-type or a file name such as "
                        "name.resource.json)",
                        key=True,
                    )
                continue
            if not present and policy_type in _NEEDS_PRINCIPAL:
                path, key = statement.anchor()
                yield Report(
                    path,
                    f'a statement in {_article(policy_type)} needs a "Principal"',
                    key=key,
                )
                continue
            if len(present) == 2:
                yield Report(
                    (*statement.path, "NotPrincipal"),
                    'a statement cannot have both "Principal" and "NotPrincipal"',
                    key=True,
                )
            if policy_type is PolicyType.TRUST and "NotPrincipal" in present:
                yield Report(
                    (*statement.path, "NotPrincipal"),
                    'a role trust policy cannot use "NotPrincipal"',
                    key=True,
                )
            for element in present:
                yield from _check_shape(statement, element)


def _article(policy_type: PolicyType) -> str:
    names = {
        PolicyType.IDENTITY: "an identity policy",
        PolicyType.SCP: "a service control policy",
        PolicyType.RESOURCE: "a resource policy",
        PolicyType.TRUST: "a role trust policy",
        PolicyType.KMS_KEY: "a key policy",
        PolicyType.RCP: "a resource control policy",
        PolicyType.VPC_ENDPOINT: "a VPC endpoint policy",
    }
    return names[policy_type]


def _check_shape(statement: Statement, element: str) -> Iterator[Report]:
    item = statement.element(element)
    assert item is not None
    if item.value == "*":
        return
    if isinstance(item.value, str):
        yield Report(
            item.path,
            f'{element} must be "*" or an object such as {{"AWS": "{item.value}"}}',
        )
        return
    if not isinstance(item.value, dict):
        yield Report(item.path, f"{element} must be an object, not {json_type(item.value)}")
        return
    canonical = {kind.lower(): kind for kind in PRINCIPAL_KINDS}
    for kind, value in item.value.items():
        kind_path = (*item.path, kind)
        if kind not in PRINCIPAL_KINDS:
            hint = canonical.get(kind.lower())
            suggestion = f'; did you mean "{hint}"?' if hint else ""
            yield Report(
                kind_path,
                f'"{kind}" is not a principal type (AWS, Service, Federated, CanonicalUser)'
                + suggestion,
                key=True,
            )
            continue
        values = value if isinstance(value, list) else [value]
        if not isinstance(value, (str, list)):
            yield Report(
                kind_path,
                f"{element}.{kind} must be a string or an array of strings, not {json_type(value)}",
            )
            continue
        for index, entry in enumerate(values):
            if not isinstance(entry, str):
                path = (*kind_path, index) if isinstance(value, list) else kind_path
                yield Report(
                    path, f"each {kind} principal must be a string, not {json_type(entry)}"
                )
