"""CND016 policy-variable-in-unsupported-element: a ``${...}`` variable in Action or Principal."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.placeholders import is_placeholder
from linter.policy import Policy
from linter.variables import elements_with_variables, policy_variables


class PolicyVariableInUnsupportedElement(Check):
    """## What it does
    Reports a `${...}` policy variable in an `Action`, `NotAction`, `Principal` or
    `NotPrincipal` value. IAM substitutes variables only in `Resource`/`NotResource` and in
    condition values (CND015 checks those).

    ## Why is this bad?
    Outside those places the variable is not substituted: `"Action": "s3:${aws:PrincipalTag/op}"`
    names no action, and `"Principal": {"AWS": "arn:aws:iam::${aws:PrincipalAccount}:root"}` is
    rejected or names nobody. Access Analyzer reports it as an error.

    ## Example
    ```json
    {"Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::${aws:PrincipalAccount}:root"},
     "Action": "sqs:SendMessage", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "*"},
     "Action": "sqs:SendMessage", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}
    ```

    ## References
    - [IAM policy elements: Variables and tags, "Where you can use policy variables"](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
    - Access Analyzer `VARIABLE_UNSUPPORTED_IN_ELEMENT`
    """

    id = "CND016"
    name = "policy-variable-in-unsupported-element"
    summary = "A policy variable in Action or Principal, where IAM does not substitute it."
    severity = Severity.ERROR
    tags = ("condition", "variables")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            if elements_with_variables(statement).isdisjoint(_ELEMENTS):
                continue
            items = [
                (statement.action_element or "Action", item)
                for item in (*statement.actions, *statement.not_actions)
            ]
            items += [
                (statement.principal_element or "Principal", principal)
                for principal in (*statement.principals, *statement.not_principals)
            ]
            for element, item in items:
                value = item.value
                if not isinstance(value, str) or "${" not in value:
                    continue
                # template placeholders (${Partition}) are POL007's
                variables = [v for v in policy_variables(value) if not is_placeholder(v.text)]
                if not variables:
                    continue
                yield Report(
                    item.path,
                    f"{variables[0].text} is not substituted in {element}: IAM replaces policy "
                    "variables only in Resource and in condition values; write the value or "
                    "move the test into a Condition",
                )


_ELEMENTS = ("Action", "NotAction", "Principal", "NotPrincipal")
