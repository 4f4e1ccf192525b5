"""GRM002 invalid-version: the Version element is not a version IAM knows."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy, json_type

VALID_VERSIONS = ("2012-10-17", "2008-10-17")


class InvalidVersion(Check):
    """## What it does
    Reports a `Version` that is not the string `"2012-10-17"` or `"2008-10-17"`.

    ## Why is this bad?
    `Version` is the version of the policy language, not a date you choose. AWS rejects any
    other value, including today's date and the right date as a number.

    ## Example
    ```json
    {"Version": "2024-01-01", "Statement": [...]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [...]}
    ```

    ## References
    - [IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
    - Access Analyzer `INVALID_VERSION`; parliament `INVALID_VERSION`
    """

    id = "GRM002"
    name = "invalid-version"
    summary = "The Version element is not 2012-10-17 or 2008-10-17."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        item = policy.element("Version")
        if item is None or item.value in VALID_VERSIONS:
            return
        if not isinstance(item.value, str):
            yield Report(
                item.path,
                f'Version must be the string "2012-10-17", not {json_type(item.value)}',
            )
        else:
            yield Report(
                item.path,
                f'Version "{item.value}" is not a policy language version; use "2012-10-17"',
            )
