"""POL002 redundant-action: an Action entry another entry of the same element already covers."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy
from linter.wildcards import redundant_entries


class RedundantAction(Check):
    """## What it does
    Reports an entry of `Action` or `NotAction` that another entry of the same element already
    covers: a duplicate (`s3:GetObject` twice, in any letter case) or an action or pattern
    inside a wildcard (`iam:GetUser` beside `iam:Get*`, `s3:Get*` beside `s3:*` or `*`). A
    pattern counts as covered only if it is covered for every possible action name, so
    `iam:*CredentialReport` is not redundant beside `iam:Get*` (it also matches
    `iam:GenerateCredentialReport`), and the verdict does not depend on the catalog's date.

    ## Why is this bad?
    The entry changes nothing, makes the policy longer (size quotas count it) and hides which
    permissions were meant: removing the wildcard later would silently keep the listed action.

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "iam:GetCredentialReport"],
     "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}
    ```

    ## References
    - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    - Access Analyzer `REDUNDANT_ACTION`
    """

    id = "POL002"
    name = "redundant-action"
    summary = "An Action or NotAction entry that another entry of the same element already covers."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    tags = ("policy", "redundancy")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            element = statement.action_element
            items = statement.actions if element == "Action" else statement.not_actions
            if len(items) < 2:
                continue
            texts = [item.value.lower() for item in items]
            for found in redundant_entries(texts):
                item, other = items[found.index], items[found.by]
                if found.duplicate:
                    message = f'"{item.value}" is listed twice in {element}; remove one'
                else:
                    message = (
                        f'"{item.value}" is already covered by "{other.value}" in the same '
                        f"{element}; remove it"
                    )
                fix = None
                if item.path and isinstance(item.path[-1], int):
                    from linter.fixes import Delete, Fix

                    fix = Fix.safe(f'Remove "{item.value}"', Delete(item.path))
                yield Report(item.path, message, fix=fix)
