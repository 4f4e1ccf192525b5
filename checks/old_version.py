"""GRM003 old-version: the policy uses the 2008-10-17 policy language."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class OldVersion(Check):
    """## What it does
    Reports `"Version": "2008-10-17"`.

    ## Why is this bad?
    The 2008-10-17 language predates policy variables (`${aws:username}`,
    `${aws:PrincipalTag/team}`) and some newer features: they are read as literal text, so
    resources and conditions that use them silently match nothing. AWS recommends 2012-10-17
    for every new policy.

    ## Example
    ```json
    {"Version": "2008-10-17", "Statement": [...]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [...]}
    ```

    ## References
    - [IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
    - parliament `OLD_VERSION`
    """

    id = "GRM003"
    name = "old-version"
    summary = "The policy uses the 2008-10-17 policy language."
    severity = Severity.WARNING
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        item = policy.element("Version")
        if item is not None and item.value == "2008-10-17":
            yield Report(
                item.path,
                'Version "2008-10-17" disables policy variables; use "2012-10-17"',
            )
