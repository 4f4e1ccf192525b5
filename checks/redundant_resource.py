"""POL003 redundant-resource: a Resource entry another entry of the same element already covers."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy
from linter.wildcards import redundant_entries


class RedundantResource(Check):
    """## What it does
    Reports an entry of `Resource` or `NotResource` that another entry of the same element
    already covers: a duplicate ARN, or an ARN or pattern inside a wildcard ARN
    (`arn:aws:s3:::examplebucket/reports/*` beside `arn:aws:s3:::examplebucket/*`, anything
    beside `"*"`). ARNs are compared case-sensitively. A policy variable stands for the same
    value in both entries, so `arn:aws:s3:::examplebucket/${aws:username}/*` is covered by
    `arn:aws:s3:::examplebucket/*`.

    Note that `arn:aws:s3:::examplebucket` (the bucket) is not covered by
    `arn:aws:s3:::examplebucket/*` (its objects): both are usually needed.

    ## Why is this bad?
    The entry changes nothing and hides what was meant: a reviewer may read the policy as
    granting access to one object when the wildcard grants all of them.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": [
      "arn:aws:iam::111122223333:role/jane-admin", "arn:aws:iam::111122223333:role/jane*"]}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "iam:PassRole",
     "Resource": "arn:aws:iam::111122223333:role/jane-admin"}
    ```

    ## References
    - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    - Access Analyzer `REDUNDANT_RESOURCE`
    """

    id = "POL003"
    name = "redundant-resource"
    summary = (
        "A Resource or NotResource entry that another entry of the same element already covers."
    )
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    tags = ("policy", "redundancy")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            element = statement.resource_element
            items = statement.resources if element == "Resource" else statement.not_resources
            if len(items) < 2:
                continue
            for found in redundant_entries([item.value for item in items]):
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
