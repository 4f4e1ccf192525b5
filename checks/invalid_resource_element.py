"""GRM007 invalid-resource-element: Resource/NotResource missing, doubled, misplaced or mistyped."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy, json_type


class InvalidResourceElement(Check):
    """## What it does
    Reports a statement with neither `Resource` nor `NotResource` (required in every policy
    type except a role trust policy), with both, with either one in a role trust policy, or
    with a value that is not a string or an array of strings.

    ## Why is this bad?
    AWS rejects the policy. In a role trust policy the role itself is the resource, and IAM
    refuses a `Resource` element there.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
    ```

    ## References
    - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    - Access Analyzer `MISSING_RESOURCE`, `ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE`,
      `UNSUPPORTED_ELEMENT_COMBINATION`
    """

    id = "GRM007"
    name = "invalid-resource-element"
    summary = "Resource/NotResource is missing, doubled, misplaced or not strings."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        trust = policy.policy_type is PolicyType.TRUST
        for statement in policy.statements:
            present = [e for e in ("Resource", "NotResource") if e in statement.data]
            if trust:
                for element in present:
                    yield Report(
                        (*statement.path, element),
                        f'a role trust policy cannot have "{element}": the role is the resource',
                        key=True,
                    )
                continue
            if not present:
                if policy.resource_implied:
                    continue  # the repository the policy is attached to is the resource
                path, key = statement.anchor()
                yield Report(
                    path, 'the statement has neither "Resource" nor "NotResource"', key=key
                )
                continue
            if len(present) == 2:
                yield Report(
                    (*statement.path, "NotResource"),
                    'a statement cannot have both "Resource" and "NotResource"',
                    key=True,
                )
            for element in present:
                item = statement.element(element)
                assert item is not None
                if isinstance(item.value, list):
                    for index, value in enumerate(item.value):
                        if not isinstance(value, str):
                            yield Report(
                                (*item.path, index),
                                f"a {element} entry must be a string, not {json_type(value)}",
                            )
                elif not isinstance(item.value, str):
                    yield Report(
                        item.path,
                        f"{element} must be a string or an array of strings, "
                        f"not {json_type(item.value)}",
                    )
