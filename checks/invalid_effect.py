"""GRM005 invalid-effect: a statement's Effect is missing or not Allow or Deny."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy, json_type


class InvalidEffect(Check):
    """## What it does
    Reports a statement without `Effect`, or whose `Effect` is not exactly `"Allow"` or
    `"Deny"` (the values are case-sensitive).

    ## Why is this bad?
    AWS rejects the policy. A reviewer may read `"allow"` or `"DENY"` as meaningful, but IAM
    does not accept them.

    ## Example
    ```json
    {"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    ```

    ## References
    - [IAM JSON policy elements: Effect](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html)
    - Access Analyzer `MISSING_EFFECT`, `INVALID_EFFECT`; cfn-lint E3510
    """

    id = "GRM005"
    name = "invalid-effect"
    summary = "Effect is missing or not Allow or Deny."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            item = statement.element("Effect")
            if item is None:
                path, key = statement.anchor()
                yield Report(path, 'the statement has no "Effect"; add "Allow" or "Deny"', key=key)
            elif not isinstance(item.value, str):
                yield Report(
                    item.path, f'Effect must be "Allow" or "Deny", not {json_type(item.value)}'
                )
            elif item.value not in ("Allow", "Deny"):
                hint = item.value.strip().capitalize()
                fix = None
                if hint in ("Allow", "Deny"):
                    message = (
                        f'Effect "{item.value}" is not valid; values are case-sensitive: '
                        f'use "{hint}"'
                    )
                    from linter.fixes import Fix, ReplaceValue

                    fix = Fix.unsafe(f'Write "{hint}"', ReplaceValue(item.path, hint))
                else:
                    message = f'Effect "{item.value}" is not valid; use "Allow" or "Deny"'
                yield Report(item.path, message, fix=fix)
